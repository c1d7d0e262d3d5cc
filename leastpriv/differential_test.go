package leastpriv

// The differential harness: a seeded generator of adversarial identity
// policies, checked against a reference oracle written from the IAM
// documentation (policy evaluation logic; IAM JSON policy elements:
// Action, NotAction, Resource, NotResource; policy variables), not from
// this package's matcher. The oracle is small and slow: regular
// expressions compiled from each pattern, concrete (action, resource)
// pairs enumerated one by one.
//
// Soundness (must hold, the test fails otherwise): every pair the oracle
// says may be allowed is
//   - covered by a grant of AllowedDynamoDB (same action; its Resource
//     pattern matches the resource, or it is a NotResource grant), and
//   - not denied by Evaluate (allow or conditional_allow).
//
// The reverse direction (excess: a grant or an allow the oracle denies)
// is allowed where the checker is deliberately conservative, and only
// counted (see doc.go, "Approximations"): a Deny removes a grant only when
// it covers every resource of the grant's pattern, per action.
//
// Reading of uncertain cases, from the documentation, as the checker must
// resolve them (possible for an Allow, not certain for a Deny):
//   - policy variables (${aws:username}) take request values: for an
//     Allow they may match anything, a Deny that uses one is not certain;
//   - a Resource ARN with fewer than six segments is padded with `*`
//     segments by AWS; it may also be read as one glob over the ARN, so
//     for an Allow either reading counts, a Deny with one is not certain;
//   - partition, service and region compare case-insensitively for an
//     Allow, case-sensitively for a Deny;
//   - a Condition makes an Allow possible, and a Deny not certain.

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"sync"
	"testing"
)

var differentialPolicies = flag.Int("differential.policies", 100, "number of generated policies TestDifferential checks")

// oracleRegexps caches compiled patterns: the oracle is slow, not silly.
var oracleRegexps sync.Map // "flags|pattern" → *regexp.Regexp

// oracleGlob compiles an IAM glob (`*` any run of characters, `?` one
// character, everything else literal) into an anchored regular expression.
func oracleGlob(pattern string, fold bool) *regexp.Regexp {
	key := fmt.Sprint(fold, "|", pattern)
	if re, ok := oracleRegexps.Load(key); ok {
		return re.(*regexp.Regexp) //nolint:forcetypeassert // only *regexp.Regexp is stored
	}
	var b strings.Builder
	if fold {
		b.WriteString("(?i)")
	}
	b.WriteString("^")
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString("(?s:.*)")
		case '?':
			b.WriteString("(?s:.)")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	re := regexp.MustCompile(b.String())
	oracleRegexps.Store(key, re)
	return re
}

var oracleVariable = regexp.MustCompile(`\$\{[^}]*\}`)

// oracleMayMatch: may the Resource pattern match the ARN for some request?
func oracleMayMatch(pattern, arn string) bool {
	p := oracleVariable.ReplaceAllString(pattern, "*")
	if strings.Trim(p, "*") == "" {
		return true
	}
	if len(p) >= 4 && strings.EqualFold(p[:4], "arn:") {
		ps := strings.SplitN(p, ":", 6)
		short := len(ps) < 6
		for len(ps) < 6 {
			ps = append(ps, "*")
		}
		rs := strings.SplitN(arn, ":", 6)
		if len(rs) == 6 && rs[0] == "arn" {
			ok := true
			for k := 1; k < 6; k++ {
				if !oracleGlob(ps[k], k <= 3).MatchString(rs[k]) {
					ok = false
				}
			}
			if ok {
				return true
			}
		}
		if !short {
			return false
		}
	}
	return oracleGlob(p, true).MatchString(arn)
}

// oracleSurelyMatches: does the Resource pattern match the ARN whatever the
// request?
func oracleSurelyMatches(pattern, arn string) bool {
	if strings.Contains(pattern, "${") {
		return false
	}
	if strings.Trim(pattern, "*") == "" {
		return true
	}
	if !strings.HasPrefix(pattern, "arn:") {
		return false
	}
	ps := strings.SplitN(pattern, ":", 6)
	rs := strings.SplitN(arn, ":", 6)
	if len(ps) < 6 || len(rs) < 6 {
		return false
	}
	for k := 1; k < 6; k++ {
		if !oracleGlob(ps[k], false).MatchString(rs[k]) {
			return false
		}
	}
	return true
}

func oracleActionMatch(st *Statement, action string) bool {
	if st.NotAction != nil {
		for _, p := range st.NotAction {
			if oracleGlob(p, true).MatchString(action) {
				return false
			}
		}
		return true
	}
	for _, p := range st.Action {
		if oracleGlob(p, true).MatchString(action) {
			return true
		}
	}
	return false
}

// oracleApplies: may (surely=false) or does surely (surely=true) the
// statement apply to the resource?
func oracleApplies(st *Statement, arn string, surely bool) bool {
	if st.NotResource != nil {
		for _, p := range st.NotResource {
			excluded := oracleSurelyMatches(p, arn)
			if surely {
				excluded = oracleMayMatch(p, arn)
			}
			if excluded {
				return false
			}
		}
		return true
	}
	for _, p := range st.Resource {
		m := oracleMayMatch(p, arn)
		if surely {
			m = oracleSurelyMatches(p, arn)
		}
		if m {
			return true
		}
	}
	return false
}

// oracleMayAllow: the documented evaluation, from a reviewer's side: an
// explicit Deny that surely applies (no Condition) wins; else the request
// may be allowed when some Allow may apply.
func oracleMayAllow(policies []*Policy, action, arn string) bool {
	allow := false
	for _, p := range policies {
		for i := range p.Statements {
			st := &p.Statements[i]
			if !oracleActionMatch(st, action) {
				continue
			}
			if st.Effect == EffectDeny {
				if len(st.Condition) == 0 && oracleApplies(st, arn, true) {
					return false
				}
				continue
			}
			if oracleApplies(st, arn, false) {
				allow = true
			}
		}
	}
	return allow
}

// oracleResources are the concrete resources the oracle asks about, by
// DynamoDB resource type, in several partitions, regions and accounts.
func oracleResources() map[string][]string {
	out := map[string][]string{}
	for _, part := range []string{"aws", "aws-cn", "aws-us-gov"} {
		for _, region := range []string{"us-east-1", "eu-west-1", "cn-north-1"} {
			for _, acct := range []string{"111122223333", "444455556666"} {
				base := "arn:" + part + ":dynamodb:" + region + ":" + acct + ":"
				for _, t := range []string{"orders", "carts"} {
					out["table"] = append(out["table"], base+"table/"+t)
					out["index"] = append(out["index"], base+"table/"+t+"/index/byDate")
					out["stream"] = append(out["stream"], base+"table/"+t+"/stream/2024-01-01T00:00:00.000")
					out["backup"] = append(out["backup"], base+"table/"+t+"/backup/01700000000000-abcdefgh")
					out["export"] = append(out["export"], base+"table/"+t+"/export/01700000000000-abcdefgh")
					out["import"] = append(out["import"], base+"table/"+t+"/import/01700000000000-abcdefgh")
				}
			}
			_ = region
		}
		for _, acct := range []string{"111122223333", "444455556666"} {
			out["global-table"] = append(out["global-table"], "arn:"+part+":dynamodb::"+acct+":global-table/orders")
		}
	}
	return out
}

// diffResult counts one differential run.
type diffResult struct {
	policies, pairs, allowed int
	missedGrant, missedEval  []string // soundness failures
	excessGrant, excessEval  int      // conservative answers
}

// differential checks one set of policies against the oracle.
func differential(policies []*Policy, res map[string][]string, out *diffResult) {
	grants := AllowedDynamoDB(policies)
	byAction := map[string][]Grant{}
	for _, g := range grants {
		byAction[strings.ToLower(g.Action)] = append(byAction[strings.ToLower(g.Action)], g)
	}
	doc := func() string {
		var docs []string
		for _, p := range policies {
			j, _ := p.JSON()
			docs = append(docs, strings.Join(strings.Fields(j), " "))
		}
		return strings.Join(docs, " + ")
	}
	out.policies++
	for _, a := range dynamodbActions {
		var arns []string
		if a.WildcardResourceOnly {
			arns = []string{"*"}
		}
		for _, t := range a.ResourceTypes {
			arns = append(arns, res[t]...)
		}
		for _, arn := range arns {
			out.pairs++
			may := oracleMayAllow(policies, a.Name, arn)
			covered := false
			for _, g := range byAction[strings.ToLower(a.Name)] {
				if g.NotResource || oracleMayMatch(g.Resource, arn) {
					covered = true
					break
				}
			}
			d := Evaluate(policies, a.Name, arn)
			evalAllows := d == DecisionAllow || d == DecisionConditionalAllow
			if may {
				out.allowed++
				if !covered && len(out.missedGrant) < 20 {
					out.missedGrant = append(out.missedGrant, fmt.Sprintf("%s on %s: AllowedDynamoDB has no grant\n  policies %s", a.Name, arn, doc()))
				}
				if !evalAllows && len(out.missedEval) < 20 {
					out.missedEval = append(out.missedEval, fmt.Sprintf("%s on %s: Evaluate says %s\n  policies %s", a.Name, arn, d, doc()))
				}
				continue
			}
			if covered {
				out.excessGrant++
			}
			if evalAllows {
				out.excessEval++
			}
		}
	}
}

// policyGen generates adversarial policies from a seed.
type policyGen struct{ r *rand.Rand }

func (g policyGen) pick(s []string) string { return s[g.r.IntN(len(s))] }

var genActionPatterns = []string{
	"dynamodb:GetItem", "DynamoDB:getitem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan",
	"dynamodb:ListStreams", "dynamodb:GetRecords", "dynamodb:RestoreTableFromBackup", "dynamodb:ExportTableToPointInTime",
	"dynamodb:*", "*", "dynamodb:Get*", "dynamodb:*Item", "dynamodb:?etItem", "DYNAMODB:BATCH*", "dynamo*", "dynamodb:*Table*",
	"s3:*", "iam:PassRole", "dynamodb:Describe*", "*:GetItem", "dynamodb:Update?tem",
}

// resource builds a Resource pattern: a real-looking ARN with some
// segments replaced by globs, variables, other cases or partitions, or cut
// short; or "*".
func (g policyGen) resource() string {
	if g.r.IntN(10) == 0 {
		return g.pick([]string{"*", "**", "arn:*", "arn:aws:dynamodb:*", "*:table/orders", "arn:aws:s3:::bucket/*"})
	}
	seg := []string{
		g.pick([]string{"aws", "aws", "aws-cn", "aws-us-gov", "AWS", "aws*", "*", "a?s"}),
		g.pick([]string{"dynamodb", "dynamodb", "DynamoDB", "dynamo*", "*", "s3"}),
		g.pick([]string{"us-east-1", "eu-west-1", "US-EAST-1", "us-*", "*", "", "${aws:RequestedRegion}", "cn-north-?"}),
		g.pick([]string{"111122223333", "111122223333", "444455556666", "*", "1111?2223333", "${aws:PrincipalAccount}"}),
		g.pick([]string{
			"table/orders", "table/orders", "table/carts", "table/*", "table/orders*", "table/order?", "table/orders/*",
			"table/orders/index/*", "table/orders/stream/*", "table/*/index/*", "global-table/*", "global-table/orders",
			"table/${aws:PrincipalTag/team}", "table/orders/backup/*", "*", "table/Orders", "table/orders/export/*",
		}),
	}
	s := "arn:" + strings.Join(seg, ":")
	if g.r.IntN(8) == 0 {
		// Short: drop one to three trailing segments.
		parts := strings.Split(s, ":")
		parts = parts[:6-1-g.r.IntN(3)]
		s = strings.Join(parts, ":")
	}
	return s
}

func (g policyGen) list(n int, f func() string) []string {
	out := make([]string, 0, n)
	for range n {
		out = append(out, f())
	}
	return out
}

func (g policyGen) policy() *Policy {
	p := &Policy{Version: PolicyVersion}
	for range 1 + g.r.IntN(4) {
		st := Statement{Effect: EffectAllow}
		if g.r.IntN(10) < 4 {
			st.Effect = EffectDeny
		}
		acts := g.list(1+g.r.IntN(3), func() string { return g.pick(genActionPatterns) })
		if g.r.IntN(7) == 0 {
			st.NotAction = acts
		} else {
			st.Action = acts
		}
		res := g.list(1+g.r.IntN(3), g.resource)
		if g.r.IntN(7) == 0 {
			st.NotResource = res
		} else {
			st.Resource = res
		}
		if g.r.IntN(6) == 0 {
			st.Condition = map[string]map[string][]string{"StringEquals": {"aws:PrincipalTag/team": {"orders"}}}
		}
		p.Statements = append(p.Statements, st)
	}
	return p
}

// TestDifferential runs the generator against the oracle. It fails on any
// pair the oracle may allow that AllowedDynamoDB or Evaluate misses, and
// logs the counts (go test -run TestDifferential -v
// -differential.policies=2000 for a longer run).
func TestDifferential(t *testing.T) {
	t.Parallel()
	res := oracleResources()
	var out diffResult
	g := policyGen{r: rand.New(rand.NewPCG(9, 2026))}
	for range *differentialPolicies {
		policies := []*Policy{g.policy()}
		if g.r.IntN(3) == 0 {
			policies = append(policies, g.policy())
		}
		differential(policies, res, &out)
	}
	t.Logf("%d policy sets, %d action/resource pairs, %d may be allowed; missed by AllowedDynamoDB %d, by Evaluate %d; conservative excess: grants %d, Evaluate %d",
		out.policies, out.pairs, out.allowed, len(out.missedGrant), len(out.missedEval), out.excessGrant, out.excessEval)
	for _, m := range append(out.missedGrant, out.missedEval...) {
		t.Error(m)
	}
	if out.allowed == 0 || out.allowed == out.pairs {
		t.Fatalf("the generator does not exercise both answers: %d of %d pairs allowed", out.allowed, out.pairs)
	}
}

// TestDifferentialIssueCases are the classes the issue found missed.
func TestDifferentialIssueCases(t *testing.T) {
	t.Parallel()
	res := oracleResources()
	for _, doc := range []string{
		`{"Statement":{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:us-east-1:111122223333:table/${aws:PrincipalTag/team}"}}`,
		`{"Statement":[{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"},{"Effect":"Deny","Action":"dynamodb:*","Resource":"arn:aws-cn:dynamodb:*:*:table/*"}]}`,
		`{"Statement":{"Effect":"Allow","Action":"dynamodb:GetItem","NotResource":"arn:aws-cn:dynamodb:*:*:table/*"}}`,
		`{"Statement":{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:us-east-1"}}`,
		`{"Statement":{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"arn:AWS:DynamoDB:US-EAST-1:111122223333:table/orders"}}`,
		// Found by the 2,000-policy run: a padded short ARN against a
		// Deny's NotResource that is not an ARN.
		`{"Statement":[{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"arn:aws-cn:DynamoDB"},{"Effect":"Deny","Action":"*:GetItem","NotResource":"*:table/orders"}]}`,
	} {
		var out diffResult
		differential([]*Policy{MustParsePolicy(doc)}, res, &out)
		if out.allowed == 0 {
			t.Errorf("%s: the oracle allows nothing", doc)
		}
		for _, m := range append(out.missedGrant, out.missedEval...) {
			t.Error(m)
		}
	}
}

// FuzzDifferential pits AllowedDynamoDB and Evaluate against the oracle on
// any policy document. The seed corpus (generated policies and the issue's
// cases) runs in go test.
func FuzzDifferential(f *testing.F) {
	g := policyGen{r: rand.New(rand.NewPCG(1, 9))}
	for range 16 {
		doc, err := g.policy().JSON()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(doc)
	}
	f.Add(`{"Statement":{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:${aws:RequestedRegion}:111122223333:table/orders"}}`)
	f.Add(`{"Statement":[{"Effect":"Allow","NotAction":"s3:*","NotResource":"arn:aws:dynamodb:*:*:table/carts"},{"Effect":"Deny","Action":"dynamodb:Get*","Resource":"arn:aws:dynamodb:us-*"}]}`)
	res := oracleResources()
	f.Fuzz(func(t *testing.T, doc string) {
		p, err := ParsePolicy(doc)
		if err != nil {
			return
		}
		var out diffResult
		differential([]*Policy{p}, res, &out)
		for _, m := range append(out.missedGrant, out.missedEval...) {
			t.Error(m)
		}
	})
}
