// Package testprovider is a test-only Terraform provider that stands in for
// hashicorp/aws (and for this project's podidentity provider) when the
// plan fixtures in leastpriv/tfplan/testdata/plans are generated with a real
// `tofu plan`. It has the AWS provider's schemas for the resources the plan
// reader looks at, and it "applies" by echoing the planned values into state
// with deterministic computed values (ARNs, IDs, generated names). It talks
// to no API.
package testprovider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// AccountID is the account of every ARN the test provider computes.
const AccountID = "123456789012"

// Region is the region of every regional ARN the test provider computes.
const Region = "us-west-2"

var _ provider.Provider = (*testProvider)(nil)

type testProvider struct {
	name string
}

// New returns the provider factory for the provider type name "aws" or
// "podidentity".
func New(name string) func() provider.Provider {
	return func() provider.Provider { return &testProvider{name: name} }
}

func (p *testProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = p.name
	resp.Version = "0.0.0-test"
}

func (p *testProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{Optional: true, MarkdownDescription: "Ignored."},
		},
	}
}

func (p *testProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *testProvider) Resources(context.Context) []func() resource.Resource {
	var out []func() resource.Resource
	for _, spec := range resourceSpecs {
		if spec.provider != p.name {
			continue
		}
		out = append(out, func() resource.Resource { return &echoResource{spec: spec} })
	}
	return out
}

func (p *testProvider) DataSources(context.Context) []func() datasource.DataSource {
	if p.name != "aws" {
		return nil
	}
	return []func() datasource.DataSource{
		func() datasource.DataSource { return &policyDocumentDataSource{} },
		func() datasource.DataSource { return &iamRoleDataSource{} },
		func() datasource.DataSource { return &callerIdentityDataSource{} },
	}
}
