package leastpriv

import (
	"testing"
)

// FuzzParsePolicy: ParsePolicy never panics; whatever it accepts has a
// canonical JSON form that parses again to the same canonical form, and
// the analysis and rules run on it without panicking.
func FuzzParsePolicy(f *testing.F) {
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
		p, err := ParsePolicy(doc)
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
