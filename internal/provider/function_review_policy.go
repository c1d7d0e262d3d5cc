package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

var _ function.Function = (*reviewPolicyFunction)(nil)

// The addresses the reviewed documents get in findings' messages.
const (
	reviewRoleName   = "reviewed-role"
	reviewRoleAddr   = "reviewed_role"
	reviewPolicyAddr = "reviewed_policy"
)

// reviewFindingAttrTypes are the attributes of one finding review_policy
// returns.
var reviewFindingAttrTypes = map[string]attr.Type{
	"message":     types.StringType,
	"name":        types.StringType,
	"remediation": types.StringType,
	"rule":        types.StringType,
	"severity":    types.StringType,
}

// NewReviewPolicyFunction returns the review_policy function: the findings
// of leastpriv's rules for one role, given its identity policy and its
// trust policy, for precondition and check blocks of modules that keep the
// AWS provider's IAM resources.
func NewReviewPolicyFunction() function.Function {
	return &reviewPolicyFunction{}
}

type reviewPolicyFunction struct{}

func (f *reviewPolicyFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "review_policy"
}

func (f *reviewPolicyFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Reviews a role's identity policy and trust policy with the least-privilege rules of podidentity-check.",
		MarkdownDescription: "Reviews one IAM role, given its identity policy and its trust policy, with the rules `podidentity-check` applies to plans " +
			"and returns the findings as a list of objects with the attributes `rule` (for example `PI001`), `name`, `severity` (`error` or `warning`), `message` and `remediation`. " +
			"An empty list means the role passes. Use it in `precondition`, `postcondition` and `check` blocks of modules that create the role with the AWS provider's own resources, " +
			"for example `length([for f in provider::podidentity::review_policy(data.aws_iam_policy_document.app.json, aws_iam_role.app.assume_role_policy) : f if f.severity == \"error\"]) == 0`.\n\n" +
			"The rules that can be told from the two documents apply: a trust policy that admits `ec2.amazonaws.com` makes the role a node role, so DynamoDB data access on it is `PI001`, " +
			"and if it also admits `pods.eks.amazonaws.com` the role is `PI005`; wildcard resources and actions and `NotAction`/`NotResource` are `PI002` to `PI004`; " +
			"a Pod Identity trust without namespace and service account conditions is `PI006`. " +
			"Facts outside the documents (node groups, instance profiles and access entries that use the role, launch templates) are not known to the function: " +
			"run `podidentity-check` on the plan to see them.\n\n" +
			"The function fails when a document is not a valid IAM policy.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "policy",
				MarkdownDescription: "The role's identity policy JSON, for example `data.aws_iam_policy_document.app.json` or `provider::podidentity::dynamodb_policy(...)`.",
			},
			function.StringParameter{
				Name:           "trust_policy",
				AllowNullValue: true,
				MarkdownDescription: "The role's trust (assume role) policy JSON, for example `aws_iam_role.app.assume_role_policy`. " +
					"`null` reviews the identity policy alone.",
			},
		},
		Return: function.ListReturn{ElementType: types.ObjectType{AttrTypes: reviewFindingAttrTypes}},
	}
}

func (f *reviewPolicyFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var policy string
	var trust types.String
	resp.Error = function.ConcatFuncErrors(req.Arguments.Get(ctx, &policy, &trust))
	if resp.Error != nil {
		return
	}
	findings, argErr := reviewPolicy(policy, trust.ValueString())
	if argErr != nil {
		resp.Error = argErr
		return
	}
	elems := make([]attr.Value, 0, len(findings))
	for _, fd := range findings {
		elems = append(elems, types.ObjectValueMust(reviewFindingAttrTypes, map[string]attr.Value{
			"message":     types.StringValue(fd.Message),
			"name":        types.StringValue(ruleName(fd.Rule)),
			"remediation": types.StringValue(fd.Remediation),
			"rule":        types.StringValue(fd.Rule),
			"severity":    types.StringValue(fd.Severity),
		}))
	}
	list, diags := types.ListValue(types.ObjectType{AttrTypes: reviewFindingAttrTypes}, elems)
	if diags.HasError() {
		resp.Error = function.FuncErrorFromDiags(ctx, diags)
		return
	}
	resp.Error = resp.Result.Set(ctx, list)
}

// reviewPolicy runs leastpriv's rules on an inventory of one role with the
// trust policy trust (none when empty) and one inline policy. The error
// names the argument that is not a valid policy.
func reviewPolicy(policy, trust string) ([]leastpriv.Finding, *function.FuncError) {
	if _, err := leastpriv.ParsePolicy(policy); err != nil {
		return nil, function.NewArgumentFuncError(0, "Invalid IAM Policy: "+strings.TrimSuffix(oneLineText(err.Error()), "."))
	}
	role := &leastpriv.Role{Address: reviewRoleAddr, Name: leastpriv.Known(reviewRoleName)}
	if trust != "" {
		if _, err := leastpriv.ParsePolicy(trust); err != nil {
			return nil, function.NewArgumentFuncError(1, "Invalid IAM Trust Policy: "+strings.TrimSuffix(oneLineText(err.Error()), "."))
		}
		role.TrustPolicy = leastpriv.Document{JSON: trust}
	}
	inv := &leastpriv.Inventory{
		Roles: []*leastpriv.Role{role},
		InlinePolicies: []*leastpriv.InlinePolicy{{
			Address:  reviewPolicyAddr,
			Role:     leastpriv.RoleRef{Address: reviewRoleAddr, Name: leastpriv.Known(reviewRoleName)},
			Document: leastpriv.Document{JSON: policy},
		}},
	}
	return leastpriv.Check(inv, leastpriv.CheckOptions{}), nil
}

// ruleName is the name of the rule with the given ID.
func ruleName(id string) string {
	for _, r := range leastpriv.Rules() {
		if r.ID == id {
			return r.Name
		}
	}
	return ""
}

func oneLineText(s string) string { return strings.Join(strings.Fields(s), " ") }
