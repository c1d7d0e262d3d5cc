package provider_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/acctest"
	"github.com/eks-podidentity/terraform-provider-podidentity/internal/provider"
	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

func TestDefaultRoleNameFunction_run(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("c", 60)
	tests := map[string]struct {
		cluster, namespace, serviceAccount string
		want                               string
		errArg                             int64
		err                                string // regexp of the error text
	}{
		"short": {
			cluster: "eks-workshop", namespace: "carts", serviceAccount: "carts",
			want: "eks-workshop-carts-carts",
		},
		"dots in the service account are allowed by IAM": {
			cluster: "prod_1", namespace: "checkout", serviceAccount: "checkout.v2",
			want: "prod_1-checkout-checkout.v2",
		},
		"exactly 64 characters is kept": {
			cluster: strings.Repeat("c", 51), namespace: "ns", serviceAccount: "sa1234567",
			want: strings.Repeat("c", 51) + "-ns-sa1234567",
		},
		"long names are cut and hashed": {
			cluster: long, namespace: "carts", serviceAccount: "carts",
			want: strings.Repeat("c", 55) + "-860d3798", // sha256("ccc...-carts-carts")
		},

		"empty cluster": {
			cluster: "", namespace: "carts", serviceAccount: "carts",
			errArg: 0, err: `^Invalid EKS Cluster Name: The cluster name is empty\. Use the cluster's name, for example aws_eks_cluster\.this\.name$`,
		},
		"invalid namespace": {
			cluster: "eks-workshop", namespace: "carts-", serviceAccount: "carts",
			errArg: 1, err: `^Invalid Kubernetes Name: namespace "carts-" is not a valid DNS-1123 label`,
		},
		"invalid service account": {
			cluster: "eks-workshop", namespace: "carts", serviceAccount: "",
			errArg: 2, err: `^Invalid Kubernetes Name: service_account is empty`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, ferr := runFunction(t, provider.NewDefaultRoleNameFunction(), str(tc.cluster), str(tc.namespace), str(tc.serviceAccount))
			if tc.err != "" {
				if ferr == nil {
					t.Fatalf("no error; got %s", got)
				}
				if ferr.FunctionArgument == nil || *ferr.FunctionArgument != tc.errArg {
					t.Errorf("error not attributed to argument %d: %+v", tc.errArg, ferr)
				}
				if !regexp.MustCompile(tc.err).MatchString(ferr.Text) {
					t.Errorf("error text\n  %s\ndoes not match\n  %s", ferr.Text, tc.err)
				}
				return
			}
			if ferr != nil {
				t.Fatalf("unexpected error: %s", ferr.Text)
			}
			name := got.(types.String).ValueString()
			if name != tc.want {
				t.Errorf("got %q, want %q", name, tc.want)
			}
			if err := leastpriv.ValidateRoleName(name); err != nil {
				t.Errorf("%q is not a valid IAM role name: %s", name, err)
			}
		})
	}
}

// A module that only calls the functions needs no provider block: the
// functions never touch AWS, so no region or credentials are needed.
func TestAccDefaultRoleNameFunction_noProviderBlock(t *testing.T) {
	accEnv(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: `
locals {
  cluster = "eks-workshop"
}

output "role_name" {
  value = provider::podidentity::default_role_name(local.cluster, "carts", "carts")
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("role_name", knownvalue.StringExact("eks-workshop-carts-carts")),
			},
		}},
	})
}

func TestAccDefaultRoleNameFunction_invalidNamespace(t *testing.T) {
	env := accEnv(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + `
output "role_name" {
  value = provider::podidentity::default_role_name("eks-workshop", "Carts", "carts")
}
`,
			ExpectError: wrapped(`Invalid value for "namespace" parameter: Invalid Kubernetes Name: namespace "Carts" is not a valid DNS-1123 label`),
		}},
	})
}
