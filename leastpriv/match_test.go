package leastpriv

import (
	"slices"
	"testing"
)

func TestMatchAction(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		pattern, action string
		want            bool
	}{
		"exact":               {"dynamodb:GetItem", "dynamodb:GetItem", true},
		"case-insensitive":    {"DynamoDB:getitem", "dynamodb:GetItem", true},
		"star":                {"*", "dynamodb:GetItem", true},
		"service star":        {"dynamodb:*", "dynamodb:PutItem", true},
		"prefix star mixed":   {"DynamoDB:Get*", "dynamodb:GetRecords", true},
		"prefix star no":      {"dynamodb:Get*", "dynamodb:PutItem", false},
		"question":            {"dynamodb:?etItem", "dynamodb:GetItem", true},
		"question one char":   {"dynamodb:?etItem", "dynamodb:GGetItem", false},
		"other service":       {"s3:*", "dynamodb:GetItem", false},
		"star in middle":      {"dynamodb:*Item", "dynamodb:BatchGetItem", true},
		"multiple stars":      {"d*:*Get*", "dynamodb:BatchGetItem", true},
		"empty pattern":       {"", "dynamodb:GetItem", false},
		"trailing chars":      {"dynamodb:GetItem", "dynamodb:GetItems", false},
		"star matches empty":  {"dynamodb:GetItem*", "dynamodb:GetItem", true},
		"backtracking needed": {"*a*b", "aaab", true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := MatchAction(tc.pattern, tc.action); got != tc.want {
				t.Errorf("MatchAction(%q, %q) = %v, want %v", tc.pattern, tc.action, got, tc.want)
			}
		})
	}
}

func TestMatchResource(t *testing.T) {
	t.Parallel()
	const carts = "arn:aws:dynamodb:us-east-1:111122223333:table/carts"
	tests := map[string]struct {
		pattern, resource string
		want              bool
	}{
		"star":                    {"*", carts, true},
		"exact":                   {carts, carts, true},
		"case-sensitive":          {"arn:aws:dynamodb:us-east-1:111122223333:table/Carts", carts, false},
		"table star":              {"arn:aws:dynamodb:*:*:table/*", carts, true},
		"star spans slash":        {"arn:aws:dynamodb:us-east-1:111122223333:table/*", carts + "/index/by-user", true},
		"table only not index":    {carts, carts + "/index/by-user", false},
		"region glob":             {"arn:aws:dynamodb:us-*-1:111122223333:table/carts", carts, true},
		"region glob mismatch":    {"arn:aws:dynamodb:eu-*:111122223333:table/carts", carts, false},
		"star in region only":     {"arn:aws:dynamodb:*:111122223333:table/carts", carts, true},
		"region star not account": {"arn:aws:dynamodb:*:table/carts", carts, true}, // five segments: whole-string glob
		"partition glob":          {"arn:aws*:dynamodb:us-east-1:111122223333:table/carts", "arn:aws-cn:dynamodb:us-east-1:111122223333:table/carts", true},
		"question":                {"arn:aws:dynamodb:us-east-1:111122223333:table/cart?", carts, true},
		"other service":           {"arn:aws:s3:::*", carts, false},
		"service glob":            {"arn:aws:dynamo*:*:*:*", carts, true},
		"not an arn":              {"table/carts", carts, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := MatchResource(tc.pattern, tc.resource); got != tc.want {
				t.Errorf("MatchResource(%q, %q) = %v, want %v", tc.pattern, tc.resource, got, tc.want)
			}
		})
	}
}

func TestGlobsIntersectAndCovers(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		a, b      string
		intersect bool
		aCoversB  bool
		bCoversA  bool
	}{
		"equal literal":    {"abc", "abc", true, true, true},
		"star covers":      {"*", "a?c*", true, true, false},
		"prefix vs suffix": {"a*", "*z", true, false, false},
		"disjoint":         {"a*", "b*", false, false, false},
		"question vs lit":  {"a?c", "abc", true, true, false},
		"table vs index":   {"table/*", "table/*/index/*", true, true, false},
		"literal mismatch": {"table/x", "table/y", false, false, false},
		"star star":        {"*a*", "*b*", true, false, false},
		"question len":     {"??", "abc", false, false, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := globsIntersect(tc.a, tc.b, false); got != tc.intersect {
				t.Errorf("globsIntersect = %v, want %v", got, tc.intersect)
			}
			if got := globsIntersect(tc.b, tc.a, false); got != tc.intersect {
				t.Errorf("globsIntersect (swapped) = %v, want %v", got, tc.intersect)
			}
			if got := globCovers(tc.a, tc.b, false); got != tc.aCoversB {
				t.Errorf("globCovers(a, b) = %v, want %v", got, tc.aCoversB)
			}
			if got := globCovers(tc.b, tc.a, false); got != tc.bCoversA {
				t.Errorf("globCovers(b, a) = %v, want %v", got, tc.bCoversA)
			}
		})
	}
}

func TestEvaluate(t *testing.T) {
	t.Parallel()
	const carts = "arn:aws:dynamodb:us-east-1:111122223333:table/carts"
	allowAll := `{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"}`
	tests := map[string]struct {
		statements []string
		action     string
		want       Decision
	}{
		"allow":                  {[]string{allowAll}, "dynamodb:GetItem", DecisionAllow},
		"no allow":               {[]string{`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`}, "dynamodb:GetItem", DecisionImplicitDeny},
		"explicit deny wins":     {[]string{allowAll, `{"Effect":"Deny","Action":"dynamodb:GetItem","Resource":"*"}`}, "dynamodb:GetItem", DecisionExplicitDeny},
		"conditional deny":       {[]string{allowAll, `{"Effect":"Deny","Action":"dynamodb:GetItem","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`}, "dynamodb:GetItem", DecisionConditionalAllow},
		"conditional allow":      {[]string{`{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"carts"}}}`}, "dynamodb:GetItem", DecisionConditionalAllow},
		"not action allows":      {[]string{`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`}, "dynamodb:GetItem", DecisionAllow},
		"not action excludes":    {[]string{`{"Effect":"Allow","NotAction":"dynamodb:*","Resource":"*"}`}, "dynamodb:GetItem", DecisionImplicitDeny},
		"not resource allows":    {[]string{`{"Effect":"Allow","Action":"*","NotResource":"arn:aws:s3:::*"}`}, "dynamodb:GetItem", DecisionAllow},
		"not resource excludes":  {[]string{`{"Effect":"Allow","Action":"*","NotResource":"arn:aws:dynamodb:*:*:table/*"}`}, "dynamodb:GetItem", DecisionImplicitDeny},
		"deny not resource":      {[]string{allowAll, `{"Effect":"Deny","Action":"*","NotResource":"arn:aws:s3:::*"}`}, "dynamodb:GetItem", DecisionExplicitDeny},
		"deny other table":       {[]string{allowAll, `{"Effect":"Deny","Action":"*","Resource":"arn:aws:dynamodb:*:*:table/orders"}`}, "dynamodb:GetItem", DecisionAllow},
		"case-insensitive allow": {[]string{`{"Effect":"Allow","Action":"DynamoDB:Get*","Resource":"arn:aws:dynamodb:*:*:table/*"}`}, "dynamodb:GetItem", DecisionAllow},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := MustParsePolicy(`{"Version":"2012-10-17","Statement":[` + join(tc.statements) + `]}`)
			if got := Evaluate([]*Policy{p}, tc.action, carts); got != tc.want {
				t.Errorf("Evaluate = %v, want %v", got, tc.want)
			}
		})
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ","
		}
		out += x
	}
	return out
}

func TestParseARN(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		in      string
		want    ARN
		wantErr bool
	}{
		"table":         {in: "arn:aws:dynamodb:us-east-1:111122223333:table/carts", want: ARN{"aws", "dynamodb", "us-east-1", "111122223333", "table/carts"}},
		"globs":         {in: "arn:*:dynamodb:*:*:table/*", want: ARN{"*", "dynamodb", "*", "*", "table/*"}},
		"colon in res":  {in: "arn:aws:logs:us-east-1:1:log-group:x:*", want: ARN{"aws", "logs", "us-east-1", "1", "log-group:x:*"}},
		"empty region":  {in: "arn:aws:iam::aws:policy/ReadOnlyAccess", want: ARN{"aws", "iam", "", "aws", "policy/ReadOnlyAccess"}},
		"no prefix":     {in: "aws:dynamodb:us-east-1:1:table/x", wantErr: true},
		"too few":       {in: "arn:aws:dynamodb:us-east-1", wantErr: true},
		"empty service": {in: "arn:aws::us-east-1:1:table/x", wantErr: true},
		"empty res":     {in: "arn:aws:dynamodb:us-east-1:1:", wantErr: true},
		"star":          {in: "*", wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseARN(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("ParseARN(%q) error = %v, wantErr %v", tc.in, err, tc.wantErr)
			}
			if err == nil && (got != tc.want || got.String() != tc.in) {
				t.Errorf("ParseARN(%q) = %+v (%s), want %+v", tc.in, got, got, tc.want)
			}
		})
	}
}

func TestAllowedDynamoDB(t *testing.T) {
	t.Parallel()
	type want struct {
		actions     []string // must all be granted (subset check) unless exact
		exact       bool
		absent      []string
		resource    string
		conditional bool
	}
	tests := map[string]struct {
		doc  string
		want want
	}{
		"dynamodb star": {
			doc:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"}}`,
			want: want{actions: []string{"dynamodb:GetItem", "dynamodb:ListTables", "dynamodb:ExportTableToPointInTime"}, resource: "*"},
		},
		"Get star mixed case on table star": {
			doc:  `{"Statement":{"Effect":"Allow","Action":"DynamoDB:Get*","Resource":"arn:aws:dynamodb:*:*:table/*"}}`,
			want: want{actions: []string{"dynamodb:GetAbacStatus", "dynamodb:GetItem", "dynamodb:GetRecords", "dynamodb:GetResourcePolicy", "dynamodb:GetShardIterator"}[1:], exact: true, absent: []string{"dynamodb:GetAbacStatus"}, resource: "arn:aws:dynamodb:*:*:table/*"},
		},
		"question mark": {
			doc:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:?etItem","Resource":"arn:aws:dynamodb:us-east-1:111122223333:table/carts"}}`,
			want: want{actions: []string{"dynamodb:GetItem"}, exact: true, absent: []string{"dynamodb:SetItem"}, resource: "arn:aws:dynamodb:us-east-1:111122223333:table/carts"},
		},
		"full star": {
			doc:  `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`,
			want: want{actions: []string{"dynamodb:Scan", "dynamodb:PutResourcePolicy"}, resource: "*"},
		},
		"not action": {
			doc:  `{"Statement":{"Effect":"Allow","NotAction":["iam:*","dynamodb:Delete*"],"Resource":"*"}}`,
			want: want{actions: []string{"dynamodb:Scan"}, absent: []string{"dynamodb:DeleteItem", "dynamodb:DeleteTable"}, resource: "*"},
		},
		"not resource": {
			doc:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:GetItem","NotResource":"arn:aws:s3:::*"}}`,
			want: want{actions: []string{"dynamodb:GetItem"}, exact: true, resource: "NotResource: arn:aws:s3:::*"},
		},
		"not resource covering tables": {
			doc:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:GetItem","NotResource":"arn:*:dynamodb:*:*:table/*"}}`,
			want: want{exact: true},
		},
		"not resource covering one partition's tables": {
			doc:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:GetItem","NotResource":"arn:aws:dynamodb:*:*:table/*"}}`,
			want: want{actions: []string{"dynamodb:GetItem"}, exact: true, resource: "NotResource: arn:aws:dynamodb:*:*:table/*"},
		},
		"conditional": {
			doc:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"carts"}}}}`,
			want: want{actions: []string{"dynamodb:GetItem"}, exact: true, resource: "*", conditional: true},
		},
		"s3 resource does not grant dynamodb": {
			doc:  `{"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::bucket/*"}}`,
			want: want{exact: true},
		},
		"table pattern excludes account-level actions": {
			doc:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:List*","Resource":"arn:aws:dynamodb:*:*:table/*"}}`,
			want: want{actions: []string{"dynamodb:ListExports", "dynamodb:ListImports", "dynamodb:ListTagsOfResource"}, exact: true, absent: []string{"dynamodb:ListTables"}},
		},
		"unconditional deny removes": {
			doc:  `{"Statement":[{"Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:*:*:table/*"},{"Effect":"Deny","Action":"dynamodb:*","Resource":"*"}]}`,
			want: want{exact: true},
		},
		"conditional deny keeps": {
			doc:  `{"Statement":[{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`,
			want: want{actions: []string{"dynamodb:GetItem"}, exact: true, conditional: true},
		},
		"deny on one table keeps wildcard grant": {
			doc:  `{"Statement":[{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:*:*:table/*"},{"Effect":"Deny","Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:*:*:table/secret"}]}`,
			want: want{actions: []string{"dynamodb:GetItem"}, exact: true},
		},
		"other service": {
			doc:  `{"Statement":{"Effect":"Allow","Action":["s3:*","ec2:Describe*"],"Resource":"*"}}`,
			want: want{exact: true},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			grants := AllowedDynamoDB([]*Policy{MustParsePolicy(tc.doc)})
			var got []string
			for _, g := range grants {
				if !slices.Contains(got, g.Action) {
					got = append(got, g.Action)
				}
				if tc.want.resource != "" && g.Resource != tc.want.resource {
					t.Errorf("grant %s: resource %q, want %q", g.Action, g.Resource, tc.want.resource)
				}
				if g.Conditional != tc.want.conditional {
					t.Errorf("grant %s: conditional %v, want %v", g.Action, g.Conditional, tc.want.conditional)
				}
				if g.Via == "" {
					t.Errorf("grant %s: empty Via", g.Action)
				}
			}
			for _, a := range tc.want.actions {
				if !slices.Contains(got, a) {
					t.Errorf("missing %s in %v", a, got)
				}
			}
			for _, a := range tc.want.absent {
				if slices.Contains(got, a) {
					t.Errorf("unexpected %s", a)
				}
			}
			if tc.want.exact && len(got) != len(tc.want.actions) {
				t.Errorf("got %v, want exactly %v", got, tc.want.actions)
			}
		})
	}
}
