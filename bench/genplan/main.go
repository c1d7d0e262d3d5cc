// Command genplan writes a large, realistic JSON plan for benchmarks.
//
//	go run ./bench/genplan -n 20000 -o /tmp/plan-20k.json
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/eks-podidentity/terraform-provider-podidentity/bench/planfixture"
)

func main() {
	n := flag.Int("n", 20000, "approximate number of resources")
	out := flag.String("o", "-", "output file (- for standard output)")
	flag.Parse()
	w := os.Stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "genplan:", err)
			os.Exit(1)
		}
		defer f.Close()
		w = f
	}
	if err := planfixture.Write(w, *n); err != nil {
		fmt.Fprintln(os.Stderr, "genplan:", err)
		os.Exit(1)
	}
}
