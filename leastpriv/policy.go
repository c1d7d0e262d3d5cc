package leastpriv

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Effects of a policy statement.
const (
	EffectAllow = "Allow"
	EffectDeny  = "Deny"
)

// PolicyVersion is the current IAM policy language version, written by the
// generators of this package.
const PolicyVersion = "2012-10-17"

// Policy is an IAM policy document (identity policy or role trust policy).
type Policy struct {
	Version    string
	ID         string
	Statements []Statement
}

// Statement is one statement of a policy. Lists that were written as a
// single string in the document are held as one-element slices. A nil
// slice means the element was absent; a non-nil empty slice means it was
// written as an empty list.
type Statement struct {
	Sid          string
	Effect       string
	Principal    *Principal
	NotPrincipal *Principal
	Action       []string
	NotAction    []string
	Resource     []string
	NotResource  []string
	// Condition maps a condition operator (for example "StringEquals") to
	// condition keys and their values. Boolean and number values written
	// without quotes are held as their JSON text ("true", "12").
	Condition map[string]map[string][]string
}

// Principal is the Principal or NotPrincipal element of a statement: either
// the bare wildcard "*" or a map from principal type ("AWS", "Service",
// "Federated", "CanonicalUser") to values.
type Principal struct {
	Wildcard bool
	Values   map[string][]string
}

// label names a statement in error messages: `statement 2 (Sid "ReadCarts")`.
// n is 1-based.
func statementLabel(n int, sid string) string {
	if sid == "" {
		return "statement " + strconv.Itoa(n)
	}
	return "statement " + strconv.Itoa(n) + " (Sid " + strconv.Quote(sid) + ")"
}

// Label names the statement for messages; n is its 1-based position.
func (s *Statement) Label(n int) string { return statementLabel(n, s.Sid) }

// HasCondition reports whether the statement has a non-empty Condition.
func (s *Statement) HasCondition() bool {
	for _, keys := range s.Condition {
		if len(keys) > 0 {
			return true
		}
	}
	return false
}

// ParsePolicy parses an IAM policy document. It accepts every form the IAM
// policy grammar allows: Statement as an object or a list, and a string or a
// list of strings wherever a list is allowed. Element names are
// case-sensitive as in IAM. Errors name the statement and the element, for
// example:
//
//	statement 2 (Sid "ReadCarts"): Action: expected string or list of strings, got number
func ParsePolicy(doc string) (*Policy, error) {
	if p, ok := parsePolicyFast(doc); ok {
		return p, nil
	}
	return parsePolicySlow(doc)
}

// parsePolicySlow is ParsePolicy's reference path: it gives every error.
func parsePolicySlow(doc string) (*Policy, error) {
	// Decode once into generic values (json.Number keeps the text of
	// numbers), then walk them: one pass over the bytes.
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("policy document is not a JSON object: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("policy document is not a JSON object: unexpected data after the JSON value")
	}
	top, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("policy document is not a JSON object: got %s", jsonKind(v))
	}
	p := &Policy{}
	var rawStatements any
	hasStatements := false
	for _, key := range slices.Sorted(maps.Keys(top)) {
		raw := top[key]
		switch key {
		case "Version":
			s, err := parseString(raw)
			if err != nil {
				return nil, fmt.Errorf("Version: %w", err)
			}
			if s != "2012-10-17" && s != "2008-10-17" {
				return nil, fmt.Errorf("Version: must be \"2012-10-17\" or \"2008-10-17\", got %q", s)
			}
			p.Version = s
		case "Id":
			s, err := parseString(raw)
			if err != nil {
				return nil, fmt.Errorf("Id: %w", err)
			}
			p.ID = s
		case "Statement":
			rawStatements, hasStatements = raw, true
		default:
			return nil, fmt.Errorf("unknown policy element %q (expected Version, Id, Statement)", key)
		}
	}
	if !hasStatements {
		return nil, errors.New("policy document has no Statement")
	}
	var list []any
	switch x := rawStatements.(type) {
	case map[string]any:
		list = []any{x}
	case []any:
		list = x
	default:
		return nil, fmt.Errorf("Statement: expected object or list of objects, got %s", jsonKind(rawStatements))
	}
	p.Statements = make([]Statement, 0, len(list))
	for i, raw := range list {
		st, err := parseStatement(raw, i+1)
		if err != nil {
			return nil, err
		}
		p.Statements = append(p.Statements, st)
	}
	return p, nil
}

// MustParsePolicy is ParsePolicy for documents known to be valid (tests,
// examples, package-level variables); it panics on error.
func MustParsePolicy(doc string) *Policy {
	p, err := ParsePolicy(doc)
	if err != nil {
		panic(err)
	}
	return p
}

func parseStatement(raw any, n int) (Statement, error) {
	var st Statement
	fields, ok := raw.(map[string]any)
	if !ok {
		return st, fmt.Errorf("%s: expected object, got %s", statementLabel(n, ""), jsonKind(raw))
	}
	if sidRaw, ok := fields["Sid"]; ok {
		sid, err := parseString(sidRaw)
		if err != nil {
			return st, fmt.Errorf("%s: Sid: %w", statementLabel(n, ""), err)
		}
		st.Sid = sid
	}
	label := statementLabel(n, st.Sid)
	for _, key := range slices.Sorted(maps.Keys(fields)) {
		raw := fields[key]
		var err error
		switch key {
		case "Sid":
		case "Effect":
			st.Effect, err = parseString(raw)
			if err == nil && st.Effect != EffectAllow && st.Effect != EffectDeny {
				err = fmt.Errorf("must be \"Allow\" or \"Deny\", got %q", st.Effect)
			}
		case "Action":
			st.Action, err = parseStringList(raw)
		case "NotAction":
			st.NotAction, err = parseStringList(raw)
		case "Resource":
			st.Resource, err = parseStringList(raw)
		case "NotResource":
			st.NotResource, err = parseStringList(raw)
		case "Principal":
			st.Principal, err = parsePrincipal(raw)
		case "NotPrincipal":
			st.NotPrincipal, err = parsePrincipal(raw)
		case "Condition":
			st.Condition, err = parseCondition(raw)
		default:
			return Statement{}, fmt.Errorf("%s: unknown element %q (expected Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition)", label, key)
		}
		if err != nil {
			return Statement{}, fmt.Errorf("%s: %s: %w", label, key, err)
		}
	}
	switch {
	case st.Effect == "":
		return Statement{}, fmt.Errorf("%s: Effect: missing (expected \"Allow\" or \"Deny\")", label)
	case st.Action != nil && st.NotAction != nil:
		return Statement{}, fmt.Errorf("%s: has both Action and NotAction; use one", label)
	case st.Action == nil && st.NotAction == nil:
		return Statement{}, fmt.Errorf("%s: has neither Action nor NotAction", label)
	case st.Resource != nil && st.NotResource != nil:
		return Statement{}, fmt.Errorf("%s: has both Resource and NotResource; use one", label)
	case st.Principal != nil && st.NotPrincipal != nil:
		return Statement{}, fmt.Errorf("%s: has both Principal and NotPrincipal; use one", label)
	}
	return st, nil
}

// jsonKind names the JSON type of a decoded value for messages.
func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "list"
	case string:
		return "string"
	case bool:
		return "boolean"
	case nil:
		return "null"
	case json.Number, float64:
		return "number"
	default:
		return fmt.Sprintf("%T", v)
	}
}

func parseString(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("expected string, got %s", jsonKind(v))
	}
	return s, nil
}

func parseStringList(v any) ([]string, error) {
	switch x := v.(type) {
	case string:
		return []string{x}, nil
	case []any:
		out := make([]string, 0, len(x))
		for i, item := range x {
			s, ok := item.(string)
			if !ok {
				return nil, fmt.Errorf("expected string or list of strings, got %s at position %d of the list", jsonKind(item), i+1)
			}
			out = append(out, s)
		}
		return out, nil
	default:
		return nil, fmt.Errorf("expected string or list of strings, got %s", jsonKind(v))
	}
}

func parsePrincipal(v any) (*Principal, error) {
	switch x := v.(type) {
	case string:
		if x != "*" {
			return nil, fmt.Errorf("expected \"*\" or an object such as {\"Service\": \"pods.eks.amazonaws.com\"}, got %q", x)
		}
		return &Principal{Wildcard: true}, nil
	case map[string]any:
		p := &Principal{Values: make(map[string][]string, len(x))}
		for _, typ := range slices.Sorted(maps.Keys(x)) {
			vals, err := parseStringList(x[typ])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", typ, err)
			}
			p.Values[typ] = vals
		}
		return p, nil
	default:
		return nil, fmt.Errorf("expected \"*\" or object, got %s", jsonKind(v))
	}
}

func parseCondition(v any) (map[string]map[string][]string, error) {
	ops, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("expected object, got %s", jsonKind(v))
	}
	out := make(map[string]map[string][]string, len(ops))
	for _, op := range slices.Sorted(maps.Keys(ops)) {
		keys, ok := ops[op].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: expected object, got %s", op, jsonKind(ops[op]))
		}
		m := make(map[string][]string, len(keys))
		for _, key := range slices.Sorted(maps.Keys(keys)) {
			vals, err := parseConditionValues(keys[key])
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", op, key, err)
			}
			m[key] = vals
		}
		out[op] = m
	}
	return out, nil
}

// parseConditionValues accepts a string, boolean or number, or a list of
// them: IAM accepts unquoted booleans and numbers in conditions. They are
// held as their JSON text.
func parseConditionValues(v any) ([]string, error) {
	scalar := func(item any) (string, error) {
		switch x := item.(type) {
		case string:
			return x, nil
		case bool:
			if x {
				return "true", nil
			}
			return "false", nil
		case json.Number:
			return x.String(), nil
		default:
			return "", fmt.Errorf("expected string, boolean, number or a list of them, got %s", jsonKind(item))
		}
	}
	if list, ok := v.([]any); ok {
		out := make([]string, 0, len(list))
		for _, item := range list {
			s, err := scalar(item)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, err := scalar(v)
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}

// JSON returns the canonical form of the policy: two-space indented JSON,
// top-level elements in the order Version, Id, Statement; Statement always
// a list; statement elements in the order Sid, Effect, Principal,
// NotPrincipal, Action, NotAction, Resource, NotResource, Condition;
// principal types, condition operators and condition keys sorted. A list
// with exactly one value is written as a plain string (as
// aws_iam_policy_document does), any other list as a list, keeping the
// order of its values. Condition values are always written as strings.
// The output is byte-for-byte deterministic for equal policies.
func (p *Policy) JSON() (string, error) {
	if p == nil {
		return "", errors.New("nil policy")
	}
	var buf bytes.Buffer
	buf.WriteString("{\n")
	first := true
	field := func(indent, key string) {
		if !first {
			buf.WriteString(",\n")
		}
		first = false
		buf.WriteString(indent)
		writeJSONString(&buf, key)
		buf.WriteString(": ")
	}
	if p.Version != "" {
		field("  ", "Version")
		writeJSONString(&buf, p.Version)
	}
	if p.ID != "" {
		field("  ", "Id")
		writeJSONString(&buf, p.ID)
	}
	field("  ", "Statement")
	buf.WriteString("[")
	for i := range p.Statements {
		st := &p.Statements[i]
		if i > 0 {
			buf.WriteString(",")
		}
		buf.WriteString("\n    {\n")
		first = true
		const in = "      "
		if st.Sid != "" {
			field(in, "Sid")
			writeJSONString(&buf, st.Sid)
		}
		field(in, "Effect")
		writeJSONString(&buf, st.Effect)
		if st.Principal != nil {
			field(in, "Principal")
			writePrincipal(&buf, st.Principal, in)
		}
		if st.NotPrincipal != nil {
			field(in, "NotPrincipal")
			writePrincipal(&buf, st.NotPrincipal, in)
		}
		for _, l := range []struct {
			name string
			vals []string
		}{{"Action", st.Action}, {"NotAction", st.NotAction}, {"Resource", st.Resource}, {"NotResource", st.NotResource}} {
			if l.vals != nil {
				field(in, l.name)
				writeList(&buf, l.vals, in)
			}
		}
		if st.Condition != nil {
			field(in, "Condition")
			writeCondition(&buf, st.Condition, in)
		}
		buf.WriteString("\n    }")
	}
	if len(p.Statements) > 0 {
		buf.WriteString("\n  ")
	}
	buf.WriteString("]\n}")
	return buf.String(), nil
}

func writeJSONString(buf *bytes.Buffer, s string) {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // encoding a string cannot fail
	buf.Truncate(buf.Len() - 1)
}

func writeList(buf *bytes.Buffer, vals []string, indent string) {
	if len(vals) == 1 {
		writeJSONString(buf, vals[0])
		return
	}
	if len(vals) == 0 {
		buf.WriteString("[]")
		return
	}
	buf.WriteString("[")
	for i, v := range vals {
		if i > 0 {
			buf.WriteString(",")
		}
		buf.WriteString("\n" + indent + "  ")
		writeJSONString(buf, v)
	}
	buf.WriteString("\n" + indent + "]")
}

func writePrincipal(buf *bytes.Buffer, p *Principal, indent string) {
	if p.Wildcard {
		writeJSONString(buf, "*")
		return
	}
	writeStringListMap(buf, p.Values, indent)
}

func writeStringListMap(buf *bytes.Buffer, m map[string][]string, indent string) {
	if len(m) == 0 {
		buf.WriteString("{}")
		return
	}
	keys := slices.Sorted(maps.Keys(m))
	buf.WriteString("{")
	for i, k := range keys {
		if i > 0 {
			buf.WriteString(",")
		}
		buf.WriteString("\n" + indent + "  ")
		writeJSONString(buf, k)
		buf.WriteString(": ")
		writeList(buf, m[k], indent+"  ")
	}
	buf.WriteString("\n" + indent + "}")
}

func writeCondition(buf *bytes.Buffer, c map[string]map[string][]string, indent string) {
	if len(c) == 0 {
		buf.WriteString("{}")
		return
	}
	ops := slices.Sorted(maps.Keys(c))
	buf.WriteString("{")
	for i, op := range ops {
		if i > 0 {
			buf.WriteString(",")
		}
		buf.WriteString("\n" + indent + "  ")
		writeJSONString(buf, op)
		buf.WriteString(": ")
		writeStringListMap(buf, c[op], indent+"  ")
	}
	buf.WriteString("\n" + indent + "}")
}

// String returns the canonical JSON, or an error text.
func (p *Policy) String() string {
	s, err := p.JSON()
	if err != nil {
		return "<" + err.Error() + ">"
	}
	return s
}

// statementJSON renders a single statement canonically (used in messages).
func statementJSON(st Statement) string {
	s, _ := (&Policy{Statements: []Statement{st}}).JSON()
	// Strip the wrapper: take the text between the first "[" and the last "]".
	start := strings.Index(s, "[")
	end := strings.LastIndex(s, "]")
	if start < 0 || end < start {
		return s
	}
	body := strings.TrimSpace(s[start+1 : end])
	lines := strings.Split(body, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, "    ")
	}
	return strings.Join(lines, "\n")
}
