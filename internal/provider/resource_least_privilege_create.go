package provider

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/conns"
	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

// createTokenTagKey carries the random token of the create that made a role.
// The create that made it, and only that one, adopts the role when
// CreateRole says it exists (a retried CreateRole whose first attempt went
// through). It is not part of tags or tags_all.
const createTokenTagKey = "podidentity:create-token"

// pendingTagKey marks a role whose create has not finished. CreateRole
// writes it and the create removes it once the role, its inline policy and
// its association all exist. Its value (RFC 3339, UTC) is the time after
// which the create that wrote it can no longer be running: its start plus
// its create timeout plus the time its undo may take. A role that still
// carries the marker after that time was left by a create that was killed
// before the state was saved; the next create of the same resource adopts
// it (pendingState). It is not part of tags or tags_all.
const pendingTagKey = "podidentity:pending-until"

// maxUndoTimeout bounds the clean-up of a failed create.
const maxUndoTimeout = 2 * time.Minute

// undoTimeout is how long the clean-up of a failed create may take: as long
// as the create itself, at most maxUndoTimeout.
func undoTimeout(createTimeout time.Duration) time.Duration {
	return min(createTimeout, maxUndoTimeout)
}

// pendingUntilFor is the pending marker of a create starting now.
func pendingUntilFor(now time.Time, createTimeout time.Duration) string {
	return now.Add(createTimeout + undoTimeout(createTimeout)).UTC().Truncate(time.Second).Add(time.Second).Format(time.RFC3339)
}

// pendingState is what a role's pending marker says.
type pendingState int

const (
	notPending     pendingState = iota // finished: no marker
	pendingLive                        // its create may still be running
	pendingExpired                     // its create can no longer be running
)

// rolePending reads a role's pending marker at now. An unreadable marker
// counts as live: the role is not adopted.
func rolePending(role *iamtypes.Role, now time.Time) (pendingState, string) {
	v := roleTag(role, pendingTagKey)
	if v == "" {
		return notPending, ""
	}
	until, err := time.Parse(time.RFC3339, v)
	if err != nil || !now.After(until) {
		return pendingLive, v
	}
	return pendingExpired, v
}

// createInProgressSummary and createInProgressDetail refuse a role whose
// create may still be running.
const createInProgressSummary = "Create Of This Role In Progress"

func createInProgressDetail(roleName, until string) string {
	return fmt.Sprintf("IAM role %s carries this resource's ownership tag and the marker of a create that has not finished (%s=%s). "+
		"Until that time an apply of this resource (from this or another Terraform state) may still be creating it, so it is not adopted and nothing was written.\n\n"+
		"If that apply was interrupted, apply again after %s: the role, its inline policy and its association are then adopted into this state and brought to this configuration. "+
		"The time is the interrupted create's start plus its create timeout (timeouts.create) plus the time its clean-up may take (as long again, at most 2 minutes). "+
		"If another state is creating it, remove this resource from this configuration instead.",
		roleName, pendingTagKey, until, until)
}

// newCreateToken is a random token for one create.
func newCreateToken() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// creation is one Create: the role, the inline policy and the association,
// exactly three writes, undone on failure.
type creation struct {
	c       *conns.AWSClient
	plan    *leastPrivilegeResourceModel
	token   string
	tagsAll map[string]string
	// pendingUntil is the role's pending marker; undoTimeout bounds undo.
	pendingUntil string
	undoTimeout  time.Duration
	// adopting is set when the role is one an interrupted create left.
	adopting bool

	role        *iamtypes.Role
	createdRole bool // by this create: undo deletes it
	putPolicy   bool
	diags       diag.Diagnostics
}

// create runs the steps. It returns a non-nil model only when something
// remains to be tracked: the result, or what a failed undo left.
func (r *leastPrivilegeResource) create(ctx context.Context, plan *leastPrivilegeResourceModel, token string, timeout time.Duration) (*leastPrivilegeResourceModel, diag.Diagnostics) {
	k := &creation{c: r.client, plan: plan, token: token, pendingUntil: pendingUntilFor(time.Now(), timeout), undoTimeout: undoTimeout(timeout)}
	k.tagsAll = stringMap(ctx, plan.TagsAll, &k.diags)
	if k.diags.HasError() {
		return nil, k.diags
	}
	if err := k.ensureRole(ctx); err != nil {
		k.diags.AddError(err.summary, err.detail)
		return nil, k.diags
	}
	if k.adopting {
		return r.adopt(ctx, k)
	}
	if err := k.putRolePolicy(ctx); err != nil {
		return k.undo(ctx, err)
	}
	k.putPolicy = true
	assoc, err := createOrAdoptAssociation(ctx, k.c, k.associationInput(), aws.ToString(k.role.Arn))
	if err != nil {
		return k.undo(ctx, &stepError{"creating EKS Pod Identity Association", associationDetail(plan, aws.ToString(k.role.Arn), err)})
	}
	out := *plan
	setRoleAttributes(&out, k.role)
	setAssociationAttributes(&out, assoc)
	k.finish(ctx)
	return &out, k.diags
}

// finish removes the role's pending marker: the three objects exist, and
// Terraform saves them in state as soon as Create returns. If that fails,
// the error keeps the resource in state as tainted (the next apply
// replaces it) rather than leave a finished role that another state could
// take for an interrupted create's.
func (k *creation) finish(ctx context.Context) {
	if k.plan.brownfield() {
		return
	}
	roleName := k.plan.RoleName.ValueString()
	if _, err := k.c.IAM.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String(roleName), TagKeys: []string{pendingTagKey}}); err != nil {
		k.diags.AddError("Finishing IAM Role",
			fmt.Sprintf("IAM Role (%s): removing the %s tag that marks an unfinished create: %s. The role, its policy and its association exist and are kept in state as tainted; the next apply replaces them.", roleName, pendingTagKey, err))
	}
}

// adopt finishes what an interrupted create of this resource left: the
// role (its pending marker expired), its inline policy and its association
// if they exist. It first claims the role with this create's token and
// pending marker, so that another apply sees a create in progress; then it
// reads what exists as Read does and brings it to the plan as Update does
// (the writes in the same order), and removes the marker. On failure what
// exists is kept in state, tainted: the next apply replaces it.
func (r *leastPrivilegeResource) adopt(ctx context.Context, k *creation) (*leastPrivilegeResourceModel, diag.Diagnostics) {
	plan, c := k.plan, r.client
	roleName, roleARN := plan.RoleName.ValueString(), aws.ToString(k.role.Arn)
	tflog.Info(ctx, "adopting the role an interrupted create left", map[string]any{"role": roleName, "pending_until": roleTag(k.role, pendingTagKey)})
	if _, err := c.IAM.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String(roleName), Tags: []iamtypes.Tag{
		{Key: aws.String(createTokenTagKey), Value: aws.String(k.token)},
		{Key: aws.String(pendingTagKey), Value: aws.String(k.pendingUntil)},
	}}); err != nil {
		k.diags.AddError("tagging IAM Role", fmt.Sprintf("IAM Role (%s): claiming the role an interrupted create left: %s", roleName, err))
		return nil, k.diags
	}
	found := *plan
	found.AssociationID, found.AssociationARN, found.ID = types.StringNull(), types.StringNull(), types.StringNull()
	a, err := findAssociationForServiceAccount(ctx, c.EKS, plan.ClusterName.ValueString(), plan.Namespace.ValueString(), plan.ServiceAccount.ValueString())
	switch {
	case err == nil && roleKey(aws.ToString(a.RoleArn)) == roleKey(roleARN):
		setAssociationAttributes(&found, a)
	case err != nil && !isNotFound(err):
		k.diags.AddError("reading EKS Pod Identity Association", associationDetail(plan, roleARN, err))
		return nil, k.diags
	}
	read, d := r.read(ctx, &found)
	k.diags.Append(d...)
	if k.diags.HasError() {
		return nil, k.diags
	}
	if read.gone != "" {
		k.diags.AddError("Adopting IAM Role", read.gone)
		return nil, k.diags
	}
	out, d := r.update(ctx, plan, &found, read.drift)
	k.diags.Append(d...)
	if k.diags.HasError() {
		return out, k.diags
	}
	k.finish(ctx)
	return out, k.diags
}

// stepError is a failed step, worded as the AWS provider words it.
type stepError struct{ summary, detail string }

// ensureRole finds the existing role (brownfield) or creates the role with
// its tags, adopting it when a retried CreateRole finds the role this
// create made.
func (k *creation) ensureRole(ctx context.Context) *stepError {
	roleName := k.plan.RoleName.ValueString()
	if k.plan.brownfield() {
		role, err := findRoleByName(ctx, k.c.IAM, roleName)
		if err != nil {
			return &stepError{"reading IAM Role", fmt.Sprintf("IAM Role (%s): %s", roleName, err)}
		}
		k.role = role
		return nil
	}
	o, err := k.c.IAM.CreateRole(ctx, k.createRoleInput())
	switch {
	case err == nil:
		k.role, k.createdRole = o.Role, true
		return nil
	case !isAWSErr[*iamtypes.EntityAlreadyExistsException](err):
		return &stepError{"creating IAM Role", fmt.Sprintf("IAM Role (%s): %s", roleName, err)}
	}
	cluster, ns, sa := k.plan.ClusterName.ValueString(), k.plan.Namespace.ValueString(), k.plan.ServiceAccount.ValueString()
	existing, ferr := findRoleByName(ctx, k.c.IAM, roleName)
	if ferr != nil || roleTag(existing, ownerTagKey) != ownerTagValue(cluster, ns, sa) {
		e := leastpriv.RoleExists(roleName, cluster, ns, sa)
		return &stepError{e.Summary, e.DiagnosticDetail()}
	}
	if roleTag(existing, createTokenTagKey) == k.token {
		tflog.Info(ctx, "CreateRole was retried after its first attempt went through; adopting the role it made", map[string]any{"role": roleName})
		k.role, k.createdRole = existing, true
		return nil
	}
	switch p, until := rolePending(existing, time.Now()); p {
	case pendingExpired:
		k.role, k.adopting = existing, true
		return nil
	case pendingLive:
		return &stepError{createInProgressSummary, createInProgressDetail(roleName, until)}
	}
	return &stepError{anotherStateSummary, anotherStateDetail(existing, cluster, ns, sa)}
}

func (k *creation) createRoleInput() *iam.CreateRoleInput {
	p := k.plan
	tags := iamTags(k.tagsAll)
	tags = append(tags,
		iamtypes.Tag{Key: aws.String(ownerTagKey), Value: aws.String(ownerTagValue(p.ClusterName.ValueString(), p.Namespace.ValueString(), p.ServiceAccount.ValueString()))},
		iamtypes.Tag{Key: aws.String(createTokenTagKey), Value: aws.String(k.token)},
		iamtypes.Tag{Key: aws.String(pendingTagKey), Value: aws.String(k.pendingUntil)})
	if order := tablesOrder(grantARNs(context.Background(), p.DynamoDBTables)); order != "" {
		tags = append(tags, iamtypes.Tag{Key: aws.String(tablesOrderTagKey), Value: aws.String(order)})
	}
	input := &iam.CreateRoleInput{
		RoleName:                 aws.String(p.RoleName.ValueString()),
		Path:                     aws.String(p.RolePath.ValueString()),
		AssumeRolePolicyDocument: aws.String(p.TrustPolicyJSON.ValueString()),
		MaxSessionDuration:       aws.Int32(int32(p.MaxSessionDuration.ValueInt64())),
		Tags:                     tags,
	}
	if v := p.RoleDescription.ValueString(); v != "" {
		input.Description = aws.String(v)
	}
	if v := p.PermissionsBoundary.ValueString(); v != "" {
		input.PermissionsBoundary = aws.String(v)
	}
	return input
}

func (k *creation) putRolePolicy(ctx context.Context) *stepError {
	roleName := k.plan.RoleName.ValueString()
	if _, err := k.c.IAM.PutRolePolicy(ctx, &iam.PutRolePolicyInput{
		RoleName:       aws.String(roleName),
		PolicyName:     aws.String(policyName),
		PolicyDocument: aws.String(k.plan.PolicyJSON.ValueString()),
	}); err != nil {
		return &stepError{"creating IAM Role Policy", fmt.Sprintf("IAM Role Policy (%s:%s): %s", roleName, policyName, err)}
	}
	return nil
}

func (k *creation) associationInput() *eks.CreatePodIdentityAssociationInput {
	return newAssociationInput(k.plan, aws.ToString(k.role.Arn), k.tagsAll, k.token)
}

// newAssociationInput is the CreatePodIdentityAssociation request for the
// planned resource. The client request token makes the call idempotent
// across retries of one create (or one move).
func newAssociationInput(plan *leastPrivilegeResourceModel, roleARN string, tags map[string]string, token string) *eks.CreatePodIdentityAssociationInput {
	input := &eks.CreatePodIdentityAssociationInput{
		ClusterName:    aws.String(plan.ClusterName.ValueString()),
		Namespace:      aws.String(plan.Namespace.ValueString()),
		ServiceAccount: aws.String(plan.ServiceAccount.ValueString()),
		RoleArn:        aws.String(roleARN),
		Tags:           tags,
	}
	if token != "" {
		input.ClientRequestToken = aws.String(token)
	}
	if v := plan.TargetRoleARN.ValueString(); v != "" {
		input.TargetRoleArn = aws.String(v)
	}
	if plan.DisableSessionTags.ValueBool() {
		input.DisableSessionTags = aws.Bool(true)
	}
	return input
}

func associationDetail(plan *leastPrivilegeResourceModel, roleARN string, err error) string {
	return fmt.Sprintf("EKS Pod Identity Association (cluster %s, namespace %s, service account %s, role %s): %s",
		plan.ClusterName.ValueString(), plan.Namespace.ValueString(), plan.ServiceAccount.ValueString(), roleARN, err)
}

// createOrAdoptAssociation creates the association, retrying while the role
// propagates in IAM. An association of the same service account that
// already points at roleARN (the resource's own role) is the one a retried
// or interrupted call made: it is adopted. Anyone else's is an error.
func createOrAdoptAssociation(ctx context.Context, c *conns.AWSClient, input *eks.CreatePodIdentityAssociationInput, roleARN string) (*ekstypes.PodIdentityAssociation, error) {
	assoc, err := retryWhen(ctx, propagationTimeout, func(ctx context.Context) (*ekstypes.PodIdentityAssociation, error) {
		out, err := c.EKS.CreatePodIdentityAssociation(ctx, input)
		if err != nil {
			return nil, err
		}
		return out.Association, nil
	}, isRolePropagationError)
	if isRolePropagationError(err) {
		return nil, fmt.Errorf("IAM role still not visible to EKS: %w", err)
	}
	if !isAWSErr[*ekstypes.ResourceInUseException](err) {
		return assoc, err
	}
	existing, ferr := findAssociationForServiceAccount(ctx, c.EKS, aws.ToString(input.ClusterName), aws.ToString(input.Namespace), aws.ToString(input.ServiceAccount))
	if ferr == nil && aws.ToString(existing.RoleArn) == roleARN {
		return existing, nil
	}
	return nil, err
}

// undo removes what the create made. Cleanup has a deadline of its own: the
// create's context may be what ran out.
func (k *creation) undo(ctx context.Context, failed *stepError) (*leastPrivilegeResourceModel, diag.Diagnostics) {
	k.diags.AddError(failed.summary, failed.detail)
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), k.undoTimeout)
	defer cancel()
	roleName := k.plan.RoleName.ValueString()
	var undoErrs []string
	if k.putPolicy {
		if err := deleteRolePolicy(cctx, k.c.IAM, roleName); err != nil {
			undoErrs = append(undoErrs, fmt.Sprintf("deleting IAM Role Policy (%s:%s): %s", roleName, policyName, err))
		} else {
			k.putPolicy = false
		}
	}
	if k.createdRole && len(undoErrs) == 0 {
		if err := deleteRole(cctx, k.c.IAM, roleName); err != nil {
			undoErrs = append(undoErrs, fmt.Sprintf("deleting IAM Role (%s): %s", roleName, err))
		} else {
			k.createdRole = false
		}
	}
	if len(undoErrs) == 0 {
		return nil, k.diags
	}
	return k.leftovers(undoErrs)
}

// leftovers is the state of what a failed undo left, tracked (and tainted)
// so that the next apply deletes it before creating again.
func (k *creation) leftovers(undoErrs []string) (*leastPrivilegeResourceModel, diag.Diagnostics) {
	k.diags.AddError("Cleaning Up After a Failed Create",
		"The resource could not remove what it had created: "+strings.Join(undoErrs, "; ")+
			". Terraform keeps what is left in state as tainted, so the next apply deletes it before creating again.")
	out := *k.plan
	if k.createdRole || k.plan.brownfield() {
		setRoleAttributes(&out, k.role)
	}
	out.AssociationID, out.AssociationARN, out.ID = types.StringNull(), types.StringNull(), types.StringNull()
	if !k.putPolicy {
		out.PolicyJSON = types.StringNull()
	}
	return &out, k.diags
}

// findAssociationForServiceAccount returns the association serving a
// namespace/service account, with its role ARN.
func findAssociationForServiceAccount(ctx context.Context, conn *eks.Client, cluster, ns, sa string) (*ekstypes.PodIdentityAssociation, error) {
	out, err := conn.ListPodIdentityAssociations(ctx, &eks.ListPodIdentityAssociationsInput{
		ClusterName: aws.String(cluster), Namespace: aws.String(ns), ServiceAccount: aws.String(sa),
	})
	if err != nil {
		return nil, err
	}
	if len(out.Associations) == 0 {
		return nil, &notFoundError{what: "EKS Pod Identity Association", id: cluster + "/" + ns + "/" + sa}
	}
	return findPodIdentityAssociationByTwoPartKey(ctx, conn, cluster, aws.ToString(out.Associations[0].AssociationId))
}

// tablesOrderTagKey keeps the configured order of dynamodb_tables on a role
// the resource creates, when it is not the order of the table ARNs (the
// order of the generated policy), so that import rebuilds the list exactly
// as configured. The value is the position of each configured table among
// the sorted ARNs, for example "2.0.1". It is not part of tags or tags_all.
const tablesOrderTagKey = "podidentity:tables-order"

// tablesOrder is the tablesOrderTagKey value for grants, "" when they are
// in ARN order or too many to fit in a tag value.
func tablesOrder(arns []string) string {
	sorted := slices.Clone(arns)
	slices.Sort(sorted)
	if slices.Equal(sorted, arns) {
		return ""
	}
	parts := make([]string, len(arns))
	for i, a := range arns {
		parts[i] = strconv.Itoa(slices.Index(sorted, a))
	}
	v := strings.Join(parts, ".")
	if len(v) > 256 {
		return ""
	}
	return v
}

// applyTablesOrder reorders grants rebuilt from a policy (in ARN order) to
// the configured order the tag recorded; a tag that does not fit leaves
// them as they are.
func applyTablesOrder(grants []tableGrantModel, tag string) []tableGrantModel {
	if tag == "" {
		return grants
	}
	parts := strings.Split(tag, ".")
	if len(parts) != len(grants) {
		return grants
	}
	sorted := slices.Clone(grants)
	slices.SortFunc(sorted, func(a, b tableGrantModel) int { return strings.Compare(a.ARN.ValueString(), b.ARN.ValueString()) })
	out := make([]tableGrantModel, len(grants))
	seen := make([]bool, len(grants))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n >= len(sorted) || seen[n] {
			return grants
		}
		seen[n] = true
		out[i] = sorted[n]
	}
	return out
}

// grantARNs lists the table ARNs of a known dynamodb_tables value.
func grantARNs(ctx context.Context, tables types.List) []string {
	if tables.IsNull() || tables.IsUnknown() {
		return nil
	}
	var grants []tableGrantModel
	if d := tables.ElementsAs(ctx, &grants, false); d.HasError() {
		return nil
	}
	out := make([]string, 0, len(grants))
	for _, g := range grants {
		if g.ARN.IsUnknown() {
			return nil
		}
		out = append(out, g.ARN.ValueString())
	}
	return out
}
