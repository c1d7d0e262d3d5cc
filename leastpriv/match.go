package leastpriv

import "strings"

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

// MatchResource reports whether an IAM Resource pattern may match a
// resource ARN, as IAM matches them, resolving every doubt towards a match
// (the reading of an Allow): "*" matches everything; an ARN pattern matches
// segment by segment, globs allowed in any segment, a `*` in the resource
// segment spanning `/` and `:`; partition, service and region compare
// case-insensitively; a policy variable (`${aws:username}`) matches
// anything in its segment; a pattern with fewer than six segments is
// padded with `*` segments, as AWS pads it, and also matched as a
// whole-string glob. See resPat for the reading of a Deny.
func MatchResource(pattern, resource string) bool {
	rp := compileResource(pattern, matchPossible)
	return rp.match(resource)
}

// matchMode says how a Resource pattern is read where AWS's evaluation is
// uncertain or depends on the request context.
type matchMode uint8

const (
	// matchPossible reads the pattern as everything it may match (an
	// Allow's Resource, a Deny's NotResource): policy variables are
	// wildcards for their segment, short ARNs are padded with `*`,
	// partition, service and region compare case-insensitively.
	matchPossible matchMode = iota
	// matchCertain reads the pattern as what it certainly matches (a
	// Deny's Resource, an Allow's NotResource): a pattern with a policy
	// variable, fewer than six segments or no "arn:" prefix certainly
	// matches nothing, and segments compare case-sensitively.
	matchCertain
)

// resPat is a Resource pattern compiled for one matchMode. Evaluate and
// AllowedDynamoDB match through it and nothing else, so that they agree.
type resPat struct {
	star bool // matches every resource
	none bool // matches nothing (matchCertain: the meaning is uncertain)
	arn  bool // segs holds partition, service, region, account, resource
	// short: fewer than six segments (matchPossible): padded in segs, and
	// also matched as a whole-string glob.
	short bool
	fold  bool // partition, service and region compare case-insensitively
	segs  [5]string
	whole string // the pattern, for whole-string glob matching
	// padded is whole with the segments a short ARN lacks added as `*`
	// (whole when it is not short).
	padded string
}

// replacePolicyVariables replaces each `${...}` by `*`. With iamOnly, only
// the variables IAM substitutes are replaced: a key with a colon
// (`${aws:username}`, `${aws:PrincipalTag/team}`, `${saml:sub}`) and the
// escapes `${*}`, `${?}`, `${$}`. The plan reader writes values unknown
// until apply as keys without a colon (`${region}`, `${account}` in
// "arn:aws:dynamodb:${region}:${account}:table/carts", one table whose
// ARN is not known yet): those name one value, not a pattern, and with
// iamOnly become the literal "v".
func replacePolicyVariables(s string, iamOnly bool) string {
	if !strings.Contains(s, "${") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		key := s[i+2 : i+j]
		b.WriteString(s[:i])
		if !iamOnly || strings.Contains(key, ":") || key == "*" || key == "?" || key == "$" {
			b.WriteByte('*')
		} else {
			b.WriteByte('v') // one value, for resourceHasWildcard
		}
		s = s[i+j+1:]
	}
	b.WriteString(s)
	return b.String()
}

// compileResource compiles a Resource (or NotResource) pattern.
func compileResource(p string, mode matchMode) resPat {
	if mode == matchCertain && strings.Contains(p, "${") {
		return resPat{none: true}
	}
	s := p
	if mode == matchPossible {
		s = replacePolicyVariables(s, false)
	}
	if isStar(s) {
		return resPat{star: true}
	}
	rp := resPat{whole: s, padded: s, fold: mode == matchPossible}
	isARN := strings.HasPrefix(s, "arn:") || (mode == matchPossible && len(s) >= 4 && strings.EqualFold(s[:4], "arn:"))
	if !isARN {
		if mode == matchCertain {
			return resPat{none: true}
		}
		return rp
	}
	parts := strings.SplitN(s, ":", 6)
	if len(parts) < 6 {
		if mode == matchCertain {
			return resPat{none: true}
		}
		rp.short = true
		for len(parts) < 6 {
			parts = append(parts, "*")
		}
	}
	rp.arn = true
	copy(rp.segs[:], parts[1:])
	rp.padded = strings.Join(parts, ":")
	if rp.fold {
		for k := 0; k < 3; k++ {
			rp.segs[k] = strings.ToLower(rp.segs[k])
		}
	}
	return rp
}

// match reports whether the pattern matches a concrete resource.
func (rp *resPat) match(resource string) bool {
	switch {
	case rp.star:
		return true
	case rp.none:
		return false
	}
	if rp.arn {
		if r, ok := splitARN(resource); ok {
			all := true
			for k := range rp.segs {
				seg := r[k]
				if rp.fold && k < 3 {
					seg = strings.ToLower(seg)
				}
				if !globMatch(rp.segs[k], seg, false) {
					all = false
					break
				}
			}
			if all {
				return true
			}
			if !rp.short {
				return false
			}
		}
	}
	return globMatch(rp.whole, resource, rp.fold)
}

// splitARN splits a concrete ARN into its five matchable segments.
func splitARN(s string) ([5]string, bool) {
	var out [5]string
	if !strings.HasPrefix(s, "arn:") {
		return out, false
	}
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 {
		return out, false
	}
	copy(out[:], parts[1:])
	return out, true
}

// intersects reports whether some concrete resource may match both
// patterns (both compiled with matchPossible).
func (rp *resPat) intersects(o *resPat) bool {
	if rp.none || o.none {
		return false
	}
	if rp.star || o.star {
		return true
	}
	if rp.arn && o.arn {
		all := true
		for k := range rp.segs {
			if !globsIntersect(rp.segs[k], o.segs[k], false) {
				all = false
				break
			}
		}
		if all {
			return true
		}
		if !rp.short && !o.short {
			return false
		}
	}
	// A short ARN read as one glob, or padded and compared with a
	// pattern that is not an ARN.
	return globsIntersect(rp.whole, o.whole, true) || globsIntersect(rp.padded, o.padded, true) ||
		globsIntersect(rp.whole, o.padded, true) || globsIntersect(rp.padded, o.whole, true)
}

// covers reports (conservatively) whether every resource that pattern p
// (matchPossible) may match is certainly matched by rp (matchCertain).
func (rp *resPat) covers(p *resPat) bool {
	switch {
	case rp.none:
		return false
	case rp.star:
		return true
	case p.star || p.none:
		return p.none
	}
	if !rp.arn || !p.arn || p.short {
		return false
	}
	for k := range rp.segs {
		if !globCovers(rp.segs[k], p.segs[k], false) {
			return false
		}
	}
	return true
}

// resourcePatternsIntersect reports whether some concrete ARN may match
// both resource patterns.
func resourcePatternsIntersect(a, b string) bool {
	pa, pb := compileResource(a, matchPossible), compileResource(b, matchPossible)
	return pa.intersects(&pb)
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

// MatchesResource reports whether the statement may apply to resource,
// honouring NotResource (the statement applies to every resource not
// listed): a Resource pattern counts when it may match (MatchResource), a
// NotResource pattern excludes the resource only when it certainly matches
// it. A statement with neither Resource nor NotResource (a trust policy
// statement) applies to every resource.
func (s *Statement) MatchesResource(resource string) bool {
	return s.appliesTo(resource, matchPossible)
}

// appliesTo reports whether the statement may (matchPossible) or
// certainly (matchCertain) apply to resource.
func (s *Statement) appliesTo(resource string, mode matchMode) bool {
	if s.NotResource != nil {
		other := matchCertain
		if mode == matchCertain {
			other = matchPossible
		}
		for _, p := range s.NotResource {
			rp := compileResource(p, other)
			if rp.match(resource) {
				return false
			}
		}
		return true
	}
	if s.Resource == nil {
		return true
	}
	for _, p := range s.Resource {
		rp := compileResource(p, mode)
		if rp.match(resource) {
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
// guaranteed denial. Where AWS's reading of a Resource pattern is
// uncertain or depends on the request (policy variables, short ARNs, case
// in partition, service and region), an Allow counts as possible and a
// Deny as not certain (see MatchResource). Principals are ignored
// (identity policies have none). AllowedDynamoDB matches resources the
// same way (resPat), so the two agree.
func Evaluate(policies []*Policy, action, resource string) Decision {
	allow, condAllow, condDeny := false, false, false
	for _, p := range policies {
		if p == nil {
			continue
		}
		for i := range p.Statements {
			st := &p.Statements[i]
			if !st.MatchesAction(action) || !st.appliesTo(resource, matchPossible) {
				continue
			}
			certain := !st.HasCondition() && st.appliesTo(resource, matchCertain)
			switch {
			case st.Effect == EffectDeny && certain:
				return DecisionExplicitDeny
			case st.Effect == EffectDeny:
				condDeny = true
			case certain:
				allow = true
			default:
				condAllow = true
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
