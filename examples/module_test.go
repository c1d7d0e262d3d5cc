// Package examples_test runs the module examples the way module authors
// test their own modules: `terraform test` with the module's .tftest.hcl,
// and a Terratest-style Go test that plans a configuration and reviews the
// plan with the leastpriv package.
package examples_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv/tfplan"
)

// skipBelow skips a test when the CLI reports a version older than
// minVersion. The module calls provider functions: Terraform 1.8 and
// OpenTofu 1.7 have them (1.7 lets OpenTofu 1.7 run it; no Terraform 1.7
// is tested).
func skipBelow(t *testing.T, tf, minVersion string) {
	t.Helper()
	// A CLI config file that exists: TF_CLI_CONFIG_FILE naming a missing
	// file makes the CLI print a warning before the JSON.
	rc := filepath.Join(t.TempDir(), "empty.rc")
	if err := os.WriteFile(rc, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(tf, "version", "-json")
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s version -json: %v", tf, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%s version -json: %v", tf, err)
	}
	got, err := version.NewVersion(v.Version)
	if err != nil {
		t.Fatal(err)
	}
	if got.LessThan(version.Must(version.NewVersion(minVersion))) {
		t.Skipf("%s %s has no provider functions (the module needs %s or later)", filepath.Base(tf), v.Version, minVersion)
	}
}

// cli is the Terraform or OpenTofu CLI to run: TF_ACC_TERRAFORM_PATH (as
// make test sets it), else the repo's bin/tofu (make tofu).
func cli(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	if p, err := filepath.Abs(filepath.Join("..", "bin", "tofu")); err == nil {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skip("no Terraform CLI: run make tofu, or set TF_ACC_TERRAFORM_PATH")
	return ""
}

// providers builds this provider and the test stand-in for hashicorp/aws
// (no registry here; the stand-in echoes plans into state and calls no
// API) and returns the environment that makes the CLI use them.
func providers(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	plugins := filepath.Join(dir, "plugins")
	for _, b := range [][2]string{
		{"terraform-provider-podidentity", ".."},
		{"terraform-provider-aws", "../internal/testprovider/cmd/fake-aws"},
	} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(plugins, b[0]), b[1])
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", b[1], err, out)
		}
	}
	var overrides strings.Builder
	for _, host := range []string{"registry.opentofu.org", "registry.terraform.io"} {
		for _, p := range []string{"hashicorp/aws", "eks-podidentity/podidentity"} {
			overrides.WriteString("    \"" + host + "/" + p + "\" = \"" + plugins + "\"\n")
		}
	}
	rc := filepath.Join(dir, "cli.rc")
	cfg := "disable_checkpoint = true\nprovider_installation {\n  dev_overrides {\n" + overrides.String() + "  }\n  direct {}\n}\n"
	if err := os.WriteFile(rc, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{"TF_CLI_CONFIG_FILE=" + rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0"}
}

// copyModule copies examples/modules/NAME into a fresh directory.
func copyModule(t *testing.T, name, dst string) {
	t.Helper()
	src := filepath.Join("modules", name)
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func run(t *testing.T, env []string, dir, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	return out.String(), err
}

// The module's own tests (tests/review.tftest.hcl) pass with `tofu test` /
// `terraform test`.
func TestModule_dynamoDBPodRole_tftest(t *testing.T) {
	t.Parallel()
	tf := cli(t)
	skipBelow(t, tf, "1.7.0")
	env := providers(t)
	dir := t.TempDir()
	copyModule(t, "dynamodb-pod-role", dir)
	out, err := run(t, env, dir, tf, "test", "-no-color")
	if err != nil {
		t.Fatalf("%s test: %v\n%s", filepath.Base(tf), err, out)
	}
	for _, want := range []string{
		"run \"generated_documents_pass_the_review\"... pass",
		"run \"node_role_trust_is_rejected\"... pass",
		"run \"unscoped_trust_is_a_warning\"... pass",
		"4 passed, 0 failed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("%s test output lacks %q:\n%s", filepath.Base(tf), want, out)
		}
	}
}

// Terratest style: plan a configuration that uses the module, save the
// plan as JSON (terraform show -json) and review it with leastpriv, the
// package behind podidentity-check. The plan-wide review sees what the
// module's own review_policy guard cannot: a node group elsewhere in the
// configuration that uses the module's role.
func TestModule_dynamoDBPodRole_leastprivOnPlan(t *testing.T) {
	t.Parallel()
	tf := cli(t)
	skipBelow(t, tf, "1.7.0")
	env := providers(t)
	tests := map[string]struct {
		extra string
		want  []string // "RULE address" of the findings
	}{
		"the module alone": {},
		"a node group reuses the module's role": {
			extra: `
resource "aws_eks_node_group" "default" {
  cluster_name    = "eks-workshop"
  node_group_name = "default"
  node_role_arn   = module.carts.role_arn
  subnet_ids      = ["subnet-0123456789abcdef0"]
  scaling_config {
    desired_size = 1
    max_size     = 1
    min_size     = 1
  }
}
`,
			// The node group also leaves IMDS reachable from pods (no
			// launch template with a hop limit of 1): PI007.
			want: []string{"PI001 module.carts.aws_iam_role_policy.dynamodb", "PI005 module.carts.aws_iam_role.this", "PI007 aws_eks_node_group.default"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			copyModule(t, "dynamodb-pod-role", filepath.Join(dir, "modules", "dynamodb-pod-role"))
			root := `
module "carts" {
  source          = "./modules/dynamodb-pod-role"
  cluster_arn     = "arn:aws:eks:us-west-2:123456789012:cluster/eks-workshop"
  namespace       = "carts"
  service_account = "carts"
  tables          = [{ arn = "arn:aws:dynamodb:us-west-2:123456789012:table/carts", access = "read_write" }]
}
` + tc.extra
			if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(root), 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err := run(t, env, dir, tf, "get", "-no-color"); err != nil {
				t.Fatalf("get: %v\n%s", err, out)
			}
			if out, err := run(t, env, dir, tf, "plan", "-no-color", "-out=plan.tfplan"); err != nil {
				t.Fatalf("plan: %v\n%s", err, out)
			}
			cmd := exec.Command(tf, "show", "-json", "plan.tfplan")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), env...)
			planJSON, err := cmd.Output()
			if err != nil {
				t.Fatalf("show -json: %v", err)
			}
			review, err := tfplan.Review(bytes.NewReader(planJSON), leastpriv.CheckOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range review.Findings {
				got = append(got, f.Rule+" "+f.Address)
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
