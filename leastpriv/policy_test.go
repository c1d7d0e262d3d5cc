package leastpriv

import (
	"strings"
	"testing"

	awspolicy "github.com/hashicorp/awspolicyequivalence"
)

func TestParsePolicyForms(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		doc  string
		want Statement
	}{
		"statement object, single strings": {
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"}}`,
			want: Statement{Effect: "Allow", Action: []string{"dynamodb:GetItem"}, Resource: []string{"*"}},
		},
		"statement list, lists": {
			doc:  `{"Statement":[{"Sid":"A","Effect":"Deny","NotAction":["s3:*","ec2:*"],"NotResource":["arn:aws:s3:::b"]}]}`,
			want: Statement{Sid: "A", Effect: "Deny", NotAction: []string{"s3:*", "ec2:*"}, NotResource: []string{"arn:aws:s3:::b"}},
		},
		"principal wildcard": {
			doc:  `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}`,
			want: Statement{Effect: "Allow", Principal: &Principal{Wildcard: true}, Action: []string{"sts:AssumeRole"}},
		},
		"principal map string and list": {
			doc:  `{"Statement":[{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","pods.eks.amazonaws.com"],"AWS":"*"},"Action":"sts:AssumeRole"}]}`,
			want: Statement{Effect: "Allow", Principal: &Principal{Values: map[string][]string{"Service": {"ec2.amazonaws.com", "pods.eks.amazonaws.com"}, "AWS": {"*"}}}, Action: []string{"sts:AssumeRole"}},
		},
		"condition string list bool number": {
			doc: `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"s3:max-keys":10},"StringEquals":{"aws:RequestTag/a":["x","y"]}}}]}`,
			want: Statement{Effect: "Allow", Action: []string{"s3:*"}, Resource: []string{"*"}, Condition: map[string]map[string][]string{
				"Bool": {"aws:SecureTransport": {"false"}}, "NumericLessThan": {"s3:max-keys": {"10"}}, "StringEquals": {"aws:RequestTag/a": {"x", "y"}},
			}},
		},
		"empty action list": {
			doc:  `{"Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}`,
			want: Statement{Effect: "Allow", Action: []string{}, Resource: []string{"*"}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p, err := ParsePolicy(tc.doc)
			if err != nil {
				t.Fatalf("ParsePolicy: %v", err)
			}
			if len(p.Statements) != 1 {
				t.Fatalf("got %d statements, want 1", len(p.Statements))
			}
			got, _ := (&Policy{Statements: p.Statements}).JSON()
			want, _ := (&Policy{Statements: []Statement{tc.want}}).JSON()
			if got != want {
				t.Errorf("statement:\n%s\nwant:\n%s", got, want)
			}
			if (p.Statements[0].Action == nil) != (tc.want.Action == nil) {
				t.Errorf("Action nil-ness differs")
			}
			canon, err := p.JSON()
			if err != nil {
				t.Fatal(err)
			}
			eq, err := awspolicy.PoliciesAreEquivalent(tc.doc, canon)
			if err != nil || !eq {
				t.Errorf("canonical JSON not equivalent to input (err %v):\n%s", err, canon)
			}
		})
	}
}

func TestParsePolicyErrors(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		doc  string
		want string
	}{
		"not json":            {`{`, "policy document is not a JSON object"},
		"array top":           {`[]`, "policy document is not a JSON object"},
		"no statement":        {`{"Version":"2012-10-17"}`, "policy document has no Statement"},
		"bad version":         {`{"Version":"2020-01-01","Statement":[]}`, `Version: must be "2012-10-17" or "2008-10-17", got "2020-01-01"`},
		"unknown top":         {`{"Statement":[],"statement":[]}`, `unknown policy element "statement"`},
		"statement number":    {`{"Statement":3}`, "Statement: expected object or list of objects, got number"},
		"statement elem":      {`{"Statement":["x"]}`, "statement 1: expected object, got string"},
		"action number":       {`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"ReadCarts","Effect":"Allow","Action":5,"Resource":"*"}]}`, `statement 2 (Sid "ReadCarts"): Action: expected string or list of strings, got number`},
		"action list number":  {`{"Statement":[{"Effect":"Allow","Action":["a",1],"Resource":"*"}]}`, `statement 1: Action: expected string or list of strings, got number at position 2 of the list`},
		"effect":              {`{"Statement":[{"Effect":"allow","Action":"a"}]}`, `statement 1: Effect: must be "Allow" or "Deny", got "allow"`},
		"missing effect":      {`{"Statement":[{"Action":"a"}]}`, `statement 1: Effect: missing`},
		"action and not":      {`{"Statement":[{"Effect":"Allow","Action":"a","NotAction":"b"}]}`, "has both Action and NotAction"},
		"no action":           {`{"Statement":[{"Effect":"Allow","Resource":"*"}]}`, "has neither Action nor NotAction"},
		"resource and not":    {`{"Statement":[{"Effect":"Allow","Action":"a","Resource":"*","NotResource":"*"}]}`, "has both Resource and NotResource"},
		"unknown element":     {`{"Statement":[{"Effect":"Allow","Action":"a","Resources":"*"}]}`, `statement 1: unknown element "Resources"`},
		"principal string":    {`{"Statement":[{"Effect":"Allow","Action":"a","Principal":"ec2.amazonaws.com"}]}`, `statement 1: Principal: expected "*" or an object`},
		"principal list":      {`{"Statement":[{"Effect":"Allow","Action":"a","Principal":{"Service":[1]}}]}`, `statement 1: Principal: Service: expected string or list of strings, got number`},
		"condition not obj":   {`{"Statement":[{"Effect":"Allow","Action":"a","Condition":{"StringEquals":"x"}}]}`, `statement 1: Condition: StringEquals: expected object, got string`},
		"condition value obj": {`{"Statement":[{"Sid":"S","Effect":"Allow","Action":"a","Condition":{"StringEquals":{"k":{}}}}]}`, `statement 1 (Sid "S"): Condition: StringEquals: k: expected string, boolean, number or a list of them, got object`},
		"sid number":          {`{"Statement":[{"Sid":1,"Effect":"Allow","Action":"a"}]}`, `statement 1: Sid: expected string, got number`},
		"trailing data":       {`{"Statement":[]} {}`, "unexpected data after the JSON value"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := ParsePolicy(tc.doc)
			if err == nil {
				t.Fatalf("ParsePolicy(%s) succeeded, want error containing %q", tc.doc, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestPolicyJSONCanonical(t *testing.T) {
	t.Parallel()
	a := MustParsePolicy(`{"Statement":{"Condition":{"StringLike":{"b":"2","a":["1"]}},"Resource":["x"],"Action":["s3:GetObject","s3:PutObject"],"Effect":"Allow","Sid":"S"},"Version":"2012-10-17"}`)
	b := MustParsePolicy(`{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"x","Condition":{"StringLike":{"a":"1","b":["2"]}}}]}`)
	ja, _ := a.JSON()
	jb, _ := b.JSON()
	if ja != jb {
		t.Fatalf("canonical forms differ:\n%s\n%s", ja, jb)
	}
	want := `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "S",
      "Effect": "Allow",
      "Action": [
        "s3:GetObject",
        "s3:PutObject"
      ],
      "Resource": "x",
      "Condition": {
        "StringLike": {
          "a": "1",
          "b": "2"
        }
      }
    }
  ]
}`
	if ja != want {
		t.Errorf("got\n%s\nwant\n%s", ja, want)
	}
	if !strings.Contains(MustParsePolicy(`{"Statement":[{"Effect":"Allow","Action":"a","Resource":"<&>"}]}`).String(), `"<&>"`) {
		t.Error("HTML characters must not be escaped")
	}
}

// Every AWS managed policy document parses, and its canonical JSON is
// equivalent to the original (checked with awspolicyequivalence).
func TestParseAllAWSManagedPolicies(t *testing.T) {
	t.Parallel()
	cat := managedCatalogue()
	if len(cat.byARN) < 1500 {
		t.Fatalf("catalogue holds %d policies, want about 1,594", len(cat.byARN))
	}
	for arn, e := range cat.byARN {
		raw, err := cat.document(e)
		if err != nil {
			t.Fatal(err)
		}
		p, err := ParsePolicy(string(raw))
		if err != nil {
			t.Errorf("%s: %v", arn, err)
			continue
		}
		canon, err := p.JSON()
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParsePolicy(canon)
		if err != nil {
			t.Errorf("%s: reparsing canonical JSON: %v", arn, err)
			continue
		}
		if c2, _ := again.JSON(); c2 != canon {
			t.Errorf("%s: canonical JSON is not stable", arn)
		}
		eq, err := awspolicy.PoliciesAreEquivalent(string(raw), canon)
		if err != nil || !eq {
			t.Errorf("%s: canonical JSON not equivalent (err %v)", arn, err)
		}
	}
}
