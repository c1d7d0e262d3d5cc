package provider_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/acctest"
	"github.com/eks-podidentity/terraform-provider-podidentity/internal/awsemu"
)

const lpRes = "podidentity_least_privilege.test"

// lpAccTest skips unless acceptance tests are enabled, then starts an
// environment (TestMain has prepared the process with acctest.Setup).
func lpAccTest(t *testing.T, seed *awsemu.Seed) *acctest.Env {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test)")
	}
	acctest.PreCheck(t)
	return acctest.NewEnv(t, seed)
}

// lpConfig renders the resource with extra arguments.
func lpConfig(env *acctest.Env, ns, sa, extra string) string {
	return env.ProviderConfig() + fmt.Sprintf(`
resource "podidentity_least_privilege" "test" {
  cluster_name    = %q
  namespace       = %q
  service_account = %q
  dynamodb_tables = [{ arn = %q, access = "read_write" }]
%s
}
`, env.ClusterName, ns, sa, env.TableARN, extra)
}

func TestAccLeastPrivilege_basic(t *testing.T) {
	env := lpAccTest(t, nil)
	roleName := env.ClusterName + "-carts-carts"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy:             lpCheckDestroyed(env, roleName),
		Steps: []resource.TestStep{
			{
				Config: lpConfig(env, "carts", "carts", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(lpRes, plancheck.ResourceActionCreate),
						// Reviewers see the grant in the plan.
						plancheck.ExpectKnownValue(lpRes, tfjsonpath.New("policy_json"), knownvalue.StringRegexp(regexp.MustCompile(`dynamodb:PutItem`))),
						plancheck.ExpectKnownValue(lpRes, tfjsonpath.New("trust_policy_json"), knownvalue.StringRegexp(regexp.MustCompile(`kubernetes-service-account`))),
						plancheck.ExpectKnownValue(lpRes, tfjsonpath.New("role_arn"), knownvalue.StringExact(fmt.Sprintf("arn:aws:iam::%s:role/%s", env.AccountID, roleName))),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(lpRes, tfjsonpath.New("role_name"), knownvalue.StringExact(roleName)),
					statecheck.ExpectKnownValue(lpRes, tfjsonpath.New("association_id"), knownvalue.StringRegexp(regexp.MustCompile(`^a-`))),
					statecheck.ExpectKnownValue(lpRes, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^`+env.ClusterName+`,a-`))),
					statecheck.ExpectKnownValue(lpRes, tfjsonpath.New("cluster_arn"), knownvalue.StringExact(fmt.Sprintf("arn:aws:eks:%s:%s:cluster/%s", env.Region, env.AccountID, env.ClusterName))),
					statecheck.ExpectKnownValue(lpRes, tfjsonpath.New("role_unique_id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(lpRes, tfjsonpath.New("trust_scope"), knownvalue.StringExact("service_account")),
					statecheck.ExpectKnownValue(lpRes, tfjsonpath.New("tags_all"), knownvalue.MapSizeExact(0)),
				},
			},
			{
				Config: lpConfig(env, "carts", "carts", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// lpCheckDestroyed asserts that the role and every association are gone.
func lpCheckDestroyed(env *acctest.Env, roleName string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ctx := context.Background()
		if _, err := env.IAM().GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(roleName)}); err == nil {
			return fmt.Errorf("IAM role %s still exists", roleName)
		} else if !strings.Contains(err.Error(), "NoSuchEntity") {
			return err
		}
		out, err := env.EKS().ListPodIdentityAssociations(ctx, &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String(env.ClusterName)})
		if err != nil {
			return err
		}
		if len(out.Associations) != 0 {
			return fmt.Errorf("%d pod identity associations still exist", len(out.Associations))
		}
		return nil
	}
}

func TestAccLeastPrivilege_update(t *testing.T) {
	seed := awsemu.DefaultSeed()
	seed.IAMRoles = append(seed.IAMRoles, awsemu.SeedRole{Name: "chain-target", AssumeRolePolicy: []byte(lpPodsTrust)})
	env := lpAccTest(t, seed)
	target := fmt.Sprintf("arn:aws:iam::%s:role/chain-target", env.AccountID)
	boundary := "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"
	var uniqueID string
	step := func(extra string, checks ...statecheck.StateCheck) resource.TestStep {
		return resource.TestStep{
			Config: lpConfig(env, "carts", "carts", extra),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(lpRes, plancheck.ResourceActionUpdate)},
			},
			ConfigStateChecks: append(checks, statecheck.ExpectKnownValue(lpRes, tfjsonpath.New("role_unique_id"), knownvalue.StringFunc(func(v string) error {
				if uniqueID != "" && v != uniqueID {
					return fmt.Errorf("role replaced: unique ID %s, was %s", v, uniqueID)
				}
				return nil
			}))),
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy:             lpCheckDestroyed(env, env.ClusterName+"-carts-carts"),
		Steps: []resource.TestStep{
			{
				Config: lpConfig(env, "carts", "carts", ""),
				Check: func(s *terraform.State) error {
					uniqueID = s.RootModule().Resources[lpRes].Primary.Attributes["role_unique_id"]
					return nil
				},
			},
			step(`  role_description = "carts service"`,
				statecheck.ExpectKnownValue(lpRes, tfjsonpath.New("role_description"), knownvalue.StringExact("carts service"))),
			step(`  role_description = "carts service"
  max_session_duration = 7200`,
				statecheck.ExpectKnownValue(lpRes, tfjsonpath.New("max_session_duration"), knownvalue.Int64Exact(7200))),
			step(`  permissions_boundary = "`+boundary+`"`,
				statecheck.ExpectKnownValue(lpRes, tfjsonpath.New("permissions_boundary"), knownvalue.StringExact(boundary))),
			step(`  tags = { team = "carts", env = "test" }`,
				statecheck.ExpectKnownValue(lpRes, tfjsonpath.New("tags_all"), knownvalue.MapExact(map[string]knownvalue.Check{
					"team": knownvalue.StringExact("carts"), "env": knownvalue.StringExact("test"),
				}))),
			step(`  tags = { team = "orders" }`,
				statecheck.ExpectKnownValue(lpRes, tfjsonpath.New("tags_all"), knownvalue.MapExact(map[string]knownvalue.Check{"team": knownvalue.StringExact("orders")}))),
			step(`  trust_scope = "account"`,
				statecheck.ExpectKnownValue(lpRes, tfjsonpath.New("trust_policy_json"), knownvalue.StringFunc(func(v string) error {
					if strings.Contains(v, "kubernetes-namespace") {
						return fmt.Errorf("account scope trust still has conditions: %s", v)
					}
					return nil
				}))),
			step(`  trust_scope = "account"
  disable_session_tags = true`,
				statecheck.ExpectKnownValue(lpRes, tfjsonpath.New("disable_session_tags"), knownvalue.Bool(true))),
			step(`  target_role_arn = "`+target+`"`,
				statecheck.ExpectKnownValue(lpRes, tfjsonpath.New("target_role_arn"), knownvalue.StringExact(target)),
				statecheck.ExpectKnownValue(lpRes, tfjsonpath.New("trust_policy_json"), knownvalue.StringRegexp(regexp.MustCompile(`kubernetes-namespace`)))),
			{
				Config: env.ProviderConfig() + fmt.Sprintf(`
resource "podidentity_least_privilege" "test" {
  cluster_name    = %q
  namespace       = "carts"
  service_account = "carts"
  dynamodb_tables = [{ arn = %q, actions = ["dynamodb:GetItem", "dynamodb:PutItem"], streams = true }]
}
`, env.ClusterName, env.TableARN),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(lpRes, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(lpRes, tfjsonpath.New("policy_json"), knownvalue.StringRegexp(regexp.MustCompile(`(?s)GetRecords.*`))),
					},
				},
				Check: lpCheckRemotePolicy(env, env.ClusterName+"-carts-carts", "dynamodb:GetRecords", "dynamodb:PutItem"),
			},
		},
	})
}

// lpCheckRemotePolicy asserts that the inline policy in AWS mentions every
// action.
func lpCheckRemotePolicy(env *acctest.Env, roleName string, actions ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		out, err := env.IAM().GetRolePolicy(context.Background(), &iam.GetRolePolicyInput{RoleName: aws.String(roleName), PolicyName: aws.String("podidentity-least-privilege")})
		if err != nil {
			return err
		}
		doc, _ := url.QueryUnescape(aws.ToString(out.PolicyDocument))
		for _, a := range actions {
			if !strings.Contains(doc, a) {
				return fmt.Errorf("policy in AWS lacks %s: %s", a, doc)
			}
		}
		return nil
	}
}

const lpPodsTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}`

// TestAccLeastPrivilege_namespaceMove moves the association to another
// namespace and checks, in the emulator's request log, that there is no
// moment without credentials for either the old or the new pods.
func TestAccLeastPrivilege_namespaceMove(t *testing.T) {
	env := lpAccTest(t, nil)
	env.SkipUnlessEmulator(t)
	var uniqueID, oldAssoc string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy:             lpCheckDestroyed(env, env.ClusterName+"-carts-carts"),
		Steps: []resource.TestStep{
			{
				Config: lpConfig(env, "carts", "carts", ""),
				Check: func(s *terraform.State) error {
					attrs := s.RootModule().Resources[lpRes].Primary.Attributes
					uniqueID, oldAssoc = attrs["role_unique_id"], attrs["association_id"]
					return nil
				},
			},
			{
				PreConfig: env.Emu.ResetLog,
				Config:    lpConfig(env, "carts-v2", "carts", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(lpRes, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(lpRes, tfjsonpath.New("association_id")),
						// The default role name stays: the role is not replaced.
						plancheck.ExpectKnownValue(lpRes, tfjsonpath.New("role_name"), knownvalue.StringExact(env.ClusterName+"-carts-carts")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(lpRes, tfjsonpath.New("namespace"), knownvalue.StringExact("carts-v2")),
					statecheck.ExpectKnownValue(lpRes, tfjsonpath.New("trust_policy_json"), knownvalue.StringFunc(func(v string) error {
						if strings.Contains(v, `"carts"`) && !strings.Contains(v, "carts-v2") || strings.Contains(v, "Previous") {
							return fmt.Errorf("trust not narrowed to the new namespace: %s", v)
						}
						return nil
					})),
				},
				Check: func(s *terraform.State) error {
					attrs := s.RootModule().Resources[lpRes].Primary.Attributes
					if attrs["role_unique_id"] != uniqueID {
						return fmt.Errorf("role was replaced")
					}
					if attrs["association_id"] == oldAssoc {
						return fmt.Errorf("association ID unchanged")
					}
					var writes []string
					for _, e := range env.Emu.RequestLog() {
						switch e.Operation {
						case "UpdateAssumeRolePolicy", "CreatePodIdentityAssociation", "DeletePodIdentityAssociation":
							writes = append(writes, e.Operation)
						}
					}
					want := []string{"UpdateAssumeRolePolicy", "CreatePodIdentityAssociation", "DeletePodIdentityAssociation", "UpdateAssumeRolePolicy"}
					if strings.Join(writes, ",") != strings.Join(want, ",") {
						return fmt.Errorf("write order %v, want %v (trust admits both, create new, delete old, narrow trust)", writes, want)
					}
					// Only the new association remains, and the role trusts only the new namespace.
					role, err := env.IAM().GetRole(context.Background(), &iam.GetRoleInput{RoleName: aws.String(env.ClusterName + "-carts-carts")})
					if err != nil {
						return err
					}
					trust, _ := url.QueryUnescape(aws.ToString(role.Role.AssumeRolePolicyDocument))
					if !strings.Contains(trust, "carts-v2") || strings.Contains(trust, "Previous") {
						return fmt.Errorf("trust in AWS: %s", trust)
					}
					out, err := env.EKS().ListPodIdentityAssociations(context.Background(), &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String(env.ClusterName)})
					if err != nil {
						return err
					}
					if len(out.Associations) != 1 || aws.ToString(out.Associations[0].Namespace) != "carts-v2" {
						return fmt.Errorf("associations after the move: %+v", out.Associations)
					}
					return nil
				},
			},
			{
				Config:           lpConfig(env, "carts-v2", "carts", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// TestAccLeastPrivilege_disappears deletes each object behind Terraform's
// back; the next apply puts it back.
func TestAccLeastPrivilege_disappears(t *testing.T) {
	t.Parallel()
	env := lpAccTest(t, nil)
	roleName := env.ClusterName + "-carts-carts"
	ctx := context.Background()
	deleteAssociation := func(s *terraform.State) error {
		_, err := env.EKS().DeletePodIdentityAssociation(ctx, &eks.DeletePodIdentityAssociationInput{
			ClusterName: aws.String(env.ClusterName), AssociationId: aws.String(s.RootModule().Resources[lpRes].Primary.Attributes["association_id"]),
		})
		return err
	}
	deletePolicy := func(*terraform.State) error {
		_, err := env.IAM().DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(roleName), PolicyName: aws.String("podidentity-least-privilege")})
		return err
	}
	// The association is left pointing at the deleted role, as it is in
	// AWS when someone deletes only the role: the next apply adopts it.
	deleteRole := func(s *terraform.State) error {
		if err := deletePolicy(s); err != nil {
			return err
		}
		_, err := env.IAM().DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(roleName)})
		return err
	}
	cfg := lpConfig(env, "carts", "carts", "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy:             lpCheckDestroyed(env, roleName),
		Steps: []resource.TestStep{
			{Config: cfg, Check: deleteAssociation, ExpectNonEmptyPlan: true},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(lpRes, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(lpRes, tfjsonpath.New("association_id")),
				}},
				Check: deletePolicy, ExpectNonEmptyPlan: true,
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(lpRes, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(lpCheckRemotePolicy(env, roleName, "dynamodb:PutItem"), deleteRole), ExpectNonEmptyPlan: true,
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(lpRes, plancheck.ResourceActionCreate),
				}},
			},
			{Config: cfg, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}

// TestAccLeastPrivilege_drift edits the policy, the trust policy, the tags
// and the association's role behind Terraform's back; the next apply
// repairs each.
func TestAccLeastPrivilege_drift(t *testing.T) {
	t.Parallel()
	seed := awsemu.DefaultSeed()
	seed.IAMRoles = append(seed.IAMRoles, awsemu.SeedRole{Name: "intruder", AssumeRolePolicy: []byte(lpPodsTrust)})
	env := lpAccTest(t, seed)
	roleName := env.ClusterName + "-carts-carts"
	ctx := context.Background()
	cfg := lpConfig(env, "carts", "carts", `  tags = { team = "carts" }`)
	repaired := resource.TestStep{
		Config: cfg,
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(lpRes, plancheck.ResourceActionUpdate),
		}},
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy:             lpCheckDestroyed(env, roleName),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: func(*terraform.State) error {
					_, err := env.IAM().PutRolePolicy(ctx, &iam.PutRolePolicyInput{
						RoleName: aws.String(roleName), PolicyName: aws.String("podidentity-least-privilege"),
						PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"}]}`),
					})
					return err
				},
				ExpectNonEmptyPlan: true,
			},
			lpWithCheck(repaired, func(*terraform.State) error {
				if err := lpCheckRemotePolicy(env, roleName, "dynamodb:PutItem")(nil); err != nil {
					return err
				}
				_, err := env.IAM().UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(roleName), PolicyDocument: aws.String(lpPodsTrust)})
				return err
			}),
			lpWithCheck(repaired, func(*terraform.State) error {
				_, err := env.IAM().TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String(roleName), Tags: lpIAMTag("team", "someone-else")})
				return err
			}),
			lpWithCheck(repaired, func(s *terraform.State) error {
				_, err := env.EKS().UpdatePodIdentityAssociation(ctx, &eks.UpdatePodIdentityAssociationInput{
					ClusterName: aws.String(env.ClusterName), AssociationId: aws.String(s.RootModule().Resources[lpRes].Primary.Attributes["association_id"]),
					RoleArn: aws.String(fmt.Sprintf("arn:aws:iam::%s:role/intruder", env.AccountID)),
				})
				return err
			}),
			{
				Config:           cfg,
				ConfigPlanChecks: repaired.ConfigPlanChecks,
				Check: func(s *terraform.State) error {
					out, err := env.EKS().DescribePodIdentityAssociation(ctx, &eks.DescribePodIdentityAssociationInput{
						ClusterName: aws.String(env.ClusterName), AssociationId: aws.String(s.RootModule().Resources[lpRes].Primary.Attributes["association_id"]),
					})
					if err != nil {
						return err
					}
					if got := aws.ToString(out.Association.RoleArn); !strings.HasSuffix(got, "/"+roleName) {
						return fmt.Errorf("association still points at %s", got)
					}
					return nil
				}},
			{Config: cfg, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}

func lpWithCheck(s resource.TestStep, check resource.TestCheckFunc) resource.TestStep {
	s.Check = check
	s.ExpectNonEmptyPlan = true
	return s
}

func lpIAMTag(k, v string) []iamtypes.Tag {
	return []iamtypes.Tag{{Key: aws.String(k), Value: aws.String(v)}}
}

func TestAccLeastPrivilege_import(t *testing.T) {
	t.Parallel()
	env := lpAccTest(t, nil)
	cfg := lpConfig(env, "carts", "carts", `  tags = { team = "carts" }
  role_description = "carts"`)
	importID := func(s *terraform.State) (string, error) {
		return s.RootModule().Resources[lpRes].Primary.Attributes["id"], nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy:             lpCheckDestroyed(env, env.ClusterName+"-carts-carts"),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				ResourceName:      lpRes,
				ImportState:       true,
				ImportStateIdFunc: importID,
				ImportStateVerify: true,
				// timeouts is configuration only; it is never read from AWS.
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				ResourceName:    lpRes,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{
				ResourceName:      lpRes,
				ImportState:       true,
				ImportStateKind:   resource.ImportBlockWithID,
				ImportStateIdFunc: importID,
			},
		},
	})
}

// TestAccLeastPrivilege_importBadID checks the import ID's form and a
// missing association.
func TestAccLeastPrivilege_importBadID(t *testing.T) {
	t.Parallel()
	env := lpAccTest(t, nil)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: lpConfig(env, "carts", "carts", "")},
			{
				ResourceName:  lpRes,
				ImportState:   true,
				ImportStateId: "eks-workshop/a-123",
				ExpectError:   lpErr(`Invalid Import ID`),
			},
			{
				ResourceName:  lpRes,
				ImportState:   true,
				ImportStateId: env.ClusterName + ",a-doesnotexist0000",
				ExpectError:   lpErr(`(?i)cannot import non-existent|does not exist`),
			},
		},
	})
}

// lpErr compiles an expected-error pattern whose spaces match any run of
// whitespace: Terraform wraps diagnostic text.
func lpErr(pattern string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(pattern, " ", `\s+`))
}

// TestAccLeastPrivilege_replace changes the arguments that replace the
// resource: the new role gets new computed values.
func TestAccLeastPrivilege_replace(t *testing.T) {
	t.Parallel()
	seed := awsemu.DefaultSeed()
	seed.IAMRoles = append(seed.IAMRoles, awsemu.SeedRole{Name: "app", AssumeRolePolicy: []byte(lpPodsTrust)})
	env := lpAccTest(t, seed)
	replaced := func(extra string, roleARN string) resource.TestStep {
		return resource.TestStep{
			Config: lpConfig(env, "carts", "carts", extra),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(lpRes, plancheck.ResourceActionReplace),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(lpRes, tfjsonpath.New("role_arn"), knownvalue.StringExact(roleARN)),
			},
		}
	}
	acct := env.AccountID
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy:             lpCheckDestroyed(env, "carts-custom"),
		Steps: []resource.TestStep{
			{Config: lpConfig(env, "carts", "carts", "")},
			replaced(`  role_name = "carts-custom"`, "arn:aws:iam::"+acct+":role/carts-custom"),
			replaced(`  role_name = "carts-custom"
  role_path = "/pods/"`, "arn:aws:iam::"+acct+":role/pods/carts-custom"),
			{Config: lpConfig(env, "carts", "carts", `  role_name = "carts-custom"
  role_path = "/pods/"`), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			// From a created role to an existing one (brownfield).
			replaced(`  existing_role_name = "app"`, "arn:aws:iam::"+acct+":role/app"),
			{Config: lpConfig(env, "carts", "carts", `  existing_role_name = "app"`), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}
