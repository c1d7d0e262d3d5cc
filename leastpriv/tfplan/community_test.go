package tfplan

import (
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

// TestPlanResolveConditional evaluates conditionals as the configuration
// of a plan describes them (a list of references): a known bool is the
// condition, not the value; one resource among null or unknown branches is
// the value; two resources leave it unknown.
func TestPlanResolveConditional(t *testing.T) {
	t.Parallel()
	role := func(name string) *planResource {
		return &planResource{
			Address: "aws_iam_role." + name, Mode: "managed", Type: "aws_iam_role", Name: name,
			Actions: []tfjson.Action{"create"}, Values: map[string]any{}, Unknown: map[string]any{"arn": true},
		}
	}
	p := &planData{
		variables: map[string]any{"create": true, "existing_arn": nil, "known_arn": "arn:aws:iam::123456789012:role/x"},
		changes:   []*planResource{role("a"), role("b")},
		prior:     map[string]*planResource{},
	}
	r := newPlanResolver(p)
	refs := func(rs ...string) *tfjson.Expression {
		return &tfjson.Expression{ExpressionData: &tfjson.ExpressionData{References: rs}}
	}
	tests := map[string]struct {
		e    *tfjson.Expression
		want string // the resource, "" for none
	}{
		"bool then resource then null": {refs("var.create", "aws_iam_role.a.arn", "aws_iam_role.a", "var.existing_arn"), "aws_iam_role.a"},
		"bool then two resources":      {refs("var.create", "aws_iam_role.a.arn", "aws_iam_role.a", "aws_iam_role.b.arn", "aws_iam_role.b"), ""},
		"bool then resource and known": {refs("var.create", "aws_iam_role.a.arn", "aws_iam_role.a", "var.known_arn"), ""},
		"no condition":                 {refs("aws_iam_role.b.arn", "aws_iam_role.b", "var.existing_arn"), "aws_iam_role.b"},
	}
	for name, tc := range tests {
		got := r.expr(planScope{}, tc.e, 0)
		if got.addr != tc.want {
			t.Errorf("%s: addr = %q, want %q", name, got.addr, tc.want)
		}
		if tc.want == "" && !got.val.Unknown {
			t.Errorf("%s: value %+v, want unknown", name, got)
		}
	}
}
