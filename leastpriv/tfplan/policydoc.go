package tfplan

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"

	tfjson "github.com/hashicorp/terraform-json"
)

// document evaluates a policy document attribute. A document that is
// unknown at plan time because it comes from data.aws_iam_policy_document
// is rendered from the data source's statement blocks.
func (b *planInventoryBuilder) document(res *planResource, path []any) leastpriv.Document {
	v := b.r.attr(res, path, 0)
	if !v.val.Unknown {
		return leastpriv.Document{JSON: v.val.Value}
	}
	if v.addr != "" {
		if src := b.r.byAddr[v.addr]; src != nil && src.Mode == "data" && src.Type == "aws_iam_policy_document" {
			return b.r.renderPolicyDocument(src)
		}
	}
	return leastpriv.Document{Unknown: true, Expr: v.val.Expr}
}

// planStatementSource reads the statements of a policy document data
// source, from its planned values or, when the statement blocks
// themselves are unknown, from its configuration.
type planStatementSource struct {
	r   *planResolver
	res *planResource
	// cfg are the statement blocks of the configuration (nil if none).
	cfg []map[string]*tfjson.Expression
	// fromConfig is true when the planned statements are unknown.
	fromConfig bool
}

// planUnknownPart is a part of a statement that is unknown until apply:
// a description and the references of its configuration expression.
type planUnknownPart struct {
	expr string
	refs []string
}

// get returns the value at a path inside statement i: a string, a []any of
// strings, nil, or an planUnknownPart. Nested blocks (principals, condition)
// are read with blocks.
func (s *planStatementSource) get(i int, path ...any) any {
	full := append([]any{"statement", i}, path...)
	if !s.fromConfig {
		if !planUnknownAt(s.res.Unknown, full) {
			v := planLookup(s.res.Values, full)
			if l, ok := v.([]any); ok {
				// Sets of strings may have unknown elements.
				out := make([]any, 0, len(l))
				for j, el := range l {
					if planUnknownAt(s.res.Unknown, append(full, j)) {
						out = append(out, s.unknown(i, path))
						continue
					}
					out = append(out, el)
				}
				return out
			}
			return v
		}
		return s.unknown(i, path)
	}
	e := s.configAt(i, path)
	if e == nil || e.ExpressionData == nil {
		return nil
	}
	if len(e.References) == 0 {
		return e.ConstantValue
	}
	return s.unknown(i, path)
}

// blocks returns the number of nested blocks name in statement i.
func (s *planStatementSource) blocks(i int, name string) int {
	if !s.fromConfig {
		l, _ := planLookup(s.res.Values, []any{"statement", i, name}).([]any)
		if len(l) > 0 {
			return len(l)
		}
		u, _ := planLookup(s.res.Unknown, []any{"statement", i, name}).([]any)
		return len(u)
	}
	if i >= len(s.cfg) {
		return 0
	}
	e := s.cfg[i][name]
	if e == nil || e.ExpressionData == nil {
		return 0
	}
	return len(e.NestedBlocks)
}

func (s *planStatementSource) configAt(i int, path []any) *tfjson.Expression {
	if i >= len(s.cfg) {
		return nil
	}
	exprs := s.cfg[i]
	var e *tfjson.Expression
	for k := 0; k < len(path); k++ {
		name, ok := path[k].(string)
		if !ok || exprs == nil {
			return nil
		}
		e = exprs[name]
		if e == nil || e.ExpressionData == nil {
			return nil
		}
		exprs = nil
		if k+1 < len(path) {
			idx, ok := path[k+1].(int)
			if !ok || idx >= len(e.NestedBlocks) {
				return nil
			}
			exprs = e.NestedBlocks[idx]
			k++
		}
	}
	return e
}

// unknown describes the unknown value at a statement path.
func (s *planStatementSource) unknown(i int, path []any) planUnknownPart {
	u := planUnknownPart{expr: s.exprOf(i, path)}
	if e := s.configAt(i, path); e != nil && e.ExpressionData != nil {
		u.refs = e.References
	}
	return u
}

// exprOf describes the configuration expression at a statement path.
func (s *planStatementSource) exprOf(i int, path []any) string {
	if e := s.configAt(i, path); e != nil && e.ExpressionData != nil && len(e.References) > 0 {
		return planDescribeRef(s.res.ModuleAddress, e.References[0])
	}
	return s.res.Address + planPathString(append([]any{"statement", i}, path...))
}

// renderPolicyDocument renders the JSON of a data.aws_iam_policy_document
// whose json attribute is unknown at plan time. Unknown resources and
// condition values are rendered as "${reference}" placeholders: they do not
// change which actions are granted. An unknown effect, action, principal or
// statement makes the whole document unknown.
func (r *planResolver) renderPolicyDocument(res *planResource) leastpriv.Document {
	unknownDoc := func(why string) leastpriv.Document {
		return leastpriv.Document{Unknown: true, Expr: res.Address + ".json (" + why + ")"}
	}
	var merge [2][]any
	for k, attr := range []string{"source_policy_documents", "override_policy_documents"} {
		stmts, why := r.policyDocumentStatements(res, attr)
		if why != "" {
			return unknownDoc(why)
		}
		merge[k] = stmts
	}
	src, n := r.statementSource(res)
	if src == nil {
		return unknownDoc("statements unknown")
	}
	doc := map[string]any{"Version": "2012-10-17"}
	if v, ok := planLookup(res.Values, []any{"version"}).(string); ok && v != "" {
		doc["Version"] = v
	}
	stmts := make([]any, 0, n)
	for i := range n {
		st, why := src.statement(i)
		if why != "" {
			return unknownDoc(why)
		}
		stmts = append(stmts, st)
	}
	// As the AWS provider merges them: the source documents' statements,
	// then this document's (replacing a source statement with the same
	// Sid), then the override documents' (replacing any statement with the
	// same Sid, appended otherwise).
	merged := append([]any{}, merge[0]...)
	for _, st := range stmts {
		merged = planOverrideStatement(merged, st)
	}
	for _, st := range merge[1] {
		merged = planOverrideStatement(merged, st)
	}
	doc["Statement"] = merged
	out, err := json.Marshal(doc)
	if err != nil {
		return unknownDoc(err.Error())
	}
	return leastpriv.Document{JSON: string(out)}
}

// statementSource returns where the document's statement blocks are read
// (the planned values, or the configuration when they are unknown) and how
// many there are; nil when they are unknown and there is no configuration.
func (r *planResolver) statementSource(res *planResource) (*planStatementSource, int) {
	src := &planStatementSource{r: r, res: res}
	cr := r.configResource(res)
	if cr != nil {
		if e := cr.Expressions["statement"]; e != nil && e.ExpressionData != nil {
			src.cfg = e.NestedBlocks
		}
	}
	if planUnknownAt(res.Unknown, []any{"statement"}) || (res.Values == nil && res.Unknown == nil) {
		if cr == nil {
			return nil, 0
		}
		src.fromConfig = true
		return src, len(src.cfg)
	}
	l, _ := res.Values["statement"].([]any)
	return src, len(l)
}

// statement renders statement block i as IAM JSON, or says why it is
// unknown until apply.
func (s *planStatementSource) statement(i int) (map[string]any, string) {
	st := map[string]any{}
	if sid, ok := s.get(i, "sid").(string); ok && sid != "" {
		st["Sid"] = sid
	}
	effect := "Allow"
	switch v := s.get(i, "effect").(type) {
	case string:
		if v != "" {
			effect = v
		}
	case planUnknownPart:
		return nil, fmt.Sprintf("statement[%d].effect: %s", i, v.expr)
	}
	st["Effect"] = effect
	for _, f := range []struct {
		attr, key string
		critical  bool
	}{
		{"actions", "Action", true},
		{"not_actions", "NotAction", true},
		{"resources", "Resource", false},
		{"not_resources", "NotResource", true},
	} {
		v := s.get(i, f.attr)
		if u, ok := v.(planUnknownPart); ok {
			v = []any{u}
		}
		list, unknown := planStringList(v)
		if unknown != nil {
			if f.critical {
				return nil, fmt.Sprintf("statement[%d].%s: %s", i, f.attr, unknown.expr)
			}
			var ok bool
			if list, ok = s.r.resolveResources(s.res, v); !ok {
				return nil, fmt.Sprintf("statement[%d].%s: %s", i, f.attr, unknown.expr)
			}
		}
		if len(list) > 0 {
			st[f.key] = planCollapse(list)
		}
	}
	for _, f := range []struct{ attr, key string }{{"principals", "Principal"}, {"not_principals", "NotPrincipal"}} {
		p, why := s.principals(i, f.attr)
		if why != "" {
			return nil, why
		}
		if p != nil {
			st[f.key] = p
		}
	}
	cond, why := s.conditions(i)
	if why != "" {
		return nil, why
	}
	if len(cond) > 0 {
		st["Condition"] = cond
	}
	return st, ""
}

// principals renders the principals or not_principals blocks of statement
// i: "*", a map of type to identifiers, or nil when there are none.
func (s *planStatementSource) principals(i int, attr string) (any, string) {
	if u, ok := s.get(i, attr).(planUnknownPart); ok {
		return nil, fmt.Sprintf("statement[%d].%s: %s", i, attr, u.expr)
	}
	pr := map[string][]string{}
	for j := range s.blocks(i, attr) {
		typ, ok := s.get(i, attr, j, "type").(string)
		idv := s.get(i, attr, j, "identifiers")
		if u, isU := idv.(planUnknownPart); isU {
			idv = []any{u}
		}
		ids, unknown := planStringList(idv)
		// Identifiers unknown until apply (an OIDC provider's or a role's
		// ARN) are placeholders when the type is known and names no
		// service: AWS and Federated principals are never the EC2 or Pod
		// Identity service. Unknown Service or "*" identifiers could be,
		// and leave the document unknown.
		if !ok || (unknown != nil && (typ == "Service" || typ == "*")) {
			return nil, fmt.Sprintf("statement[%d].%s[%d] unknown", i, attr, j)
		}
		pr[typ] = append(pr[typ], ids...)
	}
	if len(pr) == 0 {
		return nil, ""
	}
	if _, ok := pr["*"]; ok {
		return "*", ""
	}
	out := map[string]any{}
	for typ, ids := range pr {
		out[typ] = planCollapse(ids)
	}
	return out, ""
}

// conditions renders the condition blocks of statement i; values unknown
// until apply become placeholders.
func (s *planStatementSource) conditions(i int) (map[string]map[string]any, string) {
	cond := map[string]map[string]any{}
	for j := range s.blocks(i, "condition") {
		test, ok1 := s.get(i, "condition", j, "test").(string)
		variable, ok2 := s.get(i, "condition", j, "variable").(string)
		if !ok1 || !ok2 {
			return nil, fmt.Sprintf("statement[%d].condition[%d] unknown", i, j)
		}
		v := s.get(i, "condition", j, "values")
		var values []string
		if u, ok := v.(planUnknownPart); ok {
			values = []string{planPlaceholder(u)}
		} else {
			values, _ = planStringList(v)
		}
		if cond[test] == nil {
			cond[test] = map[string]any{}
		}
		cond[test][variable] = planCollapse(values)
	}
	return cond, ""
}

func planPlaceholder(u planUnknownPart) string { return "${" + u.expr + "}" }

// planStringList converts a decoded list of strings, rendering unknown
// elements as placeholders and returning the first unknown element.
func planStringList(v any) ([]string, *planUnknownPart) {
	l, _ := v.([]any)
	var out []string
	var first *planUnknownPart
	for _, el := range l {
		switch x := el.(type) {
		case string:
			out = append(out, x)
		case planUnknownPart:
			if first == nil {
				first = &x
			}
			out = append(out, planPlaceholder(x))
		}
	}
	sort.Strings(out)
	return out, first
}

// planCollapse renders a one-element list as a string, as IAM does.
func planCollapse(l []string) any {
	if len(l) == 1 {
		return l[0]
	}
	return l
}

// resolveResources renders a resources list with unknown elements. An
// unknown element that refers to an aws_dynamodb_table becomes that table's
// ARN with the parts unknown at plan time as "${...}" placeholders (for
// example "arn:aws:dynamodb:${region}:${account}:table/carts"): it names one
// table, so it is neither a wildcard nor hidden from the rules. Anything
// else unknown makes the document unknown (false).
func (r *planResolver) resolveResources(res *planResource, v any) ([]string, bool) {
	l, _ := v.([]any)
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sc := r.scopeOf(res)
	for _, el := range l {
		switch x := el.(type) {
		case string:
			add(x)
		case planUnknownPart:
			found := false
			for _, ref := range x.refs {
				pv := r.ref(sc, ref, 1)
				if pv.typ != "aws_dynamodb_table" || pv.addr == "" {
					continue
				}
				table := r.byAddr[pv.addr]
				if arn := r.attr(table, []any{"arn"}, 0).val; !arn.Unknown && arn.Value != "" {
					add(arn.Value)
				} else {
					name := r.attr(table, []any{"name"}, 0).val
					n := name.Value
					if name.Unknown {
						n = "${" + pv.addr + ".name}"
					}
					add("arn:aws:dynamodb:${region}:${account}:table/" + n)
				}
				found = true
			}
			if !found {
				return nil, false
			}
		}
	}
	sort.Strings(out)
	return out, true
}

// policyDocumentStatements returns the statements of the documents listed
// in source_policy_documents or override_policy_documents of a policy
// document data source, in order. Documents unknown at plan time are
// rendered when the configuration says they are other
// aws_iam_policy_document data sources; anything else unknown, or a
// document that does not parse, returns why the document is unknown.
func (r *planResolver) policyDocumentStatements(res *planResource, attr string) ([]any, string) {
	var docs []string
	vals, _ := res.Values[attr].([]any)
	anyUnknown := planUnknownAt(res.Unknown, []any{attr})
	for i := range vals {
		if planUnknownAt(res.Unknown, []any{attr, i}) {
			anyUnknown = true
		}
	}
	if !anyUnknown {
		for _, v := range vals {
			s, _ := v.(string)
			docs = append(docs, s)
		}
	} else {
		e := r.configExpr(res, []any{attr})
		if e == nil || e.ExpressionData == nil || len(e.References) == 0 {
			return nil, attr + " unknown"
		}
		sc := r.scopeOf(res)
		seen := map[string]bool{}
		for _, ref := range planOuterRefs(e.References) {
			v := r.ref(sc, ref, 1)
			src := r.byAddr[v.addr]
			if src == nil || src.Mode != "data" || src.Type != "aws_iam_policy_document" {
				return nil, attr + " unknown (" + planDescribeRef(res.ModuleAddress, ref) + ")"
			}
			if seen[v.addr] {
				continue
			}
			seen[v.addr] = true
			if !v.val.Unknown {
				docs = append(docs, v.val.Value)
				continue
			}
			d := r.renderPolicyDocument(src)
			if d.Unknown {
				return nil, attr + ": " + d.Expr
			}
			docs = append(docs, d.JSON)
		}
		if !planUnknownAt(res.Unknown, []any{attr}) && len(docs) != len(vals) {
			return nil, attr + " unknown"
		}
	}
	var out []any
	for i, d := range docs {
		var doc struct {
			Statement json.RawMessage
		}
		if err := json.Unmarshal([]byte(d), &doc); err != nil {
			return nil, fmt.Sprintf("%s[%d] does not parse: %v", attr, i, err)
		}
		var list []any
		if err := json.Unmarshal(doc.Statement, &list); err != nil {
			var one map[string]any
			if err := json.Unmarshal(doc.Statement, &one); err != nil {
				return nil, fmt.Sprintf("%s[%d] has no statements", attr, i)
			}
			list = []any{one}
		}
		for _, st := range list {
			out = planOverrideStatement(out, st)
		}
	}
	return out, ""
}

// planOverrideStatement replaces the statement of stmts with st's Sid, or
// appends st when it has no Sid or no statement has it.
func planOverrideStatement(stmts []any, st any) []any {
	m, _ := st.(map[string]any)
	if sid, _ := m["Sid"].(string); sid != "" {
		for i, old := range stmts {
			if o, _ := old.(map[string]any); o != nil && o["Sid"] == sid {
				stmts[i] = st
				return stmts
			}
		}
	}
	return append(stmts, st)
}
