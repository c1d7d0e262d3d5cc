package tfplan

import (
	"strings"
	"testing"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

// TestPlanFederatedPrincipalUnknown: an IRSA trust whose Federated
// identifier (the OIDC provider's ARN) is unknown until apply is rendered
// with a placeholder, so the role is known not to trust EC2 (it was PI008).
func TestPlanFederatedPrincipalUnknown(t *testing.T) {
	t.Parallel()
	for _, f := range []string{"plan.json", "plan-terraform.json"} {
		inv, err := ReadFile("testdata/plans/irsa_dynamodb/" + f)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range inv.Roles {
			if r.Address != `aws_iam_role.irsa["carts"]` {
				continue
			}
			found = true
			doc := r.TrustPolicy
			if doc.Unknown || !strings.Contains(doc.JSON, `"Federated":"${aws_iam_openid_connect_provider.eks.arn}"`) {
				t.Errorf("%s: trust = %+v, want the Federated principal as a placeholder", f, doc)
				continue
			}
			p, err := leastpriv.ParsePolicy(doc.JSON)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if r := leastpriv.EC2TrustReasons(p); r != nil {
				t.Errorf("%s: EC2TrustReasons = %q", f, r)
			}
		}
		if !found {
			t.Fatalf("%s: no carts role", f)
		}
	}
}
