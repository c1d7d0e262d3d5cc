package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/acctest"
	"github.com/eks-podidentity/terraform-provider-podidentity/internal/provider"
)

// trustPolicyFor is the exact document trust_policy returns.
func trustPolicyFor(clusterARN, namespace, serviceAccount string) string {
	return fmt.Sprintf(`{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AllowEksAuthToAssumeRoleForPodIdentity",
      "Effect": "Allow",
      "Principal": {
        "Service": "pods.eks.amazonaws.com"
      },
      "Action": [
        "sts:AssumeRole",
        "sts:TagSession"
      ],
      "Condition": {
        "StringEquals": {
          "aws:RequestTag/eks-cluster-arn": %q,
          "aws:RequestTag/kubernetes-namespace": %q,
          "aws:RequestTag/kubernetes-service-account": %q
        }
      }
    }
  ]
}`, clusterARN, namespace, serviceAccount)
}

func TestTrustPolicyFunction_run(t *testing.T) {
	t.Parallel()
	const cluster = "arn:aws:eks:us-west-2:111122223333:cluster/eks-workshop"
	tests := map[string]struct {
		clusterARN, namespace, serviceAccount string
		want                                  string
		errArg                                int64
		err                                   string // regexp of the error text
	}{
		"service account": {
			clusterARN: cluster, namespace: "carts", serviceAccount: "carts",
			want: trustPolicyFor(cluster, "carts", "carts"),
		},
		"China partition": {
			clusterARN: "arn:aws-cn:eks:cn-north-1:111122223333:cluster/eks-workshop", namespace: "checkout", serviceAccount: "checkout.v2",
			want: trustPolicyFor("arn:aws-cn:eks:cn-north-1:111122223333:cluster/eks-workshop", "checkout", "checkout.v2"),
		},
		"GovCloud partition": {
			clusterARN: "arn:aws-us-gov:eks:us-gov-west-1:111122223333:cluster/prod", namespace: "orders", serviceAccount: "orders",
			want: trustPolicyFor("arn:aws-us-gov:eks:us-gov-west-1:111122223333:cluster/prod", "orders", "orders"),
		},

		"empty cluster ARN": {
			clusterARN: "", namespace: "carts", serviceAccount: "carts",
			errArg: 0, err: `^Invalid EKS Cluster ARN: The cluster ARN is empty\. Use the cluster's ARN`,
		},
		"cluster name instead of ARN": {
			clusterARN: "eks-workshop", namespace: "carts", serviceAccount: "carts",
			errArg: 0, err: `^Invalid EKS Cluster ARN: "eks-workshop" is not the ARN of an EKS cluster\. Use the cluster's ARN, .*aws_eks_cluster\.this\.arn\)$`,
		},
		"table ARN": {
			clusterARN: cartsTableARN, namespace: "carts", serviceAccount: "carts",
			errArg: 0, err: `^Invalid EKS Cluster ARN: `,
		},
		"wildcard cluster": {
			clusterARN: "arn:aws:eks:us-west-2:111122223333:cluster/*", namespace: "carts", serviceAccount: "carts",
			errArg: 0, err: `^Invalid EKS Cluster ARN: `,
		},
		"upper-case namespace": {
			clusterARN: cluster, namespace: "Carts", serviceAccount: "carts",
			errArg: 1, err: `^Invalid Kubernetes Name: namespace "Carts" is not a valid DNS-1123 label`,
		},
		"empty namespace": {
			clusterARN: cluster, namespace: "", serviceAccount: "carts",
			errArg: 1, err: `^Invalid Kubernetes Name: namespace is empty`,
		},
		"underscore in service account": {
			clusterARN: cluster, namespace: "carts", serviceAccount: "carts_sa",
			errArg: 2, err: `^Invalid Kubernetes Name: service_account "carts_sa" is not a valid DNS-1123 subdomain`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, ferr := runFunction(t, provider.NewTrustPolicyFunction(), str(tc.clusterARN), str(tc.namespace), str(tc.serviceAccount))
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
			if got := got.(types.String).ValueString(); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// The trust policy a module builds with the function is the one the
// resource would give its own role, so both ways of making the role agree.
func TestAccTrustPolicyFunction_basic(t *testing.T) {
	env := accEnv(t)
	cluster := fmt.Sprintf("arn:%s:eks:%s:%s:cluster/eks-workshop", env.Partition, env.Region, env.AccountID)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + fmt.Sprintf(`
output "trust" {
  value = provider::podidentity::trust_policy(%q, "carts", "carts")
}
`, cluster),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("trust", knownvalue.StringExact(trustPolicyFor(cluster, "carts", "carts"))),
			},
		}},
	})
}

func TestAccTrustPolicyFunction_invalidServiceAccount(t *testing.T) {
	env := accEnv(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + `
output "trust" {
  value = provider::podidentity::trust_policy("arn:aws:eks:us-west-2:111122223333:cluster/eks-workshop", "carts", "Carts")
}
`,
			ExpectError: wrapped(`Invalid value for "service_account" parameter: Invalid Kubernetes Name: service_account "Carts" is not a valid DNS-1123 subdomain`),
		}},
	})
}
