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
			diags.AddError("Role Has Policies Attached Outside Terraform", err.Error())
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
// the inline policy were already gone.
func checkNothingAttached(ctx context.Context, conn *iam.Client, roleName string) error {
	out, err := conn.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(roleName)})
	if isAccessDenied(err) {
		// A destroy must not need more than the writes it makes: without
		// iam:ListAttachedRolePolicies, DeleteRole still reports the
		// conflict, only later.
		tflog.Warn(ctx, "not allowed to list the role's managed policies; not checked before deleting", map[string]any{"role": roleName})
		return nil
	}
	if isAWSErr[*iamtypes.NoSuchEntityException](err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("listing the managed policies of IAM Role (%s): %w", roleName, err)
	}
	if len(out.AttachedPolicies) == 0 {
		return nil
	}
	var arns []string
	for _, p := range out.AttachedPolicies {
		arns = append(arns, aws.ToString(p.PolicyArn))
	}
	return fmt.Errorf("IAM role %s has managed policies attached outside this resource: %s. Nothing was deleted. "+
		"Detach them (aws iam detach-role-policy --role-name %s --policy-arn ARN), or remove them from the configuration that attached them, then destroy again",
		roleName, strings.Join(arns, ", "), roleName)
}

// isAccessDenied reports IAM's AccessDenied and EKS's AccessDeniedException.
func isAccessDenied(err error) bool {
	var api interface{ ErrorCode() string }
	return errors.As(err, &api) && strings.HasPrefix(api.ErrorCode(), "AccessDenied")
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
