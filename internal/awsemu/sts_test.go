package awsemu

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestSTSGetCallerIdentity(t *testing.T) {
	t.Parallel()
	seed := DefaultSeed()
	seed.AccountID = "210987654321"
	c := newClients(t, seed)
	out, err := c.sts.GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
	must(t, err)
	if aws.ToString(out.Account) != "210987654321" || aws.ToString(out.Arn) != "arn:aws:iam::210987654321:user/awsemu" ||
		!strings.HasPrefix(aws.ToString(out.UserId), "AIDA") {
		t.Fatalf("identity: %+v", out)
	}
}

func TestSTSAssumeRole(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	cx := ctx(t)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
	arn := createRole(t, c, "deployer", trust)
	out, err := c.sts.AssumeRole(cx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("terraform"), DurationSeconds: aws.Int32(900)})
	must(t, err)
	cr := out.Credentials
	if !strings.HasPrefix(aws.ToString(cr.AccessKeyId), "ASIA") || aws.ToString(cr.SecretAccessKey) == "" || aws.ToString(cr.SessionToken) == "" || cr.Expiration == nil {
		t.Fatalf("credentials: %+v", cr)
	}
	if aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:sts::123456789012:assumed-role/deployer/terraform" {
		t.Fatalf("assumed role user: %s", aws.ToString(out.AssumedRoleUser.Arn))
	}
	// The issued credentials identify as the assumed role.
	cfg := testConfig(c.srv, true)
	cfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(cr.AccessKeyId), aws.ToString(cr.SecretAccessKey), aws.ToString(cr.SessionToken))
	st2 := sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = aws.String(c.srv.URL()) })
	id, err := st2.GetCallerIdentity(cx, &sts.GetCallerIdentityInput{})
	must(t, err)
	if aws.ToString(id.Arn) != aws.ToString(out.AssumedRoleUser.Arn) {
		t.Fatalf("caller %s", aws.ToString(id.Arn))
	}
	// RoleLastUsed is recorded.
	g, err := c.iam.GetRole(cx, &iam.GetRoleInput{RoleName: aws.String("deployer")})
	must(t, err)
	if g.Role.RoleLastUsed == nil || g.Role.RoleLastUsed.LastUsedDate == nil || aws.ToString(g.Role.RoleLastUsed.Region) != "us-west-2" {
		t.Fatalf("RoleLastUsed: %+v", g.Role.RoleLastUsed)
	}

	podRole := createRole(t, c, "pods", podTrust)
	extRole := createRole(t, c, "ext", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"secret-id"}}}]}`)
	_, err = c.sts.AssumeRole(cx, &sts.AssumeRoleInput{RoleArn: aws.String(extRole), RoleSessionName: aws.String("s1"), ExternalId: aws.String("secret-id")})
	must(t, err)
	// An assumed-role session can chain into a role that trusts that role.
	chained := createRole(t, c, "chained", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["`+arn+`"]},"Action":["sts:AssumeRole","sts:TagSession"]}]}`)
	st3 := sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = aws.String(c.srv.URL()) })
	_, err = st3.AssumeRole(cx, &sts.AssumeRoleInput{RoleArn: aws.String(chained), RoleSessionName: aws.String("chain")})
	must(t, err)
	_, err = c.sts.AssumeRole(cx, &sts.AssumeRoleInput{RoleArn: aws.String(chained), RoleSessionName: aws.String("chain")})
	wantCode(t, err, "AccessDenied") // the plain user is not trusted by "chained"

	tests := map[string]struct {
		in   sts.AssumeRoleInput
		code string
		st   int
	}{
		"unknown role":           {sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/nope"), RoleSessionName: aws.String("s1")}, "AccessDenied", 403},
		"other account":          {sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::999999999999:role/deployer"), RoleSessionName: aws.String("s1")}, "AccessDenied", 403},
		"duration over max":      {sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(7200)}, "ValidationError", 400},
		"bad session name":       {sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("a b")}, "ValidationError", 400},
		"trust is for a service": {sts.AssumeRoleInput{RoleArn: aws.String(podRole), RoleSessionName: aws.String("s1")}, "AccessDenied", 403},
		"external id required":   {sts.AssumeRoleInput{RoleArn: aws.String(extRole), RoleSessionName: aws.String("s1"), ExternalId: aws.String("wrong")}, "AccessDenied", 403},
		"duration under min":     {sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(60)}, "ValidationError", 400},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			in := tc.in
			_, err := c.sts.AssumeRole(ctx(t), &in)
			wantCode(t, err, tc.code)
			if httpStatus(err) != tc.st {
				t.Fatalf("status %d", httpStatus(err))
			}
		})
	}
}
