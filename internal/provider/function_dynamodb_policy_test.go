package provider_test

import (
	"context"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/acctest"
	"github.com/eks-podidentity/terraform-provider-podidentity/internal/provider"
	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

const (
	cartsTableARN  = "arn:aws:dynamodb:us-west-2:111122223333:table/carts"
	ordersTableARN = "arn:aws:dynamodb:us-west-2:111122223333:table/orders"
)

// cartsReadWritePolicy is what dynamodb_policy([{ arn = cartsTableARN,
// access = "read_write" }]) returns: indexes default to true.
const cartsReadWritePolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadWriteItemsCarts",
      "Effect": "Allow",
      "Action": [
        "dynamodb:BatchGetItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:ConditionCheckItem",
        "dynamodb:DeleteItem",
        "dynamodb:DescribeTable",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:Query",
        "dynamodb:Scan",
        "dynamodb:UpdateItem"
      ],
      "Resource": "arn:aws:dynamodb:us-west-2:111122223333:table/carts"
    },
    {
      "Sid": "ReadWriteIndexesCarts",
      "Effect": "Allow",
      "Action": [
        "dynamodb:Query",
        "dynamodb:Scan"
      ],
      "Resource": "arn:aws:dynamodb:us-west-2:111122223333:table/carts/index/*"
    }
  ]
}`

func TestDynamoDBPolicyFunction_run(t *testing.T) {
	t.Parallel()
	carts := func(extra map[string]attr.Value) types.Object {
		attrs := map[string]attr.Value{"arn": str(cartsTableARN)}
		for k, v := range extra {
			attrs[k] = v
		}
		return obj(attrs)
	}
	read := "[dynamodb:BatchGetItem dynamodb:ConditionCheckItem dynamodb:DescribeTable dynamodb:GetItem dynamodb:Query dynamodb:Scan]"
	write := "[dynamodb:BatchWriteItem dynamodb:ConditionCheckItem dynamodb:DeleteItem dynamodb:DescribeTable dynamodb:PutItem dynamodb:UpdateItem]"
	tableRes := "[" + cartsTableARN + "]"
	indexRes := "[" + cartsTableARN + "/index/*]"
	streamRes := "[" + cartsTableARN + "/stream/*]"
	fullTableGrant := types.ObjectValueMust(
		map[string]attr.Type{"arn": types.StringType, "access": types.StringType, "actions": types.ListType{ElemType: types.StringType}, "indexes": types.BoolType, "streams": types.BoolType},
		map[string]attr.Value{"arn": str(cartsTableARN), "access": types.StringNull(), "actions": types.ListNull(types.StringType), "indexes": types.BoolNull(), "streams": types.BoolValue(true)},
	)

	tests := map[string]struct {
		tables attr.Value
		want   []string // statements: "Sid [actions] [resources]"
		err    string   // regexp of the error text
	}{
		"access omitted is read, with indexes": {
			tables: tuple(carts(nil)),
			want:   []string{"ReadItemsCarts " + read + " " + tableRes, "ReadIndexesCarts [dynamodb:Query dynamodb:Scan] " + indexRes},
		},
		"null attributes take their defaults": {
			tables: tuple(carts(map[string]attr.Value{"access": types.DynamicNull(), "indexes": types.DynamicNull(), "streams": types.DynamicNull(), "actions": types.DynamicNull()})),
			want:   []string{"ReadItemsCarts " + read + " " + tableRes, "ReadIndexesCarts [dynamodb:Query dynamodb:Scan] " + indexRes},
		},
		"write has no index actions, so no index statement": {
			tables: tuple(carts(map[string]attr.Value{"access": str("write")})),
			want:   []string{"WriteItemsCarts " + write + " " + tableRes},
		},
		"indexes false": {
			tables: tuple(carts(map[string]attr.Value{"indexes": types.BoolValue(false)})),
			want:   []string{"ReadItemsCarts " + read + " " + tableRes},
		},
		"streams": {
			tables: tuple(carts(map[string]attr.Value{"streams": types.BoolValue(true), "indexes": types.BoolValue(false)})),
			want: []string{"ReadItemsCarts " + read + " " + tableRes,
				"ReadStreamsCarts [dynamodb:DescribeStream dynamodb:GetRecords dynamodb:GetShardIterator] " + streamRes},
		},
		"explicit actions, with a Resource \"*\" action in its own statement": {
			tables: tuple(carts(map[string]attr.Value{"actions": tuple(str("dynamodb:GetItem"), str("dynamodb:Query"), str("dynamodb:ListTables"))})),
			want: []string{"SelectedItemsCarts [dynamodb:GetItem dynamodb:Query] " + tableRes, "SelectedIndexesCarts [dynamodb:Query] " + indexRes,
				"ResourceWildcardActions [dynamodb:ListTables] [*]"},
		},
		"explicit actions without index actions need no indexes = false": {
			tables: tuple(carts(map[string]attr.Value{"actions": types.SetValueMust(types.StringType, []attr.Value{str("dynamodb:PutItem")})})),
			want:   []string{"SelectedItemsCarts [dynamodb:PutItem] " + tableRes},
		},
		"tables with different attributes, ordered by ARN": {
			tables: tuple(
				obj(map[string]attr.Value{"arn": str(ordersTableARN), "access": str("write")}),
				carts(map[string]attr.Value{"indexes": types.BoolValue(false)}),
			),
			want: []string{"ReadItemsCarts " + read + " " + tableRes, "WriteItemsOrders " + write + " [" + ordersTableARN + "]"},
		},
		"list of objects from a variable with optional attributes": {
			tables: types.ListValueMust(fullTableGrant.Type(context.Background()), []attr.Value{fullTableGrant}),
			want: []string{"ReadItemsCarts " + read + " " + tableRes, "ReadIndexesCarts [dynamodb:Query dynamodb:Scan] " + indexRes,
				"ReadStreamsCarts [dynamodb:DescribeStream dynamodb:GetRecords dynamodb:GetShardIterator] " + streamRes},
		},
		"set of maps of strings": {
			tables: types.SetValueMust(types.MapType{ElemType: types.StringType}, []attr.Value{
				types.MapValueMust(types.StringType, map[string]attr.Value{"arn": str(cartsTableARN), "access": str("read"), "indexes": str("false")}),
			}),
			want: []string{"ReadItemsCarts " + read + " " + tableRes},
		},

		"empty list": {
			tables: tuple(),
			err:    `^No Table Grants: At least one table grant is needed`,
		},
		"single object instead of a list": {
			tables: carts(nil),
			err:    `^tables is a single object; it must be a list of tables: wrap it in brackets`,
		},
		"string instead of a list": {
			tables: str(cartsTableARN),
			err:    `^tables is the string "arn:aws:dynamodb:.*"; it must be a list of tables`,
		},
		"element not an object": {
			tables: tuple(carts(nil), str(ordersTableARN)),
			err:    `^tables\[1\] is the string ".*"; each table must be an object`,
		},
		"misspelt attribute": {
			tables: tuple(carts(map[string]attr.Value{"acess": str("write")})),
			err:    `^tables\[0\] has unsupported attribute "acess"; the attributes are access, actions, arn, indexes, streams$`,
		},
		"empty object": {
			tables: tuple(obj(map[string]attr.Value{})),
			err:    `^tables\[0\]\.arn is required: the ARN of the table`,
		},
		"null element": {
			tables: tuple(carts(nil), types.DynamicNull()),
			err:    `^tables\[1\] is null; each table must be an object`,
		},
		"missing arn": {
			tables: tuple(obj(map[string]attr.Value{"access": str("read")})),
			err:    `^tables\[0\]\.arn is required`,
		},
		"arn not a string": {
			tables: tuple(obj(map[string]attr.Value{"arn": types.NumberValue(big.NewFloat(12))})),
			err:    `^tables\[0\]\.arn: expected a string, got the number 12$`,
		},
		"wildcard table ARN": {
			tables: tuple(obj(map[string]attr.Value{"arn": str("arn:aws:dynamodb:us-west-2:111122223333:table/*")})),
			err:    `^tables\[0\]\.arn: Invalid DynamoDB Table ARN: .* contains a wildcard`,
		},
		"index ARN points at indexes": {
			tables: tuple(carts(nil), obj(map[string]attr.Value{"arn": str(ordersTableARN + "/index/byCustomer")})),
			err:    `^tables\[1\]\.arn: Invalid DynamoDB Table ARN: .* secondary index.*indexes = true`,
		},
		"invalid access": {
			tables: tuple(carts(map[string]attr.Value{"access": str("admin")})),
			err:    `^tables\[0\]\.access: Invalid Access Level: Access "admin" is not one of "read", "write", "read_write"$`,
		},
		"wildcard action": {
			tables: tuple(carts(map[string]attr.Value{"actions": tuple(str("dynamodb:Get*"))})),
			err:    `^tables\[0\]\.actions: .*"dynamodb:Get\*" contains a wildcard`,
		},
		"action without prefix": {
			tables: tuple(carts(map[string]attr.Value{"actions": tuple(str("GetItem"))})),
			err:    `^tables\[0\]\.actions: .*did you mean "dynamodb:GetItem"`,
		},
		"actions not strings": {
			tables: tuple(carts(map[string]attr.Value{"actions": tuple(types.BoolValue(true))})),
			err:    `^tables\[0\]\.actions: element 0: expected a string, got the bool true$`,
		},
		"empty actions": {
			tables: tuple(carts(map[string]attr.Value{"actions": tuple()})),
			err:    `^tables\[0\]\.actions is empty`,
		},
		"access and actions": {
			tables: tuple(carts(map[string]attr.Value{"access": str("read"), "actions": tuple(str("dynamodb:GetItem"))})),
			err:    `^tables\[0\]: Conflicting Access and Actions: `,
		},
		"explicit indexes without index actions": {
			tables: tuple(carts(map[string]attr.Value{"access": str("write"), "indexes": types.BoolValue(true)})),
			err:    `^tables\[0\]: Indexes Without Index Actions: `,
		},
		"streams not a bool": {
			tables: tuple(carts(map[string]attr.Value{"streams": str("yes")})),
			err:    `^tables\[0\]\.streams: expected true or false, got the string "yes"$`,
		},
		"duplicate table": {
			tables: tuple(carts(nil), carts(map[string]attr.Value{"access": str("write")})),
			err:    `^Duplicate Table Grant: Table "` + regexp.QuoteMeta(cartsTableARN) + `" has more than one grant\. Combine them into one grant$`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, ferr := runFunction(t, provider.NewDynamoDBPolicyFunction(), types.DynamicValue(tc.tables))
			if tc.err != "" {
				if ferr == nil {
					t.Fatalf("no error; got %s", got)
				}
				if ferr.FunctionArgument == nil || *ferr.FunctionArgument != 0 {
					t.Errorf("error not attributed to argument 0 (tables): %+v", ferr)
				}
				if !regexp.MustCompile(tc.err).MatchString(ferr.Text) {
					t.Errorf("error text\n  %s\ndoes not match\n  %s", ferr.Text, tc.err)
				}
				return
			}
			if ferr != nil {
				t.Fatalf("unexpected error: %s", ferr.Text)
			}
			doc := got.(types.String).ValueString()
			gotSids := sids(t, doc)
			if fmt.Sprint(gotSids) != fmt.Sprint(tc.want) {
				t.Errorf("statements\n  got  %q\n  want %q", gotSids, tc.want)
			}
		})
	}
}

// The exact document, byte for byte: module authors diff it in plans.
func TestDynamoDBPolicyFunction_canonicalDocument(t *testing.T) {
	t.Parallel()
	got, ferr := runFunction(t, provider.NewDynamoDBPolicyFunction(),
		types.DynamicValue(tuple(obj(map[string]attr.Value{"arn": str(cartsTableARN), "access": str("read_write")}))))
	if ferr != nil {
		t.Fatal(ferr.Text)
	}
	if got := got.(types.String).ValueString(); got != cartsReadWritePolicy {
		t.Errorf("got\n%s\nwant\n%s", got, cartsReadWritePolicy)
	}
}

// Terraform does not call a function whose arguments are partly unknown,
// but a direct caller may: the result is then unknown, not an error about
// a missing ARN.
func TestDynamoDBPolicyFunction_unknown(t *testing.T) {
	t.Parallel()
	for name, tables := range map[string]attr.Value{
		"unknown arn":   tuple(obj(map[string]attr.Value{"arn": types.StringUnknown()})),
		"unknown list":  types.DynamicUnknown(),
		"unknown table": tuple(obj(map[string]attr.Value{"arn": str(cartsTableARN)}), types.DynamicUnknown()),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, ferr := runFunction(t, provider.NewDynamoDBPolicyFunction(), types.DynamicValue(tables))
			if ferr != nil {
				t.Fatalf("unexpected error: %s", ferr.Text)
			}
			if !got.IsUnknown() {
				t.Errorf("got %s, want unknown", got)
			}
		})
	}
}

func TestAccDynamoDBPolicyFunction_basic(t *testing.T) {
	env := accEnv(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + fmt.Sprintf(`
output "policy" {
  value = provider::podidentity::dynamodb_policy([{ arn = %q, access = "read_write" }])
}
`, cartsTableARN),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("policy", knownvalue.StringExact(cartsReadWritePolicy)),
			},
		}},
	})
}

// The call syntax of the docs: tables with different attributes in one
// list, and an ARN that, like aws_dynamodb_table.carts.arn, is only known
// after apply. The plan shows the policy as unknown; apply fills it in.
func TestAccDynamoDBPolicyFunction_mixedTablesUnknownAtPlan(t *testing.T) {
	env := accEnv(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + fmt.Sprintf(`
resource "terraform_data" "carts" {
  input = %q
}

output "policy" {
  value = provider::podidentity::dynamodb_policy([
    { arn = terraform_data.carts.output, access = "read_write" },
    { arn = %q, access = "write", streams = true },
  ])
}
`, cartsTableARN, ordersTableARN),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectUnknownOutputValue("policy")},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("policy", knownvalue.StringFunc(func(doc string) error {
					p, err := leastpriv.ParsePolicy(doc)
					if err != nil {
						return err
					}
					var got []string
					for _, s := range p.Statements {
						got = append(got, s.Sid+" "+s.Resource[0])
					}
					want := []string{
						"ReadWriteItemsCarts " + cartsTableARN,
						"ReadWriteIndexesCarts " + cartsTableARN + "/index/*",
						"WriteItemsOrders " + ordersTableARN,
						"ReadStreamsOrders " + ordersTableARN + "/stream/*",
					}
					if fmt.Sprint(got) != fmt.Sprint(want) {
						return fmt.Errorf("statements %q, want %q", got, want)
					}
					return nil
				})),
			},
		}},
	})
}

// A wrong ARN fails the plan with leastpriv's words, pointing at the
// argument.
func TestAccDynamoDBPolicyFunction_invalidARN(t *testing.T) {
	env := accEnv(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + `
output "policy" {
  value = provider::podidentity::dynamodb_policy([{ arn = "arn:aws:dynamodb:us-west-2:111122223333:table/*" }])
}
`,
			ExpectError: wrapped(`Invalid value for "tables" parameter: tables[0].arn: Invalid DynamoDB Table ARN: "arn:aws:dynamodb:us-west-2:111122223333:table/*" contains a wildcard`),
		}},
	})
}

// Tables from a typed module variable arrive as a list of objects whose
// optional attributes are null: they take the same defaults.
func TestAccDynamoDBPolicyFunction_typedVariable(t *testing.T) {
	env := accEnv(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + fmt.Sprintf(`
variable "tables" {
  type = list(object({
    arn     = string
    access  = optional(string)
    actions = optional(list(string))
    indexes = optional(bool)
    streams = optional(bool)
  }))
  default = [{ arn = %q, access = "read_write" }]
}

output "policy" {
  value = provider::podidentity::dynamodb_policy(var.tables)
}
`, cartsTableARN),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("policy", knownvalue.StringExact(cartsReadWritePolicy)),
			},
		}},
	})
}

// Whatever a module passes, the function either fails on the tables
// argument or returns a valid policy that grants nothing beyond the table
// it names (its ARN, its indexes and streams) except the Resource "*"
// actions that were asked for by name.
func FuzzDynamoDBPolicyFunction(f *testing.F) {
	f.Add(cartsTableARN, "read_write", "", "", "")
	f.Add(cartsTableARN, "", "dynamodb:GetItem", "false", "true")
	f.Add(cartsTableARN, "", "dynamodb:ListTables", "", "")
	f.Add("arn:aws:dynamodb:us-west-2:111122223333:table/*", "read", "", "", "")
	f.Add(cartsTableARN+"/index/byCustomer", "write", "", "true", "")
	f.Add("arn:aws-cn:dynamodb:cn-north-1:111122223333:table/a.b-c_d", "write", "dynamodb:Get*", "yes", "1")
	f.Fuzz(func(t *testing.T, arn, access, action, indexes, streams string) {
		attrs := map[string]attr.Value{"arn": str(arn)}
		if access != "" {
			attrs["access"] = str(access)
		}
		if action != "" {
			attrs["actions"] = tuple(str(action))
		}
		if indexes != "" {
			attrs["indexes"] = str(indexes)
		}
		if streams != "" {
			attrs["streams"] = str(streams)
		}
		got, ferr := runFunction(t, provider.NewDynamoDBPolicyFunction(), types.DynamicValue(tuple(obj(attrs))))
		if ferr != nil {
			if ferr.FunctionArgument == nil || *ferr.FunctionArgument != 0 || ferr.Text == "" {
				t.Fatalf("error not attributed to tables, or empty: %+v", ferr)
			}
			return
		}
		p, err := leastpriv.ParsePolicy(got.(types.String).ValueString())
		if err != nil {
			t.Fatalf("invalid policy: %s", err)
		}
		for _, s := range p.Statements {
			for _, r := range s.Resource {
				switch {
				case r == arn, r == arn+"/index/*", r == arn+"/stream/*":
				case r == "*" && len(s.Action) == 1 && strings.EqualFold(s.Action[0], action):
				default:
					t.Fatalf("statement %s grants %v on %q, beyond table %q", s.Sid, s.Action, r, arn)
				}
			}
		}
	})
}
