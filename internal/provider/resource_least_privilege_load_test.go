package provider_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/acctest"
	"github.com/eks-podidentity/terraform-provider-podidentity/internal/awsemu"
)

// TestAccLeastPrivilege_loadThrottled applies, refreshes and destroys N
// resources (PODIDENTITY_LOAD_N, default 200; distinct service accounts,
// -parallelism=10) with the emulator throttling every API at
// PODIDENTITY_LOAD_RPS requests per second (default 20) and the provider's
// default max_retries: every phase must succeed, and the refresh-only plan
// right after the create must find nothing to change (exit code 0). It
// reports the wall time and the calls per resource of each phase; `make
// bench` prints them (PODIDENTITY_BENCH_OUT).
func TestAccLeastPrivilege_loadThrottled(t *testing.T) {
	if testing.Short() {
		t.Skip("load test: not in -short")
	}
	n := envInt("PODIDENTITY_LOAD_N", 200)
	rps := envInt("PODIDENTITY_LOAD_RPS", 20)
	env := lpAccTest(t, nil)
	env.SkipUnlessEmulator(t)
	w := newCLI(t, cliProviderConfig(env)+fmt.Sprintf(`
resource "podidentity_least_privilege" "load" {
  count           = %d
  cluster_name    = %q
  namespace       = "load"
  service_account = "sa-${count.index}"
  dynamodb_tables = [{ arn = %q, access = "read_write" }]
}
`, n, env.ClusterName, env.TableARN))
	env.Emu.SetThrottle(float64(rps))

	var report strings.Builder
	fmt.Fprintf(&report, "%d resources, emulator throttling at %d requests/s, -parallelism=10, %s\n", n, rps, cliName(w))
	phase := func(name string, args ...string) {
		t.Helper()
		env.Emu.ResetLog()
		start := time.Now()
		w.mustRun(args...)
		wall := time.Since(start)
		total, throttled := 0, 0
		for _, e := range env.Emu.RequestLog() {
			if e.Service == "sts" {
				continue // once per provider start, not per resource
			}
			total++
			if strings.Contains(e.ErrorCode, "Throttl") {
				throttled++
			}
		}
		fmt.Fprintf(&report, "  %-8s wall %6.1f s   calls/resource %5.2f (%5.2f answered, %d throttled and retried)\n",
			name, wall.Seconds(), float64(total)/float64(n), float64(total-throttled)/float64(n), throttled)
	}
	phase("create", "apply", "-auto-approve", "-parallelism=10")
	if out, code := w.run("plan", "-refresh-only", "-detailed-exitcode", "-parallelism=10"); code != 0 {
		t.Errorf("plan -refresh-only -detailed-exitcode right after the create: exit %d, want 0 (nothing changed)\n%s", code, tail(out))
	}
	phase("refresh", "apply", "-refresh-only", "-auto-approve", "-parallelism=10")
	phase("destroy", "destroy", "-auto-approve", "-parallelism=10")
	if left := w.untracked(env, seedRoleNames()); len(left) > 0 {
		t.Errorf("left after destroy: %v", left)
	}
	t.Log("\n" + report.String())
	if p := os.Getenv("PODIDENTITY_BENCH_OUT"); p != "" {
		f, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err == nil {
			_, _ = f.WriteString(report.String())
			_ = f.Close()
		}
	}
}

func envInt(k string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(k)); err == nil && v > 0 {
		return v
	}
	return def
}

func cliName(w *cliWorkdir) string {
	out, _ := w.run("version")
	first, _, _ := strings.Cut(out, "\n")
	return first
}

func tail(s string) string {
	if len(s) > 4000 {
		return "..." + s[len(s)-4000:]
	}
	return s
}

// seedRoleNames are the roles of the default seed.
func seedRoleNames() map[string]bool {
	out := map[string]bool{}
	for _, r := range awsemu.DefaultSeed().IAMRoles {
		out[r.Name] = true
	}
	return out
}

var _ = acctest.ProviderName
