package testprovider

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ datasource.DataSource = (*iamRoleDataSource)(nil)
	_ datasource.DataSource = (*callerIdentityDataSource)(nil)
)

// iamRoleDataSource is data.aws_iam_role: an existing role, looked up by
// name, trusted by EC2 when its name contains "node" (a made-up but
// deterministic answer).
type iamRoleDataSource struct{}

func (d *iamRoleDataSource) Metadata(_ context.Context, _ datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = "aws_iam_role"
}

func (d *iamRoleDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	comp := schema.StringAttribute{Computed: true}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Test double of `aws_iam_role` (data source).",
		Attributes: map[string]schema.Attribute{
			"arn": comp, "assume_role_policy": comp, "id": comp, "name": schema.StringAttribute{Required: true},
			"path": comp, "unique_id": comp,
		},
	}
}

type iamRoleModel struct {
	ARN              types.String `tfsdk:"arn"`
	AssumeRolePolicy types.String `tfsdk:"assume_role_policy"`
	ID               types.String `tfsdk:"id"`
	Name             types.String `tfsdk:"name"`
	Path             types.String `tfsdk:"path"`
	UniqueID         types.String `tfsdk:"unique_id"`
}

func (d *iamRoleDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m iamRoleModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := m.Name.ValueString()
	// A workload role for the service named by the last part of the role
	// name (eks-workshop-carts: carts/carts), or a node role.
	st := map[string]any{
		"Effect": "Allow", "Principal": map[string]any{"Service": "pods.eks.amazonaws.com"},
		"Action": []string{"sts:AssumeRole", "sts:TagSession"},
	}
	if strings.Contains(name, "node") {
		st = map[string]any{"Effect": "Allow", "Principal": map[string]any{"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
	} else {
		svc := name[strings.LastIndexByte(name, '-')+1:]
		st["Condition"] = map[string]any{"StringEquals": map[string]any{
			"aws:RequestTag/kubernetes-namespace": svc, "aws:RequestTag/kubernetes-service-account": svc,
		}}
	}
	trust, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{st}})
	m.ARN = types.StringValue(iamARN("role")(name))
	m.AssumeRolePolicy = types.StringValue(string(trust))
	m.ID = types.StringValue(name)
	m.Path = types.StringValue("/")
	m.UniqueID = types.StringValue("AROA" + shortHash(name))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// callerIdentityDataSource is data.aws_caller_identity.
type callerIdentityDataSource struct{}

func (d *callerIdentityDataSource) Metadata(_ context.Context, _ datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = "aws_caller_identity"
}

func (d *callerIdentityDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	comp := schema.StringAttribute{Computed: true}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Test double of `aws_caller_identity`.",
		Attributes:          map[string]schema.Attribute{"account_id": comp, "arn": comp, "id": comp, "user_id": comp},
	}
}

type callerIdentityModel struct {
	AccountID types.String `tfsdk:"account_id"`
	ARN       types.String `tfsdk:"arn"`
	ID        types.String `tfsdk:"id"`
	UserID    types.String `tfsdk:"user_id"`
}

func (d *callerIdentityDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	m := callerIdentityModel{
		AccountID: types.StringValue(AccountID),
		ARN:       types.StringValue("arn:aws:iam::" + AccountID + ":user/terraform"),
		ID:        types.StringValue(AccountID),
		UserID:    types.StringValue("AIDA" + shortHash("terraform")),
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
