// Command awsemu serves the AWS API emulator (IAM, STS, EKS, EKS Auth,
// DynamoDB with its data plane, the EKS Pod Identity agent and the nodes'
// IMDSv2; see internal/awsemu/README.md) on a loopback address until
// SIGINT/SIGTERM.
//
//	go run ./cmd/awsemu --listen 127.0.0.1:4566 --seed internal/awsemu/testdata/seed-example.json
//
// It prints "awsemu listening on http://127.0.0.1:PORT ..." once it serves.
// Point SDKs at that URL (BaseEndpoint / --endpoint-url, or AWS_ENDPOINT_URL).
// Unknown long-term keys are the administrator; keys the emulator issued are
// their role session, and DynamoDB calls are authorised by its policies.
//
//	awsemu pod-env -endpoint URL -cluster C -nodegroup NG -namespace NS -service-account SA -token-dir DIR
//
// prints the AWS environment of a pod of service account NS/SA on a node of
// node group NG, one KEY=VALUE a line, as EKS would give it: the Pod
// Identity variables (AWS_CONTAINER_CREDENTIALS_FULL_URI pointing at the
// emulator's agent, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, with the token
// written under DIR) only when the service account has a Pod Identity
// association (it asks EKS, as the EKS Pod Identity webhook does), and the
// node's instance metadata service as a pod reaches it. AWS_REGION and
// AWS_ENDPOINT_URL stand for the pod's region and network.
//
//	awsemu state -endpoint URL                                       the emulator's state (JSON)
//	awsemu hop-limit -endpoint URL -cluster C -nodegroup NG -hops N  set a launch template's hop limit
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/awsemu"
)

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "pod-env":
			os.Exit(podEnv(context.Background(), os.Args[2:], os.Stdout, os.Stderr))
		case "state", "hop-limit":
			os.Exit(adminCmd(context.Background(), os.Args[1], os.Args[2:], os.Stdout, os.Stderr))
		}
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, sig))
}

// run serves until stop delivers a value; it returns the process exit code.
func run[T any](args []string, stdout, stderr io.Writer, stop <-chan T) int {
	fs := flag.NewFlagSet("awsemu", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:4566", "loopback address to listen on (127.0.0.1:0 for a random port)")
	seedPath := fs.String("seed", "", "seed JSON file (default: the built-in EKS workshop seed)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "awsemu: unexpected arguments %v\n", fs.Args())
		return 2
	}
	var seed *awsemu.Seed
	if *seedPath != "" {
		var err error
		if seed, err = awsemu.LoadSeed(*seedPath); err != nil {
			fmt.Fprintln(stderr, "awsemu:", err)
			return 2
		}
	}
	srv, err := awsemu.Start(*listen, seed)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "awsemu listening on %s (account %s, region %s)\n", srv.URL(), srv.AccountID(), srv.Region())
	<-stop
	_ = srv.Close()
	fmt.Fprintln(stdout, "awsemu stopped")
	return 0
}
