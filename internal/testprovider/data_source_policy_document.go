package testprovider

import (
	"context"
	"encoding/json"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSource = (*policyDocumentDataSource)(nil)

// policyDocumentDataSource is data.aws_iam_policy_document: it renders json
// from its statement blocks. Terraform reads it during apply (and the plan
// shows json as unknown) when any input is unknown.
type policyDocumentDataSource struct{}

func (d *policyDocumentDataSource) Metadata(_ context.Context, _ datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = "aws_iam_policy_document"
}

func (d *policyDocumentDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	strSet := schema.SetAttribute{ElementType: types.StringType, Optional: true}
	principal := schema.SetNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
		"identifiers": schema.SetAttribute{ElementType: types.StringType, Required: true},
		"type":        schema.StringAttribute{Required: true},
	}}}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Test double of `aws_iam_policy_document`.",
		Attributes: map[string]schema.Attribute{
			"id":                        schema.StringAttribute{Computed: true},
			"json":                      schema.StringAttribute{Computed: true},
			"override_policy_documents": schema.ListAttribute{ElementType: types.StringType, Optional: true},
			"policy_id":                 schema.StringAttribute{Optional: true},
			"source_policy_documents":   schema.ListAttribute{ElementType: types.StringType, Optional: true},
			"version":                   schema.StringAttribute{Optional: true},
		},
		Blocks: map[string]schema.Block{
			"statement": schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{
				Attributes: map[string]schema.Attribute{
					"actions": strSet, "effect": schema.StringAttribute{Optional: true},
					"not_actions": strSet, "not_resources": strSet, "resources": strSet,
					"sid": schema.StringAttribute{Optional: true},
				},
				Blocks: map[string]schema.Block{
					"condition": schema.SetNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
						"test":     schema.StringAttribute{Required: true},
						"values":   schema.ListAttribute{ElementType: types.StringType, Required: true},
						"variable": schema.StringAttribute{Required: true},
					}}},
					"not_principals": principal,
					"principals":     principal,
				},
			}},
		},
	}
}

type policyDocumentModel struct {
	ID                      types.String     `tfsdk:"id"`
	JSON                    types.String     `tfsdk:"json"`
	OverridePolicyDocuments []string         `tfsdk:"override_policy_documents"`
	PolicyID                types.String     `tfsdk:"policy_id"`
	SourcePolicyDocuments   []string         `tfsdk:"source_policy_documents"`
	Statement               []statementModel `tfsdk:"statement"`
	Version                 types.String     `tfsdk:"version"`
}

type statementModel struct {
	Actions       []string         `tfsdk:"actions"`
	Condition     []conditionModel `tfsdk:"condition"`
	Effect        types.String     `tfsdk:"effect"`
	NotActions    []string         `tfsdk:"not_actions"`
	NotPrincipals []principalModel `tfsdk:"not_principals"`
	NotResources  []string         `tfsdk:"not_resources"`
	Principals    []principalModel `tfsdk:"principals"`
	Resources     []string         `tfsdk:"resources"`
	Sid           types.String     `tfsdk:"sid"`
}

type principalModel struct {
	Identifiers []string `tfsdk:"identifiers"`
	Type        string   `tfsdk:"type"`
}

type conditionModel struct {
	Test     string   `tfsdk:"test"`
	Values   []string `tfsdk:"values"`
	Variable string   `tfsdk:"variable"`
}

func (d *policyDocumentDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m policyDocumentModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	doc := map[string]any{"Version": "2012-10-17"}
	if v := m.Version.ValueString(); v != "" {
		doc["Version"] = v
	}
	stmts := []any{}
	for _, s := range m.Statement {
		st := map[string]any{"Effect": "Allow"}
		if e := s.Effect.ValueString(); e != "" {
			st["Effect"] = e
		}
		if sid := s.Sid.ValueString(); sid != "" {
			st["Sid"] = sid
		}
		for k, l := range map[string][]string{"Action": s.Actions, "NotAction": s.NotActions, "Resource": s.Resources, "NotResource": s.NotResources} {
			if len(l) > 0 {
				st[k] = oneOrMany(l)
			}
		}
		for k, ps := range map[string][]principalModel{"Principal": s.Principals, "NotPrincipal": s.NotPrincipals} {
			if len(ps) == 0 {
				continue
			}
			out := map[string]any{}
			for _, p := range ps {
				out[p.Type] = oneOrMany(p.Identifiers)
			}
			st[k] = out
		}
		if len(s.Condition) > 0 {
			cond := map[string]map[string]any{}
			for _, c := range s.Condition {
				if cond[c.Test] == nil {
					cond[c.Test] = map[string]any{}
				}
				cond[c.Test][c.Variable] = oneOrMany(c.Values)
			}
			st["Condition"] = cond
		}
		stmts = append(stmts, st)
	}
	// As the AWS provider: the statements of source_policy_documents
	// first, then this document's statements (replacing a source statement
	// with the same Sid), then override_policy_documents (replacing any
	// statement with the same Sid, appended otherwise).
	merged, err := mergeStatements(m.SourcePolicyDocuments, nil)
	if err != nil {
		resp.Diagnostics.AddError("Reading source_policy_documents", err.Error())
		return
	}
	for _, st := range stmts {
		merged = overrideStatement(merged, st)
	}
	if merged, err = mergeStatements(m.OverridePolicyDocuments, merged); err != nil {
		resp.Diagnostics.AddError("Reading override_policy_documents", err.Error())
		return
	}
	doc["Statement"] = merged
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		resp.Diagnostics.AddError("Rendering Policy Document", err.Error())
		return
	}
	m.JSON = types.StringValue(string(b))
	m.ID = types.StringValue(shortHash(string(b)))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func oneOrMany(l []string) any {
	l = append([]string(nil), l...)
	sort.Strings(l)
	if len(l) == 1 {
		return l[0]
	}
	return l
}

// mergeStatements adds the statements of each document in docs to stmts
// with overrideStatement.
func mergeStatements(docs []string, stmts []any) ([]any, error) {
	if stmts == nil {
		stmts = []any{}
	}
	for _, raw := range docs {
		var doc struct {
			Statement json.RawMessage
		}
		if err := json.Unmarshal([]byte(raw), &doc); err != nil {
			return nil, err
		}
		var list []any
		if err := json.Unmarshal(doc.Statement, &list); err != nil {
			var one map[string]any
			if err := json.Unmarshal(doc.Statement, &one); err != nil {
				return nil, err
			}
			list = []any{one}
		}
		for _, st := range list {
			stmts = overrideStatement(stmts, st)
		}
	}
	return stmts, nil
}

// overrideStatement replaces the statement of stmts with st's Sid, or
// appends st when it has no Sid or no statement has it.
func overrideStatement(stmts []any, st any) []any {
	sid, _ := st.(map[string]any)["Sid"].(string)
	if sid != "" {
		for i, old := range stmts {
			if s, _ := old.(map[string]any)["Sid"].(string); s == sid {
				stmts[i] = st
				return stmts
			}
		}
	}
	return append(stmts, st)
}
