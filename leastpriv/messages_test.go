package leastpriv

import (
	"strings"
	"testing"
)

func TestAPICheckMessages(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		got     *ValidationError
		summary string
		detail  []string
	}{
		"cluster not found": {ClusterNotFound("eks-workshop", "123456789012", "us-west-2"), "EKS Cluster Not Found",
			[]string{`"eks-workshop"`, "123456789012", "us-west-2", "aws_eks_cluster.this.name"}},
		"association exists": {AssociationExists("a-1", "eks-workshop", "carts", "carts"), "Service Account Already Has a Pod Identity Association",
			[]string{"Association a-1", "terraform import podidentity_least_privilege.NAME eks-workshop,a-1"}},
		"agent missing": {PodIdentityAgentMissing("eks-workshop"), "EKS Pod Identity Agent Not Installed",
			[]string{"eks-pod-identity-agent", "Unable to load credentials from any of the providers in the chain"}},
		"table in another account": {TableInAnotherAccount("arn:aws:dynamodb:us-west-2:999999999999:table/t", "999999999999", "123456789012"), "DynamoDB Table in Another Account",
			[]string{"account 999999999999", "target_role_arn"}},
		"table not found": {TableNotFound("arn:aws:dynamodb:us-west-2:123456789012:table/t"), "DynamoDB Table Not Found",
			[]string{"table/t does not exist"}},
		"role exists": {RoleExists("r", "c", "n", "s"), "IAM Role Already Exists",
			[]string{`existing_role_name = "r"`, "terraform import podidentity_least_privilege.NAME c,ASSOCIATION_ID"}},
		"role not found": {RoleNotFound("r", "123456789012"), "IAM Role Not Found", []string{`Role "r" does not exist in account 123456789012`}},
		"no pod identity trust": {RoleDoesNotTrustPodIdentity("r", `{"Effect":"Allow"}`), "Role Does Not Trust EKS Pod Identity",
			[]string{"pods.eks.amazonaws.com", "sts:TagSession", `{"Effect":"Allow"}`}},
		"policy taken": {RoleAlreadyHasPolicy("r", "podidentity-least-privilege"), "Role Already Has This Resource's Policy",
			[]string{`"podidentity-least-privilege"`, "overwrite"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if tc.got.Summary != tc.summary {
				t.Errorf("summary %q, want %q", tc.got.Summary, tc.summary)
			}
			for _, want := range tc.detail {
				if !strings.Contains(tc.got.DiagnosticDetail(), want) {
					t.Errorf("detail lacks %q:\n%s", want, tc.got.DiagnosticDetail())
				}
			}
		})
	}
}
