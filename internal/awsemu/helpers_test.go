package awsemu

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

type clients struct {
	srv *Server
	iam *iam.Client
	sts *sts.Client
	eks *eks.Client
	ddb *dynamodb.Client
}

func testConfig(srv *Server, noRetry bool) aws.Config {
	cfg := aws.Config{
		Region:      srv.Region(),
		Credentials: credentials.NewStaticCredentialsProvider("AKIAAWSEMUTEST000001", "secret", ""),
	}
	if noRetry {
		cfg.Retryer = func() aws.Retryer { return aws.NopRetryer{} }
	}
	return cfg
}

func newClientsFor(srv *Server, noRetry bool) *clients {
	cfg := testConfig(srv, noRetry)
	ep := aws.String(srv.URL())
	return &clients{
		srv: srv,
		iam: iam.NewFromConfig(cfg, func(o *iam.Options) { o.BaseEndpoint = ep }),
		sts: sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = ep }),
		eks: eks.NewFromConfig(cfg, func(o *eks.Options) { o.BaseEndpoint = ep }),
		ddb: dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = ep }),
	}
}

// newClients starts a fresh emulator (DefaultSeed unless seed given) and
// returns SDK clients without retries so error assertions see one call.
func newClients(t *testing.T, seed *Seed) *clients {
	t.Helper()
	return newClientsFor(StartTest(t, seed), true)
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// errCode returns the smithy API error code ("" if err is nil or not an API error).
func errCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func httpStatus(err error) int {
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want error %s, got nil", code)
	}
	if got := errCode(err); got != code {
		t.Fatalf("want error code %s, got %q (%v)", code, got, err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

const podTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}`
const podTrustNoTag = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
const ec2Trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
const ddbPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:us-west-2:123456789012:table/Items"}]}`

// createRole makes a role via the SDK and returns its ARN.
func createRole(t *testing.T, c *clients, name, trust string) string {
	t.Helper()
	out, err := c.iam.CreateRole(ctx(t), &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
	must(t, err)
	return aws.ToString(out.Role.Arn)
}

// decodeDoc URL-decodes an IAM policy document and compacts it.
func decodeDoc(t *testing.T, s *string) string {
	t.Helper()
	d, err := url.QueryUnescape(aws.ToString(s))
	must(t, err)
	var buf bytes.Buffer
	must(t, json.Compact(&buf, []byte(d)))
	return buf.String()
}

// signedRequest sends a SigV4-signed request for service to the emulator.
func signedRequest(t *testing.T, srv *Server, service, method, path string, body []byte, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL()+path, bytes.NewReader(body))
	must(t, err)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: "AKIAAWSEMUTEST000001", SecretAccessKey: "secret"}
	must(t, v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, srv.Region(), time.Now()))
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	must(t, err)
	return resp, b
}

// fakeClock replaces the server's clock (used for timestamps, throttling
// and the IAM propagation delay).
type fakeClock struct {
	srv *Server
	t   time.Time
}

func useFakeClock(srv *Server) *fakeClock {
	fc := &fakeClock{srv: srv, t: time.Now()}
	srv.SetClock(func() time.Time { return fc.t }) // called under srv.mu only
	return fc
}

func (fc *fakeClock) advance(d time.Duration) {
	fc.srv.mu.Lock()
	defer fc.srv.mu.Unlock()
	fc.t = fc.t.Add(d)
}
