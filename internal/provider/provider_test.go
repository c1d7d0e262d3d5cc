package provider_test

import (
	"context"
	"testing"

	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/provider"
)

func TestProvider_schemaIsValid(t *testing.T) {
	t.Parallel()
	p := provider.New("test")()
	var resp fwprovider.SchemaResponse
	p.Schema(context.Background(), fwprovider.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema diagnostics: %v", resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(context.Background()); diags.HasError() {
		t.Fatalf("schema implementation: %v", diags)
	}
	for _, name := range []string{"region", "profile", "shared_config_files", "shared_credentials_files", "max_retries"} {
		if _, ok := resp.Schema.Attributes[name]; !ok {
			t.Errorf("provider schema lacks %q", name)
		}
	}
	for _, name := range []string{"assume_role", "endpoints", "default_tags"} {
		if _, ok := resp.Schema.Blocks[name]; !ok {
			t.Errorf("provider schema lacks block %q", name)
		}
	}
}
