package provider_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/acctest"
	"github.com/eks-podidentity/terraform-provider-podidentity/internal/awsemu"
	"github.com/eks-podidentity/terraform-provider-podidentity/internal/testprovider"
)

// The documentation examples refer to AWS provider resources
// (aws_dynamodb_table, aws_eks_cluster, aws_iam_role...). With no registry
// here, those come from the test-only provider that has the AWS provider's
// schemas, while podidentity runs for real against the emulator. Each
// example file is applied verbatim, then planned again to prove it settles,
// then destroyed. `make test` runs them with OpenTofu, Terraform 1.5.7 and
// the newest Terraform (see GNUmakefile); examples that call provider
// functions are skipped below Terraform 1.8.
const examplesSupport = `
provider "aws" {}

resource "aws_dynamodb_table" "carts" {
  name = "carts"
}

resource "aws_dynamodb_table" "orders" {
  name = "orders"
}

resource "aws_dynamodb_table" "customers" {
  name = "customers"
}

resource "aws_dynamodb_table" "audit" {
  name = "audit"
}

resource "aws_eks_cluster" "this" {
  name     = "eks-workshop"
  role_arn = "arn:aws:iam::123456789012:role/eks-cluster"
}

# The data source, not the function: the examples also run on Terraform 1.5.
data "podidentity_trust_policy" "support" {
  cluster_arn     = aws_eks_cluster.this.arn
  namespace       = "carts"
  service_account = "carts"
}

resource "aws_iam_role" "carts" {
  name               = "carts-app"
  assume_role_policy = data.podidentity_trust_policy.support.json
}
`

func examplesSeed(t *testing.T) *awsemu.Seed {
	t.Helper()
	seed := awsemu.DefaultSeed()
	seed.DynamoDBTables = append(seed.DynamoDBTables,
		awsemu.SeedTable{Name: "carts"},
		awsemu.SeedTable{Name: "orders", StreamEnabled: true},
		awsemu.SeedTable{Name: "customers"},
		awsemu.SeedTable{Name: "audit"},
	)
	trust, err := json.Marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect":    "Allow",
			"Principal": map[string]any{"Service": "pods.eks.amazonaws.com"},
			"Action":    []string{"sts:AssumeRole", "sts:TagSession"},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	seed.IAMRoles = append(seed.IAMRoles, awsemu.SeedRole{Name: "checkout-app", AssumeRolePolicy: trust})
	return seed
}

func exampleFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	f := acctest.ProtoV6ProviderFactories()
	f["aws"] = providerserver.NewProtocol6WithError(testprovider.New("aws")())
	return f
}

func TestAccExamples_apply(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test)")
	}
	files, err := filepath.Glob("../../examples/resources/*/resource.tf")
	if err != nil {
		t.Fatal(err)
	}
	fns, err := filepath.Glob("../../examples/functions/*/function.tf")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, fns...)
	dss, err := filepath.Glob("../../examples/data-sources/*/data-source.tf")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, dss...)
	if len(files) < 7 {
		t.Fatalf("found only %d example files", len(files))
	}
	for _, file := range files {
		name := filepath.Base(filepath.Dir(file))
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			acctest.PreCheck(t)
			env := acctest.NewEnv(t, examplesSeed(t))
			env.SkipUnlessEmulator(t)
			support := examplesSupport
			// An example that defines a support resource itself keeps its own.
			for _, r := range []string{`"aws_iam_role" "carts"`} {
				if strings.Contains(string(src), r) {
					support = strings.Replace(support, "resource "+r, "resource \"aws_iam_role\" \"unused_support\"", 1)
				}
			}
			cfg := env.ProviderConfig() + support + string(src)
			// The dynamodb_policy example reads its tables from a variable.
			cfg = strings.Replace(cfg, `variable "tables" {`, `variable "tables" {
  default = [{ arn = "arn:aws:dynamodb:us-west-2:123456789012:table/carts" }]`, 1)
			step := resource.TestStep{Config: cfg}
			var versionChecks []tfversion.TerraformVersionCheck
			if strings.Contains(string(src), "provider::") {
				// Provider functions: Terraform 1.8, OpenTofu 1.7.
				versionChecks = append(versionChecks, tfversion.SkipBelow(tfversion.Version1_8_0))
			}
			resource.Test(t, resource.TestCase{
				TerraformVersionChecks:   versionChecks,
				ProtoV6ProviderFactories: exampleFactories(),
				Steps: []resource.TestStep{
					step,
					{
						Config: step.Config,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
					},
				},
			})
		})
	}
}
