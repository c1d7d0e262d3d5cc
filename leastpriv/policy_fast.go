package leastpriv

import (
	"io"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv/internal/jsonscan"
)

// parsePolicyFast is ParsePolicy for the common case: a valid document
// walked with jsonscan.Scanner (the plan reader's scanner) straight into a
// Policy, without decoding into generic values first; a duplicated name's
// last value wins, as in encoding/json. It returns false for anything it
// does not read exactly as ParsePolicy would (any error, unknown names,
// invalid UTF-8, escaped surrogates...): ParsePolicy then runs its
// reference path, which gives the same result and error. FuzzParsePolicy
// holds the two paths equal.
func parsePolicyFast(doc string) (*Policy, bool) {
	if !utf8.ValidString(doc) {
		return nil, false
	}
	d := policyScanners.Get().(*jsonscan.Scanner) //nolint:forcetypeassert // only *jsonscan.Scanner is stored
	d.Reset([]byte(doc))
	p, ok := policyFastTop(d)
	if ok {
		// Nothing but white space after the document's value.
		_, err := d.ReadToken()
		ok = err == io.EOF
	}
	d.Reset(nil)
	policyScanners.Put(d)
	if !ok {
		return nil, false
	}
	return p, true
}

var policyScanners = sync.Pool{New: func() any { return jsonscan.NewScanner(nil) }}

func policyFastTop(d *jsonscan.Scanner) (*Policy, bool) {
	if d.PeekKind() != '{' {
		return nil, false
	}
	if _, err := d.ReadToken(); err != nil {
		return nil, false
	}
	p := &Policy{}
	hasStatements := false
	for d.PeekKind() != '}' {
		key, ok := policyFastKey(d)
		if !ok {
			return nil, false
		}
		switch key {
		case "Version":
			s, ok := policyFastStr(d)
			if !ok || s != "2012-10-17" && s != "2008-10-17" {
				return nil, false
			}
			p.Version = s
		case "Id":
			s, ok := policyFastStr(d)
			if !ok {
				return nil, false
			}
			p.ID = s
		case "Statement":
			hasStatements = true
			switch d.PeekKind() {
			case '{':
				st, ok := policyFastStatement(d)
				if !ok {
					return nil, false
				}
				p.Statements = []Statement{st}
			case '[':
				if _, err := d.ReadToken(); err != nil {
					return nil, false
				}
				list := []Statement{}
				for d.PeekKind() != ']' {
					if d.PeekKind() != '{' {
						return nil, false
					}
					st, ok := policyFastStatement(d)
					if !ok {
						return nil, false
					}
					list = append(list, st)
				}
				if _, err := d.ReadToken(); err != nil {
					return nil, false
				}
				p.Statements = slices.Clip(list)
			default:
				return nil, false
			}
		default:
			return nil, false
		}
	}
	if _, err := d.ReadToken(); err != nil {
		return nil, false
	}
	return p, hasStatements
}

// policyFastKey reads an object member name.
func policyFastKey(d *jsonscan.Scanner) (string, bool) {
	raw, err := d.ReadValue()
	if err != nil {
		return "", false
	}
	return jsonscan.String(raw)
}

// policyFastStr reads a string value.
func policyFastStr(d *jsonscan.Scanner) (string, bool) {
	if d.PeekKind() != '"' {
		return "", false
	}
	raw, err := d.ReadValue()
	if err != nil {
		return "", false
	}
	return jsonscan.String(raw)
}

// policyFastStrList reads a string or a list of strings (parseStringList).
func policyFastStrList(d *jsonscan.Scanner) ([]string, bool) {
	switch d.PeekKind() {
	case '"':
		s, ok := policyFastStr(d)
		if !ok {
			return nil, false
		}
		return []string{s}, true
	case '[':
	default:
		return nil, false
	}
	if _, err := d.ReadToken(); err != nil {
		return nil, false
	}
	out := []string{}
	for d.PeekKind() != ']' {
		s, ok := policyFastStr(d)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	if _, err := d.ReadToken(); err != nil {
		return nil, false
	}
	return slices.Clip(out), true
}

func policyFastStatement(d *jsonscan.Scanner) (Statement, bool) {
	var st Statement
	if _, err := d.ReadToken(); err != nil {
		return st, false
	}
	for d.PeekKind() != '}' {
		key, ok := policyFastKey(d)
		if !ok {
			return st, false
		}
		switch key {
		case "Sid":
			st.Sid, ok = policyFastStr(d)
		case "Effect":
			st.Effect, ok = policyFastStr(d)
			ok = ok && (st.Effect == EffectAllow || st.Effect == EffectDeny)
		case "Action":
			st.Action, ok = policyFastStrList(d)
		case "NotAction":
			st.NotAction, ok = policyFastStrList(d)
		case "Resource":
			st.Resource, ok = policyFastStrList(d)
		case "NotResource":
			st.NotResource, ok = policyFastStrList(d)
		case "Principal":
			st.Principal, ok = policyFastPrincipal(d)
		case "NotPrincipal":
			st.NotPrincipal, ok = policyFastPrincipal(d)
		case "Condition":
			st.Condition, ok = policyFastCondition(d)
		default:
			ok = false
		}
		if !ok {
			return st, false
		}
	}
	if _, err := d.ReadToken(); err != nil {
		return st, false
	}
	switch {
	case st.Effect == "",
		st.Action != nil && st.NotAction != nil,
		st.Action == nil && st.NotAction == nil,
		st.Resource != nil && st.NotResource != nil,
		st.Principal != nil && st.NotPrincipal != nil:
		return st, false
	}
	return st, true
}

func policyFastPrincipal(d *jsonscan.Scanner) (*Principal, bool) {
	switch d.PeekKind() {
	case '"':
		s, ok := policyFastStr(d)
		if !ok || s != "*" {
			return nil, false
		}
		return &Principal{Wildcard: true}, true
	case '{':
	default:
		return nil, false
	}
	if _, err := d.ReadToken(); err != nil {
		return nil, false
	}
	p := &Principal{Values: map[string][]string{}}
	for d.PeekKind() != '}' {
		typ, ok := policyFastKey(d)
		if !ok {
			return nil, false
		}
		vals, ok := policyFastStrList(d)
		if !ok {
			return nil, false
		}
		p.Values[typ] = vals
	}
	if _, err := d.ReadToken(); err != nil {
		return nil, false
	}
	return p, true
}

func policyFastCondition(d *jsonscan.Scanner) (map[string]map[string][]string, bool) {
	if d.PeekKind() != '{' {
		return nil, false
	}
	if _, err := d.ReadToken(); err != nil {
		return nil, false
	}
	out := map[string]map[string][]string{}
	for d.PeekKind() != '}' {
		op, ok := policyFastKey(d)
		if !ok || d.PeekKind() != '{' {
			return nil, false
		}
		if _, err := d.ReadToken(); err != nil {
			return nil, false
		}
		m := map[string][]string{}
		for d.PeekKind() != '}' {
			key, ok := policyFastKey(d)
			if !ok {
				return nil, false
			}
			vals, ok := policyFastConditionValues(d)
			if !ok {
				return nil, false
			}
			m[key] = vals
		}
		if _, err := d.ReadToken(); err != nil {
			return nil, false
		}
		out[op] = m
	}
	if _, err := d.ReadToken(); err != nil {
		return nil, false
	}
	return out, true
}

// policyFastConditionValues is parseConditionValues.
func policyFastConditionValues(d *jsonscan.Scanner) ([]string, bool) {
	scalar := func() (string, bool) {
		switch d.PeekKind() {
		case '"':
			return policyFastStr(d)
		case 't', 'f', '0':
			raw, err := d.ReadValue()
			if err != nil {
				return "", false
			}
			return string(raw), true
		}
		return "", false
	}
	if d.PeekKind() != '[' {
		s, ok := scalar()
		if !ok {
			return nil, false
		}
		return []string{s}, true
	}
	if _, err := d.ReadToken(); err != nil {
		return nil, false
	}
	out := []string{}
	for d.PeekKind() != ']' {
		s, ok := scalar()
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	if _, err := d.ReadToken(); err != nil {
		return nil, false
	}
	return slices.Clip(out), true
}
