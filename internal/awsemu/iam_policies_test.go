package awsemu

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func TestIAMPolicyVersions(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	cx := ctx(t)
	cp, err := c.iam.CreatePolicy(cx, &iam.CreatePolicyInput{PolicyName: aws.String("carts"), PolicyDocument: aws.String(ddbPolicy),
		Tags: []iamtypes.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
	must(t, err)
	arn := cp.Policy.Arn
	doc2 := strings.Replace(ddbPolicy, "dynamodb:*", "dynamodb:GetItem", 1)
	for i := 2; i <= 5; i++ {
		v, err := c.iam.CreatePolicyVersion(cx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: aws.String(doc2), SetAsDefault: i == 3})
		must(t, err)
		if aws.ToString(v.PolicyVersion.VersionId) != "v"+string(rune('0'+i)) || v.PolicyVersion.IsDefaultVersion != (i == 3) {
			t.Fatalf("version %+v", v.PolicyVersion)
		}
	}
	_, err = c.iam.CreatePolicyVersion(cx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: aws.String(doc2)})
	wantCode(t, err, "LimitExceeded")
	gp, err := c.iam.GetPolicy(cx, &iam.GetPolicyInput{PolicyArn: arn})
	must(t, err)
	if aws.ToString(gp.Policy.DefaultVersionId) != "v3" || len(gp.Policy.Tags) != 1 {
		t.Fatalf("policy %+v", gp.Policy)
	}
	lv, err := c.iam.ListPolicyVersions(cx, &iam.ListPolicyVersionsInput{PolicyArn: arn})
	must(t, err)
	if len(lv.Versions) != 5 || aws.ToString(lv.Versions[0].VersionId) != "v5" || lv.Versions[0].Document != nil {
		t.Fatalf("versions %+v", lv.Versions)
	}
	_, err = c.iam.DeletePolicyVersion(cx, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v3")})
	wantCode(t, err, "DeleteConflict")
	_, err = c.iam.SetDefaultPolicyVersion(cx, &iam.SetDefaultPolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v1")})
	must(t, err)
	v1, err := c.iam.GetPolicyVersion(cx, &iam.GetPolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v1")})
	must(t, err)
	if !v1.PolicyVersion.IsDefaultVersion || decodeDoc(t, v1.PolicyVersion.Document) != ddbPolicy {
		t.Fatalf("v1 %+v", v1.PolicyVersion)
	}
	_, err = c.iam.DeletePolicy(cx, &iam.DeletePolicyInput{PolicyArn: arn})
	wantCode(t, err, "DeleteConflict") // non-default versions remain
	for _, v := range []string{"v2", "v3", "v4", "v5"} {
		_, err = c.iam.DeletePolicyVersion(cx, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String(v)})
		must(t, err)
	}
	_, err = c.iam.DeletePolicyVersion(cx, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v9")})
	wantCode(t, err, "NoSuchEntity")
	_, err = c.iam.CreatePolicyVersion(cx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess"), PolicyDocument: aws.String(doc2)})
	wantCode(t, err, "AccessDenied")
	_, err = c.iam.DeletePolicy(cx, &iam.DeletePolicyInput{PolicyArn: arn})
	must(t, err)
}

func TestIAMListPoliciesAndEntities(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	cx := ctx(t)
	cp, err := c.iam.CreatePolicy(cx, &iam.CreatePolicyInput{PolicyName: aws.String("carts"), Path: aws.String("/app/"), PolicyDocument: aws.String(ddbPolicy)})
	must(t, err)
	createRole(t, c, "carts", podTrust)
	_, err = c.iam.AttachRolePolicy(cx, &iam.AttachRolePolicyInput{RoleName: aws.String("carts"), PolicyArn: cp.Policy.Arn})
	must(t, err)
	_, err = c.iam.PutRolePermissionsBoundary(cx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("carts"), PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy")})
	must(t, err)

	tests := map[string]struct {
		in   iam.ListPoliciesInput
		want func(n int, names []string) bool
	}{
		"local":         {iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeLocal}, func(n int, names []string) bool { return n == 1 && names[0] == "carts" }},
		"aws":           {iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeAws}, func(n int, _ []string) bool { return n == ManagedPolicyCount() }},
		"all":           {iam.ListPoliciesInput{}, func(n int, _ []string) bool { return n == ManagedPolicyCount()+1 }},
		"only attached": {iam.ListPoliciesInput{OnlyAttached: true}, func(n int, _ []string) bool { return n == 5 }}, // 4 node-role policies + carts
		"path prefix":   {iam.ListPoliciesInput{PathPrefix: aws.String("/app/")}, func(n int, names []string) bool { return n == 1 }},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			in := tc.in
			in.MaxItems = aws.Int32(400)
			p := iam.NewListPoliciesPaginator(c.iam, &in)
			var names []string
			for p.HasMorePages() {
				out, err := p.NextPage(ctx(t))
				must(t, err)
				for _, x := range out.Policies {
					names = append(names, aws.ToString(x.PolicyName))
				}
			}
			if !tc.want(len(names), names) {
				t.Fatalf("%d policies: %.200v", len(names), names)
			}
		})
	}
	for name, tc := range map[string]struct {
		arn    string
		filter iamtypes.PolicyUsageType
		roles  string
	}{
		"customer attached":  {aws.ToString(cp.Policy.Arn), "", "carts"},
		"managed on node":    {"arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy", iamtypes.PolicyUsageTypePermissionsPolicy, "eks-workshop-node"},
		"managed boundary":   {"arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy", iamtypes.PolicyUsageTypePermissionsBoundary, "carts"},
		"managed any usage":  {"arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy", "", "carts,eks-workshop-node"},
		"unattached managed": {"arn:aws:iam::aws:policy/ReadOnlyAccess", "", ""},
	} {
		t.Run("entities "+name, func(t *testing.T) {
			t.Parallel()
			out, err := c.iam.ListEntitiesForPolicy(ctx(t), &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(tc.arn), PolicyUsageFilter: tc.filter})
			must(t, err)
			var got []string
			for _, r := range out.PolicyRoles {
				got = append(got, aws.ToString(r.RoleName))
			}
			if strings.Join(got, ",") != tc.roles {
				t.Fatalf("roles %v", got)
			}
		})
	}
	_, err = c.iam.ListEntitiesForPolicy(cx, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/Nope")})
	wantCode(t, err, "NoSuchEntity")
}

// TestLargeResponses guards the work-around in ServeHTTP for the SDK's
// request-body race (see bigResponse): large bodies must arrive intact.
func TestLargeResponses(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	for range 8 {
		p := iam.NewListPoliciesPaginator(c.iam, &iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeAws, MaxItems: aws.Int32(400)})
		n := 0
		for p.HasMorePages() {
			out, err := p.NextPage(ctx(t))
			must(t, err)
			n += len(out.Policies)
		}
		if n != ManagedPolicyCount() {
			t.Fatalf("%d policies", n)
		}
	}
	arn := aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")
	gp, err := c.iam.GetPolicy(ctx(t), &iam.GetPolicyInput{PolicyArn: arn})
	must(t, err)
	for range 20 {
		v, err := c.iam.GetPolicyVersion(ctx(t), &iam.GetPolicyVersionInput{PolicyArn: arn, VersionId: gp.Policy.DefaultVersionId})
		must(t, err)
		if len(aws.ToString(v.PolicyVersion.Document)) < 10000 {
			t.Fatalf("document only %d bytes", len(aws.ToString(v.PolicyVersion.Document)))
		}
	}
}
