package leastpriv

import (
	"slices"
	"testing"
)

// TestNodeRoleReachThroughTrust: a role whose trust admits the node role
// (by ARN, by "*", by the account root while the node role may call
// sts:AssumeRole on it, or an unknown trust built from the node role) is
// reachable from every pod on the nodes: its DynamoDB grant is PI001.
func TestNodeRoleReachThroughTrust(t *testing.T) {
	t.Parallel()
	const nodeARN = "arn:aws:iam::111122223333:role/eks-node"
	trustOf := func(principal string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]},` +
			`{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"sts:AssumeRole"}]}`
	}
	assumeAny := allow("sts:AssumeRole", "arn:aws:iam::111122223333:role/*")
	for name, tc := range map[string]struct {
		trust      Document
		refs       []RoleRef
		nodePolicy string // a statement of the node role's inline policy
		pi001      bool
	}{
		"node role ARN":                  {trust: Document{JSON: trustOf(nodeARN)}, pi001: true},
		"every AWS principal":            {trust: Document{JSON: trustOf("*")}, pi001: true},
		"account root, node may assume":  {trust: Document{JSON: trustOf("arn:aws:iam::111122223333:root")}, nodePolicy: assumeAny, pi001: true},
		"account id, node may assume":    {trust: Document{JSON: trustOf("111122223333")}, nodePolicy: assumeAny, pi001: true},
		"account root, node may not":     {trust: Document{JSON: trustOf("arn:aws:iam::111122223333:root")}, nodePolicy: allow("s3:GetObject", "*")},
		"another role":                   {trust: Document{JSON: trustOf("arn:aws:iam::111122223333:role/ci")}},
		"unknown trust built from node":  {trust: Document{Unknown: true, Expr: "data.aws_iam_policy_document.t.json"}, refs: []RoleRef{byAddr("aws_iam_role.node")}, pi001: true},
		"unknown trust built from other": {trust: Document{Unknown: true, Expr: "data.aws_iam_policy_document.t.json"}, refs: []RoleRef{{Name: Known("ci")}}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			pod := &Role{Address: "aws_iam_role.carts", Name: Known("carts"), ARN: Known("arn:aws:iam::111122223333:role/carts"), TrustPolicy: tc.trust, TrustReferences: tc.refs}
			inv := &Inventory{
				Roles:          []*Role{nodeRole(), pod},
				InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.carts", byAddr("aws_iam_role.carts"), policyDoc(allow("dynamodb:GetItem", cartsARN)))},
				NodeRoleFacts:  []*NodeRoleFact{{Kind: NodeRoleOfNodeGroup, Address: "aws_eks_node_group.default", Role: byAddr("aws_iam_role.node")}},
			}
			if tc.nodePolicy != "" {
				inv.InlinePolicies = append(inv.InlinePolicies, inline("aws_iam_role_policy.node", byAddr("aws_iam_role.node"), policyDoc(tc.nodePolicy)))
			}
			var got []string
			for _, f := range Check(inv, CheckOptions{}) {
				if f.Rule == RuleNodeRoleDataGrant || f.Rule == RuleUnknownAtPlan {
					got = append(got, f.Rule+" "+f.Address)
				}
			}
			has := slices.Contains(got, "PI001 aws_iam_role_policy.carts")
			if has != tc.pi001 {
				t.Errorf("PI001 on the grant = %v, want %v (findings %v)", has, tc.pi001, got)
			}
		})
	}
}
