package provider_test

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// endpointsConfig is a provider block whose every endpoint is url.
func endpointsConfig(url string) string {
	return fmt.Sprintf(`provider "podidentity" {
  region = "us-west-2"
  endpoints {
    dynamodb = %[1]q
    eks      = %[1]q
    eks_auth = %[1]q
    iam      = %[1]q
    sts      = %[1]q
  }
}

resource "podidentity_least_privilege" "test" {
  cluster_name    = "eks-workshop"
  namespace       = "carts"
  service_account = "carts"
  dynamodb_tables = [{ arn = "arn:aws:dynamodb:us-west-2:111122223333:table/Items" }]
}
`, url)
}

// TestAccLeastPrivilege_unreachableEndpoint: a plan against a closed port
// fails fast (it took 194 s) with an error naming the endpoint.
func TestAccLeastPrivilege_unreachableEndpoint(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	_ = l.Close()
	w := newCLI(t, endpointsConfig(url))
	start := time.Now()
	out, code := w.run("plan")
	if code == 0 {
		t.Fatalf("plan succeeded against a closed port\n%s", out)
	}
	if !strings.Contains(strings.Join(strings.Fields(out), " "), "AWS endpoint "+url+" unreachable") {
		t.Errorf("the error does not name the endpoint:\n%s", tail(out))
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("plan took %s to fail", d)
	}
}

// TestAccLeastPrivilege_interruptHungEndpoint: against an endpoint that
// accepts and never answers, the first Ctrl-C (SIGINT to the CLI and the
// provider, as a terminal sends it) stops the plan within seconds, on both
// CLIs. Terraform asks the provider to stop, which cancels the call in
// flight. OpenTofu 1.12 does not while the provider is being configured
// (its StopProvider waits for a lock that ConfigureProvider holds); the
// provider's configuration stops on the SIGINT itself. Without that it
// ended only at the response timeouts, about 30 s later.
func TestAccLeastPrivilege_interruptHungEndpoint(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := &http.Server{Handler: http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }), ReadHeaderTimeout: time.Minute}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { close(release); _ = srv.Close() })
	w := newCLI(t, endpointsConfig("http://"+l.Addr().String()))
	const limit = 8 * time.Second
	cmd, out := w.start("plan")
	time.Sleep(3 * time.Second)
	start := time.Now()
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err == nil {
			t.Errorf("the interrupted plan exited 0")
		}
		d := time.Since(start)
		t.Logf("%s stopped %s after the first interrupt", cliName(w), d.Round(100*time.Millisecond))
		if d > limit {
			t.Errorf("the plan stopped %s after the interrupt (limit %s)", d, limit)
		}
	case <-time.After(limit + 10*time.Second):
		killProcessGroup(cmd)
		t.Fatalf("the plan still runs %s after the first interrupt\n%s", limit+10*time.Second, tail(out.String()))
	}
}
