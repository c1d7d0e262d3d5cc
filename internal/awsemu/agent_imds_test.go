package awsemu

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// podEnv gives the process the environment of a pod (or node): no static
// keys, no config files; only what is set in env.
func podEnv(t *testing.T, env map[string]string) {
	t.Helper()
	dir := t.TempDir()
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ROLE_ARN",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_ENDPOINT_URL"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "")
	os.Unsetenv("AWS_EC2_METADATA_DISABLED")
	t.Setenv("AWS_REGION", "us-west-2")
	for k, v := range env {
		t.Setenv(k, v)
	}
}

// defaultChain resolves credentials the way an unmodified program does.
func defaultChain(t *testing.T) (aws.Credentials, aws.Config, error) {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		return aws.Credentials{}, cfg, err
	}
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cr, err := cfg.Credentials.Retrieve(c)
	return cr, cfg, err
}

func callerARN(t *testing.T, srv *Server, cfg aws.Config) string {
	t.Helper()
	out, err := sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = aws.String(srv.URL()) }).GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
	must(t, err)
	return aws.ToString(out.Arn)
}

func TestPodIdentityAgent(t *testing.T) {
	c := newClients(t, nil)
	roleARN := createRole(t, c, "carts", podTrust)
	_, err := c.eks.CreatePodIdentityAssociation(ctx(t), &eks.CreatePodIdentityAssociationInput{ClusterName: aws.String("eks-workshop"),
		Namespace: aws.String("carts"), ServiceAccount: aws.String("carts"), RoleArn: aws.String(roleARN)})
	must(t, err)
	dir := t.TempDir()
	token := func(ns, sa string) string {
		p := filepath.Join(dir, ns+"-"+sa)
		must(t, os.WriteFile(p, []byte(PodIdentityToken(ns, sa)), 0o600))
		return p
	}
	agent := AgentURL(c.srv.URL(), "eks-workshop")

	t.Run("the SDK's container provider gets the role's session", func(t *testing.T) {
		podEnv(t, map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": agent, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": token("carts", "carts")})
		cr, cfg, err := defaultChain(t)
		must(t, err)
		if !strings.HasPrefix(cr.AccessKeyID, "ASIA") || cr.SessionToken == "" || !cr.CanExpire || cr.Source != "CredentialsEndpointProvider" {
			t.Fatalf("credentials %+v", cr)
		}
		if got := callerARN(t, c.srv, cfg); !strings.HasPrefix(got, "arn:aws:sts::123456789012:assumed-role/carts/eks-eks-workshop-carts-") {
			t.Fatal(got)
		}
		sess := c.srv.Dump().Sessions
		last := sess[len(sess)-1]
		if last.Source != "eks-auth:AssumeRoleForPodIdentity" || last.Tags["kubernetes-namespace"] != "carts" || last.Tags["kubernetes-service-account"] != "carts" {
			t.Fatalf("session %+v", last)
		}
	})
	t.Run("a service account without an association gets nothing", func(t *testing.T) {
		podEnv(t, map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": agent, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": token("orders", "orders")})
		_, _, err := defaultChain(t)
		if err == nil || !strings.Contains(err.Error(), "ResourceNotFoundException") {
			t.Fatalf("want ResourceNotFoundException, got %v", err)
		}
	})
	t.Run("wire format", func(t *testing.T) {
		get := func(tok string) (int, map[string]string) {
			req, _ := http.NewRequest("GET", agent, nil)
			if tok != "" {
				req.Header.Set("Authorization", tok)
			}
			resp, err := http.DefaultClient.Do(req)
			must(t, err)
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			var m map[string]string
			must(t, json.Unmarshal(b, &m))
			return resp.StatusCode, m
		}
		// The container credentials format: AccessKeyId, SecretAccessKey,
		// Token, AccountId, Expiration (RFC 3339).
		code, m := get(PodIdentityToken("carts", "carts"))
		if code != 200 || len(m) != 5 || m["AccountId"] != "123456789012" || m["Token"] == "" || m["SecretAccessKey"] == "" {
			t.Fatalf("%d %v", code, m)
		}
		if _, err := time.Parse(time.RFC3339, m["Expiration"]); err != nil {
			t.Fatal(err)
		}
		if code, m := get(""); code != 400 || m["code"] != "InvalidParameterException" {
			t.Fatalf("no token: %d %v", code, m)
		}
		if code, m := get("not-a-token"); code != 400 || m["code"] != "InvalidTokenException" {
			t.Fatalf("bad token: %d %v", code, m)
		}
	})
}

func TestIMDS(t *testing.T) {
	c := newClients(t, nil)
	node := IMDSEndpoint(c.srv.URL(), "eks-workshop", "default", false)
	pod := IMDSEndpoint(c.srv.URL(), "eks-workshop", "default", true)
	must(t, c.srv.SetHopLimit("eks-workshop", "default", 1))

	t.Run("the node gets its role's credentials", func(t *testing.T) {
		podEnv(t, map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": node})
		cr, cfg, err := defaultChain(t)
		must(t, err)
		if !strings.HasPrefix(cr.AccessKeyID, "ASIA") || cr.Source != "EC2RoleProvider" {
			t.Fatalf("%+v", cr)
		}
		if got := callerARN(t, c.srv, cfg); !strings.HasPrefix(got, "arn:aws:sts::123456789012:assumed-role/eks-workshop-node/i-") {
			t.Fatal(got)
		}
	})
	t.Run("a pod with hop limit 1 gets nothing", func(t *testing.T) {
		podEnv(t, map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": pod})
		c.srv.ResetLog()
		start := time.Now()
		_, _, err := defaultChain(t)
		if err == nil {
			t.Fatal("a pod got node credentials with hop limit 1")
		}
		t.Logf("%v after %v; calls %v", err, time.Since(start), c.srv.CallCounts())
	})
	t.Run("a pod with hop limit 2 gets the node's credentials", func(t *testing.T) {
		must(t, c.srv.SetHopLimit("eks-workshop", "default", 2))
		podEnv(t, map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": pod})
		_, cfg, err := defaultChain(t)
		must(t, err)
		if got := callerARN(t, c.srv, cfg); !strings.Contains(got, ":assumed-role/eks-workshop-node/") {
			t.Fatal(got)
		}
	})
	t.Run("wire format", func(t *testing.T) {
		do := func(method, path, hdr, val string) (int, string) {
			req, _ := http.NewRequest(method, c.srv.URL()+path+"?node=eks-workshop/default", nil)
			if hdr != "" {
				req.Header.Set(hdr, val)
			}
			resp, err := http.DefaultClient.Do(req)
			must(t, err)
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		if code, _ := do("PUT", "/latest/api/token", "", ""); code != 400 {
			t.Fatalf("token without TTL: %d", code)
		}
		if code, _ := do("GET", "/latest/meta-data/iam/security-credentials/", "", ""); code != 401 {
			t.Fatalf("IMDSv1: %d, want 401 (tokens required)", code)
		}
		code, tok := do("PUT", "/latest/api/token", "X-aws-ec2-metadata-token-ttl-seconds", "21600")
		if code != 200 || tok == "" {
			t.Fatal(code)
		}
		if code, name := do("GET", "/latest/meta-data/iam/security-credentials/", "X-aws-ec2-metadata-token", tok); code != 200 || name != "eks-workshop-node" {
			t.Fatalf("%d %q", code, name)
		}
		code, body := do("GET", "/latest/meta-data/iam/security-credentials/eks-workshop-node", "X-aws-ec2-metadata-token", tok)
		var m map[string]string
		must(t, json.Unmarshal([]byte(body), &m))
		// The format in the EC2 user guide: Code, LastUpdated, Type,
		// AccessKeyId, SecretAccessKey, Token, Expiration.
		if code != 200 || m["Code"] != "Success" || m["Type"] != "AWS-HMAC" || len(m) != 7 || m["Token"] == "" {
			t.Fatalf("%d %v", code, m)
		}
		if code, _ := do("GET", "/latest/meta-data/iam/security-credentials/other", "X-aws-ec2-metadata-token", tok); code != 404 {
			t.Fatal(code)
		}
	})
	t.Run("no node role, no credentials", func(t *testing.T) {
		_, err := c.iam.RemoveRoleFromInstanceProfile(ctx(t), &iam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: aws.String("eks-workshop-node"), RoleName: aws.String("eks-workshop-node")})
		must(t, err)
		for _, p := range []string{"AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly", "AmazonEKS_CNI_Policy", "AmazonSSMManagedInstanceCore"} {
			_, err := c.iam.DetachRolePolicy(ctx(t), &iam.DetachRolePolicyInput{RoleName: aws.String("eks-workshop-node"), PolicyArn: aws.String("arn:aws:iam::aws:policy/" + p)})
			must(t, err)
		}
		_, err = c.iam.DeleteRole(ctx(t), &iam.DeleteRoleInput{RoleName: aws.String("eks-workshop-node")})
		must(t, err)
		podEnv(t, map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": node})
		if _, _, err := defaultChain(t); err == nil {
			t.Fatal("credentials for a deleted node role")
		}
	})
}
