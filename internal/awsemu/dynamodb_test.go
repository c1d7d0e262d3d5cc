package awsemu

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func TestDynamoDBDescribeTable(t *testing.T) {
	t.Parallel()
	seed := DefaultSeed()
	seed.DynamoDBTables = append(seed.DynamoDBTables, SeedTable{
		Name:      "Orders",
		KeySchema: []SeedKey{{AttributeName: "pk", KeyType: "HASH"}, {AttributeName: "sk", KeyType: "RANGE"}},
		LocalSecondaryIndexes: []SeedIndex{{Name: "by_date", KeySchema: []SeedKey{
			{AttributeName: "pk", KeyType: "HASH"}, {AttributeName: "date", KeyType: "RANGE", AttributeType: "N"}}}},
		StreamEnabled: true,
	})
	c := newClients(t, seed)
	tests := map[string]struct {
		table string
		check func(t *testing.T, tb *ddbtypes.TableDescription)
		errAs bool
	}{
		"Items with GSI, no stream": {"Items", func(t *testing.T, tb *ddbtypes.TableDescription) {
			if aws.ToString(tb.TableArn) != "arn:aws:dynamodb:us-west-2:123456789012:table/Items" || tb.TableStatus != ddbtypes.TableStatusActive {
				t.Fatalf("table: %+v", tb)
			}
			if len(tb.GlobalSecondaryIndexes) != 1 || aws.ToString(tb.GlobalSecondaryIndexes[0].IndexName) != "idx_global_customerId" ||
				aws.ToString(tb.GlobalSecondaryIndexes[0].IndexArn) != "arn:aws:dynamodb:us-west-2:123456789012:table/Items/index/idx_global_customerId" {
				t.Fatalf("gsi: %+v", tb.GlobalSecondaryIndexes)
			}
			if tb.LatestStreamArn != nil || tb.StreamSpecification != nil {
				t.Fatal("Items must have no stream")
			}
			if len(tb.AttributeDefinitions) != 2 || aws.ToString(tb.KeySchema[0].AttributeName) != "id" {
				t.Fatalf("attrs %+v", tb.AttributeDefinitions)
			}
		}, false},
		"Orders with LSI and stream": {"Orders", func(t *testing.T, tb *ddbtypes.TableDescription) {
			if len(tb.LocalSecondaryIndexes) != 1 || len(tb.KeySchema) != 2 || tb.KeySchema[1].KeyType != ddbtypes.KeyTypeRange {
				t.Fatalf("lsi/keys: %+v", tb)
			}
			if tb.StreamSpecification == nil || !aws.ToBool(tb.StreamSpecification.StreamEnabled) ||
				tb.StreamSpecification.StreamViewType != ddbtypes.StreamViewTypeNewAndOldImages ||
				aws.ToString(tb.LatestStreamArn) != "arn:aws:dynamodb:us-west-2:123456789012:table/Orders/stream/"+aws.ToString(tb.LatestStreamLabel) {
				t.Fatalf("stream: %+v %s", tb.StreamSpecification, aws.ToString(tb.LatestStreamArn))
			}
		}, false},
		"by ARN":        {"arn:aws:dynamodb:us-west-2:123456789012:table/Items", func(t *testing.T, tb *ddbtypes.TableDescription) {}, false},
		"unknown table": {"Nope", nil, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out, err := c.ddb.DescribeTable(ctx(t), &dynamodb.DescribeTableInput{TableName: aws.String(tc.table)})
			if tc.errAs {
				var rnf *ddbtypes.ResourceNotFoundException
				if !errors.As(err, &rnf) || httpStatus(err) != 400 {
					t.Fatalf("want ResourceNotFoundException 400, got %v", err)
				}
				return
			}
			must(t, err)
			tc.check(t, out.Table)
		})
	}
	t.Run("unsupported operation", func(t *testing.T) {
		t.Parallel()
		_, err := c.ddb.CreateBackup(ctx(t), &dynamodb.CreateBackupInput{TableName: aws.String("Items"), BackupName: aws.String("b")})
		wantCode(t, err, "UnknownOperationException")
	})
	t.Run("PutTable helper", func(t *testing.T) {
		t.Parallel()
		must(t, c.srv.PutTable(SeedTable{Name: "Extra"}))
		_, err := c.ddb.DescribeTable(ctx(t), &dynamodb.DescribeTableInput{TableName: aws.String("Extra")})
		must(t, err)
	})
}
