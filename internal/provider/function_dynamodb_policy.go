package provider

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

var _ function.Function = (*dynamoDBPolicyFunction)(nil)

// The attributes of one element of the dynamodb_policy tables argument, the
// same as a dynamodb_tables element of podidentity_least_privilege.
const (
	tableAttrAccess  = "access"
	tableAttrActions = "actions"
	tableAttrARN     = "arn"
	tableAttrIndexes = "indexes"
	tableAttrStreams = "streams"
)

var tableAttrs = []string{tableAttrAccess, tableAttrActions, tableAttrARN, tableAttrIndexes, tableAttrStreams}

// NewDynamoDBPolicyFunction returns the dynamodb_policy function: the
// identity policy of leastpriv.GeneratePolicy for module authors who
// create the IAM role and policy with the AWS provider's own resources.
func NewDynamoDBPolicyFunction() function.Function {
	return &dynamoDBPolicyFunction{}
}

// dynamoDBPolicyFunction takes its tables as a dynamic value: a function's
// object parameter requires every attribute, so a list of objects would
// force callers to spell out access, actions, indexes and streams on every
// table. A dynamic parameter accepts exactly what the resource's
// dynamodb_tables accepts, `[{ arn = ..., access = "read_write" }]`, with the
// same defaults, including tuples of objects with different attributes.
type dynamoDBPolicyFunction struct{}

func (f *dynamoDBPolicyFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "dynamodb_policy"
}

func (f *dynamoDBPolicyFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Generates the least-privilege IAM identity policy for a workload's DynamoDB tables.",
		MarkdownDescription: "Generates the least-privilege IAM identity policy JSON for the DynamoDB tables a workload uses, " +
			"the same document the `podidentity_least_privilege` resource attaches to its role. " +
			"Use it when the module creates the role and policy with the AWS provider's own resources, for example as the `policy` of an `aws_iam_role_policy`.\n\n" +
			"Each table gets its own statements on its exact ARN: the actions of its access level on the table, " +
			"the index actions (Query, Scan) on `TABLE_ARN/index/*` and, when asked for, the stream read actions on `TABLE_ARN/stream/*`. " +
			"Explicit actions that only accept `Resource \"*\"` (for example `dynamodb:ListTables`) are granted in a separate statement `ResourceWildcardActions`. " +
			"The output is canonical and deterministic, so plans only change when the grants do.\n\n" +
			"The function fails, naming the element and attribute, when a table ARN is not the ARN of one concrete table " +
			"(wildcards, index and stream ARNs are rejected), when an action is not a DynamoDB action or contains a wildcard, " +
			"when an element sets both `access` and `actions`, or when a table is listed twice.",
		Parameters: []function.Parameter{
			function.DynamicParameter{
				Name: "tables",
				MarkdownDescription: "The DynamoDB tables the workload may use, a list of objects with the attributes of the resource's `dynamodb_tables`: " +
					"`arn` (required, the table ARN, for example `aws_dynamodb_table.carts.arn`); " +
					"`access` (`read`, `write` or `read_write`, defaults to `read`); " +
					"`actions` (a list of explicit DynamoDB actions instead of `access`); " +
					"`indexes` (whether the index actions are also granted on the table's secondary indexes, defaults to `true`); " +
					"`streams` (whether the table's streams may be read, defaults to `false`). " +
					"Attributes may be left out or set to `null` to take their defaults.",
			},
		},
		Return: function.StringReturn{},
	}
}

func (f *dynamoDBPolicyFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var tables types.Dynamic
	resp.Error = function.ConcatFuncErrors(req.Arguments.Get(ctx, &tables))
	if resp.Error != nil {
		return
	}
	grants, known, err := tableGrantsFromValue(tables)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	if !known {
		// Terraform does not call the function with unknown values; this
		// is for callers that do.
		resp.Error = resp.Result.Set(ctx, types.StringUnknown())
		return
	}
	p, err := leastpriv.GeneratePolicy(grants)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, validationErrorText(err))
		return
	}
	doc, err := p.JSON()
	if err != nil {
		resp.Error = function.NewFuncError("Generating the policy document: " + err.Error())
		return
	}
	resp.Error = resp.Result.Set(ctx, types.StringValue(doc))
}

// tableGrantsFromValue reads the tables argument: a list, tuple or set of
// objects or maps. known is false when any value in it is unknown. Errors
// name the element and attribute, for example
// "tables[1].arn: Invalid DynamoDB Table ARN: ...".
func tableGrantsFromValue(v attr.Value) (grants []leastpriv.TableGrant, known bool, err error) {
	v = undynamic(v)
	if v.IsUnknown() {
		return nil, false, nil
	}
	if v.IsNull() {
		return nil, true, fmt.Errorf("tables is null; it must be a list of tables, for example [{ arn = aws_dynamodb_table.carts.arn }]")
	}
	var elems []attr.Value
	switch c := v.(type) {
	case basetypes.ListValue:
		elems = c.Elements()
	case basetypes.TupleValue:
		elems = c.Elements()
	case basetypes.SetValue:
		elems = c.Elements()
	case basetypes.ObjectValue, basetypes.MapValue:
		return nil, true, fmt.Errorf("tables is a single object; it must be a list of tables: wrap it in brackets, for example [{ arn = aws_dynamodb_table.carts.arn }]")
	default:
		return nil, true, fmt.Errorf("tables is %s; it must be a list of tables, for example [{ arn = aws_dynamodb_table.carts.arn }]", typeName(v))
	}
	known = true
	for i, e := range elems {
		g, ok, err := tableGrantFromValue(i, e)
		if err != nil {
			return nil, true, err
		}
		if !ok {
			known = false
			continue
		}
		// Per element first, so that the error names the element; the
		// call on all grants in Run adds what spans elements (duplicates).
		if _, err := leastpriv.GeneratePolicy([]leastpriv.TableGrant{g}); err != nil {
			return nil, true, fmt.Errorf("tables[%d]: %s", i, validationErrorText(err))
		}
		grants = append(grants, g)
	}
	return grants, known, nil
}

// tableGrantFromValue reads one element with the defaults of the resource's
// dynamodb_tables: access "read", indexes true (when an action works on
// indexes), streams false. An explicit access together with actions, and an
// explicit indexes = true without index actions, are left for leastpriv to
// reject.
// tableAttributes returns the attributes of tables[i], or known false while
// any of them is unknown; an error says what is wrong with its shape.
func tableAttributes(i int, v attr.Value) (map[string]attr.Value, bool, error) {
	v = undynamic(v)
	if v.IsUnknown() {
		return nil, false, nil
	}
	var attrs map[string]attr.Value
	isObject := false
	switch o := v.(type) {
	case basetypes.ObjectValue:
		attrs, isObject = o.Attributes(), true
	case basetypes.MapValue:
		attrs, isObject = o.Elements(), true
	}
	if v.IsNull() || !isObject {
		return nil, true, fmt.Errorf("tables[%d] is %s; each table must be an object such as { arn = aws_dynamodb_table.carts.arn, access = \"read_write\" }", i, typeName(v))
	}
	var unsupported []string
	for name := range attrs {
		if !slices.Contains(tableAttrs, name) {
			unsupported = append(unsupported, fmt.Sprintf("%q", name))
		}
	}
	if len(unsupported) > 0 {
		sort.Strings(unsupported)
		return nil, true, fmt.Errorf("tables[%d] has unsupported attribute %s; the attributes are %s", i, strings.Join(unsupported, ", "), strings.Join(tableAttrs, ", "))
	}
	for _, a := range attrs {
		if !isWhollyKnown(a) {
			return nil, false, nil
		}
	}
	return attrs, true, nil
}

func tableGrantFromValue(i int, v attr.Value) (g leastpriv.TableGrant, known bool, err error) {
	attrs, known, err := tableAttributes(i, v)
	if !known || err != nil {
		return g, known, err
	}
	at := func(name string) string { return fmt.Sprintf("tables[%d].%s", i, name) }

	arn, set, err := stringAttr(attrs[tableAttrARN])
	switch {
	case err != nil:
		return g, true, fmt.Errorf("%s: %w", at(tableAttrARN), err)
	case !set:
		return g, true, fmt.Errorf("%s is required: the ARN of the table, for example aws_dynamodb_table.carts.arn", at(tableAttrARN))
	}
	if err := leastpriv.ValidateTableARN(arn); err != nil {
		return g, true, fmt.Errorf("%s: %s", at(tableAttrARN), validationErrorText(err))
	}
	g.TableARN = arn

	access, _, err := stringAttr(attrs[tableAttrAccess])
	if err != nil {
		return g, true, fmt.Errorf("%s: %w", at(tableAttrAccess), err)
	}
	if access != "" {
		if _, err := leastpriv.AccessActions(leastpriv.Access(access)); err != nil {
			return g, true, fmt.Errorf("%s: %s", at(tableAttrAccess), validationErrorText(err))
		}
	}
	g.Access = leastpriv.Access(access)

	actions, set, err := stringsAttr(attrs[tableAttrActions])
	switch {
	case err != nil:
		return g, true, fmt.Errorf("%s: %w", at(tableAttrActions), err)
	case set && len(actions) == 0:
		return g, true, fmt.Errorf("%s is empty; list at least one action, or leave actions out to use access", at(tableAttrActions))
	case set:
		if err := leastpriv.ValidateActions(actions); err != nil {
			return g, true, fmt.Errorf("%s: %s", at(tableAttrActions), validationErrorText(err))
		}
		g.Actions = actions
	}

	indexes, set, err := boolAttr(attrs[tableAttrIndexes])
	if err != nil {
		return g, true, fmt.Errorf("%s: %w", at(tableAttrIndexes), err)
	}
	if !set {
		granted := g.Actions
		if len(granted) == 0 {
			granted, _ = leastpriv.AccessActions(g.Access)
		}
		indexes = anyIndexAction(granted)
	}
	g.Indexes = indexes

	g.Streams, _, err = boolAttr(attrs[tableAttrStreams])
	if err != nil {
		return g, true, fmt.Errorf("%s: %w", at(tableAttrStreams), err)
	}
	return g, true, nil
}

// undynamic returns the value inside a dynamic value.
func undynamic(v attr.Value) attr.Value {
	for {
		d, ok := v.(basetypes.DynamicValue)
		if !ok || d.IsNull() || d.IsUnknown() {
			return v
		}
		v = d.UnderlyingValue()
	}
}

// isWhollyKnown reports whether v and every value inside it are known.
func isWhollyKnown(v attr.Value) bool {
	v = undynamic(v)
	if v.IsUnknown() {
		return false
	}
	var elems []attr.Value
	switch c := v.(type) {
	case basetypes.ListValue:
		elems = c.Elements()
	case basetypes.TupleValue:
		elems = c.Elements()
	case basetypes.SetValue:
		elems = c.Elements()
	case basetypes.MapValue:
		for _, e := range c.Elements() {
			elems = append(elems, e)
		}
	case basetypes.ObjectValue:
		for _, e := range c.Attributes() {
			elems = append(elems, e)
		}
	}
	for _, e := range elems {
		if !isWhollyKnown(e) {
			return false
		}
	}
	return true
}

// stringAttr reads an optional string attribute; set is false when it is
// absent or null.
func stringAttr(v attr.Value) (s string, set bool, err error) {
	if v == nil {
		return "", false, nil
	}
	v = undynamic(v)
	if v.IsNull() {
		return "", false, nil
	}
	sv, ok := v.(basetypes.StringValue)
	if !ok {
		return "", false, fmt.Errorf("expected a string, got %s", typeName(v))
	}
	return sv.ValueString(), true, nil
}

// stringsAttr reads an optional list, tuple or set of strings.
func stringsAttr(v attr.Value) (ss []string, set bool, err error) {
	if v == nil {
		return nil, false, nil
	}
	v = undynamic(v)
	if v.IsNull() {
		return nil, false, nil
	}
	var elems []attr.Value
	switch c := v.(type) {
	case basetypes.ListValue:
		elems = c.Elements()
	case basetypes.TupleValue:
		elems = c.Elements()
	case basetypes.SetValue:
		elems = c.Elements()
	default:
		return nil, false, fmt.Errorf("expected a list of strings, got %s", typeName(v))
	}
	ss = make([]string, 0, len(elems))
	for j, e := range elems {
		s, set, err := stringAttr(e)
		if err != nil || !set {
			return nil, false, fmt.Errorf("element %d: expected a string, got %s", j, typeName(undynamic(e)))
		}
		ss = append(ss, s)
	}
	return ss, true, nil
}

// boolAttr reads an optional bool attribute. The strings "true" and
// "false" are accepted too, as Terraform converts them, for tables given
// as maps of strings.
func boolAttr(v attr.Value) (b, set bool, err error) {
	if v == nil {
		return false, false, nil
	}
	v = undynamic(v)
	if v.IsNull() {
		return false, false, nil
	}
	switch c := v.(type) {
	case basetypes.BoolValue:
		return c.ValueBool(), true, nil
	case basetypes.StringValue:
		switch c.ValueString() {
		case "true":
			return true, true, nil
		case "false":
			return false, true, nil
		}
	}
	return false, false, fmt.Errorf("expected true or false, got %s", typeName(v))
}

// typeName describes a value's type for error messages, in Terraform's
// words.
func typeName(v attr.Value) string {
	if v.IsNull() {
		return "null"
	}
	switch c := v.(type) {
	case basetypes.StringValue:
		return fmt.Sprintf("the string %q", c.ValueString())
	case basetypes.BoolValue:
		return fmt.Sprintf("the bool %t", c.ValueBool())
	case basetypes.NumberValue:
		return "the number " + c.ValueBigFloat().String()
	case basetypes.ListValue, basetypes.TupleValue, basetypes.SetValue:
		return "a list"
	case basetypes.ObjectValue:
		return "an object"
	case basetypes.MapValue:
		return "a map"
	}
	return "a value of type " + v.Type(context.Background()).String()
}

// validationErrorText is the text of a leastpriv error for a function
// error: summary, detail and hint in one paragraph, without the final
// period, which Terraform adds ("Invalid value for "tables" parameter: ...").
func validationErrorText(err error) string {
	text := err.Error()
	if ve, ok := leastpriv.AsValidationError(err); ok {
		text = ve.Error()
	}
	return strings.TrimSuffix(text, ".")
}
