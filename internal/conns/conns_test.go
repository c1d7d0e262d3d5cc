package conns_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/awsemu"
	"github.com/eks-podidentity/terraform-provider-podidentity/internal/conns"
)

// isolate points the SDK's default chain at nothing but what the test sets.
func isolate(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL"} {
		t.Setenv(k, "")
	}
}

func endpoints(emu *awsemu.Server) map[string]string {
	u := emu.URL()
	return map[string]string{conns.ServiceIAM: u, conns.ServiceSTS: u, conns.ServiceEKS: u, conns.ServiceDynamoDB: u, conns.ServiceEKSAuth: u}
}

func TestNew_environmentCredentials(t *testing.T) {
	isolate(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00000")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	emu := awsemu.StartTest(t, nil)

	c, err := conns.New(context.Background(), conns.Config{Region: "us-west-2", Endpoints: endpoints(emu)})
	if err != nil {
		t.Fatalf("New: %s", err)
	}
	if c.AccountID != emu.AccountID() || c.Partition != "aws" || c.Region != "us-west-2" {
		t.Errorf("got account %q partition %q region %q", c.AccountID, c.Partition, c.Region)
	}
	if got := emu.CallCount("sts", "GetCallerIdentity"); got != 1 {
		t.Errorf("GetCallerIdentity calls = %d, want exactly 1", got)
	}
}

func TestNew_sharedCredentialsProfile(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	creds := filepath.Join(dir, "creds")
	writeFile(t, creds, "[ci]\naws_access_key_id = AKIAPROFILE000000000\naws_secret_access_key = s\n")
	cfgFile := filepath.Join(dir, "cfg")
	writeFile(t, cfgFile, "[profile ci]\nregion = eu-west-1\n")
	emu := awsemu.StartTest(t, nil)

	c, err := conns.New(context.Background(), conns.Config{
		Profile: "ci", SharedConfigFiles: []string{cfgFile}, SharedCredentialsFiles: []string{creds}, Endpoints: endpoints(emu),
	})
	if err != nil {
		t.Fatalf("New: %s", err)
	}
	if c.Region != "eu-west-1" {
		t.Errorf("region from the profile = %q, want eu-west-1", c.Region)
	}
}

func TestNew_noCredentials(t *testing.T) {
	isolate(t)
	emu := awsemu.StartTest(t, nil)

	_, err := conns.New(context.Background(), conns.Config{Region: "us-west-2", Endpoints: endpoints(emu)})
	var noCreds *conns.NoCredentialsError
	if !errors.As(err, &noCreds) {
		t.Fatalf("err = %v, want *NoCredentialsError", err)
	}
	detail := noCreds.Detail()
	for _, want := range []string{"AWS_ACCESS_KEY_ID", "AWS_PROFILE", "instance metadata", "Set AWS_ACCESS_KEY_ID"} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail does not mention %q:\n%s", want, detail)
		}
	}
	if got := emu.CallCount("sts", "GetCallerIdentity"); got != 0 {
		t.Errorf("GetCallerIdentity called %d times without credentials", got)
	}
}

func TestNew_noRegion(t *testing.T) {
	isolate(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00000")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	_, err := conns.New(context.Background(), conns.Config{})
	if err == nil || !strings.Contains(err.Error(), "no AWS region") {
		t.Fatalf("err = %v, want the no-region error", err)
	}
}

func TestNew_assumeRole(t *testing.T) {
	isolate(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00000")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	emu := awsemu.StartTest(t, nil)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + emu.AccountID() + `:root"},"Action":"sts:AssumeRole"}]}`
	cfg := aws.Config{Region: emu.Region(), Credentials: credentials.NewStaticCredentialsProvider("AKIAENVIRONMENT00000", "secret", ""), BaseEndpoint: aws.String(emu.URL())}
	if _, err := iam.NewFromConfig(cfg).CreateRole(context.Background(), &iam.CreateRoleInput{RoleName: aws.String("terraform-deploy"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	roleARN := "arn:aws:iam::" + emu.AccountID() + ":role/terraform-deploy"

	c, err := conns.New(context.Background(), conns.Config{
		Region:     "us-west-2",
		Endpoints:  endpoints(emu),
		AssumeRole: &conns.AssumeRole{RoleARN: roleARN, SessionName: "ci", ExternalID: "x"},
	})
	if err != nil {
		t.Fatalf("New: %s", err)
	}
	if got := emu.CallCount("sts", "AssumeRole"); got != 1 {
		t.Errorf("AssumeRole calls = %d, want 1", got)
	}
	if !strings.Contains(c.CallerARN, "assumed-role/terraform-deploy/ci") {
		t.Errorf("caller ARN %q is not the assumed role's session", c.CallerARN)
	}

	_, err = conns.New(context.Background(), conns.Config{
		Region:     "us-west-2",
		Endpoints:  endpoints(emu),
		AssumeRole: &conns.AssumeRole{RoleARN: "arn:aws:iam::" + emu.AccountID() + ":role/missing"},
	})
	if err == nil || !strings.Contains(err.Error(), "assuming IAM role") {
		t.Fatalf("err = %v, want an assume-role error", err)
	}
}

func TestNew_maxRetries(t *testing.T) {
	isolate(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00000")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	emu := awsemu.StartTest(t, nil)

	zero, two := 0, 2
	emu.InjectFault(awsemu.Fault{Service: "sts", Operation: "GetCallerIdentity", Count: 1, Code: "ServiceUnavailable", Status: 503, Message: "try again"})
	if _, err := conns.New(context.Background(), conns.Config{Region: "us-west-2", Endpoints: endpoints(emu), MaxRetries: &zero}); err == nil {
		t.Fatal("max_retries = 0: a 503 should fail the call")
	}
	emu.InjectFault(awsemu.Fault{Service: "sts", Operation: "GetCallerIdentity", Count: 2, Code: "ServiceUnavailable", Status: 503, Message: "try again"})
	if _, err := conns.New(context.Background(), conns.Config{Region: "us-west-2", Endpoints: endpoints(emu), MaxRetries: &two}); err != nil {
		t.Fatalf("max_retries = 2 should ride out two 503s: %s", err)
	}
}

func TestAWSClient_Cached(t *testing.T) {
	t.Parallel()
	var c conns.AWSClient
	calls := 0
	fn := func(context.Context) (any, error) { calls++; return calls, nil }
	for range 3 {
		if v, err := c.Cached(context.Background(), "k", fn); err != nil || v.(int) != 1 {
			t.Fatalf("Cached = %v, %v", v, err)
		}
	}
	if _, err := c.Cached(context.Background(), "e", func(context.Context) (any, error) { return nil, errors.New("boom") }); err == nil {
		t.Fatal("error not returned")
	}
	if v, _ := c.Cached(context.Background(), "e", fn); v.(int) != 2 {
		t.Errorf("errors must not be cached; got %v", v)
	}
	c.Invalidate("k")
	if v, _ := c.Cached(context.Background(), "k", fn); v.(int) != 3 {
		t.Errorf("Invalidate did not drop the value; got %v", v)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Concurrent callers of one key share one computation: ten resources
// planned at once on one cluster describe it once.
func TestAWSClient_CachedConcurrentCallersShareOneComputation(t *testing.T) {
	t.Parallel()
	var c conns.AWSClient
	var calls atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			v, err := c.Cached(context.Background(), "cluster", func(context.Context) (any, error) {
				calls.Add(1)
				<-release
				return "facts", nil
			})
			if err != nil || v != "facts" {
				t.Errorf("Cached = %v, %v", v, err)
			}
		})
	}
	time.Sleep(50 * time.Millisecond) // let every caller reach Cached
	close(release)
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Errorf("computed %d times, want once", n)
	}
}

// A caller waiting for a lookup in flight stops as soon as its context
// ends: the first Ctrl-C stops a plan stuck behind a hung endpoint.
func TestAWSClient_CachedWaiterHonoursCancel(t *testing.T) {
	t.Parallel()
	var c conns.AWSClient
	started := make(chan struct{})
	release := make(chan struct{})
	defer close(release)
	go func() {
		_, _ = c.Cached(context.Background(), "k", func(context.Context) (any, error) {
			close(started)
			<-release
			return 1, nil
		})
	}()
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.Cached(ctx, "k", func(context.Context) (any, error) { return 2, nil })
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a canceled waiter still waits for the lookup in flight")
	}
}

// Callers waiting for a lookup that failed share its error instead of
// asking AWS again one after the other.
func TestAWSClient_CachedWaitersShareError(t *testing.T) {
	t.Parallel()
	var c conns.AWSClient
	var calls atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			_, err := c.Cached(context.Background(), "k", func(context.Context) (any, error) {
				calls.Add(1)
				<-release
				return nil, errors.New("throttled for good")
			})
			if err == nil {
				t.Error("error not returned")
			}
		})
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Errorf("computed %d times, want once", n)
	}
}
