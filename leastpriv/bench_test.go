package leastpriv

import (
	"fmt"
	"testing"
)

// largeInventory builds an inventory of about n resources: node groups with
// their roles and IMDS settings, and pod roles with inline policies,
// customer managed policies and AWS managed attachments.
func largeInventory(n int) *Inventory {
	inv := &Inventory{}
	for i := 0; len(inv.Roles)+len(inv.InlinePolicies)+len(inv.Attachments)+len(inv.ManagedPolicies)+len(inv.NodeRoleFacts) < n; i++ {
		name := fmt.Sprintf("app-%d", i)
		addr := fmt.Sprintf("module.app[%d].aws_iam_role.this", i)
		table := fmt.Sprintf("arn:aws:dynamodb:us-east-1:111122223333:table/t-%d", i)
		inv.Roles = append(inv.Roles, &Role{Address: addr, Name: Known(name), TrustPolicy: Document{JSON: podsTrust}})
		inv.InlinePolicies = append(inv.InlinePolicies, &InlinePolicy{
			Address: fmt.Sprintf("module.app[%d].aws_iam_role_policy.ddb", i), Role: RoleRef{Address: addr},
			Document: Document{JSON: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:Query","dynamodb:PutItem"],"Resource":["` + table + `","` + table + `/index/*"]},{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`},
		})
		mpAddr := fmt.Sprintf("module.app[%d].aws_iam_policy.extra", i)
		inv.ManagedPolicies = append(inv.ManagedPolicies, &ManagedPolicy{Address: mpAddr, Document: Document{JSON: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:Get*","Resource":"` + table + `"}]}`}})
		inv.Attachments = append(inv.Attachments,
			&Attachment{Address: fmt.Sprintf("module.app[%d].aws_iam_role_policy_attachment.extra", i), Role: RoleRef{Address: addr}, PolicyAddress: mpAddr},
			&Attachment{Address: fmt.Sprintf("module.app[%d].aws_iam_role_policy_attachment.ro", i), Role: RoleRef{Name: Known(name)}, PolicyARN: Known("arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess")})
		if i%10 == 0 {
			node := fmt.Sprintf("node-%d", i)
			naddr := fmt.Sprintf("module.nodes[%d].aws_iam_role.node", i)
			inv.Roles = append(inv.Roles, &Role{Address: naddr, Name: Known(node), TrustPolicy: Document{JSON: ec2Trust}})
			inv.NodeRoleFacts = append(inv.NodeRoleFacts, &NodeRoleFact{Kind: NodeRoleOfNodeGroup, Address: fmt.Sprintf("module.nodes[%d].aws_eks_node_group.this", i), Role: RoleRef{Address: naddr}})
			inv.Attachments = append(inv.Attachments, &Attachment{Address: fmt.Sprintf("module.nodes[%d].aws_iam_role_policy_attachment.worker", i), Role: RoleRef{Address: naddr}, PolicyARN: Known("arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy")})
			inv.NodeGroupIMDS = append(inv.NodeGroupIMDS, &NodeGroupIMDS{Address: fmt.Sprintf("module.nodes[%d].aws_eks_node_group.this", i), HopLimit: intp(1)})
		}
	}
	return inv
}

func BenchmarkCheck20000(b *testing.B) {
	inv := largeInventory(20000)
	Check(inv, CheckOptions{}) // load the managed policy catalogue once
	b.ResetTimer()
	for b.Loop() {
		Check(inv, CheckOptions{})
	}
}

func BenchmarkAllowedDynamoDBFullAccess(b *testing.B) {
	p, _, err := AWSManagedPolicy("arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		AllowedDynamoDB([]*Policy{p})
	}
}

func BenchmarkParsePolicy(b *testing.B) {
	for b.Loop() {
		if _, err := ParsePolicy(podsTrust); err != nil {
			b.Fatal(err)
		}
	}
}

func TestCheckLargeInventory(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("large inventory")
	}
	fs := Check(largeInventory(20000), CheckOptions{})
	// Every app role gets the AWS managed read-only policy: PI002 and PI003
	// per attachment and PI003 for dynamodb:Get*; no node-role findings.
	for _, f := range fs {
		if f.Rule == RuleNodeRoleDataGrant || f.Rule == RuleUnknownAtPlan {
			t.Fatalf("unexpected %s", f)
		}
	}
	if len(fs) == 0 {
		t.Fatal("no findings")
	}
}
