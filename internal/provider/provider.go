// Package provider implements the podidentity Terraform provider.
package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/conns"
)

// Address is the provider's registry address.
const Address = "registry.terraform.io/eks-podidentity/podidentity"

var (
	_ provider.Provider              = (*podIdentityProvider)(nil)
	_ provider.ProviderWithFunctions = (*podIdentityProvider)(nil)
)

// New returns a constructor for the provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &podIdentityProvider{version: version}
	}
}

type podIdentityProvider struct {
	version string
}

func (p *podIdentityProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "podidentity"
	resp.Version = p.version
}

func (p *podIdentityProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	endpoint := func(service string) schema.StringAttribute {
		return schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: fmt.Sprintf("Use this URL instead of the default %s endpoint, for example a VPC endpoint or a local emulator. Also read from the SDK's `AWS_ENDPOINT_URL_*` environment variables.", service),
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The `podidentity` provider gives EKS pods least-privilege access to AWS with EKS Pod Identity: " +
			"one resource creates the IAM role that only `pods.eks.amazonaws.com` can assume, a policy scoped to the DynamoDB tables the workload needs, " +
			"and the Pod Identity association, and rejects node-role-wide grants and wildcards at plan time.\n\n" +
			"Its configuration follows the AWS provider: credentials come from the AWS SDK's default chain " +
			"(environment variables, shared config and credentials files, SSO, web identity, container and instance credentials).",
		Attributes: map[string]schema.Attribute{
			"max_retries": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("The maximum number of times an AWS API request is retried on a retryable error (throttling, 5xx, a dropped connection), with the AWS SDK's adaptive retry mode (it slows down while AWS throttles) and no client-side retry quota. Defaults to %d, as in the AWS provider. "+
					"An endpoint that cannot be reached is given %d attempts whatever this says, each bounded by a %s connect and a %s response timeout, so a wrong endpoint or a dead network fails within about 30 seconds with an error naming the endpoint.",
					conns.DefaultMaxRetries, conns.DefaultUnreachableAttempts, conns.DefaultConnectTimeout, conns.DefaultResponseTimeout),
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
			"profile": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The profile in the shared config and credentials files to use. Can also be set with `AWS_PROFILE`.",
			},
			"region": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The AWS region of the EKS clusters and DynamoDB tables, for example `us-west-2`. Can also be set with `AWS_REGION` or `AWS_DEFAULT_REGION`, or in the shared config profile.",
			},
			"shared_config_files": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Paths of shared config files. Defaults to `~/.aws/config`; can also be set with `AWS_CONFIG_FILE`.",
			},
			"shared_credentials_files": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Paths of shared credentials files. Defaults to `~/.aws/credentials`; can also be set with `AWS_SHARED_CREDENTIALS_FILE`.",
			},
		},
		Blocks: map[string]schema.Block{
			"assume_role": schema.SingleNestedBlock{
				MarkdownDescription: "An IAM role to assume with the credentials found by the default chain, as in the AWS provider.",
				Attributes: map[string]schema.Attribute{
					"duration": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "How long the assumed role's session lasts, as a Go duration such as `1h` or `15m`. Between 15 minutes and 12 hours; defaults to 15 minutes.",
					},
					"external_id": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "The external ID the role's trust policy requires, if any.",
					},
					"role_arn": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "The ARN of the role to assume. Required when the block is present.",
					},
					"session_name": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "The session name, visible in CloudTrail.",
					},
				},
			},
			"default_tags": schema.SingleNestedBlock{
				MarkdownDescription: "Tags applied to every taggable object the provider creates (the IAM role and the Pod Identity association). A resource's own `tags` win over these.",
				Attributes: map[string]schema.Attribute{
					"tags": schema.MapAttribute{
						Optional:            true,
						ElementType:         types.StringType,
						MarkdownDescription: "The tags.",
					},
				},
			},
			"endpoints": schema.SingleNestedBlock{
				MarkdownDescription: "Custom service endpoints.",
				Attributes: map[string]schema.Attribute{
					"dynamodb": endpoint("DynamoDB"),
					"eks":      endpoint("EKS"),
					"eks_auth": endpoint("EKS Auth"),
					"iam":      endpoint("IAM"),
					"sts":      endpoint("STS"),
				},
			},
		},
	}
}

type providerModel struct {
	AssumeRole             *assumeRoleModel  `tfsdk:"assume_role"`
	DefaultTags            *defaultTagsModel `tfsdk:"default_tags"`
	Endpoints              *endpointsModel   `tfsdk:"endpoints"`
	MaxRetries             types.Int64       `tfsdk:"max_retries"`
	Profile                types.String      `tfsdk:"profile"`
	Region                 types.String      `tfsdk:"region"`
	SharedConfigFiles      types.List        `tfsdk:"shared_config_files"`
	SharedCredentialsFiles types.List        `tfsdk:"shared_credentials_files"`
}

type assumeRoleModel struct {
	Duration    types.String `tfsdk:"duration"`
	ExternalID  types.String `tfsdk:"external_id"`
	RoleARN     types.String `tfsdk:"role_arn"`
	SessionName types.String `tfsdk:"session_name"`
}

type defaultTagsModel struct {
	Tags types.Map `tfsdk:"tags"`
}

type endpointsModel struct {
	DynamoDB types.String `tfsdk:"dynamodb"`
	EKS      types.String `tfsdk:"eks"`
	EKSAuth  types.String `tfsdk:"eks_auth"`
	IAM      types.String `tfsdk:"iam"`
	STS      types.String `tfsdk:"sts"`
}

func (p *podIdentityProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// A provider argument can be unknown during plan, for example a region
	// taken from another resource. Leave the provider unconfigured: the
	// resources then skip their API checks at plan time and run them at apply,
	// when Terraform configures the provider again with known values.
	if unknownProviderValue(m) {
		tflog.Info(ctx, "provider configuration has unknown values; plan-time API checks are deferred to apply")
		return
	}

	cfg := conns.Config{
		Region:    m.Region.ValueString(),
		Profile:   m.Profile.ValueString(),
		UserAgent: "terraform-provider-podidentity_" + p.version,
	}
	if !m.MaxRetries.IsNull() {
		v := int(m.MaxRetries.ValueInt64())
		cfg.MaxRetries = &v
	}
	resp.Diagnostics.Append(m.SharedConfigFiles.ElementsAs(ctx, &cfg.SharedConfigFiles, false)...)
	resp.Diagnostics.Append(m.SharedCredentialsFiles.ElementsAs(ctx, &cfg.SharedCredentialsFiles, false)...)
	if m.Endpoints != nil {
		cfg.Endpoints = m.Endpoints.byService()
	}
	if m.DefaultTags != nil && !m.DefaultTags.Tags.IsNull() {
		resp.Diagnostics.Append(m.DefaultTags.Tags.ElementsAs(ctx, &cfg.DefaultTags, false)...)
	}
	if m.AssumeRole != nil {
		cfg.AssumeRole = assumeRoleConfig(m.AssumeRole, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	client, err := conns.New(ctx, cfg)
	if err != nil {
		var noCreds *conns.NoCredentialsError
		if errors.As(err, &noCreds) {
			resp.Diagnostics.AddError("No AWS Credentials Found", noCreds.Detail())
			return
		}
		resp.Diagnostics.AddError("Configuring the podidentity Provider", err.Error())
		return
	}
	tflog.Info(ctx, "configured AWS clients", map[string]any{"account_id": client.AccountID, "partition": client.Partition, "region": client.Region})
	resp.ResourceData = client
	resp.DataSourceData = client
}

func unknownProviderValue(m providerModel) bool {
	vals := []interface{ IsUnknown() bool }{m.MaxRetries, m.Profile, m.Region, m.SharedConfigFiles, m.SharedCredentialsFiles}
	if m.AssumeRole != nil {
		vals = append(vals, m.AssumeRole.Duration, m.AssumeRole.ExternalID, m.AssumeRole.RoleARN, m.AssumeRole.SessionName)
	}
	if m.DefaultTags != nil {
		vals = append(vals, m.DefaultTags.Tags)
	}
	if m.Endpoints != nil {
		vals = append(vals, m.Endpoints.DynamoDB, m.Endpoints.EKS, m.Endpoints.EKSAuth, m.Endpoints.IAM, m.Endpoints.STS)
	}
	for _, v := range vals {
		if v.IsUnknown() {
			return true
		}
	}
	return false
}

func (p *podIdentityProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewLeastPrivilegeResource,
	}
}

func (p *podIdentityProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewDynamoDBPolicyDataSource,
		NewTrustPolicyDataSource,
	}
}

func (p *podIdentityProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{
		NewDefaultRoleNameFunction,
		NewDynamoDBPolicyFunction,
		NewReviewPolicyFunction,
		NewTrustPolicyFunction,
	}
}

// byService maps the endpoints block to conns' service names, leaving out the
// services that keep the SDK's default endpoint.
func (e *endpointsModel) byService() map[string]string {
	out := map[string]string{}
	for svc, v := range map[string]types.String{
		conns.ServiceDynamoDB: e.DynamoDB,
		conns.ServiceEKS:      e.EKS,
		conns.ServiceEKSAuth:  e.EKSAuth,
		conns.ServiceIAM:      e.IAM,
		conns.ServiceSTS:      e.STS,
	} {
		if s := v.ValueString(); s != "" {
			out[svc] = s
		}
	}
	return out
}

// assumeRoleConfig checks the assume_role block and turns it into conns'
// settings; what is wrong is added to diags.
func assumeRoleConfig(m *assumeRoleModel, diags *diag.Diagnostics) *conns.AssumeRole {
	ar := &conns.AssumeRole{
		RoleARN:     m.RoleARN.ValueString(),
		SessionName: m.SessionName.ValueString(),
		ExternalID:  m.ExternalID.ValueString(),
	}
	if ar.RoleARN == "" {
		diags.AddAttributeError(path.Root("assume_role").AtName("role_arn"), "Missing Role ARN",
			"The assume_role block needs role_arn, the ARN of the IAM role to assume. Remove the block to use the credentials of the default chain directly.")
	}
	if s := m.Duration.ValueString(); s != "" {
		d, err := time.ParseDuration(s)
		switch {
		case err != nil:
			diags.AddAttributeError(path.Root("assume_role").AtName("duration"), "Invalid Duration",
				fmt.Sprintf("%q is not a duration. Use a Go duration such as \"1h\" or \"15m\".", s))
		case d < 15*time.Minute || d > 12*time.Hour:
			diags.AddAttributeError(path.Root("assume_role").AtName("duration"), "Invalid Duration",
				fmt.Sprintf("%s is outside what STS allows: use a duration between 15m and 12h.", s))
		default:
			ar.Duration = d
		}
	}
	if ar.SessionName == "" {
		ar.SessionName = "terraform-provider-podidentity"
	}
	return ar
}
