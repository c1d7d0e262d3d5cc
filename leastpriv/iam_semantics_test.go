package leastpriv

import (
	"slices"
	"testing"
)

// Round 4: IAM semantics. Each expectation follows from how AWS evaluates
// the document, not from the checker's output.

func TestTemplateIntersect(t *testing.T) {
	t.Parallel()
	loadCatalogue()
	table := "table/" + templateOne + templateMore
	index := table + "/index/" + templateOne + templateMore
	for _, tc := range []struct {
		pattern, template string
		want              bool
	}{
		{"table/carts", table, true},
		{"table/carts*", table, true},           // carts, carts-archive
		{"table/carts/*", table, false},         // a table name holds no '/'
		{"table/carts/*", index, true},          // carts/index/byUser
		{"table/*/index/*", table, false},       // only indexes
		{"table/*", index, true},                // `*` spans '/'
		{"table/", table, false},                // a table has a name
		{"table/?", table, true},                // one-letter name (the glob does not check length rules)
		{"table/cart?/x", table, false},         // '/' after the name
		{"*", table, true},                      // a glob supplies the name
		{"table/a?b", table, true},              // `?` is a name byte here
		{"", templateOne + templateMore, false}, // an empty region is no region
		{"*", templateOne + templateMore, true},
		{"us-*", templateOne + templateMore, true},
		{"", "", true}, // global tables have no region
		{"us-west-2", "", false},
	} {
		if got := templateIntersect(tc.pattern, tc.template); got != tc.want {
			t.Errorf("templateIntersect(%q, %q) = %v, want %v", tc.pattern, tc.template, got, tc.want)
		}
	}
}

func grantActionNames(gs []Grant) []string {
	var out []string
	for _, g := range gs {
		if !slices.Contains(out, g.Action) {
			out = append(out, g.Action)
		}
	}
	return out
}

func TestAllowedDynamoDBResourceTypes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, actions, resource string
		want                    []string
		wildcard                bool
	}{
		// GetItem and PutItem only accept a table ARN, table/NAME: a
		// pattern below the table reaches indexes and streams only.
		{"item actions below the table", `["dynamodb:GetItem","dynamodb:PutItem","dynamodb:Query"]`, "arn:aws:dynamodb:us-west-2:123456789012:table/carts/*", []string{"dynamodb:Query"}, false},
		{"stream actions below the table", `["dynamodb:GetItem","dynamodb:GetRecords"]`, "arn:aws:dynamodb:us-west-2:123456789012:table/carts/*", []string{"dynamodb:GetRecords"}, false},
		{"prefix glob reaches other tables", `"dynamodb:GetItem"`, "arn:aws:dynamodb:us-west-2:123456789012:table/carts*", []string{"dynamodb:GetItem"}, true},
		{"region glob", `"dynamodb:GetItem"`, "arn:aws:dynamodb:*:123456789012:table/carts", []string{"dynamodb:GetItem"}, true},
		{"account glob", `"dynamodb:GetItem"`, "arn:aws:dynamodb:us-west-2:*:table/carts", []string{"dynamodb:GetItem"}, true},
		{"question mark in the name", `"DynamoDB:Get?tem"`, "arn:aws:dynamodb:us-west-2:123456789012:table/cart?", []string{"dynamodb:GetItem"}, true},
		// Every table ARN has a region: an empty region matches none.
		{"empty region", `"dynamodb:GetItem"`, "arn:aws:dynamodb::123456789012:table/carts", nil, false},
		{"index pattern", `["dynamodb:GetItem","dynamodb:Query"]`, "arn:aws:dynamodb:us-west-2:123456789012:table/*/index/*", []string{"dynamodb:Query"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, err := ParsePolicy(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":` + tc.actions + `,"Resource":"` + tc.resource + `"}}`)
			if err != nil {
				t.Fatal(err)
			}
			gs := AllowedDynamoDB([]*Policy{p})
			if got := grantActionNames(gs); !slices.Equal(got, tc.want) {
				t.Fatalf("actions %v, want %v", got, tc.want)
			}
			for _, g := range gs {
				if g.ResourceWildcard != tc.wildcard {
					t.Errorf("%s: ResourceWildcard %v, want %v", g.Action, g.ResourceWildcard, tc.wildcard)
				}
			}
		})
	}
}

func rulesOf(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule+" "+f.Address)
	}
	return out
}

func TestIAMSemanticsCheck(t *testing.T) {
	t.Parallel()
	generated, err := GeneratePolicy([]TableGrant{{TableARN: cartsARN, Streams: true, Actions: []string{"dynamodb:ListStreams", "dynamodb:GetItem"}}})
	if err != nil {
		t.Fatal(err)
	}
	generatedJSON, err := generated.JSON()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		role *Role
		docs []string
		want []string
	}{
		{
			// Item actions on table/carts/* match no table: AWS allows
			// nothing with them.
			name: "item actions below the table on a node role",
			role: nodeRole(),
			docs: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:PutItem"],"Resource":"arn:aws:dynamodb:us-east-1:111122223333:table/carts/*"}]}`},
		},
		{
			name: "index query on a node role",
			role: nodeRole(),
			docs: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:Query","Resource":"arn:aws:dynamodb:us-east-1:111122223333:table/carts/index/*"}]}`},
			want: []string{"PI001 aws_iam_role_policy.p0"},
		},
		{
			// ListStreams only accepts Resource "*": nothing to narrow.
			name: "generated policy with ListStreams",
			role: podRole(),
			docs: []string{generatedJSON},
		},
		{
			name: "ListStreams and GetRecords on star",
			role: podRole(),
			docs: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:ListStreams","dynamodb:GetRecords"],"Resource":"*"}]}`},
			want: []string{"PI002 aws_iam_role_policy.p0"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			inv := &Inventory{Roles: []*Role{tc.role}}
			for i, d := range tc.docs {
				inv.InlinePolicies = append(inv.InlinePolicies, inline("aws_iam_role_policy.p"+string(rune('0'+i)), byAddr(tc.role.Address), Document{JSON: d}))
			}
			fs := Check(inv, CheckOptions{})
			if got := rulesOf(fs); !slices.Equal(got, tc.want) {
				t.Fatalf("findings %v, want %v\n%s", got, tc.want, findingsText(fs))
			}
		})
	}
}
