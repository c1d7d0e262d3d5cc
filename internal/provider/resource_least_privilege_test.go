package provider_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
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

const resName = "podidentity_least_privilege.test"

var setupOnce sync.Once

// accTest prepares the process for acceptance tests once (a TestMain in the
// package may already have done it; doing it twice is harmless) and starts
// an environment.
func accTest(t *testing.T, seed *awsemu.Seed) *acctest.Env {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test)")
	}
	setupOnce.Do(func() {
		if _, err := acctest.Setup(); err != nil {
			t.Fatalf("acctest.Setup: %s", err)
		}
	})
	acctest.PreCheck(t)
	return acctest.NewEnv(t, seed)
}

// config renders the resource with extra arguments.
func config(env *acctest.Env, ns, sa, extra string) string {
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
	env := accTest(t, nil)
	roleName := env.ClusterName + "-carts-carts"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy:             checkDestroyed(env, roleName),
		Steps: []resource.TestStep{
			{
				Config: config(env, "carts", "carts", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(resName, plancheck.ResourceActionCreate),
						// Reviewers see the grant in the plan.
						plancheck.ExpectKnownValue(resName, tfjsonpath.New("policy_json"), knownvalue.StringRegexp(regexp.MustCompile(`dynamodb:PutItem`))),
						plancheck.ExpectKnownValue(resName, tfjsonpath.New("trust_policy_json"), knownvalue.StringRegexp(regexp.MustCompile(`kubernetes-service-account`))),
						plancheck.ExpectKnownValue(resName, tfjsonpath.New("role_arn"), knownvalue.StringExact(fmt.Sprintf("arn:aws:iam::%s:role/%s", env.AccountID, roleName))),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("role_name"), knownvalue.StringExact(roleName)),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("association_id"), knownvalue.StringRegexp(regexp.MustCompile(`^a-`))),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^`+env.ClusterName+`,a-`))),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("cluster_arn"), knownvalue.StringExact(fmt.Sprintf("arn:aws:eks:%s:%s:cluster/%s", env.Region, env.AccountID, env.ClusterName))),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("role_unique_id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("trust_scope"), knownvalue.StringExact("service_account")),
					statecheck.ExpectKnownValue(resName, tfjsonpath.New("tags_all"), knownvalue.MapSizeExact(0)),
				},
			},
			{
				Config: config(env, "carts", "carts", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// checkDestroyed asserts that the role and every association are gone.
func checkDestroyed(env *acctest.Env, roleName string) resource.TestCheckFunc {
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
