package leastpriv

// This file is the contract between the two halves of the checker:
//
//   - the plan reader (package tfplan) turns `terraform show -json`
//     output into an Inventory, resolving references through the plan's
//     configuration wherever values are unknown;
//   - the rules (rules.go and friends) evaluate an Inventory and return
//     Findings.
//
// Module authors may also build an Inventory by hand in their Go tests.

// Value is a string that may be unknown until apply. When Unknown is true,
// Value is empty and Expr says what was unknown, for messages (for example
// "aws_iam_role.node.name" or "var.role_name in module.nodes").
type Value struct {
	Value   string `json:"value,omitempty"`
	Unknown bool   `json:"unknown,omitempty"`
	Expr    string `json:"expr,omitempty"`
}

// Known returns a known Value.
func Known(s string) Value { return Value{Value: s} }

// UnknownValue returns an unknown Value described by expr.
func UnknownValue(expr string) Value { return Value{Unknown: true, Expr: expr} }

// IsNull reports whether the value is known and empty.
func (v Value) IsNull() bool { return !v.Unknown && v.Value == "" }

// RoleRef identifies an IAM role from the point of view of something that
// refers to it (a policy attachment, a node group, an access entry...).
// Any of the fields may be set. Address is the resource address of the
// role's own resource (for example "module.nodes.aws_iam_role.this[0]") when
// the reference could be resolved through the configuration; Name and ARN
// carry the literal values when they are known.
type RoleRef struct {
	Address string `json:"address,omitempty"`
	Name    Value  `json:"name"`
	ARN     Value  `json:"arn"`
}

// Document is a policy document that may be unknown until apply.
type Document struct {
	JSON    string `json:"json,omitempty"`
	Unknown bool   `json:"unknown,omitempty"`
	Expr    string `json:"expr,omitempty"`
}

// Inventory is everything the rules look at: roles, the policies that reach
// them, and the facts that make a role a node role.
type Inventory struct {
	Roles                   []*Role                   `json:"roles,omitempty"`
	ManagedPolicies         []*ManagedPolicy          `json:"managed_policies,omitempty"`
	InlinePolicies          []*InlinePolicy           `json:"inline_policies,omitempty"`
	Attachments             []*Attachment             `json:"attachments,omitempty"`
	NodeRoleFacts           []*NodeRoleFact           `json:"node_role_facts,omitempty"`
	PodIdentityAssociations []*PodIdentityAssociation `json:"pod_identity_associations,omitempty"`
	NodeGroupIMDS           []*NodeGroupIMDS          `json:"node_group_imds,omitempty"`
	// ExclusiveAttachments lists roles whose managed policy attachments are
	// managed exclusively (aws_iam_role_policy_attachments_exclusive); the
	// attachments themselves also appear in Attachments.
}

// Role is an IAM role.
type Role struct {
	Address     string   `json:"address"`
	Name        Value    `json:"name"`
	ARN         Value    `json:"arn"`
	TrustPolicy Document `json:"trust_policy"`
	// PermissionsBoundary is the ARN of the role's permissions boundary
	// (empty when it has none); PermissionsBoundaryAddress the
	// aws_iam_policy resource address when the ARN was resolved through
	// the configuration. The role may only do what both its identity
	// policies and the boundary allow. A boundary whose document cannot
	// be read (unknown ARN or document, a policy outside the plan) limits
	// nothing as far as the rules can tell.
	PermissionsBoundary        Value  `json:"permissions_boundary,omitzero"`
	PermissionsBoundaryAddress string `json:"permissions_boundary_address,omitempty"`
	// TrustReferences lists, when the trust policy is unknown until
	// apply (or holds ${...} placeholders for values unknown until
	// apply), the roles its configuration refers to (a principal built
	// from aws_iam_role.node.arn or a module's node role output): a node
	// role among them can assume the role.
	TrustReferences []RoleRef `json:"trust_references,omitempty"`
}

// ManagedPolicy is a customer managed policy defined in the plan
// (aws_iam_policy). AWS managed policies are not listed: the rules look them
// up by ARN in the embedded catalogue of AWS managed policies.
type ManagedPolicy struct {
	Address  string   `json:"address"`
	Name     Value    `json:"name"`
	ARN      Value    `json:"arn"`
	Document Document `json:"document"`
}

// InlinePolicy is a policy embedded in a role: aws_iam_role_policy, an
// inline_policy block of aws_iam_role, a policy of
// aws_iam_role_policies_exclusive, or this provider's
// podidentity_least_privilege.
type InlinePolicy struct {
	Address  string   `json:"address"`
	Role     RoleRef  `json:"role"`
	Document Document `json:"document"`
}

// Attachment attaches a managed policy (customer or AWS managed) to a role:
// aws_iam_role_policy_attachment, aws_iam_policy_attachment,
// aws_iam_role_policy_attachments_exclusive, managed_policy_arns of
// aws_iam_role. PolicyAddress is the aws_iam_policy resource address when
// the ARN was resolved through the configuration.
type Attachment struct {
	Address       string  `json:"address"`
	Role          RoleRef `json:"role"`
	PolicyARN     Value   `json:"policy_arn"`
	PolicyAddress string  `json:"policy_address,omitempty"`
}

// NodeRoleKind says how a role was identified as an EKS node role.
type NodeRoleKind string

// The ways a role can be a node role, besides trusting EC2.
const (
	NodeRoleOfNodeGroup       NodeRoleKind = "node_group"       // aws_eks_node_group.node_role_arn
	NodeRoleOfAutoMode        NodeRoleKind = "auto_mode"        // aws_eks_cluster.compute_config.node_role_arn
	NodeRoleInInstanceProfile NodeRoleKind = "instance_profile" // aws_iam_instance_profile.role
	NodeRoleOfAccessEntry     NodeRoleKind = "access_entry"     // aws_eks_access_entry with type EC2_LINUX, EC2_WINDOWS or HYBRID_LINUX
	NodeRoleOfFargateProfile  NodeRoleKind = "fargate_profile"  // aws_eks_fargate_profile.pod_execution_role_arn
	NodeRoleTrustsEC2         NodeRoleKind = "trusts_ec2"       // derived from the trust policy; not set by plan readers
)

// NodeRoleFact records that a resource makes a role a node role.
// Address is the resource that establishes the fact (the node group, the
// access entry...); Detail is free text for messages (for example the
// access entry type).
type NodeRoleFact struct {
	Kind    NodeRoleKind `json:"kind"`
	Address string       `json:"address"`
	Role    RoleRef      `json:"role"`
	Detail  string       `json:"detail,omitempty"`
	// Candidates are the roles an unknown Role can only be one of, when
	// the plan narrows it down (a role with several instances picked by
	// an index the plan cannot evaluate). Grants to any of them are
	// reported as possible node-role grants (PI008).
	Candidates []RoleRef `json:"candidates,omitempty"`
}

// PodIdentityAssociation is an EKS Pod Identity association
// (aws_eks_pod_identity_association or podidentity_least_privilege).
type PodIdentityAssociation struct {
	Address        string  `json:"address"`
	ClusterName    Value   `json:"cluster_name"`
	Namespace      Value   `json:"namespace"`
	ServiceAccount Value   `json:"service_account"`
	Role           RoleRef `json:"role"`
}

// NodeGroupIMDS describes how a node group's launch template exposes the
// instance metadata service to pods: an EKS managed node group
// (aws_eks_node_group) or, with SelfManaged, an autoscaling group that may
// be a self-managed node group. HopLimit nil means unset (AWS's default
// of 2 for EKS-optimised launch templates lets pods reach IMDS).
type NodeGroupIMDS struct {
	Address               string `json:"address"`
	LaunchTemplateAddress string `json:"launch_template_address,omitempty"`
	HopLimit              *int   `json:"hop_limit,omitempty"`
	HopLimitUnknown       bool   `json:"hop_limit_unknown,omitempty"`
	HTTPEndpointDisabled  bool   `json:"http_endpoint_disabled,omitempty"`
	// LaunchTemplateUnknown is set when the node group has a launch
	// template that cannot be told at plan time, and says why.
	LaunchTemplateUnknown string `json:"launch_template_unknown,omitempty"`
	// LaunchTemplateCandidates lists, when the launch template cannot be
	// told at plan time but is one of the templates the plan creates (its
	// id is unknown until apply, so it comes from a resource the plan
	// creates or replaces) and every one of those keeps IMDS from pods,
	// those templates: HopLimit, HTTPEndpointDisabled and IMDSv1 then hold
	// for all of them.
	LaunchTemplateCandidates []string `json:"launch_template_candidates,omitempty"`
	// IMDSv1 is set when the launch template leaves IMDSv1 on (http_tokens
	// "optional", not set, or unknown until apply) and says why: IMDSv1
	// requests are not bound by the hop limit, so pods reach IMDS whatever
	// it is. Empty when IMDSv2 is required (or not known to be optional).
	IMDSv1 string `json:"imdsv1,omitempty"`
	// Role is the node role: the node group's, or for a self-managed group
	// the role of its launch template's instance profile (empty when the
	// profile is not in the plan).
	Role RoleRef `json:"role"`
	// SelfManaged marks an autoscaling group (aws_autoscaling_group with a
	// launch template) that may be a self-managed node group. The rules
	// only check it when it runs EKS nodes: ClusterTag is set, or Role is
	// the principal of an EC2_LINUX or EC2_WINDOWS access entry (or the
	// node role of a managed node group). When neither holds and
	// EKSUnknown or LaunchTemplateUnknown is set, they fail closed.
	SelfManaged bool `json:"self_managed,omitempty"`
	// ClusterTag is the key of a kubernetes.io/cluster/ tag on the
	// autoscaling group or its launch template (tags, tag_specifications).
	ClusterTag string `json:"cluster_tag,omitempty"`
	// EKSUnknown says what cannot be told at plan time about whether a
	// self-managed group runs EKS nodes (tags or instance profile unknown
	// until apply).
	EKSUnknown string `json:"eks_unknown,omitempty"`
}
