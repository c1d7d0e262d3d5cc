package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/eks"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/awsemu"
)

// podEnv prints a pod's AWS environment (see the package comment).
func podEnv(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("awsemu pod-env", flag.ContinueOnError)
	fs.SetOutput(stderr)
	endpoint := fs.String("endpoint", "", "the emulator's URL")
	cluster := fs.String("cluster", "eks-workshop", "cluster")
	nodegroup := fs.String("nodegroup", "default", "node group the pod runs on")
	ns := fs.String("namespace", "", "the pod's namespace")
	sa := fs.String("service-account", "", "the pod's service account")
	dir := fs.String("token-dir", "", "directory for projected service account tokens")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *endpoint == "" || *ns == "" || *sa == "" || *dir == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "awsemu pod-env: -endpoint, -namespace, -service-account and -token-dir are required")
		return 2
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "awsemu pod-env:", err)
		return 1
	}
	client := eks.NewFromConfig(cfg, func(o *eks.Options) { o.BaseEndpoint = aws.String(*endpoint) })
	out, err := client.ListPodIdentityAssociations(ctx, &eks.ListPodIdentityAssociationsInput{
		ClusterName: cluster, Namespace: ns, ServiceAccount: sa})
	if err != nil {
		fmt.Fprintln(stderr, "awsemu pod-env:", err)
		return 1
	}
	region := cfg.Region
	if region == "" {
		region = "us-west-2"
	}
	fmt.Fprintf(stdout, "AWS_REGION=%s\nAWS_ENDPOINT_URL=%s\nAWS_EC2_METADATA_SERVICE_ENDPOINT=%s\n",
		region, *endpoint, awsemu.IMDSEndpoint(*endpoint, *cluster, *nodegroup, true))
	if len(out.Associations) > 0 {
		tok := filepath.Join(*dir, *cluster, *ns, *sa, "eks-pod-identity-token")
		if err := os.MkdirAll(filepath.Dir(tok), 0o700); err != nil {
			fmt.Fprintln(stderr, "awsemu pod-env:", err)
			return 1
		}
		if err := os.WriteFile(tok, []byte(awsemu.PodIdentityToken(*ns, *sa)), 0o600); err != nil {
			fmt.Fprintln(stderr, "awsemu pod-env:", err)
			return 1
		}
		fmt.Fprintf(stdout, "AWS_CONTAINER_CREDENTIALS_FULL_URI=%s\nAWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=%s\n",
			awsemu.AgentURL(*endpoint, *cluster), tok)
	}
	return 0
}
