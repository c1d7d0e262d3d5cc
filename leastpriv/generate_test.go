package leastpriv

import (
	"slices"
	"strings"
	"testing"

	awspolicy "github.com/hashicorp/awspolicyequivalence"
)

func TestGeneratePolicy(t *testing.T) {
	t.Parallel()
	const orders = "arn:aws:dynamodb:us-east-1:111122223333:table/orders-prod"
	tests := map[string]struct {
		grants []TableGrant
		want   string
	}{
		"read default": {
			grants: []TableGrant{{TableARN: cartsARN}},
			want: `{"Version":"2012-10-17","Statement":[{"Sid":"ReadItemsCarts","Effect":"Allow",
				"Action":["dynamodb:BatchGetItem","dynamodb:ConditionCheckItem","dynamodb:DescribeTable","dynamodb:GetItem","dynamodb:Query","dynamodb:Scan"],
				"Resource":"` + cartsARN + `"}]}`,
		},
		"write with streams": {
			grants: []TableGrant{{TableARN: cartsARN, Access: AccessWrite, Streams: true}},
			want: `{"Version":"2012-10-17","Statement":[
				{"Sid":"WriteItemsCarts","Effect":"Allow","Action":["dynamodb:BatchWriteItem","dynamodb:ConditionCheckItem","dynamodb:DeleteItem","dynamodb:DescribeTable","dynamodb:PutItem","dynamodb:UpdateItem"],"Resource":"` + cartsARN + `"},
				{"Sid":"ReadStreamsCarts","Effect":"Allow","Action":["dynamodb:DescribeStream","dynamodb:GetRecords","dynamodb:GetShardIterator"],"Resource":"` + cartsARN + `/stream/*"}]}`,
		},
		"read_write with indexes, two tables sorted": {
			grants: []TableGrant{{TableARN: orders, Access: AccessRead}, {TableARN: cartsARN, Access: AccessReadWrite, Indexes: true}},
			want: `{"Version":"2012-10-17","Statement":[
				{"Sid":"ReadWriteItemsCarts","Effect":"Allow","Action":["dynamodb:BatchGetItem","dynamodb:BatchWriteItem","dynamodb:ConditionCheckItem","dynamodb:DeleteItem","dynamodb:DescribeTable","dynamodb:GetItem","dynamodb:PutItem","dynamodb:Query","dynamodb:Scan","dynamodb:UpdateItem"],"Resource":"` + cartsARN + `"},
				{"Sid":"ReadWriteIndexesCarts","Effect":"Allow","Action":["dynamodb:Query","dynamodb:Scan"],"Resource":"` + cartsARN + `/index/*"},
				{"Sid":"ReadItemsOrdersProd","Effect":"Allow","Action":["dynamodb:BatchGetItem","dynamodb:ConditionCheckItem","dynamodb:DescribeTable","dynamodb:GetItem","dynamodb:Query","dynamodb:Scan"],"Resource":"` + orders + `"}]}`,
		},
		"explicit actions with wildcard-only action": {
			grants: []TableGrant{{TableARN: cartsARN, Actions: []string{"DynamoDB:getitem", "dynamodb:ListStreams", "dynamodb:GetRecords"}}},
			want: `{"Version":"2012-10-17","Statement":[
				{"Sid":"SelectedItemsCarts","Effect":"Allow","Action":"dynamodb:GetItem","Resource":"` + cartsARN + `"},
				{"Sid":"ReadStreamsCarts","Effect":"Allow","Action":"dynamodb:GetRecords","Resource":"` + cartsARN + `/stream/*"},
				{"Sid":"ResourceWildcardActions","Effect":"Allow","Action":"dynamodb:ListStreams","Resource":"*"}]}`,
		},
		"same sid from two regions": {
			grants: []TableGrant{{TableARN: cartsARN}, {TableARN: "arn:aws:dynamodb:eu-west-1:111122223333:table/carts", Actions: []string{"dynamodb:GetItem"}}},
			want: `{"Version":"2012-10-17","Statement":[
				{"Sid":"SelectedItemsCarts","Effect":"Allow","Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:eu-west-1:111122223333:table/carts"},
				{"Sid":"ReadItemsCarts","Effect":"Allow","Action":["dynamodb:BatchGetItem","dynamodb:ConditionCheckItem","dynamodb:DescribeTable","dynamodb:GetItem","dynamodb:Query","dynamodb:Scan"],"Resource":"` + cartsARN + `"}]}`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p, err := GeneratePolicy(tc.grants)
			if err != nil {
				t.Fatalf("GeneratePolicy: %v", err)
			}
			got, err := p.JSON()
			if err != nil {
				t.Fatal(err)
			}
			eq, err := awspolicy.PoliciesAreEquivalent(got, tc.want)
			if err != nil || !eq {
				t.Errorf("policy not equivalent (err %v):\n%s", err, got)
			}
			// Sids appear in the expected order.
			wantP := MustParsePolicy(tc.want)
			var gotSids, wantSids []string
			for _, s := range p.Statements {
				gotSids = append(gotSids, s.Sid)
			}
			for _, s := range wantP.Statements {
				wantSids = append(wantSids, s.Sid)
			}
			if !slices.Equal(gotSids, wantSids) {
				t.Errorf("Sids %v, want %v", gotSids, wantSids)
			}
			// The generated policy passes the rules it is meant to pass.
			inv := &Inventory{Roles: []*Role{podRole()}, InlinePolicies: []*InlinePolicy{{Address: "x", Role: RoleRef{Address: "aws_iam_role.carts"}, Document: Document{JSON: got}}}}
			for _, f := range Check(inv, CheckOptions{}) {
				if f.Rule != RuleWildcardResource || !strings.Contains(f.Message, "dynamodb:ListStreams") {
					t.Errorf("generated policy has finding %s", f)
				}
			}
		})
	}
}

func TestGeneratePolicyErrors(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		grants  []TableGrant
		summary string
		detail  string
	}{
		"none":            {nil, "No Table Grants", ""},
		"wildcard table":  {[]TableGrant{{TableARN: "arn:aws:dynamodb:us-east-1:111122223333:table/*"}}, "Invalid DynamoDB Table ARN", "wildcard"},
		"duplicate":       {[]TableGrant{{TableARN: cartsARN}, {TableARN: cartsARN}}, "Duplicate Table Grant", ""},
		"bad access":      {[]TableGrant{{TableARN: cartsARN, Access: "admin"}}, "Invalid Access Level", `"admin"`},
		"both":            {[]TableGrant{{TableARN: cartsARN, Access: AccessRead, Actions: []string{"dynamodb:GetItem"}}}, "Conflicting Access and Actions", ""},
		"bad action":      {[]TableGrant{{TableARN: cartsARN, Actions: []string{"dynamodb:Get*"}}}, "Invalid DynamoDB Actions", "wildcard"},
		"indexes + write": {[]TableGrant{{TableARN: cartsARN, Access: AccessWrite, Indexes: true}}, "Indexes Without Index Actions", ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := GeneratePolicy(tc.grants)
			ve, ok := AsValidationError(err)
			if !ok {
				t.Fatalf("error %v is not a ValidationError", err)
			}
			if ve.Summary != tc.summary || !strings.Contains(ve.Detail, tc.detail) {
				t.Errorf("got %q / %q, want %q / ...%q...", ve.Summary, ve.Detail, tc.summary, tc.detail)
			}
		})
	}
}

// Every access level's actions exist in the catalogue and are item or
// metadata actions on tables.
func TestAccessActionsInCatalogue(t *testing.T) {
	t.Parallel()
	for _, a := range []Access{AccessRead, AccessWrite, AccessReadWrite, ""} {
		acts, err := AccessActions(a)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range acts {
			info, ok := LookupDynamoDBAction(name)
			if !ok || !info.AcceptsResourceType("table") {
				t.Errorf("%s: %s is not a table action in the catalogue", a, name)
			}
			if info.Class != ClassItemRead && info.Class != ClassItemWrite && info.Class != ClassMetadataRead {
				t.Errorf("%s: %s has class %s", a, name, info.Class)
			}
		}
	}
	// The actions a stream consumer needs on TABLE/stream/*: the records
	// (stream-read) and the stream's description (metadata-read).
	for _, name := range StreamReadActions() {
		info, ok := LookupDynamoDBAction(name)
		if !ok || (info.Class != ClassStreamRead && info.Class != ClassMetadataRead) || info.WildcardResourceOnly || !info.AcceptsResourceType("stream") {
			t.Errorf("stream action %s: %+v", name, info)
		}
	}
	for _, a := range DynamoDBActions() {
		if a.Class == ClassStreamRead && !slices.Contains(StreamReadActions(), a.Name) {
			t.Errorf("stream-read action %s is not granted by Streams", a.Name)
		}
	}
}
