package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
)

// callFunction runs a provider function as Terraform would, for the data
// sources that serve the functions' results to Terraform before 1.8 and
// OpenTofu before 1.7, which cannot call provider functions: the data
// source and the function share one implementation, the function's Run.
func callFunction(ctx context.Context, f function.Function, args ...attr.Value) (attr.Value, *function.FuncError) {
	var def function.DefinitionResponse
	f.Definition(ctx, function.DefinitionRequest{}, &def)
	if def.Diagnostics.HasError() {
		return nil, function.FuncErrorFromDiags(ctx, def.Diagnostics)
	}
	result, ferr := def.Definition.Return.NewResultData(ctx)
	if ferr != nil {
		return nil, ferr
	}
	resp := function.RunResponse{Result: result}
	f.Run(ctx, function.RunRequest{Arguments: function.NewArgumentsData(args)}, &resp)
	if resp.Error != nil {
		return nil, resp.Error
	}
	return resp.Result.Value(), nil
}
