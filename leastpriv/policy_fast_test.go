package leastpriv

import (
	"fmt"
	"reflect"
	"testing"
)

// policyFastDocs are documents for the fast path of ParsePolicy: the
// first 8 it must read itself, the others it must decline
// (rejected, or read differently, by the reference path).
var policyFastDocs = []string{
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"}]}`,
	`{"Version":"2008-10-17","Id":"x","Statement":{"Sid":"A","Effect":"Deny","NotAction":["s3:*"],"NotResource":[]}}`,
	`{"Statement":[]}`,
	`{"Statement":[{"Effect":"Allow","Principal":"*","Action":[],"Condition":{}}]}`,
	`{"Statement":[{"Effect":"Allow","Principal":{"AWS":["a","b"],"Service":"pods.eks.amazonaws.com"},"Action":"sts:AssumeRole",` +
		`"Condition":{"StringEquals":{"k":"v","n":[1,true,false,"s",-1.50e3]},"Bool":{"aws:SecureTransport":false}}}]}`,
	`{"Statement":[{"Effect":"Allow","NotPrincipal":{},"Action":"a"}]}`,
	` {"Statement" : [ {"Effect":"Allow","Action":"a"} ] } ` + "\n",
	`{"St\u0061tement":[{"Effect":"Allow","Action":"\u00e9"}]}`,
	// rejected or read differently: the fast path must decline
	`{"Statement":[{"Effect":"Allow","Action":"a","Action":"b"}]}`,
	`{"Statement":[],"Statement":[{"Effect":"Allow","Action":"a"}]}`,
	`{"Statement":[{"Effect":"Allow","Action":"a"}]} x`,
	`{"Statement":[{"Effect":"Allow","Action":"a"}]}{}`,
	`{"Version":"2020-01-01","Statement":[]}`,
	`{"Statement":null}`, `{"Statement":[null]}`, `null`, `[]`, ``, `{`,
	`{"Statement":[{"Effect":"allow","Action":"a"}]}`,
	`{"Statement":[{"Effect":"Allow"}]}`,
	`{"Statement":[{"Effect":"Allow","Action":"a","NotAction":"b"}]}`,
	`{"Statement":[{"Effect":"Allow","Action":"a","Resource":"r","NotResource":"b"}]}`,
	`{"Statement":[{"Effect":"Allow","Action":"a","Principal":"*","NotPrincipal":"*"}]}`,
	`{"Statement":[{"Effect":"Allow","Action":"a","Principal":"x"}]}`,
	`{"Statement":[{"Effect":"Allow","Action":[1]}]}`,
	`{"Statement":[{"Effect":"Allow","Action":"a","Condition":{"op":{"k":null}}}]}`,
	`{"Statement":[{"Effect":"Allow","Action":"a","Condition":{"op":"v"}}]}`,
	`{"Statement":[{"effect":"Allow","Action":"a"}]}`,
	`{"statement":[]}`, `{"Version":"2012-10-17"}`,
	"{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"\xff\"}]}",
	`{"Statement":[{"Effect":"Allow","Action":"\ud800"}]}`,
	`{"Statement":[{"Sid":1,"Effect":"Allow","Action":"a"}]}`,
}

// TestParsePolicyFastMatchesSlow checks that the fast path of ParsePolicy
// reads documents exactly as the reference path, and declines whatever the
// reference path rejects or reads differently.
func TestParsePolicyFastMatchesSlow(t *testing.T) {
	t.Parallel()
	docs := policyFastDocs
	const accepted = 8 // the first documents must take the fast path
	for i, doc := range docs {
		want, werr := parsePolicySlow(doc)
		got, ok := parsePolicyFast(doc)
		if !ok {
			if i < accepted {
				t.Errorf("%q: fast path declined it", doc)
			}
			continue
		}
		if werr != nil {
			t.Errorf("%q: fast path accepted, reference: %v", doc, werr)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q: got %#v, want %#v", doc, got, want)
		}
	}
}

// TestStatementLabelMatchesSprintf checks the labels built without fmt.
func TestStatementLabelMatchesSprintf(t *testing.T) {
	t.Parallel()
	for _, sid := range []string{"", "A", `q"\`, "é\x01\xff", "\u2028"} {
		want := fmt.Sprintf("statement %d (Sid %q)", 12, sid)
		if sid == "" {
			want = fmt.Sprintf("statement %d", 12)
		}
		if got := statementLabel(12, sid); got != want {
			t.Errorf("statementLabel(12, %q) = %q, want %q", sid, got, want)
		}
	}
}
