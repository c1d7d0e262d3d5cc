package awsemu

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func TestIAMRoleLifecycle(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	cx := ctx(t)
	boundary := "arn:aws:iam::aws:policy/PowerUserAccess"
	out, err := c.iam.CreateRole(cx, &iam.CreateRoleInput{
		RoleName:                 aws.String("eks-workshop-carts-dynamo"),
		Path:                     aws.String("/workshop/"),
		Description:              aws.String("carts"),
		MaxSessionDuration:       aws.Int32(7200),
		PermissionsBoundary:      aws.String(boundary),
		AssumeRolePolicyDocument: aws.String(podTrust),
		Tags:                     []iamtypes.Tag{{Key: aws.String("env"), Value: aws.String("test")}, {Key: aws.String("team"), Value: aws.String("carts")}},
	})
	must(t, err)
	r := out.Role
	if got, want := aws.ToString(r.Arn), "arn:aws:iam::123456789012:role/workshop/eks-workshop-carts-dynamo"; got != want {
		t.Fatalf("arn %s, want %s", got, want)
	}
	if !regexp.MustCompile(`^AROA[A-Z0-9]{17}$`).MatchString(aws.ToString(r.RoleId)) {
		t.Fatalf("role id %q", aws.ToString(r.RoleId))
	}
	if r.CreateDate == nil || r.CreateDate.IsZero() {
		t.Fatal("no CreateDate")
	}
	// IAM returns policy documents URL-encoded; the SDK does not decode them.
	raw := aws.ToString(r.AssumeRolePolicyDocument)
	if !strings.HasPrefix(raw, "%7B%22Version%22") || strings.Contains(raw, "+") {
		t.Fatalf("trust policy not URL-encoded as IAM does: %s", raw)
	}
	if decodeDoc(t, r.AssumeRolePolicyDocument) != podTrust {
		t.Fatalf("trust doc mismatch")
	}

	g, err := c.iam.GetRole(cx, &iam.GetRoleInput{RoleName: aws.String("EKS-WORKSHOP-CARTS-DYNAMO")}) // names are case-insensitive
	must(t, err)
	gr := g.Role
	if aws.ToString(gr.RoleId) != aws.ToString(r.RoleId) || aws.ToString(gr.Description) != "carts" ||
		aws.ToInt32(gr.MaxSessionDuration) != 7200 || aws.ToString(gr.Path) != "/workshop/" ||
		gr.PermissionsBoundary == nil || aws.ToString(gr.PermissionsBoundary.PermissionsBoundaryArn) != boundary ||
		gr.PermissionsBoundary.PermissionsBoundaryType != iamtypes.PermissionsBoundaryAttachmentTypePolicy ||
		len(gr.Tags) != 2 || aws.ToString(gr.Tags[1].Value) != "carts" || gr.RoleLastUsed == nil {
		t.Fatalf("GetRole mismatch: %+v", gr)
	}

	_, err = c.iam.UpdateRole(cx, &iam.UpdateRoleInput{RoleName: aws.String("eks-workshop-carts-dynamo"), Description: aws.String("new"), MaxSessionDuration: aws.Int32(43200)})
	must(t, err)
	_, err = c.iam.UpdateAssumeRolePolicy(cx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("eks-workshop-carts-dynamo"), PolicyDocument: aws.String(ec2Trust)})
	must(t, err)
	_, err = c.iam.DeleteRolePermissionsBoundary(cx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("eks-workshop-carts-dynamo")})
	must(t, err)
	_, err = c.iam.DeleteRolePermissionsBoundary(cx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("eks-workshop-carts-dynamo")})
	wantCode(t, err, "NoSuchEntity")
	_, err = c.iam.PutRolePermissionsBoundary(cx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("eks-workshop-carts-dynamo"), PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
	must(t, err)
	_, err = c.iam.TagRole(cx, &iam.TagRoleInput{RoleName: aws.String("eks-workshop-carts-dynamo"), Tags: []iamtypes.Tag{{Key: aws.String("ENV"), Value: aws.String("prod")}, {Key: aws.String("x"), Value: aws.String("y")}}})
	must(t, err)
	_, err = c.iam.UntagRole(cx, &iam.UntagRoleInput{RoleName: aws.String("eks-workshop-carts-dynamo"), TagKeys: []string{"team"}})
	must(t, err)
	tags, err := c.iam.ListRoleTags(cx, &iam.ListRoleTagsInput{RoleName: aws.String("eks-workshop-carts-dynamo")})
	must(t, err)
	got := map[string]string{}
	for _, tg := range tags.Tags {
		got[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	if fmt.Sprint(got) != "map[env:prod x:y]" {
		t.Fatalf("tags after tag/untag: %v (IAM tag keys are case-insensitive)", got)
	}
	g, err = c.iam.GetRole(cx, &iam.GetRoleInput{RoleName: aws.String("eks-workshop-carts-dynamo")})
	must(t, err)
	if aws.ToString(g.Role.Description) != "new" || aws.ToInt32(g.Role.MaxSessionDuration) != 43200 ||
		decodeDoc(t, g.Role.AssumeRolePolicyDocument) != ec2Trust ||
		aws.ToString(g.Role.PermissionsBoundary.PermissionsBoundaryArn) != "arn:aws:iam::aws:policy/ReadOnlyAccess" {
		t.Fatalf("after updates: %+v", g.Role)
	}
	_, err = c.iam.DeleteRole(cx, &iam.DeleteRoleInput{RoleName: aws.String("eks-workshop-carts-dynamo")})
	must(t, err)
	_, err = c.iam.GetRole(cx, &iam.GetRoleInput{RoleName: aws.String("eks-workshop-carts-dynamo")})
	var nse *iamtypes.NoSuchEntityException
	if !errors.As(err, &nse) || httpStatus(err) != 404 {
		t.Fatalf("want NoSuchEntityException 404, got %v", err)
	}
	if !strings.Contains(nse.ErrorMessage(), "cannot be found") {
		t.Fatalf("message %q", nse.ErrorMessage())
	}
}

func TestIAMCreateRoleErrors(t *testing.T) {
	t.Parallel()
	manyTags := make([]iamtypes.Tag, 51)
	for i := range manyTags {
		manyTags[i] = iamtypes.Tag{Key: aws.String(fmt.Sprintf("k%d", i)), Value: aws.String("v")}
	}
	bigTrust := `{"Version":"2012-10-17","Statement":[{"Sid":"` + strings.Repeat("a", 2100) + `","Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	tests := map[string]struct {
		in     iam.CreateRoleInput
		code   string
		status int
		as     any
	}{
		"duplicate (case-insensitive)": {in: iam.CreateRoleInput{RoleName: aws.String("EKS-Workshop-Node")}, code: "EntityAlreadyExists", status: 409, as: new(*iamtypes.EntityAlreadyExistsException)},
		"bad name":                     {in: iam.CreateRoleInput{RoleName: aws.String("bad/name")}, code: "ValidationError", status: 400},
		"name too long":                {in: iam.CreateRoleInput{RoleName: aws.String(strings.Repeat("r", 65))}, code: "ValidationError", status: 400},
		"bad path":                     {in: iam.CreateRoleInput{RoleName: aws.String("r1"), Path: aws.String("noslash")}, code: "ValidationError", status: 400},
		"path too long":                {in: iam.CreateRoleInput{RoleName: aws.String("r1"), Path: aws.String("/" + strings.Repeat("p", 511) + "/")}, code: "ValidationError", status: 400},
		"trust not json":               {in: iam.CreateRoleInput{RoleName: aws.String("r1"), AssumeRolePolicyDocument: aws.String("{nope")}, code: "MalformedPolicyDocument", status: 400, as: new(*iamtypes.MalformedPolicyDocumentException)},
		"trust without statement":      {in: iam.CreateRoleInput{RoleName: aws.String("r1"), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17"}`)}, code: "MalformedPolicyDocument", status: 400},
		"trust bad version":            {in: iam.CreateRoleInput{RoleName: aws.String("r1"), AssumeRolePolicyDocument: aws.String(`{"Version":"2020-01-01","Statement":[]}`)}, code: "MalformedPolicyDocument", status: 400},
		"trust without principal":      {in: iam.CreateRoleInput{RoleName: aws.String("r1"), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`)}, code: "MalformedPolicyDocument", status: 400},
		"trust with resource":          {in: iam.CreateRoleInput{RoleName: aws.String("r1"), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}]}`)}, code: "MalformedPolicyDocument", status: 400},
		"trust too big":                {in: iam.CreateRoleInput{RoleName: aws.String("r1"), AssumeRolePolicyDocument: aws.String(bigTrust)}, code: "LimitExceeded", status: 409, as: new(*iamtypes.LimitExceededException)},
		"session too short":            {in: iam.CreateRoleInput{RoleName: aws.String("r1"), MaxSessionDuration: aws.Int32(3599)}, code: "ValidationError", status: 400},
		"session too long":             {in: iam.CreateRoleInput{RoleName: aws.String("r1"), MaxSessionDuration: aws.Int32(43201)}, code: "ValidationError", status: 400},
		"51 tags":                      {in: iam.CreateRoleInput{RoleName: aws.String("r1"), Tags: manyTags}, code: "LimitExceeded", status: 409},
		"duplicate tag keys":           {in: iam.CreateRoleInput{RoleName: aws.String("r1"), Tags: []iamtypes.Tag{{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("A"), Value: aws.String("2")}}}, code: "InvalidInput", status: 400, as: new(*iamtypes.InvalidInputException)},
		"unknown boundary":             {in: iam.CreateRoleInput{RoleName: aws.String("r1"), PermissionsBoundary: aws.String("arn:aws:iam::123456789012:policy/nope")}, code: "NoSuchEntity", status: 404},
		"invalid boundary arn":         {in: iam.CreateRoleInput{RoleName: aws.String("r1"), PermissionsBoundary: aws.String("nope")}, code: "InvalidInput", status: 400},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := newClients(t, nil)
			in := tc.in
			if in.AssumeRolePolicyDocument == nil {
				in.AssumeRolePolicyDocument = aws.String(podTrust)
			}
			_, err := c.iam.CreateRole(ctx(t), &in)
			wantCode(t, err, tc.code)
			if s := httpStatus(err); s != tc.status {
				t.Fatalf("status %d, want %d", s, tc.status)
			}
			if tc.as != nil && !errors.As(err, tc.as) {
				t.Fatalf("error %T is not %T", err, tc.as)
			}
		})
	}
}

func TestIAMInlinePolicies(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	cx := ctx(t)
	createRole(t, c, "carts", podTrust)
	_, err := c.iam.PutRolePolicy(cx, &iam.PutRolePolicyInput{RoleName: aws.String("carts"), PolicyName: aws.String("dynamo"), PolicyDocument: aws.String(ddbPolicy)})
	must(t, err)
	gp, err := c.iam.GetRolePolicy(cx, &iam.GetRolePolicyInput{RoleName: aws.String("carts"), PolicyName: aws.String("dynamo")})
	must(t, err)
	if aws.ToString(gp.PolicyDocument) == ddbPolicy || decodeDoc(t, gp.PolicyDocument) != ddbPolicy {
		t.Fatalf("inline policy must come back URL-encoded: %s", aws.ToString(gp.PolicyDocument))
	}
	lp, err := c.iam.ListRolePolicies(cx, &iam.ListRolePoliciesInput{RoleName: aws.String("carts")})
	must(t, err)
	if len(lp.PolicyNames) != 1 || lp.PolicyNames[0] != "dynamo" || lp.IsTruncated {
		t.Fatalf("list: %+v", lp)
	}
	_, err = c.iam.DeleteRole(cx, &iam.DeleteRoleInput{RoleName: aws.String("carts")})
	var dc *iamtypes.DeleteConflictException
	if !errors.As(err, &dc) || httpStatus(err) != 409 {
		t.Fatalf("want DeleteConflict, got %v", err)
	}
	_, err = c.iam.GetRolePolicy(cx, &iam.GetRolePolicyInput{RoleName: aws.String("carts"), PolicyName: aws.String("nope")})
	wantCode(t, err, "NoSuchEntity")
	_, err = c.iam.PutRolePolicy(cx, &iam.PutRolePolicyInput{RoleName: aws.String("carts"), PolicyName: aws.String("bad"), PolicyDocument: aws.String(podTrust)})
	wantCode(t, err, "MalformedPolicyDocument") // principal not allowed in identity policies
	_, err = c.iam.PutRolePolicy(cx, &iam.PutRolePolicyInput{RoleName: aws.String("nope"), PolicyName: aws.String("x"), PolicyDocument: aws.String(ddbPolicy)})
	wantCode(t, err, "NoSuchEntity")
	// Total inline size per role is 10,240 characters (whitespace not counted).
	big := func(n int) string {
		return `{"Version":"2012-10-17","Statement":[{"Sid":"` + strings.Repeat("s", n) + `","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	}
	_, err = c.iam.PutRolePolicy(cx, &iam.PutRolePolicyInput{RoleName: aws.String("carts"), PolicyName: aws.String("big1"), PolicyDocument: aws.String(big(5000))})
	must(t, err)
	_, err = c.iam.PutRolePolicy(cx, &iam.PutRolePolicyInput{RoleName: aws.String("carts"), PolicyName: aws.String("big2"), PolicyDocument: aws.String(big(5000))})
	var le *iamtypes.LimitExceededException
	if !errors.As(err, &le) {
		t.Fatalf("want LimitExceeded, got %v", err)
	}
	// Whitespace outside strings is free.
	_, err = c.iam.PutRolePolicy(cx, &iam.PutRolePolicyInput{RoleName: aws.String("carts"), PolicyName: aws.String("spaced"), PolicyDocument: aws.String(strings.ReplaceAll(ddbPolicy, ",", ",        \n"))})
	must(t, err)
	for _, n := range []string{"dynamo", "big1", "spaced"} {
		_, err = c.iam.DeleteRolePolicy(cx, &iam.DeleteRolePolicyInput{RoleName: aws.String("carts"), PolicyName: aws.String(n)})
		must(t, err)
	}
	_, err = c.iam.DeleteRolePolicy(cx, &iam.DeleteRolePolicyInput{RoleName: aws.String("carts"), PolicyName: aws.String("dynamo")})
	wantCode(t, err, "NoSuchEntity")
	_, err = c.iam.DeleteRole(cx, &iam.DeleteRoleInput{RoleName: aws.String("carts")})
	must(t, err)
}

func TestIAMAttachedPolicies(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	cx := ctx(t)
	createRole(t, c, "carts", podTrust)
	arn := "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"
	for range 2 { // attaching twice is idempotent
		_, err := c.iam.AttachRolePolicy(cx, &iam.AttachRolePolicyInput{RoleName: aws.String("carts"), PolicyArn: aws.String(arn)})
		must(t, err)
	}
	la, err := c.iam.ListAttachedRolePolicies(cx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("carts")})
	must(t, err)
	if len(la.AttachedPolicies) != 1 || aws.ToString(la.AttachedPolicies[0].PolicyName) != "AmazonDynamoDBFullAccess" {
		t.Fatalf("attached: %+v", la.AttachedPolicies)
	}
	_, err = c.iam.DeleteRole(cx, &iam.DeleteRoleInput{RoleName: aws.String("carts")})
	wantCode(t, err, "DeleteConflict")
	tests := map[string]struct {
		arn, code string
	}{
		"unknown managed policy": {"arn:aws:iam::aws:policy/NoSuchPolicy", "NoSuchEntity"},
		"unknown customer":       {"arn:aws:iam::123456789012:policy/nope", "NoSuchEntity"},
		"invalid arn":            {"not-an-arn", "InvalidInput"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := c.iam.AttachRolePolicy(ctx(t), &iam.AttachRolePolicyInput{RoleName: aws.String("carts"), PolicyArn: aws.String(tc.arn)})
			wantCode(t, err, tc.code)
		})
	}
	_, err = c.iam.DetachRolePolicy(cx, &iam.DetachRolePolicyInput{RoleName: aws.String("carts"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
	wantCode(t, err, "NoSuchEntity")
	more := []string{"ReadOnlyAccess", "AmazonS3ReadOnlyAccess", "AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy",
		"AmazonEC2ContainerRegistryReadOnly", "AmazonSSMManagedInstanceCore", "CloudWatchAgentServerPolicy",
		"AmazonEKSClusterPolicy", "AmazonSQSReadOnlyAccess"}
	for _, n := range more {
		_, err = c.iam.AttachRolePolicy(cx, &iam.AttachRolePolicyInput{RoleName: aws.String("carts"), PolicyArn: aws.String("arn:aws:iam::aws:policy/" + n)})
		must(t, err)
	}
	_, err = c.iam.AttachRolePolicy(cx, &iam.AttachRolePolicyInput{RoleName: aws.String("carts"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonSNSReadOnlyAccess")})
	wantCode(t, err, "LimitExceeded") // 10 managed policies per role
	p := iam.NewListAttachedRolePoliciesPaginator(c.iam, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("carts"), MaxItems: aws.Int32(3)})
	var names []string
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(cx)
		must(t, err)
		pages++
		for _, a := range out.AttachedPolicies {
			names = append(names, aws.ToString(a.PolicyName))
		}
	}
	if pages != 4 || len(names) != 10 || names[0] != "AmazonDynamoDBFullAccess" {
		t.Fatalf("pages=%d names=%v", pages, names)
	}
	_, err = c.iam.DetachRolePolicy(cx, &iam.DetachRolePolicyInput{RoleName: aws.String("carts"), PolicyArn: aws.String(arn)})
	must(t, err)
}

func TestIAMDeleteConflicts(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		setup func(t *testing.T, c *clients)
		msg   string
	}{
		"inline policy": {func(t *testing.T, c *clients) {
			_, err := c.iam.PutRolePolicy(ctx(t), &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("p"), PolicyDocument: aws.String(ddbPolicy)})
			must(t, err)
		}, "must delete policies first"},
		"attached policy": {func(t *testing.T, c *clients) {
			_, err := c.iam.AttachRolePolicy(ctx(t), &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
			must(t, err)
		}, "must detach all policies first"},
		"instance profile": {func(t *testing.T, c *clients) {
			_, err := c.iam.CreateInstanceProfile(ctx(t), &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("ip")})
			must(t, err)
			_, err = c.iam.AddRoleToInstanceProfile(ctx(t), &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("ip"), RoleName: aws.String("r")})
			must(t, err)
		}, "must remove roles from instance profile first"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := newClients(t, nil)
			createRole(t, c, "r", ec2Trust)
			tc.setup(t, c)
			_, err := c.iam.DeleteRole(ctx(t), &iam.DeleteRoleInput{RoleName: aws.String("r")})
			var dc *iamtypes.DeleteConflictException
			if !errors.As(err, &dc) || httpStatus(err) != 409 || !strings.Contains(dc.ErrorMessage(), tc.msg) {
				t.Fatalf("want DeleteConflict %q, got %v", tc.msg, err)
			}
		})
	}
	t.Run("seeded node role", func(t *testing.T) {
		t.Parallel()
		c := newClients(t, nil)
		_, err := c.iam.DeleteRole(ctx(t), &iam.DeleteRoleInput{RoleName: aws.String("eks-workshop-node")})
		wantCode(t, err, "DeleteConflict")
	})
}

func TestIAMInstanceProfiles(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	cx := ctx(t)
	out, err := c.iam.ListInstanceProfilesForRole(cx, &iam.ListInstanceProfilesForRoleInput{RoleName: aws.String("eks-workshop-node")})
	must(t, err)
	if len(out.InstanceProfiles) != 1 || aws.ToString(out.InstanceProfiles[0].InstanceProfileName) != "eks-workshop-node" ||
		len(out.InstanceProfiles[0].Roles) != 1 || aws.ToString(out.InstanceProfiles[0].Roles[0].RoleName) != "eks-workshop-node" ||
		aws.ToString(out.InstanceProfiles[0].Arn) != "arn:aws:iam::123456789012:instance-profile/eks-workshop-node" {
		t.Fatalf("seeded instance profile: %+v", out.InstanceProfiles)
	}
	createRole(t, c, "worker", ec2Trust)
	cp, err := c.iam.CreateInstanceProfile(cx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("worker"), Path: aws.String("/nodes/")})
	must(t, err)
	if !strings.HasPrefix(aws.ToString(cp.InstanceProfile.InstanceProfileId), "AIPA") {
		t.Fatalf("id %s", aws.ToString(cp.InstanceProfile.InstanceProfileId))
	}
	_, err = c.iam.CreateInstanceProfile(cx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("worker")})
	wantCode(t, err, "EntityAlreadyExists")
	_, err = c.iam.AddRoleToInstanceProfile(cx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("worker"), RoleName: aws.String("worker")})
	must(t, err)
	_, err = c.iam.AddRoleToInstanceProfile(cx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("worker"), RoleName: aws.String("eks-workshop-node")})
	wantCode(t, err, "LimitExceeded")
	_, err = c.iam.AddRoleToInstanceProfile(cx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("nope"), RoleName: aws.String("worker")})
	wantCode(t, err, "NoSuchEntity")
	lp, err := c.iam.ListInstanceProfilesForRole(cx, &iam.ListInstanceProfilesForRoleInput{RoleName: aws.String("worker")})
	must(t, err)
	if len(lp.InstanceProfiles) != 1 || aws.ToString(lp.InstanceProfiles[0].Path) != "/nodes/" {
		t.Fatalf("profiles: %+v", lp.InstanceProfiles)
	}
	gp, err := c.iam.GetInstanceProfile(cx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String("worker")})
	must(t, err)
	if len(gp.InstanceProfile.Roles) != 1 {
		t.Fatalf("roles %+v", gp.InstanceProfile.Roles)
	}
	_, err = c.iam.DeleteInstanceProfile(cx, &iam.DeleteInstanceProfileInput{InstanceProfileName: aws.String("worker")})
	wantCode(t, err, "DeleteConflict")
	_, err = c.iam.RemoveRoleFromInstanceProfile(cx, &iam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: aws.String("worker"), RoleName: aws.String("worker")})
	must(t, err)
	_, err = c.iam.DeleteInstanceProfile(cx, &iam.DeleteInstanceProfileInput{InstanceProfileName: aws.String("worker")})
	must(t, err)
	_, err = c.iam.DeleteRole(cx, &iam.DeleteRoleInput{RoleName: aws.String("worker")})
	must(t, err)
}

func TestIAMPagination(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	cx := ctx(t)
	createRole(t, c, "carts", podTrust)
	for i := range 25 {
		_, err := c.iam.PutRolePolicy(cx, &iam.PutRolePolicyInput{RoleName: aws.String("carts"), PolicyName: aws.String(fmt.Sprintf("p%02d", i)), PolicyDocument: aws.String(ddbPolicy)})
		must(t, err)
		createRole(t, c, fmt.Sprintf("role-%02d", i), ec2Trust)
	}
	var tags []iamtypes.Tag
	for i := range 12 {
		tags = append(tags, iamtypes.Tag{Key: aws.String(fmt.Sprintf("t%02d", i)), Value: aws.String("v")})
	}
	_, err := c.iam.TagRole(cx, &iam.TagRoleInput{RoleName: aws.String("carts"), Tags: tags})
	must(t, err)

	t.Run("ListRolePolicies", func(t *testing.T) {
		p := iam.NewListRolePoliciesPaginator(c.iam, &iam.ListRolePoliciesInput{RoleName: aws.String("carts"), MaxItems: aws.Int32(10)})
		var names []string
		pages := 0
		for p.HasMorePages() {
			out, err := p.NextPage(cx)
			must(t, err)
			pages++
			if pages < 3 && (!out.IsTruncated || out.Marker == nil) {
				t.Fatalf("page %d not truncated", pages)
			}
			names = append(names, out.PolicyNames...)
		}
		if pages != 3 || len(names) != 25 || names[0] != "p00" || names[24] != "p24" {
			t.Fatalf("pages=%d names=%v", pages, names)
		}
	})
	t.Run("ListRoles", func(t *testing.T) {
		p := iam.NewListRolesPaginator(c.iam, &iam.ListRolesInput{MaxItems: aws.Int32(7)})
		n := 0
		for p.HasMorePages() {
			out, err := p.NextPage(cx)
			must(t, err)
			n += len(out.Roles)
		}
		if n != 27 { // 25 + carts + seeded node role
			t.Fatalf("roles %d", n)
		}
	})
	t.Run("ListRoleTags", func(t *testing.T) {
		p := iam.NewListRoleTagsPaginator(c.iam, &iam.ListRoleTagsInput{RoleName: aws.String("carts"), MaxItems: aws.Int32(5)})
		n := 0
		for p.HasMorePages() {
			out, err := p.NextPage(cx)
			must(t, err)
			n += len(out.Tags)
		}
		if n != 12 {
			t.Fatalf("tags %d", n)
		}
	})
	t.Run("bad marker", func(t *testing.T) {
		_, err := c.iam.ListRolePolicies(cx, &iam.ListRolePoliciesInput{RoleName: aws.String("carts"), Marker: aws.String("garbage")})
		wantCode(t, err, "ValidationError")
	})
	t.Run("bad MaxItems", func(t *testing.T) {
		_, err := c.iam.ListRolePolicies(cx, &iam.ListRolePoliciesInput{RoleName: aws.String("carts"), MaxItems: aws.Int32(1001)})
		wantCode(t, err, "ValidationError")
	})
}

func TestIAMManagedPolicies(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	cx := ctx(t)
	if ManagedPolicyCount() < 1000 {
		t.Fatalf("embedded managed policies: %d", ManagedPolicyCount())
	}
	gp, err := c.iam.GetPolicy(cx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy")})
	must(t, err)
	pol := gp.Policy
	if aws.ToString(pol.PolicyName) != "AmazonEKSWorkerNodePolicy" || aws.ToInt32(pol.AttachmentCount) != 1 || !pol.IsAttachable ||
		!strings.HasPrefix(aws.ToString(pol.DefaultVersionId), "v") || !strings.HasPrefix(aws.ToString(pol.PolicyId), "ANPA") {
		t.Fatalf("GetPolicy: %+v", pol)
	}
	gv, err := c.iam.GetPolicyVersion(cx, &iam.GetPolicyVersionInput{PolicyArn: pol.Arn, VersionId: pol.DefaultVersionId})
	must(t, err)
	doc := decodeDoc(t, gv.PolicyVersion.Document)
	if !strings.Contains(doc, "ec2:DescribeInstances") || !gv.PolicyVersion.IsDefaultVersion {
		t.Fatalf("document: %s", doc)
	}
	// service-role path
	gp2, err := c.iam.GetPolicy(cx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy")})
	must(t, err)
	if aws.ToString(gp2.Policy.Path) != "/service-role/" {
		t.Fatalf("path %s", aws.ToString(gp2.Policy.Path))
	}
	_, err = c.iam.GetPolicy(cx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/Nope")})
	var nse *iamtypes.NoSuchEntityException
	if !errors.As(err, &nse) {
		t.Fatalf("want NoSuchEntity, got %v", err)
	}
	_, err = c.iam.GetPolicyVersion(cx, &iam.GetPolicyVersionInput{PolicyArn: pol.Arn, VersionId: aws.String("v0")})
	wantCode(t, err, "NoSuchEntity")

	// customer managed policy
	cp, err := c.iam.CreatePolicy(cx, &iam.CreatePolicyInput{PolicyName: aws.String("carts-dynamo"), PolicyDocument: aws.String(ddbPolicy), Description: aws.String("d")})
	must(t, err)
	if aws.ToString(cp.Policy.Arn) != "arn:aws:iam::123456789012:policy/carts-dynamo" || aws.ToString(cp.Policy.DefaultVersionId) != "v1" {
		t.Fatalf("CreatePolicy: %+v", cp.Policy)
	}
	_, err = c.iam.CreatePolicy(cx, &iam.CreatePolicyInput{PolicyName: aws.String("carts-dynamo"), PolicyDocument: aws.String(ddbPolicy)})
	wantCode(t, err, "EntityAlreadyExists")
	_, err = c.iam.CreatePolicy(cx, &iam.CreatePolicyInput{PolicyName: aws.String("bad"), PolicyDocument: aws.String(`{"Statement":[{"Effect":"Allow","Action":"s3:*"}]}`)})
	wantCode(t, err, "MalformedPolicyDocument")
	cv, err := c.iam.GetPolicyVersion(cx, &iam.GetPolicyVersionInput{PolicyArn: cp.Policy.Arn, VersionId: aws.String("v1")})
	must(t, err)
	if decodeDoc(t, cv.PolicyVersion.Document) != ddbPolicy {
		t.Fatal("customer policy document mismatch")
	}
	createRole(t, c, "carts", podTrust)
	_, err = c.iam.AttachRolePolicy(cx, &iam.AttachRolePolicyInput{RoleName: aws.String("carts"), PolicyArn: cp.Policy.Arn})
	must(t, err)
	_, err = c.iam.DeletePolicy(cx, &iam.DeletePolicyInput{PolicyArn: cp.Policy.Arn})
	wantCode(t, err, "DeleteConflict")
	_, err = c.iam.DetachRolePolicy(cx, &iam.DetachRolePolicyInput{RoleName: aws.String("carts"), PolicyArn: cp.Policy.Arn})
	must(t, err)
	_, err = c.iam.DeletePolicy(cx, &iam.DeletePolicyInput{PolicyArn: cp.Policy.Arn})
	must(t, err)
	_, err = c.iam.GetPolicy(cx, &iam.GetPolicyInput{PolicyArn: cp.Policy.Arn})
	wantCode(t, err, "NoSuchEntity")
}

func TestIAMUnknownActionAndUpdateErrors(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	tests := map[string]struct {
		call func() error
		code string
	}{
		"UpdateRole unknown": {func() error {
			_, err := c.iam.UpdateRole(ctx(t), &iam.UpdateRoleInput{RoleName: aws.String("nope")})
			return err
		}, "NoSuchEntity"},
		"UpdateRole bad duration": {func() error {
			_, err := c.iam.UpdateRole(ctx(t), &iam.UpdateRoleInput{RoleName: aws.String("eks-workshop-node"), MaxSessionDuration: aws.Int32(100)})
			return err
		}, "ValidationError"},
		"UpdateAssumeRolePolicy invalid": {func() error {
			_, err := c.iam.UpdateAssumeRolePolicy(ctx(t), &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("eks-workshop-node"), PolicyDocument: aws.String("[]")})
			return err
		}, "MalformedPolicyDocument"},
		"TagRole unknown": {func() error {
			_, err := c.iam.TagRole(ctx(t), &iam.TagRoleInput{RoleName: aws.String("nope"), Tags: []iamtypes.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
			return err
		}, "NoSuchEntity"},
		"ListRoleTags unknown": {func() error {
			_, err := c.iam.ListRoleTags(ctx(t), &iam.ListRoleTagsInput{RoleName: aws.String("nope")})
			return err
		}, "NoSuchEntity"},
		"PutRolePermissionsBoundary bad": {func() error {
			_, err := c.iam.PutRolePermissionsBoundary(ctx(t), &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("eks-workshop-node"), PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/Nope")})
			return err
		}, "NoSuchEntity"},
		"ListAttachedRolePolicies unknown": {func() error {
			_, err := c.iam.ListAttachedRolePolicies(ctx(t), &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("nope")})
			return err
		}, "NoSuchEntity"},
		"unsupported action": {func() error { _, err := c.iam.ListUsers(ctx(t), &iam.ListUsersInput{}); return err }, "InvalidAction"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			wantCode(t, tc.call(), tc.code)
		})
	}
}
