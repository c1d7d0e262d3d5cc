package awsemu

import (
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

func rawRequest(t *testing.T, method, url string, body string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	must(t, err)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	must(t, err)
	return resp, string(b)
}

func TestUnsignedAndMalformedAuth(t *testing.T) {
	t.Parallel()
	srv := StartTest(t, nil)
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	tests := map[string]struct {
		method, path, body string
		hdr                map[string]string
		status             int
		bodyHas            []string
		errType            string
	}{
		"iam unsigned": {"POST", "/", "Action=GetRole&RoleName=x&Version=2010-05-08", form, 403,
			[]string{"<ErrorResponse", "<Type>Sender</Type>", "<Code>MissingAuthenticationToken</Code>", "<RequestId>"}, ""},
		"sts unsigned": {"POST", "/", "Action=GetCallerIdentity&Version=2011-06-15", form, 403,
			[]string{`xmlns="https://sts.amazonaws.com/doc/2011-06-15/"`, "<Code>MissingAuthenticationToken</Code>"}, ""},
		"eks unsigned":      {"GET", "/clusters/eks-workshop", "", nil, 403, []string{`"message"`}, "MissingAuthenticationTokenException"},
		"eks-auth unsigned": {"POST", "/clusters/eks-workshop/assume-role-for-pod-identity", `{"token":"x"}`, nil, 403, []string{`"message"`}, "MissingAuthenticationTokenException"},
		"dynamodb unsigned": {"POST", "/", `{"TableName":"Items"}`, map[string]string{"X-Amz-Target": "DynamoDB_20120810.DescribeTable", "Content-Type": "application/x-amz-json-1.0"}, 403,
			[]string{`"__type":"com.amazonaws.dynamodb.v20120810#MissingAuthenticationTokenException"`}, ""},
		"iam malformed auth": {"POST", "/", "Action=GetRole&RoleName=x&Version=2010-05-08",
			map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Authorization": "AWS4-HMAC-SHA256 Credential=garbage, SignedHeaders=host, Signature=abc", "X-Amz-Date": "20250101T000000Z"},
			400, []string{"<Code>IncompleteSignature</Code>"}, ""},
		"eks auth header without signature": {"GET", "/clusters/eks-workshop", "",
			map[string]string{"Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-west-2/eks/aws4_request", "X-Amz-Date": "20250101T000000Z"},
			400, []string{`"message"`}, "IncompleteSignatureException"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resp, body := rawRequest(t, tc.method, srv.URL()+tc.path, tc.body, tc.hdr)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d body %s", resp.StatusCode, body)
			}
			for _, s := range tc.bodyHas {
				if !strings.Contains(body, s) {
					t.Fatalf("body %s lacks %s", body, s)
				}
			}
			if resp.Header.Get("x-amzn-ErrorType") != tc.errType {
				t.Fatalf("x-amzn-ErrorType %q", resp.Header.Get("x-amzn-ErrorType"))
			}
		})
	}
}

func TestWireFormat(t *testing.T) {
	t.Parallel()
	srv := StartTest(t, nil)
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
	tests := map[string]struct {
		service, method, path, body string
		hdr                         map[string]string
		status                      int
		has                         []string
		ctype                       string
	}{
		"iam GetRole": {"iam", "POST", "/", "Action=GetRole&RoleName=eks-workshop-node&Version=2010-05-08", form, 200,
			[]string{`<GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetRoleResult><Role>`,
				`<AssumeRolePolicyDocument>%7B%22Version%22%3A%222012-10-17%22`, `<ResponseMetadata><RequestId>`}, "text/xml"},
		"iam DeleteRole has no result element": {"iam", "POST", "/", "Action=DeleteRolePolicy&RoleName=eks-workshop-node&PolicyName=x&Version=2010-05-08", form, 404,
			[]string{"<Code>NoSuchEntity</Code>"}, "text/xml"},
		"sts GetCallerIdentity": {"sts", "POST", "/", "Action=GetCallerIdentity&Version=2011-06-15", form, 200,
			[]string{`<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>`, "<Account>123456789012</Account>"}, "text/xml"},
		"iam unknown action": {"iam", "POST", "/", "Action=Frobnicate&Version=2010-05-08", form, 400, []string{"<Code>InvalidAction</Code>"}, "text/xml"},
		"eks unknown route":  {"eks", "GET", "/nope", "", nil, 404, []string{`"message"`}, "application/json"},
		"dynamodb bad target": {"dynamodb", "POST", "/", `{}`, map[string]string{"X-Amz-Target": "Other.DescribeTable", "Content-Type": "application/x-amz-json-1.0"}, 400,
			[]string{"UnknownOperationException"}, "application/x-amz-json-1.0"},
		"eks-auth routed by scope": {"eks-auth", "POST", "/clusters/eks-workshop/assume-role-for-pod-identity", `{"token":"bad"}`, map[string]string{"Content-Type": "application/json"}, 400,
			[]string{`"message"`}, "application/json"},
		"eks DescribeAccessEntry url-encoded arn": {"eks", "GET", "/clusters/eks-workshop/access-entries/arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Feks-workshop-node", "", nil, 200,
			[]string{`"type":"EC2_LINUX"`}, "application/json"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resp, b := signedRequest(t, srv, tc.service, tc.method, tc.path, []byte(tc.body), tc.hdr)
			body := string(b)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d body %s", resp.StatusCode, body)
			}
			for _, s := range tc.has {
				if !strings.Contains(body, s) {
					t.Fatalf("body %s lacks %s", body, s)
				}
			}
			if ct := resp.Header.Get("Content-Type"); ct != tc.ctype {
				t.Fatalf("content type %q", ct)
			}
			if resp.Header.Get("X-Amzn-Requestid") == "" {
				t.Fatal("no request id header")
			}
			if tc.service == "dynamodb" && resp.Header.Get("X-Amz-Crc32") != fmt.Sprint(crc32.ChecksumIEEE(b)) {
				t.Fatalf("X-Amz-Crc32 %q", resp.Header.Get("X-Amz-Crc32"))
			}
		})
	}
}

func TestServeHTTPWithoutListener(t *testing.T) {
	t.Parallel()
	srv, err := New(nil)
	must(t, err)
	hs := httptest.NewServer(srv)
	defer hs.Close()
	cfg := testConfig(srv, true)
	cl := iam.NewFromConfig(cfg, func(o *iam.Options) { o.BaseEndpoint = aws.String(hs.URL) })
	_, err = cl.GetRole(ctx(t), &iam.GetRoleInput{RoleName: aws.String("eks-workshop-node")})
	must(t, err)
	if srv.CallCount("iam", "GetRole") != 1 {
		t.Fatal("count")
	}
}

func TestAdminHTTP(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	u := c.srv.URL() + "/_awsemu/"
	post := func(path, body string) (int, string) {
		resp, b := rawRequest(t, "POST", u+path, body, map[string]string{"Content-Type": "application/json"})
		return resp.StatusCode, b
	}
	get := func(path string) (int, string) {
		resp, b := rawRequest(t, "GET", u+path, "", nil)
		return resp.StatusCode, b
	}
	createRole(t, c, "carts", podTrust)

	if st, b := get("calls"); st != 200 || !strings.Contains(b, `"iam:CreateRole":1`) {
		t.Fatalf("calls %d %s", st, b)
	}
	st, b := get("log")
	var log []LogEntry
	if st != 200 || json.Unmarshal([]byte(b), &log) != nil || len(log) != 1 || log[0].Resource != "carts" {
		t.Fatalf("log %d %s", st, b)
	}
	st, b = get("state")
	var state State
	if st != 200 || json.Unmarshal([]byte(b), &state) != nil || len(state.Roles) != 2 {
		t.Fatalf("state %d %s", st, b)
	}

	if st, b := post("faults", `{"service":"iam","operation":"GetRole","count":1,"code":"NoSuchEntity","status":404,"message":"injected"}`); st != 200 {
		t.Fatalf("faults %d %s", st, b)
	}
	_, err := c.iam.GetRole(ctx(t), &iam.GetRoleInput{RoleName: aws.String("carts")})
	wantCode(t, err, "NoSuchEntity")

	if st, _ := post("latency", `{"ms":120}`); st != 200 {
		t.Fatal("latency")
	}
	start := time.Now()
	_, err = c.iam.GetRole(ctx(t), &iam.GetRoleInput{RoleName: aws.String("carts")})
	must(t, err)
	if time.Since(start) < 120*time.Millisecond {
		t.Fatal("latency not applied")
	}
	if st, _ := post("latency", `{"ms":0}`); st != 200 {
		t.Fatal("latency off")
	}

	if st, _ := post("throttle", `{"rps":0.01}`); st != 200 {
		t.Fatal("throttle")
	}
	_, _ = c.iam.GetRole(ctx(t), &iam.GetRoleInput{RoleName: aws.String("carts")})
	_, err = c.iam.GetRole(ctx(t), &iam.GetRoleInput{RoleName: aws.String("carts")})
	wantCode(t, err, "Throttling")
	if st, _ := post("throttle", `{"rps":0}`); st != 200 {
		t.Fatal("throttle off")
	}

	if st, _ := post("iam-propagation-delay", `{"ms":60000}`); st != 200 {
		t.Fatal("propagation")
	}
	arn := createRole(t, c, "fresh", podTrust)
	status := createAssocErrType(t, c, arn)
	if status != "InvalidParameterException" {
		t.Fatalf("propagation delay via admin: %s", status)
	}

	if st, _ := post("reset-log", ``); st != 200 || len(c.srv.RequestLog()) != 0 {
		t.Fatal("reset-log")
	}
	if st, _ := post("reset", ``); st != 200 {
		t.Fatal("reset")
	}
	_, err = c.iam.GetRole(ctx(t), &iam.GetRoleInput{RoleName: aws.String("carts")})
	wantCode(t, err, "NoSuchEntity")

	bad := map[string]struct {
		method, path, body string
		status             int
	}{
		"unknown route":  {"GET", "nope", "", 404},
		"bad fault json": {"POST", "faults", "{", 400},
		"bad service":    {"POST", "faults", `{"service":"s3"}`, 400},
		"bad throttle":   {"POST", "throttle", `{"rps":-1}`, 400},
		"missing ms":     {"POST", "latency", `{}`, 400},
		"GET on POST":    {"GET", "reset", "", 404},
	}
	for name, tc := range bad {
		t.Run(name, func(t *testing.T) {
			resp, b := rawRequest(t, tc.method, u+tc.path, tc.body, nil)
			if resp.StatusCode != tc.status || !strings.Contains(b, "error") {
				t.Fatalf("%d %s", resp.StatusCode, b)
			}
		})
	}
}

// createAssocErrType creates an association for arn with a hand-signed
// request and returns the x-amzn-ErrorType ("" on success).
func createAssocErrType(t *testing.T, c *clients, arn string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"namespace": "ns", "serviceAccount": "sa", "roleArn": arn})
	resp, _ := signedRequest(t, c.srv, "eks", "POST", "/clusters/eks-workshop/pod-identity-associations", body, map[string]string{"Content-Type": "application/json"})
	return resp.Header.Get("X-Amzn-Errortype")
}
