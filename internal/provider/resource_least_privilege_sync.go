package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/conns"
	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

// readResult is what Read found besides the attributes.
type readResult struct {
	// gone is non-empty when the resource no longer exists and must leave
	// state; it says why.
	gone  string
	drift driftFlags
	role  *iamtypes.Role
}

// read refreshes state with at most three reads: DescribePodIdentityAssociation
// (tags included), GetRole (tags and boundary included) and GetRolePolicy.
// Any of the three objects may be gone, alone or together: a missing role
// removes the resource from state (the next plan creates everything again);
// a missing association or policy is planned back by the next plan.
func (r *leastPrivilegeResource) read(ctx context.Context, m *leastPrivilegeResourceModel) (readResult, diag.Diagnostics) {
	var res readResult
	var diags diag.Diagnostics
	importing := m.RoleName.IsNull() || m.RoleName.ValueString() == ""
	assoc, gone, err := r.readAssociation(ctx, m, importing)
	if err != nil || gone != "" {
		res.gone = gone
		diags.Append(err...)
		return res, diags
	}
	if importing {
		if assoc == nil {
			diags.AddError("Cannot Import", "Import needs the association: use CLUSTER,ASSOCIATION_ID.")
			return res, diags
		}
		importFromAssociation(m, assoc)
	}
	roleName := m.RoleName.ValueString()
	role, err2 := findRoleByName(ctx, r.client.IAM, roleName)
	if isNotFound(err2) {
		res.gone = roleGoneMessage(roleName, m.brownfield())
		return res, diags
	}
	if err2 != nil {
		diags.AddError("reading IAM Role", fmt.Sprintf("IAM Role (%s): %s", roleName, err2))
		return res, diags
	}
	res.role = role
	if importing {
		m.ExistingRoleName = types.StringNull()
		if !strings.HasPrefix(roleTag(role, ownerTagKey), m.ClusterName.ValueString()+"/") {
			m.ExistingRoleName = types.StringValue(roleName)
		}
	}
	if assoc != nil {
		res.drift.AssociationRole = setAssociationFromRemote(m, assoc, role)
	}
	res.drift.AssociationTags = r.setRoleFromRemote(ctx, m, role, assoc, importing, &diags)
	diags.Append(r.readPolicy(ctx, m, importing, roleTag(role, tablesOrderTagKey))...)
	return res, diags
}

// readAssociation reads the association in state. Not found on import is
// the end (Terraform says the object does not exist); otherwise the
// association is dropped from state for the next plan to create again.
func (r *leastPrivilegeResource) readAssociation(ctx context.Context, m *leastPrivilegeResourceModel, importing bool) (*ekstypes.PodIdentityAssociation, string, diag.Diagnostics) {
	var diags diag.Diagnostics
	cluster, id := m.ClusterName.ValueString(), m.AssociationID.ValueString()
	if id == "" {
		return nil, "", nil
	}
	a, err := findPodIdentityAssociationByTwoPartKey(ctx, r.client.EKS, cluster, id)
	switch {
	case isNotFound(err) && importing:
		return nil, fmt.Sprintf("EKS Pod Identity Association %s,%s does not exist (or cluster %s does not).", cluster, id, cluster), nil
	case isNotFound(err):
		m.AssociationID, m.AssociationARN, m.ID = types.StringNull(), types.StringNull(), types.StringNull()
		return nil, "", nil
	case err != nil:
		diags.AddError("reading EKS Pod Identity Association", fmt.Sprintf("EKS Pod Identity Association (%s,%s): %s", cluster, id, err))
		return nil, "", diags
	}
	return a, "", nil
}

// importFromAssociation fills in what an import knows from the association.
func importFromAssociation(m *leastPrivilegeResourceModel, assoc *ekstypes.PodIdentityAssociation) {
	m.Namespace = types.StringValue(aws.ToString(assoc.Namespace))
	m.ServiceAccount = types.StringValue(aws.ToString(assoc.ServiceAccount))
	roleARN := aws.ToString(assoc.RoleArn)
	m.RoleName = types.StringValue(roleARN[strings.LastIndex(roleARN, "/")+1:])
}

func roleGoneMessage(roleName string, brownfield bool) string {
	if brownfield {
		return fmt.Sprintf("IAM Role %s (existing_role_name) no longer exists. The resource is removed from state; the next plan creates the association again once the role is back, or fails the checks if it is not.", roleName)
	}
	return fmt.Sprintf("IAM Role %s no longer exists (deleted outside Terraform). The resource is removed from state and the next plan creates the role, its policy and the association again.", roleName)
}

// setAssociationFromRemote copies the association's attributes and reports
// whether it points at another role than the resource's.
func setAssociationFromRemote(m *leastPrivilegeResourceModel, assoc *ekstypes.PodIdentityAssociation, role *iamtypes.Role) bool {
	cluster := m.ClusterName.ValueString()
	m.AssociationARN = types.StringValue(aws.ToString(assoc.AssociationArn))
	m.ID = types.StringValue(cluster + "," + aws.ToString(assoc.AssociationId))
	m.TargetRoleARN = nullIfEmpty(aws.ToString(assoc.TargetRoleArn))
	m.DisableSessionTags = types.BoolValue(aws.ToBool(assoc.DisableSessionTags))
	if m.ClusterARN.IsNull() || m.ClusterARN.IsUnknown() {
		m.ClusterARN = types.StringValue(clusterARNFromAssociationARN(aws.ToString(assoc.AssociationArn), cluster))
	}
	return aws.ToString(assoc.RoleArn) != aws.ToString(role.Arn)
}

// setRoleFromRemote copies the role's attributes and tags. It reports
// whether the association's tags differ from the role's.
func (r *leastPrivilegeResource) setRoleFromRemote(ctx context.Context, m *leastPrivilegeResourceModel, role *iamtypes.Role, assoc *ekstypes.PodIdentityAssociation, importing bool, diags *diag.Diagnostics) bool {
	setRoleAttributes(m, role)
	trustDoc := aws.ToString(role.AssumeRolePolicyDocument)
	m.TrustPolicyJSON = keepEquivalent(m.TrustPolicyJSON, trustDoc)
	if m.brownfield() {
		setBrownfieldDefaults(m)
		remote := tagsFromModel(ctx, m.TagsAll, diags)
		if assoc != nil {
			remote = assoc.Tags
		}
		setTags(ctx, m, remote, r.client.DefaultTags, diags)
		return false
	}
	m.RolePath = types.StringValue(aws.ToString(role.Path))
	m.RoleDescription = nullIfEmpty(aws.ToString(role.Description))
	m.MaxSessionDuration = types.Int64Value(int64(aws.ToInt32(role.MaxSessionDuration)))
	m.PermissionsBoundary = types.StringNull()
	if role.PermissionsBoundary != nil {
		m.PermissionsBoundary = nullIfEmpty(aws.ToString(role.PermissionsBoundary.PermissionsBoundaryArn))
	}
	if importing || m.TrustScope.IsNull() {
		m.TrustScope = types.StringValue(string(inferTrustScope(trustDoc)))
	}
	remote := userTags(role.Tags)
	setTags(ctx, m, remote, r.client.DefaultTags, diags)
	return assoc != nil && !tagsEqual(assoc.Tags, remote)
}

// userTags are a role's tags without the resource's own (ownership, create
// token, tables order, pending marker).
func userTags(tags []iamtypes.Tag) map[string]string {
	out := map[string]string{}
	for _, t := range tags {
		if k := aws.ToString(t.Key); k != ownerTagKey && k != createTokenTagKey && k != tablesOrderTagKey && k != pendingTagKey {
			out[k] = aws.ToString(t.Value)
		}
	}
	return out
}

func setBrownfieldDefaults(m *leastPrivilegeResourceModel) {
	if m.RolePath.IsNull() {
		m.RolePath = types.StringValue(defaultRolePath)
	}
	if m.MaxSessionDuration.IsNull() {
		m.MaxSessionDuration = types.Int64Value(defaultMaxSessionDuration)
	}
	if m.TrustScope.IsNull() {
		m.TrustScope = types.StringValue(string(leastpriv.TrustScopeServiceAccount))
	}
}

// readPolicy reads the inline policy; on import it rebuilds dynamodb_tables
// from it.
func (r *leastPrivilegeResource) readPolicy(ctx context.Context, m *leastPrivilegeResourceModel, importing bool, order string) diag.Diagnostics {
	var diags diag.Diagnostics
	roleName := m.RoleName.ValueString()
	doc, err := findRolePolicyByTwoPartKey(ctx, r.client.IAM, roleName, policyName)
	switch {
	case isNotFound(err):
		m.PolicyJSON = types.StringNull() // the next plan puts it back
	case err != nil:
		diags.AddError("reading IAM Role Policy", fmt.Sprintf("IAM Role Policy (%s:%s): %s", roleName, policyName, err))
		return diags
	default:
		m.PolicyJSON = keepEquivalent(m.PolicyJSON, doc)
		if importing {
			diags.Append(importTables(ctx, m, doc, order)...)
		}
	}
	if importing && m.DynamoDBTables.IsNull() {
		m.DynamoDBTables = types.ListNull(types.ObjectType{AttrTypes: tableGrantAttrTypes})
	}
	return diags
}

// importTables rebuilds dynamodb_tables from the generated policy.
func importTables(ctx context.Context, m *leastPrivilegeResourceModel, doc, order string) diag.Diagnostics {
	var diags diag.Diagnostics
	grants, ok := grantsFromPolicy(ctx, doc)
	if !ok {
		diags.AddWarning("Tables Not Reconstructed",
			fmt.Sprintf("The inline policy %s of role %s was not generated by this resource (or was edited since), so dynamodb_tables could not be read back from it. Write dynamodb_tables in the configuration; the next apply replaces the policy with the generated one.", policyName, m.RoleName.ValueString()))
		return diags
	}
	list, d := types.ListValueFrom(ctx, types.ObjectType{AttrTypes: tableGrantAttrTypes}, applyTablesOrder(grants, order))
	diags.Append(d...)
	m.DynamoDBTables = list
	return diags
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

// update changes in place what AWS allows, in an order that never leaves a
// moment in which EKS's request for the pods cannot satisfy the trust:
//
//  1. the role, its tags and its inline policy;
//  2. the trust policy, if the new one admits at least what the association
//     sends today; on a namespace or service account move it first admits
//     both the old and the new service account;
//  3. the association: created anew and the old one deleted on a move,
//     otherwise updated in place (session tags, target role) and retagged;
//  4. the trust policy, narrowed to the new service account after a move,
//     or written now when it needs session tags the association only sends
//     from step 3 on.
//
// It returns the state to save: the plan on success, and on failure the
// prior state with what was done.
func (r *leastPrivilegeResource) update(ctx context.Context, plan, state *leastPrivilegeResourceModel, drift driftFlags) (*leastPrivilegeResourceModel, diag.Diagnostics) {
	u := &updating{c: r.client, plan: plan, state: state, cur: *state, drift: drift}
	u.planTags = stringMap(ctx, plan.TagsAll, &u.diags)
	u.stateTags = stringMap(ctx, state.TagsAll, &u.diags)
	steps := []func(context.Context) *stepError{u.updateRole, u.updateRoleTags, u.updatePolicy, u.trustBefore, u.updateAssociation, u.trustAfter}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			u.diags.AddError(err.summary, err.detail)
			return &u.cur, u.diags
		}
	}
	return u.result(), u.diags
}

// updating is one Update.
type updating struct {
	c                   *conns.AWSClient
	plan, state         *leastPrivilegeResourceModel
	cur                 leastPrivilegeResourceModel // what AWS has now
	drift               driftFlags
	planTags, stateTags map[string]string
	trustPending        bool // the final trust is written in trustAfter
	diags               diag.Diagnostics
}

func (u *updating) roleName() string { return u.plan.RoleName.ValueString() }

func (u *updating) moved() bool {
	return !u.plan.Namespace.Equal(u.state.Namespace) || !u.plan.ServiceAccount.Equal(u.state.ServiceAccount)
}

func (u *updating) assocMissing() bool {
	return u.state.AssociationID.IsNull() || u.state.AssociationID.ValueString() == ""
}

func (u *updating) updateRole(ctx context.Context) *stepError {
	p, s, name := u.plan, u.state, u.roleName()
	if p.brownfield() {
		return nil
	}
	if !p.RoleDescription.Equal(s.RoleDescription) || !p.MaxSessionDuration.Equal(s.MaxSessionDuration) {
		if _, err := u.c.IAM.UpdateRole(ctx, &iam.UpdateRoleInput{
			RoleName: aws.String(name), Description: aws.String(p.RoleDescription.ValueString()),
			MaxSessionDuration: aws.Int32(int32(p.MaxSessionDuration.ValueInt64())),
		}); err != nil {
			return &stepError{"updating IAM Role", fmt.Sprintf("IAM Role (%s): %s", name, err)}
		}
		u.cur.RoleDescription, u.cur.MaxSessionDuration = p.RoleDescription, p.MaxSessionDuration
	}
	if p.PermissionsBoundary.Equal(s.PermissionsBoundary) {
		return nil
	}
	var err error
	if v := p.PermissionsBoundary.ValueString(); v != "" {
		_, err = u.c.IAM.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String(name), PermissionsBoundary: aws.String(v)})
	} else {
		_, err = u.c.IAM.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String(name)})
		if isAWSErr[*iamtypes.NoSuchEntityException](err) {
			err = nil
		}
	}
	if err != nil {
		return &stepError{"updating IAM Role permissions boundary", fmt.Sprintf("IAM Role (%s): %s", name, err)}
	}
	u.cur.PermissionsBoundary = p.PermissionsBoundary
	return nil
}

// updateRoleTags retags the role, the ownership tag following a move.
func (u *updating) updateRoleTags(ctx context.Context) *stepError {
	if u.plan.brownfield() {
		return nil
	}
	cluster, name := u.plan.ClusterName.ValueString(), u.roleName()
	want := maps.Clone(u.planTags)
	if want == nil {
		want = map[string]string{}
	}
	want[ownerTagKey] = ownerTagValue(cluster, u.plan.Namespace.ValueString(), u.plan.ServiceAccount.ValueString())
	have := maps.Clone(u.stateTags)
	if have == nil {
		have = map[string]string{}
	}
	have[ownerTagKey] = ownerTagValue(cluster, u.state.Namespace.ValueString(), u.state.ServiceAccount.ValueString())
	if order := tablesOrder(grantARNs(ctx, u.state.DynamoDBTables)); order != "" {
		have[tablesOrderTagKey] = order
	}
	if order := tablesOrder(grantARNs(ctx, u.plan.DynamoDBTables)); order != "" {
		want[tablesOrderTagKey] = order
	}
	add, remove := tagDiff(have, want)
	if len(remove) > 0 {
		if _, err := u.c.IAM.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String(name), TagKeys: remove}); err != nil {
			return &stepError{"untagging IAM Role", fmt.Sprintf("IAM Role (%s): %s", name, err)}
		}
	}
	if len(add) > 0 {
		if _, err := u.c.IAM.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String(name), Tags: iamTags(add)}); err != nil {
			return &stepError{"tagging IAM Role", fmt.Sprintf("IAM Role (%s): %s", name, err)}
		}
	}
	return nil
}

func (u *updating) updatePolicy(ctx context.Context) *stepError {
	if u.plan.PolicyJSON.Equal(u.state.PolicyJSON) {
		return nil
	}
	name := u.roleName()
	if _, err := u.c.IAM.PutRolePolicy(ctx, &iam.PutRolePolicyInput{
		RoleName: aws.String(name), PolicyName: aws.String(policyName), PolicyDocument: aws.String(u.plan.PolicyJSON.ValueString()),
	}); err != nil {
		return &stepError{"updating IAM Role Policy", fmt.Sprintf("IAM Role Policy (%s:%s): %s", name, policyName, err)}
	}
	u.cur.PolicyJSON = u.plan.PolicyJSON
	return nil
}

// trustBefore writes the trust policy before the association changes:
// the transition trust of a move, or the new trust when the association
// already satisfies it. A trust that tests session tags the association
// does not send yet waits for trustAfter.
func (u *updating) trustBefore(ctx context.Context) *stepError {
	if u.plan.brownfield() || u.plan.TrustPolicyJSON.Equal(u.state.TrustPolicyJSON) {
		return nil
	}
	u.trustPending = true
	newTrust := u.plan.TrustPolicyJSON.ValueString()
	switch {
	case u.moved() && !u.assocMissing() && !u.state.TrustPolicyJSON.IsNull():
		doc, err := transitionTrustJSON(u.state.TrustPolicyJSON.ValueString(), newTrust)
		if err != nil {
			return &stepError{"updating IAM Role trust policy", fmt.Sprintf("IAM Role (%s): %s", u.roleName(), err)}
		}
		return u.putTrust(ctx, doc)
	case u.sessionTagsTurnOn() && !u.assocMissing() && !u.moved():
		return nil // the association sends session tags first
	default:
		u.trustPending = false
		return u.putTrust(ctx, newTrust)
	}
}

// sessionTagsTurnOn reports whether the association starts sending session
// tags in this update.
func (u *updating) sessionTagsTurnOn() bool {
	return u.state.DisableSessionTags.ValueBool() && !u.plan.DisableSessionTags.ValueBool()
}

func (u *updating) trustAfter(ctx context.Context) *stepError {
	if !u.trustPending {
		return nil
	}
	return u.putTrust(ctx, u.plan.TrustPolicyJSON.ValueString())
}

func (u *updating) putTrust(ctx context.Context, doc string) *stepError {
	if _, err := u.c.IAM.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(u.roleName()), PolicyDocument: aws.String(doc)}); err != nil {
		return &stepError{"updating IAM Role trust policy", fmt.Sprintf("IAM Role (%s): %s", u.roleName(), err)}
	}
	u.cur.TrustPolicyJSON = types.StringValue(doc)
	return nil
}

func (u *updating) roleARN() string {
	if v := u.plan.RoleARN.ValueString(); v != "" {
		return v
	}
	return u.state.RoleARN.ValueString()
}

func (u *updating) updateAssociation(ctx context.Context) *stepError {
	if u.assocMissing() || u.moved() {
		return u.moveAssociation(ctx)
	}
	if err := u.updateAssociationInPlace(ctx); err != nil {
		return err
	}
	return u.retagAssociation(ctx)
}

// moveAssociation creates the association (again, or for the new service
// account) before deleting the old one.
func (u *updating) moveAssociation(ctx context.Context) *stepError {
	p := u.plan
	assoc, err := createOrAdoptAssociation(ctx, u.c, newAssociationInput(p, u.roleARN(), u.planTags, newCreateToken()), u.roleARN())
	if err != nil {
		return &stepError{"creating EKS Pod Identity Association", associationDetail(p, u.roleARN(), err)}
	}
	cluster, oldID := p.ClusterName.ValueString(), u.state.AssociationID.ValueString()
	if u.moved() && oldID != "" {
		if err := deleteAssociation(ctx, u.c.EKS, cluster, oldID); err != nil {
			// State keeps the old association, which still exists; the
			// next apply moves again and adopts the new one, which already
			// points at this role.
			return &stepError{"deleting EKS Pod Identity Association",
				fmt.Sprintf("EKS Pod Identity Association (%s,%s), the one for namespace %s, service account %s: %s\n\nThe new association %s exists; the next apply completes the move.",
					cluster, oldID, u.state.Namespace.ValueString(), u.state.ServiceAccount.ValueString(), err, aws.ToString(assoc.AssociationId))}
		}
	}
	setAssociationAttributes(&u.cur, assoc)
	u.cur.Namespace, u.cur.ServiceAccount = p.Namespace, p.ServiceAccount
	u.cur.TargetRoleARN, u.cur.DisableSessionTags = p.TargetRoleARN, p.DisableSessionTags
	return nil
}

// updateAssociationInPlace sets the role, target role and session tags,
// retrying while a role propagates in IAM.
func (u *updating) updateAssociationInPlace(ctx context.Context) *stepError {
	p, s := u.plan, u.state
	if p.TargetRoleARN.Equal(s.TargetRoleARN) && p.DisableSessionTags.Equal(s.DisableSessionTags) && !u.drift.AssociationRole {
		return nil
	}
	input := &eks.UpdatePodIdentityAssociationInput{
		ClusterName: aws.String(p.ClusterName.ValueString()), AssociationId: aws.String(s.AssociationID.ValueString()),
		RoleArn: aws.String(u.roleARN()), TargetRoleArn: aws.String(p.TargetRoleARN.ValueString()),
		DisableSessionTags: aws.Bool(p.DisableSessionTags.ValueBool()),
	}
	_, err := retryWhen(ctx, propagationTimeout, func(ctx context.Context) (*eks.UpdatePodIdentityAssociationOutput, error) {
		return u.c.EKS.UpdatePodIdentityAssociation(ctx, input)
	}, isRolePropagationError)
	if err != nil {
		return &stepError{"updating EKS Pod Identity Association", fmt.Sprintf("EKS Pod Identity Association (%s,%s): %s", p.ClusterName.ValueString(), s.AssociationID.ValueString(), err)}
	}
	u.cur.TargetRoleARN, u.cur.DisableSessionTags = p.TargetRoleARN, p.DisableSessionTags
	return nil
}

func (u *updating) retagAssociation(ctx context.Context) *stepError {
	add, remove := tagDiff(u.stateTags, u.planTags)
	if len(add)+len(remove) == 0 && !u.drift.AssociationTags {
		return nil
	}
	cluster, id, arn := u.plan.ClusterName.ValueString(), u.state.AssociationID.ValueString(), u.state.AssociationARN.ValueString()
	if u.drift.AssociationTags {
		a, err := findPodIdentityAssociationByTwoPartKey(ctx, u.c.EKS, cluster, id)
		if err != nil {
			return &stepError{"reading EKS Pod Identity Association", fmt.Sprintf("EKS Pod Identity Association (%s,%s): %s", cluster, id, err)}
		}
		add, remove = tagDiff(a.Tags, u.planTags)
	}
	if len(remove) > 0 {
		if _, err := u.c.EKS.UntagResource(ctx, &eks.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: remove}); err != nil {
			return &stepError{"untagging EKS Pod Identity Association", fmt.Sprintf("EKS Pod Identity Association (%s): %s", arn, err)}
		}
	}
	if len(add) > 0 {
		if _, err := u.c.EKS.TagResource(ctx, &eks.TagResourceInput{ResourceArn: aws.String(arn), Tags: add}); err != nil {
			return &stepError{"tagging EKS Pod Identity Association", fmt.Sprintf("EKS Pod Identity Association (%s): %s", arn, err)}
		}
	}
	return nil
}

// result is the state after a successful update.
func (u *updating) result() *leastPrivilegeResourceModel {
	out := *u.plan
	out.AssociationID, out.AssociationARN, out.ID = u.cur.AssociationID, u.cur.AssociationARN, u.cur.ID
	if out.RoleUniqueID.IsUnknown() {
		out.RoleUniqueID = u.state.RoleUniqueID
	}
	if out.RoleARN.IsUnknown() {
		out.RoleARN = u.state.RoleARN
	}
	if out.ClusterARN.IsUnknown() {
		out.ClusterARN = u.state.ClusterARN
	}
	if out.TrustPolicyJSON.IsUnknown() {
		out.TrustPolicyJSON = u.cur.TrustPolicyJSON
	}
	return &out
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

func sortedMapKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}
