package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSource = (*trustPolicyDataSource)(nil)

// NewTrustPolicyDataSource returns the podidentity_trust_policy data
// source: the trust_policy function for Terraform before 1.8 and OpenTofu
// before 1.7.
func NewTrustPolicyDataSource() datasource.DataSource {
	return &trustPolicyDataSource{}
}

type trustPolicyDataSource struct{}

func (d *trustPolicyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_trust_policy"
}

func (d *trustPolicyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Generates the trust policy JSON of an IAM role that only EKS Pod Identity can assume, and only for one service account in one namespace of one cluster: " +
			"the document of the `provider::podidentity::trust_policy` function, for Terraform before 1.8 and OpenTofu before 1.7, which cannot call provider functions. " +
			"Both share one implementation, so they always return the same document. It reads nothing from AWS.",
		Attributes: map[string]schema.Attribute{
			"cluster_arn": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The ARN of the EKS cluster the pods run in, for example `aws_eks_cluster.this.arn`. Its partition is the partition of the role.",
			},
			"json": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The trust policy document, for the `assume_role_policy` of an `aws_iam_role`.",
			},
			"namespace": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The Kubernetes namespace of the service account, a DNS-1123 label such as `carts`.",
			},
			"service_account": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The name of the Kubernetes service account the pods run as, a DNS-1123 subdomain such as `carts`.",
			},
		},
	}
}

func (d *trustPolicyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m trustPolicyDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	v, ferr := callFunction(ctx, NewTrustPolicyFunction(), m.ClusterARN, m.Namespace, m.ServiceAccount)
	if ferr != nil {
		at := []string{"cluster_arn", "namespace", "service_account"}
		p := path.Root("cluster_arn")
		if ferr.FunctionArgument != nil && int(*ferr.FunctionArgument) < len(at) {
			p = path.Root(at[*ferr.FunctionArgument])
		}
		resp.Diagnostics.AddAttributeError(p, "Invalid Trust Policy Argument", ferr.Text+".")
		return
	}
	doc, ok := v.(types.String)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Function Result", "trust_policy returned a value that is not a string. This is a bug in the provider.")
		return
	}
	m.JSON = doc
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

type trustPolicyDataSourceModel struct {
	ClusterARN     types.String `tfsdk:"cluster_arn"`
	JSON           types.String `tfsdk:"json"`
	Namespace      types.String `tfsdk:"namespace"`
	ServiceAccount types.String `tfsdk:"service_account"`
}
