package leastpriv

import (
	"sort"
	"strings"
)

// NodeRoleAssumable marks a role that a node role can assume (its trust
// admits the node role): every pod on the nodes can then get its
// credentials, so its grants are node-role grants.
const NodeRoleAssumable NodeRoleKind = "assumable_by_node_role"

// Workload roles: roles that workloads on the cluster can obtain. The
// policy-shape rules (PI002-PI004) are errors on them and warnings
// elsewhere (Rule.Severity, Rule.SeverityElsewhere).

// isWorkloadRole reports whether workloads on the cluster can obtain the
// role: a node role (node group, Auto Mode, instance profile, EC2 access
// entry, Fargate pod execution role, EC2 trust, or assumable by one of
// those), a Pod Identity role (trust admits pods.eks.amazonaws.com, or a
// Pod Identity association uses it), an IRSA role (trust admits a web
// identity through an OIDC provider), a role one of those can assume, or
// a role whose trust policy is unknown or not in the plan (fail closed).
func (c *checker) isWorkloadRole(ri *roleInfo) bool {
	c.computeWorkloadRoles()
	return c.workload[ri]
}

// computeWorkloadRoles fills c.workload once.
func (c *checker) computeWorkloadRoles() {
	if c.workload != nil {
		return
	}
	c.workload = map[*roleInfo]bool{}
	for _, ri := range c.roles {
		switch {
		case ri.isNodeRole(), len(ri.podIDAssoc) > 0:
			c.workload[ri] = true
		case ri.trust == nil:
			// Trust unknown until apply, unparsable, or a role the plan
			// only refers to: it could be any of the above.
			c.workload[ri] = true
		case AdmitsPodIdentity(ri.trust), admitsWebIdentity(ri.trust):
			c.workload[ri] = true
		}
	}
	// Roles that workload roles can assume, to a fixed point.
	for changed := true; changed; {
		changed = false
		for _, ri := range c.roles {
			if c.workload[ri] || ri.trust == nil {
				continue
			}
			if via, _ := c.assumableBy(ri, c.workload); via != nil {
				c.workload[ri] = true
				changed = true
			}
		}
	}
}

// admitsWebIdentity reports whether the trust policy lets a federated
// OIDC identity (IRSA: oidc.eks.REGION.amazonaws.com/id/...) assume the
// role with sts:AssumeRoleWithWebIdentity.
func admitsWebIdentity(trust *Policy) bool {
	for i := range trust.Statements {
		st := &trust.Statements[i]
		if st.Effect != EffectAllow || st.Principal == nil || !st.MatchesAction("sts:AssumeRoleWithWebIdentity") {
			continue
		}
		if st.Principal.Wildcard || len(st.Principal.Values["Federated"]) > 0 {
			return true
		}
		for _, v := range st.Principal.Values["AWS"] {
			if v == "*" {
				return true
			}
		}
	}
	return false
}

// propagateNodeReach adds NodeRoleAssumable evidence to every role that a
// node role can assume, to a fixed point (a role assumable by such a role
// is reachable from the nodes too): its trust admits a node role by ARN or
// name, admits every AWS principal ("*"), or admits the node role's
// account while the node role's policies allow sts:AssumeRole on it. A
// role whose trust is unknown until apply counts when the configuration
// of its trust policy refers to a node role.
func (c *checker) propagateNodeReach() {
	for changed := true; changed; {
		changed = false
		nodes := map[*roleInfo]bool{}
		for _, ri := range c.roles {
			if ri.isNodeRole() {
				nodes[ri] = true
			}
		}
		for _, ri := range c.roles {
			if ri.isNodeRole() {
				continue
			}
			var via *roleInfo
			var how string
			if ri.trust != nil {
				via, how = c.assumableBy(ri, nodes)
			} else if ri.role != nil && ri.trustExpr != "" {
				for _, ref := range ri.role.TrustReferences {
					if n, _ := c.resolve(ref); n != nil && nodes[n] {
						via, how = n, "its trust policy (unknown until apply) is built from node role `"+n.key+"`"
						break
					}
				}
			}
			if via == nil {
				continue
			}
			src := via.address()
			if src == "" {
				src = via.key
			}
			ri.evidence = append(ri.evidence, NodeRoleEvidence{Kind: NodeRoleAssumable, Source: src, Detail: how})
			changed = true
		}
	}
}

// assumableBy returns a role of from that can assume ri through ri's trust
// policy, and how. Most trust policies name only service principals: the
// sorted list of candidates is built only for "*" and account principals.
func (c *checker) assumableBy(ri *roleInfo, from map[*roleInfo]bool) (*roleInfo, string) {
	var sorted []*roleInfo
	cands := func() []*roleInfo {
		if sorted == nil {
			sorted = make([]*roleInfo, 0, len(from))
			for r := range from {
				if r != ri {
					sorted = append(sorted, r)
				}
			}
			sort.Slice(sorted, func(i, j int) bool { return sorted[i].key < sorted[j].key })
		}
		return sorted
	}
	in := func(n *roleInfo) bool { return n != nil && n != ri && from[n] }
	for i := range ri.trust.Statements {
		st := &ri.trust.Statements[i]
		if st.Effect != EffectAllow || st.Principal == nil || !st.MatchesAction("sts:AssumeRole") {
			continue
		}
		if st.Principal.Wildcard {
			if cs := cands(); len(cs) > 0 {
				return cs[0], "its trust policy admits every principal (\"*\")"
			}
			continue
		}
		for _, v := range st.Principal.Values["AWS"] {
			switch {
			case v == "*":
				if cs := cands(); len(cs) > 0 {
					return cs[0], "its trust policy admits every AWS principal (\"*\")"
				}
			case isAccountPrincipal(v):
				for _, n := range cands() {
					if c.mayAssume(n, ri) {
						return n, "its trust policy admits account " + v + " and the policies of `" + n.key + "` allow sts:AssumeRole on it"
					}
				}
			case strings.Contains(v, "${"):
				// A principal unknown until apply: the roles its
				// configuration refers to.
				if ri.role == nil {
					continue
				}
				for _, ref := range ri.role.TrustReferences {
					if n, _ := c.resolve(ref); in(n) {
						return n, "its trust policy admits `" + n.key + "` (" + v + ", unknown until apply)"
					}
				}
			default:
				n := c.byARN[v]
				if n == nil {
					name := RoleNameFromARN(v)
					if name == "" {
						name = v
					}
					n = c.byName[name]
				}
				if in(n) {
					return n, "its trust policy admits `" + n.key + "`"
				}
			}
		}
	}
	return nil, ""
}

// isAccountPrincipal reports whether an AWS principal names a whole
// account: "123456789012" or "arn:PARTITION:iam::123456789012:root".
func isAccountPrincipal(v string) bool {
	if isDigits(v) {
		return true
	}
	a, err := ParseARN(v)
	return err == nil && a.Service == "iam" && a.Resource == "root"
}

// mayAssume reports whether the known policies of role n may allow
// sts:AssumeRole on role target. An unknown or unreadable policy of n may
// allow anything.
func (c *checker) mayAssume(n, target *roleInfo) bool {
	arn := ""
	if target.role != nil && !target.role.ARN.Unknown {
		arn = target.role.ARN.Value
	}
	if c.reachesOf == nil {
		c.reachesOf = map[*roleInfo][]*reach{}
		for _, r := range c.reaches {
			c.reachesOf[r.role] = append(c.reachesOf[r.role], r)
		}
	}
	for _, r := range c.reachesOf[n] {
		if r.doc == nil || r.doc.err != nil {
			return true
		}
		p := r.doc.policy
		for i := range p.Statements {
			st := &p.Statements[i]
			if st.Effect != EffectAllow || !st.MatchesAction("sts:AssumeRole") {
				continue
			}
			if arn == "" {
				// The target's ARN is unknown: any Resource naming a role
				// may be it.
				return true
			}
			if st.MatchesResource(arn) {
				return true
			}
		}
	}
	return false
}

// partitionOf returns the partition of the role's ARN, else the only
// partition of the ARNs the inventory knows, else "" (any partition).
func (c *checker) partitionOf(ri *roleInfo) string {
	if ri != nil && ri.role != nil && !ri.role.ARN.Unknown {
		if a, err := ParseARN(ri.role.ARN.Value); err == nil {
			return a.Partition
		}
	}
	if !c.partitionDone {
		c.partitionDone = true
		seen := map[string]bool{}
		add := func(v Value) {
			if v.Unknown || v.Value == "" {
				return
			}
			if a, err := ParseARN(v.Value); err == nil && !hasGlob(a.Partition) {
				seen[a.Partition] = true
			}
		}
		for _, r := range c.inv.Roles {
			if r != nil {
				add(r.ARN)
			}
		}
		for _, at := range c.inv.Attachments {
			if at != nil {
				add(at.PolicyARN)
			}
		}
		for _, mp := range c.inv.ManagedPolicies {
			if mp != nil {
				add(mp.ARN)
			}
		}
		if len(seen) == 1 {
			for p := range seen {
				c.partition = strings.ToLower(p)
			}
		}
	}
	return c.partition
}
