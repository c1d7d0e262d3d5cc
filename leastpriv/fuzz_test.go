package leastpriv

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// policySeeds are policy documents for FuzzParsePolicy: those of
// TestParsePolicyFastMatchesSlow, every policy document (a JSON string
// holding an object with a Statement) in the scenario plans under
// tfplan/testdata, and every 25th AWS managed policy.
func policySeeds(tb testing.TB) []string {
	seeds := slices.Clone(policyFastDocs)
	seen := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			if strings.HasPrefix(strings.TrimSpace(v), "{") && strings.Contains(v, "Statement") && !seen[v] {
				seen[v] = true
				seeds = append(seeds, v)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	paths, err := filepath.Glob(filepath.Join("tfplan", "testdata", "plans", "*", "plan*.json"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no scenario plans: %v", err)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			tb.Fatal(err)
		}
		walk(v)
	}
	cat := managedCatalogue()
	if cat.err != nil {
		tb.Fatal(cat.err)
	}
	arns := slices.Sorted(maps.Keys(cat.byARN))
	for i := 0; i < len(arns); i += 25 {
		doc, err := cat.document(cat.byARN[arns[i]])
		if err != nil {
			tb.Fatal(err)
		}
		seeds = append(seeds, string(doc))
	}
	return seeds
}

// FuzzParsePolicy compares ParsePolicy's fast path with its reference
// path (parsePolicySlow): what the fast path accepts, the reference
// accepts with an equal Policy, and ParsePolicy's result and error are the
// reference's. ParsePolicy never panics; whatever it accepts has a
// canonical JSON form that parses again to the same canonical form, and
// the analysis and rules run on it without panicking.
func FuzzParsePolicy(f *testing.F) {
	for _, s := range policySeeds(f) {
		f.Add(s)
	}
	for _, s := range []string{
		ec2Trust, podsTrust,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"}}`,
		`{"Statement":[{"Sid":"A","Effect":"Deny","NotAction":["s3:*"],"NotResource":"arn:aws:s3:::b","Condition":{"Bool":{"aws:SecureTransport":false}}}]}`,
		`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}`,
		`{"Statement":[]}`,
		`{"Statement":[{"Sid":"ReadCarts","Effect":"Allow","Action":5}]}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		want, werr := parsePolicySlow(doc)
		if fast, ok := parsePolicyFast(doc); ok {
			if werr != nil {
				t.Fatalf("fast path accepted a document the reference rejects: %v", werr)
			}
			if !reflect.DeepEqual(fast, want) {
				t.Fatalf("fast path: %#v\nreference: %#v", fast, want)
			}
		}
		p, err := ParsePolicy(doc)
		if (err == nil) != (werr == nil) || err != nil && err.Error() != werr.Error() || !reflect.DeepEqual(p, want) {
			t.Fatalf("ParsePolicy = %v, %v; reference %v, %v", p, err, want, werr)
		}
		if err != nil {
			return
		}
		canon, err := p.JSON()
		if err != nil {
			t.Fatalf("JSON: %v", err)
		}
		again, err := ParsePolicy(canon)
		if err != nil {
			t.Fatalf("canonical form does not parse: %v\n%s", err, canon)
		}
		canon2, _ := again.JSON()
		if canon2 != canon {
			t.Fatalf("canonical form not stable:\n%s\n%s", canon, canon2)
		}
		_ = AllowedDynamoDB([]*Policy{p})
		_ = EC2TrustReasons(p)
		_, _ = TrustsPodIdentity(p)
	})
}

// FuzzParseARN: ParseARN never panics; what it accepts round-trips through
// String, and an ARN without globs matches itself as a Resource pattern.
func FuzzParseARN(f *testing.F) {
	for _, s := range []string{
		cartsARN, cartsARN + "/index/*", "arn:*:dynamodb:*:*:table/*", "arn:aws:iam::aws:policy/ReadOnlyAccess",
		"arn:aws:logs:us-east-1:1:log-group:x:*", "*", "arn:aws:dynamodb", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseARN(s)
		if err != nil {
			return
		}
		if a.String() != s {
			t.Fatalf("String() = %q, want %q", a.String(), s)
		}
		if !hasGlob(s) && !MatchResource(s, s) {
			t.Fatalf("%q does not match itself", s)
		}
		if !MatchResource("*", s) {
			t.Fatalf("* does not match %q", s)
		}
		_ = ValidateTableARN(s)
	})
}

// FuzzGlob checks the glob helpers against each other: a string matched
// by both patterns proves they intersect, and a pattern that covers
// another matches everything the other matches.
func FuzzGlob(f *testing.F) {
	f.Add("table/*", "table/*/index/*", "table/carts/index/x")
	f.Add("a?c", "*c", "abc")
	f.Add("*a*b", "a*", "aaab")
	f.Add("dynamodb:Get*", "DynamoDB:?etItem", "dynamodb:GetItem")
	f.Fuzz(func(t *testing.T, x, p, s string) {
		if len(x) > 64 || len(p) > 64 || len(s) > 64 {
			return
		}
		mx, mp := globMatch(x, s, false), globMatch(p, s, false)
		if mx && mp && !globsIntersect(x, p, false) {
			t.Fatalf("%q and %q both match %q but do not intersect", x, p, s)
		}
		if mp && globCovers(x, p, false) && !mx {
			t.Fatalf("%q covers %q, which matches %q, but %q does not", x, p, s, x)
		}
		if globMatch(x, s, true) != globMatch(asciiLower(x), asciiLower(s), false) {
			t.Fatalf("case folding differs for %q, %q", x, s)
		}
	})
}

func asciiLower(s string) string {
	b := []byte(s)
	for i := range b {
		b[i] = lower(b[i])
	}
	return string(b)
}
