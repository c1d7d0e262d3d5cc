package leastpriv

// ReviewPlanFile reads a JSON plan (the output of `terraform show -json
// PLANFILE`) and checks it: ReadPlanFile followed by Check.
func ReviewPlanFile(path string, opts CheckOptions) ([]Finding, error) {
	inv, err := ReadPlanFile(path)
	if err != nil {
		return nil, err
	}
	return Check(inv, opts), nil
}
