package awsemu

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"unicode"
)

// DynamoDB expressions: condition/filter/key-condition expressions, update
// expressions and projection expressions, with ExpressionAttributeNames
// (#n) and ExpressionAttributeValues (:v). Supported: comparisons (= <> < <=
// > >=), BETWEEN, IN, AND, OR, NOT, parentheses, attribute_exists,
// attribute_not_exists, attribute_type, begins_with, contains, size; SET
// (with + and -, if_not_exists, list_append), REMOVE, ADD, DELETE. Paths are
// names, #placeholders, map members (a.b) and list elements (a[0]).

type exprTok struct {
	kind string // "name", "value", "num", "op", "(", ")", ",", "[", "]", "."
	text string
}

type exprCtx struct {
	names  map[string]string
	values map[string]*av
	used   map[string]bool // placeholders used (DynamoDB rejects unused ones)
}

func tokenize(s string) ([]exprTok, error) {
	var out []exprTok
	for i := 0; i < len(s); {
		ch := rune(s[i])
		switch {
		case unicode.IsSpace(ch):
			i++
		case strings.ContainsRune("(),[].+-", ch):
			out = append(out, exprTok{kind: string(ch), text: string(ch)})
			i++
		case ch == '=':
			out = append(out, exprTok{"op", "="})
			i++
		case ch == '<' || ch == '>':
			op := string(ch)
			if i+1 < len(s) && (s[i+1] == '=' || (ch == '<' && s[i+1] == '>')) {
				op += string(s[i+1])
			}
			out = append(out, exprTok{"op", op})
			i += len(op)
		case ch == ':' || ch == '#' || ch == '_' || unicode.IsLetter(ch) || unicode.IsDigit(ch):
			j := i + 1
			for j < len(s) && (s[j] == '_' || unicode.IsLetter(rune(s[j])) || unicode.IsDigit(rune(s[j]))) {
				j++
			}
			w := s[i:j]
			kind := "name"
			if ch == ':' {
				kind = "value"
			} else if unicode.IsDigit(ch) {
				kind = "num"
			}
			out = append(out, exprTok{kind, w})
			i = j
		default:
			return nil, fmt.Errorf("Invalid expression: Syntax error; token: \"%c\", near: \"%s\"", ch, s[i:min(len(s), i+10)])
		}
	}
	return out, nil
}

type exprParser struct {
	toks []exprTok
	pos  int
	ctx  *exprCtx
	src  string
}

func (p *exprParser) peek() exprTok {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return exprTok{kind: "eof"}
}

func (p *exprParser) next() exprTok { t := p.peek(); p.pos++; return t }

func (p *exprParser) isWord(w string) bool {
	t := p.peek()
	return t.kind == "name" && strings.EqualFold(t.text, w)
}

func (p *exprParser) expect(kind string) error {
	if t := p.next(); t.kind != kind {
		return p.syntax(t)
	}
	return nil
}

func (p *exprParser) syntax(t exprTok) error {
	if t.kind == "eof" {
		return fmt.Errorf("Invalid %s: Syntax error; token: <EOF>, near: %q", p.src, "")
	}
	return fmt.Errorf("Invalid %s: Syntax error; token: %q", p.src, t.text)
}

// pathElem is a map member name or a list index (-1 for names).
type pathElem struct {
	name  string
	index int
}

type exprPath []pathElem

func (ep exprPath) String() string {
	var b strings.Builder
	for i, e := range ep {
		if e.index >= 0 {
			fmt.Fprintf(&b, "[%d]", e.index)
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(e.name)
	}
	return b.String()
}

func (p *exprParser) name(t exprTok) (string, error) {
	if strings.HasPrefix(t.text, "#") {
		n, ok := p.ctx.names[t.text]
		if !ok {
			return "", fmt.Errorf("Value provided in ExpressionAttributeNames unused in expressions: keys: {%s}", t.text)
		}
		p.ctx.used[t.text] = true
		return n, nil
	}
	return t.text, nil
}

func (p *exprParser) path() (exprPath, error) {
	t := p.next()
	if t.kind != "name" {
		return nil, p.syntax(t)
	}
	n, err := p.name(t)
	if err != nil {
		return nil, err
	}
	out := exprPath{{name: n, index: -1}}
	for {
		switch p.peek().kind {
		case ".":
			p.next()
			t := p.next()
			if t.kind != "name" {
				return nil, p.syntax(t)
			}
			n, err := p.name(t)
			if err != nil {
				return nil, err
			}
			out = append(out, pathElem{name: n, index: -1})
		case "[":
			p.next()
			t := p.next()
			i, err := strconv.Atoi(t.text)
			if t.kind != "num" || err != nil {
				return nil, p.syntax(t)
			}
			if err := p.expect("]"); err != nil {
				return nil, err
			}
			out = append(out, pathElem{index: i})
		default:
			return out, nil
		}
	}
}

// operand: a value placeholder, a path, or size(path); evaluated against an item.
type operand func(it item) *av

func (p *exprParser) operand() (operand, error) {
	t := p.peek()
	switch {
	case t.kind == "value":
		p.next()
		v, ok := p.ctx.values[t.text]
		if !ok {
			return nil, fmt.Errorf("Invalid %s: An expression attribute value used in expression is not defined; attribute value: %s", p.src, t.text)
		}
		p.ctx.used[t.text] = true
		return func(item) *av { return v }, nil
	case t.kind == "name" && strings.EqualFold(t.text, "size") && p.pos+1 < len(p.toks) && p.toks[p.pos+1].kind == "(":
		p.pos += 2
		path, err := p.path()
		if err != nil {
			return nil, err
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		return func(it item) *av {
			v := getPath(it, path)
			n := -1
			switch v.typ() {
			case "S":
				n = len(*v.S)
			case "B":
				n = len(v.B)
			case "M":
				n = len(*v.M)
			case "L":
				n = len(*v.L)
			case "SS", "NS", "BS":
				n = len(setMembers(v))
			}
			if n < 0 {
				return nil
			}
			s := strconv.Itoa(n)
			return &av{N: &s}
		}, nil
	case t.kind == "name":
		path, err := p.path()
		if err != nil {
			return nil, err
		}
		return func(it item) *av { return getPath(it, path) }, nil
	}
	return nil, p.syntax(t)
}

// cond is a compiled condition.
type cond func(it item) bool

func (p *exprParser) condition() (cond, error) {
	left, err := p.conjunction()
	if err != nil {
		return nil, err
	}
	for p.isWord("OR") {
		p.next()
		right, err := p.conjunction()
		if err != nil {
			return nil, err
		}
		l := left
		left = func(it item) bool { return l(it) || right(it) }
	}
	return left, nil
}

func (p *exprParser) conjunction() (cond, error) {
	left, err := p.negation()
	if err != nil {
		return nil, err
	}
	for p.isWord("AND") {
		p.next()
		right, err := p.negation()
		if err != nil {
			return nil, err
		}
		l := left
		left = func(it item) bool { return l(it) && right(it) }
	}
	return left, nil
}

func (p *exprParser) negation() (cond, error) {
	if p.isWord("NOT") {
		p.next()
		c, err := p.negation()
		if err != nil {
			return nil, err
		}
		return func(it item) bool { return !c(it) }, nil
	}
	return p.primary()
}

func (p *exprParser) primary() (cond, error) {
	t := p.peek()
	if t.kind == "(" {
		p.next()
		c, err := p.condition()
		if err != nil {
			return nil, err
		}
		return c, p.expect(")")
	}
	if t.kind == "name" && p.pos+1 < len(p.toks) && p.toks[p.pos+1].kind == "(" && !strings.EqualFold(t.text, "size") {
		fn := strings.ToLower(t.text)
		p.pos += 2
		switch fn {
		case "attribute_exists", "attribute_not_exists":
			path, err := p.path()
			if err != nil {
				return nil, err
			}
			if err := p.expect(")"); err != nil {
				return nil, err
			}
			want := fn == "attribute_exists"
			return func(it item) bool { return (getPath(it, path) != nil) == want }, nil
		case "attribute_type", "begins_with", "contains":
			path, err := p.path()
			if err != nil {
				return nil, err
			}
			if err := p.expect(","); err != nil {
				return nil, err
			}
			arg, err := p.operand()
			if err != nil {
				return nil, err
			}
			if err := p.expect(")"); err != nil {
				return nil, err
			}
			return func(it item) bool {
				v, a := getPath(it, path), arg(it)
				if v == nil || a == nil {
					return false
				}
				switch fn {
				case "attribute_type":
					return a.S != nil && v.typ() == *a.S
				case "begins_with":
					if v.S != nil && a.S != nil {
						return strings.HasPrefix(*v.S, *a.S)
					}
					return v.B != nil && a.B != nil && strings.HasPrefix(string(v.B), string(a.B))
				default: // contains
					if v.S != nil && a.S != nil {
						return strings.Contains(*v.S, *a.S)
					}
					members := setMembers(v)
					if v.L != nil {
						members = *v.L
					}
					for _, m := range members {
						if equalAV(m, a) {
							return true
						}
					}
					return false
				}
			}, nil
		}
		return nil, fmt.Errorf("Invalid %s: Invalid function name; function: %s", p.src, t.text)
	}
	left, err := p.operand()
	if err != nil {
		return nil, err
	}
	switch {
	case p.isWord("BETWEEN"):
		p.next()
		lo, err := p.operand()
		if err != nil {
			return nil, err
		}
		if !p.isWord("AND") {
			return nil, p.syntax(p.peek())
		}
		p.next()
		hi, err := p.operand()
		if err != nil {
			return nil, err
		}
		return func(it item) bool {
			v := left(it)
			a, ok1 := compareAV(v, lo(it))
			b, ok2 := compareAV(v, hi(it))
			return ok1 && ok2 && a >= 0 && b <= 0
		}, nil
	case p.isWord("IN"):
		p.next()
		if err := p.expect("("); err != nil {
			return nil, err
		}
		var list []operand
		for {
			o, err := p.operand()
			if err != nil {
				return nil, err
			}
			list = append(list, o)
			if p.peek().kind != "," {
				break
			}
			p.next()
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		return func(it item) bool {
			v := left(it)
			for _, o := range list {
				if equalAV(v, o(it)) {
					return true
				}
			}
			return false
		}, nil
	}
	op := p.next()
	if op.kind != "op" {
		return nil, p.syntax(op)
	}
	right, err := p.operand()
	if err != nil {
		return nil, err
	}
	return func(it item) bool {
		x, y := left(it), right(it)
		switch op.text {
		case "=":
			return equalAV(x, y)
		case "<>":
			return x != nil && y != nil && !equalAV(x, y)
		}
		c, ok := compareAV(x, y)
		if !ok {
			return false
		}
		switch op.text {
		case "<":
			return c < 0
		case "<=":
			return c <= 0
		case ">":
			return c > 0
		default:
			return c >= 0
		}
	}, nil
}

func parseCondition(src, kind string, ctx *exprCtx) (cond, error) {
	toks, err := tokenize(src)
	if err != nil {
		return nil, err
	}
	p := &exprParser{toks: toks, ctx: ctx, src: kind}
	if len(toks) == 0 {
		return nil, fmt.Errorf("Invalid %s: The expression can not be empty;", kind)
	}
	c, err := p.condition()
	if err != nil {
		return nil, err
	}
	if p.peek().kind != "eof" {
		return nil, p.syntax(p.peek())
	}
	return c, nil
}

// getPath reads a path from an item; nil when absent.
func getPath(it item, path exprPath) *av {
	v := it[path[0].name]
	for _, e := range path[1:] {
		if v == nil {
			return nil
		}
		if e.index >= 0 {
			if v.L == nil || e.index >= len(*v.L) {
				return nil
			}
			v = (*v.L)[e.index]
			continue
		}
		if v.M == nil {
			return nil
		}
		v = (*v.M)[e.name]
	}
	return v
}

// setPath writes (or with v == nil removes) a path; the parent must exist.
func setPath(it item, path exprPath, v *av) error {
	if len(path) == 1 {
		if v == nil {
			delete(it, path[0].name)
		} else {
			it[path[0].name] = v
		}
		return nil
	}
	parent := getPath(it, path[:len(path)-1])
	last := path[len(path)-1]
	switch {
	case parent == nil:
		return fmt.Errorf("The document path provided in the update expression is invalid for update")
	case last.index >= 0 && parent.L != nil:
		l := *parent.L
		switch {
		case v == nil && last.index < len(l):
			l = append(l[:last.index], l[last.index+1:]...)
		case v == nil:
		case last.index < len(l):
			l[last.index] = v
		default:
			l = append(l, v)
		}
		*parent.L = l
	case last.index < 0 && parent.M != nil:
		if v == nil {
			delete(*parent.M, last.name)
		} else {
			(*parent.M)[last.name] = v
		}
	default:
		return fmt.Errorf("The document path provided in the update expression is invalid for update")
	}
	return nil
}

// parseProjection compiles a ProjectionExpression.
func parseProjection(src string, ctx *exprCtx) ([]exprPath, error) {
	toks, err := tokenize(src)
	if err != nil {
		return nil, err
	}
	p := &exprParser{toks: toks, ctx: ctx, src: "ProjectionExpression"}
	var out []exprPath
	for {
		path, err := p.path()
		if err != nil {
			return nil, err
		}
		out = append(out, path)
		t := p.next()
		if t.kind == "eof" {
			return out, nil
		}
		if t.kind != "," {
			return nil, p.syntax(t)
		}
	}
}

// project keeps the projected paths of an item (list elements keep their
// order, compacted, as DynamoDB returns them).
func project(it item, paths []exprPath) item {
	if paths == nil {
		return it
	}
	out := item{}
	for _, path := range paths {
		v := getPath(it, path)
		if v == nil {
			continue
		}
		cur := out
		var curAV *av
		for i, e := range path[:len(path)-1] {
			_ = i
			var next *av
			if curAV == nil {
				next = cur[e.name]
				if next == nil {
					m := map[string]*av{}
					next = &av{M: &m}
					if path[i+1].index >= 0 {
						l := []*av{}
						next = &av{L: &l}
					}
					cur[e.name] = next
				}
			} else if curAV.M != nil {
				next = (*curAV.M)[e.name]
				if next == nil {
					m := map[string]*av{}
					next = &av{M: &m}
					if path[i+1].index >= 0 {
						l := []*av{}
						next = &av{L: &l}
					}
					(*curAV.M)[e.name] = next
				}
			} else {
				// list element inside a projected list: append a container
				m := map[string]*av{}
				next = &av{M: &m}
				*curAV.L = append(*curAV.L, next)
			}
			curAV = next
		}
		last := path[len(path)-1]
		switch {
		case curAV == nil:
			out[last.name] = v.clone()
		case curAV.M != nil:
			(*curAV.M)[last.name] = v.clone()
		case curAV.L != nil:
			*curAV.L = append(*curAV.L, v.clone())
		}
	}
	return out
}

// update is a compiled UpdateExpression.
type update func(it item) error

func parseUpdate(src string, ctx *exprCtx) (update, error) {
	toks, err := tokenize(src)
	if err != nil {
		return nil, err
	}
	p := &exprParser{toks: toks, ctx: ctx, src: "UpdateExpression"}
	var steps []update
	seen := map[string]bool{}
	for p.peek().kind != "eof" {
		clause := strings.ToUpper(p.next().text)
		if seen[clause] {
			return nil, fmt.Errorf("Invalid UpdateExpression: The \"%s\" section can only be used once in an update expression;", clause)
		}
		seen[clause] = true
		for {
			path, err := p.path()
			if err != nil {
				return nil, err
			}
			switch clause {
			case "SET":
				if t := p.next(); t.kind != "op" || t.text != "=" {
					return nil, p.syntax(t)
				}
				val, err := p.setValue()
				if err != nil {
					return nil, err
				}
				steps = append(steps, func(it item) error {
					v, err := val(it)
					if err != nil {
						return err
					}
					return setPath(it, path, v.clone())
				})
			case "REMOVE":
				steps = append(steps, func(it item) error { return setPath(it, path, nil) })
			case "ADD", "DELETE":
				o, err := p.operand()
				if err != nil {
					return nil, err
				}
				add := clause == "ADD"
				steps = append(steps, func(it item) error {
					cur, arg := getPath(it, path), o(it)
					res, err := addOrDelete(cur, arg, add)
					if err != nil {
						return err
					}
					return setPath(it, path, res)
				})
			default:
				return nil, p.syntax(exprTok{text: clause})
			}
			if p.peek().kind != "," {
				break
			}
			p.next()
		}
	}
	if len(steps) == 0 {
		return nil, fmt.Errorf("Invalid UpdateExpression: The expression can not be empty;")
	}
	return func(it item) error {
		for _, s := range steps {
			if err := s(it); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

type valueFn func(it item) (*av, error)

func (p *exprParser) setValue() (valueFn, error) {
	left, err := p.setOperand()
	if err != nil {
		return nil, err
	}
	if k := p.peek().kind; k == "+" || k == "-" {
		p.next()
		right, err := p.setOperand()
		if err != nil {
			return nil, err
		}
		return func(it item) (*av, error) {
			a, err := left(it)
			if err != nil {
				return nil, err
			}
			b, err := right(it)
			if err != nil {
				return nil, err
			}
			if a == nil || b == nil || a.N == nil || b.N == nil {
				return nil, fmt.Errorf("An operand in the update expression has an incorrect data type")
			}
			x, _ := parseNum(*a.N)
			y, _ := parseNum(*b.N)
			r := new(big.Rat)
			if k == "+" {
				r.Add(x, y)
			} else {
				r.Sub(x, y)
			}
			s := ratText(r)
			return &av{N: &s}, nil
		}, nil
	}
	return left, nil
}

func ratText(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	return strings.TrimRight(strings.TrimRight(r.FloatString(38), "0"), ".")
}

func (p *exprParser) setOperand() (valueFn, error) {
	t := p.peek()
	if t.kind == "name" && p.pos+1 < len(p.toks) && p.toks[p.pos+1].kind == "(" {
		fn := strings.ToLower(t.text)
		if fn == "if_not_exists" || fn == "list_append" {
			p.pos += 2
			var a valueFn
			if fn == "if_not_exists" {
				path, err := p.path()
				if err != nil {
					return nil, err
				}
				a = func(it item) (*av, error) { return getPath(it, path), nil }
			} else {
				var err error
				if a, err = p.setOperand(); err != nil {
					return nil, err
				}
			}
			if err := p.expect(","); err != nil {
				return nil, err
			}
			b, err := p.setOperand()
			if err != nil {
				return nil, err
			}
			if err := p.expect(")"); err != nil {
				return nil, err
			}
			return func(it item) (*av, error) {
				x, err := a(it)
				if err != nil {
					return nil, err
				}
				y, err := b(it)
				if err != nil {
					return nil, err
				}
				if fn == "if_not_exists" {
					if x != nil {
						return x, nil
					}
					return y, nil
				}
				if x == nil || y == nil || x.L == nil || y.L == nil {
					return nil, fmt.Errorf("An operand in the update expression has an incorrect data type")
				}
				l := append(append([]*av{}, *x.L...), *y.L...)
				return &av{L: &l}, nil
			}, nil
		}
	}
	o, err := p.operand()
	if err != nil {
		return nil, err
	}
	return func(it item) (*av, error) {
		v := o(it)
		if v == nil {
			return nil, fmt.Errorf("The provided expression refers to an attribute that does not exist in the item")
		}
		return v, nil
	}, nil
}

func addOrDelete(cur, arg *av, add bool) (*av, error) {
	if arg == nil {
		return nil, fmt.Errorf("An operand in the update expression has an incorrect data type")
	}
	if add && arg.N != nil {
		if cur == nil {
			return arg.clone(), nil
		}
		if cur.N == nil {
			return nil, fmt.Errorf("An operand in the update expression has an incorrect data type")
		}
		x, _ := parseNum(*cur.N)
		y, _ := parseNum(*arg.N)
		s := ratText(new(big.Rat).Add(x, y))
		return &av{N: &s}, nil
	}
	if arg.typ() != "SS" && arg.typ() != "NS" && arg.typ() != "BS" {
		return nil, fmt.Errorf("Invalid UpdateExpression: Incorrect operand type for operator or function; operator: %s, operand type: %s", map[bool]string{true: "ADD", false: "DELETE"}[add], arg.typ())
	}
	if cur == nil {
		if add {
			return arg.clone(), nil
		}
		return nil, nil
	}
	if cur.typ() != arg.typ() {
		return nil, fmt.Errorf("An operand in the update expression has an incorrect data type")
	}
	have := map[string]*av{}
	var order []string
	for _, m := range setMembers(cur) {
		have[m.keyString()] = m
		order = append(order, m.keyString())
	}
	for _, m := range setMembers(arg) {
		k := m.keyString()
		if add {
			if _, ok := have[k]; !ok {
				have[k] = m
				order = append(order, k)
			}
		} else {
			delete(have, k)
		}
	}
	out := &av{}
	for _, k := range order {
		m, ok := have[k]
		if !ok {
			continue
		}
		delete(have, k)
		switch {
		case m.S != nil:
			out.SS = append(out.SS, *m.S)
		case m.N != nil:
			out.NS = append(out.NS, *m.N)
		default:
			out.BS = append(out.BS, m.B)
		}
	}
	if out.typ() == "" {
		return nil, nil // an empty set is removed
	}
	return out, nil
}
