package conns_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/awsemu"
	"github.com/eks-podidentity/terraform-provider-podidentity/internal/conns"
)

// Hundreds of throttled calls that end in an error response (GetRole of a
// role that does not exist, as the plan-time checks ask) all get their
// answer: the client-side retry quota, which such calls drain without
// refunding, is off. With the SDK's default quota this fails with "retry
// quota exceeded".
func TestNew_throttledCallsDoNotExhaustARetryQuota(t *testing.T) {
	isolate(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00000")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	emu := awsemu.StartTest(t, nil)
	c, err := conns.New(context.Background(), conns.Config{Region: "us-west-2", Endpoints: endpoints(emu)})
	if err != nil {
		t.Fatalf("New: %s", err)
	}
	emu.SetThrottle(100)
	var wg sync.WaitGroup
	errs := make(chan error, 300)
	for i := range 300 {
		wg.Go(func() {
			_, err := c.IAM.GetRole(context.Background(), &iam.GetRoleInput{RoleName: aws.String("missing-" + string(rune('a'+i%26)))})
			var nse *iamtypes.NoSuchEntityException
			if !errors.As(err, &nse) {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("throttled call failed: %v", err)
	}
	if emu.CallCounts()["iam:GetRole"] <= 300 {
		t.Errorf("the emulator throttled nothing (%d calls): the test proves nothing", emu.CallCounts()["iam:GetRole"])
	}
}

// A refused connection fails after two attempts, naming the endpoint,
// whatever max_retries says (it took 194 s with max_retries = 25).
func TestNew_connectionRefusedFailsFast(t *testing.T) {
	isolate(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00000")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String()
	_ = l.Close()
	start := time.Now()
	_, err = conns.New(context.Background(), conns.Config{Region: "us-west-2", Endpoints: map[string]string{conns.ServiceSTS: dead}})
	if err == nil {
		t.Fatal("New succeeded against a closed port")
	}
	if !strings.Contains(err.Error(), "AWS endpoint "+dead+" unreachable after 2 attempts") {
		t.Errorf("error does not name the endpoint: %s", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %s", d)
	}
}

// hungServer accepts connections and never answers.
func hungServer(t *testing.T) string {
	t.Helper()
	release := make(chan struct{})
	srv := &http.Server{Handler: http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }), ReadHeaderTimeout: time.Minute}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { close(release); _ = srv.Close() })
	return "http://" + l.Addr().String()
}

// An endpoint that accepts and never answers fails after two response
// timeouts (it hung for good). The timeouts are shortened here; the
// defaults bound the same path to about 25 s.
func TestNew_hungEndpointTimesOut(t *testing.T) {
	isolate(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00000")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	ep := hungServer(t)
	start := time.Now()
	_, err := conns.New(context.Background(), conns.Config{Region: "us-west-2", Endpoints: map[string]string{conns.ServiceSTS: ep},
		ConnectTimeout: time.Second, ResponseTimeout: time.Second})
	if err == nil || !strings.Contains(err.Error(), "AWS endpoint "+ep+" unreachable after 2 attempts") {
		t.Errorf("err = %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %s", d)
	}
	if worst := 2*(conns.DefaultConnectTimeout+conns.DefaultResponseTimeout) + 2*time.Second; conns.DefaultUnreachableAttempts*conns.DefaultResponseTimeout+2*time.Second > 30*time.Second {
		t.Errorf("the default bounds let a hung endpoint hang for more than 30 s (worst case with a slow connect too: %s)", worst)
	}
}

// Canceling the context (Ctrl-C) stops a call to a hung endpoint at once.
func TestNew_cancelStopsHungCall(t *testing.T) {
	isolate(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00000")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	ep := hungServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	_, err := conns.New(ctx, conns.Config{Region: "us-west-2", Endpoints: map[string]string{conns.ServiceSTS: ep}})
	if err == nil {
		t.Fatal("New succeeded")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("cancel took %s to stop the call: %v", d, err)
	}
}
