package leastpriv

import (
	"strings"
	"testing"
)

// TestOneVerdict: podidentity_least_privilege refuses at plan time exactly
// the grants for which the CLI (Check, default --fail-on error) fails a plan
// that gives them to a Pod Identity role. The provider refuses through
// ValidateTableARN and ValidateActions; both read the rules' Severity.
func TestOneVerdict(t *testing.T) {
	t.Parallel()
	tables := []string{
		"arn:aws:dynamodb:us-east-1:111122223333:table/carts",
		"arn:aws-cn:dynamodb:cn-north-1:111122223333:table/carts",
		"arn:aws:dynamodb:us-east-1:111122223333:table/*",
		"arn:aws:dynamodb:us-east-1:111122223333:table/carts*",
		"arn:aws:dynamodb:us-east-1:111122223333:table/cart?",
		"arn:aws:dynamodb:*:111122223333:table/carts",
		"arn:aws:dynamodb:us-east-?:111122223333:table/carts",
		"arn:aws:dynamodb:us-east-1:*:table/carts",
		"arn:aws:dynamodb:us-east-1:11112222333?:table/carts",
		"arn:*:dynamodb:us-east-1:111122223333:table/carts",
		"arn:aws*:dynamodb:us-east-1:111122223333:table/carts",
		"arn:aws:dynamodb:${aws:RequestedRegion}:111122223333:table/carts",
		"arn:aws:dynamodb:us-east-1:${aws:PrincipalAccount}:table/carts",
	}
	actions := [][]string{
		{"dynamodb:GetItem"},
		{"dynamodb:GetItem", "dynamodb:PutItem"},
		{"dynamodb:Get*"},
		{"dynamodb:*Item"},
		{"dynamodb:?etItem"},
		{"dynamodb:*"},
		{"*"},
	}
	refused, failed := 0, 0
	for _, table := range tables {
		for _, acts := range actions {
			refuses := ValidateTableARN(table) != nil || ValidateActions(acts) != nil
			doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["` + strings.Join(acts, `","`) + `"],"Resource":["` + table + `"]}]}`
			inv := &Inventory{
				Roles:          []*Role{podRole()},
				InlinePolicies: []*InlinePolicy{{Address: "podidentity_least_privilege.carts", Role: byAddr("aws_iam_role.carts"), Document: Document{JSON: doc}}},
			}
			fails := false
			var errs []string
			for _, f := range Check(inv, CheckOptions{}) {
				if f.Severity == SeverityError {
					fails = true
					errs = append(errs, f.Rule)
				}
			}
			if refuses != fails {
				t.Errorf("table %s, actions %v: provider refuses = %v, CLI fails = %v (%v)", table, acts, refuses, fails, errs)
			}
			if refuses {
				refused++
			}
			if fails {
				failed++
			}
		}
	}
	if refused == 0 || refused == len(tables)*len(actions) {
		t.Fatalf("corpus does not exercise both verdicts: %d of %d refused", refused, len(tables)*len(actions))
	}
}
