package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/acctest"
)

// The data source returns the function's document, on every Terraform
// version (it is what Terraform 1.5 users have instead of the function).
func TestAccTrustPolicyDataSource_basic(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	env := acctest.NewEnv(t, nil)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: env.ProviderConfig() + fmt.Sprintf(`
data "podidentity_trust_policy" "carts" {
  cluster_arn     = %q
  namespace       = "carts"
  service_account = "carts"
}
`, reviewCluster),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.podidentity_trust_policy.carts", tfjsonpath.New("json"),
						knownvalue.StringExact(trustPolicyFor(reviewCluster, "carts", "carts"))),
				},
			},
			{
				Config: env.ProviderConfig() + fmt.Sprintf(`
data "podidentity_trust_policy" "carts" {
  cluster_arn     = %q
  namespace       = "Carts_Namespace"
  service_account = "carts"
}
`, reviewCluster),
				ExpectError: regexp.MustCompile(`(?s)Invalid Trust Policy Argument.*namespace += "Carts_Namespace".*not a valid DNS-1123`),
			},
		},
	})
}
