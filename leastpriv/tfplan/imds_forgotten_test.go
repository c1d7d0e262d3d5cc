package tfplan

import (
	"strings"
	"testing"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"

	tfjson "github.com/hashicorp/terraform-json"
)

// TestPlanIMDSv1 checks how the plan reader reads http_tokens: set to
// optional, not set, unknown, required.
func TestPlanIMDSv1(t *testing.T) {
	t.Parallel()
	lt := func(tokens any, unknown bool, inConfig bool) *planData {
		meta := map[string]any{"http_put_response_hop_limit": float64(1)}
		um := map[string]any{}
		if tokens != nil {
			meta["http_tokens"] = tokens
		}
		if unknown {
			um["http_tokens"] = true
		}
		exprs := map[string]*tfjson.Expression{"http_put_response_hop_limit": {ExpressionData: &tfjson.ExpressionData{ConstantValue: float64(1)}}}
		if inConfig {
			exprs["http_tokens"] = &tfjson.Expression{ExpressionData: &tfjson.ExpressionData{References: []string{"var.tokens"}}}
		}
		return &planData{
			changes: []*planResource{
				{
					Address: "aws_launch_template.lt", Mode: "managed", Type: "aws_launch_template", Name: "lt", Actions: tfjson.Actions{tfjson.ActionCreate},
					Values:  map[string]any{"id": "lt-1", "metadata_options": []any{meta}},
					Unknown: map[string]any{"metadata_options": []any{um}},
				},
				{
					Address: "aws_eks_node_group.ng", Mode: "managed", Type: "aws_eks_node_group", Name: "ng", Actions: tfjson.Actions{tfjson.ActionCreate},
					Values: map[string]any{"node_role_arn": "arn:aws:iam::111122223333:role/eks-node", "launch_template": []any{map[string]any{"id": "lt-1", "version": "1"}}},
				},
			},
			prior: map[string]*planResource{},
			config: &tfjson.Config{RootModule: &tfjson.ConfigModule{Resources: []*tfjson.ConfigResource{{
				Address: "aws_launch_template.lt", Mode: tfjson.ManagedResourceMode, Type: "aws_launch_template", Name: "lt",
				Expressions: map[string]*tfjson.Expression{"metadata_options": {ExpressionData: &tfjson.ExpressionData{NestedBlocks: []map[string]*tfjson.Expression{exprs}}}},
			}}}},
		}
	}
	tests := map[string]struct {
		p    *planData
		want string
	}{
		"optional":     {lt("optional", false, true), "http_tokens is optional"},
		"default":      {lt("optional", false, false), "http_tokens is not set"},
		"unset, new":   {lt(nil, true, false), "http_tokens is not set"},
		"unknown":      {lt(nil, true, true), "unknown until apply"},
		"required":     {lt("required", false, true), ""},
		"null in plan": {lt(nil, false, false), "http_tokens is not set"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			inv := tc.p.inventory()
			if len(inv.NodeGroupIMDS) != 1 {
				t.Fatalf("NodeGroupIMDS = %+v", inv.NodeGroupIMDS)
			}
			m := inv.NodeGroupIMDS[0]
			if m.LaunchTemplateAddress != "aws_launch_template.lt" {
				t.Fatalf("launch template not found: %+v", m)
			}
			if (tc.want == "") != (m.IMDSv1 == "") || !strings.Contains(m.IMDSv1, tc.want) {
				t.Errorf("IMDSv1 = %q, want %q", m.IMDSv1, tc.want)
			}
		})
	}
}

// TestPlanForgottenGrant checks that a grant the plan forgets (removed
// block, destroy = false), which stays in AWS, fails closed.
func TestPlanForgottenGrant(t *testing.T) {
	t.Parallel()
	p := &planData{
		changes: []*planResource{
			{Address: "aws_iam_role_policy.orders", Mode: "managed", Type: "aws_iam_role_policy", Name: "orders", Actions: tfjson.Actions{tfjson.ActionForget}},
			{Address: "aws_iam_role_policy_attachment.a", Mode: "managed", Type: "aws_iam_role_policy_attachment", Name: "a", Actions: tfjson.Actions{tfjson.ActionForget}},
			{Address: "aws_iam_role_policy.gone", Mode: "managed", Type: "aws_iam_role_policy", Name: "gone", Actions: tfjson.Actions{tfjson.ActionDelete}},
		},
		prior: map[string]*planResource{},
	}
	findings := leastpriv.Check(p.inventory(), leastpriv.CheckOptions{})
	var got []string
	for _, f := range findings {
		got = append(got, f.Rule+" "+f.Address)
		if !strings.Contains(f.Message, "forgets") {
			t.Errorf("message does not say the plan forgets the resource: %s", f.Message)
		}
	}
	want := []string{"PI008 aws_iam_role_policy.orders", "PI008 aws_iam_role_policy_attachment.a"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("findings = %q, want %q", got, want)
	}
}
