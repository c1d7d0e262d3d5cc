package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/acctest"
	"github.com/eks-podidentity/terraform-provider-podidentity/internal/awsemu"
)

// lpHCL renders the resource with the given body.
func lpHCL(env *acctest.Env, body string) string {
	return env.ProviderConfig() + "\nresource \"podidentity_least_privilege\" \"test\" {\n" + body + "\n}\n"
}

// TestAccLeastPrivilege_validateErrors covers the offline checks, which
// `terraform validate` reports without calling AWS.
func TestAccLeastPrivilege_validateErrors(t *testing.T) {
	t.Parallel()
	env := lpAccTest(t, nil)
	table := env.TableARN
	base := fmt.Sprintf("  cluster_name = %q\n  namespace = \"carts\"\n  service_account = \"carts\"\n", env.ClusterName)
	cases := map[string]struct {
		body string
		want string
	}{
		"index ARN": {base + fmt.Sprintf(`  dynamodb_tables = [{ arn = "%s/index/byCustomer" }]`, table),
			`(?s)Invalid DynamoDB Table ARN.*secondary index.*indexes = true`},
		"stream ARN": {base + fmt.Sprintf(`  dynamodb_tables = [{ arn = "%s/stream/2026-01-01T00:00:00.000" }]`, table),
			`(?s)Invalid DynamoDB Table ARN.*streams = true`},
		"wildcard table": {base + `  dynamodb_tables = [{ arn = "arn:aws:dynamodb:us-west-2:123456789012:table/*" }]`,
			`(?s)Invalid DynamoDB Table ARN.*wildcard`},
		"wildcard action": {base + fmt.Sprintf(`  dynamodb_tables = [{ arn = %q, actions = ["dynamodb:Get*"] }]`, table),
			`(?s)Invalid DynamoDB Actions.*wildcard`},
		"unknown action": {base + fmt.Sprintf(`  dynamodb_tables = [{ arn = %q, actions = ["dynamodb:Frobnicate"] }]`, table),
			`(?s)Invalid DynamoDB Actions.*not a DynamoDB action`},
		"access and actions": {base + fmt.Sprintf(`  dynamodb_tables = [{ arn = %q, access = "write", actions = ["dynamodb:GetItem"] }]`, table),
			`Conflicting Access and Actions`},
		"indexes without index actions": {base + fmt.Sprintf(`  dynamodb_tables = [{ arn = %q, actions = ["dynamodb:PutItem"], indexes = true }]`, table),
			`Indexes Without Index Actions`},
		"duplicate table": {base + fmt.Sprintf(`  dynamodb_tables = [{ arn = %q }, { arn = %q, access = "write" }]`, table, table),
			`Duplicate Table Grant`},
		"no tables": {base + `  dynamodb_tables = []`, `(?s)at least 1`},
		"policy too large": {base + "  dynamodb_tables = [for i in range(40) : { arn = \"arn:aws:dynamodb:us-west-2:123456789012:table/orders-${i}\", access = \"read_write\", indexes = true, streams = true }]",
			`(?s)Policy Too Large.*characters.*IAM allows 10240`},
		"namespace": {fmt.Sprintf("  cluster_name = %q\n  namespace = \"Carts\"\n  service_account = \"carts\"\n  dynamodb_tables = [{ arn = %q }]", env.ClusterName, table),
			`(?s)Invalid Kubernetes Name.*namespace "Carts"`},
		"service account": {fmt.Sprintf("  cluster_name = %q\n  namespace = \"carts\"\n  service_account = \"carts_sa\"\n  dynamodb_tables = [{ arn = %q }]", env.ClusterName, table),
			`(?s)Invalid Kubernetes Name.*service_account`},
		"role name": {base + fmt.Sprintf("  role_name = \"carts role\"\n  dynamodb_tables = [{ arn = %q }]", table),
			`Invalid IAM Role Name`},
		"role path": {base + fmt.Sprintf("  role_path = \"pods\"\n  dynamodb_tables = [{ arn = %q }]", table),
			`(?s)Invalid IAM Role Path.*start and end`},
		"session tags with service_account trust": {base + fmt.Sprintf("  disable_session_tags = true\n  dynamodb_tables = [{ arn = %q }]", table),
			`(?s)Trust Conditions Can Never Match.*trust scope to "account"`},
		"existing role with role_name": {base + fmt.Sprintf("  existing_role_name = \"app\"\n  role_name = \"other\"\n  dynamodb_tables = [{ arn = %q }]", table),
			`(?s)Invalid Attribute Combination.*role_name`},
		"existing role with trust_scope": {base + fmt.Sprintf("  existing_role_name = \"app\"\n  trust_scope = \"account\"\n  dynamodb_tables = [{ arn = %q }]", table),
			`(?s)Invalid Attribute Combination.*trust_scope`},
		"max session duration": {base + fmt.Sprintf("  max_session_duration = 60\n  dynamodb_tables = [{ arn = %q }]", table),
			`(?s)max_session_duration.*between 3600 and 43200`},
	}
	var steps []resource.TestStep
	for _, name := range slices.Sorted(maps.Keys(cases)) {
		c := cases[name]
		steps = append(steps, resource.TestStep{
			Config:      lpHCL(env, c.body),
			PlanOnly:    true,
			ExpectError: lpErr(c.want),
		})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(), Steps: steps})
}

// lpBrownfieldSeed has one role for each way a role can be a node role, one
// that does not trust Pod Identity, and one good application role.
func lpBrownfieldSeed() *awsemu.Seed {
	s := awsemu.DefaultSeed()
	acct := s.AccountID
	arn := func(name string) string { return "arn:aws:iam::" + acct + ":role/" + name }
	bothTrust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["pods.eks.amazonaws.com","ec2.amazonaws.com"]},"Action":["sts:AssumeRole","sts:TagSession"]}]}`
	for _, name := range []string{"app", "ng-role", "auto-node", "ip-role", "ae-role", "fargate-role"} {
		s.IAMRoles = append(s.IAMRoles, awsemu.SeedRole{Name: name, AssumeRolePolicy: []byte(lpPodsTrust)})
	}
	s.IAMRoles = append(s.IAMRoles,
		awsemu.SeedRole{Name: "shared", AssumeRolePolicy: []byte(lpPodsTrust), InlinePolicies: map[string]json.RawMessage{
			"podidentity-least-privilege": json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"}]}`),
		}},
		awsemu.SeedRole{Name: "ec2-and-pods", AssumeRolePolicy: []byte(bothTrust)},
		awsemu.SeedRole{Name: "lambda-only", AssumeRolePolicy: []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)},
	)
	cl := &s.Clusters[0]
	cl.AutoModeNodeRoleARN = arn("auto-node")
	cl.NodeGroups = append(cl.NodeGroups, awsemu.SeedNodeGroup{Name: "extra", NodeRoleARN: arn("ng-role")})
	cl.AccessEntries = append(cl.AccessEntries, awsemu.SeedAccessEntry{PrincipalARN: arn("ae-role"), Type: "EC2_LINUX"})
	cl.FargateProfiles = append(cl.FargateProfiles, awsemu.SeedFargateProfile{Name: "fp", PodExecutionRoleARN: arn("fargate-role"), Namespaces: []string{"batch"}})
	s.InstanceProfiles = append(s.InstanceProfiles, awsemu.SeedInstanceProfile{Name: "ip", Roles: []string{"ip-role"}})
	return s
}

// TestAccLeastPrivilege_brownfieldRejects rejects, at plan time, an
// existing role that is a node role in any of the six ways, or that does
// not trust EKS Pod Identity.
func TestAccLeastPrivilege_brownfieldRejects(t *testing.T) {
	t.Parallel()
	env := lpAccTest(t, lpBrownfieldSeed())
	env.SkipUnlessEmulator(t)
	cases := map[string]string{
		"eks-workshop-node": `(?s)Role Is an EKS Node Role.*node role of node group default in cluster eks-workshop.*trusted by ec2.amazonaws.com`,
		"ec2-and-pods":      `(?s)Role Is an EKS Node Role.*trusted by ec2.amazonaws.com`,
		"ng-role":           `(?s)Role Is an EKS Node Role.*node group extra in cluster eks-workshop`,
		"auto-node":         `(?s)Role Is an EKS Node Role.*EKS Auto Mode node role of cluster eks-workshop`,
		"ip-role":           `(?s)Role Is an EKS Node Role.*instance profile ip`,
		"ae-role":           `(?s)Role Is an EKS Node Role.*access entry.*EC2_LINUX`,
		"fargate-role":      `(?s)Role Is an EKS Node Role.*Fargate profile fp`,
		"lambda-only":       `(?s)Role Does Not Trust EKS Pod Identity.*pods.eks.amazonaws.com.*sts:TagSession`,
		"missing":           `(?s)IAM Role Not Found.*"missing"`,
		"shared":            `(?s)Role Already Has This Resource's Policy.*overwrite each other's grant`,
	}
	var steps []resource.TestStep
	for _, role := range slices.Sorted(maps.Keys(cases)) {
		steps = append(steps, resource.TestStep{
			Config: lpHCL(env, fmt.Sprintf("  cluster_name = %q\n  namespace = \"carts\"\n  service_account = \"carts\"\n  existing_role_name = %q\n  dynamodb_tables = [{ arn = %q }]",
				env.ClusterName, role, env.TableARN)),
			PlanOnly:    true,
			ExpectError: lpErr(cases[role]),
		})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(), Steps: steps})
}

// TestAccLeastPrivilege_brownfield attaches the policy and the association
// to an existing role and leaves the role on destroy.
func TestAccLeastPrivilege_brownfield(t *testing.T) {
	t.Parallel()
	env := lpAccTest(t, lpBrownfieldSeed())
	env.SkipUnlessEmulator(t)
	ctx := context.Background()
	cfg := lpHCL(env, fmt.Sprintf("  cluster_name = %q\n  namespace = \"carts\"\n  service_account = \"carts\"\n  existing_role_name = \"app\"\n  tags = { team = \"carts\" }\n  dynamodb_tables = [{ arn = %q, access = \"write\" }]",
		env.ClusterName, env.TableARN))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy: func(*terraform.State) error {
			if _, err := env.IAM().GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("app")}); err != nil {
				return fmt.Errorf("the existing role must survive destroy: %w", err)
			}
			out, err := env.IAM().ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("app")})
			if err != nil {
				return err
			}
			if len(out.PolicyNames) != 0 {
				return fmt.Errorf("inline policies left on the existing role: %v", out.PolicyNames)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(lpRes, tfjsonpath.New("role_arn"), knownvalue.StringExact("arn:aws:iam::"+env.AccountID+":role/app")),
					plancheck.ExpectKnownValue(lpRes, tfjsonpath.New("role_name"), knownvalue.StringExact("app")),
				}},
				Check: lpCheckRemotePolicy(env, "app", "dynamodb:PutItem"),
			},
			{Config: cfg, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			{
				// Tags go to the association only: the role is not ours.
				Config: strings.Replace(cfg, `team = "carts"`, `team = "checkout"`, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(lpRes, plancheck.ResourceActionUpdate),
				}},
				Check: func(s *terraform.State) error {
					out, err := env.EKS().DescribePodIdentityAssociation(ctx, &eks.DescribePodIdentityAssociationInput{
						ClusterName: aws.String(env.ClusterName), AssociationId: aws.String(s.RootModule().Resources[lpRes].Primary.Attributes["association_id"]),
					})
					if err != nil {
						return err
					}
					if out.Association.Tags["team"] != "checkout" {
						return fmt.Errorf("association tags %v", out.Association.Tags)
					}
					role, err := env.IAM().GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("app")})
					if err != nil {
						return err
					}
					if len(role.Role.Tags) != 0 {
						return fmt.Errorf("the existing role was tagged: %v", role.Role.Tags)
					}
					return nil
				},
			},
			{
				ResourceName: lpRes, ImportState: true, ImportStateVerify: true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return s.RootModule().Resources[lpRes].Primary.Attributes["id"], nil
				},
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
	})
}

// TestAccLeastPrivilege_apiErrors covers the plan-time errors that need AWS.
func TestAccLeastPrivilege_apiErrors(t *testing.T) {
	t.Parallel()
	seed := awsemu.DefaultSeed()
	seed.IAMRoles = append(seed.IAMRoles, awsemu.SeedRole{Name: "eks-workshop-taken-taken", AssumeRolePolicy: []byte(lpPodsTrust)})
	env := lpAccTest(t, seed)
	env.SkipUnlessEmulator(t)
	assocID, err := env.Emu.AddPodIdentityAssociation(env.ClusterName, "busy", "busy", "arn:aws:iam::"+env.AccountID+":role/other", "")
	if err != nil {
		t.Fatal(err)
	}
	body := func(cluster, ns, sa, table string) string {
		return lpHCL(env, fmt.Sprintf("  cluster_name = %q\n  namespace = %q\n  service_account = %q\n  dynamodb_tables = [{ arn = %q }]", cluster, ns, sa, table))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: body("no-such-cluster", "carts", "carts", env.TableARN), PlanOnly: true,
				ExpectError: lpErr(`(?s)EKS Cluster Not Found.*no-such-cluster`)},
			{Config: body(env.ClusterName, "busy", "busy", env.TableARN), PlanOnly: true,
				ExpectError: lpErr(`(?s)Service Account Already Has a Pod Identity Association.*` + assocID + `.*terraform import\s+podidentity_least_privilege.NAME\s+` + env.ClusterName + `,` + assocID)},
			{Config: body(env.ClusterName, "carts", "carts", "arn:aws:dynamodb:us-west-2:210987654321:table/Items"), PlanOnly: true,
				ExpectError: lpErr(`(?s)DynamoDB Table in Another Account.*210987654321`)},
			{Config: body(env.ClusterName, "taken", "taken", env.TableARN), PlanOnly: true,
				ExpectError: lpErr(`(?s)IAM Role Already Exists.*eks-workshop-taken-taken.*terraform import`)},
		},
	})
}

// TestAccLeastPrivilege_unknownAtPlan takes the table ARN from another
// resource, so it is unknown at plan: the policy is shown as known after
// apply, and the API checks run at apply before any write.
func TestAccLeastPrivilege_unknownAtPlan(t *testing.T) {
	t.Parallel()
	env := lpAccTest(t, nil)
	env.SkipUnlessEmulator(t)
	cfg := func(table string) string {
		return env.ProviderConfig() + fmt.Sprintf(`
resource "terraform_data" "table" {
  input = %q
}

resource "podidentity_least_privilege" "test" {
  cluster_name    = %q
  namespace       = "carts"
  service_account = "carts"
  dynamodb_tables = [{ arn = terraform_data.table.output }]
}
`, table, env.ClusterName)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy:             lpCheckDestroyed(env, env.ClusterName+"-carts-carts"),
		Steps: []resource.TestStep{
			{
				// Another account's table fails at apply, before CreateRole.
				Config:      cfg("arn:aws:dynamodb:us-west-2:210987654321:table/Items"),
				ExpectError: lpErr(`DynamoDB Table in Another Account`),
			},
			{
				PreConfig: func() {
					if n := env.Emu.CallCount("iam", "CreateRole"); n != 0 {
						t.Errorf("CreateRole called %d times although the checks failed", n)
					}
				},
				Config: cfg(env.TableARN),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(lpRes, tfjsonpath.New("policy_json")),
				}},
				Check: lpCheckRemotePolicy(env, env.ClusterName+"-carts-carts", "dynamodb:GetItem"),
			},
			{Config: cfg(env.TableARN), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}

// TestAccLeastPrivilege_unknownProviderConfig configures the provider from
// a value unknown at plan: the plan cannot call AWS, so the checks run at
// apply, before any write.
func TestAccLeastPrivilege_unknownProviderConfig(t *testing.T) {
	t.Parallel()
	seed := awsemu.DefaultSeed()
	seed.IAMRoles = append(seed.IAMRoles, awsemu.SeedRole{Name: "eks-workshop-taken-taken", AssumeRolePolicy: []byte(lpPodsTrust)})
	env := lpAccTest(t, seed)
	env.SkipUnlessEmulator(t)
	provider := env.ProviderConfig()
	regionLine := fmt.Sprintf("region      = %q", env.Region)
	if !strings.Contains(provider, regionLine) {
		t.Fatalf("unexpected provider block:\n%s", provider)
	}
	provider = strings.Replace(provider, regionLine, "region      = terraform_data.region.output", 1)
	cfg := func(sa string, version ...string) string {
		return provider + fmt.Sprintf(`
resource "terraform_data" "region" {
  input            = %q
  triggers_replace = %q
}

resource "podidentity_least_privilege" "test" {
  cluster_name    = %q
  namespace       = %q
  service_account = %q
  dynamodb_tables = [{ arn = %q }]
}
`, env.Region, strings.Join(version, ""), env.ClusterName, sa, sa, env.TableARN)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy:             lpCheckDestroyed(env, env.ClusterName+"-carts-carts"),
		Steps: []resource.TestStep{
			{
				// The role name is taken: found at apply, before CreateRole.
				Config: cfg("taken"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// Offline parts are still shown; the rest is known after apply.
					plancheck.ExpectKnownValue(lpRes, tfjsonpath.New("policy_json"), knownvalue.StringRegexp(regexp.MustCompile(`dynamodb:GetItem`))),
					plancheck.ExpectUnknownValue(lpRes, tfjsonpath.New("role_arn")),
					plancheck.ExpectUnknownValue(lpRes, tfjsonpath.New("tags_all")),
				}},
				ExpectError: lpErr(`IAM Role Already Exists`),
			},
			{
				PreConfig: func() {
					if n := env.Emu.CallCount("iam", "CreateRole"); n != 0 {
						t.Errorf("CreateRole called %d times although the checks failed", n)
					}
				},
				Config: cfg("carts"),
				Check:  lpCheckRemotePolicy(env, env.ClusterName+"-carts-carts", "dynamodb:GetItem"),
			},
			{
				// The region becomes unknown again: the existing resource is
				// neither refreshed nor changed.
				Config: cfg("carts", "v2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("terraform_data.region", plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction(lpRes, plancheck.ResourceActionNoop),
				}},
			},
		},
	})
}

// TestAccLeastPrivilege_defaultTags merges the provider's default_tags
// under the resource's tags, on the role and on the association.
func TestAccLeastPrivilege_defaultTags(t *testing.T) {
	t.Parallel()
	env := lpAccTest(t, nil)
	ctx := context.Background()
	roleName := env.ClusterName + "-carts-carts"
	cfg := func(defaultEnv string) string {
		p := strings.Replace(env.ProviderConfig(), "provider \"podidentity\" {\n",
			fmt.Sprintf("provider \"podidentity\" {\n  default_tags {\n    tags = { env = %q, owner = \"platform\" }\n  }\n", defaultEnv), 1)
		return p + fmt.Sprintf(`
resource "podidentity_least_privilege" "test" {
  cluster_name    = %q
  namespace       = "carts"
  service_account = "carts"
  dynamodb_tables = [{ arn = %q }]
  tags            = { team = "carts", owner = "carts-team" }
}
`, env.ClusterName, env.TableARN)
	}
	want := func(envTag string) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(lpRes, tfjsonpath.New("tags_all"), knownvalue.MapExact(map[string]knownvalue.Check{
				"env": knownvalue.StringExact(envTag), "owner": knownvalue.StringExact("carts-team"), "team": knownvalue.StringExact("carts"),
			})),
			statecheck.ExpectKnownValue(lpRes, tfjsonpath.New("tags"), knownvalue.MapSizeExact(2)),
		}
	}
	checkAWS := func(envTag string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			role, err := env.IAM().GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(roleName)})
			if err != nil {
				return err
			}
			got := map[string]string{}
			for _, tg := range role.Role.Tags {
				got[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
			}
			if got["env"] != envTag || got["owner"] != "carts-team" || got["podidentity:owner"] != "eks-workshop/carts/carts" {
				return fmt.Errorf("role tags %v", got)
			}
			out, err := env.EKS().DescribePodIdentityAssociation(ctx, &eks.DescribePodIdentityAssociationInput{
				ClusterName: aws.String(env.ClusterName), AssociationId: aws.String(s.RootModule().Resources[lpRes].Primary.Attributes["association_id"]),
			})
			if err != nil {
				return err
			}
			if out.Association.Tags["env"] != envTag || out.Association.Tags["team"] != "carts" {
				return fmt.Errorf("association tags %v", out.Association.Tags)
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy:             lpCheckDestroyed(env, roleName),
		Steps: []resource.TestStep{
			{Config: cfg("test"), ConfigStateChecks: want("test"), Check: checkAWS("test")},
			{Config: cfg("test"), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			{
				Config: cfg("prod"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(lpRes, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: want("prod"), Check: checkAWS("prod"),
			},
		},
	})
}
