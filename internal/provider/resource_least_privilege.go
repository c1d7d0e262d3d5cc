package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/conns"
	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

const (
	// policyName is the name of the inline policy the resource manages.
	policyName = "podidentity-least-privilege"
	// ownerTagKey marks a role the resource created, with the value
	// CLUSTER/NAMESPACE/SERVICEACCOUNT. Import uses it to tell a role the
	// resource created from an existing one. It is not part of tags or
	// tags_all.
	ownerTagKey = "podidentity:owner"

	defaultCreateTimeout = 5 * time.Minute
	defaultUpdateTimeout = 5 * time.Minute
	defaultDeleteTimeout = 5 * time.Minute

	defaultMaxSessionDuration = 3600
	defaultRolePath           = "/"
)

var (
	_ resource.Resource                     = (*leastPrivilegeResource)(nil)
	_ resource.ResourceWithConfigure        = (*leastPrivilegeResource)(nil)
	_ resource.ResourceWithConfigValidators = (*leastPrivilegeResource)(nil)
	_ resource.ResourceWithIdentity         = (*leastPrivilegeResource)(nil)
	_ resource.ResourceWithImportState      = (*leastPrivilegeResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*leastPrivilegeResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*leastPrivilegeResource)(nil)
)

// NewLeastPrivilegeResource returns the podidentity_least_privilege resource.
func NewLeastPrivilegeResource() resource.Resource { return &leastPrivilegeResource{} }

type leastPrivilegeResource struct {
	client *conns.AWSClient
}

func (r *leastPrivilegeResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_least_privilege"
	// The association ID in the identity changes when the association is
	// re-created (namespace move, deleted behind Terraform's back).
	resp.ResourceBehavior.MutableIdentity = true
}

func (r *leastPrivilegeResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	roleOnly := " Not allowed with `existing_role_name`."
	resp.Schema = schema.Schema{
		MarkdownDescription: "Gives the pods of one Kubernetes service account least-privilege access to DynamoDB tables with EKS Pod Identity. " +
			"It creates an IAM role that only `pods.eks.amazonaws.com` can assume (restricted to this cluster, namespace and service account), " +
			"an inline policy generated from `dynamodb_tables`, and the Pod Identity association, and checks at plan time what would make the grant wider than asked " +
			"(a node role, a wildcard, a missing agent add-on).",
		Attributes: map[string]schema.Attribute{
			"association_arn": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The ARN of the Pod Identity association.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"association_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The ID of the Pod Identity association, for example `a-1a2b3c4d5e6f7g8h9`. It changes when the association moves to another namespace or service account.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"cluster_arn": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The ARN of the EKS cluster.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"cluster_name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The name of the EKS cluster the pods run in. Changing it replaces the resource.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 100)},
			},
			"disable_session_tags": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
				MarkdownDescription: "Whether EKS Pod Identity leaves out the session tags (cluster, namespace, service account, pod) when it assumes the role. Defaults to `false`. Session tags must stay on with `trust_scope = \"service_account\"`, whose trust conditions test them.",
			},
			"dynamodb_tables": schema.ListNestedAttribute{
				Required:            true,
				MarkdownDescription: "The DynamoDB tables the pods may use, one element per table. The inline policy is generated from this list.",
				Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"access": schema.StringAttribute{
							Optional: true,
							Computed: true,
							Default:  stringdefault.StaticString(string(leastpriv.AccessRead)),
							MarkdownDescription: "The access level: `read` (GetItem, BatchGetItem, Query, Scan, ConditionCheckItem, DescribeTable), " +
								"`write` (PutItem, UpdateItem, DeleteItem, BatchWriteItem, ConditionCheckItem, DescribeTable) or `read_write` (both). Defaults to `read`. Not allowed with `actions`.",
							Validators: []validator.String{stringvalidator.OneOf(string(leastpriv.AccessRead), string(leastpriv.AccessWrite), string(leastpriv.AccessReadWrite))},
						},
						"actions": schema.SetAttribute{
							Optional:            true,
							ElementType:         types.StringType,
							MarkdownDescription: "Explicit DynamoDB actions instead of `access`, for example `[\"dynamodb:GetItem\", \"dynamodb:Query\"]`. Each must be a real DynamoDB action that works on a table, an index or a stream; wildcards are rejected.",
							Validators:          []validator.Set{setvalidator.SizeAtLeast(1)},
						},
						"arn": schema.StringAttribute{
							Required:            true,
							MarkdownDescription: "The ARN of the table, for example `aws_dynamodb_table.carts.arn`. Index and stream ARNs are rejected: use `indexes` and `streams`.",
							Validators:          []validator.String{tableARNValidator()},
						},
						"indexes": schema.BoolAttribute{
							Optional:            true,
							Computed:            true,
							Default:             booldefault.StaticBool(true),
							MarkdownDescription: "Whether the actions that work on secondary indexes (Query, Scan) are also granted on the table's indexes (`TABLE_ARN/index/*`). Defaults to `true`; it has no effect when none of the actions work on an index.",
						},
						"streams": schema.BoolAttribute{
							Optional:            true,
							Computed:            true,
							Default:             booldefault.StaticBool(false),
							MarkdownDescription: "Whether the pods may read the table's streams (DescribeStream, GetRecords, GetShardIterator on `TABLE_ARN/stream/*`). Defaults to `false`.",
						},
					},
				},
			},
			"existing_role_name": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The name of an existing IAM role to use instead of creating one (brownfield mode). The resource then only attaches its inline policy and creates the association; " +
					"on destroy it removes those two and leaves the role. The role must trust `pods.eks.amazonaws.com` and must not be a node role (of a node group, EKS Auto Mode, an instance profile, a node access entry or a Fargate profile). Changing it replaces the resource.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{roleNameValidator()},
			},
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The cluster name and the association ID separated by a comma (`CLUSTER,ASSOCIATION_ID`), the form `terraform import` takes, as for `aws_eks_pod_identity_association`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"max_session_duration": schema.Int64Attribute{
				Optional:            true,
				Computed:            true,
				Default:             int64default.StaticInt64(defaultMaxSessionDuration),
				MarkdownDescription: "The maximum session duration of the role, in seconds, from 3600 to 43200. Defaults to 3600." + roleOnly,
				Validators:          []validator.Int64{int64validator.Between(3600, 43200)},
			},
			"namespace": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The Kubernetes namespace of the service account. Changing it moves the association without replacing the role: the new association is created before the old one is deleted.",
				Validators:          []validator.String{kubernetesNameValidator("namespace")},
			},
			"permissions_boundary": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The ARN of a managed policy to set as the role's permissions boundary." + roleOnly,
				Validators:          []validator.String{stringvalidator.RegexMatches(arnPolicyPattern, "must be the ARN of an IAM managed policy")},
			},
			"policy_json": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The inline policy granted to the role, as JSON. It is computed at plan time, so `terraform plan` shows exactly what is granted.",
			},
			"role_arn": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The ARN of the IAM role.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"role_description": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The description of the role." + roleOnly,
				Validators:          []validator.String{stringvalidator.LengthAtMost(1000)},
			},
			"role_name": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "The name of the role to create. Defaults to `CLUSTER-NAMESPACE-SERVICEACCOUNT` (shortened with a hash beyond 64 characters); the default is kept when the namespace or service account changes later. " +
					"Changing it replaces the resource. Not allowed with `existing_role_name`, whose value it then takes.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{roleNameValidator()},
			},
			"role_path": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(defaultRolePath),
				MarkdownDescription: "The path of the role to create. Defaults to `/`. Changing it replaces the resource." + roleOnly,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{rolePathValidator()},
			},
			"role_unique_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The unique ID of the role (`AROA...`), as it appears in CloudTrail.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"service_account": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The name of the Kubernetes service account. Changing it moves the association without replacing the role: the new association is created before the old one is deleted.",
				Validators:          []validator.String{kubernetesNameValidator("service_account")},
			},
			"tags": schema.MapAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Tags for the role and the association. They win over the provider's `default_tags`.",
			},
			"tags_all": schema.MapAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "The tags applied to the role and the association: `tags` merged over the provider's `default_tags`. With `existing_role_name` they are applied to the association only.",
			},
			"target_role_arn": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The ARN of a role in another account that EKS assumes with the created role's credentials (role chaining for cross-account access). " +
					"The pods then get the target role's credentials; its trust policy must admit this role.",
				Validators: []validator.String{stringvalidator.RegexMatches(arnRolePattern, "must be the ARN of an IAM role")},
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{
				Create: true, Update: true, Delete: true,
				CreateDescription: "How long a create may take, as a duration such as `10m`. Defaults to `5m`. It also bounds the retries while a new role propagates in IAM (at most two minutes), and sets how soon a later apply may adopt what a create killed before the state was saved left: after this time plus the clean-up time (as long again, at most two minutes).",
				UpdateDescription: "How long an update may take, as a duration such as `10m`. Defaults to `5m`.",
				DeleteDescription: "How long a destroy may take, as a duration such as `10m`. Defaults to `5m`.",
			}),
			"trust_policy_json": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The role's trust policy, as JSON. For a role the resource creates it is computed at plan time; with `existing_role_name` it is the existing role's.",
			},
			"trust_scope": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(string(leastpriv.TrustScopeServiceAccount)),
				MarkdownDescription: "Who may use the role. `service_account` (the default) restricts the trust policy with session-tag conditions to this cluster, namespace and service account; " +
					"`account` is AWS's default trust, which lets any Pod Identity association in the account use the role." + roleOnly,
				Validators: []validator.String{stringvalidator.OneOf(string(leastpriv.TrustScopeServiceAccount), string(leastpriv.TrustScopeAccount))},
			},
		},
	}
}

func (r *leastPrivilegeResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"association_id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "The ID of the Pod Identity association.",
			},
			"cluster_name": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "The name of the EKS cluster.",
			},
		},
	}
}

func (r *leastPrivilegeResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	c, ok := req.ProviderData.(*conns.AWSClient)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *conns.AWSClient, got %T. This is a bug in the provider; please report it.", req.ProviderData))
		return
	}
	r.client = c
}

// ConfigValidators rejects the role arguments in brownfield mode: the
// existing role is not the resource's to change.
func (r *leastPrivilegeResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	var out []resource.ConfigValidator
	for _, name := range []string{"max_session_duration", "permissions_boundary", "role_description", "role_name", "role_path", "trust_scope"} {
		out = append(out, resourcevalidator.Conflicting(path.MatchRoot("existing_role_name"), path.MatchRoot(name)))
	}
	return out
}

// ValidateConfig runs the offline checks, so that `terraform validate`
// catches them. Unknown values are skipped.
func (r *leastPrivilegeResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m leastPrivilegeResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(validateOffline(ctx, &m)...)
}

func (r *leastPrivilegeResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		// Destroy: stop at plan what DeleteRole would refuse.
		var state leastPrivilegeResourceModel
		if req.State.Raw.IsNull() {
			return
		}
		if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); !resp.Diagnostics.HasError() {
			r.planDestroy(ctx, &state, &resp.Diagnostics)
		}
		return
	}
	var plan, config leastPrivilegeResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	var state *leastPrivilegeResourceModel
	if !req.State.Raw.IsNull() {
		state = &leastPrivilegeResourceModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if state != nil && replacing(&plan, state) {
		// A new role and association replace the old ones (destroyed
		// first): plan as a create, but the old objects are no conflict.
		plan.RoleARN, plan.RoleUniqueID, plan.ClusterARN = types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
		plan.AssociationID, plan.AssociationARN, plan.ID = types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
		markReplaced(r.client, state)
		r.planDestroy(ctx, state, &resp.Diagnostics)
		claimSubject(r.client, &plan, state, true, &resp.Diagnostics)
		r.planComputedReplacing(ctx, &plan, &config, state, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	claimSubject(r.client, &plan, state, false, &resp.Diagnostics)
	checked := r.planComputed(ctx, &plan, &config, state, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if state != nil {
		// Read found the association pointing at another role or carrying
		// other tags: plan an update that repairs it.
		raw, d := req.Private.GetKey(ctx, privateKeyDrift)
		resp.Diagnostics.Append(d...)
		if parseDrift(raw).any() && !plan.AssociationID.IsUnknown() {
			plan.AssociationARN = types.StringUnknown()
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	if checked {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyChecked, []byte(`{"checked":true}`))...)
	}
}

func (r *leastPrivilegeResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan leastPrivilegeResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if !r.requireClient(&resp.Diagnostics) {
		return
	}

	// When the provider configuration or an argument was unknown at plan
	// time, the API checks did not run: run them now, before any write.
	if plan.RoleARN.IsUnknown() {
		var config leastPrivilegeResourceModel
		resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
		r.planComputed(ctx, &plan, &config, nil, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	}

	token := newCreateToken()
	out, diags := r.create(ctx, &plan, token, timeout)
	resp.Diagnostics.Append(diags...)
	if out == nil {
		return
	}
	// On error with something left behind that could not be undone, the
	// partial state makes Terraform track (and taint) it.
	resp.Diagnostics.Append(resp.State.Set(ctx, out)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, out)...)
	// The private state Read writes, so that a refresh right after the
	// create finds nothing to change.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyCreateToken, createTokenBytes(token))...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyDrift, driftFlags{}.bytes())...)
}

func (r *leastPrivilegeResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state leastPrivilegeResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.client == nil {
		// The provider configuration is unknown during this plan: keep the
		// state as it is; the apply refreshes with a configured provider.
		tflog.Info(ctx, "provider not configured; state kept without refresh")
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, &state)...)
		return
	}
	prior := state
	read, diags := r.read(ctx, &state)
	gone, drift := read.gone, read.drift
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if gone != "" {
		resp.Diagnostics.AddWarning("Resource Removed From State", gone)
		resp.State.RemoveResource(ctx)
		// The framework wants an identity after every Read without an
		// error, a removal included (Terraform 1.11+ otherwise fails with
		// "Missing Resource Identity After Read"): keep the one we had.
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, &prior)...)
		return
	}
	if read.role != nil {
		r.client.Plan.MarkTracked("role/" + strings.ToLower(aws.ToString(read.role.RoleName)))
	}
	if token := roleTag(read.role, createTokenTagKey); token != "" {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyCreateToken, createTokenBytes(token))...)
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyDrift, drift.bytes())...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, &state)...)
}

func (r *leastPrivilegeResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state leastPrivilegeResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if !r.requireClient(&resp.Diagnostics) {
		return
	}
	checked, d := req.Private.GetKey(ctx, privateKeyChecked)
	resp.Diagnostics.Append(d...)
	if len(checked) == 0 || plan.PolicyJSON.IsUnknown() || plan.TagsAll.IsUnknown() {
		var config leastPrivilegeResourceModel
		resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
		r.planComputed(ctx, &plan, &config, &state, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	driftRaw, d := req.Private.GetKey(ctx, privateKeyDrift)
	resp.Diagnostics.Append(d...)

	out, diags := r.update(ctx, &plan, &state, parseDrift(driftRaw))
	resp.Diagnostics.Append(diags...)
	if out == nil {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, out)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, out)...)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyDrift, driftFlags{}.bytes())...)
	}
}

func (r *leastPrivilegeResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state leastPrivilegeResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if !r.requireClient(&resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(r.delete(ctx, &state)...)
}

// ImportState takes `CLUSTER,ASSOCIATION_ID` or the identity (cluster_name,
// association_id). Read then finds the role and the policy.
func (r *leastPrivilegeResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var cluster, assocID string
	if req.ID != "" {
		var err error
		if cluster, assocID, err = parseImportID(req.ID); err != nil {
			resp.Diagnostics.AddError("Invalid Import ID", "The "+err.Error())
			return
		}
	} else {
		var id identityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &id)...)
		if resp.Diagnostics.HasError() {
			return
		}
		cluster, assocID = id.ClusterName.ValueString(), id.AssociationID.ValueString()
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("cluster_name"), cluster)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("association_id"), assocID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), cluster+","+assocID)...)
	if resp.Identity != nil {
		resp.Diagnostics.Append(resp.Identity.Set(ctx, identityModel{ClusterName: types.StringValue(cluster), AssociationID: types.StringValue(assocID)})...)
	}
}

// parseImportID splits CLUSTER,ASSOCIATION_ID.
func parseImportID(id string) (cluster, associationID string, err error) {
	parts := strings.Split(id, ",")
	if len(parts) != 2 || strings.TrimSpace(parts[0]) != parts[0] || strings.TrimSpace(parts[1]) != parts[1] || parts[0] == "" || parts[1] == "" {
		return "", "", fmt.Errorf("import ID %q is not CLUSTER,ASSOCIATION_ID. Use the cluster name and the association ID separated by a comma, "+
			"for example `terraform import podidentity_least_privilege.carts eks-workshop,a-1a2b3c4d5e6f7g8h9` "+
			"(`aws eks list-pod-identity-associations --cluster-name CLUSTER` lists the IDs).", id)
	}
	return parts[0], parts[1], nil
}

func (r *leastPrivilegeResource) requireClient(diags *diag.Diagnostics) bool {
	if r.client == nil {
		diags.AddError("Provider Not Configured",
			"The podidentity provider has no AWS configuration at apply time. This happens when the provider block depends on values that never became known; check the provider configuration.")
		return false
	}
	return true
}

// setRoleAttributes copies the role's computed attributes.
func setRoleAttributes(m *leastPrivilegeResourceModel, role *iamtypes.Role) {
	if role == nil {
		return
	}
	m.RoleARN = types.StringValue(aws.ToString(role.Arn))
	m.RoleUniqueID = types.StringValue(aws.ToString(role.RoleId))
	m.RoleName = types.StringValue(aws.ToString(role.RoleName))
}

func setAssociationAttributes(m *leastPrivilegeResourceModel, a *ekstypes.PodIdentityAssociation) {
	m.AssociationID = types.StringValue(aws.ToString(a.AssociationId))
	m.AssociationARN = types.StringValue(aws.ToString(a.AssociationArn))
	m.ID = types.StringValue(m.ClusterName.ValueString() + "," + aws.ToString(a.AssociationId))
}

func setIdentity(ctx context.Context, id *tfsdk.ResourceIdentity, m *leastPrivilegeResourceModel) diag.Diagnostics {
	if id == nil {
		return nil
	}
	return id.Set(ctx, identityModel{ClusterName: m.ClusterName, AssociationID: m.AssociationID})
}

func ownerTagValue(cluster, ns, sa string) string { return cluster + "/" + ns + "/" + sa }

func roleTag(role *iamtypes.Role, key string) string {
	if role == nil {
		return ""
	}
	for _, t := range role.Tags {
		if aws.ToString(t.Key) == key {
			return aws.ToString(t.Value)
		}
	}
	return ""
}

func iamTags(m map[string]string) []iamtypes.Tag {
	out := make([]iamtypes.Tag, 0, len(m)+1)
	for _, k := range sortedMapKeys(m) {
		out = append(out, iamtypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

func stringMap(ctx context.Context, m types.Map, diags *diag.Diagnostics) map[string]string {
	if m.IsNull() || m.IsUnknown() {
		return nil
	}
	out := map[string]string{}
	diags.Append(m.ElementsAs(ctx, &out, false)...)
	return out
}

func mapValue(m map[string]string) types.Map {
	vals := make(map[string]attr.Value, len(m))
	for k, v := range m {
		vals[k] = types.StringValue(v)
	}
	return types.MapValueMust(types.StringType, vals)
}

// leastPrivilegeResourceModel is the resource's state.
type leastPrivilegeResourceModel struct {
	AssociationARN      types.String   `tfsdk:"association_arn"`
	AssociationID       types.String   `tfsdk:"association_id"`
	ClusterARN          types.String   `tfsdk:"cluster_arn"`
	ClusterName         types.String   `tfsdk:"cluster_name"`
	DisableSessionTags  types.Bool     `tfsdk:"disable_session_tags"`
	DynamoDBTables      types.List     `tfsdk:"dynamodb_tables"`
	ExistingRoleName    types.String   `tfsdk:"existing_role_name"`
	ID                  types.String   `tfsdk:"id"`
	MaxSessionDuration  types.Int64    `tfsdk:"max_session_duration"`
	Namespace           types.String   `tfsdk:"namespace"`
	PermissionsBoundary types.String   `tfsdk:"permissions_boundary"`
	PolicyJSON          types.String   `tfsdk:"policy_json"`
	RoleARN             types.String   `tfsdk:"role_arn"`
	RoleDescription     types.String   `tfsdk:"role_description"`
	RoleName            types.String   `tfsdk:"role_name"`
	RolePath            types.String   `tfsdk:"role_path"`
	RoleUniqueID        types.String   `tfsdk:"role_unique_id"`
	ServiceAccount      types.String   `tfsdk:"service_account"`
	Tags                types.Map      `tfsdk:"tags"`
	TagsAll             types.Map      `tfsdk:"tags_all"`
	TargetRoleARN       types.String   `tfsdk:"target_role_arn"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
	TrustPolicyJSON     types.String   `tfsdk:"trust_policy_json"`
	TrustScope          types.String   `tfsdk:"trust_scope"`
}

func (m *leastPrivilegeResourceModel) brownfield() bool {
	return !m.ExistingRoleName.IsNull() && m.ExistingRoleName.ValueString() != ""
}

// tableGrantModel is one dynamodb_tables element.
type tableGrantModel struct {
	Access  types.String `tfsdk:"access"`
	Actions types.Set    `tfsdk:"actions"`
	ARN     types.String `tfsdk:"arn"`
	Indexes types.Bool   `tfsdk:"indexes"`
	Streams types.Bool   `tfsdk:"streams"`
}

var tableGrantAttrTypes = map[string]attr.Type{
	"access":  types.StringType,
	"actions": types.SetType{ElemType: types.StringType},
	"arn":     types.StringType,
	"indexes": types.BoolType,
	"streams": types.BoolType,
}

// identityModel is the resource identity.
type identityModel struct {
	AssociationID types.String `tfsdk:"association_id"`
	ClusterName   types.String `tfsdk:"cluster_name"`
}
