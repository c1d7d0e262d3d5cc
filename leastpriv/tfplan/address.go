package tfplan

import (
	"strconv"
	"strings"
)

// planAddrStep is one step of a Terraform address or reference:
// an identifier optionally followed by an index ([0] or ["key"]).
type planAddrStep struct {
	Name     string
	Index    any // nil, float64 (count) or string (for_each)
	HasIndex bool
}

// planParseAddress splits a Terraform address or reference such as
// `module.a["x"].aws_iam_role.this[0].arn` into steps. It is lenient:
// anything it cannot parse ends the address.
func planParseAddress(s string) []planAddrStep {
	var steps []planAddrStep
	for len(s) > 0 {
		i := strings.IndexAny(s, ".[")
		name := s
		if i >= 0 {
			name = s[:i]
			s = s[i:]
		} else {
			s = ""
		}
		st := planAddrStep{Name: name}
		if strings.HasPrefix(s, "[") {
			idx, rest, ok := planParseIndex(s)
			if !ok {
				steps = append(steps, st)
				return steps
			}
			st.Index, st.HasIndex = idx, true
			s = rest
		}
		steps = append(steps, st)
		s = strings.TrimPrefix(s, ".")
	}
	return steps
}

// planParseIndex parses a leading [0] or ["key"] from s.
func planParseIndex(s string) (any, string, bool) {
	if len(s) < 3 || s[0] != '[' {
		return nil, s, false
	}
	if s[1] == '"' {
		// Find the closing quote, honouring escapes.
		for j := 2; j < len(s); j++ {
			switch s[j] {
			case '\\':
				j++
			case '"':
				key, err := strconv.Unquote(s[1 : j+1])
				if err != nil || j+1 >= len(s) || s[j+1] != ']' {
					return nil, s, false
				}
				return key, s[j+2:], true
			}
		}
		return nil, s, false
	}
	end := strings.IndexByte(s, ']')
	if end < 0 {
		return nil, s, false
	}
	n, err := strconv.Atoi(s[1:end])
	if err != nil {
		// count.index, each.key and other expressions in an index.
		return nil, s[end+1:], false
	}
	return float64(n), s[end+1:], true
}

// planFormatIndex renders an instance key as Terraform does.
func planFormatIndex(idx any) string {
	switch k := idx.(type) {
	case nil:
		return ""
	case float64:
		return "[" + strconv.FormatInt(int64(k), 10) + "]"
	case int:
		return "[" + strconv.Itoa(k) + "]"
	case string:
		return "[" + strconv.Quote(k) + "]"
	}
	return ""
}

// planModuleOfAddress returns the module instance part of a resource address
// ("" for the root module).
func planModuleOfAddress(addr string) string {
	steps := planParseAddress(addr)
	var b strings.Builder
	for i := 0; i+1 < len(steps) && steps[i].Name == "module"; i += 2 {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString("module.")
		b.WriteString(steps[i+1].Name)
		if steps[i+1].HasIndex {
			b.WriteString(planFormatIndex(steps[i+1].Index))
		}
	}
	return b.String()
}

// planModuleCallPath returns the module call names of a module instance
// address, without instance keys: `module.a[0].module.b` is [a b].
func planModuleCallPath(module string) []string {
	if module == "" {
		return nil
	}
	steps := planParseAddress(module)
	var names []string
	for i := 0; i+1 < len(steps) && steps[i].Name == "module"; i += 2 {
		names = append(names, steps[i+1].Name)
	}
	return names
}

// planParentModule splits a module instance address into its parent and its
// last step: `module.a.module.b["x"]` is `module.a`, b, "x".
func planParentModule(module string) (parent, name string, key any) {
	steps := planParseAddress(module)
	n := len(steps)
	if n < 2 {
		return "", "", nil
	}
	last := steps[n-1]
	var b strings.Builder
	for i := 0; i+1 < n-2; i += 2 {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString("module.")
		b.WriteString(steps[i+1].Name)
		if steps[i+1].HasIndex {
			b.WriteString(planFormatIndex(steps[i+1].Index))
		}
	}
	return b.String(), last.Name, last.Index
}

// planJoinAddress prefixes a resource address with its module instance.
func planJoinAddress(module, addr string) string {
	if module == "" {
		return addr
	}
	return module + "." + addr
}
