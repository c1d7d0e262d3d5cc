package leastpriv

// IAM matching, written by hand so that no regular expression is compiled
// per match: the checker matches every statement of every policy of a plan
// against the DynamoDB catalogue.

// lower folds an ASCII letter to lower case.
func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// globMatch reports whether s matches pattern, where `*` matches any
// sequence (including `/` and `:`) and `?` any single byte. With fold,
// ASCII letters compare case-insensitively. It runs in O(len(s)*len(pattern))
// time in the worst case and allocates nothing.
func globMatch(pattern, s string, fold bool) bool {
	p, i := 0, 0
	starP, starI := -1, 0
	for i < len(s) {
		if p < len(pattern) {
			c := pattern[p]
			switch {
			case c == '*':
				starP, starI = p, i
				p++
				continue
			case c == '?' || c == s[i] || (fold && lower(c) == lower(s[i])):
				p++
				i++
				continue
			}
		}
		if starP < 0 {
			return false
		}
		starI++
		p, i = starP+1, starI
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// globsIntersect reports whether some string matches both glob patterns a
// and b.
func globsIntersect(a, b string, fold bool) bool {
	if !hasGlob(a) {
		return globMatch(b, a, fold)
	}
	if !hasGlob(b) {
		return globMatch(a, b, fold)
	}
	if a == "*" || b == "*" {
		// Every pattern matches some string, and "*" matches it.
		return true
	}
	w := len(b) + 1
	var small [512]bool
	var seen []bool
	if n := (len(a) + 1) * w; n <= len(small) {
		seen = small[:n]
	} else {
		seen = make([]bool, n)
	}
	var rec func(i, j int) bool
	rec = func(i, j int) bool {
		if seen[i*w+j] {
			return false
		}
		seen[i*w+j] = true
		if i == len(a) && j == len(b) {
			return true
		}
		if i < len(a) && a[i] == '*' {
			if rec(i+1, j) || (j < len(b) && rec(i, j+1)) {
				return true
			}
			return false
		}
		if j < len(b) && b[j] == '*' {
			return rec(i, j+1) || (i < len(a) && rec(i+1, j))
		}
		if i < len(a) && j < len(b) {
			ca, cb := a[i], b[j]
			if ca == '?' || cb == '?' || ca == cb || (fold && lower(ca) == lower(cb)) {
				return rec(i+1, j+1)
			}
		}
		return false
	}
	return rec(0, 0)
}

// Template variables in resource type ARN templates (see
// resourceTypeTemplates): templateOne stands for one byte, templateMore for
// any number of bytes, neither '/' nor ':' (a table, index or stream name,
// a region, an account).
const (
	templateOne  = "\x01"
	templateMore = "\x00"
)

// templateIntersect reports whether some string matches both the IAM glob
// pattern a (`*` any sequence, `?` any byte) and template t, whose bytes
// are literal except templateOne and templateMore.
func templateIntersect(a, t string) bool {
	if !hasGlob(a) {
		// Most Resource patterns name one table: no search needed.
		return templateMatchLiteral(a, t)
	}
	var small [2048]bool // resource segments of up to ~45 bytes
	s := templateSearch{a: a, t: t, w: len(t) + 1}
	if n := (len(a) + 1) * s.w; n <= len(small) {
		s.seen = small[:n]
	} else {
		s.seen = make([]bool, n)
	}
	return s.rec(0, 0)
}

// templateSearch is templateIntersect's search over (position in a,
// position in t), each pair visited once. A method rather than a closure,
// so that it and its small table stay on the stack.
type templateSearch struct {
	a, t string
	w    int
	seen []bool
}

func (s *templateSearch) rec(i, j int) bool {
	a, t := s.a, s.t
	if s.seen[i*s.w+j] {
		return false
	}
	s.seen[i*s.w+j] = true
	if i == len(a) && j == len(t) {
		return true
	}
	// Empty moves: a's `*` matches nothing more, t's templateMore matches
	// nothing more.
	if i < len(a) && a[i] == '*' && s.rec(i+1, j) {
		return true
	}
	if j < len(t) && t[j] == templateMore[0] && s.rec(i, j+1) {
		return true
	}
	if i == len(a) || j == len(t) {
		return false
	}
	// One byte matched by both.
	ca, ct := a[i], t[j]
	ni, nj := i+1, j+1
	if ca == '*' {
		ni = i
	}
	if ct == templateMore[0] {
		nj = j
	}
	switch {
	case ct == templateOne[0] || ct == templateMore[0]:
		// Any byte but '/' and ':': a glob can supply one, a literal must
		// not be a separator.
		if ca != '*' && ca != '?' && (ca == '/' || ca == ':') {
			return false
		}
	case ca != '*' && ca != '?' && ca != ct:
		return false
	}
	return s.rec(ni, nj)
}

// templateMatchLiteral is templateIntersect for a literal s (no glob): s
// matches t byte by byte, templateOne taking one byte and templateMore any
// number of bytes, neither '/' nor ':'. templateMore never crosses a
// separator, so trying its lengths costs at most one segment each.
func templateMatchLiteral(s, t string) bool {
	for len(t) > 0 {
		switch t[0] {
		case templateMore[0]:
			for i := 0; ; i++ {
				if templateMatchLiteral(s[i:], t[1:]) {
					return true
				}
				if i == len(s) || s[i] == '/' || s[i] == ':' {
					return false
				}
			}
		case templateOne[0]:
			if len(s) == 0 || s[0] == '/' || s[0] == ':' {
				return false
			}
		default:
			if len(s) == 0 || s[0] != t[0] {
				return false
			}
		}
		s, t = s[1:], t[1:]
	}
	return len(s) == 0
}

// arnTemplateIntersect reports whether some concrete ARN matches both the
// Resource pattern a and the resource type template t, segment by segment.
func arnTemplateIntersect(a, t ARN) bool {
	return templateIntersect(a.Service, t.Service) &&
		templateIntersect(a.Resource, t.Resource) &&
		templateIntersect(a.Partition, t.Partition) &&
		templateIntersect(a.Region, t.Region) &&
		templateIntersect(a.Account, t.Account)
}

// globCovers reports whether every string matching p also matches x. It is
// conservative: it may answer false for some x that do cover p, never true
// for one that does not. p's `*` can only be covered by a `*` of x, and p's
// `?` by a `?` or `*` of x.
func globCovers(x, p string, fold bool) bool { //nolint:unparam // fold mirrors globMatch; resource coverage is case-sensitive today
	if !hasGlob(p) {
		return globMatch(x, p, fold)
	}
	w := len(p) + 1
	seen := make([]bool, (len(x)+1)*w)
	var rec func(i, j int) bool
	rec = func(i, j int) bool {
		if seen[i*w+j] {
			return false
		}
		seen[i*w+j] = true
		if i == len(x) {
			return j == len(p)
		}
		if x[i] == '*' {
			return rec(i+1, j) || (j < len(p) && rec(i, j+1))
		}
		if j == len(p) || p[j] == '*' {
			return false
		}
		if x[i] == '?' {
			return rec(i+1, j+1)
		}
		if p[j] == '?' {
			return false
		}
		if x[i] == p[j] || (fold && lower(x[i]) == lower(p[j])) {
			return rec(i+1, j+1)
		}
		return false
	}
	return rec(0, 0)
}

// MatchAction reports whether an IAM action pattern (for example
// "DynamoDB:Get*", "dynamodb:?etItem" or "*") matches action, as IAM
// matches them: case-insensitively, `*` for any sequence and `?` for any
// single character.
func MatchAction(pattern, action string) bool {
	return globMatch(pattern, action, true)
}

// MatchResource reports whether an IAM Resource pattern matches a resource
// ARN, as IAM matches them: case-sensitively; "*" matches everything; an ARN
// pattern matches segment by segment, globs allowed in any segment, a `*`
// in the resource segment spanning `/` and `:`. A pattern with fewer than
// six segments is matched as a whole-string glob.
func MatchResource(pattern, resource string) bool {
	if pattern == "*" {
		return true
	}
	pa, err1 := ParseARN(pattern)
	ra, err2 := ParseARN(resource)
	if err1 != nil || err2 != nil {
		return globMatch(pattern, resource, false)
	}
	ps, rs := pa.segments(), ra.segments()
	for k := range ps {
		if !globMatch(ps[k], rs[k], false) {
			return false
		}
	}
	return true
}

// resourcePatternsIntersect reports whether some concrete ARN matches both
// resource patterns.
func resourcePatternsIntersect(a, b string) bool {
	if isStar(a) || isStar(b) {
		return true
	}
	pa, err1 := ParseARN(a)
	pb, err2 := ParseARN(b)
	if err1 != nil || err2 != nil {
		return globsIntersect(a, b, false)
	}
	sa, sb := pa.segments(), pb.segments()
	for k := range sa {
		if !globsIntersect(sa[k], sb[k], false) {
			return false
		}
	}
	return true
}

// resourcePatternCovers reports (conservatively) whether every ARN matching
// pattern p also matches pattern x.
func resourcePatternCovers(x, p string) bool {
	if isStar(x) {
		return true
	}
	if isStar(p) {
		return false
	}
	px, err1 := ParseARN(x)
	pp, err2 := ParseARN(p)
	if err1 != nil || err2 != nil {
		return globCovers(x, p, false)
	}
	sx, sp := px.segments(), pp.segments()
	for k := range sx {
		if !globCovers(sx[k], sp[k], false) {
			return false
		}
	}
	return true
}

// isStar reports whether s consists only of `*` (matches everything).
func isStar(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '*' {
			return false
		}
	}
	return true
}

// MatchesAction reports whether the statement applies to action, honouring
// NotAction (the statement applies to every action not listed).
func (s *Statement) MatchesAction(action string) bool {
	if s.NotAction != nil {
		for _, p := range s.NotAction {
			if MatchAction(p, action) {
				return false
			}
		}
		return true
	}
	for _, p := range s.Action {
		if MatchAction(p, action) {
			return true
		}
	}
	return false
}

// MatchesResource reports whether the statement applies to resource,
// honouring NotResource. A statement with neither Resource nor NotResource
// (a trust policy statement) applies to every resource.
func (s *Statement) MatchesResource(resource string) bool {
	if s.NotResource != nil {
		for _, p := range s.NotResource {
			if MatchResource(p, resource) {
				return false
			}
		}
		return true
	}
	if s.Resource == nil {
		return true
	}
	for _, p := range s.Resource {
		if MatchResource(p, resource) {
			return true
		}
	}
	return false
}

// Decision is the outcome of evaluating identity policies for one request.
type Decision string

// Decisions, from the point of view of a reviewer who cannot evaluate
// conditions.
const (
	// DecisionAllow: an Allow without conditions applies and no Deny could.
	DecisionAllow Decision = "allow"
	// DecisionConditionalAllow: the request may be allowed: the only
	// applicable Allows have conditions, or a Deny with conditions
	// could apply.
	DecisionConditionalAllow Decision = "conditional_allow"
	// DecisionExplicitDeny: a Deny without conditions applies. Explicit
	// denial wins over every Allow.
	DecisionExplicitDeny Decision = "explicit_deny"
	// DecisionImplicitDeny: no Allow applies.
	DecisionImplicitDeny Decision = "implicit_deny"
)

// Evaluate decides whether identity policies allow action on resource, as
// IAM evaluates them: an explicit Deny wins; an Allow with a condition
// still counts as a possible grant; a Deny with a condition is not a
// guaranteed denial. Principals are ignored (identity policies have none).
func Evaluate(policies []*Policy, action, resource string) Decision {
	allow, condAllow, condDeny := false, false, false
	for _, p := range policies {
		if p == nil {
			continue
		}
		for i := range p.Statements {
			st := &p.Statements[i]
			if !st.MatchesAction(action) || !st.MatchesResource(resource) {
				continue
			}
			switch {
			case st.Effect == EffectDeny && !st.HasCondition():
				return DecisionExplicitDeny
			case st.Effect == EffectDeny:
				condDeny = true
			case st.HasCondition():
				condAllow = true
			default:
				allow = true
			}
		}
	}
	switch {
	case allow && !condDeny:
		return DecisionAllow
	case allow || condAllow:
		return DecisionConditionalAllow
	default:
		return DecisionImplicitDeny
	}
}
