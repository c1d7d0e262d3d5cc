package awsemu

import (
	"fmt"
	"strings"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

// Authorisation of DynamoDB calls (the other services authorise nothing:
// any signed request may call IAM, STS, EKS and EKS Auth).
//
// The caller's identity policies are evaluated with leastpriv.Evaluate: a
// role session's role, or a seeded user: inline policies, attached customer
// managed policies (their default version) and AWS managed policies (the
// catalogue embedded in leastpriv). An explicit Deny wins, then an Allow,
// else the request is implicitly denied. A permissions boundary, when set,
// must allow the request too. Conditions are not evaluated: a statement
// with a Condition never allows, and a Deny with a Condition applies (the
// emulator fails closed). The administrator (unknown long-term keys) is
// allowed everything. Denials answer AWS's AccessDeniedException messages.

// authorize reports whether p may perform action on resource; when not, it
// answers AccessDeniedException and returns false.
func (c *call) authorize(p principal, action, resource string) bool {
	if p.kind == principalAdmin {
		return true
	}
	var inline map[string]string
	var attached []string
	boundary := ""
	switch {
	case p.user != nil:
		inline, attached, boundary = p.user.InlinePolicies, p.user.AttachedPolicyARNs, p.user.PermissionsBoundary
	case p.role != nil:
		inline, attached, boundary = p.role.InlinePolicies, p.role.AttachedPolicyARNs, p.role.PermissionsBoundary
	}
	var identity []*leastpriv.Policy
	for _, doc := range inline {
		if pol, err := leastpriv.ParsePolicy(doc); err == nil {
			identity = append(identity, pol)
		}
	}
	for _, arn := range attached {
		if pol := c.managedPolicyDoc(arn); pol != nil {
			identity = append(identity, pol)
		}
	}
	deny := func(why string) bool {
		c.fail("AccessDeniedException", 400, fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s %s", p.arn, action, resource, why))
		return false
	}
	switch evaluate(identity, action, resource) {
	case leastpriv.DecisionExplicitDeny:
		return deny("with an explicit deny in an identity-based policy")
	case leastpriv.DecisionAllow:
	default:
		return deny("because no identity-based policy allows the " + action + " action")
	}
	if boundary != "" {
		var b []*leastpriv.Policy
		if pol := c.managedPolicyDoc(boundary); pol != nil {
			b = append(b, pol)
		}
		switch evaluate(b, action, resource) {
		case leastpriv.DecisionExplicitDeny:
			return deny("with an explicit deny in a permissions boundary")
		case leastpriv.DecisionAllow:
		default:
			return deny("because no permissions boundary allows the " + action + " action")
		}
	}
	return true
}

// evaluate adapts leastpriv.Evaluate (a reviewer's view, which cannot
// evaluate conditions) to a request: conditional Allows do not allow and
// conditional Denies deny.
func evaluate(policies []*leastpriv.Policy, action, resource string) leastpriv.Decision {
	d := leastpriv.Evaluate(policies, action, resource)
	if d != leastpriv.DecisionConditionalAllow {
		return d
	}
	for _, p := range policies {
		for i := range p.Statements {
			st := &p.Statements[i]
			if st.Effect == leastpriv.EffectDeny && st.MatchesAction(action) && st.MatchesResource(resource) {
				return leastpriv.DecisionExplicitDeny
			}
		}
	}
	return leastpriv.DecisionImplicitDeny
}

// managedPolicyDoc parses a customer managed policy's default version, or
// an AWS managed policy from leastpriv's catalogue; nil when unknown.
func (c *call) managedPolicyDoc(arn string) *leastpriv.Policy {
	if leastpriv.IsAWSManagedPolicyARN(arn) {
		pol, found, err := leastpriv.AWSManagedPolicy(arn)
		if !found || err != nil {
			return nil
		}
		return pol
	}
	mp := c.st.policies[arn]
	if mp == nil {
		return nil
	}
	pol, err := leastpriv.ParsePolicy(mp.Document)
	if err != nil {
		return nil
	}
	return pol
}

// tableARN is the ARN of a table named (or given by ARN) in a request.
func (st *state) tableARN(nameOrARN string) string {
	if strings.HasPrefix(nameOrARN, "arn:") {
		return nameOrARN
	}
	return fmt.Sprintf("arn:%s:dynamodb:%s:%s:table/%s", st.partition, st.region, st.acct, nameOrARN)
}
