// Command carts is the EKS workshop's carts service reduced to its AWS
// calls: it reads and writes a customer's cart in a DynamoDB table with the
// AWS SDK for Go v2 and its default credential chain, unmodified. Where it
// runs decides who it is: in a pod with EKS Pod Identity, the chain finds
// AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
// (injected by EKS); without them it falls through to the node's instance
// metadata service, if the pod can reach it; else it has no credentials.
//
//	carts [-table Items] whoami              the caller's identity (STS GetCallerIdentity)
//	carts [-table Items] get CUSTOMER        GetItem of the customer's cart
//	carts [-table Items] add CUSTOMER ITEM   PutItem: the cart with ITEM added
//	carts [-table Items] list                Scan: every cart in the table
//	carts [-table Items] delete CUSTOMER     DeleteItem of the customer's cart
//	carts [-table Items] drop-table          DeleteTable
//
// One line of output per call; errors go to stderr as the SDK words them,
// with exit status 1.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("carts", flag.ContinueOnError)
	fs.SetOutput(stderr)
	table := fs.String("table", "Items", "the carts table")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "carts:", err)
		return 1
	}
	out, err := do(ctx, cfg, *table, fs.Args())
	if err != nil {
		fmt.Fprintln(stderr, "carts:", err)
		if _, ok := err.(usageError); ok {
			return 2
		}
		return 1
	}
	fmt.Fprintln(stdout, out)
	return 0
}

type usageError string

func (e usageError) Error() string { return string(e) }

func do(ctx context.Context, cfg aws.Config, table string, args []string) (string, error) {
	if len(args) == 0 {
		return "", usageError("usage: carts [-table T] whoami | get C | add C ITEM | list | delete C | drop-table")
	}
	db := dynamodb.NewFromConfig(cfg)
	key := func() (map[string]types.AttributeValue, error) {
		if len(args) < 2 {
			return nil, usageError(args[0] + " needs a customer")
		}
		return map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "cart-" + args[1]}}, nil
	}
	switch args[0] {
	case "whoami":
		id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return "", err
		}
		return aws.ToString(id.Arn), nil
	case "get":
		k, err := key()
		if err != nil {
			return "", err
		}
		out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: k})
		if err != nil {
			return "", err
		}
		if out.Item == nil {
			return "cart-" + args[1] + ": empty", nil
		}
		return describe(out.Item), nil
	case "add":
		if len(args) != 3 {
			return "", usageError("usage: carts add CUSTOMER ITEM")
		}
		k, _ := key()
		out, err := db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(table), Key: k,
			UpdateExpression:          aws.String("SET customerId = :c ADD #items :i"),
			ExpressionAttributeNames:  map[string]string{"#items": "items"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":c": &types.AttributeValueMemberS{Value: args[1]}, ":i": &types.AttributeValueMemberSS{Value: []string{args[2]}}},
			ReturnValues:              types.ReturnValueAllNew})
		if err != nil {
			return "", err
		}
		return describe(out.Attributes), nil
	case "list":
		out, err := db.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table)})
		if err != nil {
			return "", err
		}
		var lines []string
		for _, it := range out.Items {
			lines = append(lines, describe(it))
		}
		sort.Strings(lines)
		return fmt.Sprintf("%d cart(s): %s", len(lines), strings.Join(lines, "; ")), nil
	case "delete":
		k, err := key()
		if err != nil {
			return "", err
		}
		if _, err := db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(table), Key: k}); err != nil {
			return "", err
		}
		return "deleted cart-" + args[1], nil
	case "drop-table":
		if _, err := db.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(table)}); err != nil {
			return "", err
		}
		return "deleted table " + table, nil
	}
	return "", usageError("unknown command " + args[0])
}

// describe renders a cart: "cart-alice: [socks tea]".
func describe(it map[string]types.AttributeValue) string {
	id := ""
	if v, ok := it["id"].(*types.AttributeValueMemberS); ok {
		id = v.Value
	}
	var items []string
	if v, ok := it["items"].(*types.AttributeValueMemberSS); ok {
		items = append(items, v.Value...)
	}
	sort.Strings(items)
	return fmt.Sprintf("%s: %v", id, items)
}
