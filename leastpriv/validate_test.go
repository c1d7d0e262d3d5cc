package leastpriv

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

func TestValidateTableARN(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		in     string
		detail string // empty: valid
		hint   string
	}{
		"valid":            {in: cartsARN},
		"valid china":      {in: "arn:aws-cn:dynamodb:cn-north-1:111122223333:table/my.table_1"},
		"empty":            {in: "", detail: "empty"},
		"not arn":          {in: "carts", detail: "is not an ARN"},
		"other service":    {in: "arn:aws:s3:::carts", detail: `service "s3"`},
		"wildcard name":    {in: "arn:aws:dynamodb:us-east-1:111122223333:table/*", detail: "wildcard", hint: "one grant per table"},
		"wildcard region":  {in: "arn:aws:dynamodb:*:111122223333:table/carts", detail: "wildcard"},
		"wildcard account": {in: "arn:aws:dynamodb:us-east-1:?:table/carts", detail: "wildcard"},
		"wildcard part":    {in: "arn:*:dynamodb:us-east-1:111122223333:table/carts", detail: "wildcard"},
		"no region":        {in: "arn:aws:dynamodb::111122223333:table/carts", detail: "no region"},
		"short account":    {in: "arn:aws:dynamodb:us-east-1:1111:table/carts", detail: "12 digits"},
		"bad partition":    {in: "arn:foo:dynamodb:us-east-1:111122223333:table/carts", detail: "partition"},
		"index":            {in: cartsARN + "/index/by-user", detail: "secondary index", hint: "`indexes = true`"},
		"stream":           {in: cartsARN + "/stream/2024-01-01T00:00:00.000", detail: "stream", hint: "`streams = true`"},
		"backup":           {in: cartsARN + "/backup/01", detail: `"backup" resource`},
		"global table":     {in: "arn:aws:dynamodb::111122223333:global-table/carts", detail: "no region"},
		"global table rgn": {in: "arn:aws:dynamodb:us-east-1:111122223333:global-table/carts", detail: `"global-table" resource`},
		"short name":       {in: "arn:aws:dynamodb:us-east-1:111122223333:table/ab", detail: "3 to 255"},
		"bad name char":    {in: "arn:aws:dynamodb:us-east-1:111122223333:table/car ts", detail: "contains ' '"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := ValidateTableARN(tc.in)
			if tc.detail == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			ve, ok := AsValidationError(err)
			if !ok {
				t.Fatalf("error %v is not a ValidationError", err)
			}
			if ve.Summary != "Invalid DynamoDB Table ARN" || !strings.Contains(ve.Detail, tc.detail) || !strings.Contains(ve.Hint, tc.hint) {
				t.Errorf("got %q / %q / %q; want detail ~%q hint ~%q", ve.Summary, ve.Detail, ve.Hint, tc.detail, tc.hint)
			}
		})
	}
}

func TestValidateActions(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		in      []string
		detail  string
		warning string
	}{
		"valid":           {in: []string{"dynamodb:GetItem", "DynamoDB:query"}},
		"wildcard only":   {in: []string{"dynamodb:ListStreams", "dynamodb:GetRecords"}, warning: "dynamodb:ListStreams"},
		"wildcard":        {in: []string{"dynamodb:Get*"}, detail: `"dynamodb:Get*" contains a wildcard`},
		"unknown":         {in: []string{"dynamodb:GetItems"}, detail: `"dynamodb:GetItems" is not a DynamoDB action`},
		"no prefix":       {in: []string{"GetItem"}, detail: `did you mean "dynamodb:GetItem"`},
		"other service":   {in: []string{"s3:GetObject"}, detail: "not a DynamoDB action"},
		"backup type":     {in: []string{"dynamodb:DescribeBackup"}, detail: "needs a backup resource"},
		"global table":    {in: []string{"dynamodb:DescribeGlobalTable"}, detail: "needs a global-table resource"},
		"duplicate":       {in: []string{"dynamodb:GetItem", "dynamodb:getitem"}, detail: "more than once"},
		"several at once": {in: []string{"x", "dynamodb:*"}, detail: `"x" is not a DynamoDB action; "dynamodb:*" contains a wildcard`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := ValidateActions(tc.in)
			if tc.detail == "" && err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if tc.detail != "" && (err == nil || !strings.Contains(err.Error(), tc.detail)) {
				t.Fatalf("error %v, want one containing %q", err, tc.detail)
			}
			w := WildcardResourceActionsWarning(tc.in)
			if (w != nil) != (tc.warning != "") || (w != nil && !strings.Contains(w.Detail, tc.warning)) {
				t.Errorf("warning %v, want ~%q", w, tc.warning)
			}
		})
	}
}

func TestValidateKubernetesName(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		field, name string
		want        string
	}{
		"namespace ok":       {"namespace", "carts-1", ""},
		"namespace dot":      {"namespace", "carts.prod", "contains '.'"},
		"namespace upper":    {"namespace", "Carts", "contains 'C'"},
		"namespace dash end": {"namespace", "carts-", "start and end"},
		"namespace too long": {"namespace", strings.Repeat("a", 64), "at most 63"},
		"namespace empty":    {"namespace", "", "empty"},
		"sa dotted ok":       {"service_account", "carts.api", ""},
		"sa 253 ok":          {"service_account", strings.Repeat(strings.Repeat("a", 63)+".", 3) + strings.Repeat("a", 61), ""},
		"sa too long":        {"service_account", strings.Repeat("a", 254), "at most 253"},
		"sa empty label":     {"service_account", "a..b", "empty label"},
		"sa long label":      {"service_account", strings.Repeat("a", 64), "longer than 63"},
		"sa underscore":      {"service_account", "carts_api", "contains '_'"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := ValidateKubernetesName(tc.field, tc.name)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestValidateRoleNameAndPath(t *testing.T) {
	t.Parallel()
	names := map[string]bool{"carts": true, "a+b=c,d.e@f_g-h": true, "": false, strings.Repeat("a", 64): true, strings.Repeat("a", 65): false, "a/b": false, "a b": false}
	for n, ok := range names {
		if err := ValidateRoleName(n); (err == nil) != ok {
			t.Errorf("ValidateRoleName(%q) = %v", n, err)
		}
	}
	paths := map[string]bool{"/": true, "/pods/": true, "/a/b/": true, "": false, "pods/": false, "/pods": false, "//": false, "/a b/": false, "/" + strings.Repeat("a", 511): false}
	for p, ok := range paths {
		if err := ValidateRolePath(p); (err == nil) != ok {
			t.Errorf("ValidateRolePath(%q) = %v", p, err)
		}
	}
}

func TestDefaultRoleName(t *testing.T) {
	t.Parallel()
	if got := DefaultRoleName("eks-workshop", "carts", "carts"); got != "eks-workshop-carts-carts" {
		t.Errorf("got %q", got)
	}
	if got := DefaultRoleName("c", "ns", "sa:x/y"); got != "c-ns-sa-x-y" {
		t.Errorf("got %q", got)
	}
	long1 := DefaultRoleName(strings.Repeat("c", 40), strings.Repeat("n", 30), "sa-one")
	long2 := DefaultRoleName(strings.Repeat("c", 40), strings.Repeat("n", 30), "sa-two")
	for _, n := range []string{long1, long2} {
		if len(n) > 64 {
			t.Errorf("%q is %d characters", n, len(n))
		}
		if err := ValidateRoleName(n); err != nil {
			t.Error(err)
		}
	}
	if long1 == long2 {
		t.Errorf("different inputs share name %q", long1)
	}
	if long1 != DefaultRoleName(strings.Repeat("c", 40), strings.Repeat("n", 30), "sa-one") {
		t.Error("not deterministic")
	}
}

func TestValidateInlinePolicySize(t *testing.T) {
	t.Parallel()
	if got := PolicySize("{ \"a\" :\n\t\"b c\" }"); got != 10 {
		t.Errorf("PolicySize = %d, want 10 (white space not counted, also inside strings, as IAM counts)", got)
	}
	grants := func(n int) []TableGrant {
		var out []TableGrant
		for i := range n {
			out = append(out, TableGrant{
				TableARN: fmt.Sprintf("arn:aws:dynamodb:us-west-2:111122223333:table/table-with-a-long-name-%03d", i),
				Access:   AccessReadWrite, Indexes: true, Streams: true,
			})
		}
		return out
	}
	doc := func(n int) string {
		p, err := GeneratePolicy(grants(n))
		if err != nil {
			t.Fatal(err)
		}
		s, err := p.JSON()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	small, big := doc(1), doc(40)
	if err := ValidateInlinePolicySize(small, 0); err != nil {
		t.Errorf("one table: %v", err)
	}
	err := ValidateInlinePolicySize(big, 0)
	ve, ok := AsValidationError(err)
	if !ok || ve.Summary != "Policy Too Large" || !strings.Contains(ve.Detail, strconv.Itoa(PolicySize(big))) {
		t.Fatalf("40 tables: got %v", err)
	}
	if err := ValidateInlinePolicySize(small, MaxRoleInlinePolicySize-PolicySize(small)); err != nil {
		t.Errorf("exactly at the limit: %v", err)
	}
	if err := ValidateInlinePolicySize(small, MaxRoleInlinePolicySize-PolicySize(small)+1); err == nil {
		t.Errorf("one character over the limit with the role's other policies: no error")
	}
}
