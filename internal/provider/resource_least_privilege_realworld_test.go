package provider_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/acctest"
	"github.com/eks-podidentity/terraform-provider-podidentity/internal/awsemu"
)

// TestAccLeastPrivilege_disappearsCombinations deletes the role, the
// policy and the association outside Terraform, each and together: the
// next refresh never fails (with Terraform 1.11+ a removal without an
// identity is "Missing Resource Identity After Read"), the plan re-creates
// what is missing, and one apply converges.
func TestAccLeastPrivilege_disappearsCombinations(t *testing.T) {
	t.Parallel()
	type gone struct{ association, policy, role bool }
	cases := map[string]gone{
		"association":        {association: true},
		"policy":             {policy: true},
		"role":               {policy: true, role: true}, // IAM deletes a role only without policies
		"association+policy": {association: true, policy: true},
		"association+role":   {association: true, policy: true, role: true},
	}
	for name, g := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := lpAccTest(t, nil)
			roleName := env.ClusterName + "-carts-carts"
			ctx := context.Background()
			remove := func(s *terraform.State) error {
				if g.association {
					if _, err := env.EKS().DeletePodIdentityAssociation(ctx, &eks.DeletePodIdentityAssociationInput{
						ClusterName: aws.String(env.ClusterName), AssociationId: aws.String(s.RootModule().Resources[lpRes].Primary.Attributes["association_id"]),
					}); err != nil {
						return err
					}
				}
				if g.policy {
					if _, err := env.IAM().DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(roleName), PolicyName: aws.String("podidentity-least-privilege")}); err != nil {
						return err
					}
				}
				if g.role {
					if _, err := env.IAM().DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(roleName)}); err != nil {
						return err
					}
				}
				return nil
			}
			want := plancheck.ResourceActionUpdate
			if g.role {
				want = plancheck.ResourceActionCreate
			}
			cfg := lpConfig(env, "carts", "carts", "")
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
				CheckDestroy:             lpCheckDestroyed(env, roleName),
				Steps: []resource.TestStep{
					{Config: cfg, Check: remove, ExpectNonEmptyPlan: true},
					{RefreshState: true, ExpectNonEmptyPlan: true},
					{
						Config:           cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(lpRes, want)}},
						Check:            lpCheckRemotePolicy(env, roleName, "dynamodb:PutItem"),
					},
					{Config: cfg, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
				},
			})
		})
	}
}

// TestAccLeastPrivilege_importMissing imports an association that does not
// exist and one of a cluster that does not exist: a clean error, with
// Terraform as with OpenTofu.
func TestAccLeastPrivilege_importMissing(t *testing.T) {
	t.Parallel()
	env := lpAccTest(t, nil)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: lpConfig(env, "carts", "carts", "")},
			{
				ResourceName: lpRes, ImportState: true, ImportStateId: env.ClusterName + ",a-doesnotexist0000",
				ExpectError: lpErr(`(?i)cannot import non-existent remote object`),
			},
			{
				ResourceName: lpRes, ImportState: true, ImportStateId: "no-such-cluster,a-doesnotexist0000",
				ExpectError: lpErr(`(?i)cannot import non-existent remote object`),
			},
		},
	})
}

// TestAccLeastPrivilege_duplicateOwnerInOneConfiguration refuses at plan
// two resources for one cluster, namespace and service account.
func TestAccLeastPrivilege_duplicateOwnerInOneConfiguration(t *testing.T) {
	t.Parallel()
	env := lpAccTest(t, nil)
	cfg := lpConfig(env, "carts", "carts", "") + fmt.Sprintf(`
resource "podidentity_least_privilege" "second" {
  cluster_name    = %q
  namespace       = "carts"
  service_account = "carts"
  role_name       = "carts-second"
  dynamodb_tables = [{ arn = %q }]
}
`, env.ClusterName, env.TableARN)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: cfg, PlanOnly: true, ExpectError: lpErr(`(?s)Duplicate Service Account Owner.*namespace carts, service account carts`)},
			// The first one alone, then the second added next to it.
			{Config: lpConfig(env, "carts", "carts", "")},
			{Config: cfg, ExpectError: lpErr(`Duplicate Service Account Owner`)},
		},
	})
}

// TestAccLeastPrivilege_ownedByAnotherState finds the role and association
// another state created for the same service account (same ownership tag,
// another create token): refused at plan, nothing adopted, nothing written.
func TestAccLeastPrivilege_ownedByAnotherState(t *testing.T) {
	t.Parallel()
	seed := awsemu.DefaultSeed()
	seed.IAMRoles = append(seed.IAMRoles, awsemu.SeedRole{
		Name: "eks-workshop-carts-carts", AssumeRolePolicy: []byte(lpPodsTrust),
		Tags: map[string]string{"podidentity:owner": "eks-workshop/carts/carts", "podidentity:create-token": "0123456789abcdef01234567"},
	})
	env := lpAccTest(t, seed)
	env.SkipUnlessEmulator(t)
	cfg := lpConfig(env, "carts", "carts", "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			PreConfig: func() {
				// The other state's association.
				if _, err := env.EKS().CreatePodIdentityAssociation(context.Background(), &eks.CreatePodIdentityAssociationInput{
					ClusterName: aws.String(env.ClusterName), Namespace: aws.String("carts"), ServiceAccount: aws.String("carts"),
					RoleArn: aws.String("arn:aws:iam::" + env.AccountID + ":role/eks-workshop-carts-carts"),
				}); err != nil {
					t.Fatal(err)
				}
				env.Emu.ResetLog()
			},
			Config:      cfg,
			ExpectError: lpErr(`(?s)Service Account Managed By Another State.*create token "0123456789abcdef01234567".*aws iam delete-role --role-name eks-workshop-carts-carts`),
		}},
	})
	if w := lpWrites(env.Emu.RequestLog()); len(w) != 0 {
		t.Errorf("writes after a refused plan: %v", w)
	}
}

// TestAccLeastPrivilege_importTablesOrder imports a resource whose tables
// are configured out of ARN order, with every argument of a table set:
// the next plan is empty.
func TestAccLeastPrivilege_importTablesOrder(t *testing.T) {
	t.Parallel()
	seed := awsemu.DefaultSeed()
	seed.DynamoDBTables = append(seed.DynamoDBTables, awsemu.SeedTable{Name: "aaa-orders"}, awsemu.SeedTable{Name: "zzz-audit"})
	env := lpAccTest(t, seed)
	env.SkipUnlessEmulator(t)
	arn := func(name string) string {
		return strings.TrimSuffix(env.TableARN, env.TableARN[strings.LastIndex(env.TableARN, "/")+1:]) + name
	}
	cfg := env.ProviderConfig() + fmt.Sprintf(`
resource "podidentity_least_privilege" "test" {
  cluster_name    = %q
  namespace       = "carts"
  service_account = "carts"
  role_description = "carts"
  max_session_duration = 7200
  tags = { team = "carts" }
  dynamodb_tables = [
    { arn = %q, access = "read_write", indexes = false },
    { arn = %q, actions = ["dynamodb:GetItem", "dynamodb:Query"], indexes = true, streams = true },
    { arn = %q, access = "write" },
  ]
}
`, env.ClusterName, arn("zzz-audit"), env.TableARN, arn("aaa-orders"))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy:             lpCheckDestroyed(env, env.ClusterName+"-carts-carts"),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				ResourceName: lpRes, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"},
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return s.RootModule().Resources[lpRes].Primary.Attributes["id"], nil
				},
			},
			{
				ResourceName: lpRes, ImportState: true, ImportStateKind: resource.ImportBlockWithID,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return s.RootModule().Resources[lpRes].Primary.Attributes["id"], nil
				},
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(lpRes, plancheck.ResourceActionNoop)}},
			},
		},
	})
}

// TestAccLeastPrivilege_adoptInterruptedCreate finds what a create killed
// before the state was saved leaves: a role with this resource's ownership
// tag, another create token and a pending marker, with an association using
// it (tagged otherwise than configured) and no inline policy. While the
// marker is in the future the plan refuses it and nothing is written; once
// it is past, the plan warns, the apply adopts the role and the association
// (the same association ID, not a new one), brings them to the
// configuration, removes the marker, and the next plan is empty.
func TestAccLeastPrivilege_adoptInterruptedCreate(t *testing.T) {
	t.Parallel()
	const roleName = "eks-workshop-carts-carts"
	seed := awsemu.DefaultSeed()
	seed.IAMRoles = append(seed.IAMRoles, awsemu.SeedRole{
		Name: roleName, AssumeRolePolicy: []byte(lpPodsTrust),
		Tags: map[string]string{
			"podidentity:owner": "eks-workshop/carts/carts", "podidentity:create-token": "0123456789abcdef01234567",
			"podidentity:pending-until": time.Now().Add(time.Hour).UTC().Format(time.RFC3339),
		},
	})
	env := lpAccTest(t, seed)
	env.SkipUnlessEmulator(t)
	cfg := lpConfig(env, "carts", "carts", `tags = { team = "carts" }`)
	var assocID string
	setMarker := func(until time.Time) {
		if _, err := env.IAM().TagRole(context.Background(), &iam.TagRoleInput{RoleName: aws.String(roleName), Tags: []iamtypes.Tag{
			{Key: aws.String("podidentity:pending-until"), Value: aws.String(until.UTC().Format(time.RFC3339))},
		}}); err != nil {
			t.Fatal(err)
		}
		env.Emu.ResetLog()
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy:             lpCheckDestroyed(env, roleName),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					a, err := env.EKS().CreatePodIdentityAssociation(context.Background(), &eks.CreatePodIdentityAssociationInput{
						ClusterName: aws.String(env.ClusterName), Namespace: aws.String("carts"), ServiceAccount: aws.String("carts"),
						RoleArn: aws.String("arn:aws:iam::" + env.AccountID + ":role/" + roleName), Tags: map[string]string{"stale": "yes"},
					})
					if err != nil {
						t.Fatal(err)
					}
					assocID = aws.ToString(a.Association.AssociationId)
					env.Emu.ResetLog()
				},
				Config:      cfg,
				ExpectError: lpErr(`(?s)Create Of This Role In Progress.*podidentity:pending-until=20.*apply again after 20`),
			},
			{
				PreConfig: func() {
					if w := lpWrites(env.Emu.RequestLog()); len(w) != 0 {
						t.Errorf("writes while the marker is live: %v", w)
					}
					setMarker(time.Now().Add(-time.Second))
				},
				Config: cfg,
				Check: resource.ComposeAggregateTestCheckFunc(
					lpCheckRemotePolicy(env, roleName, "dynamodb:PutItem"),
					resource.TestCheckResourceAttrPtr(lpRes, "association_id", &assocID),
					func(*terraform.State) error {
						role, err := env.IAM().GetRole(context.Background(), &iam.GetRoleInput{RoleName: aws.String(roleName)})
						if err != nil {
							return err
						}
						for _, tag := range role.Role.Tags {
							if aws.ToString(tag.Key) == "podidentity:pending-until" {
								return fmt.Errorf("the pending marker is still on the adopted role")
							}
						}
						a, err := env.EKS().DescribePodIdentityAssociation(context.Background(), &eks.DescribePodIdentityAssociationInput{
							ClusterName: aws.String(env.ClusterName), AssociationId: aws.String(assocID),
						})
						if err != nil {
							return err
						}
						if a.Association.Tags["team"] != "carts" || a.Association.Tags["stale"] != "" {
							return fmt.Errorf("the adopted association's tags are %v, want the configured ones", a.Association.Tags)
						}
						return nil
					},
				),
			},
			{Config: cfg, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}

// TestAccLeastPrivilege_trustScopeOrder changes trust_scope and
// disable_session_tags together, both ways, and asks EKS Auth (the
// emulator's AssumeRoleForPodIdentity, which evaluates the trust's
// session-tag conditions) for the pods' credentials after every write:
// they never fail. Widening (account scope, session tags off) writes the
// trust before the association stops sending session tags; narrowing
// turns session tags on before the trust tests them.
func TestAccLeastPrivilege_trustScopeOrder(t *testing.T) {
	t.Parallel()
	env := lpAccTest(t, nil)
	env.SkipUnlessEmulator(t)
	narrow := lpConfig(env, "carts", "carts", "")
	wide := lpConfig(env, "carts", "carts", `trust_scope = "account"
  disable_session_tags = true`)
	var mu sync.Mutex
	var writes, failures []string
	watch := func() {
		mu.Lock()
		writes, failures = nil, nil
		mu.Unlock()
		env.Emu.SetAfterCall(func(e awsemu.LogEntry) {
			if e.Status >= 300 || (e.Service != "iam" && e.Service != "eks") || strings.HasPrefix(e.Operation, "Get") ||
				strings.HasPrefix(e.Operation, "List") || strings.HasPrefix(e.Operation, "Describe") {
				return
			}
			err := env.Emu.AssumeRoleForPod(env.ClusterName, "carts", "carts")
			mu.Lock()
			defer mu.Unlock()
			writes = append(writes, e.Service+":"+e.Operation)
			if err != nil {
				failures = append(failures, fmt.Sprintf("after %s:%s: %v", e.Service, e.Operation, err))
			}
		})
	}
	check := func(first, then string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			env.Emu.SetAfterCall(nil)
			mu.Lock()
			defer mu.Unlock()
			if len(failures) > 0 {
				return fmt.Errorf("pods could not get credentials %s (writes %v)", strings.Join(failures, "; "), writes)
			}
			i, j := slices.Index(writes, first), slices.Index(writes, then)
			if i < 0 || j < 0 || i > j {
				return fmt.Errorf("writes %v: want %s before %s", writes, first, then)
			}
			return env.Emu.AssumeRoleForPod(env.ClusterName, "carts", "carts")
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy:             lpCheckDestroyed(env, "eks-workshop-carts-carts"),
		Steps: []resource.TestStep{
			{Config: narrow},
			{PreConfig: watch, Config: wide, Check: check("iam:UpdateAssumeRolePolicy", "eks:UpdatePodIdentityAssociation")},
			{PreConfig: watch, Config: narrow, Check: check("eks:UpdatePodIdentityAssociation", "iam:UpdateAssumeRolePolicy")},
		},
	})
}
