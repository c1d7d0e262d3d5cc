package awsemu

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func s(v string) ddbtypes.AttributeValue { return &ddbtypes.AttributeValueMemberS{Value: v} }
func n(v string) ddbtypes.AttributeValue { return &ddbtypes.AttributeValueMemberN{Value: v} }

func ordersSeed() *Seed {
	seed := DefaultSeed()
	seed.DynamoDBTables = append(seed.DynamoDBTables, SeedTable{
		Name:      "Orders",
		KeySchema: []SeedKey{{AttributeName: "pk", KeyType: "HASH"}, {AttributeName: "sk", KeyType: "RANGE", AttributeType: "N"}},
	})
	return seed
}

func TestDynamoDBItemsRoundTrip(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	av := map[string]ddbtypes.AttributeValue{
		"id": s("c1"), "customerId": s("alice"),
		"items": &ddbtypes.AttributeValueMemberL{Value: []ddbtypes.AttributeValue{&ddbtypes.AttributeValueMemberM{Value: map[string]ddbtypes.AttributeValue{"sku": s("tea"), "qty": n("2")}}}},
		"tags":  &ddbtypes.AttributeValueMemberSS{Value: []string{"a", "b"}},
		"total": n("12.5"), "paid": &ddbtypes.AttributeValueMemberBOOL{Value: true},
		"note": &ddbtypes.AttributeValueMemberNULL{Value: true},
		"meta": &ddbtypes.AttributeValueMemberM{Value: map[string]ddbtypes.AttributeValue{"src": s("web")}},
		"blob": &ddbtypes.AttributeValueMemberB{Value: []byte{0, 1, 2}},
	}
	_, err := c.ddb.PutItem(ctx(t), &dynamodb.PutItemInput{TableName: aws.String("Items"), Item: av})
	must(t, err)
	got, err := c.ddb.GetItem(ctx(t), &dynamodb.GetItemInput{TableName: aws.String("Items"), Key: map[string]ddbtypes.AttributeValue{"id": s("c1")}})
	must(t, err)
	if !reflect.DeepEqual(got.Item, av) {
		t.Fatalf("round trip:\n got %#v\nwant %#v", got.Item, av)
	}

	// Projection with a placeholder and a nested path.
	got, err = c.ddb.GetItem(ctx(t), &dynamodb.GetItemInput{TableName: aws.String("Items"), Key: map[string]ddbtypes.AttributeValue{"id": s("c1")},
		ProjectionExpression: aws.String("#c, meta.src"), ExpressionAttributeNames: map[string]string{"#c": "customerId"}})
	must(t, err)
	if len(got.Item) != 2 || got.Item["customerId"] == nil || got.Item["meta"] == nil {
		t.Fatalf("projection: %v", got.Item)
	}

	// Missing item: no Item member.
	got, err = c.ddb.GetItem(ctx(t), &dynamodb.GetItemInput{TableName: aws.String("Items"), Key: map[string]ddbtypes.AttributeValue{"id": s("nope")}})
	must(t, err)
	if got.Item != nil {
		t.Fatalf("missing item returned %v", got.Item)
	}

	// Conditional put: attribute_not_exists on an existing item fails.
	_, err = c.ddb.PutItem(ctx(t), &dynamodb.PutItemInput{TableName: aws.String("Items"), Item: av, ConditionExpression: aws.String("attribute_not_exists(id)")})
	wantCode(t, err, "ConditionalCheckFailedException")

	// UpdateItem: arithmetic, if_not_exists, REMOVE, ADD to a set.
	up, err := c.ddb.UpdateItem(ctx(t), &dynamodb.UpdateItemInput{TableName: aws.String("Items"), Key: map[string]ddbtypes.AttributeValue{"id": s("c1")},
		UpdateExpression:          aws.String("SET total = total + :d, visits = if_not_exists(visits, :zero) REMOVE paid ADD tags :t"),
		ConditionExpression:       aws.String("customerId = :who AND total BETWEEN :lo AND :hi"),
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":d": n("0.25"), ":zero": n("0"), ":t": &ddbtypes.AttributeValueMemberSS{Value: []string{"c"}}, ":who": s("alice"), ":lo": n("1"), ":hi": n("100")},
		ReturnValues:              ddbtypes.ReturnValueAllNew})
	must(t, err)
	if v := up.Attributes["total"].(*ddbtypes.AttributeValueMemberN).Value; v != "12.75" {
		t.Fatalf("total = %s", v)
	}
	if _, ok := up.Attributes["paid"]; ok {
		t.Fatal("REMOVE paid did not remove it")
	}
	if ss := up.Attributes["tags"].(*ddbtypes.AttributeValueMemberSS).Value; len(ss) != 3 {
		t.Fatalf("tags = %v", ss)
	}
	// Upsert of a new item, UPDATED_NEW.
	up, err = c.ddb.UpdateItem(ctx(t), &dynamodb.UpdateItemInput{TableName: aws.String("Items"), Key: map[string]ddbtypes.AttributeValue{"id": s("c2")},
		UpdateExpression: aws.String("SET customerId = :c"), ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":c": s("bob")},
		ReturnValues: ddbtypes.ReturnValueUpdatedNew})
	must(t, err)
	if len(up.Attributes) != 1 || up.Attributes["customerId"] == nil {
		t.Fatalf("UPDATED_NEW = %v", up.Attributes)
	}
	// The key cannot be updated.
	_, err = c.ddb.UpdateItem(ctx(t), &dynamodb.UpdateItemInput{TableName: aws.String("Items"), Key: map[string]ddbtypes.AttributeValue{"id": s("c2")},
		UpdateExpression: aws.String("SET id = :c"), ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":c": s("x")}})
	wantCode(t, err, "ValidationException")

	// Query on the GSI, and Scan.
	q, err := c.ddb.Query(ctx(t), &dynamodb.QueryInput{TableName: aws.String("Items"), IndexName: aws.String("idx_global_customerId"),
		KeyConditionExpression: aws.String("customerId = :c"), ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":c": s("alice")}})
	must(t, err)
	if q.Count != 1 || len(q.Items) != 1 {
		t.Fatalf("query: count %d items %d", q.Count, len(q.Items))
	}
	sc, err := c.ddb.Scan(ctx(t), &dynamodb.ScanInput{TableName: aws.String("Items"), Select: ddbtypes.SelectCount})
	must(t, err)
	if sc.Count != 2 || sc.Items != nil {
		t.Fatalf("scan count: %d %v", sc.Count, sc.Items)
	}

	// DeleteItem with ALL_OLD; DescribeTable counts what is left.
	del, err := c.ddb.DeleteItem(ctx(t), &dynamodb.DeleteItemInput{TableName: aws.String("Items"), Key: map[string]ddbtypes.AttributeValue{"id": s("c1")}, ReturnValues: ddbtypes.ReturnValueAllOld})
	must(t, err)
	if del.Attributes["customerId"] == nil {
		t.Fatalf("ALL_OLD: %v", del.Attributes)
	}
	dt, err := c.ddb.DescribeTable(ctx(t), &dynamodb.DescribeTableInput{TableName: aws.String("Items")})
	must(t, err)
	if aws.ToInt64(dt.Table.ItemCount) != 1 {
		t.Fatalf("ItemCount = %d", aws.ToInt64(dt.Table.ItemCount))
	}
}

func TestDynamoDBQueryScanPagination(t *testing.T) {
	t.Parallel()
	c := newClients(t, ordersSeed())
	var writes []ddbtypes.WriteRequest
	for i, sk := range []string{"3", "1", "10", "2", "20"} {
		_ = i
		writes = append(writes, ddbtypes.WriteRequest{PutRequest: &ddbtypes.PutRequest{Item: map[string]ddbtypes.AttributeValue{"pk": s("alice"), "sk": n(sk), "status": s(map[bool]string{true: "open", false: "done"}[sk != "2"])}}})
	}
	writes = append(writes, ddbtypes.WriteRequest{PutRequest: &ddbtypes.PutRequest{Item: map[string]ddbtypes.AttributeValue{"pk": s("bob"), "sk": n("1")}}})
	_, err := c.ddb.BatchWriteItem(ctx(t), &dynamodb.BatchWriteItemInput{RequestItems: map[string][]ddbtypes.WriteRequest{"Orders": writes}})
	must(t, err)

	// Numbers sort as numbers; BETWEEN, reverse order, filter, pages of 2.
	var sks []string
	var start map[string]ddbtypes.AttributeValue
	pages := 0
	for {
		q, err := c.ddb.Query(ctx(t), &dynamodb.QueryInput{TableName: aws.String("Orders"),
			KeyConditionExpression:    aws.String("pk = :p AND sk BETWEEN :a AND :b"),
			FilterExpression:          aws.String("#s = :open"),
			ExpressionAttributeNames:  map[string]string{"#s": "status"},
			ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":p": s("alice"), ":a": n("2"), ":b": n("20"), ":open": s("open")},
			ScanIndexForward:          aws.Bool(false), Limit: aws.Int32(2), ExclusiveStartKey: start})
		must(t, err)
		pages++
		for _, it := range q.Items {
			sks = append(sks, it["sk"].(*ddbtypes.AttributeValueMemberN).Value)
		}
		if q.LastEvaluatedKey == nil {
			break
		}
		start = q.LastEvaluatedKey
	}
	if strings.Join(sks, ",") != "20,10,3" || pages != 2 {
		t.Fatalf("query pages=%d sks=%v (want 20,10,3 in 2 pages)", pages, sks)
	}
	// Key conditions DynamoDB refuses: no partition key equality (even when
	// every matching item has one partition key), a non-key attribute, OR.
	for _, bad := range []string{"sk > :a", "pk > :p", "pk = :p AND #s = :open", "pk = :p OR sk > :a"} {
		in := &dynamodb.QueryInput{TableName: aws.String("Orders"), KeyConditionExpression: aws.String(bad),
			ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{}}
		for _, v := range []string{":a", ":p", ":open"} {
			if strings.Contains(bad, v) {
				in.ExpressionAttributeValues[v] = map[string]ddbtypes.AttributeValue{":a": n("0"), ":p": s("bob"), ":open": s("open")}[v]
			}
		}
		if strings.Contains(bad, "#s") {
			in.ExpressionAttributeNames = map[string]string{"#s": "status"}
		}
		_, err = c.ddb.Query(ctx(t), in)
		if errCode(err) != "ValidationException" {
			t.Fatalf("key condition %q: want ValidationException, got %v", bad, err)
		}
	}

	// Scan pages through everything once.
	seen := 0
	start = nil
	for {
		sc, err := c.ddb.Scan(ctx(t), &dynamodb.ScanInput{TableName: aws.String("Orders"), Limit: aws.Int32(4), ExclusiveStartKey: start})
		must(t, err)
		seen += len(sc.Items)
		if sc.LastEvaluatedKey == nil {
			break
		}
		start = sc.LastEvaluatedKey
	}
	if seen != 6 {
		t.Fatalf("scan saw %d items, want 6", seen)
	}

	// BatchGetItem, then BatchWriteItem deletes.
	bg, err := c.ddb.BatchGetItem(ctx(t), &dynamodb.BatchGetItemInput{RequestItems: map[string]ddbtypes.KeysAndAttributes{
		"Orders": {Keys: []map[string]ddbtypes.AttributeValue{{"pk": s("bob"), "sk": n("1")}, {"pk": s("bob"), "sk": n("2")}}}}})
	must(t, err)
	if len(bg.Responses["Orders"]) != 1 || len(bg.UnprocessedKeys) != 0 {
		t.Fatalf("BatchGetItem: %v", bg.Responses)
	}
	_, err = c.ddb.BatchWriteItem(ctx(t), &dynamodb.BatchWriteItemInput{RequestItems: map[string][]ddbtypes.WriteRequest{"Orders": {
		{DeleteRequest: &ddbtypes.DeleteRequest{Key: map[string]ddbtypes.AttributeValue{"pk": s("bob"), "sk": n("1")}}}}}})
	must(t, err)
	dt, err := c.ddb.DescribeTable(ctx(t), &dynamodb.DescribeTableInput{TableName: aws.String("Orders")})
	must(t, err)
	if aws.ToInt64(dt.Table.ItemCount) != 5 {
		t.Fatalf("ItemCount after delete = %d", aws.ToInt64(dt.Table.ItemCount))
	}
}

func TestDynamoDBValidation(t *testing.T) {
	t.Parallel()
	c := newClients(t, ordersSeed())
	cases := map[string]func() error{
		"key of the wrong type": func() error {
			_, err := c.ddb.GetItem(ctx(t), &dynamodb.GetItemInput{TableName: aws.String("Orders"), Key: map[string]ddbtypes.AttributeValue{"pk": s("a"), "sk": s("1")}})
			return err
		},
		"key missing the range key": func() error {
			_, err := c.ddb.GetItem(ctx(t), &dynamodb.GetItemInput{TableName: aws.String("Orders"), Key: map[string]ddbtypes.AttributeValue{"pk": s("a")}})
			return err
		},
		"unused placeholder": func() error {
			_, err := c.ddb.GetItem(ctx(t), &dynamodb.GetItemInput{TableName: aws.String("Items"), Key: map[string]ddbtypes.AttributeValue{"id": s("a")},
				ExpressionAttributeNames: map[string]string{"#x": "x"}})
			return err
		},
		"legacy parameter": func() error {
			_, err := c.ddb.GetItem(ctx(t), &dynamodb.GetItemInput{TableName: aws.String("Items"), Key: map[string]ddbtypes.AttributeValue{"id": s("a")},
				AttributesToGet: []string{"id"}})
			return err
		},
		"syntax error": func() error {
			_, err := c.ddb.PutItem(ctx(t), &dynamodb.PutItemInput{TableName: aws.String("Items"), Item: map[string]ddbtypes.AttributeValue{"id": s("a")},
				ConditionExpression: aws.String("attribute_not_exists(")})
			return err
		},
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) { wantCode(t, f(), "ValidationException") })
	}
	_, err := c.ddb.GetItem(ctx(t), &dynamodb.GetItemInput{TableName: aws.String("Nope"), Key: map[string]ddbtypes.AttributeValue{"id": s("a")}})
	wantCode(t, err, "ResourceNotFoundException")
}

// The wire format of GetItem as in the DynamoDB API reference's example:
// {"Item": {"name": {"S": "..."}, ...}}, content type application/x-amz-json-1.0.
func TestDynamoDBGetItemWireFormat(t *testing.T) {
	t.Parallel()
	seed := DefaultSeed()
	seed.DynamoDBTables[0].Items = []map[string]json.RawMessage{{"id": json.RawMessage(`{"S":"cart-1"}`), "qty": json.RawMessage(`{"N":"2"}`)}}
	srv := StartTest(t, seed)
	req, _ := http.NewRequest("POST", srv.URL(), strings.NewReader(`{"TableName":"Items","Key":{"id":{"S":"cart-1"}}}`))
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810.GetItem")
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Date", "20250101T000000Z")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAAWSEMUTEST000001/20250101/us-west-2/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=00")
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/x-amz-json-1.0" || resp.Header.Get("X-Amz-Crc32") == "" {
		t.Fatalf("status %d headers %v", resp.StatusCode, resp.Header)
	}
	var got map[string]map[string]map[string]string
	must(t, json.Unmarshal(body, &got))
	if got["Item"]["id"]["S"] != "cart-1" || got["Item"]["qty"]["N"] != "2" || len(got) != 1 {
		t.Fatalf("body %s", body)
	}
}
