package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/provider"
	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

// Every function the provider serves has a valid definition and the
// documentation the registry page is generated from.
func TestFunctions_definitions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, ok := provider.New("test")().(fwprovider.ProviderWithFunctions)
	if !ok {
		t.Fatal("the provider does not implement ProviderWithFunctions")
	}
	var names []string
	for _, newFunc := range p.Functions(ctx) {
		f := newFunc()
		var meta function.MetadataResponse
		f.Metadata(ctx, function.MetadataRequest{}, &meta)
		names = append(names, meta.Name)
		var def function.DefinitionResponse
		f.Definition(ctx, function.DefinitionRequest{}, &def)
		if def.Diagnostics.HasError() {
			t.Errorf("%s: definition diagnostics: %v", meta.Name, def.Diagnostics)
		}
		var v function.DefinitionValidateResponse
		def.Definition.ValidateImplementation(ctx, function.DefinitionValidateRequest{FuncName: meta.Name}, &v)
		if v.Diagnostics.HasError() {
			t.Errorf("%s: invalid definition: %v", meta.Name, v.Diagnostics)
		}
		d := def.Definition
		if !strings.HasSuffix(d.Summary, ".") || !strings.HasSuffix(d.MarkdownDescription, ".") {
			t.Errorf("%s: Summary and MarkdownDescription must be full sentences: %q, %q", meta.Name, d.Summary, d.MarkdownDescription)
		}
		for i, param := range d.Parameters {
			if param.GetName() == "" || !strings.HasSuffix(param.GetMarkdownDescription(), ".") {
				t.Errorf("%s: parameter %d (%q) lacks a name or a full-sentence description", meta.Name, i, param.GetName())
			}
		}
	}
	sort.Strings(names)
	if want := []string{"default_role_name", "dynamodb_policy", "review_policy", "trust_policy"}; fmt.Sprint(names) != fmt.Sprint(want) {
		t.Errorf("functions %v, want %v", names, want)
	}
}

// obj builds an object value as Terraform sends `{ ... }`.
func obj(attrs map[string]attr.Value) types.Object {
	ts := make(map[string]attr.Type, len(attrs))
	for k, v := range attrs {
		ts[k] = v.Type(context.Background())
	}
	return types.ObjectValueMust(ts, attrs)
}

// tuple builds a tuple value as Terraform sends `[ ... ]`.
func tuple(elems ...attr.Value) types.Tuple {
	ts := make([]attr.Type, len(elems))
	for i, e := range elems {
		ts[i] = e.Type(context.Background())
	}
	return types.TupleValueMust(ts, elems)
}

func str(s string) types.String { return types.StringValue(s) }

// runFunction calls a function's Run as the framework does.
func runFunction(t *testing.T, f function.Function, args ...attr.Value) (attr.Value, *function.FuncError) {
	t.Helper()
	var def function.DefinitionResponse
	f.Definition(context.Background(), function.DefinitionRequest{}, &def)
	rd, ferr := def.Definition.Return.NewResultData(context.Background())
	if ferr != nil {
		t.Fatalf("result data: %s", ferr)
	}
	resp := function.RunResponse{Result: rd}
	f.Run(context.Background(), function.RunRequest{Arguments: function.NewArgumentsData(args)}, &resp)
	return resp.Result.Value(), resp.Error
}

// wrapped matches text in a CLI diagnostic, which wraps lines at spaces.
func wrapped(text string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(regexp.QuoteMeta(text), " ", `\s+`))
}

// sids returns the Sid and Resource of every statement of a policy.
func sids(t *testing.T, doc string) []string {
	t.Helper()
	p, err := leastpriv.ParsePolicy(doc)
	if err != nil {
		t.Fatalf("the function returned an invalid policy: %s\n%s", err, doc)
	}
	var out []string
	for _, s := range p.Statements {
		out = append(out, fmt.Sprintf("%s %v %v", s.Sid, s.Action, s.Resource))
	}
	return out
}
