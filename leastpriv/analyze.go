package leastpriv

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Grant is one DynamoDB action that a set of identity policies may allow on
// the resources matched by a Resource pattern.
type Grant struct {
	Action string      // catalogue name, for example "dynamodb:GetItem"
	Class  ActionClass // the action's class
	// Resource is the Resource pattern as written in the statement ("*",
	// "arn:aws:dynamodb:*:*:table/*"...), or "NotResource: P1, P2" when the
	// statement uses NotResource.
	Resource string
	// Conditional is true when the granting statement has a Condition (the
	// grant counts as possible), or when a Deny with a Condition could
	// remove it.
	Conditional bool
	// Via says how the statement reaches the action, for example
	// `statement 2 (Sid "All"): Action "dynamodb:*"` or
	// `statement 1: NotAction "s3:*"`.
	Via string
	// Policy is the index of the granting policy in the slice passed to
	// AllowedDynamoDB; Statement the 1-based position of the statement.
	Policy    int
	Statement int
	// ActionPattern is the Action pattern that matched (empty for
	// NotAction); ActionWildcard is true when it holds a glob or the
	// statement uses NotAction.
	ActionPattern  string
	ActionWildcard bool
	// ResourceWildcard is true when the Resource pattern has a glob in the
	// partition, region, account or table name, or the statement uses
	// NotResource.
	ResourceWildcard bool
	NotAction        bool
	NotResource      bool
}

// AllowedDynamoDB answers "which DynamoDB actions do these identity
// policies allow, on which resources?", seeing through every wildcard:
// `dynamodb:*`, `DynamoDB:Get*`, `dynamodb:?etItem`, `*`, NotAction, Resource
// patterns with globs in any segment, and NotResource. An Allow with a
// Condition counts (Conditional is set). A grant is dropped only when a Deny
// without a Condition covers the action on every resource the grant's
// pattern can match; a Deny with a Condition marks the grant Conditional.
//
// Grants are sorted by policy, statement, action and resource. Nil policies
// are skipped.
func AllowedDynamoDB(policies []*Policy) []Grant {
	loadCatalogue()
	// Grants are collected in a reused buffer, then copied out at their
	// final size.
	bp := grantBufs.Get().(*[]Grant) //nolint:forcetypeassert // only *[]Grant is stored
	grants := (*bp)[:0]
	used := 0
	defer func() {
		// Drop the references the buffer holds, keep its memory.
		clear(grants[:used])
		*bp = grants[:0]
		grantBufs.Put(bp)
	}()
	for pi, p := range policies {
		if p == nil {
			continue
		}
		for si := range p.Statements {
			st := &p.Statements[si]
			if st.Effect != EffectAllow {
				continue
			}
			grants = appendStatementGrants(grants, st, pi, si+1)
		}
	}
	used = len(grants)
	if len(grants) == 0 {
		return nil
	}
	// Apply Deny statements.
	var denies []*Statement
	for _, p := range policies {
		if p == nil {
			continue
		}
		for si := range p.Statements {
			if p.Statements[si].Effect == EffectDeny {
				denies = append(denies, &p.Statements[si])
			}
		}
	}
	if len(denies) > 0 {
		kept := grants[:0]
		for _, g := range grants {
			removed := false
			for _, d := range denies {
				if !d.MatchesAction(g.Action) || !denyCovers(d, g, "") {
					continue
				}
				if d.HasCondition() {
					g.Conditional = true
					continue
				}
				removed = true
				break
			}
			if !removed {
				kept = append(kept, g)
			}
		}
		grants = kept
	}
	sort.SliceStable(grants, func(i, j int) bool {
		a, b := grants[i], grants[j]
		if a.Policy != b.Policy {
			return a.Policy < b.Policy
		}
		if a.Statement != b.Statement {
			return a.Statement < b.Statement
		}
		if a.Action != b.Action {
			return a.Action < b.Action
		}
		return a.Resource < b.Resource
	})
	return append(make([]Grant, 0, len(grants)), grants...)
}

var grantBufs = sync.Pool{New: func() any { return new([]Grant) }}

// mayTouchDynamoDB is a fast pre-check: can any Action pattern of the
// statement match a DynamoDB action?
func mayTouchDynamoDB(st *Statement) bool {
	if st.NotAction != nil {
		return true
	}
	for _, p := range st.Action {
		if globsIntersect(p, "dynamodb:*", true) {
			return true
		}
	}
	return false
}

// resourcePattern is a Resource pattern parsed once per statement.
type resourcePattern struct {
	raw  string
	star bool
	wild bool // resourceHasWildcard(raw)
	// types has bit k set when the pattern can match a resource of
	// DynamoDB resource type k (resourceTypePatterns).
	types uint64
}

func parseResourcePattern(r string) resourcePattern {
	rp := resourcePattern{raw: r, wild: resourceHasWildcard(r)}
	c := compileResource(r, matchPossible)
	if c.star {
		rp.star = true
		return rp
	}
	for k := range resourceTypeTemplates {
		if c.arn && arnTemplateIntersect(ARN{Partition: c.segs[0], Service: c.segs[1], Region: c.segs[2], Account: c.segs[3], Resource: c.segs[4]}, resourceTypeTemplates[k]) {
			rp.types |= 1 << k
			continue
		}
		if (!c.arn || c.short) && globsIntersect(c.whole, resourceTypePatterns[k], true) {
			rp.types |= 1 << k
		}
	}
	return rp
}

// appendStatementGrants appends the grants of Allow statement st (the n-th
// of policy) to out.
func appendStatementGrants(out []Grant, st *Statement, policy, n int) []Grant {
	if !mayTouchDynamoDB(st) {
		return out
	}
	var matchBuf [16]actionMatch
	matches := statementActionMatches(matchBuf[:0], st)
	if len(matches) == 0 {
		return out
	}
	label := st.Label(n)
	cond := st.HasCondition()
	var resBuf [4]resourcePattern
	resources := resBuf[:0]
	for _, r := range st.Resource {
		resources = append(resources, parseResourcePattern(r))
	}
	var notResource string
	if st.NotResource != nil {
		notResource = "NotResource: " + strings.Join(st.NotResource, ", ")
	}
	notActionVia := ""
	if st.NotAction != nil {
		notActionVia = fmt.Sprintf("%s: NotAction %s", label, quoteList(st.NotAction))
	}
	// The Via text of each Action pattern, built once.
	var viaBuf [4]struct{ pattern, via string }
	vias := viaBuf[:0]
	viaOf := func(pattern string) string {
		for _, v := range vias {
			if v.pattern == pattern {
				return v.via
			}
		}
		via := label + ": Action " + strconv.Quote(pattern)
		vias = append(vias, struct{ pattern, via string }{pattern, via})
		return via
	}
	for _, m := range matches {
		i := m.index
		a := &dynamodbActions[i]
		g := Grant{
			Action:      a.Name,
			Class:       a.Class,
			Conditional: cond,
			Policy:      policy,
			Statement:   n,
			NotAction:   st.NotAction != nil,
		}
		if st.NotAction != nil {
			g.Via = notActionVia
			g.ActionWildcard = true
		} else {
			g.Via = viaOf(m.pattern)
			g.ActionPattern = m.pattern
			g.ActionWildcard = hasGlob(m.pattern)
		}
		if st.NotResource != nil {
			if notResourceExcludesAll(st.NotResource, i) {
				continue
			}
			g.Resource = notResource
			g.ResourceWildcard = true
			g.NotResource = true
			out = append(out, g)
			continue
		}
		for _, r := range resources {
			if !resourceReachesAction(r, i) {
				continue
			}
			g.Resource = r.raw
			g.ResourceWildcard = r.wild
			out = append(out, g)
		}
	}
	return out
}

// actionMatch is a catalogue action (by index) a statement allows, with
// the first Action pattern naming it (none for NotAction).
type actionMatch struct {
	index   int
	pattern string
}

// statementActionMatches appends to dst the catalogue actions st's Action
// (or NotAction) allows, in catalogue order. When every Action pattern is a
// literal ASCII name (no glob), the names are looked up instead of matching
// each pattern against the whole catalogue.
func statementActionMatches(dst []actionMatch, st *Statement) []actionMatch {
	literal := st.NotAction == nil
	for _, p := range st.Action {
		if !literal {
			break
		}
		if hasGlob(p) {
			literal = false
			break
		}
		for k := 0; k < len(p); k++ {
			if p[k] >= 0x80 {
				literal = false
				break
			}
		}
	}
	if !literal {
		for i := range dynamodbActions {
			if pattern, ok := matchingActionPattern(st, dynamodbActions[i].Name); ok {
				dst = append(dst, actionMatch{index: i, pattern: pattern})
			}
		}
		return dst
	}
	start := len(dst)
	for _, p := range st.Action {
		i, ok := catalogueByLower[strings.ToLower(p)]
		if !ok || slices.ContainsFunc(dst[start:], func(m actionMatch) bool { return m.index == i }) {
			continue
		}
		dst = append(dst, actionMatch{index: i, pattern: p})
	}
	slices.SortFunc(dst[start:], func(a, b actionMatch) int { return a.index - b.index })
	return dst
}

func matchingActionPattern(st *Statement, action string) (string, bool) {
	if st.NotAction != nil {
		return "", st.MatchesAction(action)
	}
	for _, p := range st.Action {
		if MatchAction(p, action) {
			return p, true
		}
	}
	return "", false
}

// resourceReachesAction reports whether Resource pattern r can match a
// resource that catalogue action i accepts.
func resourceReachesAction(r resourcePattern, i int) bool {
	if r.star {
		return true
	}
	if dynamodbActions[i].WildcardResourceOnly {
		return false
	}
	return r.types&actionResourceMask[i] != 0
}

// notResourceExcludesAll reports whether NotResource patterns certainly
// exclude every resource catalogue action i accepts, in every partition.
func notResourceExcludesAll(nr []string, i int) bool {
	for _, p := range nr {
		if isStar(p) {
			return true
		}
	}
	if dynamodbActions[i].WildcardResourceOnly {
		return false
	}
	for _, tp := range actionResourcePatterns[i] {
		t := compileResource(tp, matchPossible)
		covered := false
		for _, p := range nr {
			x := compileResource(p, matchCertain)
			if x.covers(&t) {
				covered = true
				break
			}
		}
		if !covered {
			return false
		}
	}
	return true
}

// denyCovers reports whether Deny statement d certainly applies to every
// resource grant g may reach. Patterns are read as resPat reads them: the
// grant's as everything it may match, the Deny's Resource as what it
// certainly matches, the Deny's NotResource as everything it may match.
//
// partition is the partition of the role the policies belong to, when
// known: the grant then only reaches resources in it. Empty means any
// partition.
func denyCovers(d *Statement, g Grant, partition string) bool {
	var gp resPat
	if !g.NotResource {
		gp = compileResource(g.Resource, matchPossible)
	}
	if d.NotResource != nil {
		if g.NotResource {
			return false
		}
		for _, y := range d.NotResource {
			yp := compileResource(y, matchPossible)
			if yp.intersects(&gp) {
				return false
			}
		}
		return true
	}
	for _, x := range d.Resource {
		xp := compileResource(x, matchCertain)
		if xp.star {
			return true
		}
		if !g.NotResource && xp.covers(&gp) {
			return true
		}
	}
	return denyCoversResourceTypes(d.Resource, g, &gp, partition)
}

// denyCoversResourceTypes reports whether Deny Resource patterns cover
// every resource that grant g's action accepts and g's pattern can reach:
// an Allow of dynamodb:GetItem on "arn:aws:dynamodb:*:*:*" is denied by a
// Deny on arn:aws:dynamodb:*:*:table/*, because GetItem only ever acts on
// tables. The resource type's template takes the grant's literal
// partition, region and account; where the grant's segment is a glob (or
// the grant is "*" or NotResource) the Deny must cover every value: a Deny
// in partition aws removes nothing from a grant on "*", which also reaches
// aws-cn and aws-us-gov tables, unless partition (the role's) is given.
// An action that only accepts Resource "*"
// is only covered by "*".
func denyCoversResourceTypes(deny []string, g Grant, gp *resPat, partition string) bool {
	loadCatalogue()
	i, ok := catalogueByLower[strings.ToLower(g.Action)]
	if !ok || dynamodbActions[i].WildcardResourceOnly || len(actionResourcePatterns[i]) == 0 {
		return false
	}
	for _, tp := range actionResourcePatterns[i] {
		t := compileResource(tp, matchPossible)
		if partition != "" {
			t.segs[0] = partition
		}
		if !g.NotResource {
			if !gp.intersects(&t) {
				continue
			}
			if gp.arn && !gp.short {
				for k := 0; k < 4; k++ {
					if !hasGlob(gp.segs[k]) && t.segs[k] == "*" {
						t.segs[k] = gp.segs[k]
					}
				}
			}
		}
		covered := false
		for _, x := range deny {
			xp := compileResource(x, matchCertain)
			if xp.covers(&t) {
				covered = true
				break
			}
		}
		if !covered {
			return false
		}
	}
	return true
}

// resourceHasWildcard reports whether a Resource pattern is "*", has a glob
// or a policy variable in partition, service, region or account, or in the
// table name (the first path element after "table/" or "global-table/"),
// or has fewer than six segments (AWS pads it with wildcards).
func resourceHasWildcard(r string) bool {
	c := compileResource(replacePolicyVariables(r, true), matchPossible)
	if c.star {
		return true
	}
	if !c.arn || c.short {
		return true
	}
	for k := 0; k < 4; k++ {
		if hasGlob(c.segs[k]) {
			return true
		}
	}
	res := c.segs[4]
	if i := strings.IndexByte(res, '/'); i >= 0 {
		name := res[i+1:]
		if j := strings.IndexByte(name, '/'); j >= 0 {
			name = name[:j]
		}
		return hasGlob(res[:i]) || hasGlob(name)
	}
	return hasGlob(res)
}

func quoteList(l []string) string {
	if len(l) == 1 {
		return fmt.Sprintf("%q", l[0])
	}
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
