package leastpriv

import (
	"math/rand/v2"
	"slices"
	"strings"
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

func TestPermissionsBoundary(t *testing.T) {
	t.Parallel()
	all := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"}]}`
	for _, tc := range []struct {
		name     string
		boundary string // ARN
		policy   *ManagedPolicy
		doc      Document
		want     []string // PI001/PI008 findings
		contains string
		excludes string
	}{
		{name: "no boundary", doc: Document{JSON: all}, want: []string{"PI001 aws_iam_role_policy.p"}},
		{
			// Effective permissions: dynamodb:* ∩ AmazonDynamoDBReadOnlyAccess.
			name: "AWS managed read-only boundary", boundary: "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess", doc: Document{JSON: all},
			want: []string{"PI001 aws_iam_role_policy.p"}, contains: "dynamodb:GetItem", excludes: "dynamodb:PutItem",
		},
		{name: "AWS managed S3 boundary", boundary: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", doc: Document{JSON: all}},
		{
			name: "customer boundary by ARN", boundary: "arn:aws:iam::111122223333:policy/b",
			policy: &ManagedPolicy{Address: "aws_iam_policy.b", ARN: Known("arn:aws:iam::111122223333:policy/b"), Document: policyDoc(allow("dynamodb:Query", "arn:aws:dynamodb:*:*:table/other"))},
			doc:    Document{JSON: all},
			// dynamodb:Query on table/other is in both.
			want: []string{"PI001 aws_iam_role_policy.p"}, contains: "dynamodb:Query", excludes: "dynamodb:GetItem",
		},
		{
			name: "customer boundary on another table", boundary: "arn:aws:iam::111122223333:policy/b",
			policy: &ManagedPolicy{Address: "aws_iam_policy.b", ARN: Known("arn:aws:iam::111122223333:policy/b"), Document: policyDoc(allow("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:111122223333:table/other"))},
			doc:    policyDoc(allow("dynamodb:GetItem", cartsARN)),
		},
		{
			name: "boundary with unknown document", boundary: "arn:aws:iam::111122223333:policy/b",
			policy: &ManagedPolicy{Address: "aws_iam_policy.b", ARN: Known("arn:aws:iam::111122223333:policy/b"), Document: Document{Unknown: true}},
			doc:    Document{JSON: all}, want: []string{"PI001 aws_iam_role_policy.p"},
		},
		{name: "boundary outside the inventory", boundary: "arn:aws:iam::111122223333:policy/b", doc: Document{JSON: all}, want: []string{"PI001 aws_iam_role_policy.p"}},
		{name: "unknown document under an S3 boundary", boundary: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", doc: Document{Unknown: true}},
		{name: "unknown document under a DynamoDB boundary", boundary: "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess", doc: Document{Unknown: true}, want: []string{"PI008 aws_iam_role_policy.p"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			role := nodeRole()
			role.PermissionsBoundary = Known(tc.boundary)
			inv := &Inventory{Roles: []*Role{role}, InlinePolicies: []*InlinePolicy{inline("aws_iam_role_policy.p", byAddr(role.Address), tc.doc)}}
			if tc.policy != nil {
				inv.ManagedPolicies = []*ManagedPolicy{tc.policy}
			}
			var got []Finding
			for _, f := range Check(inv, CheckOptions{}) {
				if f.Rule == RuleNodeRoleDataGrant || f.Rule == RuleUnknownAtPlan {
					got = append(got, f)
				}
			}
			if r := rulesOf(got); !slices.Equal(r, tc.want) {
				t.Fatalf("findings %v, want %v\n%s", r, tc.want, findingsText(got))
			}
			for _, f := range got {
				if tc.contains != "" && !strings.Contains(f.Message, tc.contains) {
					t.Errorf("message %q does not contain %q", f.Message, tc.contains)
				}
				if tc.excludes != "" && strings.Contains(f.Message, tc.excludes) {
					t.Errorf("message %q contains %q", f.Message, tc.excludes)
				}
			}
		})
	}
}

func TestDenyCoversResourceTypes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		allow, deny string // statements
		wantActions []string
	}{
		{
			// GetItem only acts on tables: a Deny on every table denies
			// it wherever the Allow says.
			name:  "deny on every table covers an allow on star",
			allow: `{"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:Query"],"Resource":"*"}`,
			deny:  `{"Effect":"Deny","Action":"dynamodb:*","Resource":"arn:*:dynamodb:*:*:table/*"}`,
		},
		{
			// ListStreams is evaluated against Resource "*": a Deny on
			// tables does not match it.
			name:        "deny on tables leaves ListStreams",
			allow:       `{"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:ListStreams"],"Resource":"*"}`,
			deny:        `{"Effect":"Deny","Action":"dynamodb:*","Resource":"arn:*:dynamodb:*:*:table/*"}`,
			wantActions: []string{"dynamodb:ListStreams"},
		},
		{
			name:        "deny on one region",
			allow:       `{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"}`,
			deny:        `{"Effect":"Deny","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:us-east-1:*:table/*"}`,
			wantActions: []string{"dynamodb:GetItem"},
		},
		{
			name:  "deny on the table covers an allow on its pattern",
			allow: `{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:us-east-1:111122223333:table/*"}`,
			deny:  `{"Effect":"Deny","Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:*:111122223333:table/*"}`,
		},
		{
			// Query also acts on indexes, which table/carts does not
			// cover.
			name:        "deny on one table leaves the rest",
			allow:       `{"Effect":"Allow","Action":"dynamodb:Query","Resource":"*"}`,
			deny:        `{"Effect":"Deny","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:*:*:table/carts"}`,
			wantActions: []string{"dynamodb:Query"},
		},
		{
			name:  "deny on tables covers NotResource allow",
			allow: `{"Effect":"Allow","Action":"dynamodb:GetItem","NotResource":"arn:aws:s3:::*"}`,
			deny:  `{"Effect":"Deny","Action":"dynamodb:GetItem","Resource":"arn:*:dynamodb:*:*:table/*"}`,
		},
		{
			name:        "conditional deny removes nothing",
			allow:       `{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"}`,
			deny:        `{"Effect":"Deny","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:*:*:table/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`,
			wantActions: []string{"dynamodb:GetItem"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// In one policy and across two policies of a node role.
			p, err := ParsePolicy(`{"Version":"2012-10-17","Statement":[` + tc.allow + `,` + tc.deny + `]}`)
			if err != nil {
				t.Fatal(err)
			}
			if got := grantActionNames(AllowedDynamoDB([]*Policy{p})); !slices.Equal(got, tc.wantActions) {
				t.Errorf("one policy: actions %v, want %v", got, tc.wantActions)
			}
			inv := &Inventory{Roles: []*Role{nodeRole()}, InlinePolicies: []*InlinePolicy{
				inline("aws_iam_role_policy.allow", byAddr("aws_iam_role.node"), policyDoc(tc.allow)),
				inline("aws_iam_role_policy.deny", byAddr("aws_iam_role.node"), policyDoc(tc.deny)),
			}}
			var pi001 []string
			for _, f := range Check(inv, CheckOptions{}) {
				if f.Rule == RuleNodeRoleDataGrant {
					pi001 = append(pi001, f.Address)
				}
			}
			var want []string
			if hasDataAction(tc.wantActions) {
				want = []string{"aws_iam_role_policy.allow"}
			}
			if !slices.Equal(pi001, want) {
				t.Errorf("two policies: PI001 at %v, want %v", pi001, want)
			}
		})
	}
}

func hasDataAction(names []string) bool {
	for _, n := range names {
		if a, ok := LookupDynamoDBAction(n); ok && a.Class.IsData() {
			return true
		}
	}
	return false
}

// TestTemplateMatchLiteral checks the literal fast path of templateIntersect
// against its search on random literals and templates.
func TestTemplateMatchLiteral(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	const alphabet = "ab/:"
	pieces := []string{"a", "b", "/", ":", templateOne, templateMore}
	for range 20000 {
		var a, tmpl strings.Builder
		for range rng.IntN(7) {
			a.WriteByte(alphabet[rng.IntN(len(alphabet))])
		}
		for range rng.IntN(6) {
			tmpl.WriteString(pieces[rng.IntN(len(pieces))])
		}
		if got, want := templateMatchLiteral(a.String(), tmpl.String()), templateIntersectNoFast(a.String(), tmpl.String()); got != want {
			t.Fatalf("templateMatchLiteral(%q, %q) = %v, search says %v", a.String(), tmpl.String(), got, want)
		}
	}
}

// templateIntersectNoFast is a reference for a literal a: a plain search
// over (i, j) with the moves of templateIntersect's search.
func templateIntersectNoFast(a, t string) bool {
	// A DP over (i, j) with the same moves as templateIntersect's search.
	memo := map[[2]int]bool{}
	var rec func(i, j int) bool
	rec = func(i, j int) bool {
		k := [2]int{i, j}
		if v, ok := memo[k]; ok {
			return v
		}
		memo[k] = false
		var r bool
		switch {
		case i == len(a) && j == len(t):
			r = true
		case j < len(t) && t[j] == templateMore[0] && rec(i, j+1):
			r = true
		case i == len(a) || j == len(t):
			r = false
		default:
			ca, ct := a[i], t[j]
			switch ct {
			case templateOne[0]:
				r = ca != '/' && ca != ':' && rec(i+1, j+1)
			case templateMore[0]:
				r = ca != '/' && ca != ':' && rec(i+1, j)
			default:
				r = ca == ct && rec(i+1, j+1)
			}
		}
		memo[k] = r
		return r
	}
	return rec(0, 0)
}

// TestDenyInOnePartition: a policy alone may belong to a role in any
// partition, so a Deny in partition aws leaves an Allow on "*" its grants
// in aws-cn (AllowedDynamoDB keeps them); on a role whose partition is
// known (its ARN, or the only partition of the plan) the Deny removes them.
// A Deny in another partition never removes a grant in the role's.
func TestDenyInOnePartition(t *testing.T) {
	t.Parallel()
	allow := `{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"}`
	for _, tc := range []struct {
		deny  string
		pi001 bool
	}{
		{`{"Effect":"Deny","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:*:*:table/*"}`, false},
		{`{"Effect":"Deny","Action":"dynamodb:*","Resource":"arn:aws-cn:dynamodb:*:*:table/*"}`, true},
		{`{"Effect":"Deny","Action":"dynamodb:*","NotResource":"arn:aws:dynamodb:*:*:table/*"}`, true},
	} {
		p := MustParsePolicy(`{"Version":"2012-10-17","Statement":[` + allow + `,` + tc.deny + `]}`)
		if got := grantActionNames(AllowedDynamoDB([]*Policy{p})); !slices.Equal(got, []string{"dynamodb:GetItem"}) {
			t.Errorf("%s: one policy: actions %v, want GetItem (other partitions)", tc.deny, got)
		}
		inv := &Inventory{Roles: []*Role{nodeRole()}, InlinePolicies: []*InlinePolicy{
			inline("aws_iam_role_policy.allow", byAddr("aws_iam_role.node"), policyDoc(allow)),
			inline("aws_iam_role_policy.deny", byAddr("aws_iam_role.node"), policyDoc(tc.deny)),
		}}
		inv.Roles[0].ARN = Known("arn:aws:iam::111122223333:role/eks-node")
		got := false
		for _, f := range Check(inv, CheckOptions{}) {
			got = got || f.Rule == RuleNodeRoleDataGrant
		}
		if got != tc.pi001 {
			t.Errorf("%s: PI001 on a role in partition aws = %v, want %v", tc.deny, got, tc.pi001)
		}
	}
}
