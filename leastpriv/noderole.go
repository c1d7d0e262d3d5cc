package leastpriv

import (
	"fmt"
	"strings"
)

// NodeRoleEvidence is one reason a role is an EKS node role. The provider
// builds it from AWS look-ups, the rules from the Inventory.
type NodeRoleEvidence struct {
	Kind NodeRoleKind
	// Source names what establishes the fact, for example
	// "node group default in cluster eks-workshop",
	// "aws_eks_node_group.default", or for NodeRoleTrustsEC2 the service
	// principal "ec2.amazonaws.com".
	Source string
	// Detail is optional extra text, for example the access entry type
	// "EC2_LINUX".
	Detail string
}

// String renders the evidence as a phrase that completes "Role X is the
// ...", for example "node role of node group default in cluster
// eks-workshop" or "trusted by ec2.amazonaws.com".
func (e NodeRoleEvidence) String() string {
	var s string
	switch e.Kind {
	case NodeRoleOfNodeGroup:
		s = "node role of " + e.Source
	case NodeRoleOfAutoMode:
		s = "EKS Auto Mode node role of " + e.Source
	case NodeRoleInInstanceProfile:
		s = "role of instance profile " + e.Source
	case NodeRoleOfAccessEntry:
		s = "node role of access entry " + e.Source
	case NodeRoleOfFargateProfile:
		s = "pod execution role of Fargate profile " + e.Source
	case NodeRoleTrustsEC2:
		return "trusted by " + e.Source
	case NodeRoleAssumable:
		s = "role assumable by node role " + e.Source
	default:
		s = fmt.Sprintf("node role (%s) of %s", e.Kind, e.Source)
	}
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

// NodeRoleMessage is the shared wording, for the provider and the rules,
// of "this role is a node role, do not grant pod permissions to it". For
// example, with a node group and EC2 trust:
//
//	summary: "Role Is an EKS Node Role"
//	detail:  "Role `eks-node` is the node role of node group default in cluster
//	          eks-workshop (trusted by ec2.amazonaws.com). Every pod on those nodes
//	          would get this access. Let the resource create a dedicated role, or
//	          name a role that only pods.eks.amazonaws.com can assume."
func NodeRoleMessage(roleName string, ev []NodeRoleEvidence) (summary, detail string) {
	summary = "Role Is an EKS Node Role"
	var b strings.Builder
	fmt.Fprintf(&b, "Role `%s` is %s.", roleName, nodeRolePhrase(ev))
	b.WriteString(" Every pod on those nodes would get this access. Let the resource create a dedicated role, or name a role that only " +
		PodIdentityServicePrincipal + " can assume.")
	return summary, b.String()
}

// nodeRolePhrase completes "Role X is ...": "the node role of A and role of
// instance profile B (trusted by ec2.amazonaws.com)", or, with EC2 trust
// only, "a node role: it is trusted by ec2.amazonaws.com, so EC2 instances
// (EKS nodes) can use it".
func nodeRolePhrase(ev []NodeRoleEvidence) string {
	var facts, trust []string
	seen := map[string]bool{}
	for _, e := range ev {
		s := e.String()
		if seen[s] {
			continue
		}
		seen[s] = true
		if e.Kind == NodeRoleTrustsEC2 {
			trust = append(trust, s)
		} else {
			facts = append(facts, s)
		}
	}
	switch {
	case len(facts) > 0 && len(trust) > 0:
		return "the " + joinAnd(facts) + " (" + joinAnd(trust) + ")"
	case len(facts) > 0:
		return "the " + joinAnd(facts)
	case len(trust) > 0:
		return "a node role: it is " + joinAnd(trust) + ", so EC2 instances (EKS nodes) can use it"
	default:
		return "a node role"
	}
}

func joinAnd(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	case 2:
		return s[0] + " and " + s[1]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// EC2Evidence turns EC2TrustReasons into evidence.
func EC2Evidence(trust *Policy) []NodeRoleEvidence {
	var out []NodeRoleEvidence
	for _, r := range EC2TrustReasons(trust) {
		out = append(out, NodeRoleEvidence{Kind: NodeRoleTrustsEC2, Source: strings.TrimPrefix(r, "trusted by ")})
	}
	return out
}
