package tfplan

import (
	"io"
	"os"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

// Review reads a JSON plan (the output of `terraform show -json
// PLANFILE`) and checks it: Read followed by leastpriv.Check, with the
// plan's policy documents analysed while the inventory is built.
func Review(r io.Reader, opts leastpriv.CheckOptions) (*leastpriv.Review, error) {
	p, err := decodePlan(r)
	if err != nil {
		return nil, err
	}
	// The policy documents are analysed on the other cores while the
	// inventory is built.
	wait := p.analyseDocs()
	inv := p.inventory()
	return &leastpriv.Review{Findings: leastpriv.CheckAnalysed(inv, opts, wait()), Resources: p.resourceCount()}, nil
}

// ReviewFile reads a JSON plan file and checks it: Review of the file's
// contents (a regular file is mapped into memory rather than copied).
func ReviewFile(path string, opts leastpriv.CheckOptions) (*leastpriv.Review, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Review(f, opts)
}
