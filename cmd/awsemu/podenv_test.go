package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/awsemu"
)

func TestPodEnvAndAdmin(t *testing.T) {
	srv := awsemu.StartTest(t, nil)
	dir := t.TempDir()
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIATEST000000000000")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "x")
	t.Setenv("AWS_REGION", "us-west-2")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
	podEnvOf := func() string {
		var out, errb bytes.Buffer
		if code := podEnv(context.Background(), []string{"-endpoint", srv.URL(), "-namespace", "carts", "-service-account", "carts", "-token-dir", dir}, &out, &errb); code != 0 {
			t.Fatalf("pod-env exit %d: %s", code, errb.String())
		}
		return out.String()
	}
	// No association: no Pod Identity variables, only the node's IMDS as a pod sees it.
	env := podEnvOf()
	if strings.Contains(env, "AWS_CONTAINER_") || !strings.Contains(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT="+awsemu.IMDSEndpoint(srv.URL(), "eks-workshop", "default", true)) {
		t.Fatalf("without an association:\n%s", env)
	}
	if _, err := srv.AddPodIdentityAssociation("eks-workshop", "carts", "carts", "arn:aws:iam::123456789012:role/x", ""); err != nil {
		t.Fatal(err)
	}
	env = podEnvOf()
	tok := filepath.Join(dir, "eks-workshop", "carts", "carts", "eks-pod-identity-token")
	if !strings.Contains(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI="+awsemu.AgentURL(srv.URL(), "eks-workshop")+"\n") ||
		!strings.Contains(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="+tok+"\n") {
		t.Fatalf("with an association:\n%s", env)
	}
	if b, err := os.ReadFile(tok); err != nil || string(b) != awsemu.PodIdentityToken("carts", "carts") {
		t.Fatalf("token file: %q %v", b, err)
	}

	var out, errb bytes.Buffer
	if code := adminCmd(context.Background(), "hop-limit", []string{"-endpoint", srv.URL(), "-hops", "3"}, &out, &errb); code != 0 {
		t.Fatalf("hop-limit exit %d: %s", code, errb.String())
	}
	if lt := srv.Dump().Clusters[0].NodeGroups[0].LaunchTemplate; lt == nil || lt.HTTPPutResponseHopLimit != 3 {
		t.Fatalf("launch template after hop-limit: %+v", lt)
	}
	if code := adminCmd(context.Background(), "hop-limit", []string{"-endpoint", srv.URL(), "-nodegroup", "nope", "-hops", "2"}, &out, &errb); code != 1 {
		t.Fatalf("hop-limit on a missing node group: exit %d", code)
	}
	out.Reset()
	if code := adminCmd(context.Background(), "state", []string{"-endpoint", srv.URL()}, &out, &errb); code != 0 || !strings.Contains(out.String(), `"account_id":"123456789012"`) {
		t.Fatalf("state exit %d: %s", code, out.String())
	}
}
