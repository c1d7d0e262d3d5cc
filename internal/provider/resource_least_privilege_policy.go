package provider

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	awspolicy "github.com/hashicorp/awspolicyequivalence"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

// This file turns the resource's arguments into policy documents and back,
// always through leastpriv so that the provider and the CLI agree.

// toTableGrant converts one dynamodb_tables element. With explicit actions
// the access level is left empty (leastpriv rejects both), and indexes is
// dropped when none of the actions work on a secondary index, so that the
// default `indexes = true` does not fail `access = "write"` or a grant of
// PutItem only. ValidateConfig still rejects an explicit `indexes = true`
// there.
func (g tableGrantModel) toTableGrant(ctx context.Context) (leastpriv.TableGrant, diag.Diagnostics) {
	var diags diag.Diagnostics
	tg := leastpriv.TableGrant{
		TableARN: g.ARN.ValueString(),
		Indexes:  g.Indexes.IsNull() || g.Indexes.ValueBool(),
		Streams:  g.Streams.ValueBool(),
	}
	var actions []string
	if !g.Actions.IsNull() && len(g.Actions.Elements()) > 0 {
		diags.Append(g.Actions.ElementsAs(ctx, &tg.Actions, false)...)
		sort.Strings(tg.Actions)
		actions = tg.Actions
	} else {
		tg.Access = leastpriv.Access(g.Access.ValueString())
		actions, _ = leastpriv.AccessActions(tg.Access)
	}
	if tg.Indexes && !anyIndexAction(actions) {
		tg.Indexes = false
	}
	return tg, diags
}

func anyIndexAction(actions []string) bool {
	for _, a := range actions {
		if info, ok := leastpriv.LookupDynamoDBAction(a); ok && info.AcceptsResourceType("index") {
			return true
		}
	}
	return false
}

// grantsKnown reports whether every value that shapes the policy is known.
func grantsKnown(tables types.List, grants []tableGrantModel) bool {
	if tables.IsUnknown() || tables.IsNull() {
		return false
	}
	for _, g := range grants {
		if g.ARN.IsUnknown() || g.Access.IsUnknown() || g.Actions.IsUnknown() || g.Indexes.IsUnknown() || g.Streams.IsUnknown() {
			return false
		}
	}
	return true
}

// generatePolicyJSON is the inline policy for the grants.
func generatePolicyJSON(ctx context.Context, grants []tableGrantModel) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	tgs := make([]leastpriv.TableGrant, 0, len(grants))
	for _, g := range grants {
		tg, d := g.toTableGrant(ctx)
		diags.Append(d...)
		tgs = append(tgs, tg)
	}
	if diags.HasError() {
		return "", diags
	}
	p, err := leastpriv.GeneratePolicy(tgs)
	if err != nil {
		diags.Append(validationDiag(err))
		return "", diags
	}
	doc, err := p.JSON()
	if err != nil {
		diags.AddError("Generating Policy", err.Error())
	}
	return doc, diags
}

// trustPolicyJSON is the trust policy of a role the resource creates.
func trustPolicyJSON(partition, clusterARN, namespace, serviceAccount, scope string, disableSessionTags bool) (string, error) {
	p, err := leastpriv.PodIdentityTrustPolicy(leastpriv.TrustOptions{
		Partition:          partition,
		ClusterARN:         clusterARN,
		Namespace:          namespace,
		ServiceAccount:     serviceAccount,
		Scope:              leastpriv.TrustScope(scope),
		DisableSessionTags: disableSessionTags,
	})
	if err != nil {
		return "", err
	}
	return p.JSON()
}

// transitionTrustJSON admits both the old and the new namespace/service
// account while an association moves, so that neither the old pods nor the
// new ones are ever refused: the statements of both documents, the old
// ones renamed with a "Previous" Sid suffix.
func transitionTrustJSON(oldDoc, newDoc string) (string, error) {
	oldP, err := leastpriv.ParsePolicy(oldDoc)
	if err != nil {
		return "", fmt.Errorf("parsing current trust policy: %w", err)
	}
	newP, err := leastpriv.ParsePolicy(newDoc)
	if err != nil {
		return "", fmt.Errorf("parsing new trust policy: %w", err)
	}
	out := &leastpriv.Policy{Version: leastpriv.PolicyVersion}
	out.Statements = append(out.Statements, newP.Statements...)
	for _, st := range oldP.Statements {
		if st.Sid != "" {
			st.Sid += "Previous"
		}
		out.Statements = append(out.Statements, st)
	}
	return out.JSON()
}

// equivalentPolicies compares two documents semantically (key order,
// single values written as lists, and the like do not matter).
func equivalentPolicies(a, b string) bool {
	if a == b {
		return true
	}
	if a == "" || b == "" {
		return false
	}
	ok, err := awspolicy.PoliciesAreEquivalent(a, b)
	return err == nil && ok
}

// keepEquivalent returns prior when remote means the same, so that a
// refresh does not churn on IAM's own formatting.
func keepEquivalent(prior types.String, remote string) types.String {
	if !prior.IsNull() && !prior.IsUnknown() && equivalentPolicies(prior.ValueString(), remote) {
		return prior
	}
	return types.StringValue(remote)
}

// grantsFromPolicy rebuilds dynamodb_tables from an inline policy the
// resource generated, for import. It reads the table statements and
// verifies the result by generating the policy again: ok is false when the
// policy was not written by this resource (or edited since), and the
// grants cannot be trusted.
func grantsFromPolicy(ctx context.Context, doc string) ([]tableGrantModel, bool) {
	p, err := leastpriv.ParsePolicy(doc)
	if err != nil {
		return nil, false
	}
	byTable, order, wildcard, ok := policyTables(p)
	if !ok || len(order) == 0 {
		return nil, false
	}
	grants := make([]tableGrantModel, 0, len(order))
	for _, table := range order {
		grants = append(grants, grantOf(ctx, table, byTable[table], wildcard))
	}
	again, diags := generatePolicyJSON(ctx, grants)
	if diags.HasError() || !equivalentPolicies(again, doc) {
		return nil, false
	}
	return grants, true
}

// policyTable is what a generated policy grants on one table.
type policyTable struct {
	actions         []string
	indexes, stream bool
	streamActs      []string
}

// policyTables groups a generated policy's statements by table, in order
// of appearance; wildcard holds the actions granted on "*". ok is false for
// a statement this resource never writes.
func policyTables(p *leastpriv.Policy) (byTable map[string]*policyTable, order, wildcard []string, ok bool) {
	byTable = map[string]*policyTable{}
	get := func(table string) *policyTable {
		f := byTable[table]
		if f == nil {
			f = &policyTable{}
			byTable[table] = f
			order = append(order, table)
		}
		return f
	}
	for _, st := range p.Statements {
		if st.Effect != leastpriv.EffectAllow || len(st.Resource) != 1 || st.Condition != nil {
			return nil, nil, nil, false
		}
		res := st.Resource[0]
		if res == "*" {
			wildcard = append(wildcard, st.Action...)
			continue
		}
		if table, sub, _ := strings.Cut(res, "/index/"); sub != "" {
			get(table).indexes = true
			continue
		}
		if table, sub, _ := strings.Cut(res, "/stream/"); sub != "" {
			f := get(table)
			f.stream = true
			f.streamActs = append(f.streamActs, st.Action...)
			continue
		}
		f := get(res)
		f.actions = append(f.actions, st.Action...)
	}
	return byTable, order, wildcard, true
}

// grantOf is the dynamodb_tables element that generates what f grants.
func grantOf(ctx context.Context, table string, f *policyTable, wildcard []string) tableGrantModel {
	g := tableGrantModel{
		ARN:     types.StringValue(table),
		Access:  types.StringValue(string(leastpriv.AccessRead)),
		Actions: types.SetNull(types.StringType),
		Indexes: types.BoolValue(f.indexes),
		Streams: types.BoolValue(f.stream),
	}
	if level, ok := accessLevelOf(f.actions); ok {
		g.Access = types.StringValue(string(level))
	} else {
		acts := slices.Clone(f.actions)
		if f.stream {
			// Stream actions beyond the standard three were listed.
			for _, a := range f.streamActs {
				if !slices.Contains(leastpriv.StreamReadActions(), a) {
					acts = append(acts, a)
				}
			}
		}
		acts = append(acts, wildcard...)
		vals := make([]attr.Value, 0, len(acts))
		for _, a := range sortedUniqueStrings(acts) {
			vals = append(vals, types.StringValue(a))
		}
		g.Actions = types.SetValueMust(types.StringType, vals)
	}
	if !f.indexes {
		// indexes has no effect without an index action: read back the
		// default, as a configuration that leaves it out has.
		var acts []string
		if g.Actions.IsNull() {
			acts, _ = leastpriv.AccessActions(leastpriv.Access(g.Access.ValueString()))
		} else {
			_ = g.Actions.ElementsAs(ctx, &acts, false)
		}
		g.Indexes = types.BoolValue(!anyIndexAction(acts))
	}
	return g
}

// accessLevelOf names the access level whose actions are exactly acts.
func accessLevelOf(acts []string) (leastpriv.Access, bool) {
	got := sortedUniqueStrings(acts)
	for _, level := range []leastpriv.Access{leastpriv.AccessRead, leastpriv.AccessWrite, leastpriv.AccessReadWrite} {
		want, _ := leastpriv.AccessActions(level)
		if strings.Join(sortedUniqueStrings(want), ",") == strings.Join(got, ",") {
			return level, true
		}
	}
	return "", false
}

func sortedUniqueStrings(s []string) []string {
	m := map[string]bool{}
	for _, v := range s {
		m[v] = true
	}
	out := make([]string, 0, len(m))
	for v := range m {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// validationDiag turns a leastpriv error into a diagnostic with its wording.
func validationDiag(err error) diag.Diagnostic {
	if ve, ok := leastpriv.AsValidationError(err); ok {
		return diag.NewErrorDiagnostic(ve.Summary, ve.DiagnosticDetail())
	}
	return diag.NewErrorDiagnostic("Invalid Configuration", err.Error())
}
