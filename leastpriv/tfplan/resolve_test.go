package tfplan

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

// TestPlanResolveEdges checks which role every grant and node role fact of
// the newer fixtures reaches: for_each collections (each.value), index
// expressions that are not each.key, and the other resolution paths
// those fixtures exercise.
func TestPlanResolveEdges(t *testing.T) {
	t.Parallel()
	tests := map[string][]string{
		"for_each_object_map": {
			`fact node_group aws_eks_node_group.pool["batch"] -> aws_iam_role.node["batch"]`,
			`fact node_group aws_eks_node_group.pool["general"] -> aws_iam_role.node["general"]`,
			// each.value.role_key, not the grant's own key.
			`inline aws_iam_role_policy.node_grant["batch-orders"] -> aws_iam_role.node["batch"] doc`,
			`inline aws_iam_role_policy.pod_grant["carts-app"] -> aws_iam_role.pod["carts"] doc`,
			// for_each = aws_iam_role.pod, role_arn = each.value.arn.
			`pia aws_eks_pod_identity_association.pod["carts"] -> aws_iam_role.pod["carts"] carts/carts`,
		},
		"module_for_each_node_grant": {
			`fact node_group aws_eks_node_group.pool["batch"] -> aws_iam_role.node["batch"]`,
			`fact node_group aws_eks_node_group.pool["general"] -> aws_iam_role.node["general"]`,
			`inline module.access["orders-batch"].aws_iam_role_policy.this -> aws_iam_role.node["batch"] doc`,
			`inline module.app_access["carts"].aws_iam_role_policy.this -> aws_iam_role.carts doc`,
			`inline module.legacy["general"].aws_iam_role_policy.this -> unknown:each.value (for_each over aws_iam_role.node["general"].name) doc`,
			"pia aws_eks_pod_identity_association.carts -> aws_iam_role.carts carts/carts",
		},
		// roles = var.roles in a module: every element of the list the
		// parent passes, not only the first.
		"policy_attachment_module": {
			"attach module.shared_policy.aws_iam_policy_attachment.this -> aws_iam_role.carts module.shared_policy.aws_iam_policy.this",
			"attach module.shared_policy.aws_iam_policy_attachment.this -> aws_iam_role.node module.shared_policy.aws_iam_policy.this",
			"fact node_group aws_eks_node_group.default -> aws_iam_role.node",
			"pia aws_eks_pod_identity_association.carts -> aws_iam_role.carts carts/carts",
		},
		// Roles looked up with data.aws_iam_role are roles of the inventory.
		"existing_node_role_data_source": {
			"attach aws_iam_role_policy_attachment.node_dynamodb -> data.aws_iam_role.node arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess",
			"inline aws_iam_role_policy.carts -> data.aws_iam_role.carts doc",
		},
		"role_path_arn": {
			"fact node_group aws_eks_node_group.default -> aws_iam_role.node",
			"inline aws_iam_role_policy.carts -> aws_iam_role.carts doc",
			"inline aws_iam_role_policy.node_orders -> aws_iam_role.node doc",
			"pia aws_eks_pod_identity_association.carts -> aws_iam_role.carts carts/carts",
		},
		// module.eks.eks_managed_node_groups["default"].iam_role_name: an
		// output that is a whole nested module, then that module's output.
		"eks_module_output_node_role": {
			`attach aws_iam_role_policy_attachment.carts_dynamodb -> module.eks.module.eks_managed_node_group["default"].aws_iam_role.this[0] arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess`,
			`attach module.eks.module.eks_managed_node_group["default"].aws_iam_role_policy_attachment.this["arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"] -> module.eks.module.eks_managed_node_group["default"].aws_iam_role.this[0] arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly`,
			`attach module.eks.module.eks_managed_node_group["default"].aws_iam_role_policy_attachment.this["arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"] -> module.eks.module.eks_managed_node_group["default"].aws_iam_role.this[0] arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy`,
			`attach module.eks.module.eks_managed_node_group["default"].aws_iam_role_policy_attachment.this["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"] -> module.eks.module.eks_managed_node_group["default"].aws_iam_role.this[0] arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy`,
			`attach module.eks.module.eks_managed_node_group["system"].aws_iam_role_policy_attachment.this["arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"] -> module.eks.module.eks_managed_node_group["system"].aws_iam_role.this[0] arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly`,
			`attach module.eks.module.eks_managed_node_group["system"].aws_iam_role_policy_attachment.this["arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"] -> module.eks.module.eks_managed_node_group["system"].aws_iam_role.this[0] arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy`,
			`attach module.eks.module.eks_managed_node_group["system"].aws_iam_role_policy_attachment.this["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"] -> module.eks.module.eks_managed_node_group["system"].aws_iam_role.this[0] arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy`,
			`fact node_group module.eks.module.eks_managed_node_group["default"].aws_eks_node_group.this[0] -> module.eks.module.eks_managed_node_group["default"].aws_iam_role.this[0]`,
			`fact node_group module.eks.module.eks_managed_node_group["system"].aws_eks_node_group.this[0] -> module.eks.module.eks_managed_node_group["system"].aws_iam_role.this[0]`,
			`inline aws_iam_role_policy.orders_via_conditional -> unknown:module.eks.node_groups["default"].iam_role_name doc`,
			`inline aws_iam_role_policy.system_logs -> module.eks.module.eks_managed_node_group["system"].aws_iam_role.this[0] doc`,
		},
		// for_each = module.team: each.value.role_name is the output of
		// the module instance with the same key.
		"for_each_over_module": {
			`fact node_group module.pool["batch"].aws_eks_node_group.this -> module.pool["batch"].aws_iam_role.node`,
			`inline aws_iam_role_policy.extra["carts"] -> module.team["carts"].aws_iam_role.this doc`,
			`inline aws_iam_role_policy.extra["orders"] -> module.team["orders"].aws_iam_role.this doc`,
			`inline aws_iam_role_policy.pool_orders["batch"] -> module.pool["batch"].aws_iam_role.node doc`,
			`pia module.team["carts"].aws_eks_pod_identity_association.this -> module.team["carts"].aws_iam_role.this carts/carts`,
			`pia module.team["orders"].aws_eks_pod_identity_association.this -> module.team["orders"].aws_iam_role.this orders/orders`,
		},
		"node_role_two_module_layers": {
			"fact node_group module.platform.module.nodes.aws_eks_node_group.this -> module.platform.module.nodes.aws_iam_role.this",
			"inline module.grants.module.carts.aws_iam_role_policy.this -> module.platform.aws_iam_role.carts doc",
			"inline module.grants.module.orders.aws_iam_role_policy.this -> module.platform.module.nodes.aws_iam_role.this doc",
		},
		// Round 5, blueprints-addons style. lookup(each.value, ...) over a
		// local is not in the plan: the add-on roles' and the root node
		// attachment's policies are unknown (the latter PI008). Inside
		// module.blueprints, for_each = var.node_role_name == null ? {} :
		// lookup(var.carts, ...): the string operand is no collection, so
		// each.value comes from var.carts, whose only resource is the
		// carts policy.
		"blueprints_addons": {
			`attach aws_iam_role_policy_attachment.node_addon["dynamodb"] -> aws_iam_role.node `,
			`attach module.addon["aws_load_balancer_controller"].aws_iam_role_policy_attachment.this["lbc"] -> module.addon["aws_load_balancer_controller"].aws_iam_role.this `,
			`attach module.addon["carts"].aws_iam_role_policy_attachment.this["dynamodb"] -> module.addon["carts"].aws_iam_role.this `,
			`attach module.blueprints.aws_iam_role_policy_attachment.carts["dynamodb"] -> module.blueprints.aws_iam_role.carts aws_iam_policy.carts_dynamodb`,
			`attach module.blueprints.aws_iam_role_policy_attachment.node["dynamodb"] -> aws_iam_role.node aws_iam_policy.carts_dynamodb`,
			"fact node_group aws_eks_node_group.default -> aws_iam_role.node",
			`pia module.addon["aws_load_balancer_controller"].aws_eks_pod_identity_association.this -> module.addon["aws_load_balancer_controller"].aws_iam_role.this kube-system/aws-load-balancer-controller`,
			`pia module.addon["carts"].aws_eks_pod_identity_association.this -> module.addon["carts"].aws_iam_role.this carts/carts`,
			`pia module.addon["external_dns"].aws_eks_pod_identity_association.this -> module.addon["external_dns"].aws_iam_role.this external-dns/external-dns`,
		},
		// The quick fix on the workshop's node role, and the carts role of
		// terraform-aws-modules/iam's iam-assumable-role (count).
		"eks_workshop_carts_quick_fix": {
			"attach aws_iam_role_policy_attachment.cluster -> aws_iam_role.cluster arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
			"attach aws_iam_role_policy_attachment.node_carts -> aws_iam_role.node aws_iam_policy.carts_dynamo",
			"attach aws_iam_role_policy_attachment.node_cni -> aws_iam_role.node arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
			"attach aws_iam_role_policy_attachment.node_ecr -> aws_iam_role.node arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
			"attach aws_iam_role_policy_attachment.node_worker -> aws_iam_role.node arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
			"attach module.iam_assumable_role_carts.aws_iam_role_policy_attachment.custom[0] -> module.iam_assumable_role_carts.aws_iam_role.this[0] aws_iam_policy.carts_dynamo",
			"fact node_group aws_eks_node_group.default -> aws_iam_role.node",
			"inline podidentity_least_privilege.carts_checkout -> podidentity_least_privilege.carts_checkout doc",
			"pia aws_eks_pod_identity_association.carts -> module.iam_assumable_role_carts.aws_iam_role.this[0] carts/carts",
			"pia podidentity_least_privilege.carts_checkout -> podidentity_least_privilege.carts_checkout checkout/checkout",
		},
	}
	checkPlanEdges(t, tests, false)
}

// TestPlanResolveEach evaluates each.key and each.value against for_each
// collections of every kind the configuration can describe.
func TestPlanResolveEach(t *testing.T) {
	t.Parallel()
	p := &planData{
		variables: map[string]any{
			"grants": map[string]any{
				"orders": map[string]any{"role": "node", "actions": []any{"dynamodb:Query"}},
			},
			"names": []any{"carts", "orders"},
			"a":     map[string]any{"x": "from-a"},
			"b":     map[string]any{"x": "from-b"},
		},
		prior: map[string]*planResource{},
	}
	r := newPlanResolver(p)
	refs := func(rs ...string) *tfjson.Expression {
		return &tfjson.Expression{ExpressionData: &tfjson.ExpressionData{References: rs}}
	}
	constant := func(v any) *tfjson.Expression {
		return &tfjson.Expression{ExpressionData: &tfjson.ExpressionData{ConstantValue: v}}
	}
	tests := map[string]struct {
		forEach *tfjson.Expression
		key     any
		ref     string
		want    string // "" for unknown
	}{
		"each.key":                     {forEach: refs("var.grants"), key: "orders", ref: "each.key", want: "orders"},
		"map of objects":               {forEach: refs("var.grants"), key: "orders", ref: "each.value.role", want: "node"},
		"nested traversal":             {forEach: refs("var.grants"), key: "orders", ref: "each.value.actions[0]", want: "dynamodb:Query"},
		"missing attribute":            {forEach: refs("var.grants"), key: "orders", ref: "each.value.nope"},
		"missing key":                  {forEach: refs("var.grants"), key: "carts", ref: "each.value.role"},
		"set of strings":               {forEach: refs("var.names"), key: "carts", ref: "each.value", want: "carts"},
		"constant map":                 {forEach: constant(map[string]any{"gpu": "eks-gpu"}), key: "gpu", ref: "each.value", want: "eks-gpu"},
		"constant set":                 {forEach: constant([]any{"a", "b"}), key: "b", ref: "each.value", want: "b"},
		"locals are not in the plan":   {forEach: refs("local.pools"), key: "gpu", ref: "each.value"},
		"two collections with the key": {forEach: refs("var.a", "var.b"), key: "x", ref: "each.value"},
		"count, not for_each":          {forEach: nil, key: float64(0), ref: "each.value"},
		"no for_each":                  {forEach: nil, key: "x", ref: "each.value"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// A resolver per case: the memo is not safe for concurrent use.
			r := newPlanResolver(r.p)
			v := r.ref(planScope{key: tc.key, forEach: tc.forEach}, tc.ref, 0)
			got := ""
			if !v.val.Unknown {
				got = v.val.Value
			}
			if got != tc.want {
				t.Errorf("%s = %+v, want %q", tc.ref, v, tc.want)
			}
			if tc.want == "" && (!v.val.Unknown || v.val.Expr == "") {
				t.Errorf("%s = %+v, want unknown with a description", tc.ref, v)
			}
		})
	}
}

func TestPlanOuterRefs(t *testing.T) {
	t.Parallel()
	got := planOuterRefs([]string{
		"aws_iam_role.node_b.name", "aws_iam_role.node_b", "aws_iam_role.node", "var.a.b", "var.a", `module.x["k"]`, "module.x",
	})
	want := []string{"aws_iam_role.node_b.name", "aws_iam_role.node", "var.a.b", `module.x["k"]`}
	if !slices.Equal(got, want) {
		t.Errorf("planOuterRefs = %q, want %q", got, want)
	}
}

// TestPlanPolicyDocumentMerge renders policy documents read during apply
// that merge source_policy_documents and override_policy_documents, as the
// AWS provider does: by Sid, overrides last.
func TestPlanPolicyDocumentMerge(t *testing.T) {
	t.Parallel()
	inv, err := ReadFile(filepath.Join("testdata", "plans", "policy_document_merge_unknown", "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		// The Allow "Orders" is replaced by the override's Deny.
		"aws_iam_role_policy.node_a": `[{"Action":"dynamodb:*","Effect":"Deny","Resource":"*","Sid":"Orders"}]`,
		"aws_iam_role_policy.node_b": `[{"Action":"dynamodb:GetItem","Effect":"Allow","Resource":"arn:aws:dynamodb:us-west-2:123456789012:table/orders","Sid":"Read"},` +
			`{"Action":"dynamodb:PutItem","Effect":"Allow","Resource":"arn:aws:dynamodb:${region}:${account}:table/orders","Sid":"Write"}]`,
		"aws_iam_role_policy.node_c": `[{"Action":"logs:PutLogEvents","Effect":"Allow","Resource":"*","Sid":"Logs"},` +
			`{"Action":"dynamodb:PutItem","Effect":"Allow","Resource":"arn:aws:dynamodb:${region}:${account}:table/orders","Sid":"Write"}]`,
		"aws_iam_role_policy.node_d": "unknown: override_policy_documents unknown (aws_dynamodb_table.orders.arn)",
	}
	for _, p := range inv.InlinePolicies {
		w, ok := want[p.Address]
		if !ok {
			continue
		}
		delete(want, p.Address)
		if strings.HasPrefix(w, "unknown: ") {
			if !p.Document.Unknown || !strings.Contains(p.Document.Expr, strings.TrimPrefix(w, "unknown: ")) {
				t.Errorf("%s: document = %+v, want unknown because %s", p.Address, p.Document, w)
			}
			continue
		}
		if p.Document.Unknown {
			t.Errorf("%s: document unknown: %s", p.Address, p.Document.Expr)
			continue
		}
		var doc struct{ Statement json.RawMessage }
		if err := json.Unmarshal([]byte(p.Document.JSON), &doc); err != nil {
			t.Fatal(err)
		}
		if string(doc.Statement) != w {
			t.Errorf("%s: statements\n got  %s\n want %s", p.Address, doc.Statement, w)
		}
	}
	if len(want) > 0 {
		t.Errorf("no inline policies %v", want)
	}
}

// TestPlanResolveIndexHint checks how a reference to a resource with
// instances picks one from the reference that follows it (its index).
func TestPlanResolveIndexHint(t *testing.T) {
	t.Parallel()
	role := func(addr string, idx any) *planResource {
		return &planResource{Address: addr, Mode: "managed", Type: "aws_iam_role", Name: "node", Index: idx, Actions: []tfjson.Action{"create"}}
	}
	p := &planData{
		variables: map[string]any{"pool": "gpu", "other": "nope"},
		changes: []*planResource{
			role(`aws_iam_role.node["general"]`, "general"), role(`aws_iam_role.node["gpu"]`, "gpu"),
			{Address: "aws_iam_role.one[0]", Mode: "managed", Type: "aws_iam_role", Name: "one", Index: float64(0), Actions: []tfjson.Action{"create"}},
			{Address: "aws_iam_role.one2[0]", Mode: "managed", Type: "aws_iam_role", Name: "one2", Index: float64(0), Actions: []tfjson.Action{"create"}},
			{Address: "aws_iam_role.one2[1]", Mode: "managed", Type: "aws_iam_role", Name: "one2", Index: float64(1), Actions: []tfjson.Action{"create"}},
		},
		prior: map[string]*planResource{},
	}
	tests := map[string]struct {
		refs []string
		key  any
		want string
	}{
		"index from a variable":        {refs: []string{"aws_iam_role.node", "var.pool"}, key: "general", want: `aws_iam_role.node["gpu"]`},
		"each.key":                     {refs: []string{"aws_iam_role.node", "each.key"}, key: "general", want: `aws_iam_role.node["general"]`},
		"unknown index, several":       {refs: []string{"aws_iam_role.node", "local.pool"}, key: "general", want: ""},
		"unknown index, one instance":  {refs: []string{"aws_iam_role.one", "local.i"}, key: nil, want: "aws_iam_role.one[0]"},
		"count.index":                  {refs: []string{"aws_iam_role.one2", "count.index"}, key: float64(1), want: "aws_iam_role.one2[1]"},
		"known value that is no key":   {refs: []string{"aws_iam_role.node", "var.other"}, key: "gpu", want: ""},
		"explicit index wins":          {refs: []string{`aws_iam_role.node["general"]`, "var.pool"}, key: "gpu", want: `aws_iam_role.node["general"]`},
		"attribute reference, no hint": {refs: []string{"aws_iam_role.node.name", "var.pool"}, key: "general", want: ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := newPlanResolver(p)
			got := r.refAt(planScope{key: tc.key}, tc.refs, 0, 0)
			if got.addr != tc.want {
				t.Errorf("refAt(%q) = %+v, want %q", tc.refs, got, tc.want)
			}
			if tc.want == "" && !got.val.Unknown {
				t.Errorf("refAt(%q) = %+v, want unknown", tc.refs, got)
			}
		})
	}
}

// TestPlanResolveModuleOutputPath follows references past a module output:
// into a constant object, into what a pure-reference output refers to, and
// not through an output computed from several references.
func TestPlanResolveModuleOutputPath(t *testing.T) {
	t.Parallel()
	refs := func(rs ...string) *tfjson.Expression {
		return &tfjson.Expression{ExpressionData: &tfjson.ExpressionData{References: rs}}
	}
	constant := func(v any) *tfjson.Expression {
		return &tfjson.Expression{ExpressionData: &tfjson.ExpressionData{ConstantValue: v}}
	}
	role := &planResource{
		Address: "module.m.aws_iam_role.this", ModuleAddress: "module.m", Mode: "managed", Type: "aws_iam_role", Name: "this",
		Values: map[string]any{"name": "node-role"}, Unknown: map[string]any{"arn": true}, Actions: tfjson.Actions{tfjson.ActionCreate},
	}
	p := &planData{
		changes: []*planResource{role},
		prior:   map[string]*planResource{},
		config: &tfjson.Config{RootModule: &tfjson.ConfigModule{ModuleCalls: map[string]*tfjson.ModuleCall{
			"m": {Module: &tfjson.ConfigModule{Outputs: map[string]*tfjson.ConfigOutput{
				"names":  {Expression: constant(map[string]any{"app": map[string]any{"role": "carts"}})},
				"role":   {Expression: refs("aws_iam_role.this")},
				"either": {Expression: refs("var.flag", "aws_iam_role.this", "aws_iam_role.other")},
			}}},
		}}},
	}
	r := newPlanResolver(p)
	for ref, want := range map[string]string{
		`module.m.names["app"].role`: "known:carts",
		`module.m.names.app.role`:    "known:carts",
		`module.m.names.nope`:        "unknown",
		`module.m.role.name`:         "known:node-role module.m.aws_iam_role.this",
		`module.m.either.name`:       "unknown",
		`module.m.role.arn`:          "unknown module.m.aws_iam_role.this",
	} {
		v := r.ref(planScope{}, ref, 0)
		got := "unknown"
		if !v.val.Unknown {
			got = "known:" + v.val.Value
		}
		if v.addr != "" {
			got += " " + v.addr
		}
		if got != want {
			t.Errorf("%s = %q, want %q", ref, got, want)
		}
	}
}

// TestPlanResolveCommunityModules checks edges the community-module
// fixtures depend on (a subset of each plan's edges).
func TestPlanResolveCommunityModules(t *testing.T) {
	t.Parallel()
	tests := map[string][]string{
		// terraform-aws-modules/eks v20 styles: node_role_arn =
		// var.create_iam_role ? aws_iam_role.this[0].arn : var.iam_role_arn
		// (the condition is a known bool or try(each.value.x, ...)), and
		// Karpenter's node_iam_role_additional_policies = { carts =
		// aws_iam_policy.carts_dynamo.arn } through for_each.
		"community_modules_node_grants": {
			`fact node_group module.eks.module.eks_managed_node_group["default"].aws_eks_node_group.this[0] -> module.eks.module.eks_managed_node_group["default"].aws_iam_role.this[0]`,
			`fact fargate_profile module.eks.module.fargate_profile["carts"].aws_eks_fargate_profile.this[0] -> module.eks.module.fargate_profile["carts"].aws_iam_role.this[0]`,
			`fact access_entry module.eks.module.self_managed_node_group["workers"].aws_eks_access_entry.this[0] -> module.eks.module.self_managed_node_group["workers"].aws_iam_role.this[0]`,
			`fact instance_profile module.eks.module.self_managed_node_group["workers"].aws_iam_instance_profile.this[0] -> module.eks.module.self_managed_node_group["workers"].aws_iam_role.this[0]`,
			`fact access_entry module.karpenter.aws_eks_access_entry.node[0] -> module.karpenter.aws_iam_role.node[0]`,
			`attach module.karpenter.aws_iam_role_policy_attachment.node_additional["carts"] -> module.karpenter.aws_iam_role.node[0] aws_iam_policy.carts_dynamo`,
			`attach aws_iam_role_policy_attachment.workers_dynamodb -> module.eks.module.self_managed_node_group["workers"].aws_iam_role.this[0] aws_iam_policy.carts_dynamo`,
			`attach module.legacy_node_role.aws_iam_role_policy_attachment.custom[1] -> module.legacy_node_role.aws_iam_role.this[0] aws_iam_policy.carts_dynamo`,
			`pia aws_eks_pod_identity_association.carts -> module.karpenter.aws_iam_role.node[0] carts/carts`,
		},
		// The clean counterpart: the same conditionals reach the node roles,
		// and the IRSA role's map of policy ARNs reaches its one policy.
		"community_modules_clean": {
			`fact node_group module.eks.module.eks_managed_node_group["system"].aws_eks_node_group.this[0] -> module.eks.module.eks_managed_node_group["system"].aws_iam_role.this[0]`,
			`attach module.orders_irsa.aws_iam_role_policy_attachment.this["orders"] -> module.orders_irsa.aws_iam_role.this[0] aws_iam_policy.orders`,
			`pia module.carts_pod_identity.aws_eks_pod_identity_association.this["carts"] -> module.carts_pod_identity.aws_iam_role.this[0] carts/carts`,
		},
	}
	checkPlanEdges(t, tests, true)
}
