package leastpriv

import "testing"

// TestRulePI007SelfManaged checks which autoscaling groups PI007 treats as
// self-managed EKS node groups: a kubernetes.io/cluster/ tag, or a role
// with an EC2_LINUX/EC2_WINDOWS access entry or a managed node group; not
// an instance profile alone, nor a HYBRID_LINUX access entry. Unknown
// launch templates and tags fail closed.
func TestRulePI007SelfManaged(t *testing.T) {
	t.Parallel()
	role := func(name string) RoleRef { return RoleRef{Name: Known(name)} }
	asg := func(m NodeGroupIMDS) *Inventory {
		m.Address, m.SelfManaged = "aws_autoscaling_group.a", true
		if m.LaunchTemplateUnknown == "" {
			m.LaunchTemplateAddress = "aws_launch_template.a"
		}
		facts := []*NodeRoleFact{
			{Kind: NodeRoleInInstanceProfile, Address: "aws_iam_instance_profile.p", Role: role("profile-only")},
			{Kind: NodeRoleInInstanceProfile, Address: "aws_iam_instance_profile.w", Role: role("windows")},
			{Kind: NodeRoleOfAccessEntry, Address: "aws_eks_access_entry.w", Role: role("windows"), Detail: "EC2_WINDOWS"},
			{Kind: NodeRoleOfAccessEntry, Address: "aws_eks_access_entry.h", Role: role("hybrid"), Detail: "HYBRID_LINUX"},
			{Kind: NodeRoleOfAccessEntry, Address: "aws_eks_access_entry.s", Role: role("admin"), Detail: "STANDARD"},
			{Kind: NodeRoleOfNodeGroup, Address: "aws_eks_node_group.n", Role: role("managed")},
		}
		return &Inventory{NodeRoleFacts: facts, NodeGroupIMDS: []*NodeGroupIMDS{&m}}
	}
	tests := map[string]struct {
		inv  *Inventory
		want []wantFinding
	}{
		"EC2_WINDOWS access entry": {
			inv:  asg(NodeGroupIMDS{Role: role("windows"), HopLimit: intp(2)}),
			want: []wantFinding{{address: "aws_autoscaling_group.a", role: "windows", contains: []string{"self-managed node group", "aws_eks_access_entry.w (EC2_WINDOWS)", "is 2"}}},
		},
		"managed node group role": {
			inv:  asg(NodeGroupIMDS{Role: role("managed"), HopLimit: intp(1), IMDSv1: "http_tokens is optional"}),
			want: []wantFinding{{role: "managed", contains: []string{"node role of aws_eks_node_group.n", "http_tokens is optional"}}},
		},
		"cluster tag": {
			inv:  asg(NodeGroupIMDS{Role: role("profile-only"), ClusterTag: "kubernetes.io/cluster/prod"}),
			want: []wantFinding{{contains: []string{"tag kubernetes.io/cluster/prod", "not set"}}},
		},
		"instance profile only": {inv: asg(NodeGroupIMDS{Role: role("profile-only"), HopLimit: intp(2)}), want: nil},
		"hybrid entry":          {inv: asg(NodeGroupIMDS{Role: role("hybrid"), HopLimit: intp(2)}), want: nil},
		"standard entry":        {inv: asg(NodeGroupIMDS{Role: role("admin"), HopLimit: intp(2)}), want: nil},
		"no role":               {inv: asg(NodeGroupIMDS{HopLimit: intp(3)}), want: nil},
		"EKS and hop limit 1":   {inv: asg(NodeGroupIMDS{Role: role("windows"), HopLimit: intp(1)}), want: nil},
		"EKS and endpoint off":  {inv: asg(NodeGroupIMDS{Role: role("windows"), HTTPEndpointDisabled: true}), want: nil},
		"unknown tags, hop 1":   {inv: asg(NodeGroupIMDS{HopLimit: intp(1), EKSUnknown: "the tags of aws_autoscaling_group.a are unknown until apply"}), want: nil},
		"unknown tags, hop 2": {
			inv:  asg(NodeGroupIMDS{Role: role("profile-only"), HopLimit: intp(2), EKSUnknown: "the tags of aws_autoscaling_group.a are unknown until apply"}),
			want: []wantFinding{{contains: []string{"may be a self-managed EKS node group", "the tags of aws_autoscaling_group.a are unknown until apply", "is 2"}}},
		},
		"unknown launch template": {
			inv:  asg(NodeGroupIMDS{LaunchTemplateUnknown: "the id and name of launch_template[0] are unknown until apply"}),
			want: []wantFinding{{contains: []string{"may be a self-managed EKS node group", "launch_template[0] are unknown until apply"}}},
		},
		"unknown launch template, tagged group": {
			inv:  asg(NodeGroupIMDS{ClusterTag: "kubernetes.io/cluster/prod", LaunchTemplateUnknown: "the id and name of launch_template[0] are unknown until apply"}),
			want: []wantFinding{{contains: []string{"Pods on self-managed node group", "tag kubernetes.io/cluster/prod", "cannot be told at plan time"}}},
		},
	}
	runRuleTests(t, RuleIMDSReachable, tests)
}
