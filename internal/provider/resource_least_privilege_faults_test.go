package provider_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/acctest"
	"github.com/eks-podidentity/terraform-provider-podidentity/internal/awsemu"
)

// lpNoOrphans fails the test when the emulator holds the role or an
// association that Terraform does not track.
func lpNoOrphans(t *testing.T, env *acctest.Env, roleName string) func() {
	return func() {
		st := env.Emu.Dump()
		for _, r := range st.Roles {
			if strings.EqualFold(r.Name, roleName) {
				t.Errorf("orphan IAM role %s left after the failed apply", roleName)
			}
		}
		for _, c := range st.Clusters {
			if len(c.Associations) > 0 {
				t.Errorf("orphan association(s) left in cluster %s after the failed apply", c.Name)
			}
		}
	}
}

// TestAccLeastPrivilege_faults fails each write of a create in turn: the
// apply fails with the AWS provider's wording, nothing is left behind, and
// the next apply converges.
func TestAccLeastPrivilege_faults(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		fault awsemu.Fault
		want  string
	}{
		"CreateRole": {awsemu.Fault{Service: "iam", Operation: "CreateRole", Code: "AccessDenied", Status: 403, Message: "injected: not allowed to create roles"},
			`(?s)creating IAM Role.*eks-workshop-carts-carts.*not allowed to create roles`},
		"PutRolePolicy": {awsemu.Fault{Service: "iam", Operation: "PutRolePolicy", Code: "AccessDenied", Status: 403, Message: "injected: not allowed to put policies"},
			`(?s)creating IAM Role Policy.*eks-workshop-carts-carts:podidentity-least-privilege.*not allowed to put policies`},
		"CreatePodIdentityAssociation": {awsemu.Fault{Service: "eks", Operation: "CreatePodIdentityAssociation", Code: "AccessDeniedException", Status: 403, Message: "injected: not allowed to associate"},
			`(?s)creating EKS Pod Identity Association.*cluster eks-workshop, namespace carts, service account carts.*not allowed to associate`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := lpAccTest(t, nil)
			env.SkipUnlessEmulator(t)
			roleName := env.ClusterName + "-carts-carts"
			cfg := lpConfig(env, "carts", "carts", "")
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
				CheckDestroy:             lpCheckDestroyed(env, roleName),
				Steps: []resource.TestStep{
					{PreConfig: func() { env.Emu.InjectFault(c.fault) }, Config: cfg, ExpectError: lpErr(c.want)},
					{PreConfig: lpNoOrphans(t, env, roleName), Config: cfg, Check: lpCheckRemotePolicy(env, roleName, "dynamodb:PutItem")},
					{Config: cfg, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
				},
			})
		})
	}
}

// TestAccLeastPrivilege_undoFails makes the clean-up fail too: the role is
// kept in state as tainted, and the next apply replaces it.
func TestAccLeastPrivilege_undoFails(t *testing.T) {
	t.Parallel()
	env := lpAccTest(t, nil)
	env.SkipUnlessEmulator(t)
	roleName := env.ClusterName + "-carts-carts"
	cfg := lpConfig(env, "carts", "carts", "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy:             lpCheckDestroyed(env, roleName),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					env.Emu.InjectFault(awsemu.Fault{Service: "eks", Operation: "CreatePodIdentityAssociation", Code: "AccessDeniedException", Status: 403, Message: "injected"})
					env.Emu.InjectFault(awsemu.Fault{Service: "iam", Operation: "DeleteRolePolicy", Code: "AccessDenied", Status: 403, Message: "injected: cannot clean up"})
				},
				Config:      cfg,
				ExpectError: lpErr(`(?s)creating EKS Pod Identity Association.*Cleaning Up After a Failed Create.*cannot clean up.*tainted`),
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(lpRes, plancheck.ResourceActionReplace),
				}},
			},
			{Config: cfg, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}

// TestAccLeastPrivilege_leftoverRoleNotAdopted finds a role with this
// resource's ownership tag, another create token, no pending marker (its
// create finished) and no association: another state's, whose association
// was deleted, or one a lost state left. The plan refuses it with the way
// out, and nothing is adopted or written. After the documented clean-up the
// apply converges.
func TestAccLeastPrivilege_leftoverRoleNotAdopted(t *testing.T) {
	t.Parallel()
	seed := awsemu.DefaultSeed()
	seed.IAMRoles = append(seed.IAMRoles, awsemu.SeedRole{
		Name: "eks-workshop-carts-carts", AssumeRolePolicy: []byte(lpPodsTrust),
		Tags: map[string]string{"podidentity:owner": "eks-workshop/carts/carts", "podidentity:create-token": "feedfacefeedfacefeedface"},
	})
	env := lpAccTest(t, seed)
	env.SkipUnlessEmulator(t)
	cfg := lpConfig(env, "carts", "carts", "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy:             lpCheckDestroyed(env, "eks-workshop-carts-carts"),
		Steps: []resource.TestStep{
			{
				PreConfig:   env.Emu.ResetLog,
				Config:      cfg,
				ExpectError: lpErr(`(?s)Service Account Managed By Another State.*create token "feedfacefeedfacefeedface"`),
			},
			{
				PreConfig: func() {
					if w := lpWrites(env.Emu.RequestLog()); len(w) != 0 {
						t.Errorf("writes = %v, want none", w)
					}
					if _, err := env.IAM().DeleteRole(context.Background(), &iam.DeleteRoleInput{RoleName: aws.String("eks-workshop-carts-carts")}); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg, Check: lpCheckRemotePolicy(env, "eks-workshop-carts-carts", "dynamodb:PutItem"),
			},
			{Config: cfg, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}

// TestAccLeastPrivilege_iamPropagation delays the new role's visibility to
// EKS: the association is retried until it appears.
func TestAccLeastPrivilege_iamPropagation(t *testing.T) {
	t.Parallel()
	env := lpAccTest(t, nil)
	env.SkipUnlessEmulator(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy:             lpCheckDestroyed(env, env.ClusterName+"-carts-carts"),
		Steps: []resource.TestStep{{
			PreConfig: func() { env.Emu.SetIAMPropagationDelay(3 * time.Second) },
			Config:    lpConfig(env, "carts", "carts", ""),
			Check: func(*terraform.State) error {
				if n := env.Emu.CallCount("eks", "CreatePodIdentityAssociation"); n < 2 {
					return fmt.Errorf("CreatePodIdentityAssociation called %d times; the propagation delay should have made it retry", n)
				}
				return nil
			},
		}},
	})
}

// lpWrites lists the write calls in the log (everything but Get, List and
// Describe), in order.
func lpWrites(log []awsemu.LogEntry) []string {
	var out []string
	for _, e := range log {
		if e.Service == "sts" || strings.HasPrefix(e.Operation, "Get") || strings.HasPrefix(e.Operation, "List") || strings.HasPrefix(e.Operation, "Describe") {
			continue
		}
		out = append(out, e.Service+":"+e.Operation)
	}
	return out
}

func lpCounts(env *acctest.Env) string {
	c := env.Emu.CallCounts()
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%d ", k, c[k])
	}
	return b.String()
}

// TestAccLeastPrivilege_callCounts measures the API calls: exactly three
// writes on create, at most three reads per refresh, and one
// DescribeCluster per plan however many resources share the cluster.
func TestAccLeastPrivilege_callCounts(t *testing.T) {
	t.Parallel()
	env := lpAccTest(t, nil)
	env.SkipUnlessEmulator(t)
	many := env.ProviderConfig() + fmt.Sprintf(`
resource "podidentity_least_privilege" "many" {
  count           = 20
  cluster_name    = %q
  namespace       = "shop"
  service_account = "svc-${count.index}"
  dynamodb_tables = [{ arn = %q }]
}
`, env.ClusterName, env.TableARN)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				PreConfig: env.Emu.ResetLog,
				Config:    lpConfig(env, "carts", "carts", ""),
				Check: func(*terraform.State) error {
					// The three objects, then the role's pending marker comes off.
					want := "iam:CreateRole,iam:PutRolePolicy,eks:CreatePodIdentityAssociation,iam:UntagRole"
					if got := strings.Join(lpWrites(env.Emu.RequestLog()), ","); got != want {
						return fmt.Errorf("create writes: %s; want %s", got, want)
					}
					t.Logf("create (plan + apply): %s", lpCounts(env))
					return nil
				},
			},
			{
				PreConfig:    env.Emu.ResetLog,
				RefreshState: true,
				Check: func(*terraform.State) error {
					t.Logf("refresh: %s", lpCounts(env))
					// Read: GetRole (with tags and boundary), GetRolePolicy,
					// DescribePodIdentityAssociation (with tags). The plan that
					// follows the refresh changes nothing and asks nothing more.
					reads := 0
					for k, n := range env.Emu.CallCounts() {
						if !strings.HasPrefix(k, "sts:") {
							reads += n
						}
					}
					if reads > 3 {
						return fmt.Errorf("refresh and plan made %d reads, want at most 3: %s", reads, lpCounts(env))
					}
					return nil
				},
			},
			{
				PreConfig:          env.Emu.ResetLog,
				Config:             many,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: func() {
					t.Logf("plan of 20 resources on one cluster: %s", lpCounts(env))
					plans := env.Emu.CallCount("sts", "GetCallerIdentity") // one per provider instance
					for _, op := range []string{"DescribeCluster", "DescribeAddon", "ListPodIdentityAssociations"} {
						if n := env.Emu.CallCount("eks", op); n > plans {
							t.Errorf("%s called %d times for %d plans of 20 resources on one cluster; want one per plan", op, n, plans)
						}
					}
					if n := env.Emu.CallCount("eks", "ListNodegroups"); n != 0 {
						t.Errorf("ListNodegroups called %d times without existing_role_name", n)
					}
				},
				Config:             many,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// TestAccLeastPrivilege_moveFaults fails each step of a namespace move: the
// apply fails, nothing is orphaned, and the next apply completes the move.
func TestAccLeastPrivilege_moveFaults(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		fault awsemu.Fault
		want  string
	}{
		"widen trust": {awsemu.Fault{Service: "iam", Operation: "UpdateAssumeRolePolicy", Code: "AccessDenied", Status: 403, Message: "injected"},
			`updating IAM Role trust policy`},
		"create new association": {awsemu.Fault{Service: "eks", Operation: "CreatePodIdentityAssociation", Code: "AccessDeniedException", Status: 403, Message: "injected"},
			`(?s)creating EKS Pod Identity Association.*namespace carts-v2`},
		"delete old association": {awsemu.Fault{Service: "eks", Operation: "DeletePodIdentityAssociation", Code: "AccessDeniedException", Status: 403, Message: "injected"},
			`(?s)deleting EKS Pod Identity Association.*namespace carts.*next apply completes the move`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := lpAccTest(t, nil)
			env.SkipUnlessEmulator(t)
			roleName := env.ClusterName + "-carts-carts"
			moved := lpConfig(env, "carts-v2", "carts", "")
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
				CheckDestroy:             lpCheckDestroyed(env, roleName),
				Steps: []resource.TestStep{
					{Config: lpConfig(env, "carts", "carts", "")},
					{PreConfig: func() { env.Emu.InjectFault(c.fault) }, Config: moved, ExpectError: lpErr(c.want)},
					{
						Config: moved,
						Check: func(*terraform.State) error {
							for _, cl := range env.Emu.Dump().Clusters {
								if len(cl.Associations) != 1 || cl.Associations[0].Namespace != "carts-v2" {
									return fmt.Errorf("associations after the move: %+v", cl.Associations)
								}
							}
							return nil
						},
					},
					{Config: moved, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
				},
			})
		})
	}
}

// TestAccLeastPrivilege_deleteFault fails the role's deletion on destroy:
// the destroy fails with the AWS provider's wording and the next destroy
// finishes the job (what was already deleted counts as done).
func TestAccLeastPrivilege_deleteFault(t *testing.T) {
	t.Parallel()
	env := lpAccTest(t, nil)
	env.SkipUnlessEmulator(t)
	roleName := env.ClusterName + "-carts-carts"
	cfg := lpConfig(env, "carts", "carts", "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy:             lpCheckDestroyed(env, roleName),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					env.Emu.InjectFault(awsemu.Fault{Service: "iam", Operation: "DeleteRole", Code: "AccessDenied", Status: 403, Message: "injected: cannot delete roles"})
				},
				Config:      cfg,
				Destroy:     true,
				ExpectError: lpErr(`(?s)deleting IAM Role.*eks-workshop-carts-carts.*cannot delete roles`),
			},
		},
	})
}

// TestAccLeastPrivilege_createTimeout bounds the propagation retries by the
// create timeout: the apply fails, and the clean-up still runs.
func TestAccLeastPrivilege_createTimeout(t *testing.T) {
	t.Parallel()
	env := lpAccTest(t, nil)
	env.SkipUnlessEmulator(t)
	roleName := env.ClusterName + "-carts-carts"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy:             lpCheckDestroyed(env, roleName),
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { env.Emu.SetIAMPropagationDelay(time.Minute) },
				Config:      lpConfig(env, "carts", "carts", `  timeouts = { create = "3s" }`),
				ExpectError: lpErr(`(?s)creating EKS Pod Identity Association.*(not visible|deadline)`),
			},
			{
				PreConfig: func() {
					lpNoOrphans(t, env, roleName)()
					env.Emu.SetIAMPropagationDelay(0)
				},
				Config: lpConfig(env, "carts", "carts", ""),
			},
		},
	})
}
