package tfplan

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

func TestReadErrors(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		input      string
		wantErr    string
		wantOffset int64
	}{
		"format 2": {
			input:      `{"format_version":"2.0","resource_changes":[]}`,
			wantErr:    "plan format 2.0 is not supported; this tool reads format 1.x from terraform show -json",
			wantOffset: -1,
		},
		"format 0.2 (Terraform 0.x)": {
			input:      `{"format_version":"0.2"}`,
			wantErr:    "plan format 0.2 is not supported; this tool reads format 1.x from terraform show -json",
			wantOffset: -1,
		},
		"invalid format version": {
			input:      `{"format_version":"banana"}`,
			wantErr:    `invalid plan format_version "banana"`,
			wantOffset: -1,
		},
		"syntax error": {
			input:      "{\"format_version\":\"1.2\",\n \"resource_changes\": [x]}",
			wantErr:    "invalid JSON at offset 40: invalid character 'x' looking for beginning of value",
			wantOffset: 40,
		},
		"truncated": {
			input:      `{"format_version":"1.2","resource_changes":[{"address":"a"`,
			wantErr:    "unexpected end of input",
			wantOffset: 58,
		},
		"empty": {
			input:      ``,
			wantErr:    "empty input",
			wantOffset: -1,
		},
		"not an object": {
			input:      `["format_version"]`,
			wantErr:    "not a JSON plan: expected an object",
			wantOffset: -1,
		},
		"no format version": {
			input:      `{"resource_changes":[]}`,
			wantErr:    "format_version is missing",
			wantOffset: -1,
		},
		"trailing data": {
			input:      `{"format_version":"1.2"} {}`,
			wantErr:    "unexpected data after the plan object",
			wantOffset: 24,
		},
		"wrong type": {
			input:      `{"format_version":"1.2","resource_changes":{"a":1}}`,
			wantErr:    "expected an array",
			wantOffset: 44,
		},
		"wrong element type": {
			input:      `{"format_version":"1.2","resource_changes":[{"address":7}]}`,
			wantErr:    "cannot unmarshal number",
			wantOffset: 57,
		},
		"state instead of plan": {
			input:      `{"format_version":"1.0","terraform_version":"1.9.0","values":{"root_module":{}}}`,
			wantErr:    "this is the JSON of a state",
			wantOffset: -1,
		},
		"errored plan": {
			input:      `{"format_version":"1.2","planned_values":{},"errored":true}`,
			wantErr:    `incomplete plan: terraform reported errors while planning ("errored": true)`,
			wantOffset: -1,
		},
		"errored not a bool": {
			input:      `{"format_version":"1.2","errored":"no"}`,
			wantErr:    "cannot unmarshal string",
			wantOffset: 38,
		},
		"empty plan": {
			input:      `{"format_version":"1.2","planned_values":{"root_module":{}},"errored":false}`,
			wantErr:    "",
			wantOffset: 0,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			inv, err := Read(strings.NewReader(tc.input))
			if tc.wantErr == "" {
				if err != nil || inv == nil {
					t.Fatalf("Read() = %v, %v; want an empty inventory", inv, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Read() error = nil, want %q", tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Read() error = %q, want it to contain %q", err, tc.wantErr)
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("Read() error is %T, want *Error", err)
			}
			if pe.Offset != tc.wantOffset {
				t.Errorf("offset = %d, want %d", pe.Offset, tc.wantOffset)
			}
		})
	}
}

func TestReadFileMissing(t *testing.T) {
	t.Parallel()
	_, err := ReadFile(filepath.Join(t.TempDir(), "nope.json"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("ReadFile() error = %v, want not exist", err)
	}
}

// planEdges summarises an Inventory as "grant -> role address" and
// "fact kind address -> role address" lines.
func planEdges(inv *leastpriv.Inventory) []string {
	role := func(r leastpriv.RoleRef) string {
		if r.Address != "" {
			return r.Address
		}
		if !r.Name.Unknown && r.Name.Value != "" {
			return "name:" + r.Name.Value
		}
		return "unknown:" + r.Name.Expr
	}
	var out []string
	for _, p := range inv.InlinePolicies {
		doc := "doc"
		if p.Document.Unknown {
			doc = "unknown-doc:" + p.Document.Expr
		}
		out = append(out, "inline "+p.Address+" -> "+role(p.Role)+" "+doc)
	}
	for _, a := range inv.Attachments {
		pol := a.PolicyAddress
		if pol == "" {
			pol = a.PolicyARN.Value
		}
		out = append(out, "attach "+a.Address+" -> "+role(a.Role)+" "+pol)
	}
	for _, f := range inv.NodeRoleFacts {
		out = append(out, "fact "+string(f.Kind)+" "+f.Address+" -> "+role(f.Role))
	}
	for _, p := range inv.PodIdentityAssociations {
		out = append(out, "pia "+p.Address+" -> "+role(p.Role)+" "+p.Namespace.Value+"/"+p.ServiceAccount.Value)
	}
	slices.Sort(out)
	return out
}

// TestReadResolvesRoles checks which role every grant and node role
// fact reaches in the fixture plans, through each resolution path.
func TestReadResolvesRoles(t *testing.T) {
	t.Parallel()
	tests := map[string][]string{
		"root_inline_policy": {
			"fact node_group aws_eks_node_group.default -> aws_iam_role.node",
			"inline aws_iam_role_policy.node_dynamodb -> aws_iam_role.node doc",
		},
		"known_role_name": {
			"fact node_group aws_eks_node_group.default -> aws_iam_role.node",
			"inline aws_iam_role_policy.node_dynamodb -> aws_iam_role.node doc",
		},
		"nested_module_output": {
			"fact node_group module.nodes.aws_eks_node_group.default -> module.nodes.module.role.aws_iam_role.this",
			"inline aws_iam_role_policy.node_dynamodb -> module.nodes.module.role.aws_iam_role.this doc",
		},
		"variable_into_module": {
			"fact node_group aws_eks_node_group.default -> aws_iam_role.node",
			"inline module.grants.aws_iam_role_policy.this -> aws_iam_role.node doc",
		},
		"module_instances": {
			`fact node_group module.pool["general"].aws_eks_node_group.pool -> module.pool["general"].aws_iam_role.this`,
			`fact node_group module.pool["gpu"].aws_eks_node_group.pool -> module.pool["gpu"].aws_iam_role.this`,
			`inline aws_iam_role_policy.gpu_dynamodb -> module.pool["gpu"].aws_iam_role.this doc`,
			`inline module.grant[0].aws_iam_role_policy.this -> module.pool["general"].aws_iam_role.this doc`,
		},
		"count_instances": {
			"fact node_group aws_eks_node_group.pool[0] -> aws_iam_role.node[0]",
			"fact node_group aws_eks_node_group.pool[1] -> aws_iam_role.node[1]",
			"inline aws_iam_role_policy.node_dynamodb -> aws_iam_role.node[1] doc",
			"inline aws_iam_role_policy.node_logs[0] -> aws_iam_role.node[0] doc",
			"inline aws_iam_role_policy.node_logs[1] -> aws_iam_role.node[1] doc",
		},
		"for_each_instances": {
			`fact node_group aws_eks_node_group.pool["general"] -> aws_iam_role.node["general"]`,
			`fact node_group aws_eks_node_group.pool["gpu"] -> aws_iam_role.node["gpu"]`,
			`inline aws_iam_role_policy.grant["general"] -> aws_iam_role.node["general"] doc`,
			`inline aws_iam_role_policy.grant["gpu"] -> aws_iam_role.node["gpu"] doc`,
		},
		"prior_state_noop": {
			"fact node_group aws_eks_node_group.default -> aws_iam_role.node",
			"inline aws_iam_role_policy.node_dynamodb -> aws_iam_role.node doc",
		},
		"deleted_grant": {
			"fact node_group aws_eks_node_group.default -> aws_iam_role.node",
			"inline aws_iam_role_policy.replaced_grant -> aws_iam_role.node doc",
		},
		"deleted_only": {
			"fact node_group aws_eks_node_group.default -> aws_iam_role.node",
		},
		"unknown_arn_attachment": {
			"attach aws_iam_role_policy_attachment.node_orders -> aws_iam_role.node aws_iam_policy.orders",
			"fact node_group aws_eks_node_group.default -> aws_iam_role.node",
		},
		"exclusive_attachments": {
			"attach aws_iam_role_policy_attachments_exclusive.node -> aws_iam_role.node arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
			"attach aws_iam_role_policy_attachments_exclusive.node -> aws_iam_role.node aws_iam_policy.orders",
			"fact node_group aws_eks_node_group.default -> aws_iam_role.node",
		},
		"managed_policy_arns": {
			"attach aws_iam_role.node -> aws_iam_role.node aws_iam_policy.orders",
			"fact node_group aws_eks_node_group.default -> aws_iam_role.node",
		},
		"inline_policy_block": {
			"fact node_group aws_eks_node_group.default -> aws_iam_role.node",
			"inline aws_iam_role.node -> aws_iam_role.node doc",
		},
		"access_entry": {
			"fact access_entry aws_eks_access_entry.hybrid -> aws_iam_role.hybrid",
			"inline aws_iam_role_policy.admin_dynamodb -> aws_iam_role.admin doc",
			"inline aws_iam_role_policy.hybrid_dynamodb -> aws_iam_role.hybrid doc",
		},
		"fargate_profile": {
			"attach aws_iam_role_policy_attachment.fargate_dynamodb -> aws_iam_role.fargate arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess",
			"fact fargate_profile aws_eks_fargate_profile.default -> aws_iam_role.fargate",
		},
		"auto_mode": {
			"fact auto_mode aws_eks_cluster.this -> aws_iam_role.auto_node",
			"inline aws_iam_role_policy.auto_node_dynamodb -> aws_iam_role.auto_node doc",
		},
		"instance_profile": {
			"fact instance_profile aws_iam_instance_profile.self_managed -> aws_iam_role.self_managed",
			"inline aws_iam_role_policy.self_managed_dynamodb -> aws_iam_role.self_managed doc",
		},
		"policy_attachment_roles": {
			"attach aws_iam_policy_attachment.orders -> aws_iam_role.carts aws_iam_policy.orders",
			"attach aws_iam_policy_attachment.orders -> aws_iam_role.node aws_iam_policy.orders",
			"fact node_group aws_eks_node_group.default -> aws_iam_role.node",
			"pia aws_eks_pod_identity_association.carts -> aws_iam_role.carts carts/carts",
		},
		"policy_document_unknown": {
			"fact node_group aws_eks_node_group.default -> aws_iam_role.node",
			"inline aws_iam_role_policy.node_dynamodb -> aws_iam_role.node doc",
		},
		"pi008_unknown_policy": {
			"fact node_group aws_eks_node_group.default -> aws_iam_role.node",
			"inline aws_iam_role_policy.node_dynamodb -> aws_iam_role.node unknown-doc:aws_dynamodb_table.orders.arn",
		},
		"pi008_unknown_role": {
			"fact node_group aws_eks_node_group.default -> aws_iam_role.node",
			"inline aws_iam_role_policy.mystery -> unknown:aws_dynamodb_table.orders.id doc",
		},
		"least_privilege_existing_node_role": {
			"fact node_group aws_eks_node_group.default -> aws_iam_role.node",
			"inline podidentity_least_privilege.carts -> aws_iam_role.node doc",
			"pia podidentity_least_privilege.carts -> aws_iam_role.node carts/carts",
		},
		"clean_least_privilege": {
			`attach aws_iam_role_policy_attachment.node["arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"] -> aws_iam_role.node arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly`,
			`attach aws_iam_role_policy_attachment.node["arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"] -> aws_iam_role.node arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy`,
			`attach aws_iam_role_policy_attachment.node["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"] -> aws_iam_role.node arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy`,
			"fact node_group aws_eks_node_group.default -> aws_iam_role.node",
			"inline podidentity_least_privilege.carts -> podidentity_least_privilege.carts doc",
			"pia podidentity_least_privilege.carts -> podidentity_least_privilege.carts carts/carts",
		},
	}
	checkPlanEdges(t, tests, false)
}

// checkPlanEdges reads every plan of each scenario (OpenTofu's plan.json
// and, when there is one, Terraform's plan-terraform.json) and compares
// their edges (planEdges) with want: exactly, or when subset is true, that
// each wanted edge is among them.
func checkPlanEdges(t *testing.T, tests map[string][]string, subset bool) {
	t.Helper()
	for scenario, want := range tests {
		want = slices.Sorted(slices.Values(want))
		plans, err := filepath.Glob(filepath.Join("testdata", "plans", scenario, "plan*.json"))
		if err != nil || len(plans) == 0 {
			t.Fatalf("%s: no plans (%v)", scenario, err)
		}
		for _, plan := range plans {
			t.Run(scenario+"/"+filepath.Base(plan), func(t *testing.T) {
				t.Parallel()
				inv, err := ReadFile(plan)
				if err != nil {
					t.Fatal(err)
				}
				got := planEdges(inv)
				if !subset {
					if !slices.Equal(got, want) {
						t.Errorf("edges:\n got  %q\n want %q", got, want)
					}
					return
				}
				for _, w := range want {
					if !slices.Contains(got, w) {
						t.Errorf("missing edge %q\n got %q", w, got)
					}
				}
			})
		}
	}
}

func TestReadPolicyDocuments(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		scenario string
		address  string
		contains []string
	}{
		"read during plan, from prior_state": {
			scenario: "policy_document_known",
			address:  "aws_iam_role_policy.node_dynamodb",
			contains: []string{`"dynamodb:GetItem"`, `"Sid": "Orders"`, `arn:aws:dynamodb:us-west-2:123456789012:table/orders`},
		},
		"read during apply, rendered from statements": {
			scenario: "policy_document_unknown",
			address:  "aws_iam_role_policy.node_dynamodb",
			contains: []string{`"dynamodb:PutItem"`, `"dynamodb:UpdateItem"`, `"Resource":"arn:aws:dynamodb:${region}:${account}:table/orders"`},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			inv, err := ReadFile(filepath.Join("testdata", "plans", tc.scenario, "plan.json"))
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range inv.InlinePolicies {
				if p.Address != tc.address {
					continue
				}
				if p.Document.Unknown {
					t.Fatalf("document unknown: %s", p.Document.Expr)
				}
				if _, err := leastpriv.ParsePolicy(p.Document.JSON); err != nil {
					t.Fatalf("document does not parse: %v\n%s", err, p.Document.JSON)
				}
				for _, s := range tc.contains {
					if !strings.Contains(p.Document.JSON, s) {
						t.Errorf("document lacks %s:\n%s", s, p.Document.JSON)
					}
				}
				return
			}
			t.Fatalf("no inline policy %s", tc.address)
		})
	}
}

func TestReadCarts(t *testing.T) {
	t.Parallel()
	inv, err := ReadFile(filepath.Join("testdata", "plans", "clean_carts", "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	var carts *leastpriv.Role
	for _, r := range inv.Roles {
		if r.Address == "aws_iam_role.carts" {
			carts = r
		}
	}
	if carts == nil || carts.Name.Value != "eks-workshop-carts-dynamo" || !carts.ARN.Unknown {
		t.Fatalf("carts role = %+v", carts)
	}
	if !strings.Contains(carts.TrustPolicy.JSON, "pods.eks.amazonaws.com") || !strings.Contains(carts.TrustPolicy.JSON, "kubernetes-service-account") {
		t.Errorf("trust policy = %s", carts.TrustPolicy.JSON)
	}
	if len(inv.ManagedPolicies) != 1 || inv.ManagedPolicies[0].Document.Unknown ||
		!strings.Contains(inv.ManagedPolicies[0].Document.JSON, "table/eks-workshop-carts") {
		t.Errorf("managed policies = %+v", inv.ManagedPolicies[0])
	}
	if len(inv.NodeGroupIMDS) != 1 || inv.NodeGroupIMDS[0].HopLimit == nil || *inv.NodeGroupIMDS[0].HopLimit != 1 {
		t.Errorf("IMDS = %+v", inv.NodeGroupIMDS)
	}
}

func TestReadIMDS(t *testing.T) {
	t.Parallel()
	tests := map[string]map[string]string{
		"launch_template_imds": {
			"aws_eks_node_group.open":   "aws_launch_template.hop2 hop=2",
			"aws_eks_node_group.locked": "aws_launch_template.hop1 hop=1",
			"aws_eks_node_group.noimds": "aws_launch_template.disabled hop=2 disabled",
		},
		"imds_defaults": {
			"aws_eks_node_group.nolt":     " unset",
			"aws_eks_node_group.unset":    "aws_launch_template.tokens_only unset",
			"aws_eks_node_group.computed": "aws_launch_template.computed unset unknown",
		},
	}
	for scenario, want := range tests {
		t.Run(scenario, func(t *testing.T) {
			t.Parallel()
			inv, err := ReadFile(filepath.Join("testdata", "plans", scenario, "plan.json"))
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, m := range inv.NodeGroupIMDS {
				s := m.LaunchTemplateAddress + " unset"
				if m.HopLimit != nil {
					s = fmt.Sprintf("%s hop=%d", m.LaunchTemplateAddress, *m.HopLimit)
				}
				if m.HopLimitUnknown {
					s += " unknown"
				}
				if m.HTTPEndpointDisabled {
					s += " disabled"
				}
				if m.Role.Address != "aws_iam_role.node" {
					t.Errorf("%s: role = %+v", m.Address, m.Role)
				}
				got[m.Address] = s
			}
			if !maps.Equal(got, want) {
				t.Errorf("IMDS = %q, want %q", got, want)
			}
		})
	}
}

func TestPlanParseAddress(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		in         string
		wantModule string
		wantParent string
		wantCall   string
		wantKey    any
	}{
		"root":   {in: "aws_iam_role.node", wantModule: ""},
		"count":  {in: "module.a[0].aws_iam_role.node[1]", wantModule: "module.a[0]", wantParent: "", wantCall: "a", wantKey: float64(0)},
		"nested": {in: `module.a.module.b["x.y"].aws_iam_role.node`, wantModule: `module.a.module.b["x.y"]`, wantParent: "module.a", wantCall: "b", wantKey: "x.y"},
		"quote":  {in: `module.a["q\"]"].data.aws_iam_policy_document.d`, wantModule: `module.a["q\"]"]`, wantCall: "a", wantKey: `q"]`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			mod := planModuleOfAddress(tc.in)
			if mod != tc.wantModule {
				t.Fatalf("module = %q, want %q", mod, tc.wantModule)
			}
			if mod == "" {
				return
			}
			parent, call, key := planParentModule(mod)
			if parent != tc.wantParent || call != tc.wantCall || key != tc.wantKey {
				t.Errorf("parent = %q %q %v, want %q %q %v", parent, call, key, tc.wantParent, tc.wantCall, tc.wantKey)
			}
		})
	}
}

func TestReviewSummary(t *testing.T) {
	t.Parallel()
	f, err := os.Open(filepath.Join("testdata", "plans", "launch_template_imds", "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	review, err := Review(f, leastpriv.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// A role, three launch templates and three node groups.
	if s := review.Summary(); s != (leastpriv.Summary{Errors: 0, Warnings: 1, Resources: 7}) {
		t.Errorf("summary = %+v", s)
	}
	if review.FailsAt("error") || !review.FailsAt("warning") || review.FailsAt("never") {
		t.Errorf("FailsAt wrong for one warning")
	}
}

func FuzzRead(f *testing.F) {
	// Small fixtures: the fuzzer minimises large inputs slowly.
	for _, s := range []string{"pi003_wildcard_action", "instance_profile"} {
		b, err := os.ReadFile(filepath.Join("testdata", "plans", s, "plan.json"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"format_version":"1.2","resource_changes":[{"address":"module.a[\"x\"].aws_iam_role.r[0]","type":"aws_iam_role","change":{"actions":["create"],"after":{},"after_unknown":{"name":true}}}],"configuration":{"root_module":{}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		inv, err := Read(strings.NewReader(string(b)))
		if err == nil && inv == nil {
			t.Fatal("nil inventory without error")
		}
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *Error: %v", err, err)
			}
			return
		}
		leastpriv.Check(inv, leastpriv.CheckOptions{})
	})
}

// TestReadPriorStateOnly drops the no-op entries from resource_changes
// (as plans made with -target, or by Terraform versions that leave no-op
// changes out, do) so that the unchanged node role, node group and grant
// are only in prior_state. Re-encoding also sorts the keys, putting
// prior_state before resource_changes, unlike terraform: the reader must not
// depend on the order.
func TestReadPriorStateOnly(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("testdata", "plans", "prior_state_noop", "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	var plan map[string]json.RawMessage
	if err := json.Unmarshal(raw, &plan); err != nil {
		t.Fatal(err)
	}
	var changes []map[string]any
	if err := json.Unmarshal(plan["resource_changes"], &changes); err != nil {
		t.Fatal(err)
	}
	var kept []map[string]any
	for _, rc := range changes {
		if fmt.Sprint(rc["change"].(map[string]any)["actions"]) != "[no-op]" {
			kept = append(kept, rc)
		}
	}
	if len(kept) != 1 {
		t.Fatalf("kept %d changes, want only the table's update", len(kept))
	}
	plan["resource_changes"], _ = json.Marshal(kept)
	trimmed, _ := json.Marshal(plan)

	review, err := Review(strings.NewReader(string(trimmed)), leastpriv.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(review.Findings) != 1 || review.Findings[0].Rule != leastpriv.RuleNodeRoleDataGrant || review.Findings[0].Address != "aws_iam_role_policy.node_dynamodb" {
		t.Errorf("findings = %v", review.Findings)
	}
	if review.Resources != 5 {
		t.Errorf("resources = %d, want 5", review.Resources)
	}
	inv, err := Read(strings.NewReader(string(trimmed)))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"fact node_group aws_eks_node_group.default -> aws_iam_role.node",
		"inline aws_iam_role_policy.node_dynamodb -> aws_iam_role.node doc",
	}
	if got := planEdges(inv); !slices.Equal(got, want) {
		t.Errorf("edges = %q, want %q", got, want)
	}
}
