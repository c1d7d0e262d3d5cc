package leastpriv

import (
	"slices"
	"testing"
)

// TestStatementActionMatches checks the lookup of literal Action patterns
// (and the catalogue scan for the others) against matchingActionPattern on
// every catalogue action.
func TestStatementActionMatches(t *testing.T) {
	t.Parallel()
	loadCatalogue()
	for _, st := range []*Statement{
		{Action: []string{"dynamodb:GetItem", "DynamoDB:getitem", "dynamodb:Query", "s3:GetObject", "dynamodb:NoSuchAction"}},
		{Action: []string{"DYNAMODB:PUTITEM"}},
		{Action: []string{"dynamodb:Scan", "dynamodb:BatchGetItem", "dynamodb:GetItem"}},
		{Action: []string{}},
		{Action: []string{"dynamodb:Get*", "dynamodb:GetItem"}},
		{Action: []string{"dynamodb:?etItem"}},
		{Action: []string{"dynamodb:Get\u212aey"}},
		{NotAction: []string{"dynamodb:GetItem"}},
	} {
		var want []actionMatch
		for i := range dynamodbActions {
			if p, ok := matchingActionPattern(st, dynamodbActions[i].Name); ok {
				want = append(want, actionMatch{index: i, pattern: p})
			}
		}
		got := statementActionMatches(nil, st)
		if !slices.Equal(got, want) {
			t.Errorf("Action %q NotAction %q: got %v, want %v", st.Action, st.NotAction, got, want)
		}
	}
}

// TestResourceTypeMask checks resourceReachesAction (one comparison per
// resource type, then a bit mask per action) against comparing the
// Resource pattern with every ARN pattern of every action.
func TestResourceTypeMask(t *testing.T) {
	t.Parallel()
	loadCatalogue()
	reference := func(r string, i int) bool {
		if isStar(r) {
			return true
		}
		if dynamodbActions[i].WildcardResourceOnly {
			return false
		}
		a, err := ParseARN(r)
		for _, rt := range dynamodbActions[i].ResourceTypes {
			tmpl, ok := dynamodbResourceTypes[rt]
			if !ok {
				continue
			}
			if err != nil {
				if globsIntersect(r, templateVar.ReplaceAllString(tmpl, "*"), false) {
					return true
				}
				continue
			}
			b, err := ParseARN(templateVar.ReplaceAllString(tmpl, templateOne+templateMore))
			if err != nil {
				t.Fatal(err)
			}
			if arnTemplateIntersect(a, b) {
				return true
			}
		}
		return false
	}
	for _, r := range []string{
		"*", "arn:aws:dynamodb:us-east-1:111122223333:table/carts",
		"arn:aws:dynamodb:us-east-1:111122223333:table/carts/index/*",
		"arn:aws:dynamodb:us-east-1:111122223333:table/carts/stream/*",
		"arn:aws:dynamodb:us-east-1:111122223333:table/carts/*",
		"arn:aws:dynamodb:*:*:table/*", "arn:aws:dynamodb:*:*:*", "arn:aws:dynamodb::111122223333:global-table/g",
		"arn:aws:dynamodb:us-east-1:111122223333:table/carts/backup/*", "arn:*:*:*:*:*", "arn:aws:s3:::bucket/*",
		"arn:aws:dynamodb:us-east-1:111122223333:table/carts/export/x", "arn:aws:dynamodb:us-east-1:111122223333:table/carts/import/*",
		"arn:aws:dynamodb:us-east-1:111122223333:table/c?rts", "arn:aws:dynamo*", "not-an-arn", "arn:aws:dynamodb:*:*:table/*/index/*",
	} {
		rp := parseResourcePattern(r)
		for i := range dynamodbActions {
			if got, want := resourceReachesAction(rp, i), reference(r, i); got != want {
				t.Errorf("%s, %s: got %v, want %v", r, dynamodbActions[i].Name, got, want)
			}
		}
	}
}
