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
// (before the state is saved). Afterwards: a second run converges, either
// at once or, when the killed create left a role no state records, after
// the clean-up the plan error spells out; and nothing is left that the
// state does not track.
func TestAccLeastPrivilege_crash(t *testing.T) {
	t.Parallel()
	type crash struct {
		setup  string // "" or the namespace of a first apply
		ns     string // the namespace of the killed apply; "" = destroy
		killAt string // service:Operation
	}
	cases := map[string]crash{
		"create/CreateRole":                    {ns: "carts", killAt: "iam:CreateRole"},
		"create/PutRolePolicy":                 {ns: "carts", killAt: "iam:PutRolePolicy"},
		"create/CreatePodIdentityAssociation":  {ns: "carts", killAt: "eks:CreatePodIdentityAssociation"},
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
			cfg := func(ns string) string {
				if ns == "" {
					return cliProviderConfig(env)
				}
				return cliProviderConfig(env) + fmt.Sprintf(`
resource "podidentity_least_privilege" "test" {
  cluster_name    = %q
  namespace       = %q
  service_account = "carts"
  role_name       = "crash-test"
  dynamodb_tables = [{ arn = %q }]
}
`, env.ClusterName, ns, env.TableARN)
			}
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

			// Recover.
			w.setConfig(cfg(c.ns))
			out, code := w.run(args...)
			if code != 0 && strings.Contains(out, "Managed By Another State") {
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
				w.mustRun("destroy", "-auto-approve")
			}
			if left := w.untracked(env, seedRoleNames()); len(left) > 0 {
				t.Errorf("left after destroy: %v", left)
			}
		})
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
