package provider_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/acctest"
	"github.com/eks-podidentity/terraform-provider-podidentity/internal/provider"
)

func TestProvider_schemaIsValid(t *testing.T) {
	t.Parallel()
	p := provider.New("test")()
	var resp fwprovider.SchemaResponse
	p.Schema(context.Background(), fwprovider.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema diagnostics: %v", resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(context.Background()); diags.HasError() {
		t.Fatalf("schema implementation: %v", diags)
	}
	for _, name := range []string{"region", "profile", "shared_config_files", "shared_credentials_files", "max_retries"} {
		if _, ok := resp.Schema.Attributes[name]; !ok {
			t.Errorf("provider schema lacks %q", name)
		}
	}
	for _, name := range []string{"assume_role", "endpoints", "default_tags"} {
		if _, ok := resp.Schema.Blocks[name]; !ok {
			t.Errorf("provider schema lacks block %q", name)
		}
	}
}

// accEnv skips unless acceptance tests are enabled, then starts an
// environment (an emulator of the test's own, or the real account).
func accEnv(t *testing.T) *acctest.Env {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test)")
	}
	acctest.PreCheck(t)
	return acctest.NewEnv(t, nil)
}

func cartsConfig(env *acctest.Env) string {
	return fmt.Sprintf(`
resource "podidentity_least_privilege" "carts" {
  cluster_name    = %q
  namespace       = "carts"
  service_account = "carts"
  dynamodb_tables = [{ arn = %q, access = "read_write" }]
}
`, env.ClusterName, env.TableARN)
}

// The whole path: the provider configured with the emulator's endpoints,
// a plan and an apply through OpenTofu, and the emulator's request log
// showing the calls a user would expect, in order.
func TestAccProvider_wholePath(t *testing.T) {
	env := accEnv(t)
	env.SkipUnlessEmulator(t)
	cfg := strings.Replace(env.ProviderConfig(), "max_retries = 2", `max_retries = 2

  default_tags {
    tags = { team = "retail" }
  }`, 1) + cartsConfig(env)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("podidentity_least_privilege.carts", tfjsonpath.New("tags_all"), knownvalue.MapExact(map[string]knownvalue.Check{
					"team": knownvalue.StringExact("retail"),
				})),
			},
			Check: func(*terraform.State) error {
				var ops []string
				for _, e := range env.Emu.RequestLog() {
					if e.Status >= 300 {
						continue
					}
					ops = append(ops, e.Service+":"+e.Operation)
				}
				want := []string{"sts:GetCallerIdentity", "eks:DescribeCluster", "iam:CreateRole", "iam:PutRolePolicy", "eks:CreatePodIdentityAssociation"}
				if err := inOrder(ops, want); err != nil {
					return fmt.Errorf("%w\nrequest log: %s", err, strings.Join(ops, ", "))
				}
				if n := env.Emu.CallCount("sts", "GetCallerIdentity"); n < 1 {
					return fmt.Errorf("the provider never called sts:GetCallerIdentity")
				}
				return nil
			},
		}},
	})
}

// inOrder checks that want appears in got as a subsequence.
func inOrder(got, want []string) error {
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	if i < len(want) {
		return fmt.Errorf("expected call %s (after %v) not found in order", want[i], want[:i])
	}
	return nil
}

// A provider argument unknown at plan time (here the region comes from
// another resource) must not crash the plan; the checks run at apply.
func TestAccProvider_unknownConfigurationAtPlan(t *testing.T) {
	env := accEnv(t)
	cfg := strings.Replace(env.ProviderConfig(), fmt.Sprintf("region      = %q", env.Region), "region      = terraform_data.region.output", 1)
	cfg = strings.Replace(cfg, fmt.Sprintf("region = %q", env.Region), "region = terraform_data.region.output", 1)
	cfg += fmt.Sprintf("resource \"terraform_data\" \"region\" {\n  input = %q\n}\n", env.Region) + cartsConfig(env)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("podidentity_least_privilege.carts", plancheck.ResourceActionCreate),
				},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("podidentity_least_privilege.carts", tfjsonpath.New("association_id"), knownvalue.StringRegexp(regexp.MustCompile(`^a-`))),
			},
		}},
	})
}

// With no credentials anywhere, the user gets the short, actionable
// diagnostic, not the SDK's wall of text. Not parallel: it changes the
// process environment that the in-process provider reads.
func TestAccProvider_noCredentials(t *testing.T) {
	env := accEnv(t)
	env.SkipUnlessEmulator(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config:      env.ProviderConfig() + cartsConfig(env),
			ExpectError: regexp.MustCompile(`(?s)No AWS Credentials Found.*AWS_ACCESS_KEY_ID.*AWS_PROFILE`),
		}},
	})
}

// withAssumeRole puts an assume_role block into the emulator's provider
// configuration.
func withAssumeRole(env *acctest.Env, block string) string {
	return strings.Replace(env.ProviderConfig(), "max_retries = 2", "max_retries = 2\n\n  assume_role {\n"+block+"\n  }", 1)
}

// The provider works through a role it assumes: the trust's external ID is
// enforced, and every call after sts:AssumeRole is made as the role's
// session. Not parallel: the emulator's request log is read in order.
func TestAccProvider_assumeRole(t *testing.T) {
	env := accEnv(t)
	env.SkipUnlessEmulator(t)
	trust := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:%s:iam::%s:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"ext-42"}}}]}`, env.Partition, env.AccountID)
	out, err := env.IAM().CreateRole(context.Background(), &iam.CreateRoleInput{RoleName: aws.String("terraform-deployer"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatalf("creating the role to assume: %s", err)
	}
	roleARN := aws.ToString(out.Role.Arn)
	block := func(externalID string) string {
		return fmt.Sprintf("    role_arn     = %q\n    external_id  = %q\n    session_name = \"ci\"\n    duration     = \"1h\"", roleARN, externalID)
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config:      withAssumeRole(env, block("wrong")) + cartsConfig(env),
			ExpectError: regexp.MustCompile(`(?s)assuming IAM role .*terraform-deployer.*AccessDenied.*not authorized to perform:\s+sts:AssumeRole`),
		}, {
			Config: withAssumeRole(env, block("ext-42")) + cartsConfig(env),
			Check: func(*terraform.State) error {
				var ops []string
				for _, e := range env.Emu.RequestLog() {
					if e.Status < 300 {
						ops = append(ops, e.Service+":"+e.Operation)
					}
				}
				if err := inOrder(ops, []string{"sts:AssumeRole", "sts:GetCallerIdentity", "iam:CreateRole", "eks:CreatePodIdentityAssociation"}); err != nil {
					return fmt.Errorf("%w\nrequest log: %s", err, strings.Join(ops, ", "))
				}
				for _, s := range env.Emu.Dump().Sessions {
					left := time.Until(s.Expiration)
					if s.RoleARN == roleARN && strings.HasSuffix(s.ARN, "/terraform-deployer/ci") && left > 50*time.Minute && left <= time.Hour {
						return nil
					}
				}
				return fmt.Errorf("no one-hour session %q of %s was issued", "ci", roleARN)
			},
		}},
	})
}

// Each mistake in the assume_role block is refused before any call, with
// the attribute and the fix.
func TestAccProvider_assumeRoleInvalid(t *testing.T) {
	env := accEnv(t)
	env.SkipUnlessEmulator(t)
	arn := fmt.Sprintf("arn:%s:iam::%s:role/terraform-deployer", env.Partition, env.AccountID)
	var steps []resource.TestStep
	for _, c := range []struct{ block, want string }{
		{`    session_name = "ci"`, `Missing Role ARN`},
		{fmt.Sprintf("    role_arn = %q\n    duration = \"90\"", arn), `"90" is not a duration`},
		{fmt.Sprintf("    role_arn = %q\n    duration = \"5m\"", arn), `5m is outside what STS allows`},
		{fmt.Sprintf("    role_arn = %q\n    duration = \"13h\"", arn), `13h is outside what STS allows`},
	} {
		steps = append(steps, resource.TestStep{
			Config:      withAssumeRole(env, c.block) + cartsConfig(env),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(c.want),
		})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(), Steps: steps})
	if n := env.Emu.CallCount("sts", "AssumeRole"); n != 0 {
		t.Errorf("an invalid assume_role block still called sts:AssumeRole %d times", n)
	}
}
