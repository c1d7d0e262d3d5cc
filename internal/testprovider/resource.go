package testprovider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var (
	_ resource.Resource                = (*echoResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*echoResource)(nil)
	_ resource.ResourceWithImportState = (*echoResource)(nil)
)

// echoResource stores its planned values as its state, making up the
// computed ones.
type echoResource struct {
	spec *resourceSpec
}

func (r *echoResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = r.spec.typeName
}

func (r *echoResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Test double of `" + r.spec.typeName + "`.",
		Attributes:          r.spec.attrs,
		Blocks:              r.spec.blocks,
	}
}

func (r *echoResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.spec.plan == nil || req.Plan.Raw.IsNull() {
		return
	}
	values := map[string]string{}
	var top map[string]tftypes.Value
	if err := req.Plan.Raw.As(&top); err != nil {
		return
	}
	for k, v := range top {
		if v.IsKnown() && !v.IsNull() && v.Type().Is(tftypes.String) {
			var s string
			_ = v.As(&s)
			values[k] = s
		} else if !v.IsKnown() {
			values[k] = unknownMarker
		}
	}
	for k, v := range r.spec.plan(values) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(k), v)...)
	}
}

// unknownMarker stands for an unknown value in the map given to
// resourceSpec.plan.
const unknownMarker = "\x00unknown"

func (r *echoResource) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	state, err := r.fill(req.Plan.Raw)
	if err != nil {
		resp.Diagnostics.AddError("Creating "+r.spec.typeName, err.Error())
		return
	}
	resp.State.Raw = state
	r.recordApplied(state)
}

func (r *echoResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	resp.State.Raw = req.State.Raw
	r.refresh(ctx, resp)
}

func (r *echoResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	state, err := r.fill(req.Plan.Raw)
	if err != nil {
		resp.Diagnostics.AddError("Updating "+r.spec.typeName, err.Error())
		return
	}
	resp.State.Raw = state
	r.recordApplied(state)
}

func (r *echoResource) Delete(_ context.Context, req resource.DeleteRequest, _ *resource.DeleteResponse) {
	r.recordDeleted(req.State.Raw)
}

func (r *echoResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// fill replaces the unknown values of a planned object with made-up ones.
func (r *echoResource) fill(planned tftypes.Value) (tftypes.Value, error) {
	var top map[string]tftypes.Value
	if err := planned.As(&top); err != nil {
		return planned, err
	}
	nameAttr := r.spec.nameAttr
	if nameAttr == "" {
		nameAttr = "name"
	}
	name := ""
	if v, ok := top[nameAttr]; ok && v.IsKnown() && !v.IsNull() {
		_ = v.As(&name)
	}
	if name == "" {
		raw, _ := json.Marshal(planned.String())
		prefix := "terraform-"
		if v, ok := top["name_prefix"]; ok && v.IsKnown() && !v.IsNull() {
			_ = v.As(&prefix)
		}
		name = prefix + shortHash(string(raw))
	}
	// IAM ARNs carry the object's path: arn:aws:iam::ACCOUNT:role/PATH/NAME.
	path := ""
	if v, ok := top["path"]; ok && v.IsKnown() && !v.IsNull() {
		_ = v.As(&path)
	}
	return tftypes.Transform(planned, func(p *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if v.IsKnown() {
			return v, nil
		}
		steps := p.Steps()
		attr := ""
		if len(steps) > 0 {
			if a, ok := steps[len(steps)-1].(tftypes.AttributeName); ok {
				attr = string(a)
			}
		}
		return r.computed(attr, name, path, v.Type())
	})
}

func (r *echoResource) computed(attr, name, path string, typ tftypes.Type) (tftypes.Value, error) {
	if d, ok := r.spec.defaults[attr]; ok {
		switch x := d.(type) {
		case string:
			return tftypes.NewValue(typ, x), nil
		case int:
			return tftypes.NewValue(typ, new(big.Float).SetInt64(int64(x))), nil
		}
	}
	switch {
	case typ.Is(tftypes.String):
		switch attr {
		case r.spec.nameAttr, "name":
			return tftypes.NewValue(typ, name), nil
		case "arn", "role_arn", "association_arn", "access_entry_arn":
			if r.spec.arn != nil {
				if attr == "arn" && strings.HasPrefix(path, "/") && strings.HasSuffix(path, "/") {
					return tftypes.NewValue(typ, r.spec.arn(path[1:]+name)), nil
				}
				return tftypes.NewValue(typ, r.spec.arn(name)), nil
			}
			return tftypes.NewValue(typ, iamARN("role")(name)), nil
		case "id":
			if r.spec.id != nil && r.spec.typeName == "aws_iam_policy" && strings.HasPrefix(path, "/") && strings.HasSuffix(path, "/") {
				return tftypes.NewValue(typ, r.spec.id(path[1:]+name)), nil
			}
			if r.spec.id != nil {
				return tftypes.NewValue(typ, r.spec.id(name)), nil
			}
			return tftypes.NewValue(typ, name), nil
		case "unique_id":
			// Role and instance profile IDs: AROA/AIPA and 17 characters.
			return tftypes.NewValue(typ, "AROA"+strings.ToUpper(shortHash(name))+"XYZAB"), nil
		}
		return tftypes.NewValue(typ, attr+"-"+shortHash(name)), nil
	case typ.Is(tftypes.Number):
		return tftypes.NewValue(typ, new(big.Float)), nil
	case typ.Is(tftypes.Bool):
		return tftypes.NewValue(typ, false), nil
	case typ.Is(tftypes.Set{}), typ.Is(tftypes.List{}), typ.Is(tftypes.Map{}):
		return tftypes.NewValue(typ, nil), nil
	}
	return tftypes.Value{}, fmt.Errorf("cannot make up a %s for %s", typ, attr)
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:12]
}
