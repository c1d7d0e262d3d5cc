package awsemu

import (
	"os/exec"
	"strings"
	"testing"
)

// TestCurlSigV4 runs scripts/awsemu-cli-check.sh (plain curl --aws-sigv4
// requests) against an in-process emulator. Skipped without a curl that
// supports --aws-sigv4.
func TestCurlSigV4(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl not on PATH")
	}
	help, err := exec.Command("curl", "--help", "all").Output()
	if err != nil || !strings.Contains(string(help), "--aws-sigv4") {
		t.Skip("curl lacks --aws-sigv4")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash not on PATH")
	}
	srv := StartTest(t, nil)
	cmd := exec.Command("bash", "../../scripts/awsemu-cli-check.sh")
	cmd.Env = append(cmd.Environ(), "AWSEMU_URL="+srv.URL())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("awsemu-cli-check.sh: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "awsemu-cli-check: OK") {
		t.Fatalf("unexpected output:\n%s", out)
	}
	if srv.CallCount("iam", "GetRole") != 1 || srv.CallCount("eks", "DescribeCluster") != 1 {
		t.Fatalf("curl requests not routed by SigV4 scope: %v", srv.CallCounts())
	}
	log := srv.RequestLog()
	if len(log) != 2 || log[0].ErrorCode != "NoSuchEntity" || log[1].ErrorCode != "ResourceNotFoundException" {
		t.Fatalf("log %+v", log)
	}
}
