package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

// read refreshes state with at most three reads: DescribePodIdentityAssociation
// (tags included), GetRole (tags and boundary included) and GetRolePolicy.
// gone is non-empty when the resource no longer exists and must leave state.
func (r *leastPrivilegeResource) read(ctx context.Context, m *leastPrivilegeResourceModel) (gone string, drift driftFlags, diags diag.Diagnostics) {
	c := r.client
	cluster := m.ClusterName.ValueString()
	importing := m.RoleName.IsNull() || m.RoleName.ValueString() == ""

	var assoc *ekstypes.PodIdentityAssociation
	if id := m.AssociationID.ValueString(); id != "" {
		a, err := findPodIdentityAssociationByTwoPartKey(ctx, c.EKS, cluster, id)
		switch {
		case isNotFound(err) && importing:
			return fmt.Sprintf("EKS Pod Identity Association %s,%s does not exist.", cluster, id), drift, diags
		case isNotFound(err):
			// The next plan re-creates it (Update).
			m.AssociationID, m.AssociationARN, m.ID = types.StringNull(), types.StringNull(), types.StringNull()
		case err != nil:
			diags.AddError("reading EKS Pod Identity Association", fmt.Sprintf("EKS Pod Identity Association (%s,%s): %s", cluster, id, err))
			return "", drift, diags
		default:
			assoc = a
		}
	}

	if importing {
		if assoc == nil {
			diags.AddError("Cannot Import", "Import needs the association: use CLUSTER,ASSOCIATION_ID.")
			return "", drift, diags
		}
		m.Namespace = types.StringValue(aws.ToString(assoc.Namespace))
		m.ServiceAccount = types.StringValue(aws.ToString(assoc.ServiceAccount))
		roleARN := aws.ToString(assoc.RoleArn)
		m.RoleName = types.StringValue(roleARN[strings.LastIndex(roleARN, "/")+1:])
	}

	roleName := m.RoleName.ValueString()
	role, err := findRoleByName(ctx, c.IAM, roleName)
	if isNotFound(err) {
		if m.brownfield() {
			return fmt.Sprintf("IAM Role %s (existing_role_name) no longer exists. The resource is removed from state; the next plan creates the association again once the role is back, or fails the checks if it is not.", roleName), drift, diags
		}
		return fmt.Sprintf("IAM Role %s no longer exists (deleted outside Terraform). The resource is removed from state and the next plan creates the role, its policy and the association again.", roleName), drift, diags
	}
	if err != nil {
		diags.AddError("reading IAM Role", fmt.Sprintf("IAM Role (%s): %s", roleName, err))
		return "", drift, diags
	}
	if importing {
		if strings.HasPrefix(roleTag(role, ownerTagKey), cluster+"/") {
			m.ExistingRoleName = types.StringNull()
		} else {
			m.ExistingRoleName = types.StringValue(roleName)
		}
	}

	if assoc != nil {
		m.AssociationARN = types.StringValue(aws.ToString(assoc.AssociationArn))
		m.ID = types.StringValue(cluster + "," + aws.ToString(assoc.AssociationId))
		m.TargetRoleARN = nullIfEmpty(aws.ToString(assoc.TargetRoleArn))
		m.DisableSessionTags = types.BoolValue(aws.ToBool(assoc.DisableSessionTags))
		if aws.ToString(assoc.RoleArn) != aws.ToString(role.Arn) {
			drift.AssociationRole = true
		}
		if m.ClusterARN.IsNull() || m.ClusterARN.IsUnknown() {
			m.ClusterARN = types.StringValue(clusterARNFromAssociationARN(aws.ToString(assoc.AssociationArn), cluster))
		}
	}

	setRoleAttributes(m, role)
	trustDoc := aws.ToString(role.AssumeRolePolicyDocument)
	m.TrustPolicyJSON = keepEquivalent(m.TrustPolicyJSON, trustDoc)
	if m.brownfield() {
		if m.RolePath.IsNull() {
			m.RolePath = types.StringValue(defaultRolePath)
		}
		if m.MaxSessionDuration.IsNull() {
			m.MaxSessionDuration = types.Int64Value(defaultMaxSessionDuration)
		}
		if m.TrustScope.IsNull() {
			m.TrustScope = types.StringValue(string(leastpriv.TrustScopeServiceAccount))
		}
		var remote map[string]string
		if assoc != nil {
			remote = assoc.Tags
		} else {
			remote = tagsFromModel(ctx, m.TagsAll, &diags)
		}
		setTags(ctx, m, remote, c.DefaultTags, &diags)
	} else {
		m.RolePath = types.StringValue(aws.ToString(role.Path))
		m.RoleDescription = nullIfEmpty(aws.ToString(role.Description))
		m.MaxSessionDuration = types.Int64Value(int64(aws.ToInt32(role.MaxSessionDuration)))
		if role.PermissionsBoundary != nil {
			m.PermissionsBoundary = nullIfEmpty(aws.ToString(role.PermissionsBoundary.PermissionsBoundaryArn))
		} else {
			m.PermissionsBoundary = types.StringNull()
		}
		if importing || m.TrustScope.IsNull() {
			m.TrustScope = types.StringValue(string(inferTrustScope(trustDoc)))
		}
		remote := map[string]string{}
		for _, t := range role.Tags {
			if k := aws.ToString(t.Key); k != ownerTagKey {
				remote[k] = aws.ToString(t.Value)
			}
		}
		setTags(ctx, m, remote, c.DefaultTags, &diags)
		if assoc != nil && !tagsEqual(assoc.Tags, remote) {
			drift.AssociationTags = true
		}
	}

	doc, err := findRolePolicyByTwoPartKey(ctx, c.IAM, roleName, policyName)
	switch {
	case isNotFound(err):
		m.PolicyJSON = types.StringNull() // the next plan puts it back
	case err != nil:
		diags.AddError("reading IAM Role Policy", fmt.Sprintf("IAM Role Policy (%s:%s): %s", roleName, policyName, err))
		return "", drift, diags
	default:
		m.PolicyJSON = keepEquivalent(m.PolicyJSON, doc)
		if importing {
			if grants, ok := grantsFromPolicy(ctx, doc); ok {
				list, d := types.ListValueFrom(ctx, types.ObjectType{AttrTypes: tableGrantAttrTypes}, grants)
				diags.Append(d...)
				m.DynamoDBTables = list
			} else {
				diags.AddWarning("Tables Not Reconstructed",
					fmt.Sprintf("The inline policy %s of role %s was not generated by this resource (or was edited since), so dynamodb_tables could not be read back from it. Write dynamodb_tables in the configuration; the next apply replaces the policy with the generated one.", policyName, roleName))
			}
		}
	}
	if importing && m.DynamoDBTables.IsNull() {
		m.DynamoDBTables = types.ListNull(types.ObjectType{AttrTypes: tableGrantAttrTypes})
	}
	return "", drift, diags
}

// inferTrustScope tells the two scopes apart on import.
func inferTrustScope(trustDoc string) leastpriv.TrustScope {
	p, err := leastpriv.ParsePolicy(trustDoc)
	if err != nil {
		return leastpriv.TrustScopeServiceAccount
	}
	for _, st := range p.Statements {
		for _, keys := range st.Condition {
			for k := range keys {
				if strings.EqualFold(k, leastpriv.TagNamespace) || strings.EqualFold(k, leastpriv.TagServiceAccount) {
					return leastpriv.TrustScopeServiceAccount
				}
			}
		}
	}
	return leastpriv.TrustScopeAccount
}

// clusterARNFromAssociationARN derives the cluster ARN from
// arn:PARTITION:eks:REGION:ACCOUNT:podidentityassociation/CLUSTER/ID.
func clusterARNFromAssociationARN(assocARN, cluster string) string {
	prefix, _, ok := strings.Cut(assocARN, ":podidentityassociation/")
	if !ok {
		return ""
	}
	return prefix + ":cluster/" + cluster
}

// setTags sets tags_all to what AWS has and tags to the part of it that is
// not inherited from default_tags (keys the configuration sets are kept
// even when a default has the same value).
func setTags(ctx context.Context, m *leastPrivilegeResourceModel, remote, defaults map[string]string, diags *diag.Diagnostics) {
	prior := tagsFromModel(ctx, m.Tags, diags)
	own := map[string]string{}
	for k, v := range remote {
		if _, configured := prior[k]; configured {
			own[k] = v
			continue
		}
		if dv, ok := defaults[k]; ok && dv == v {
			continue
		}
		own[k] = v
	}
	m.TagsAll = mapValue(remote)
	if len(own) == 0 && m.Tags.IsNull() {
		return
	}
	m.Tags = mapValue(own)
}

func tagsFromModel(ctx context.Context, v types.Map, diags *diag.Diagnostics) map[string]string {
	return stringMap(ctx, v, diags)
}

func tagsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func nullIfEmpty(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// update changes in place what AWS allows. A namespace or service account
// move never leaves a moment without credentials:
//
//  1. the trust policy admits both the old and the new service account,
//  2. the new association is created,
//  3. the old association is deleted,
//  4. the trust policy is narrowed to the new service account.
//
// It returns the state to save: the plan on success, and on failure the
// prior state with what was done.
func (r *leastPrivilegeResource) update(ctx context.Context, plan, state *leastPrivilegeResourceModel, drift driftFlags) (*leastPrivilegeResourceModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	c := r.client
	cur := *state
	cluster, roleName := plan.ClusterName.ValueString(), plan.RoleName.ValueString()
	ns, sa := plan.Namespace.ValueString(), plan.ServiceAccount.ValueString()
	oldNS, oldSA := state.Namespace.ValueString(), state.ServiceAccount.ValueString()
	moved := ns != oldNS || sa != oldSA
	brownfield := plan.brownfield()
	fail := func(summary, detail string) (*leastPrivilegeResourceModel, diag.Diagnostics) {
		diags.AddError(summary, detail)
		return &cur, diags
	}

	planTags := stringMap(ctx, plan.TagsAll, &diags)
	stateTags := stringMap(ctx, state.TagsAll, &diags)

	if !brownfield {
		if !plan.RoleDescription.Equal(state.RoleDescription) || !plan.MaxSessionDuration.Equal(state.MaxSessionDuration) {
			if _, err := c.IAM.UpdateRole(ctx, &iam.UpdateRoleInput{
				RoleName:           aws.String(roleName),
				Description:        aws.String(plan.RoleDescription.ValueString()),
				MaxSessionDuration: aws.Int32(int32(plan.MaxSessionDuration.ValueInt64())),
			}); err != nil {
				return fail("updating IAM Role", fmt.Sprintf("IAM Role (%s): %s", roleName, err))
			}
			cur.RoleDescription, cur.MaxSessionDuration = plan.RoleDescription, plan.MaxSessionDuration
		}
		if !plan.PermissionsBoundary.Equal(state.PermissionsBoundary) {
			var err error
			if v := plan.PermissionsBoundary.ValueString(); v != "" {
				_, err = c.IAM.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String(roleName), PermissionsBoundary: aws.String(v)})
			} else {
				_, err = c.IAM.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String(roleName)})
				if isAWSErr[*iamtypes.NoSuchEntityException](err) {
					err = nil
				}
			}
			if err != nil {
				return fail("updating IAM Role permissions boundary", fmt.Sprintf("IAM Role (%s): %s", roleName, err))
			}
			cur.PermissionsBoundary = plan.PermissionsBoundary
		}
		// Role tags, with the ownership tag following a move.
		want := copyMap(planTags)
		want[ownerTagKey] = ownerTagValue(cluster, ns, sa)
		have := copyMap(stateTags)
		have[ownerTagKey] = ownerTagValue(cluster, oldNS, oldSA)
		if add, remove := tagDiff(have, want); len(add)+len(remove) > 0 {
			if len(remove) > 0 {
				if _, err := c.IAM.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String(roleName), TagKeys: remove}); err != nil {
					return fail("untagging IAM Role", fmt.Sprintf("IAM Role (%s): %s", roleName, err))
				}
			}
			if len(add) > 0 {
				if _, err := c.IAM.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String(roleName), Tags: iamTags(add)}); err != nil {
					return fail("tagging IAM Role", fmt.Sprintf("IAM Role (%s): %s", roleName, err))
				}
			}
		}
	}

	if !plan.PolicyJSON.Equal(state.PolicyJSON) {
		if _, err := c.IAM.PutRolePolicy(ctx, &iam.PutRolePolicyInput{
			RoleName: aws.String(roleName), PolicyName: aws.String(policyName), PolicyDocument: aws.String(plan.PolicyJSON.ValueString()),
		}); err != nil {
			return fail("updating IAM Role Policy", fmt.Sprintf("IAM Role Policy (%s:%s): %s", roleName, policyName, err))
		}
		cur.PolicyJSON = plan.PolicyJSON
	}

	newTrust := plan.TrustPolicyJSON.ValueString()
	trustChanged := !brownfield && !plan.TrustPolicyJSON.Equal(state.TrustPolicyJSON)
	assocMissing := state.AssociationID.IsNull() || state.AssociationID.ValueString() == ""
	if trustChanged {
		doc := newTrust
		if moved && !assocMissing && !state.TrustPolicyJSON.IsNull() {
			// Step 1: admit both while the association moves.
			t, err := transitionTrustJSON(state.TrustPolicyJSON.ValueString(), newTrust)
			if err != nil {
				return fail("updating IAM Role trust policy", fmt.Sprintf("IAM Role (%s): %s", roleName, err))
			}
			doc = t
		}
		if _, err := c.IAM.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(roleName), PolicyDocument: aws.String(doc)}); err != nil {
			return fail("updating IAM Role trust policy", fmt.Sprintf("IAM Role (%s): %s", roleName, err))
		}
		cur.TrustPolicyJSON = types.StringValue(doc)
		if doc == newTrust {
			trustChanged = false
		}
	}

	roleARN := plan.RoleARN.ValueString()
	if roleARN == "" {
		roleARN = state.RoleARN.ValueString()
	}
	switch {
	case assocMissing || moved:
		input := &eks.CreatePodIdentityAssociationInput{
			ClusterName: aws.String(cluster), Namespace: aws.String(ns), ServiceAccount: aws.String(sa),
			RoleArn: aws.String(roleARN), Tags: planTags,
		}
		if v := plan.TargetRoleARN.ValueString(); v != "" {
			input.TargetRoleArn = aws.String(v)
		}
		if plan.DisableSessionTags.ValueBool() {
			input.DisableSessionTags = aws.Bool(true)
		}
		assoc, err := createAssociation(ctx, c.EKS, input)
		if isAWSErr[*ekstypes.ResourceInUseException](err) {
			if existing, ferr := findAssociationForServiceAccount(ctx, c.EKS, cluster, ns, sa); ferr == nil && aws.ToString(existing.RoleArn) == roleARN {
				assoc, err = existing, nil
			}
		}
		if err != nil {
			return fail("creating EKS Pod Identity Association",
				fmt.Sprintf("EKS Pod Identity Association (cluster %s, namespace %s, service account %s, role %s): %s", cluster, ns, sa, roleARN, err))
		}
		oldID := state.AssociationID.ValueString()
		if moved && oldID != "" {
			if err := deleteAssociation(ctx, c.EKS, cluster, oldID); err != nil {
				// State keeps the old association, which still exists; the
				// next apply moves again and adopts the new one, which
				// already points at this role.
				return fail("deleting EKS Pod Identity Association",
					fmt.Sprintf("EKS Pod Identity Association (%s,%s), the one for namespace %s, service account %s: %s\n\nThe new association %s exists; the next apply completes the move.",
						cluster, oldID, oldNS, oldSA, err, aws.ToString(assoc.AssociationId)))
			}
		}
		setAssociationAttributes(&cur, assoc)
		cur.Namespace, cur.ServiceAccount = plan.Namespace, plan.ServiceAccount
		cur.TargetRoleARN, cur.DisableSessionTags = plan.TargetRoleARN, plan.DisableSessionTags
	default:
		if !plan.TargetRoleARN.Equal(state.TargetRoleARN) || !plan.DisableSessionTags.Equal(state.DisableSessionTags) || drift.AssociationRole {
			input := &eks.UpdatePodIdentityAssociationInput{
				ClusterName: aws.String(cluster), AssociationId: aws.String(state.AssociationID.ValueString()),
				RoleArn: aws.String(roleARN), TargetRoleArn: aws.String(plan.TargetRoleARN.ValueString()),
				DisableSessionTags: aws.Bool(plan.DisableSessionTags.ValueBool()),
			}
			if _, err := c.EKS.UpdatePodIdentityAssociation(ctx, input); err != nil {
				return fail("updating EKS Pod Identity Association", fmt.Sprintf("EKS Pod Identity Association (%s,%s): %s", cluster, state.AssociationID.ValueString(), err))
			}
		}
		if add, remove := tagDiff(stateTags, planTags); len(add)+len(remove) > 0 || drift.AssociationTags {
			if drift.AssociationTags {
				a, err := findPodIdentityAssociationByTwoPartKey(ctx, c.EKS, cluster, state.AssociationID.ValueString())
				if err != nil {
					return fail("reading EKS Pod Identity Association", fmt.Sprintf("EKS Pod Identity Association (%s,%s): %s", cluster, state.AssociationID.ValueString(), err))
				}
				add, remove = tagDiff(a.Tags, planTags)
			}
			arn := state.AssociationARN.ValueString()
			if len(remove) > 0 {
				if _, err := c.EKS.UntagResource(ctx, &eks.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: remove}); err != nil {
					return fail("untagging EKS Pod Identity Association", fmt.Sprintf("EKS Pod Identity Association (%s): %s", arn, err))
				}
			}
			if len(add) > 0 {
				if _, err := c.EKS.TagResource(ctx, &eks.TagResourceInput{ResourceArn: aws.String(arn), Tags: add}); err != nil {
					return fail("tagging EKS Pod Identity Association", fmt.Sprintf("EKS Pod Identity Association (%s): %s", arn, err))
				}
			}
		}
	}

	if trustChanged {
		// Step 4: narrow the trust to the new service account.
		if _, err := c.IAM.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(roleName), PolicyDocument: aws.String(newTrust)}); err != nil {
			return fail("updating IAM Role trust policy", fmt.Sprintf("IAM Role (%s): %s", roleName, err))
		}
	}

	out := *plan
	out.AssociationID, out.AssociationARN, out.ID = cur.AssociationID, cur.AssociationARN, cur.ID
	if out.RoleUniqueID.IsUnknown() {
		out.RoleUniqueID = state.RoleUniqueID
	}
	if out.RoleARN.IsUnknown() {
		out.RoleARN = state.RoleARN
	}
	if out.ClusterARN.IsUnknown() {
		out.ClusterARN = state.ClusterARN
	}
	if out.TrustPolicyJSON.IsUnknown() {
		out.TrustPolicyJSON = cur.TrustPolicyJSON
	}
	return &out, diags
}

// tagDiff returns the tags to set and the keys to remove to go from have
// to want.
func tagDiff(have, want map[string]string) (add map[string]string, remove []string) {
	add = map[string]string{}
	for k, v := range want {
		if hv, ok := have[k]; !ok || hv != v {
			add[k] = v
		}
	}
	for _, k := range sortedMapKeys(have) {
		if _, ok := want[k]; !ok {
			remove = append(remove, k)
		}
	}
	return add, remove
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func sortedMapKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
