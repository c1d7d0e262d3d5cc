package provider_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/acctest"
)

// TestAccLeastPrivilege_crash kills the CLI and the provider right after
// each write of a create, a namespace move and a destroy has reached AWS
// (before the state is saved). Afterwards a second run converges by
// itself and nothing is left that the state does not track: a killed
// create leaves a role whose pending marker expires after the create
// timeout (here 4 s) and its undo time (4 s more); the next apply adopts
// the role, its policy and its association. The one exception is a kill
// after the last write (UntagRole, which removes the marker) and before
// the CLI saves the state: the role is then a finished one that no state
// records, refused as another state's with the commands that remove it.
func TestAccLeastPrivilege_crash(t *testing.T) {
	t.Parallel()
	type crash struct {
		setup   string // "" or the namespace of a first apply
		ns      string // the namespace of the killed apply; "" = destroy
		killAt  string // service:Operation
		refused bool   // the second apply refuses the finished role
	}
	cases := map[string]crash{
		"create/CreateRole":                    {ns: "carts", killAt: "iam:CreateRole"},
		"create/PutRolePolicy":                 {ns: "carts", killAt: "iam:PutRolePolicy"},
		"create/CreatePodIdentityAssociation":  {ns: "carts", killAt: "eks:CreatePodIdentityAssociation"},
		"create/UntagRole":                     {ns: "carts", killAt: "iam:UntagRole", refused: true},
		"move/UpdateAssumeRolePolicy":          {setup: "carts", ns: "orders", killAt: "iam:UpdateAssumeRolePolicy"},
		"move/CreatePodIdentityAssociation":    {setup: "carts", ns: "orders", killAt: "eks:CreatePodIdentityAssociation"},
		"move/DeletePodIdentityAssociation":    {setup: "carts", ns: "orders", killAt: "eks:DeletePodIdentityAssociation"},
		"destroy/DeletePodIdentityAssociation": {setup: "carts", killAt: "eks:DeletePodIdentityAssociation"},
		"destroy/DeleteRolePolicy":             {setup: "carts", killAt: "iam:DeleteRolePolicy"},
		"destroy/DeleteRole":                   {setup: "carts", killAt: "iam:DeleteRole"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := lpAccTest(t, nil)
			env.SkipUnlessEmulator(t)
			cfg := func(ns string) string { return crashConfig(env, ns, "4s") }
			w := newCLI(t, cfg(c.setup))
			if c.setup != "" {
				w.mustRun("apply", "-auto-approve")
			}
			w.setConfig(cfg(c.ns))
			args := []string{"apply", "-auto-approve"}
			if c.ns == "" {
				args = []string{"destroy", "-auto-approve"}
			}
			killAfter(t, env, w, c.killAt, args...)

			// Recover: once the killed create's marker expired, with no
			// manual step.
			waitPendingExpired(t, env, "crash-test")
			w.setConfig(cfg(c.ns))
			out, code := w.run(args...)
			if c.refused && code != 0 {
				// (Exit 0 when the CLI saved the state before the kill.)
				if !strings.Contains(out, "Service Account Managed By Another State") {
					t.Fatalf("the finished role no state records was not refused: exit %d\n%s", code, tail(out))
				}
				cleanUpLeftovers(t, env, "crash-test")
				out, code = w.run(args...)
			}
			if code != 0 {
				t.Fatalf("the run after the crash did not converge: exit %d\n%s", code, tail(out))
			}
			if left := w.untracked(env, seedRoleNames()); len(left) > 0 {
				t.Errorf("not tracked by the state after recovery: %v", left)
			}
			if c.ns != "" {
				if out, code := w.run("plan", "-detailed-exitcode"); code != 0 {
					t.Errorf("plan after recovery: exit %d, want 0\n%s", code, tail(out))
				}
				role, err := env.IAM().GetRole(context.Background(), &iam.GetRoleInput{RoleName: aws.String("crash-test")})
				if err != nil {
					t.Fatal(err)
				}
				for _, tag := range role.Role.Tags {
					if aws.ToString(tag.Key) == "podidentity:pending-until" {
						t.Errorf("the pending marker is still on the role after recovery: %s", aws.ToString(tag.Value))
					}
				}
				w.mustRun("destroy", "-auto-approve")
			}
			if left := w.untracked(env, seedRoleNames()); len(left) > 0 {
				t.Errorf("left after destroy: %v", left)
			}
		})
	}
}

// TestAccLeastPrivilege_crashPendingNotAdopted kills a create with the
// default create timeout (5 minutes) right after CreateRole: the role's
// pending marker is live for 7 minutes, during which the create that wrote
// it might still be running. A plan of the same configuration from another
// working directory (another state) is refused, saying until when; nothing
// is written.
func TestAccLeastPrivilege_crashPendingNotAdopted(t *testing.T) {
	t.Parallel()
	env := lpAccTest(t, nil)
	env.SkipUnlessEmulator(t)
	w := newCLI(t, crashConfig(env, "carts", ""))
	killAfter(t, env, w, "iam:CreateRole", "apply", "-auto-approve")
	other := newCLI(t, crashConfig(env, "carts", ""))
	env.Emu.ResetLog()
	out, code := other.run("plan")
	flat := strings.Join(strings.Fields(out), " ")
	if code == 0 || !strings.Contains(flat, "Create Of This Role In Progress") || !strings.Contains(flat, "apply again after 20") {
		t.Errorf("a live pending marker was not refused at plan: exit %d\n%s", code, tail(out))
	}
	if w := lpWrites(env.Emu.RequestLog()); len(w) != 0 {
		t.Errorf("writes after a refused plan: %v", w)
	}
	cleanUpLeftovers(t, env, "crash-test")
}

func crashConfig(env *acctest.Env, ns, createTimeout string) string {
	if ns == "" {
		return cliProviderConfig(env)
	}
	timeouts := ""
	if createTimeout != "" {
		timeouts = fmt.Sprintf("\n  timeouts        = { create = %q }", createTimeout)
	}
	return cliProviderConfig(env) + fmt.Sprintf(`
resource "podidentity_least_privilege" "test" {
  cluster_name    = %q
  namespace       = %q
  service_account = "carts"
  role_name       = "crash-test"
  dynamodb_tables = [{ arn = %q }]%s
}
`, env.ClusterName, ns, env.TableARN, timeouts)
}

// waitPendingExpired waits until the pending marker of roleName, if any,
// is in the past.
func waitPendingExpired(t *testing.T, env *acctest.Env, roleName string) {
	t.Helper()
	role, err := env.IAM().GetRole(context.Background(), &iam.GetRoleInput{RoleName: aws.String(roleName)})
	if err != nil {
		return
	}
	for _, tag := range role.Role.Tags {
		if aws.ToString(tag.Key) != "podidentity:pending-until" {
			continue
		}
		until, err := time.Parse(time.RFC3339, aws.ToString(tag.Value))
		if err != nil {
			t.Fatalf("pending marker %q: %v", aws.ToString(tag.Value), err)
		}
		if d := time.Until(until); d > 30*time.Second {
			t.Fatalf("pending marker %s is %s away; the test's create timeout should make it seconds", until, d)
		} else if d > 0 {
			time.Sleep(d + 100*time.Millisecond)
		}
	}
}

// killAfter runs the CLI and kills it (and the provider) as soon as the
// emulator has carried out op. Every call is slowed down so that the kill
// lands before the next step.
func killAfter(t *testing.T, env *acctest.Env, w *cliWorkdir, op string, args ...string) {
	t.Helper()
	env.Emu.ResetLog()
	env.Emu.SetLatency(300 * time.Millisecond)
	defer env.Emu.SetLatency(0)
	cmd, out := w.start(args...)
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		for _, e := range env.Emu.RequestLog() {
			if e.Service+":"+e.Operation == op && e.Status < 300 {
				killProcessGroup(cmd)
				return
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	killProcessGroup(cmd)
	t.Fatalf("%s never called\n%s", op, tail(out.String()))
}

// cleanUpLeftovers does what the "Managed By Another State" error says.
func cleanUpLeftovers(t *testing.T, env *acctest.Env, roleName string) {
	t.Helper()
	ctx := context.Background()
	list, err := env.EKS().ListPodIdentityAssociations(ctx, &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String(env.ClusterName)})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range list.Associations {
		d, err := env.EKS().DescribePodIdentityAssociation(ctx, &eks.DescribePodIdentityAssociationInput{ClusterName: aws.String(env.ClusterName), AssociationId: a.AssociationId})
		if err == nil && strings.HasSuffix(aws.ToString(d.Association.RoleArn), "/"+roleName) {
			_, _ = env.EKS().DeletePodIdentityAssociation(ctx, &eks.DeletePodIdentityAssociationInput{ClusterName: aws.String(env.ClusterName), AssociationId: a.AssociationId})
		}
	}
	_, _ = env.IAM().DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(roleName), PolicyName: aws.String("podidentity-least-privilege")})
	if _, err := env.IAM().DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(roleName)}); err != nil {
		t.Fatalf("clean-up: %v", err)
	}
}

// TestAccLeastPrivilege_attachedPolicyAtPlan attaches a managed policy to
// the role outside Terraform: the plan of a destroy, of the resource's
// removal from the configuration and of a replacement (role_name changed)
// fails, naming the policy and the command that detaches it, and nothing
// is deleted. A refresh does not look (three reads, as ever). Once the
// policy is detached the destroy goes through.
func TestAccLeastPrivilege_attachedPolicyAtPlan(t *testing.T) {
	t.Parallel()
	env := lpAccTest(t, nil)
	env.SkipUnlessEmulator(t)
	cfg := func(roleName string) string {
		return cliProviderConfig(env) + fmt.Sprintf(`
resource "podidentity_least_privilege" "test" {
  cluster_name    = %q
  namespace       = "carts"
  service_account = "carts"
  role_name       = %q
  dynamodb_tables = [{ arn = %q }]
}
`, env.ClusterName, roleName, env.TableARN)
	}
	w := newCLI(t, cfg("attached-test"))
	w.mustRun("apply", "-auto-approve")
	ctx := context.Background()
	const policyARN = "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"
	if _, err := env.IAM().AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("attached-test"), PolicyArn: aws.String(policyARN)}); err != nil {
		t.Fatal(err)
	}
	env.Emu.ResetLog()
	if out, code := w.run("plan", "-detailed-exitcode"); code != 0 {
		t.Errorf("plan with no change: exit %d\n%s", code, tail(out))
	}
	if n := env.Emu.CallCount("iam", "ListAttachedRolePolicies"); n != 0 {
		t.Errorf("a plan with no change listed the attached policies (%d calls)", n)
	}
	want := "aws iam detach-role-policy --role-name attached-test --policy-arn " + policyARN
	for name, run := range map[string]struct {
		config string
		args   []string
	}{
		"destroy": {cfg("attached-test"), []string{"plan", "-destroy"}},
		"removed": {cliProviderConfig(env), []string{"plan"}},
		"replace": {cfg("attached-test-2"), []string{"plan"}},
	} {
		w.setConfig(run.config)
		out, code := w.run(run.args...)
		flat := strings.Join(strings.Fields(out), " ")
		if code == 0 || !strings.Contains(flat, "Role Has Policies Attached Outside Terraform") || !strings.Contains(flat, want) {
			t.Errorf("%s: the plan did not stop on the attached policy: exit %d\n%s", name, code, tail(out))
		}
	}
	w.setConfig(cfg("attached-test"))
	if out, code := w.run("destroy", "-auto-approve"); code == 0 {
		t.Errorf("destroy with a policy attached succeeded\n%s", tail(out))
	}
	if w := lpWrites(env.Emu.RequestLog()); len(w) != 0 {
		t.Errorf("writes while a policy is attached: %v", w)
	}
	if _, err := env.IAM().DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("attached-test"), PolicyArn: aws.String(policyARN)}); err != nil {
		t.Fatal(err)
	}
	w.mustRun("destroy", "-auto-approve")
	if left := w.untracked(env, seedRoleNames()); len(left) > 0 {
		t.Errorf("left after destroy: %v", left)
	}
}
