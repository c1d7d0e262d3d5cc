package leastpriv

import "io"

// PlanReview is the result of checking a JSON plan.
type PlanReview struct {
	// Findings are Check's findings for the plan's Inventory.
	Findings []Finding
	// Resources is the number of resource instances the plan has after
	// apply (data sources included), for summaries.
	Resources int
}

// ReviewPlan reads a JSON plan (the output of `terraform show -json
// PLANFILE`) and checks it: ReadPlan followed by Check.
func ReviewPlan(r io.Reader, opts CheckOptions) (*PlanReview, error) {
	p, err := decodePlan(r)
	if err != nil {
		return nil, err
	}
	// The policy documents are analysed on the other cores while the
	// inventory is built.
	wait := p.analyseDocs()
	inv := p.inventory()
	return &PlanReview{Findings: checkInventory(inv, opts, wait()), Resources: p.resourceCount()}, nil
}

// ReviewPlanFile reads a JSON plan file and checks it: ReadPlanFile
// followed by Check.
func ReviewPlanFile(path string, opts CheckOptions) ([]Finding, error) {
	inv, err := ReadPlanFile(path)
	if err != nil {
		return nil, err
	}
	return Check(inv, opts), nil
}
