package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/acctest"
)

const dynamoDBPolicyDataSourceConfig = `
data "podidentity_dynamodb_policy" "carts" {
  dynamodb_tables = [
    { arn = "arn:aws:dynamodb:us-west-2:111122223333:table/carts", access = "read_write" },
    { arn = "arn:aws:dynamodb:us-west-2:111122223333:table/orders", streams = true },
    { arn = "arn:aws:dynamodb:us-west-2:111122223333:table/audit", actions = ["dynamodb:PutItem"], indexes = false },
  ]
}
`

// On every Terraform version the data source gives the policy, with the
// defaults of the function and the resource.
func TestAccDynamoDBPolicyDataSource_basic(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	env := acctest.NewEnv(t, nil)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: env.ProviderConfig() + dynamoDBPolicyDataSourceConfig,
				ConfigStateChecks: []statecheck.StateCheck{
					jsonMatches(`"dynamodb:UpdateItem"`),
					jsonMatches(`"arn:aws:dynamodb:us-west-2:111122223333:table/carts/index/\*"`),
					jsonMatches(`"arn:aws:dynamodb:us-west-2:111122223333:table/orders/stream/\*"`),
					jsonMatches(`"dynamodb:PutItem"`),
				},
			},
			{
				Config: env.ProviderConfig() + `
data "podidentity_dynamodb_policy" "bad" {
  dynamodb_tables = [
    { arn = "arn:aws:dynamodb:us-west-2:111122223333:table/carts" },
    { arn = "arn:aws:dynamodb:us-west-2:111122223333:table/*" },
  ]
}
`,
				ExpectError: regexp.MustCompile(`(?s)Invalid DynamoDB Tables.*dynamodb_tables\[1\]\.arn`),
			},
		},
	})
}

// The data source and the function return the same document: they share
// one implementation.
func TestAccDynamoDBPolicyDataSource_sameAsFunction(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	env := acctest.NewEnv(t, nil)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + dynamoDBPolicyDataSourceConfig + fmt.Sprintf(`
data "podidentity_trust_policy" "carts" {
  cluster_arn     = %[1]q
  namespace       = "carts"
  service_account = "carts"
}

resource "terraform_data" "function" {
  input = {
    policy = provider::podidentity::dynamodb_policy(data.podidentity_dynamodb_policy.carts.dynamodb_tables)
    trust  = provider::podidentity::trust_policy(%[1]q, "carts", "carts")
  }
}
`, reviewCluster),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.CompareValuePairs("data.podidentity_dynamodb_policy.carts", tfjsonpath.New("json"),
					"terraform_data.function", tfjsonpath.New("output").AtMapKey("policy"), compare.ValuesSame()),
				statecheck.CompareValuePairs("data.podidentity_trust_policy.carts", tfjsonpath.New("json"),
					"terraform_data.function", tfjsonpath.New("output").AtMapKey("trust"), compare.ValuesSame()),
			},
		}},
	})
}

func jsonMatches(re string) statecheck.StateCheck {
	return statecheck.ExpectKnownValue("data.podidentity_dynamodb_policy.carts", tfjsonpath.New("json"),
		knownvalue.StringRegexp(regexp.MustCompile(re)))
}
