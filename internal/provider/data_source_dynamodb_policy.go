package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSource = (*dynamoDBPolicyDataSource)(nil)

// NewDynamoDBPolicyDataSource returns the podidentity_dynamodb_policy data
// source: the dynamodb_policy function for Terraform before 1.8 and
// OpenTofu before 1.7.
func NewDynamoDBPolicyDataSource() datasource.DataSource {
	return &dynamoDBPolicyDataSource{}
}

type dynamoDBPolicyDataSource struct{}

func (d *dynamoDBPolicyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_dynamodb_policy"
}

func (d *dynamoDBPolicyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Generates the least-privilege IAM identity policy JSON for the DynamoDB tables a workload uses: " +
			"the document of the `provider::podidentity::dynamodb_policy` function and of the `podidentity_least_privilege` resource, " +
			"for Terraform before 1.8 and OpenTofu before 1.7, which cannot call provider functions. " +
			"All three share one implementation, so they always return the same document. It reads nothing from AWS.",
		Attributes: map[string]schema.Attribute{
			"dynamodb_tables": schema.ListNestedAttribute{
				Required:            true,
				MarkdownDescription: "The DynamoDB tables the workload may use, with the attributes and defaults of the resource's `dynamodb_tables`.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						tableAttrAccess: schema.StringAttribute{
							Optional:            true,
							MarkdownDescription: "The access level: `read`, `write` or `read_write`. Defaults to `read` when `actions` is not set.",
						},
						tableAttrActions: schema.ListAttribute{
							Optional:            true,
							ElementType:         types.StringType,
							MarkdownDescription: "Explicit DynamoDB actions instead of `access`, for example `[\"dynamodb:GetItem\"]`.",
						},
						tableAttrARN: schema.StringAttribute{
							Required:            true,
							MarkdownDescription: "The table ARN, for example `aws_dynamodb_table.carts.arn`.",
						},
						tableAttrIndexes: schema.BoolAttribute{
							Optional:            true,
							MarkdownDescription: "Whether the index actions are also granted on the table's secondary indexes (`TABLE_ARN/index/*`). Defaults to `true` when an action works on indexes.",
						},
						tableAttrStreams: schema.BoolAttribute{
							Optional:            true,
							MarkdownDescription: "Whether the table's streams may be read (`TABLE_ARN/stream/*`). Defaults to `false`.",
						},
					},
				},
			},
			"json": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The policy document, for the `policy` of an `aws_iam_role_policy` or `aws_iam_policy`.",
			},
		},
	}
}

func (d *dynamoDBPolicyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m dynamoDBPolicyDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	v, ferr := callFunction(ctx, NewDynamoDBPolicyFunction(), types.DynamicValue(m.DynamoDBTables))
	if ferr != nil {
		// The function names elements as tables[N]; here they are
		// dynamodb_tables[N].
		text := strings.ReplaceAll(ferr.Text, "tables[", "dynamodb_tables[")
		text = strings.Replace(text, "tables is", "dynamodb_tables is", 1)
		resp.Diagnostics.AddAttributeError(path.Root("dynamodb_tables"), "Invalid DynamoDB Tables", text+".")
		return
	}
	doc, ok := v.(types.String)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Function Result", "dynamodb_policy returned a value that is not a string. This is a bug in the provider.")
		return
	}
	m.JSON = doc
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

type dynamoDBPolicyDataSourceModel struct {
	DynamoDBTables types.List   `tfsdk:"dynamodb_tables"`
	JSON           types.String `tfsdk:"json"`
}
