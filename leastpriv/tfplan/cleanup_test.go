package tfplan

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

// editPlan loads a scenario plan, lets edit change it, and reviews the
// result.
func editPlan(t *testing.T, scenario string, edit func(p map[string]any)) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "plans", scenario, "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	edit(p)
	out, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	review, err := ReviewFile(path, leastpriv.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range review.Findings {
		got = append(got, f.Rule+" "+f.Address)
	}
	slices.Sort(got)
	return got
}

func changesOf(p map[string]any) []any { return p["resource_changes"].([]any) } //nolint:forcetypeassert // test plan

func changeOf(p map[string]any, addr string) map[string]any {
	for _, c := range changesOf(p) {
		if m := c.(map[string]any); m["address"] == addr { //nolint:forcetypeassert // test plan
			return m
		}
	}
	return nil
}

// TestRefreshedRoleAttributes: a no-op role's computed managed_policy_arns
// and inline_policy, refreshed from AWS, count as grants only when no
// resource of the plan manages that attachment or inline policy (then
// nothing else reports it): a delete of the resource takes it away.
func TestRefreshedRoleAttributes(t *testing.T) {
	t.Parallel()
	const scenario = "cleanup_node_managed_attachment"
	// As planned (real tofu plan): the attachment is deleted, the role's
	// refreshed managed_policy_arns still lists the policy. Clean.
	if got := editPlan(t, scenario, func(map[string]any) {}); len(got) != 0 {
		t.Errorf("cleanup plan: findings %v, want none", got)
	}
	// No resource of the plan manages the attachment (attached outside
	// Terraform): the refreshed attribute is the only trace of the grant.
	got := editPlan(t, scenario, func(p map[string]any) {
		drop := func(c any) bool {
			return c.(map[string]any)["address"] == "aws_iam_role_policy_attachment.node_dynamodb" //nolint:forcetypeassert // test plan
		}
		p["resource_changes"] = slices.DeleteFunc(changesOf(p), drop)
		root := p["prior_state"].(map[string]any)["values"].(map[string]any)["root_module"].(map[string]any) //nolint:forcetypeassert // test plan
		root["resources"] = slices.DeleteFunc(root["resources"].([]any), drop)                               //nolint:forcetypeassert // test plan
	})
	if !slices.Contains(got, "PI001 aws_iam_role.node") {
		t.Errorf("attachment made outside the plan: findings %v, want PI001 on the role", got)
	}
	// An inline policy the plan deletes (aws_iam_role_policy) that the
	// refreshed role still shows in inline_policy: clean.
	inline := []any{map[string]any{
		"name":   "orders",
		"policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:us-west-2:123456789012:table/orders"}]}`,
	}}
	addInline := func(p map[string]any) {
		role := changeOf(p, "aws_iam_role.node")["change"].(map[string]any) //nolint:forcetypeassert // test plan
		role["after"].(map[string]any)["inline_policy"] = inline            //nolint:forcetypeassert // test plan
		role["before"].(map[string]any)["inline_policy"] = inline           //nolint:forcetypeassert // test plan
	}
	got = editPlan(t, scenario, func(p map[string]any) {
		addInline(p)
		p["resource_changes"] = append(changesOf(p), map[string]any{
			"address": "aws_iam_role_policy.orders", "mode": "managed", "type": "aws_iam_role_policy", "name": "orders",
			"change": map[string]any{
				"actions": []any{"delete"},
				"before":  map[string]any{"name": "orders", "role": "eks-workshop-node", "policy": inline[0].(map[string]any)["policy"]}, //nolint:forcetypeassert // test plan
				"after":   nil,
			},
		})
	})
	if len(got) != 0 {
		t.Errorf("inline policy deleted by the plan: findings %v, want none", got)
	}
	got = editPlan(t, scenario, addInline)
	if !slices.Contains(got, "PI001 aws_iam_role.node") {
		t.Errorf("inline policy no resource manages: findings %v, want PI001 on the role", got)
	}
}
