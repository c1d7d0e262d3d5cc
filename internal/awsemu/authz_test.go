package awsemu

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

const (
	itemsARN  = "arn:aws:dynamodb:us-west-2:123456789012:table/Items"
	ordersARN = "arn:aws:dynamodb:us-west-2:123456789012:table/Orders"
	userTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
)

// assumeAs creates role name with the given inline policy (if any), assumes
// it through STS and returns DynamoDB and STS clients signing with the
// session's credentials.
func assumeAs(t *testing.T, c *clients, name, inline string) (*dynamodb.Client, *sts.Client) {
	t.Helper()
	arn := createRole(t, c, name, userTrust)
	if inline != "" {
		_, err := c.iam.PutRolePolicy(ctx(t), &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(inline)})
		must(t, err)
	}
	out, err := c.sts.AssumeRole(ctx(t), &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("test")})
	must(t, err)
	return sessionClients(c.srv, aws.ToString(out.Credentials.AccessKeyId), aws.ToString(out.Credentials.SecretAccessKey), aws.ToString(out.Credentials.SessionToken))
}

func sessionClients(srv *Server, akid, secret, token string) (*dynamodb.Client, *sts.Client) {
	cfg := aws.Config{Region: srv.Region(), Retryer: func() aws.Retryer { return aws.NopRetryer{} },
		Credentials: credentials.NewStaticCredentialsProvider(akid, secret, token)}
	ep := aws.String(srv.URL())
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = ep }),
		sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = ep })
}

func getItem(ctx context.Context, d *dynamodb.Client, table string) error {
	key := map[string]ddbtypes.AttributeValue{"id": s("k")}
	if table == "Orders" {
		key = map[string]ddbtypes.AttributeValue{"pk": s("k"), "sk": n("1")}
	}
	_, err := d.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: key})
	return err
}

func wantDenied(t *testing.T, err error, want string) {
	t.Helper()
	wantCode(t, err, "AccessDeniedException")
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("message %q does not contain %q", err.Error(), want)
	}
}

func TestAuthzIdentityPolicies(t *testing.T) {
	t.Parallel()
	c := newClients(t, ordersSeed())
	ddb, st := assumeAs(t, c, "carts", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:PutItem"],"Resource":"`+itemsARN+`"}]}`)

	who, err := st.GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
	must(t, err)
	sessionARN := "arn:aws:sts::123456789012:assumed-role/carts/test"
	if aws.ToString(who.Arn) != sessionARN {
		t.Fatalf("caller %s", aws.ToString(who.Arn))
	}
	must(t, getItem(ctx(t), ddb, "Items"))
	_, err = ddb.PutItem(ctx(t), &dynamodb.PutItemInput{TableName: aws.String("Items"), Item: map[string]ddbtypes.AttributeValue{"id": s("k")}})
	must(t, err)

	// AWS's message, word for word.
	err = getItem(ctx(t), ddb, "Orders")
	wantDenied(t, err, "User: "+sessionARN+" is not authorized to perform: dynamodb:GetItem on resource: "+ordersARN+" because no identity-based policy allows the dynamodb:GetItem action")
	if httpStatus(err) != 400 {
		t.Fatalf("status %d, want 400", httpStatus(err))
	}
	_, err = ddb.DeleteTable(ctx(t), &dynamodb.DeleteTableInput{TableName: aws.String("Items")})
	wantDenied(t, err, "dynamodb:DeleteTable on resource: "+itemsARN)
	_, err = ddb.Scan(ctx(t), &dynamodb.ScanInput{TableName: aws.String("Items")})
	wantDenied(t, err, "dynamodb:Scan")
	// An index is its own resource.
	_, err = ddb.Query(ctx(t), &dynamodb.QueryInput{TableName: aws.String("Items"), IndexName: aws.String("idx_global_customerId"),
		KeyConditionExpression: aws.String("customerId = :c"), ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":c": s("x")}})
	wantDenied(t, err, "on resource: "+itemsARN+"/index/idx_global_customerId")
	// A denied caller learns nothing about a table that does not exist.
	err = getItem(ctx(t), ddb, "Nope")
	wantCode(t, err, "AccessDeniedException")
	// The table is still there.
	if _, err := c.ddb.DescribeTable(ctx(t), &dynamodb.DescribeTableInput{TableName: aws.String("Items")}); err != nil {
		t.Fatal(err)
	}
}

func TestAuthzExplicitDenyWins(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	ddb, _ := assumeAs(t, c, "r", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"}]}`)
	pol, err := c.iam.CreatePolicy(ctx(t), &iam.CreatePolicyInput{PolicyName: aws.String("no-delete"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"dynamodb:Delete*","Resource":"` + itemsARN + `"}]}`)})
	must(t, err)
	_, err = c.iam.AttachRolePolicy(ctx(t), &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: pol.Policy.Arn})
	must(t, err)
	must(t, getItem(ctx(t), ddb, "Items"))
	_, err = ddb.DeleteItem(ctx(t), &dynamodb.DeleteItemInput{TableName: aws.String("Items"), Key: map[string]ddbtypes.AttributeValue{"id": s("k")}})
	wantDenied(t, err, "dynamodb:DeleteItem on resource: "+itemsARN+" with an explicit deny in an identity-based policy")
	// Policies are read at each request: detaching the Deny allows again.
	_, err = c.iam.DetachRolePolicy(ctx(t), &iam.DetachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: pol.Policy.Arn})
	must(t, err)
	_, err = ddb.DeleteItem(ctx(t), &dynamodb.DeleteItemInput{TableName: aws.String("Items"), Key: map[string]ddbtypes.AttributeValue{"id": s("k")}})
	must(t, err)
	// A Deny with a condition the emulator cannot evaluate denies (fails closed).
	_, err = c.iam.PutRolePolicy(ctx(t), &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("cond"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"dynamodb:GetItem","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`)})
	must(t, err)
	wantDenied(t, getItem(ctx(t), ddb, "Items"), "with an explicit deny in an identity-based policy")
}

func TestAuthzAWSManagedPolicy(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	ddb, _ := assumeAs(t, c, "reader", "")
	wantDenied(t, getItem(ctx(t), ddb, "Items"), "because no identity-based policy allows")
	_, err := c.iam.AttachRolePolicy(ctx(t), &iam.AttachRolePolicyInput{RoleName: aws.String("reader"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess")})
	must(t, err)
	must(t, getItem(ctx(t), ddb, "Items"))
	_, err = ddb.Scan(ctx(t), &dynamodb.ScanInput{TableName: aws.String("Items")})
	must(t, err)
	_, err = ddb.PutItem(ctx(t), &dynamodb.PutItemInput{TableName: aws.String("Items"), Item: map[string]ddbtypes.AttributeValue{"id": s("k")}})
	wantDenied(t, err, "dynamodb:PutItem")
}

func TestAuthzPermissionsBoundary(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	ddb, _ := assumeAs(t, c, "bounded", "")
	_, err := c.iam.AttachRolePolicy(ctx(t), &iam.AttachRolePolicyInput{RoleName: aws.String("bounded"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
	must(t, err)
	_, err = ddb.PutItem(ctx(t), &dynamodb.PutItemInput{TableName: aws.String("Items"), Item: map[string]ddbtypes.AttributeValue{"id": s("k")}})
	must(t, err)
	b, err := c.iam.CreatePolicy(ctx(t), &iam.CreatePolicyInput{PolicyName: aws.String("read-only-boundary"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"}]}`)})
	must(t, err)
	_, err = c.iam.PutRolePermissionsBoundary(ctx(t), &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("bounded"), PermissionsBoundary: b.Policy.Arn})
	must(t, err)
	must(t, getItem(ctx(t), ddb, "Items"))
	_, err = ddb.PutItem(ctx(t), &dynamodb.PutItemInput{TableName: aws.String("Items"), Item: map[string]ddbtypes.AttributeValue{"id": s("k")}})
	wantDenied(t, err, "dynamodb:PutItem on resource: "+itemsARN+" because no permissions boundary allows the dynamodb:PutItem action")
	// The boundary alone grants nothing.
	_, err = c.iam.DetachRolePolicy(ctx(t), &iam.DetachRolePolicyInput{RoleName: aws.String("bounded"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
	must(t, err)
	wantDenied(t, getItem(ctx(t), ddb, "Items"), "because no identity-based policy allows")
}

func TestAuthzSessionOfDeletedRole(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"` + itemsARN + `"}]}`
	ddb, st := assumeAs(t, c, "gone", policy)
	must(t, getItem(ctx(t), ddb, "Items"))
	_, err := c.iam.DeleteRolePolicy(ctx(t), &iam.DeleteRolePolicyInput{RoleName: aws.String("gone"), PolicyName: aws.String("p")})
	must(t, err)
	_, err = c.iam.DeleteRole(ctx(t), &iam.DeleteRoleInput{RoleName: aws.String("gone")})
	must(t, err)
	wantDenied(t, getItem(ctx(t), ddb, "Items"), "because no identity-based policy allows")
	// A new role with the same name and policy is another role: the old
	// session does not get its permissions.
	createRole(t, c, "gone", userTrust)
	_, err = c.iam.PutRolePolicy(ctx(t), &iam.PutRolePolicyInput{RoleName: aws.String("gone"), PolicyName: aws.String("p"), PolicyDocument: aws.String(policy)})
	must(t, err)
	wantDenied(t, getItem(ctx(t), ddb, "Items"), "because no identity-based policy allows")
	// The session still identifies itself.
	who, err := st.GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
	must(t, err)
	if !strings.HasSuffix(aws.ToString(who.Arn), ":assumed-role/gone/test") {
		t.Fatal(aws.ToString(who.Arn))
	}
}

func TestAuthzCredentials(t *testing.T) {
	t.Parallel()
	seed := DefaultSeed()
	seed.IAMUsers = []SeedUser{{Name: "ci", AccessKeys: []SeedAccessKey{{AccessKeyID: "AKIACIUSER0000000001"}},
		InlinePolicies: map[string]json.RawMessage{"read": json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"` + itemsARN + `"}]}`)}}}
	c := newClients(t, seed)

	// Seeded long-term keys are their user.
	ddb, st := sessionClients(c.srv, "AKIACIUSER0000000001", "x", "")
	who, err := st.GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
	must(t, err)
	if aws.ToString(who.Arn) != "arn:aws:iam::123456789012:user/ci" {
		t.Fatal(aws.ToString(who.Arn))
	}
	must(t, getItem(ctx(t), ddb, "Items"))
	_, err = ddb.DeleteItem(ctx(t), &dynamodb.DeleteItemInput{TableName: aws.String("Items"), Key: map[string]ddbtypes.AttributeValue{"id": s("k")}})
	wantDenied(t, err, "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: dynamodb:DeleteItem")

	// Temporary keys the emulator never issued, or with the wrong token.
	ddb, st = sessionClients(c.srv, "ASIAUNKNOWN000000000", "x", "tok")
	wantCode(t, getItem(ctx(t), ddb, "Items"), "UnrecognizedClientException")
	_, err = st.GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
	wantCode(t, err, "InvalidClientTokenId")
	arn := createRole(t, c, "r", userTrust)
	out, err := c.sts.AssumeRole(ctx(t), &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("s2"), DurationSeconds: aws.Int32(900)})
	must(t, err)
	ddb, _ = sessionClients(c.srv, aws.ToString(out.Credentials.AccessKeyId), "x", "not-the-token")
	wantCode(t, getItem(ctx(t), ddb, "Items"), "UnrecognizedClientException")

	// Expired sessions.
	ddb, _ = sessionClients(c.srv, aws.ToString(out.Credentials.AccessKeyId), "x", aws.ToString(out.Credentials.SessionToken))
	wantDenied(t, getItem(ctx(t), ddb, "Items"), "no identity-based policy")
	c.srv.SetClock(func() time.Time { return time.Now().Add(16 * time.Minute) })
	wantCode(t, getItem(ctx(t), ddb, "Items"), "ExpiredTokenException")
}
