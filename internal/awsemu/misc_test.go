package awsemu

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

func TestMiscOperations(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	_, err := c.iam.CreateRole(ctx(t), &iam.CreateRoleInput{RoleName: aws.String("app-role"), Path: aws.String("/apps/"), AssumeRolePolicyDocument: aws.String(podTrust)})
	must(t, err)
	tests := map[string]func(t *testing.T){
		"ListRoles PathPrefix": func(t *testing.T) {
			out, err := c.iam.ListRoles(ctx(t), &iam.ListRolesInput{PathPrefix: aws.String("/apps/")})
			must(t, err)
			if len(out.Roles) != 1 || aws.ToString(out.Roles[0].RoleName) != "app-role" || out.IsTruncated {
				t.Fatalf("roles %+v", out.Roles)
			}
		},
		"UpdateRoleDescription": func(t *testing.T) {
			out, err := c.iam.UpdateRoleDescription(ctx(t), &iam.UpdateRoleDescriptionInput{RoleName: aws.String("eks-workshop-node"), Description: aws.String("nodes")})
			must(t, err)
			if aws.ToString(out.Role.Description) != "nodes" {
				t.Fatalf("%+v", out.Role)
			}
		},
		"ListTables": func(t *testing.T) {
			out, err := c.ddb.ListTables(ctx(t), &dynamodb.ListTablesInput{})
			must(t, err)
			if strings.Join(out.TableNames, ",") != "Items" {
				t.Fatalf("%v", out.TableNames)
			}
		},
		"query protocol via GET": func(t *testing.T) {
			resp, b := signedRequest(t, c.srv, "sts", "GET", "/?Action=GetCallerIdentity&Version=2011-06-15", nil, nil)
			if resp.StatusCode != 200 || !strings.Contains(string(b), "<Account>123456789012</Account>") {
				t.Fatalf("%d %s", resp.StatusCode, b)
			}
		},
		"unemulated service scope": func(t *testing.T) {
			resp, b := signedRequest(t, c.srv, "s3", "GET", "/bucket", nil, nil)
			if resp.StatusCode != 400 || resp.Header.Get("x-amzn-ErrorType") != "UnrecognizedClientException" {
				t.Fatalf("%d %s", resp.StatusCode, b)
			}
		},
		"presigned query auth": func(t *testing.T) {
			req, err := http.NewRequest("GET", c.srv.URL()+"/clusters/eks-workshop", nil)
			must(t, err)
			u, _, err := v4.NewSigner().PresignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "s"}, req,
				"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "eks", "us-west-2", time.Now())
			must(t, err)
			resp, b := rawRequest(t, "GET", u, "", nil)
			if resp.StatusCode != 200 || !strings.Contains(b, `"name":"eks-workshop"`) {
				t.Fatalf("%d %s", resp.StatusCode, b)
			}
		},
	}
	for name, fn := range tests {
		t.Run(name, func(t *testing.T) { t.Parallel(); fn(t) })
	}
}

func TestHandlerPanicBecomes500(t *testing.T) {
	t.Parallel()
	srv, err := New(nil)
	must(t, err)
	c := &call{s: srv, r: httptest.NewRequest("POST", "/", nil), service: "iam", op: "GetRole", hdr: http.Header{}, reqID: "req-1"}
	srv.serveLocked(c, func(*call) { panic("boom") }, true, nil, "iam")
	if c.status != 500 || c.errCode != "ServiceFailure" || !strings.Contains(string(c.out), "boom") {
		t.Fatalf("status %d code %s body %s", c.status, c.errCode, c.out)
	}
	done := make(chan struct{})
	go func() { srv.CallCounts(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("server lock still held after a panic")
	}
	if l := srv.RequestLog(); len(l) != 1 || l[0].Status != 500 {
		t.Fatalf("log %+v", l)
	}
}
