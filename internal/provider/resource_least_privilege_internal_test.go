package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/awsemu"
	"github.com/eks-podidentity/terraform-provider-podidentity/internal/conns"
	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

// emuClient is an AWSClient on a fresh emulator.
func emuClient(t *testing.T, seed *awsemu.Seed) (*conns.AWSClient, *awsemu.Server) {
	t.Helper()
	emu := awsemu.StartTest(t, seed)
	cfg := aws.Config{
		Region:       emu.Region(),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIAEMULATOR00000000", "secret", ""),
		BaseEndpoint: aws.String(emu.URL()),
	}
	return &conns.AWSClient{
		AWSConfig: cfg,
		IAM:       iam.NewFromConfig(cfg),
		EKS:       eks.NewFromConfig(cfg),
		DynamoDB:  dynamodb.NewFromConfig(cfg),
		AccountID: emu.AccountID(),
		Partition: emu.Partition(),
		Region:    emu.Region(),
	}, emu
}

func testTables(t *testing.T, grants ...tableGrantModel) types.List {
	t.Helper()
	l, d := types.ListValueFrom(context.Background(), types.ObjectType{AttrTypes: tableGrantAttrTypes}, grants)
	if d.HasError() {
		t.Fatal(d)
	}
	return l
}

func readGrant(arn, access string) tableGrantModel {
	return tableGrantModel{
		ARN: types.StringValue(arn), Access: types.StringValue(access), Actions: types.SetNull(types.StringType),
		Indexes: types.BoolValue(true), Streams: types.BoolValue(false),
	}
}

// testPlan is a planned new resource with the schema's defaults applied.
func testPlan(t *testing.T, ns, sa string, grants ...tableGrantModel) *leastPrivilegeResourceModel {
	return &leastPrivilegeResourceModel{
		AssociationARN: types.StringUnknown(), AssociationID: types.StringUnknown(), ClusterARN: types.StringUnknown(),
		ClusterName: types.StringValue("eks-workshop"), DisableSessionTags: types.BoolValue(false),
		DynamoDBTables: testTables(t, grants...), ExistingRoleName: types.StringNull(), ID: types.StringUnknown(),
		MaxSessionDuration: types.Int64Value(3600), Namespace: types.StringValue(ns), PermissionsBoundary: types.StringNull(),
		PolicyJSON: types.StringUnknown(), RoleARN: types.StringUnknown(), RoleDescription: types.StringNull(),
		RoleName: types.StringUnknown(), RolePath: types.StringValue("/"), RoleUniqueID: types.StringUnknown(),
		ServiceAccount: types.StringValue(sa), Tags: types.MapNull(types.StringType), TagsAll: types.MapUnknown(types.StringType),
		TargetRoleARN: types.StringNull(), TrustPolicyJSON: types.StringUnknown(), TrustScope: types.StringValue("service_account"),
	}
}

func diagText(d diag.Diagnostics) string {
	var b strings.Builder
	for _, x := range d {
		fmt.Fprintf(&b, "[%s] %s: %s\n", x.Severity(), x.Summary(), x.Detail())
	}
	return b.String()
}

// TestPlanComputed_warnings checks the plan-time warnings, which an
// acceptance test cannot see: the agent add-on and a missing table.
func TestPlanComputed_warnings(t *testing.T) {
	t.Parallel()
	seed := awsemu.DefaultSeed()
	seed.Clusters[0].Addons = nil
	c, _ := emuClient(t, seed)
	r := &leastPrivilegeResource{client: c}
	plan := testPlan(t, "carts", "carts", readGrant("arn:aws:dynamodb:us-west-2:123456789012:table/Missing", "read"))
	config := *plan
	config.RoleName = types.StringNull()
	var diags diag.Diagnostics
	checked := r.planComputed(context.Background(), plan, &config, nil, &diags)
	if diags.HasError() || !checked {
		t.Fatalf("checked=%v, diagnostics:\n%s", checked, diagText(diags))
	}
	text := diagText(diags)
	for _, want := range []string{
		"[Warning] EKS Pod Identity Agent Not Installed: Cluster eks-workshop has no eks-pod-identity-agent add-on",
		`Unable to load credentials from any of the providers in the chain`,
		"[Warning] DynamoDB Table Not Found: Table arn:aws:dynamodb:us-west-2:123456789012:table/Missing does not exist",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, text)
		}
	}
	if got := plan.RoleARN.ValueString(); got != "arn:aws:iam::123456789012:role/eks-workshop-carts-carts" {
		t.Errorf("planned role_arn %q", got)
	}
	if !strings.Contains(plan.PolicyJSON.ValueString(), "dynamodb:GetItem") || !strings.Contains(plan.TrustPolicyJSON.ValueString(), "kubernetes-namespace") {
		t.Errorf("policies not computed at plan time:\n%s\n%s", plan.PolicyJSON, plan.TrustPolicyJSON)
	}
}

// TestPlanComputed_oneDescribePerCluster plans 100 resources on one cluster
// concurrently, as Terraform does, through one provider instance.
func TestPlanComputed_oneDescribePerCluster(t *testing.T) {
	t.Parallel()
	c, emu := emuClient(t, nil)
	r := &leastPrivilegeResource{client: c}
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			plan := testPlan(t, "shop", fmt.Sprintf("svc-%d", i), readGrant("arn:aws:dynamodb:us-west-2:123456789012:table/Items", "read"))
			config := *plan
			config.RoleName = types.StringNull()
			var diags diag.Diagnostics
			r.planComputed(context.Background(), plan, &config, nil, &diags)
			if diags.HasError() {
				errs <- diagText(diags)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	for _, op := range []string{"eks:DescribeCluster", "eks:DescribeAddon", "eks:ListPodIdentityAssociations", "dynamodb:DescribeTable"} {
		svc, name, _ := strings.Cut(op, ":")
		if n := emu.CallCount(svc, name); n != 1 {
			t.Errorf("%s called %d times for 100 resources on one cluster, want 1", op, n)
		}
	}
	if n := emu.CallCount("eks", "ListNodegroups"); n != 0 {
		t.Errorf("ListNodegroups called %d times without existing_role_name", n)
	}
}

func TestTransitionTrustJSON(t *testing.T) {
	t.Parallel()
	mk := func(ns string) string {
		doc, err := trustPolicyJSON("aws", "arn:aws:eks:us-west-2:123456789012:cluster/eks-workshop", ns, "carts", "service_account", false)
		if err != nil {
			t.Fatal(err)
		}
		return doc
	}
	doc, err := transitionTrustJSON(mk("old"), mk("new"))
	if err != nil {
		t.Fatal(err)
	}
	p := leastpriv.MustParsePolicy(doc)
	if len(p.Statements) != 2 {
		t.Fatalf("want both statements, got %s", doc)
	}
	namespaces := []string{}
	sids := map[string]bool{}
	for _, st := range p.Statements {
		namespaces = append(namespaces, st.Condition["StringEquals"][leastpriv.TagNamespace]...)
		if sids[st.Sid] {
			t.Errorf("duplicate Sid %q", st.Sid)
		}
		sids[st.Sid] = true
	}
	if strings.Join(namespaces, ",") != "new,old" {
		t.Errorf("namespaces admitted: %v", namespaces)
	}
	if ok, _ := leastpriv.TrustsPodIdentity(p); !ok {
		t.Errorf("transition trust does not admit Pod Identity: %s", doc)
	}
}

func TestGrantsFromPolicy(t *testing.T) {
	t.Parallel()
	const items = "arn:aws:dynamodb:us-west-2:123456789012:table/Items"
	const orders = "arn:aws:dynamodb:us-west-2:123456789012:table/orders-v2"
	actions := func(a ...string) types.Set {
		vals := make([]attr.Value, 0, len(a))
		for _, x := range a {
			vals = append(vals, types.StringValue(x))
		}
		return types.SetValueMust(types.StringType, vals)
	}
	cases := map[string][]tableGrantModel{
		"read":       {readGrant(items, "read")},
		"write":      {readGrant(items, "write")},
		"read_write": {readGrant(items, "read_write")},
		"no indexes": {{ARN: types.StringValue(items), Access: types.StringValue("read"), Actions: types.SetNull(types.StringType), Indexes: types.BoolValue(false), Streams: types.BoolValue(false)}},
		"streams":    {{ARN: types.StringValue(items), Access: types.StringValue("read"), Actions: types.SetNull(types.StringType), Indexes: types.BoolValue(true), Streams: types.BoolValue(true)}},
		"two tables": {readGrant(items, "read"), readGrant(orders, "read_write")},
		"actions": {{ARN: types.StringValue(items), Access: types.StringValue("read"), Actions: actions("dynamodb:GetItem", "dynamodb:PutItem"),
			Indexes: types.BoolValue(true), Streams: types.BoolValue(false)}},
	}
	for name, grants := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			doc, d := generatePolicyJSON(ctx, grants)
			if d.HasError() {
				t.Fatal(diagText(d))
			}
			got, ok := grantsFromPolicy(ctx, doc)
			if !ok {
				t.Fatalf("not reconstructed from\n%s", doc)
			}
			again, _ := generatePolicyJSON(ctx, got)
			if !equivalentPolicies(doc, again) {
				t.Errorf("round trip changed the policy:\n%s\n%s", doc, again)
			}
			if len(got) != len(grants) {
				t.Errorf("got %d grants, want %d", len(got), len(grants))
			}
		})
	}
	if _, ok := grantsFromPolicy(context.Background(), `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"}]}`); ok {
		t.Error("a policy this resource does not write must not be reconstructed")
	}
}

func TestParseImportID(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		id, cluster, assoc string
		ok                 bool
	}{
		"valid":         {"eks-workshop,a-123", "eks-workshop", "a-123", true},
		"slash":         {"eks-workshop/a-123", "", "", false},
		"three parts":   {"a,b,c", "", "", false},
		"empty assoc":   {"eks-workshop,", "", "", false},
		"empty":         {"", "", "", false},
		"spaces":        {"eks-workshop, a-123", "", "", false},
		"only comma":    {",", "", "", false},
		"empty cluster": {",a-123", "", "", false},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cl, as, err := parseImportID(c.id)
			if (err == nil) != c.ok || cl != c.cluster || as != c.assoc {
				t.Errorf("parseImportID(%q) = %q, %q, %v", c.id, cl, as, err)
			}
		})
	}
}

func FuzzParseImportID(f *testing.F) {
	for _, s := range []string{"eks-workshop,a-123", ",", "a,b,c", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		cl, as, err := parseImportID(id)
		if err != nil {
			return
		}
		if cl+","+as != id || cl == "" || as == "" {
			t.Errorf("parseImportID(%q) = %q, %q", id, cl, as)
		}
	})
}

// FuzzGrantsFromPolicy feeds arbitrary documents (import reads them from
// AWS): it must never panic, and what it accepts must regenerate the same
// policy.
func FuzzGrantsFromPolicy(f *testing.F) {
	ctx := context.Background()
	doc, _ := generatePolicyJSON(ctx, []tableGrantModel{readGrant("arn:aws:dynamodb:us-west-2:123456789012:table/Items", "read_write")})
	f.Add(doc)
	f.Add(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"}]}`)
	f.Add(`{}`)
	f.Fuzz(func(t *testing.T, doc string) {
		grants, ok := grantsFromPolicy(ctx, doc)
		if !ok {
			return
		}
		again, d := generatePolicyJSON(ctx, grants)
		if d.HasError() || !equivalentPolicies(again, doc) {
			t.Errorf("accepted %q but regenerates %q", doc, again)
		}
	})
}

func TestTagDiff(t *testing.T) {
	t.Parallel()
	add, remove := tagDiff(map[string]string{"a": "1", "b": "2", "c": "3"}, map[string]string{"a": "1", "b": "20", "d": "4"})
	if len(add) != 2 || add["b"] != "20" || add["d"] != "4" || strings.Join(remove, ",") != "c" {
		t.Errorf("add %v remove %v", add, remove)
	}
}

func TestSetTags(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cases := map[string]struct {
		prior    types.Map
		remote   map[string]string
		defaults map[string]string
		want     map[string]string // nil: tags stays null
	}{
		"defaults only":               {types.MapNull(types.StringType), map[string]string{"env": "prod"}, map[string]string{"env": "prod"}, nil},
		"own over default":            {mapValue(map[string]string{"env": "dev"}), map[string]string{"env": "dev"}, map[string]string{"env": "prod"}, map[string]string{"env": "dev"}},
		"configured equal to default": {mapValue(map[string]string{"env": "prod"}), map[string]string{"env": "prod"}, map[string]string{"env": "prod"}, map[string]string{"env": "prod"}},
		"added out of band":           {types.MapNull(types.StringType), map[string]string{"x": "1"}, nil, map[string]string{"x": "1"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m := &leastPrivilegeResourceModel{Tags: c.prior}
			var diags diag.Diagnostics
			setTags(ctx, m, c.remote, c.defaults, &diags)
			if c.want == nil {
				if !m.Tags.IsNull() {
					t.Errorf("tags = %v, want null", m.Tags)
				}
				return
			}
			if !m.Tags.Equal(mapValue(c.want)) {
				t.Errorf("tags = %v, want %v", m.Tags, c.want)
			}
			if !m.TagsAll.Equal(mapValue(c.remote)) {
				t.Errorf("tags_all = %v, want %v", m.TagsAll, c.remote)
			}
		})
	}
}

func TestInferTrustScope(t *testing.T) {
	t.Parallel()
	sa, _ := trustPolicyJSON("aws", "", "carts", "carts", "service_account", false)
	acct, _ := trustPolicyJSON("aws", "", "carts", "carts", "account", false)
	if got := inferTrustScope(sa); got != leastpriv.TrustScopeServiceAccount {
		t.Errorf("service_account trust read as %s", got)
	}
	if got := inferTrustScope(acct); got != leastpriv.TrustScopeAccount {
		t.Errorf("account trust read as %s", got)
	}
	if got := clusterARNFromAssociationARN("arn:aws:eks:us-west-2:123456789012:podidentityassociation/eks-workshop/a-1", "eks-workshop"); got != "arn:aws:eks:us-west-2:123456789012:cluster/eks-workshop" {
		t.Errorf("cluster ARN %s", got)
	}
}
