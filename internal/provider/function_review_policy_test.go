package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/acctest"
	"github.com/eks-podidentity/terraform-provider-podidentity/internal/provider"
)

const (
	reviewTable     = "arn:aws:dynamodb:us-west-2:111122223333:table/carts"
	reviewCluster   = "arn:aws:eks:us-west-2:111122223333:cluster/eks-workshop"
	ec2Trust        = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	podsTrustNoCond = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}`
	bothTrust       = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","pods.eks.amazonaws.com"]},"Action":["sts:AssumeRole","sts:TagSession"]}]}`
)

func tablePolicy(action, resource string) string {
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":%q,"Resource":%q}]}`, action, resource)
}

// findingRules returns "RULE severity" for each finding of a
// review_policy result.
func findingRules(t *testing.T, v attr.Value) []string {
	t.Helper()
	list, ok := v.(types.List)
	if !ok {
		t.Fatalf("review_policy returned %T, want a list", v)
	}
	var out []string
	for _, e := range list.Elements() {
		o, ok := e.(types.Object)
		if !ok {
			t.Fatalf("element %T, want an object", e)
		}
		a := o.Attributes()
		for _, k := range []string{"message", "name", "remediation"} {
			if s, _ := a[k].(types.String); s.ValueString() == "" {
				t.Errorf("finding %v has an empty %s", a["rule"], k)
			}
		}
		rule, _ := a["rule"].(types.String)
		sev, _ := a["severity"].(types.String)
		out = append(out, rule.ValueString()+" "+sev.ValueString())
	}
	return out
}

func TestReviewPolicyFunction_run(t *testing.T) {
	t.Parallel()
	scoped := trustPolicyFor(reviewCluster, "carts", "carts")
	tests := map[string]struct {
		policy string
		trust  types.String
		want   string // the findings' "RULE severity", joined by ", "
		errArg int64
		err    string
	}{
		"least privilege passes": {
			policy: tablePolicy("dynamodb:GetItem", reviewTable), trust: str(scoped),
		},
		"node role with DynamoDB data access": {
			policy: tablePolicy("dynamodb:GetItem", reviewTable), trust: str(ec2Trust),
			want: "PI001 error",
		},
		"pod role that is also a node role": {
			policy: tablePolicy("dynamodb:GetItem", reviewTable), trust: str(bothTrust),
			want: "PI001 error, PI005 error, PI006 warning",
		},
		"wildcards and unscoped trust": {
			policy: tablePolicy("dynamodb:*", "*"), trust: str(podsTrustNoCond),
			want: "PI002 error, PI003 error, PI006 warning", // a role pods can obtain: one verdict with the resource
		},
		"null trust reviews the policy alone": {
			policy: tablePolicy("dynamodb:*", reviewTable), trust: types.StringNull(),
			want: "PI003 error", // no trust given: treated as a workload role (fail closed)
		},
		"invalid policy": {
			policy: `{"Statement": 3}`, trust: str(scoped),
			errArg: 0, err: `^Invalid IAM Policy: `,
		},
		"invalid trust policy": {
			policy: tablePolicy("dynamodb:GetItem", reviewTable), trust: str("not json"),
			errArg: 1, err: `^Invalid IAM Trust Policy: `,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, ferr := runFunction(t, provider.NewReviewPolicyFunction(), str(tc.policy), tc.trust)
			if tc.err != "" {
				if ferr == nil {
					t.Fatalf("no error, want %q", tc.err)
				}
				if ferr.FunctionArgument == nil || *ferr.FunctionArgument != tc.errArg || !regexp.MustCompile(tc.err).MatchString(ferr.Text) {
					t.Fatalf("error %q (argument %v), want %q on argument %d", ferr.Text, ferr.FunctionArgument, tc.err, tc.errArg)
				}
				return
			}
			if ferr != nil {
				t.Fatalf("error: %s", ferr.Text)
			}
			if g := strings.Join(findingRules(t, got), ", "); g != tc.want {
				t.Errorf("findings %q, want %q", g, tc.want)
			}
		})
	}
}

// The function's findings stop a plan in a precondition, and pass a role
// built with the provider's own functions.
func TestAccReviewPolicyFunction_precondition(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	env := acctest.NewEnv(t, nil)
	config := func(trust string) string {
		return env.ProviderConfig() + fmt.Sprintf(`
locals {
  policy   = provider::podidentity::dynamodb_policy([{ arn = %q }])
  trust    = %s
  findings = provider::podidentity::review_policy(local.policy, local.trust)
}

resource "terraform_data" "role" {
  input = local.trust
  lifecycle {
    precondition {
      condition     = length([for f in local.findings : f if f.severity == "error"]) == 0
      error_message = join("\n", [for f in local.findings : "${f.rule}: ${f.message}"])
    }
  }
}

output "rules" {
  value = [for f in local.findings : f.rule]
}
`, reviewTable, trust)
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config:      config("jsonencode(" + hclJSON(ec2Trust) + ")"),
				ExpectError: regexp.MustCompile(`PI001: Inline policy reviewed_policy grants`),
			},
			{
				Config: config(fmt.Sprintf("provider::podidentity::trust_policy(%q, \"carts\", \"carts\")", reviewCluster)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("rules", knownvalue.ListExact([]knownvalue.Check{})),
				},
			},
		},
	})
}

// hclJSON turns a JSON document into an HCL expression of the same value
// (JSON objects and arrays are valid HCL once keys are quoted, which they
// are).
func hclJSON(doc string) string {
	return strings.NewReplacer(`":`, `" = `, `,"`, `, "`).Replace(doc)
}
