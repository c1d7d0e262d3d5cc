package leastpriv

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

const (
	ec2Trust  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	podsTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"],` +
		`"Condition":{"StringEquals":{"aws:RequestTag/kubernetes-namespace":"carts","aws:RequestTag/kubernetes-service-account":"carts"}}}]}`
	podsTrustUnscoped = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}`
	cartsARN          = "arn:aws:dynamodb:us-east-1:111122223333:table/carts"
)

func policyDoc(statements ...string) Document {
	return Document{JSON: `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`}
}

func allow(action, resource string) string {
	return fmt.Sprintf(`{"Effect":"Allow","Action":%q,"Resource":%q}`, action, resource)
}

func nodeRole() *Role {
	return &Role{Address: "aws_iam_role.node", Name: Known("eks-node"), ARN: Known("arn:aws:iam::111122223333:role/eks-node"), TrustPolicy: Document{JSON: ec2Trust}}
}

func podRole() *Role {
	return &Role{Address: "aws_iam_role.carts", Name: Known("carts"), ARN: Known("arn:aws:iam::111122223333:role/carts"), TrustPolicy: Document{JSON: podsTrust}}
}

// plainRole trusts nobody relevant (Lambda): not a node role by trust.
func plainRole(addr, name string) *Role {
	return &Role{Address: addr, Name: Known(name), TrustPolicy: Document{JSON: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`}}
}

func inline(addr string, role RoleRef, doc Document) *InlinePolicy {
	return &InlinePolicy{Address: addr, Role: role, Document: doc}
}

func byAddr(a string) RoleRef { return RoleRef{Address: a} }

type wantFinding struct {
	address, role string
	severity      string // the rule's Severity when empty
	contains      []string
	evidence      []string
}

func runRuleTests(t *testing.T, rule string, tests map[string]struct {
	inv  *Inventory
	want []wantFinding
}) {
	t.Helper()
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var got []Finding
			for _, f := range Check(tc.inv, CheckOptions{}) {
				if f.Rule == rule {
					got = append(got, f)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d %s findings, want %d:\n%s", len(got), rule, len(tc.want), findingsText(got))
			}
			for i, w := range tc.want {
				f := got[i]
				if w.address != "" && f.Address != w.address {
					t.Errorf("finding %d: address %q, want %q", i, f.Address, w.address)
				}
				if w.role != "" && f.Role != w.role {
					t.Errorf("finding %d: role %q, want %q", i, f.Role, w.role)
				}
				for _, s := range w.contains {
					if !strings.Contains(f.Message, s) {
						t.Errorf("finding %d: message %q does not contain %q", i, f.Message, s)
					}
				}
				for _, e := range w.evidence {
					if !slices.Contains(f.Evidence, e) {
						t.Errorf("finding %d: evidence %q lacks %q", i, f.Evidence, e)
					}
				}
				sev := ruleByID(rule).Severity
				if w.severity != "" {
					sev = w.severity
				}
				if f.Severity != sev || f.Remediation == "" {
					t.Errorf("finding %d: severity %q remediation %q", i, f.Severity, f.Remediation)
				}
			}
		})
	}
}

func findingsText(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.String() + "\n")
	}
	return b.String()
}

func TestRulePI001NodeRoleDataGrant(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		inv  *Inventory
		want []wantFinding
	}{
		"dynamodb star inline on EC2-trusted role": {
			inv: &Inventory{Roles: []*Role{nodeRole()}, InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.ddb", byAddr("aws_iam_role.node"), policyDoc(allow("dynamodb:*", "*")))}},
			want: []wantFinding{{address: "aws_iam_role_policy.ddb", role: "eks-node",
				contains: []string{"Inline policy aws_iam_role_policy.ddb grants DynamoDB", "dynamodb:BatchGetItem", "to role `eks-node`", "Every pod on those nodes would get this access."},
				evidence: []string{"trusted by ec2.amazonaws.com"}}},
		},
		"mixed-case Get star on table star, role by name": {
			inv:  &Inventory{Roles: []*Role{nodeRole()}, InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.get", RoleRef{Name: Known("eks-node")}, policyDoc(allow("DynamoDB:Get*", "arn:aws:dynamodb:*:*:table/*")))}},
			want: []wantFinding{{role: "eks-node", contains: []string{"dynamodb:GetItem", "`arn:aws:dynamodb:*:*:table/*`"}}},
		},
		"question mark action, role by ARN": {
			inv:  &Inventory{Roles: []*Role{nodeRole()}, InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.q", RoleRef{ARN: Known("arn:aws:iam::111122223333:role/eks-node")}, policyDoc(allow("dynamodb:?etItem", cartsARN)))}},
			want: []wantFinding{{role: "eks-node", contains: []string{"item-read actions (dynamodb:GetItem)"}}},
		},
		"conditional allow still counts": {
			inv: &Inventory{Roles: []*Role{nodeRole()}, InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.c", byAddr("aws_iam_role.node"),
				policyDoc(`{"Effect":"Allow","Action":"dynamodb:Query","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"carts"}}}`))}},
			want: []wantFinding{{contains: []string{"under conditions that may hold"}}},
		},
		"NotAction reaches dynamodb": {
			inv: &Inventory{Roles: []*Role{nodeRole()}, InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.na", byAddr("aws_iam_role.node"),
				policyDoc(`{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}`))}},
			want: []wantFinding{{contains: []string{"item-read", "dynamodb:BatchGetItem", "more) on `*`"}}},
		},
		"AWS managed AmazonDynamoDBFullAccess on node group role (external)": {
			inv: &Inventory{
				NodeRoleFacts: []*NodeRoleFact{{Kind: NodeRoleOfNodeGroup, Address: "aws_eks_node_group.default", Role: RoleRef{ARN: Known("arn:aws:iam::111122223333:role/eks-node")}}},
				Attachments:   []*Attachment{{Address: "aws_iam_role_policy_attachment.full", Role: RoleRef{Name: Known("eks-node")}, PolicyARN: Known("arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess")}},
			},
			want: []wantFinding{{address: "aws_iam_role_policy_attachment.full", role: "eks-node",
				contains: []string{"AWS managed policy AmazonDynamoDBFullAccess", "is the node role of aws_eks_node_group.default"},
				evidence: []string{"node role of aws_eks_node_group.default"}}},
		},
		"AWS managed AmazonDynamoDBReadOnlyAccess in China partition": {
			inv: &Inventory{
				Roles:       []*Role{nodeRole()},
				Attachments: []*Attachment{{Address: "aws_iam_role_policy_attachment.ro", Role: byAddr("aws_iam_role.node"), PolicyARN: Known("arn:aws-cn:iam::aws:policy/AmazonDynamoDBReadOnlyAccess")}},
			},
			want: []wantFinding{{contains: []string{"AWS managed policy AmazonDynamoDBReadOnlyAccess", "dynamodb:GetItem"}}},
		},
		"customer managed policy via address": {
			inv: &Inventory{
				Roles:           []*Role{nodeRole()},
				ManagedPolicies: []*ManagedPolicy{{Address: "aws_iam_policy.ddb", Name: Known("ddb"), ARN: UnknownValue("aws_iam_policy.ddb.arn"), Document: policyDoc(allow("dynamodb:PutItem", cartsARN))}},
				Attachments:     []*Attachment{{Address: "aws_iam_role_policy_attachment.ddb", Role: byAddr("aws_iam_role.node"), PolicyARN: UnknownValue("aws_iam_policy.ddb.arn"), PolicyAddress: "aws_iam_policy.ddb"}},
			},
			want: []wantFinding{{address: "aws_iam_role_policy_attachment.ddb", contains: []string{"Customer managed policy aws_iam_policy.ddb", "item-write actions (dynamodb:PutItem)"}}},
		},
		"instance profile fact with evidence": {
			inv: &Inventory{
				Roles:          []*Role{plainRole("aws_iam_role.x", "x")},
				NodeRoleFacts:  []*NodeRoleFact{{Kind: NodeRoleInInstanceProfile, Address: "aws_iam_instance_profile.x", Role: byAddr("aws_iam_role.x")}},
				InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.x", byAddr("aws_iam_role.x"), policyDoc(allow("dynamodb:GetRecords", cartsARN+"/stream/*")))},
			},
			want: []wantFinding{{role: "x", contains: []string{"stream-read"}, evidence: []string{"role of instance profile aws_iam_instance_profile.x"}}},
		},
		"metadata-only grant is not data": {
			inv:  &Inventory{Roles: []*Role{nodeRole()}, InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.d", byAddr("aws_iam_role.node"), policyDoc(allow("dynamodb:DescribeTable", "*"), allow("dynamodb:ListTables", "*")))}},
			want: nil,
		},
		"unconditional deny removes grant": {
			inv: &Inventory{Roles: []*Role{nodeRole()}, InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.d", byAddr("aws_iam_role.node"),
				policyDoc(allow("dynamodb:*", "*"), `{"Effect":"Deny","Action":"dynamodb:*","Resource":"*"}`))}},
			want: nil,
		},
		"deny in another policy of the same role removes grant": {
			inv: &Inventory{Roles: []*Role{nodeRole()}, InlinePolicies: []*InlinePolicy{
				inline("aws_iam_role_policy.allow", byAddr("aws_iam_role.node"), policyDoc(allow("dynamodb:GetItem", cartsARN))),
				inline("aws_iam_role_policy.deny", RoleRef{Name: Known("eks-node")}, policyDoc(`{"Effect":"Deny","Action":"dynamodb:*","Resource":"*"}`)),
			}},
			want: nil,
		},
		"deny in another role's policy does not help": {
			inv: &Inventory{Roles: []*Role{nodeRole(), podRole()}, InlinePolicies: []*InlinePolicy{
				inline("aws_iam_role_policy.allow", byAddr("aws_iam_role.node"), policyDoc(allow("dynamodb:GetItem", cartsARN))),
				inline("aws_iam_role_policy.deny", byAddr("aws_iam_role.carts"), policyDoc(`{"Effect":"Deny","Action":"dynamodb:*","Resource":"*"}`)),
			}},
			want: []wantFinding{{address: "aws_iam_role_policy.allow"}},
		},
		"grant to pod role is clean": {
			inv:  &Inventory{Roles: []*Role{nodeRole(), podRole()}, InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.carts", byAddr("aws_iam_role.carts"), policyDoc(allow("dynamodb:GetItem", cartsARN)))}},
			want: nil,
		},
		"s3 only on node role is clean": {
			inv:  &Inventory{Roles: []*Role{nodeRole()}, InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.s3", byAddr("aws_iam_role.node"), policyDoc(allow("*", "arn:aws:s3:::bucket/*")))}},
			want: nil,
		},
	}
	runRuleTests(t, RuleNodeRoleDataGrant, tests)
}

func TestRulePI002WildcardResource(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		inv  *Inventory
		want []wantFinding
	}{
		"table star": {
			inv:  &Inventory{Roles: []*Role{podRole()}, InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.a", byAddr("aws_iam_role.carts"), policyDoc(allow("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:111122223333:table/*")))}},
			want: []wantFinding{{address: "aws_iam_role_policy.a", role: "carts", contains: []string{"statement 1 allows DynamoDB item-read actions (dynamodb:GetItem)"}}},
		},
		"star resource": {
			inv:  &Inventory{InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.a", RoleRef{Name: Known("app")}, policyDoc(allow("dynamodb:PutItem", "*")))}},
			want: []wantFinding{{contains: []string{"on `*`"}}},
		},
		"region glob": {
			// Attached to no role: no workload can obtain it, a warning.
			inv:  &Inventory{ManagedPolicies: []*ManagedPolicy{{Address: "aws_iam_policy.p", Document: policyDoc(allow("dynamodb:Query", "arn:aws:dynamodb:*:111122223333:table/carts"))}}},
			want: []wantFinding{{address: "aws_iam_policy.p", severity: SeverityWarning}},
		},
		"AmazonDynamoDBReadOnlyAccess attached to pod role": {
			inv:  &Inventory{Roles: []*Role{podRole()}, Attachments: []*Attachment{{Address: "aws_iam_role_policy_attachment.ro", Role: byAddr("aws_iam_role.carts"), PolicyARN: Known("arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess")}}},
			want: []wantFinding{{address: "aws_iam_role_policy_attachment.ro", contains: []string{"AWS managed policy"}}},
		},
		"exact table with index star is clean": {
			inv:  &Inventory{InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.a", byAddr("aws_iam_role.carts"), policyDoc(`{"Effect":"Allow","Action":"dynamodb:Query","Resource":["`+cartsARN+`","`+cartsARN+`/index/*"]}`))}},
			want: nil,
		},
		"metadata on star is clean": {
			inv:  &Inventory{InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.a", byAddr("aws_iam_role.carts"), policyDoc(allow("dynamodb:ListTables", "*")))}},
			want: nil,
		},
	}
	runRuleTests(t, RuleWildcardResource, tests)
}

func TestRulePI003WildcardAction(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		inv  *Inventory
		want []wantFinding
	}{
		"dynamodb star": {
			inv:  &Inventory{InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.a", byAddr("aws_iam_role.carts"), policyDoc(allow("dynamodb:*", cartsARN)))}},
			want: []wantFinding{{contains: []string{`action pattern "dynamodb:*"`}}},
		},
		"DynamoDB Get star": {
			inv:  &Inventory{InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.a", byAddr("aws_iam_role.carts"), policyDoc(allow("DynamoDB:Get*", cartsARN)))}},
			want: []wantFinding{{contains: []string{`"DynamoDB:Get*"`, "dynamodb:GetItem"}}},
		},
		"question mark": {
			inv:  &Inventory{InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.a", byAddr("aws_iam_role.carts"), policyDoc(allow("dynamodb:?etItem", cartsARN)))}},
			want: []wantFinding{{contains: []string{`"dynamodb:?etItem"`}}},
		},
		"two patterns in one statement": {
			inv:  &Inventory{InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.a", byAddr("aws_iam_role.carts"), policyDoc(`{"Effect":"Allow","Action":["dynamodb:Get*","dynamodb:Put*"],"Resource":"*"}`))}},
			want: []wantFinding{{contains: []string{`"dynamodb:Get*"`}}, {contains: []string{`"dynamodb:Put*"`}}},
		},
		"full star": {
			inv:  &Inventory{InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.a", byAddr("aws_iam_role.carts"), policyDoc(allow("*", "*")))}},
			want: []wantFinding{{contains: []string{`action pattern "*"`}}},
		},
		"AmazonDynamoDBFullAccess": {
			inv:  &Inventory{Attachments: []*Attachment{{Address: "aws_iam_role_policy_attachment.full", Role: RoleRef{Name: Known("app")}, PolicyARN: Known("arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess")}}},
			want: []wantFinding{{address: "aws_iam_role_policy_attachment.full", role: "app", contains: []string{`"dynamodb:*"`}}},
		},
		"explicit actions are clean": {
			inv:  &Inventory{InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.a", byAddr("aws_iam_role.carts"), policyDoc(`{"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:Query"],"Resource":"`+cartsARN+`"}`))}},
			want: nil,
		},
		"s3 wildcard is clean": {
			inv:  &Inventory{InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.a", byAddr("aws_iam_role.carts"), policyDoc(allow("s3:*", "*")))}},
			want: nil,
		},
	}
	runRuleTests(t, RuleWildcardAction, tests)
}

func TestRulePI004NotActionNotResource(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		inv  *Inventory
		want []wantFinding
	}{
		"NotAction": {
			inv:  &Inventory{InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.a", byAddr("aws_iam_role.carts"), policyDoc(`{"Sid":"Most","Effect":"Allow","NotAction":"iam:*","Resource":"*"}`))}},
			want: []wantFinding{{contains: []string{`statement 1 (Sid "Most") is an Allow with NotAction`}}},
		},
		"NotResource": {
			inv:  &Inventory{InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.a", byAddr("aws_iam_role.carts"), policyDoc(`{"Effect":"Allow","Action":"dynamodb:GetItem","NotResource":"arn:aws:dynamodb:*:*:table/secret"}`))}},
			want: []wantFinding{{contains: []string{"Allow with NotResource", "dynamodb:GetItem"}}},
		},
		"NotAction excluding dynamodb is clean": {
			inv:  &Inventory{InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.a", byAddr("aws_iam_role.carts"), policyDoc(`{"Effect":"Allow","NotAction":["dynamodb:*","iam:*"],"Resource":"*"}`))}},
			want: nil,
		},
		"Deny with NotAction is clean": {
			inv:  &Inventory{InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.a", byAddr("aws_iam_role.carts"), policyDoc(allow("dynamodb:GetItem", cartsARN), `{"Effect":"Deny","NotAction":"dynamodb:GetItem","Resource":"*"}`))}},
			want: nil,
		},
	}
	runRuleTests(t, RuleNotActionNotResource, tests)
}

func TestRulePI005DualUse(t *testing.T) {
	t.Parallel()
	dual := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","pods.eks.amazonaws.com"]},"Action":["sts:AssumeRole","sts:TagSession"]}]}`
	tests := map[string]struct {
		inv  *Inventory
		want []wantFinding
	}{
		"trust admits both": {
			inv:  &Inventory{Roles: []*Role{{Address: "aws_iam_role.dual", Name: Known("dual"), TrustPolicy: Document{JSON: dual}}}},
			want: []wantFinding{{address: "aws_iam_role.dual", role: "dual", contains: []string{"used for EKS Pod Identity", "trusted by ec2.amazonaws.com"}}},
		},
		"China EC2 principal in separate statement": {
			inv: &Inventory{Roles: []*Role{{Address: "aws_iam_role.dual", Name: Known("dual"), TrustPolicy: Document{JSON: `{"Statement":[` +
				`{"Effect":"Allow","Principal":{"Service":"EC2.amazonaws.com.cn"},"Action":"sts:AssumeRole"},` +
				`{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"],"Condition":{"StringEquals":{"aws:RequestTag/kubernetes-namespace":"a","aws:RequestTag/kubernetes-service-account":"b"}}}]}`}}}},
			want: []wantFinding{{contains: []string{"trusted by ec2.amazonaws.com.cn"}}},
		},
		"association on node group role": {
			inv: &Inventory{
				Roles:                   []*Role{plainRole("aws_iam_role.node", "eks-node")},
				NodeRoleFacts:           []*NodeRoleFact{{Kind: NodeRoleOfNodeGroup, Address: "aws_eks_node_group.default", Role: byAddr("aws_iam_role.node")}},
				PodIdentityAssociations: []*PodIdentityAssociation{{Address: "aws_eks_pod_identity_association.carts", Role: RoleRef{ARN: Known("arn:aws:iam::111122223333:role/eks-node")}}},
			},
			want: []wantFinding{{address: "aws_iam_role.node", contains: []string{"Pod Identity association aws_eks_pod_identity_association.carts uses it", "node role of aws_eks_node_group.default"}}},
		},
		"separate roles are clean": {
			inv:  &Inventory{Roles: []*Role{nodeRole(), podRole()}, PodIdentityAssociations: []*PodIdentityAssociation{{Address: "aws_eks_pod_identity_association.carts", Role: byAddr("aws_iam_role.carts")}}},
			want: nil,
		},
	}
	runRuleTests(t, RuleDualUseRole, tests)
}

func TestRulePI006UnscopedTrust(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		inv  *Inventory
		want []wantFinding
	}{
		"no conditions": {
			inv:  &Inventory{Roles: []*Role{{Address: "aws_iam_role.p", Name: Known("p"), TrustPolicy: Document{JSON: podsTrustUnscoped}}}},
			want: []wantFinding{{address: "aws_iam_role.p", contains: []string{"without StringEquals conditions"}}},
		},
		"namespace only": {
			inv: &Inventory{Roles: []*Role{{Address: "aws_iam_role.p", Name: Known("p"), TrustPolicy: Document{JSON: `{"Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"],` +
				`"Condition":{"StringEquals":{"aws:RequestTag/kubernetes-namespace":"carts"}}}]}`}}}},
			want: []wantFinding{{}},
		},
		"scoped is clean":  {inv: &Inventory{Roles: []*Role{podRole()}}, want: nil},
		"node role clean":  {inv: &Inventory{Roles: []*Role{nodeRole()}}, want: nil},
		"generated policy": {inv: &Inventory{Roles: []*Role{{Address: "r", Name: Known("r"), TrustPolicy: Document{JSON: mustTrustJSON(TrustOptions{Namespace: "a", ServiceAccount: "b"})}}}}, want: nil},
	}
	runRuleTests(t, RuleUnscopedTrust, tests)
}

func mustTrustJSON(o TrustOptions) string {
	p, err := PodIdentityTrustPolicy(o)
	if err != nil {
		panic(err)
	}
	return p.String()
}

func intp(i int) *int { return &i }

func TestRulePI007IMDS(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		inv  *Inventory
		want []wantFinding
	}{
		"unset":   {inv: &Inventory{NodeGroupIMDS: []*NodeGroupIMDS{{Address: "aws_eks_node_group.a", Role: RoleRef{Name: Known("eks-node")}}}}, want: []wantFinding{{address: "aws_eks_node_group.a", role: "eks-node", contains: []string{"not set"}}}},
		"two":     {inv: &Inventory{NodeGroupIMDS: []*NodeGroupIMDS{{Address: "aws_eks_node_group.a", LaunchTemplateAddress: "aws_launch_template.a", HopLimit: intp(2)}}}, want: []wantFinding{{contains: []string{"is 2", "launch template aws_launch_template.a"}}}},
		"unknown": {inv: &Inventory{NodeGroupIMDS: []*NodeGroupIMDS{{Address: "aws_eks_node_group.a", HopLimitUnknown: true}}}, want: []wantFinding{{contains: []string{"unknown until apply"}}}},
		"one":     {inv: &Inventory{NodeGroupIMDS: []*NodeGroupIMDS{{Address: "aws_eks_node_group.a", HopLimit: intp(1)}}}, want: nil},
		"off":     {inv: &Inventory{NodeGroupIMDS: []*NodeGroupIMDS{{Address: "aws_eks_node_group.a", HTTPEndpointDisabled: true}}}, want: nil},
	}
	runRuleTests(t, RuleIMDSReachable, tests)
}

func TestRulePI008UnknownAtPlan(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		inv  *Inventory
		want []wantFinding
	}{
		"unknown document on node role": {
			inv:  &Inventory{Roles: []*Role{nodeRole()}, InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.x", byAddr("aws_iam_role.node"), Document{Unknown: true, Expr: "data.aws_iam_policy_document.x.json"})}},
			want: []wantFinding{{address: "aws_iam_role_policy.x", role: "eks-node", contains: []string{"unknown until apply (data.aws_iam_policy_document.x.json)"}}},
		},
		"unknown role with data grant": {
			inv:  &Inventory{InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.x", RoleRef{Name: UnknownValue("var.role_name in module.app")}, policyDoc(allow("dynamodb:GetItem", cartsARN)))}},
			want: []wantFinding{{contains: []string{"unknown until apply (var.role_name in module.app)", "could be a node role"}}},
		},
		"unknown policy ARN on node role": {
			inv:  &Inventory{Roles: []*Role{nodeRole()}, Attachments: []*Attachment{{Address: "aws_iam_role_policy_attachment.x", Role: byAddr("aws_iam_role.node"), PolicyARN: UnknownValue("var.policy_arn")}}},
			want: []wantFinding{{contains: []string{"its ARN is unknown until apply (var.policy_arn)"}}},
		},
		"policy outside the plan on node role": {
			inv:  &Inventory{Roles: []*Role{nodeRole()}, Attachments: []*Attachment{{Address: "aws_iam_role_policy_attachment.x", Role: byAddr("aws_iam_role.node"), PolicyARN: Known("arn:aws:iam::111122223333:policy/app")}}},
			want: []wantFinding{{contains: []string{"not defined in this plan"}}},
		},
		"unknown trust with data grant": {
			inv: &Inventory{
				Roles:          []*Role{{Address: "aws_iam_role.r", Name: Known("r"), TrustPolicy: Document{Unknown: true, Expr: "var.trust"}}},
				InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.x", byAddr("aws_iam_role.r"), policyDoc(allow("dynamodb:GetItem", cartsARN)))},
			},
			want: []wantFinding{{role: "r", contains: []string{"its trust policy is unknown until apply (var.trust)"}}},
		},
		"node group with unknown role and data grant elsewhere": {
			inv: &Inventory{
				Roles:          []*Role{plainRole("aws_iam_role.app", "app")},
				NodeRoleFacts:  []*NodeRoleFact{{Kind: NodeRoleOfNodeGroup, Address: "aws_eks_node_group.x", Role: RoleRef{ARN: UnknownValue("var.node_role_arn")}}},
				InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.x", byAddr("aws_iam_role.app"), policyDoc(allow("dynamodb:GetItem", cartsARN)))},
			},
			want: []wantFinding{{address: "aws_eks_node_group.x", contains: []string{"(var.node_role_arn)", "could be `app`"}}},
		},
		"unknown document on pod role is clean": {
			inv:  &Inventory{Roles: []*Role{podRole()}, InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.x", byAddr("aws_iam_role.carts"), Document{Unknown: true, Expr: "x"})}},
			want: nil,
		},
		"unknown role without dynamodb is clean": {
			inv:  &Inventory{InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.x", RoleRef{Name: UnknownValue("var.r")}, policyDoc(allow("s3:GetObject", "*")))}},
			want: nil,
		},
	}
	runRuleTests(t, RuleUnknownAtPlan, tests)
}

func TestEvaluateAcrossPolicies(t *testing.T) {
	t.Parallel()
	allowP := MustParsePolicy(`{"Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"}}`)
	denyP := MustParsePolicy(`{"Statement":{"Effect":"Deny","Action":"dynamodb:PutItem","Resource":"arn:aws:dynamodb:*:*:table/carts"}}`)
	if got := Evaluate([]*Policy{allowP, denyP}, "dynamodb:PutItem", cartsARN); got != DecisionExplicitDeny {
		t.Errorf("PutItem: %v", got)
	}
	if got := Evaluate([]*Policy{allowP, denyP}, "dynamodb:GetItem", cartsARN); got != DecisionAllow {
		t.Errorf("GetItem: %v", got)
	}
	grants := AllowedDynamoDB([]*Policy{allowP, denyP})
	for _, g := range grants {
		if g.Action == "dynamodb:PutItem" {
			// The Deny covers only one table; the grant on "*" remains.
			return
		}
	}
	t.Error("PutItem on * was dropped by a Deny on one table")
}

func TestCheckCleanInventory(t *testing.T) {
	t.Parallel()
	gen, err := GeneratePolicy([]TableGrant{{TableARN: cartsARN, Access: AccessReadWrite, Indexes: true, Streams: true}})
	if err != nil {
		t.Fatal(err)
	}
	inv := &Inventory{
		Roles:                   []*Role{nodeRole(), podRole()},
		InlinePolicies:          []*InlinePolicy{inline("podidentity_least_privilege.carts", byAddr("aws_iam_role.carts"), Document{JSON: gen.String()})},
		Attachments:             []*Attachment{{Address: "aws_iam_role_policy_attachment.worker", Role: byAddr("aws_iam_role.node"), PolicyARN: Known("arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy")}},
		NodeRoleFacts:           []*NodeRoleFact{{Kind: NodeRoleOfNodeGroup, Address: "aws_eks_node_group.default", Role: byAddr("aws_iam_role.node")}},
		PodIdentityAssociations: []*PodIdentityAssociation{{Address: "aws_eks_pod_identity_association.carts", Role: byAddr("aws_iam_role.carts")}},
		NodeGroupIMDS:           []*NodeGroupIMDS{{Address: "aws_eks_node_group.default", HopLimit: intp(1), Role: byAddr("aws_iam_role.node")}},
	}
	if fs := Check(inv, CheckOptions{}); len(fs) != 0 {
		t.Errorf("clean inventory has findings:\n%s", findingsText(fs))
	}
	if fs := Check(&Inventory{}, CheckOptions{}); len(fs) != 0 {
		t.Errorf("empty inventory has findings")
	}
	if fs := Check(nil, CheckOptions{}); fs != nil {
		t.Errorf("nil inventory has findings")
	}
}

func TestCheckDisabledRulesAndOrder(t *testing.T) {
	t.Parallel()
	inv := &Inventory{
		Roles: []*Role{nodeRole()},
		InlinePolicies: []*InlinePolicy{
			inline("aws_iam_role_policy.b", byAddr("aws_iam_role.node"), policyDoc(allow("dynamodb:*", "*"))),
			inline("aws_iam_role_policy.a", byAddr("aws_iam_role.node"), policyDoc(allow("dynamodb:*", "*"))),
		},
	}
	all := Check(inv, CheckOptions{})
	var ids []string
	for _, f := range all {
		ids = append(ids, f.Rule+" "+f.Address)
	}
	want := []string{"PI001 aws_iam_role_policy.a", "PI001 aws_iam_role_policy.b", "PI002 aws_iam_role_policy.a", "PI002 aws_iam_role_policy.b", "PI003 aws_iam_role_policy.a", "PI003 aws_iam_role_policy.b"}
	if !slices.Equal(ids, want) {
		t.Errorf("findings %v, want %v", ids, want)
	}
	again := Check(inv, CheckOptions{})
	if findingsText(again) != findingsText(all) {
		t.Error("Check is not deterministic")
	}
	some := Check(inv, CheckOptions{DisabledRules: []string{"PI002", "pi003"}})
	for _, f := range some {
		if f.Rule != RuleNodeRoleDataGrant {
			t.Errorf("disabled rule reported: %s", f)
		}
	}
	if len(some) != 2 {
		t.Errorf("got %d findings, want 2", len(some))
	}
}

func TestRulesCatalogue(t *testing.T) {
	t.Parallel()
	rs := Rules()
	if len(rs) != 8 {
		t.Fatalf("got %d rules", len(rs))
	}
	for i, r := range rs {
		if r.ID != fmt.Sprintf("PI%03d", i+1) || r.Name == "" || r.Description == "" || r.Remediation == "" || r.HelpText == "" {
			t.Errorf("rule %d incomplete: %+v", i, r)
		}
		if r.Severity != SeverityError && r.Severity != SeverityWarning {
			t.Errorf("rule %s severity %q", r.ID, r.Severity)
		}
	}
}

// AWS managed policies are evaluated from their documents: the usual node
// policies grant no DynamoDB data access; broad ones do.
func TestAWSManagedPoliciesOnNodeRole(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		arn     string
		finding bool
	}{
		"AmazonEKSWorkerNodePolicy":          {"arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy", false},
		"AmazonEKS_CNI_Policy":               {"arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy", false},
		"AmazonEC2ContainerRegistryReadOnly": {"arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly", false},
		"AmazonSSMManagedInstanceCore":       {"arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", false},
		"CloudWatchAgentServerPolicy":        {"arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy", false},
		"AmazonS3ReadOnlyAccess":             {"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", false},
		"AmazonDynamoDBFullAccess":           {"arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess", true},
		"AmazonDynamoDBReadOnlyAccess":       {"arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess", true},
		"ReadOnlyAccess":                     {"arn:aws:iam::aws:policy/ReadOnlyAccess", true},
		"PowerUserAccess (NotAction)":        {"arn:aws:iam::aws:policy/PowerUserAccess", true},
		"AdministratorAccess":                {"arn:aws-us-gov:iam::aws:policy/AdministratorAccess", true},
		"service-role path, stream reads":    {"arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole", true},
		// Describe and list only (DescribeStream, ListStreams, DescribeTable,
		// ListTables...): no item or stream records.
		"SecurityAudit":  {"arn:aws:iam::aws:policy/SecurityAudit", false},
		"ViewOnlyAccess": {"arn:aws:iam::aws:policy/job-function/ViewOnlyAccess", false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			inv := &Inventory{Roles: []*Role{nodeRole()}, Attachments: []*Attachment{{Address: "aws_iam_role_policy_attachment.x", Role: byAddr("aws_iam_role.node"), PolicyARN: Known(tc.arn)}}}
			var pi001 []Finding
			for _, f := range Check(inv, CheckOptions{}) {
				switch f.Rule {
				case RuleNodeRoleDataGrant:
					pi001 = append(pi001, f)
				case RuleUnknownAtPlan:
					t.Errorf("unexpected %s", f)
				}
			}
			if (len(pi001) > 0) != tc.finding {
				t.Errorf("PI001 findings %v, want finding=%v", findingsText(pi001), tc.finding)
			}
		})
	}
}

// TestRulePI007IMDSv1 checks that a hop limit of 1 does not keep pods out
// when the launch template leaves IMDSv1 on: IMDSv1 requests are not bound
// by the hop limit.
func TestRulePI007IMDSv1(t *testing.T) {
	t.Parallel()
	ng := func(hop int, v1 string) *Inventory {
		return &Inventory{NodeGroupIMDS: []*NodeGroupIMDS{{Address: "aws_eks_node_group.a", HopLimit: intp(hop), IMDSv1: v1}}}
	}
	tests := map[string]struct {
		inv  *Inventory
		want []wantFinding
	}{
		"hop 1, tokens optional": {inv: ng(1, "http_tokens is optional"), want: []wantFinding{{address: "aws_eks_node_group.a", contains: []string{"http_tokens is optional", "IMDSv1", "hop limit of 1"}}}},
		"hop 1, tokens required": {inv: ng(1, ""), want: nil},
		"hop 2, tokens optional": {inv: ng(2, "http_tokens is optional"), want: []wantFinding{{contains: []string{"is 2"}}}},
	}
	runRuleTests(t, RuleIMDSReachable, tests)
}

// TestRulePI008Candidates checks that a node group whose role can only be
// one of some roles fails closed on their grants, even when those roles
// look like Pod Identity roles (which an unknown role is otherwise not
// assumed to be).
func TestRulePI008Candidates(t *testing.T) {
	t.Parallel()
	unknownRole := RoleRef{Name: UnknownValue("aws_eks_node_group.a.node_role_arn"), ARN: UnknownValue("aws_eks_node_group.a.node_role_arn")}
	inv := func(cands ...RoleRef) *Inventory {
		return &Inventory{
			Roles:          []*Role{podRole()},
			InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.carts", byAddr("aws_iam_role.carts"), policyDoc(allow("dynamodb:GetItem", "arn:aws:dynamodb:us-west-2:111122223333:table/carts")))},
			NodeRoleFacts:  []*NodeRoleFact{{Kind: NodeRoleOfNodeGroup, Address: "aws_eks_node_group.a", Role: unknownRole, Candidates: cands}},
		}
	}
	tests := map[string]struct {
		inv  *Inventory
		want []wantFinding
	}{
		"candidate pod role": {inv: inv(byAddr("aws_iam_role.carts")), want: []wantFinding{{address: "aws_eks_node_group.a", contains: []string{"`carts`", "unknown until apply"}}}},
		"no candidates":      {inv: inv(), want: nil},
		"other candidate":    {inv: inv(byAddr("aws_iam_role.other")), want: nil},
	}
	runRuleTests(t, RuleUnknownAtPlan, tests)
}
