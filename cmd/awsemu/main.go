// Command awsemu serves the AWS API emulator (IAM, STS, EKS, EKS Auth,
// DynamoDB DescribeTable) on a loopback address until SIGINT/SIGTERM.
//
//	go run ./cmd/awsemu --listen 127.0.0.1:4566 --seed internal/awsemu/testdata/seed-example.json
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/awsemu"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:4566", "loopback address to listen on (127.0.0.1:0 for a random port)")
	seedPath := flag.String("seed", "", "seed JSON file (default: the built-in EKS workshop seed)")
	flag.Parse()

	var seed *awsemu.Seed
	if *seedPath != "" {
		var err error
		if seed, err = awsemu.LoadSeed(*seedPath); err != nil {
			fmt.Fprintln(os.Stderr, "awsemu:", err)
			os.Exit(2)
		}
	}
	srv, err := awsemu.Start(*listen, seed)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("awsemu listening on %s (account %s, region %s)\n", srv.URL(), srv.AccountID(), srv.Region())

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	_ = srv.Close()
	fmt.Println("awsemu stopped")
}
