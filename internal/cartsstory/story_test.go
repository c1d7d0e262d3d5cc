package cartsstory

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/acctest"
	"github.com/eks-podidentity/terraform-provider-podidentity/internal/awsemu"
	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv/tfplan"
)

func TestMain(m *testing.M) {
	cleanup, err := acctest.Setup()
	if err != nil {
		fmt.Fprintln(os.Stderr, "acceptance test setup:", err)
		if cleanup != nil {
			cleanup()
		}
		os.Exit(1)
	}
	buildDir, buildErr = os.MkdirTemp("", "cartsstory-bin-")
	code := m.Run()
	_ = os.RemoveAll(buildDir)
	cleanup()
	os.Exit(code)
}

const (
	cluster  = "eks-workshop"
	nodeRole = "eks-workshop-node"
)

func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// programs builds cmd/carts and the binaries the demo script needs, once
// per test binary, into buildDir (made and removed by TestMain).
func programs(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if buildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", buildDir+"/", "./cmd/carts", "./cmd/awsemu", "./cmd/podidentity-check", ".")
		cmd.Dir = repoRoot(t)
		cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildDir
}

func loadSeed(t *testing.T) *awsemu.Seed {
	t.Helper()
	seed, err := awsemu.LoadSeed(filepath.Join(repoRoot(t), "examples", "carts", "seed.json"))
	if err != nil {
		t.Fatal(err)
	}
	return seed
}

// world is one run of the story: the emulator and the programs.
type world struct {
	t    *testing.T
	env  *acctest.Env
	bin  string
	toks string
}

// pod runs carts ARGS in a pod of service account ns/sa: the environment
// EKS gives that pod and nothing else (no administrator keys, no files).
// The Pod Identity variables are there only when the service account has an
// association, as the EKS Pod Identity webhook injects them.
func (w *world) pod(ns, sa string, args ...string) (string, error) {
	u := w.env.Emu.URL()
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + w.t.TempDir(), "AWS_REGION=" + w.env.Region,
		"AWS_ENDPOINT_URL=" + u, "AWS_EC2_METADATA_SERVICE_ENDPOINT=" + awsemu.IMDSEndpoint(u, cluster, "default", true)}
	for _, c := range w.env.Emu.Dump().Clusters {
		for _, a := range c.Associations {
			if c.Name == cluster && a.Namespace == ns && a.ServiceAccount == sa {
				tok := filepath.Join(w.toks, ns+"-"+sa)
				if err := os.WriteFile(tok, []byte(awsemu.PodIdentityToken(ns, sa)), 0o600); err != nil {
					w.t.Fatal(err)
				}
				env = append(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI="+awsemu.AgentURL(u, cluster), "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="+tok)
			}
		}
	}
	return w.run(env, args...)
}

// node runs carts ARGS on the node itself (its IMDS, no pod hop).
func (w *world) node(args ...string) (string, error) {
	u := w.env.Emu.URL()
	return w.run([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + w.t.TempDir(), "AWS_REGION=" + w.env.Region,
		"AWS_ENDPOINT_URL=" + u, "AWS_EC2_METADATA_SERVICE_ENDPOINT=" + awsemu.IMDSEndpoint(u, cluster, "default", false)}, args...)
}

func (w *world) run(env []string, args ...string) (string, error) {
	cmd := exec.Command(filepath.Join(w.bin, "carts"), args...)
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return strings.TrimSpace(out.String()), err
}

func (w *world) wantOK(what string, out string, err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatalf("%s: %v: %s", what, err, out)
	}
	w.t.Logf("%s: %s", what, out)
}

func (w *world) wantErr(what, pattern string, out string, err error) {
	w.t.Helper()
	if err == nil || !strings.Contains(out, pattern) {
		w.t.Fatalf("%s: want an error with %q, got err=%v: %s", what, pattern, err, out)
	}
	w.t.Logf("%s: %s", what, out)
}

// checkRightFix is step 4's verdict once the right fix is applied: carts
// reads and writes its cart, and nothing more; the orders pod and the node
// get nothing. It returns the first thing that behaved otherwise.
func (w *world) checkRightFix() error {
	if out, err := w.pod("carts", "carts", "whoami"); err != nil || !strings.Contains(out, ":assumed-role/eks-workshop-carts-carts/eks-") {
		return fmt.Errorf("carts pod identity: %v: %s", err, out)
	}
	if out, err := w.pod("carts", "carts", "add", "alice", "tea"); err != nil {
		return fmt.Errorf("carts PutItem/UpdateItem on its table: %v: %s", err, out)
	}
	if out, err := w.pod("carts", "carts", "get", "alice"); err != nil || !strings.Contains(out, "tea") {
		return fmt.Errorf("carts GetItem on its table: %v: %s", err, out)
	}
	denied := []struct {
		what string
		run  func() (string, error)
		want string
	}{
		{"carts reads another table", func() (string, error) { return w.pod("carts", "carts", "-table", "Orders", "get", "alice") }, "AccessDeniedException"},
		{"carts deletes its table", func() (string, error) { return w.pod("carts", "carts", "drop-table") }, "AccessDeniedException"},
		{"the orders pod reads carts' table", func() (string, error) { return w.pod("orders", "orders", "list") }, "failed to refresh cached credentials"},
		{"the node role reads the table", func() (string, error) { return w.node("get", "alice") }, "AccessDeniedException"},
	}
	for _, d := range denied {
		out, err := d.run()
		if err == nil || !strings.Contains(out, d.want) {
			return fmt.Errorf("%s: want %s, got err=%v: %s", d.what, d.want, err, out)
		}
		w.t.Logf("%s: %s", d.what, out)
	}
	return nil
}

func reviewPlan(t *testing.T, name string) *leastpriv.Review {
	t.Helper()
	f, err := os.Open(filepath.Join(repoRoot(t), "examples", "carts", "quick-fix", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := tfplan.Review(f, leastpriv.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func safeConfig(env *acctest.Env, existingRole string) string {
	extra := ""
	if existingRole != "" {
		extra = fmt.Sprintf("  existing_role_name = %q\n", existingRole)
	}
	return env.ProviderConfig() + fmt.Sprintf(`
resource "podidentity_least_privilege" "carts" {
  cluster_name    = %q
  namespace       = "carts"
  service_account = "carts"
%s  dynamodb_tables = [{ arn = %q, access = "read_write" }]
}
`, cluster, extra, env.TableARN)
}

func newWorld(t *testing.T) *world {
	t.Helper()
	acctest.PreCheck(t)
	env := acctest.NewEnv(t, loadSeed(t))
	env.SkipUnlessEmulator(t)
	return &world{t: t, env: env, bin: programs(t), toks: t.TempDir()}
}

func TestCartsStory(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test)")
	}
	w := newWorld(t)
	ctx := context.Background()
	iamc := w.env.IAM()

	// 1. No association, IMDS out of reach (hop limit 1): the SDK's own error.
	out, err := w.pod("carts", "carts", "get", "alice")
	w.wantErr("1. carts without an identity", "failed to refresh cached credentials", out, err)

	// 2. The quick fix, as people make it: a policy on the node role, and the hop limit raised.
	doc, err := os.ReadFile(filepath.Join(repoRoot(t), "examples", "carts", "quick-fix-policy.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := iamc.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(nodeRole), PolicyName: aws.String("carts-dynamodb"), PolicyDocument: aws.String(string(doc))}); err != nil {
		t.Fatal(err)
	}
	if err := w.env.Emu.SetHopLimit(cluster, "default", 2); err != nil {
		t.Fatal(err)
	}
	out, err = w.pod("carts", "carts", "add", "alice", "tea")
	w.wantOK("2. carts with the quick fix", out, err)
	out, err = w.pod("orders", "orders", "list")
	w.wantOK("2. the orders pod reads carts' table", out, err)
	if !strings.Contains(out, "cart-alice") {
		t.Fatalf("the orders pod did not see alice's cart: %s", out)
	}
	out, err = w.pod("orders", "orders", "delete", "alice")
	w.wantOK("2. the orders pod deletes alice's cart", out, err)
	if r := reviewPlan(t, "quick-fix.plan.json"); !r.FailsAt(leastpriv.SeverityError) || !hasRule(r, leastpriv.RuleNodeRoleDataGrant) {
		t.Fatalf("2. podidentity-check should fail the quick fix with PI001: %+v", r.Findings)
	}

	// 4 (first half). The cleanup plan passes; the quick fix is removed.
	if r := reviewPlan(t, "cleanup.plan.json"); r.FailsAt(leastpriv.SeverityError) {
		t.Fatalf("4. podidentity-check fails the cleanup plan: %+v", r.Findings)
	}
	if _, err := iamc.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(nodeRole), PolicyName: aws.String("carts-dynamodb")}); err != nil {
		t.Fatal(err)
	}
	if err := w.env.Emu.SetHopLimit(cluster, "default", 1); err != nil {
		t.Fatal(err)
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy:             w.nothingOfOurs,
		Steps: []resource.TestStep{
			{
				// 3. The quick fix through this provider: refused at plan.
				Config:      safeConfig(w.env, nodeRole),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?i)node role`),
			},
			{
				PreConfig: func() {
					if err := w.nothingOfOurs(nil); err != nil {
						t.Fatalf("3. the refused plan created something: %v", err)
					}
				},
				// 4. The right fix.
				Config: safeConfig(w.env, ""),
				Check: func(*terraform.State) error {
					return w.checkRightFix()
				},
			},
			{
				// 5. A second plan is empty.
				Config:   safeConfig(w.env, ""),
				PlanOnly: true,
			},
		},
	})
}

// TestCartsStoryCatchesBrokenGenerator swaps in what a broken policy
// generator would write (dynamodb:* on the same resources) after the right
// fix is applied: step 4 must fail.
func TestCartsStoryCatchesBrokenGenerator(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test)")
	}
	w := newWorld(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: safeConfig(w.env, ""),
			Check: func(*terraform.State) error {
				if err := w.checkRightFix(); err != nil {
					return fmt.Errorf("the right fix itself failed: %w", err)
				}
				if err := breakGenerator(w); err != nil {
					return err
				}
				err := w.checkRightFix()
				if err == nil {
					return errors.New("step 4 passed with dynamodb:* in the carts role's policy")
				}
				w.t.Logf("step 4 failed, as it must: %v", err)
				return nil
			},
			ExpectNonEmptyPlan: true, // the swapped policy is drift the provider sees
		}},
	})
}

// breakGenerator rewrites the carts role's inline policies as a generator
// that emits dynamodb:* would have written them.
func breakGenerator(w *world) error {
	ctx := context.Background()
	iamc := w.env.IAM()
	names, err := iamc.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("eks-workshop-carts-carts")})
	if err != nil {
		return err
	}
	if len(names.PolicyNames) == 0 {
		return errors.New("the carts role has no inline policy to break")
	}
	doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:*","Resource":[%q,%q]}]}`, w.env.TableARN, w.env.TableARN+"/index/*")
	for _, n := range names.PolicyNames {
		if _, err := iamc.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("eks-workshop-carts-carts"), PolicyName: aws.String(n), PolicyDocument: aws.String(doc)}); err != nil {
			return err
		}
	}
	return nil
}

func hasRule(r *leastpriv.Review, rule string) bool {
	for _, f := range r.Findings {
		if f.Rule == rule {
			return true
		}
	}
	return false
}

// nothingOfOurs: no carts role, no association, no quick-fix policy.
func (w *world) nothingOfOurs(*terraform.State) error {
	st := w.env.Emu.Dump()
	for _, r := range st.Roles {
		if r.Name == "eks-workshop-carts-carts" {
			return errors.New("the carts role is still there")
		}
		if r.Name == nodeRole && len(r.InlinePolicies) > 0 {
			return fmt.Errorf("the node role still has inline policies %v", r.InlinePolicies)
		}
	}
	for _, c := range st.Clusters {
		if len(c.Associations) > 0 {
			return fmt.Errorf("cluster %s still has %d association(s)", c.Name, len(c.Associations))
		}
	}
	return nil
}

// TestDemoScript runs `make demo`'s script as a newcomer would (with the
// CLI the acceptance tests use), then with a broken policy generator, which
// must make it fail at step 4.
func TestDemoScript(t *testing.T) {
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || tf == "" {
		t.Skip("acceptance test: set TF_ACC=1 and TF_ACC_TERRAFORM_PATH (make test)")
	}
	bin := programs(t)
	run := func(extra ...string) (string, error) {
		cmd := exec.Command("bash", filepath.Join(repoRoot(t), "scripts", "demo.sh"))
		cmd.Dir = repoRoot(t)
		env := []string{"DEMO_TF=" + tf, "DEMO_BIN=" + bin}
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "TF_") && !strings.HasPrefix(kv, "DEMO_") {
				env = append(env, kv)
			}
		}
		cmd.Env = append(env, extra...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run()
	if err != nil || !strings.Contains(out, "The carts story behaved as told.") {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	for _, step := range []string{"== 1.", "== 2.", "== 3.", "== 4.", "== 5."} {
		if !strings.Contains(out, step) {
			t.Fatalf("demo output lacks step %q:\n%s", step, out)
		}
	}
	out, err = run("DEMO_BREAK_GENERATOR=1")
	if err == nil {
		t.Fatalf("the demo passed with a broken policy generator:\n%s", out)
	}
	i := strings.Index(out, "== 4.")
	if i < 0 || strings.Contains(out, "== 5.") || !strings.Contains(out[i:], "✗ carts deletes its table") {
		t.Fatalf("the demo should fail at step 4 (carts deletes its table):\n%s", out)
	}
}
