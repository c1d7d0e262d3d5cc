package tfplan

import "github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"

// analyseDocs starts analysing (leastpriv.AnalysePolicies) the policy
// documents of the plan's values (the policies and trust policies of roles,
// role policies and managed policies): Review builds the inventory
// meanwhile. The returned function waits for them, for
// leastpriv.CheckAnalysed. A document the inventory resolves differently
// (from a reference, a policy document data source...) is analysed by the
// check as usual.
func (p *planData) analyseDocs() func() *leastpriv.Analyses {
	var jsons []string
	seen := map[string]bool{}
	add := func(v any) {
		s, ok := v.(string)
		if !ok || seen[s] {
			return
		}
		seen[s] = true
		jsons = append(jsons, s)
	}
	visit := func(res *planResource) {
		switch res.Type {
		case "aws_iam_role":
			add(res.Values["assume_role_policy"])
			if l, ok := res.Values["inline_policy"].([]any); ok {
				for _, e := range l {
					if m, ok := e.(map[string]any); ok {
						add(m["policy"])
					}
				}
			}
		case "aws_iam_role_policy", "aws_iam_policy":
			add(res.Values["policy"])
		}
	}
	for _, res := range p.changes {
		if !res.deleted() {
			visit(res)
		}
	}
	for _, addr := range p.priorOrder {
		visit(p.prior[addr])
	}
	return leastpriv.AnalysePolicies(jsons)
}
