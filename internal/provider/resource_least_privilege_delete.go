package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// delete removes the association, the inline policy and (unless brownfield)
// the role. Not found is done. A role that something else attached managed
// policies to is refused before anything is deleted, so that a destroy
// never stops half-way on DeleteConflict.
func (r *leastPrivilegeResource) delete(ctx context.Context, state *leastPrivilegeResourceModel) diag.Diagnostics {
	var diags diag.Diagnostics
	c := r.client
	cluster, assocID, roleName := state.ClusterName.ValueString(), state.AssociationID.ValueString(), state.RoleName.ValueString()
	if !state.brownfield() && roleName != "" {
		if err := checkNothingAttached(ctx, c.IAM, roleName); err != nil {
			diags.AddError(attachedSummary, err.Error())
			return diags
		}
	}
	if assocID != "" {
		if err := deleteAssociation(ctx, c.EKS, cluster, assocID); err != nil {
			diags.AddError("deleting EKS Pod Identity Association", fmt.Sprintf("EKS Pod Identity Association (%s,%s): %s", cluster, assocID, err))
			return diags
		}
	}
	if roleName == "" {
		return diags
	}
	if err := deleteRolePolicy(ctx, c.IAM, roleName); err != nil {
		diags.AddError("deleting IAM Role Policy", fmt.Sprintf("IAM Role Policy (%s:%s): %s", roleName, policyName, err))
		return diags
	}
	if state.brownfield() {
		return diags
	}
	if err := deleteRole(ctx, c.IAM, roleName); err != nil {
		detail := fmt.Sprintf("IAM Role (%s): %s", roleName, err)
		if isAWSErr[*iamtypes.DeleteConflictException](err) {
			detail += "\n\nSomething outside this resource attached policies or instance profiles to the role. Detach them, then destroy again."
		}
		diags.AddError("deleting IAM Role", detail)
	}
	return diags
}

// checkNothingAttached fails when managed policies are attached to the
// role: they are not this resource's to detach (they may grant what another
// team relies on), and DeleteRole would refuse after the association and
// the inline policy were already gone. The plan of a destroy or a
// replacement checks the same (planDestroy); this catches a policy
// attached between the plan and the apply.
func checkNothingAttached(ctx context.Context, conn *iam.Client, roleName string) error {
	arns, err := attachedPolicies(ctx, conn, roleName)
	if isAccessDenied(err) {
		// A destroy must not need more than the writes it makes: without
		// iam:ListAttachedRolePolicies, DeleteRole still reports the
		// conflict, only later.
		tflog.Warn(ctx, "not allowed to list the role's managed policies; not checked before deleting", map[string]any{"role": roleName})
		return nil
	}
	if err != nil {
		return err
	}
	if len(arns) == 0 {
		return nil
	}
	return errors.New(attachedDetail(roleName, arns))
}

// attachedPolicies lists the ARNs of the managed policies attached to a
// role; none when the role is gone.
func attachedPolicies(ctx context.Context, conn *iam.Client, roleName string) ([]string, error) {
	var arns []string
	p := iam.NewListAttachedRolePoliciesPaginator(conn, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(roleName)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if isAWSErr[*iamtypes.NoSuchEntityException](err) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("listing the managed policies of IAM Role (%s): %w", roleName, err)
		}
		for _, a := range page.AttachedPolicies {
			arns = append(arns, aws.ToString(a.PolicyArn))
		}
	}
	return arns, nil
}

const attachedSummary = "Role Has Policies Attached Outside Terraform"

// attachedDetail says which managed policies stop a destroy, and the ways
// out.
func attachedDetail(roleName string, arns []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "IAM role %s has managed policies attached outside this resource: %s. "+
		"Destroying the resource deletes the role, which IAM refuses while they are attached, and they are not this resource's to detach (they may grant what someone else relies on). Nothing was deleted.\n\n"+
		"To destroy the role, detach them first (or remove them from the configuration that attached them), then plan again:\n", roleName, strings.Join(arns, ", "))
	for _, a := range arns {
		fmt.Fprintf(&b, "  aws iam detach-role-policy --role-name %s --policy-arn %s\n", roleName, a)
	}
	b.WriteString("\nTo keep the role and what is attached to it, stop managing the resource instead of destroying it: " +
		"a removed block with lifecycle { destroy = false } (Terraform 1.7+, OpenTofu 1.7+), or terraform state rm. " +
		"For a replacement (cluster_name, role_name or role_path changed), put the argument back.")
	return b.String()
}

// isAccessDenied reports IAM's AccessDenied and EKS's AccessDeniedException.
func isAccessDenied(err error) bool {
	var api interface{ ErrorCode() string }
	return errors.As(err, &api) && strings.HasPrefix(api.ErrorCode(), "AccessDenied")
}

// planDestroy fails the plan of a destroy or a replacement of state when
// the role it would delete has managed policies attached outside this
// resource, before anything is deleted. Only such plans call
// ListAttachedRolePolicies; a refresh makes no extra call.
func (r *leastPrivilegeResource) planDestroy(ctx context.Context, state *leastPrivilegeResourceModel, diags *diag.Diagnostics) {
	roleName := state.RoleName.ValueString()
	if r.client == nil || state.brownfield() || roleName == "" {
		return
	}
	arns, err := attachedPolicies(ctx, r.client.IAM, roleName)
	switch {
	case isAccessDenied(err):
		tflog.Warn(ctx, "not allowed to list the role's managed policies; not checked at plan", map[string]any{"role": roleName})
	case err != nil:
		diags.AddWarning("Checking IAM Role", err.Error()+". The apply checks again before deleting anything.")
	case len(arns) > 0:
		diags.AddError(attachedSummary, attachedDetail(roleName, arns))
	}
}

func deleteRolePolicy(ctx context.Context, conn *iam.Client, roleName string) error {
	_, err := conn.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(roleName), PolicyName: aws.String(policyName)})
	if isAWSErr[*iamtypes.NoSuchEntityException](err) {
		return nil
	}
	return err
}

func deleteRole(ctx context.Context, conn *iam.Client, roleName string) error {
	_, err := conn.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(roleName)})
	if isAWSErr[*iamtypes.NoSuchEntityException](err) {
		return nil
	}
	return err
}

func deleteAssociation(ctx context.Context, conn *eks.Client, cluster, assocID string) error {
	_, err := conn.DeletePodIdentityAssociation(ctx, &eks.DeletePodIdentityAssociationInput{ClusterName: aws.String(cluster), AssociationId: aws.String(assocID)})
	if isAWSErr[*ekstypes.ResourceNotFoundException](err) {
		return nil
	}
	return err
}
