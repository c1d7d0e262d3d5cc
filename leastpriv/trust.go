package leastpriv

import (
	"fmt"
	"strings"
)

// PodIdentityServicePrincipal is the service principal EKS Pod Identity
// uses to assume roles, in every partition.
const PodIdentityServicePrincipal = "pods.eks.amazonaws.com"

// Session tag condition keys EKS Pod Identity sets (unless session tags are
// disabled on the association).
const (
	TagClusterARN     = "aws:RequestTag/eks-cluster-arn"
	TagNamespace      = "aws:RequestTag/kubernetes-namespace"
	TagServiceAccount = "aws:RequestTag/kubernetes-service-account"
)

// TrustScope says who may use a Pod Identity role.
type TrustScope string

// Trust scopes.
const (
	// TrustScopeServiceAccount (the default) restricts the role to one
	// namespace and service account (and cluster, when ClusterARN is set)
	// with conditions on the session tags EKS Pod Identity sets.
	TrustScopeServiceAccount TrustScope = "service_account"
	// TrustScopeAccount lets any Pod Identity association in the account
	// use the role; who gets it is then decided only by who may create
	// associations.
	TrustScopeAccount TrustScope = "account"
)

// TrustOptions configures PodIdentityTrustPolicy.
type TrustOptions struct {
	// Partition is checked against ClusterARN's partition when both are
	// set; the service principal is pods.eks.amazonaws.com in every
	// partition.
	Partition string
	// ClusterARN, when set in service_account scope, adds a condition on
	// aws:RequestTag/eks-cluster-arn. The cluster ARN also fixes the
	// account, so no aws:SourceAccount condition is added: the EKS user
	// guide documents the session-tag conditions for Pod Identity roles.
	ClusterARN     string
	Namespace      string
	ServiceAccount string
	Scope          TrustScope
	// DisableSessionTags mirrors the association's disable_session_tags.
	DisableSessionTags bool
}

// PodIdentityTrustPolicy returns the trust policy of a Pod Identity role:
// one statement "AllowEksAuthToAssumeRoleForPodIdentity" that lets
// pods.eks.amazonaws.com call sts:AssumeRole and sts:TagSession. In
// service_account scope it adds StringEquals conditions on
// aws:RequestTag/kubernetes-namespace and
// aws:RequestTag/kubernetes-service-account (and
// aws:RequestTag/eks-cluster-arn when ClusterARN is set). It fails in
// service_account scope when session tags are disabled, because then the
// conditions could never match.
func PodIdentityTrustPolicy(o TrustOptions) (*Policy, error) {
	scope := o.Scope
	if scope == "" {
		scope = TrustScopeServiceAccount
	}
	if scope != TrustScopeServiceAccount && scope != TrustScopeAccount {
		return nil, &ValidationError{Summary: "Invalid Trust Scope", Detail: fmt.Sprintf("Trust scope %q is not one of \"service_account\", \"account\".", string(scope))}
	}
	if o.ClusterARN != "" {
		a, err := ParseARN(o.ClusterARN)
		if err != nil || a.Service != "eks" || !strings.HasPrefix(a.Resource, "cluster/") || hasGlob(o.ClusterARN) {
			return nil, &ValidationError{
				Summary: "Invalid EKS Cluster ARN",
				Detail:  fmt.Sprintf("%q is not the ARN of an EKS cluster.", o.ClusterARN),
				Hint:    "Use the cluster's ARN, for example arn:aws:eks:us-east-1:111122223333:cluster/eks-workshop (aws_eks_cluster.this.arn).",
			}
		}
		if o.Partition != "" && a.Partition != o.Partition {
			return nil, &ValidationError{Summary: "Partition Mismatch", Detail: fmt.Sprintf("Cluster ARN %q is in partition %q, not %q.", o.ClusterARN, a.Partition, o.Partition)}
		}
	}
	st := podIdentityStatement()
	if scope == TrustScopeServiceAccount {
		if o.DisableSessionTags {
			return nil, &ValidationError{
				Summary: "Trust Conditions Can Never Match",
				Detail: "The trust scope \"service_account\" restricts the role with conditions on the session tags " + TagNamespace + " and " + TagServiceAccount +
					", but session tags are disabled for the association, so EKS Pod Identity sends no tags: the conditions could never match and no pod could assume the role.",
				Hint: "Enable session tags (disable_session_tags = false), or set the trust scope to \"account\" to let any Pod Identity association in the account use the role.",
			}
		}
		if err := ValidateKubernetesName("namespace", o.Namespace); err != nil {
			return nil, err
		}
		if err := ValidateKubernetesName("service_account", o.ServiceAccount); err != nil {
			return nil, err
		}
		eq := map[string][]string{
			TagNamespace:      {o.Namespace},
			TagServiceAccount: {o.ServiceAccount},
		}
		if o.ClusterARN != "" {
			eq[TagClusterARN] = []string{o.ClusterARN}
		}
		st.Condition = map[string]map[string][]string{"StringEquals": eq}
	}
	return &Policy{Version: PolicyVersion, Statements: []Statement{st}}, nil
}

func podIdentityStatement() Statement {
	return Statement{
		Sid:       "AllowEksAuthToAssumeRoleForPodIdentity",
		Effect:    EffectAllow,
		Principal: &Principal{Values: map[string][]string{"Service": {PodIdentityServicePrincipal}}},
		Action:    []string{"sts:AssumeRole", "sts:TagSession"},
	}
}

// serviceStatements returns the Allow statements whose Principal names
// one of the given service principals (case-insensitively).
func serviceStatements(p *Policy, services ...string) []*Statement {
	if p == nil {
		return nil
	}
	var out []*Statement
	for i := range p.Statements {
		st := &p.Statements[i]
		if st.Effect != EffectAllow || st.Principal == nil {
			continue
		}
		if _, ok := principalService(st.Principal, services...); ok {
			out = append(out, st)
		}
	}
	return out
}

func principalService(pr *Principal, services ...string) (string, bool) {
	for _, v := range pr.Values["Service"] {
		for _, s := range services {
			if strings.EqualFold(v, s) {
				return strings.ToLower(v), true
			}
		}
	}
	return "", false
}

// AdmitsPodIdentity reports whether the trust policy lets
// pods.eks.amazonaws.com assume the role (sts:AssumeRole).
func AdmitsPodIdentity(trust *Policy) bool {
	for _, st := range serviceStatements(trust, PodIdentityServicePrincipal) {
		if st.MatchesAction("sts:AssumeRole") {
			return true
		}
	}
	return false
}

// TrustsPodIdentity reports whether the trust policy lets EKS Pod Identity
// use the role: pods.eks.amazonaws.com must be allowed both sts:AssumeRole
// and sts:TagSession. When it is not, needed is the statement to add, as
// canonical JSON.
func TrustsPodIdentity(trust *Policy) (ok bool, needed string) {
	assume, tag := false, false
	for _, st := range serviceStatements(trust, PodIdentityServicePrincipal) {
		assume = assume || st.MatchesAction("sts:AssumeRole")
		tag = tag || st.MatchesAction("sts:TagSession")
	}
	if assume && tag {
		return true, ""
	}
	return false, statementJSON(podIdentityStatement())
}

// ec2Principals are the EC2 service principals of the partitions: the
// China regions use the ".cn" form in older trust policies.
var ec2Principals = []string{"ec2.amazonaws.com", "ec2.amazonaws.com.cn"}

// EC2TrustReasons returns why a trust policy makes a role usable by EC2
// instances, which makes it a node role candidate: one entry per EC2
// service principal allowed sts:AssumeRole, for example
// "trusted by ec2.amazonaws.com". The principal may be written as a
// string or inside a list, in any case, in any partition's form. It returns
// nil when EC2 cannot assume the role.
//
// Principal "*" matches every principal, AWS services included, so it
// admits ec2.amazonaws.com: "trusted by every principal (\"*\")". So does
// an Allow with a NotPrincipal that does not name the EC2 service.
// {"AWS": "*"} names every AWS account's IAM principals, not service
// principals, and is not node trust. An unconditional Deny of
// sts:AssumeRole to the EC2 service (by name or by "*") takes the EC2
// trust away; a Deny with a Condition does not.
//
// ssm.amazonaws.com (hybrid node activations) and
// rolesanywhere.amazonaws.com are deliberately not treated as node trust:
// many roles that are not node roles trust them. Hybrid node roles are
// recognised through their access entry (NodeRoleOfAccessEntry with type
// HYBRID_LINUX) instead.
func EC2TrustReasons(trust *Policy) []string {
	if trust == nil {
		return nil
	}
	// denied[i]: ec2Principals[i] is denied sts:AssumeRole unconditionally.
	var denied [2]bool
	for i := range trust.Statements {
		st := &trust.Statements[i]
		if st.Effect == EffectAllow || st.Principal == nil || st.HasCondition() || !st.MatchesAction("sts:AssumeRole") {
			continue
		}
		for j, s := range ec2Principals {
			if st.Principal.Wildcard || principalNames(st.Principal, s) {
				denied[j] = true
			}
		}
	}
	var out []string
	seen := map[string]bool{}
	for i := range trust.Statements {
		st := &trust.Statements[i]
		if st.Effect != EffectAllow || !st.MatchesAction("sts:AssumeRole") {
			continue
		}
		switch {
		case st.Principal != nil && st.Principal.Wildcard:
			if !denied[0] || !denied[1] {
				if r := `trusted by every principal ("*")`; !seen[r] {
					seen[r] = true
					out = append(out, r)
				}
			}
			continue
		case st.Principal == nil && st.NotPrincipal != nil:
			for j, s := range ec2Principals {
				if !denied[j] && !st.NotPrincipal.Wildcard && !principalNames(st.NotPrincipal, s) {
					if r := "trusted by every principal but its NotPrincipal, " + s + " included"; !seen[r] {
						seen[r] = true
						out = append(out, r)
					}
					break
				}
			}
			continue
		case st.Principal == nil:
			continue
		}
		for _, v := range st.Principal.Values["Service"] {
			for j, s := range ec2Principals {
				if strings.EqualFold(v, s) && !seen[s] && !denied[j] {
					seen[s] = true
					out = append(out, "trusted by "+s)
				}
			}
		}
	}
	return out
}

// principalNames reports whether pr names service principal s.
func principalNames(pr *Principal, s string) bool {
	for _, v := range pr.Values["Service"] {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// trustHasServiceAccountConditions reports whether every statement that
// admits Pod Identity restricts namespace and service account.
func trustHasServiceAccountConditions(trust *Policy) bool {
	sts := serviceStatements(trust, PodIdentityServicePrincipal)
	if len(sts) == 0 {
		return true
	}
	for _, st := range sts {
		ns, sa := false, false
		for op, keys := range st.Condition {
			if strings.HasPrefix(op, "ForAnyValue:") || strings.HasSuffix(op, "IfExists") {
				continue
			}
			for k := range keys {
				ns = ns || strings.EqualFold(k, TagNamespace)
				sa = sa || strings.EqualFold(k, TagServiceAccount)
			}
		}
		if !ns || !sa {
			return false
		}
	}
	return true
}
