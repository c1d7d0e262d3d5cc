package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/acctest"
	"github.com/eks-podidentity/terraform-provider-podidentity/internal/awsemu"
)

// TestAccLeastPrivilege_faultMatrix fails every AWS call of a create, a
// refresh, two updates and a destroy, one at a time:
//
//   - throttled, then a 500, then a dropped connection (the call reached
//     AWS, the answer was lost), all in a row: the SDK retries, and the
//     provider recognises the effect of its own lost call (create token,
//     client request token, not found on delete), so the apply succeeds;
//   - AccessDenied: the apply fails, nothing is left that the state does not
//     track, and the next apply converges to an empty plan.
func TestAccLeastPrivilege_faultMatrix(t *testing.T) {
	t.Parallel()
	type phase struct {
		from, to string // configurations: "" (none), "a", "b", "c"
		ops      []string
		// deniedOK lists the calls whose AccessDenied the resource rides out
		// (a plan-time table check is a warning; without iam:ListRoles the
		// plan asks GetRole; a destroy does not need
		// iam:ListAttachedRolePolicies).
		deniedOK map[string]bool
	}
	phases := map[string]phase{
		"create": {from: "", to: "a", ops: []string{
			"eks:DescribeCluster", "eks:DescribeAddon", "eks:ListPodIdentityAssociations", "iam:ListRoles", "dynamodb:DescribeTable",
			"iam:CreateRole", "iam:PutRolePolicy", "eks:CreatePodIdentityAssociation", "iam:UntagRole",
		}, deniedOK: map[string]bool{"dynamodb:DescribeTable": true, "iam:ListRoles": true}},
		"read": {from: "a", to: "a", ops: []string{"eks:DescribePodIdentityAssociation", "iam:GetRole", "iam:GetRolePolicy"}},
		"move": {from: "a", to: "b", ops: []string{
			"iam:UpdateRole", "iam:TagRole", "iam:UntagRole", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy",
			"eks:CreatePodIdentityAssociation", "eks:DeletePodIdentityAssociation",
		}},
		"inplace": {from: "b", to: "c", ops: []string{"eks:UpdatePodIdentityAssociation", "eks:TagResource", "eks:UntagResource", "iam:UpdateAssumeRolePolicy"}},
		"delete": {from: "a", to: "", ops: []string{
			"iam:ListAttachedRolePolicies", "eks:DeletePodIdentityAssociation", "iam:DeleteRolePolicy", "iam:DeleteRole",
		}, deniedOK: map[string]bool{"iam:ListAttachedRolePolicies": true}},
	}
	for pname, ph := range phases {
		for _, op := range ph.ops {
			t.Run(pname+"/"+op, func(t *testing.T) {
				t.Parallel()
				env := lpAccTest(t, nil)
				env.SkipUnlessEmulator(t)
				service, operation, _ := strings.Cut(op, ":")
				cfg := faultMatrixConfigs(env)
				inject := func(faults ...awsemu.Fault) func() {
					return func() {
						env.Emu.ClearFaults()
						for _, f := range faults {
							f.Service, f.Operation = service, operation
							env.Emu.InjectFault(f)
						}
					}
				}
				consumed := func(*terraform.State) error {
					if n := env.Emu.PendingFaults(); n != 0 {
						env.Emu.ClearFaults()
						return fmt.Errorf("%s was not called %d more time(s): the matrix names a call this phase does not make", op, n)
					}
					return nil
				}
				tracked := faultMatrixTracked(env)
				var steps []resource.TestStep
				setup := func() {
					if ph.from != "" {
						steps = append(steps, resource.TestStep{Config: cfg[ph.from]})
					}
				}
				// Transient faults: one after the other on the same call.
				setup()
				steps = append(steps, resource.TestStep{
					PreConfig: inject(
						awsemu.Fault{Code: throttleCode(service)},
						awsemu.Fault{},
						awsemu.Fault{DropConnection: true},
					),
					Config: cfg[ph.to], Check: resource.ComposeTestCheckFunc(consumed, tracked),
				})
				// Back to the start, then AccessDenied.
				if ph.from != ph.to {
					steps = append(steps, resource.TestStep{Config: cfg[""]})
					setup()
				}
				denied := resource.TestStep{PreConfig: inject(awsemu.Fault{Code: deniedCode(service), Status: 403, Message: "injected: not authorized"}), Config: cfg[ph.to]}
				if ph.deniedOK[op] {
					denied.Check = resource.ComposeTestCheckFunc(consumed, tracked)
				} else {
					denied.ExpectError = lpErr(`not authorized`)
				}
				steps = append(steps, denied,
					resource.TestStep{PreConfig: func() { env.Emu.ClearFaults() }, Config: cfg[ph.to], Check: tracked},
					resource.TestStep{Config: cfg[ph.to], ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
				)
				resource.Test(t, resource.TestCase{
					ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
					CheckDestroy:             lpCheckDestroyed(env, "fault-matrix"),
					Steps:                    steps,
				})
			})
		}
	}
}

func throttleCode(service string) string {
	if service == "iam" || service == "sts" {
		return "Throttling"
	}
	return "ThrottlingException"
}

func deniedCode(service string) string {
	if service == "iam" || service == "sts" {
		return "AccessDenied"
	}
	return "AccessDeniedException"
}

// faultMatrixConfigs are the configurations of the matrix: "a" a resource,
// "b" the same moved to another namespace with another description, tags
// and access, "c" that with the account trust scope, no session tags and
// other tags, "" nothing. max_retries = 5 rides out the three transient
// faults in a row.
func faultMatrixConfigs(env *acctest.Env) map[string]string {
	provider := strings.Replace(env.ProviderConfig(), "max_retries = 2", "max_retries = 5", 1)
	res := func(ns, extra string) string {
		return provider + fmt.Sprintf(`
resource "podidentity_least_privilege" "test" {
  cluster_name    = %q
  namespace       = %q
  service_account = "carts"
  role_name       = "fault-matrix"
%s
}
`, env.ClusterName, ns, extra)
	}
	table := fmt.Sprintf("  dynamodb_tables = [{ arn = %q, access = %%q }]\n", env.TableARN)
	return map[string]string{
		"":  provider,
		"a": res("carts", fmt.Sprintf(table, "read_write")+`  tags = { team = "carts", gone = "soon" }`),
		"b": res("orders", fmt.Sprintf(table, "read")+`  role_description = "moved"
  tags = { team = "orders" }`),
		"c": res("orders", fmt.Sprintf(table, "read")+`  role_description = "moved"
  trust_scope = "account"
  disable_session_tags = true
  tags = { owner = "orders" }`),
	}
}

// faultMatrixTracked fails when the emulator holds a role or an
// association the state does not track.
func faultMatrixTracked(env *acctest.Env) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		roles, assocs := map[string]bool{}, map[string]bool{}
		for _, r := range s.RootModule().Resources {
			if r.Type == "podidentity_least_privilege" && r.Primary != nil {
				roles[r.Primary.Attributes["role_name"]] = true
				assocs[r.Primary.Attributes["association_id"]] = true
			}
		}
		seed := seedRoleNames()
		st := env.Emu.Dump()
		var left []string
		for _, r := range st.Roles {
			if !seed[r.Name] && !roles[r.Name] {
				left = append(left, "role "+r.Name)
			}
		}
		for _, c := range st.Clusters {
			for _, a := range c.Associations {
				if !assocs[a.ID] {
					left = append(left, "association "+a.ID)
				}
			}
		}
		if len(left) > 0 {
			return fmt.Errorf("not tracked by the state: %v", left)
		}
		return nil
	}
}
