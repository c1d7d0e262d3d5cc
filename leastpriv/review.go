package leastpriv

// Review is the result of checking an Inventory, for the report writers
// (WriteText, WriteJSON, WriteSARIF) and the exit status (FailsAt).
// Package tfplan makes one from a JSON plan (tfplan.Review).
type Review struct {
	// Findings are Check's findings for the Inventory.
	Findings []Finding
	// Resources is the number of resource instances the plan has after
	// apply (data sources included), for summaries.
	Resources int
}
