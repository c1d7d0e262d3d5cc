package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// tofuForTest is the OpenTofu the acceptance tests use (make tofu), or ""
// when there is none.
func tofuForTest() string {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	p, err := filepath.Abs(filepath.Join("..", "..", "bin", "tofu"))
	if err != nil {
		return ""
	}
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// A saved binary plan is read through `tofu show -json` found on PATH,
// with the same findings as its JSON form.
func TestRunBinaryPlan(t *testing.T) {
	tofu := tofuForTest()
	if tofu == "" {
		t.Skip("no OpenTofu: run make tofu (make test does)")
	}
	work := t.TempDir()
	// The fake AWS provider stands in for hashicorp/aws (no registry here).
	plugins := filepath.Join(work, "plugins")
	build := exec.Command("go", "build", "-o", filepath.Join(plugins, "terraform-provider-aws"), "../../internal/testprovider/cmd/fake-aws")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the fake AWS provider: %v\n%s", err, out)
	}
	rc := filepath.Join(work, "tofurc")
	cfg := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"registry.opentofu.org/hashicorp/aws\" = %q\n  }\n  direct {}\n}\n", plugins)
	if err := os.WriteFile(rc, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TF_CLI_CONFIG_FILE", rc)
	t.Setenv("CHECKPOINT_DISABLE", "1")
	t.Setenv("TF_IN_AUTOMATION", "1")

	dir := filepath.Join(work, "module")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join("..", "..", "leastpriv", "tfplan", "testdata", "plans", "root_inline_policy", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), src, 0o600); err != nil {
		t.Fatal(err)
	}
	plan := exec.Command(tofu, "plan", "-input=false", "-no-color", "-out=plan.tfplan")
	plan.Dir = dir
	if out, err := plan.CombinedOutput(); err != nil {
		t.Fatalf("tofu plan: %v\n%s", err, out)
	}

	// Only "tofu" on PATH, as in a CI job that installed OpenTofu.
	pathDir := filepath.Join(work, "path")
	if err := os.MkdirAll(pathDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(tofu, filepath.Join(pathDir, "tofu")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", pathDir)

	code, out, errOut := runCLI(t, "", "--format", "json", filepath.Join(dir, "plan.tfplan"))
	if code != exitFindings {
		t.Fatalf("exit %d, want %d (findings)\nstdout: %s\nstderr: %s", code, exitFindings, out, errOut)
	}
	var report struct {
		Findings []struct {
			Rule    string `json:"rule"`
			Address string `json:"address"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	var got []string
	for _, f := range report.Findings {
		got = append(got, f.Rule+" "+f.Address)
	}
	if want := "PI001 aws_iam_role_policy.node_dynamodb"; !strings.Contains(strings.Join(got, "\n"), want) {
		t.Errorf("findings %q, want %q among them", got, want)
	}
	if !strings.Contains(errOut, "with tofu show -json") {
		t.Errorf("stderr %q does not say the plan was read with tofu show -json", errOut)
	}

	// With no CLI on PATH the error says what to do.
	t.Setenv("PATH", t.TempDir())
	code, _, errOut = runCLI(t, "", filepath.Join(dir, "plan.tfplan"))
	if code != exitUsage || !strings.Contains(errOut, "neither terraform nor tofu is on PATH") {
		t.Errorf("without a CLI: exit %d, stderr %q; want %d and a hint", code, errOut, exitUsage)
	}
}
