package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/conns"
	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

// Private state keys.
const (
	// privateKeyChecked is set by ModifyPlan when the API checks ran, so
	// that Update knows whether to run them before writing.
	privateKeyChecked = "checked"
	// privateKeyDrift is set by Read with what it found on the association
	// that no attribute shows (its role, its tags).
	privateKeyDrift = "drift"
	// privateKeyCreateToken is the random token of the create that made
	// the role, also in the role's podidentity:create-token tag.
	privateKeyCreateToken = "create_token"
)

func createTokenBytes(token string) []byte {
	b, _ := json.Marshal(map[string]string{"token": token})
	return b
}

// driftFlags is what Read found wrong with the association.
type driftFlags struct {
	AssociationRole bool `json:"association_role,omitempty"`
	AssociationTags bool `json:"association_tags,omitempty"`
}

func (d driftFlags) any() bool { return d.AssociationRole || d.AssociationTags }

func (d driftFlags) bytes() []byte {
	b, _ := json.Marshal(d)
	return b
}

func parseDrift(b []byte) driftFlags {
	var d driftFlags
	if len(b) > 0 {
		_ = json.Unmarshal(b, &d)
	}
	return d
}

// validateOffline runs the checks that need no API, for ValidateConfig.
// Single-attribute checks are attribute validators (validator_leastpriv.go);
// this covers what spans attributes. Unknown values are skipped.
func validateOffline(ctx context.Context, m *leastPrivilegeResourceModel) diag.Diagnostics {
	var diags diag.Diagnostics

	// trust_scope = "service_account" (the default) with session tags
	// disabled can never match; leastpriv says why and what to do.
	if !m.brownfield() && !m.ExistingRoleName.IsUnknown() && !m.TrustScope.IsUnknown() && !m.DisableSessionTags.IsUnknown() && m.DisableSessionTags.ValueBool() {
		scope := m.TrustScope.ValueString()
		if scope == "" {
			scope = string(leastpriv.TrustScopeServiceAccount)
		}
		if _, err := leastpriv.PodIdentityTrustPolicy(leastpriv.TrustOptions{
			Scope: leastpriv.TrustScope(scope), DisableSessionTags: true, Namespace: "namespace", ServiceAccount: "service-account",
		}); err != nil {
			if ve, ok := leastpriv.AsValidationError(err); ok {
				diags.AddAttributeError(path.Root("disable_session_tags"), ve.Summary, ve.DiagnosticDetail())
			}
		}
	}

	if m.DynamoDBTables.IsNull() || m.DynamoDBTables.IsUnknown() {
		return diags
	}
	var grants []tableGrantModel
	diags.Append(m.DynamoDBTables.ElementsAs(ctx, &grants, false)...)
	if diags.HasError() {
		return diags
	}
	allKnown := true
	for i, g := range grants {
		if !validateGrant(ctx, i, g, &diags) {
			allKnown = false
		}
	}
	if allKnown && !diags.HasError() {
		validateAcrossTables(ctx, grants, &diags)
	}
	return diags
}

// validateGrant checks one dynamodb_tables element. It reports false when
// the element is not known or not valid.
func validateGrant(ctx context.Context, i int, g tableGrantModel, diags *diag.Diagnostics) bool {
	p := path.Root("dynamodb_tables").AtListIndex(i)
	if g.ARN.IsUnknown() || g.Access.IsUnknown() || g.Actions.IsUnknown() || g.Indexes.IsUnknown() || g.Streams.IsUnknown() {
		return false
	}
	var actions []string
	if !g.Actions.IsNull() {
		diags.Append(g.Actions.ElementsAs(ctx, &actions, false)...)
		if err := leastpriv.ValidateActions(actions); err != nil {
			addValidationError(diags, p.AtName("actions"), err)
			return false
		}
		if w := leastpriv.WildcardResourceActionsWarning(actions); w != nil {
			diags.AddAttributeWarning(p.AtName("actions"), w.Summary, w.DiagnosticDetail())
		}
	}
	// What the practitioner wrote, defaults not applied: an explicit
	// access together with actions, or an explicit indexes = true with no
	// index action, is leastpriv's error to word.
	tg := leastpriv.TableGrant{
		TableARN: g.ARN.ValueString(),
		Access:   leastpriv.Access(g.Access.ValueString()),
		Actions:  actions,
		Indexes:  g.Indexes.ValueBool() || (g.Indexes.IsNull() && anyIndexAction(grantActions(g.Access.ValueString(), actions))),
		Streams:  g.Streams.ValueBool(),
	}
	if leastpriv.ValidateTableARN(tg.TableARN) != nil {
		return false // reported by the attribute validator
	}
	if _, err := leastpriv.GeneratePolicy([]leastpriv.TableGrant{tg}); err != nil {
		at := p
		if ve, ok := leastpriv.AsValidationError(err); ok && ve.Summary == "Indexes Without Index Actions" {
			at = p.AtName("indexes")
		}
		addValidationError(diags, at, err)
		return false
	}
	return true
}

// validateAcrossTables checks duplicates, and IAM's size limit on a role's
// inline policies (PutRolePolicy would fail with LimitExceeded after the
// role was created).
func validateAcrossTables(ctx context.Context, grants []tableGrantModel, diags *diag.Diagnostics) {
	doc, d := generatePolicyJSON(ctx, grants)
	for _, e := range d.Errors() {
		diags.AddAttributeError(path.Root("dynamodb_tables"), e.Summary(), e.Detail())
	}
	if !d.HasError() {
		if err := leastpriv.ValidateInlinePolicySize(doc, 0); err != nil {
			addValidationError(diags, path.Root("dynamodb_tables"), err)
		}
	}
}

func addValidationError(diags *diag.Diagnostics, p path.Path, err error) {
	if ve, ok := leastpriv.AsValidationError(err); ok {
		diags.AddAttributeError(p, ve.Summary, ve.DiagnosticDetail())
		return
	}
	diags.AddAttributeError(p, "Invalid Value", err.Error())
}

// planComputed fills in the computed attributes that can be known before
// apply (role name, policies, tags_all, ARNs) and runs the API checks. It
// reports whether the API checks ran completely; they cannot when the
// provider configuration or an argument they need is unknown, and then
// run again in Create or Update before any write. state is nil on create.
func (r *leastPrivilegeResource) planComputed(ctx context.Context, plan, config *leastPrivilegeResourceModel, state *leastPrivilegeResourceModel, diags *diag.Diagnostics) bool {
	return r.planComputedFor(ctx, plan, config, state, state, diags)
}

// planComputedReplacing plans the new object of a replacement: as a create,
// except that the objects being replaced (destroyed first) are not
// conflicts.
func (r *leastPrivilegeResource) planComputedReplacing(ctx context.Context, plan, config, replaced *leastPrivilegeResourceModel, diags *diag.Diagnostics) bool {
	return r.planComputedFor(ctx, plan, config, nil, replaced, diags)
}

// replacing reports whether the plan changes an argument that replaces the
// resource (unknown counts as changed, as for RequiresReplace).
func replacing(plan, state *leastPrivilegeResourceModel) bool {
	return !plan.ClusterName.Equal(state.ClusterName) || !plan.ExistingRoleName.Equal(state.ExistingRoleName) ||
		!plan.RolePath.Equal(state.RolePath) || (!plan.RoleName.IsNull() && !plan.RoleName.Equal(state.RoleName))
}

func (r *leastPrivilegeResource) planComputedFor(ctx context.Context, plan, config, state, prior *leastPrivilegeResourceModel, diags *diag.Diagnostics) bool {
	c := r.client
	known := !plan.ClusterName.IsUnknown() && !plan.Namespace.IsUnknown() && !plan.ServiceAccount.IsUnknown() && !plan.ExistingRoleName.IsUnknown()
	planRoleName(plan, config, state, known)
	grants, ok := planPolicy(ctx, plan, state, diags)
	if !ok {
		return false
	}
	planTagsAll(ctx, c, plan, state, diags)
	planAssociationMove(plan, state)
	if c == nil || !known {
		planWithoutAPI(plan, state, known)
		return false
	}
	// A plan that changes none of the checked inputs asks AWS nothing
	// beyond Read's three calls.
	checked := true
	if state == nil || checkedInputsChanged(plan, state) {
		checked = r.checkAPI(ctx, plan, state, prior, grants, diags)
		if diags.HasError() {
			return false
		}
	} else if plan.brownfield() {
		// Not re-read: the existing role's trust is what Read found.
		plan.TrustPolicyJSON = state.TrustPolicyJSON
	}
	if !plan.brownfield() && !r.planTrust(plan, state, checked, diags) {
		return false
	}
	if state == nil && !checked {
		plan.RoleARN = types.StringUnknown()
	}
	return checked
}

// planRoleName: the existing role, the configured name, the name in state,
// or the default.
func planRoleName(plan, config, state *leastPrivilegeResourceModel, known bool) {
	switch {
	case plan.brownfield():
		plan.RoleName = plan.ExistingRoleName
	case !config.RoleName.IsNull() && !config.RoleName.IsUnknown():
		plan.RoleName = config.RoleName
	case state != nil && !state.RoleName.IsNull():
		plan.RoleName = state.RoleName
	case known:
		plan.RoleName = types.StringValue(leastpriv.DefaultRoleName(plan.ClusterName.ValueString(), plan.Namespace.ValueString(), plan.ServiceAccount.ValueString()))
	default:
		plan.RoleName = types.StringUnknown()
	}
}

// planPolicy generates the inline policy (the state's when equivalent). It
// returns the grants, and false when they cannot make a policy.
func planPolicy(ctx context.Context, plan, state *leastPrivilegeResourceModel, diags *diag.Diagnostics) ([]tableGrantModel, bool) {
	var grants []tableGrantModel
	if !plan.DynamoDBTables.IsUnknown() && !plan.DynamoDBTables.IsNull() {
		diags.Append(plan.DynamoDBTables.ElementsAs(ctx, &grants, false)...)
	}
	if !grantsKnown(plan.DynamoDBTables, grants) {
		plan.PolicyJSON = types.StringUnknown()
		return grants, true
	}
	doc, d := generatePolicyJSON(ctx, grants)
	diags.Append(d...)
	if d.HasError() {
		return nil, false
	}
	plan.PolicyJSON = types.StringValue(doc)
	if state != nil && equivalentPolicies(state.PolicyJSON.ValueString(), doc) {
		plan.PolicyJSON = state.PolicyJSON
	}
	return grants, true
}

// planTagsAll: tags over the provider's default_tags (unknown without a
// configured provider, unless the tags did not change).
func planTagsAll(ctx context.Context, c *conns.AWSClient, plan, state *leastPrivilegeResourceModel, diags *diag.Diagnostics) {
	switch {
	case c == nil && state != nil && plan.Tags.Equal(state.Tags):
		plan.TagsAll = state.TagsAll
	case c != nil && !plan.Tags.IsUnknown():
		all := maps.Clone(c.DefaultTags)
		if all == nil {
			all = map[string]string{}
		}
		maps.Copy(all, stringMap(ctx, plan.Tags, diags))
		plan.TagsAll = mapValue(all)
	default:
		plan.TagsAll = types.MapUnknown(types.StringType)
	}
}

// planAssociationMove: the association gets a new ID when namespace or
// service account change, and when it was deleted behind our back.
func planAssociationMove(plan, state *leastPrivilegeResourceModel) {
	if state == nil {
		return
	}
	moved := !plan.Namespace.Equal(state.Namespace) || !plan.ServiceAccount.Equal(state.ServiceAccount)
	if moved || state.AssociationID.IsNull() || state.AssociationID.ValueString() == "" {
		plan.AssociationID, plan.AssociationARN, plan.ID = types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
	}
}

// planWithoutAPI plans what it can without a configured provider or
// without the cluster, namespace and service account.
func planWithoutAPI(plan, state *leastPrivilegeResourceModel, known bool) {
	if state == nil {
		plan.RoleARN, plan.ClusterARN = types.StringUnknown(), types.StringUnknown()
	}
	if plan.brownfield() {
		return
	}
	plan.TrustPolicyJSON = types.StringUnknown()
	// An existing resource knows its cluster ARN, hence the partition.
	if state == nil || !known || plan.TrustScope.IsUnknown() || plan.DisableSessionTags.IsUnknown() {
		return
	}
	a, err := leastpriv.ParseARN(state.ClusterARN.ValueString())
	if err != nil {
		return
	}
	doc, err := trustPolicyJSON(a.Partition, state.ClusterARN.ValueString(), plan.Namespace.ValueString(), plan.ServiceAccount.ValueString(),
		plan.TrustScope.ValueString(), plan.DisableSessionTags.ValueBool())
	if err == nil {
		plan.TrustPolicyJSON = keepEquivalent(state.TrustPolicyJSON, doc)
	}
}

// planTrust computes the trust policy of a role the resource creates, and
// its ARN on create.
func (r *leastPrivilegeResource) planTrust(plan, state *leastPrivilegeResourceModel, checked bool, diags *diag.Diagnostics) bool {
	c := r.client
	clusterARN := plan.ClusterARN.ValueString()
	if plan.ClusterARN.IsUnknown() || clusterARN == "" {
		clusterARN = fmt.Sprintf("arn:%s:eks:%s:%s:cluster/%s", c.Partition, c.Region, c.AccountID, plan.ClusterName.ValueString())
	}
	if plan.TrustScope.IsUnknown() || plan.DisableSessionTags.IsUnknown() {
		plan.TrustPolicyJSON = types.StringUnknown()
	} else {
		doc, err := trustPolicyJSON(c.Partition, clusterARN, plan.Namespace.ValueString(), plan.ServiceAccount.ValueString(),
			plan.TrustScope.ValueString(), plan.DisableSessionTags.ValueBool())
		if err != nil {
			diags.Append(validationDiag(err))
			return false
		}
		plan.TrustPolicyJSON = types.StringValue(doc)
		if state != nil && equivalentPolicies(state.TrustPolicyJSON.ValueString(), doc) {
			plan.TrustPolicyJSON = state.TrustPolicyJSON
		}
	}
	if state == nil && checked && !plan.RoleName.IsUnknown() && !plan.RolePath.IsUnknown() {
		plan.RoleARN = types.StringValue(fmt.Sprintf("arn:%s:iam::%s:role%s%s", c.Partition, c.AccountID, plan.RolePath.ValueString(), plan.RoleName.ValueString()))
	}
	return true
}

// checkAPI runs the plan-time checks that need AWS. Lookups are cached per
// provider instance, so a plan of many resources on one cluster describes
// it once. It reports whether every check could run. prior is the existing
// object (the state on update, the object being replaced on replacement,
// nil on create): its association and role are not conflicts.
func (r *leastPrivilegeResource) checkAPI(ctx context.Context, plan, state, prior *leastPrivilegeResourceModel, grants []tableGrantModel, diags *diag.Diagnostics) bool {
	c := r.client
	cluster, ns, sa := plan.ClusterName.ValueString(), plan.Namespace.ValueString(), plan.ServiceAccount.ValueString()
	facts, err := lookupCluster(ctx, c, cluster)
	if err != nil {
		diags.AddError("Checking EKS Cluster", err.Error())
		return false
	}
	if !facts.exists {
		addAttributeError(diags, path.Root("cluster_name"), leastpriv.ClusterNotFound(cluster, c.AccountID, c.Region))
		return false
	}
	if plan.ClusterARN.IsUnknown() || plan.ClusterARN.IsNull() {
		plan.ClusterARN = types.StringValue(aws.ToString(facts.cluster.Arn))
	}
	r.checkAssociationFree(ctx, plan, prior, facts, diags)
	if !facts.agentInstalled {
		w := leastpriv.PodIdentityAgentMissing(cluster)
		diags.AddWarning(w.Summary, w.DiagnosticDetail())
	}
	complete := r.checkTables(ctx, grants, diags)
	if plan.RoleName.IsUnknown() {
		return false
	}
	roleName := plan.RoleName.ValueString()
	if plan.brownfield() {
		return r.checkExistingRole(ctx, plan, state, facts, diags) && complete
	}
	if state == nil && c.Plan.Replaced("role/"+roleName) != roleName {
		checkRoleFree(ctx, c, roleName, cluster, ns, sa, diags)
	}
	return complete
}

// checkTables checks that the tables are in this account and exist. It
// reports whether every ARN was known.
func (r *leastPrivilegeResource) checkTables(ctx context.Context, grants []tableGrantModel, diags *diag.Diagnostics) bool {
	c := r.client
	complete := true
	for i, g := range grants {
		if g.ARN.IsUnknown() {
			complete = false
			continue
		}
		a, err := leastpriv.ParseARN(g.ARN.ValueString())
		if err != nil {
			continue // reported by validation
		}
		p := path.Root("dynamodb_tables").AtListIndex(i).AtName("arn")
		if a.Account != c.AccountID {
			addAttributeError(diags, p, leastpriv.TableInAnotherAccount(g.ARN.ValueString(), a.Account, c.AccountID))
			continue
		}
		if a.Region != c.Region {
			continue // this provider's client cannot describe it
		}
		t, err := lookupTable(ctx, c, a.Resource[len("table/"):])
		if err != nil {
			diags.AddWarning("Checking DynamoDB Table", err.Error())
			continue
		}
		if !t.exists {
			w := leastpriv.TableNotFound(g.ARN.ValueString())
			diags.AddAttributeWarning(p, w.Summary, w.DiagnosticDetail())
		}
	}
	return complete
}

// checkExistingRole checks the role of brownfield mode: it must trust Pod
// Identity, must not be a node role, and must not carry another resource's
// inline policy.
func (r *leastPrivilegeResource) checkExistingRole(ctx context.Context, plan, state *leastPrivilegeResourceModel, facts *clusterFacts, diags *diag.Diagnostics) bool {
	c := r.client
	roleName, rp := plan.RoleName.ValueString(), path.Root("existing_role_name")
	role, err := findRoleByName(ctx, c.IAM, roleName)
	if isNotFound(err) {
		addAttributeError(diags, rp, leastpriv.RoleNotFound(roleName, c.AccountID))
		return false
	}
	if err != nil {
		diags.AddError("Checking IAM Role", fmt.Sprintf("reading IAM Role (%s): %s", roleName, err))
		return false
	}
	trustDoc := aws.ToString(role.AssumeRolePolicyDocument)
	trust, err := leastpriv.ParsePolicy(trustDoc)
	if err != nil {
		diags.AddAttributeError(rp, "Unreadable Trust Policy", fmt.Sprintf("The trust policy of role %q could not be read: %s", roleName, err))
		return false
	}
	if !r.checkNotNodeRole(ctx, role, trust, facts, diags) {
		return false
	}
	if ok, needed := leastpriv.TrustsPodIdentity(trust); !ok {
		addAttributeError(diags, rp, leastpriv.RoleDoesNotTrustPodIdentity(roleName, needed))
		return false
	}
	if state == nil && !r.checkNoForeignPolicy(ctx, plan, facts, diags) {
		return false
	}
	plan.RoleARN = types.StringValue(aws.ToString(role.Arn))
	plan.TrustPolicyJSON = types.StringValue(trustDoc)
	if state != nil && equivalentPolicies(state.TrustPolicyJSON.ValueString(), trustDoc) {
		plan.TrustPolicyJSON = state.TrustPolicyJSON
	}
	return true
}

// checkNotNodeRole refuses a role that nodes or Fargate pods run with.
func (r *leastPrivilegeResource) checkNotNodeRole(ctx context.Context, role *iamtypes.Role, trust *leastpriv.Policy, facts *clusterFacts, diags *diag.Diagnostics) bool {
	c := r.client
	roleName := aws.ToString(role.RoleName)
	evidence := leastpriv.EC2Evidence(trust)
	profiles, err := lookupInstanceProfiles(ctx, c, roleName)
	if err != nil {
		diags.AddError("Checking IAM Role", err.Error())
		return false
	}
	for _, ip := range profiles {
		evidence = append(evidence, leastpriv.NodeRoleEvidence{Kind: leastpriv.NodeRoleInInstanceProfile, Source: ip})
	}
	nodeRoles, err := lookupClusterNodeRoles(ctx, c, facts)
	if err != nil {
		diags.AddError("Checking EKS Cluster", err.Error())
		return false
	}
	evidence = append(evidence, nodeRoles[roleKey(aws.ToString(role.Arn))]...)
	if len(evidence) > 0 {
		summary, detail := leastpriv.NodeRoleMessage(roleName, evidence)
		diags.AddAttributeError(path.Root("existing_role_name"), summary, detail)
		return false
	}
	return true
}

// checkNoForeignPolicy: the policy name is fixed, so a second resource on
// the same existing role would overwrite the first one's grant.
func (r *leastPrivilegeResource) checkNoForeignPolicy(ctx context.Context, plan *leastPrivilegeResourceModel, facts *clusterFacts, diags *diag.Diagnostics) bool {
	c := r.client
	cluster, ns, sa, roleName := plan.ClusterName.ValueString(), plan.Namespace.ValueString(), plan.ServiceAccount.ValueString(), plan.RoleName.ValueString()
	_, err := findRolePolicyByTwoPartKey(ctx, c.IAM, roleName, policyName)
	switch {
	case err == nil && (facts.associationID(ns, sa) == "" || c.Plan.Replaced("association/"+cluster+"/"+ns+"/"+sa) != facts.associationID(ns, sa)):
		addAttributeError(diags, path.Root("existing_role_name"), leastpriv.RoleAlreadyHasPolicy(roleName, policyName))
		return false
	case err != nil && !isNotFound(err):
		diags.AddError("Checking IAM Role", fmt.Sprintf("reading IAM Role Policy (%s:%s): %s", roleName, policyName, err))
		return false
	}
	return true
}

// checkAssociationFree reports another association for the namespace and
// service account. One that points at this resource's role name is not an
// error here: the role was deleted outside Terraform (the association is
// adopted at create), an interrupted create left both (adopted), or
// another state owns both (checkRoleFree says which).
func (r *leastPrivilegeResource) checkAssociationFree(ctx context.Context, plan, prior *leastPrivilegeResourceModel, facts *clusterFacts, diags *diag.Diagnostics) {
	c := r.client
	cluster, ns, sa := plan.ClusterName.ValueString(), plan.Namespace.ValueString(), plan.ServiceAccount.ValueString()
	existing, ok := facts.associations[ns+"/"+sa]
	if !ok {
		return
	}
	id := aws.ToString(existing.AssociationId)
	if prior != nil && id == prior.AssociationID.ValueString() || c.Plan.Replaced("association/"+cluster+"/"+ns+"/"+sa) == id {
		return
	}
	if !plan.RoleName.IsUnknown() {
		a, err := findPodIdentityAssociationByTwoPartKey(ctx, c.EKS, cluster, id)
		if err == nil && roleKey(aws.ToString(a.RoleArn)) == roleKey(fmt.Sprintf("arn:%s:iam::%s:role/%s", c.Partition, c.AccountID, plan.RoleName.ValueString())) {
			return
		}
	}
	e := leastpriv.AssociationExists(id, cluster, ns, sa)
	diags.AddError(e.Summary, e.DiagnosticDetail())
}

// grantActions is the action list of a grant: explicit actions, or those of
// the access level (read when unset).
func grantActions(access string, actions []string) []string {
	if len(actions) > 0 {
		return actions
	}
	acts, _ := leastpriv.AccessActions(leastpriv.Access(access))
	return acts
}

// checkedInputsChanged reports whether an update changes an argument the
// API checks look at.
func checkedInputsChanged(plan, state *leastPrivilegeResourceModel) bool {
	return !plan.Namespace.Equal(state.Namespace) || !plan.ServiceAccount.Equal(state.ServiceAccount) ||
		!plan.DynamoDBTables.Equal(state.DynamoDBTables) || !plan.ExistingRoleName.Equal(state.ExistingRoleName)
}

// markReplaced records, for this plan, the objects a replacement destroys
// first, so that planning the new object (Terraform plans a replacement
// twice: as an update, then as a create) does not report them as
// conflicts.
func markReplaced(c *conns.AWSClient, state *leastPrivilegeResourceModel) {
	if c == nil {
		return
	}
	if id := state.AssociationID.ValueString(); id != "" {
		c.Plan.MarkReplaced("association/"+subjectOf(state), id)
	}
	if !state.brownfield() && state.RoleName.ValueString() != "" {
		c.Plan.MarkReplaced("role/"+state.RoleName.ValueString(), state.RoleName.ValueString())
	}
}

// subjectOf is the cluster, namespace and service account a resource
// serves.
func subjectOf(m *leastPrivilegeResourceModel) string {
	return m.ClusterName.ValueString() + "/" + m.Namespace.ValueString() + "/" + m.ServiceAccount.ValueString()
}

// claimSubject refuses a second resource of this configuration for the
// same cluster, namespace and service account: they would share one role
// and association, and removing one would break the other.
func claimSubject(c *conns.AWSClient, plan, state *leastPrivilegeResourceModel, replacing bool, diags *diag.Diagnostics) {
	if c == nil || plan.ClusterName.IsUnknown() || plan.Namespace.IsUnknown() || plan.ServiceAccount.IsUnknown() {
		return
	}
	owner := ""
	if state != nil {
		owner = state.ID.ValueString() + "|" + state.RoleName.ValueString()
	}
	if !c.Plan.Claim(subjectOf(plan), owner, replacing) {
		diags.AddError("Duplicate Service Account Owner",
			fmt.Sprintf("Another podidentity_least_privilege resource in this configuration already manages cluster %s, namespace %s, service account %s. "+
				"One service account has one Pod Identity association: two resources would share one role and association, and removing one would break the other. "+
				"Grant all the tables in one resource (dynamodb_tables takes a list), or use another service account.",
				plan.ClusterName.ValueString(), plan.Namespace.ValueString(), plan.ServiceAccount.ValueString()))
	}
}

// addAttributeError reports a leastpriv check result at an attribute.
func addAttributeError(diags *diag.Diagnostics, p path.Path, e *leastpriv.ValidationError) {
	diags.AddAttributeError(p, e.Summary, e.DiagnosticDetail())
}
