package provider

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// replacing() must name exactly the attributes whose plan modifiers
// include RequiresReplace: it is how ModifyPlan knows, before Terraform
// says so, that it plans a replacement.
func TestReplacingMatchesSchema(t *testing.T) {
	ctx := context.Background()
	var resp resource.SchemaResponse
	NewLeastPrivilegeResource().Schema(ctx, resource.SchemaRequest{}, &resp)
	var want []string
	for name, a := range resp.Schema.Attributes {
		if hasRequiresReplace(ctx, a) {
			want = append(want, name)
		}
	}
	slices.Sort(want)

	base := leastPrivilegeResourceModel{}
	v := reflect.ValueOf(&base).Elem()
	var got []string
	for i := range v.NumField() {
		name := v.Type().Field(i).Tag.Get("tfsdk")
		plan, state := base, base
		f := reflect.ValueOf(&plan).Elem().Field(i)
		switch f.Interface().(type) {
		case types.String:
			f.Set(reflect.ValueOf(types.StringValue("changed")))
		case types.Bool:
			f.Set(reflect.ValueOf(types.BoolValue(true)))
		case types.Int64:
			f.Set(reflect.ValueOf(types.Int64Value(7200)))
		case types.Map:
			f.Set(reflect.ValueOf(types.MapValueMust(types.StringType, nil)))
		case types.List:
			f.Set(reflect.ValueOf(types.ListUnknown(types.ObjectType{AttrTypes: tableGrantAttrTypes})))
		default:
			continue // timeouts: configuration only
		}
		if replacing(&plan, &state) {
			got = append(got, name)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("replacing() reacts to %v; the schema's RequiresReplace attributes are %v", got, want)
	}
}

// hasRequiresReplace reports whether an attribute of any type has a
// RequiresReplace plan modifier (all of them describe themselves alike).
func hasRequiresReplace(ctx context.Context, a schema.Attribute) bool {
	want := stringplanmodifier.RequiresReplace().Description(ctx)
	pms := reflect.ValueOf(a).FieldByName("PlanModifiers")
	if !pms.IsValid() {
		return false
	}
	for i := range pms.Len() {
		if d, ok := pms.Index(i).Interface().(interface{ Description(context.Context) string }); ok && d.Description(ctx) == want {
			return true
		}
	}
	return false
}
