package tfplan

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

// planExpectation is a scenario's expect.json.
type planExpectation struct {
	Description string `json:"description"`
	Findings    []struct {
		Rule    string `json:"rule"`
		Address string `json:"address"`
	} `json:"findings"`
}

// TestReviewFileScenarios reviews every plan in testdata/plans (each made
// by a real `tofu plan`, plan.json, and a real `terraform plan` (v1.5.7),
// plan-terraform.json; see scripts/fixtures.sh) and asserts exactly the
// findings listed in its expect.json.
func TestReviewFileScenarios(t *testing.T) {
	t.Parallel()
	dirs, err := filepath.Glob("testdata/plans/*/plan*.json")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no plan fixtures: %v", err)
	}
	for _, planPath := range dirs {
		dir := filepath.Dir(planPath)
		name := filepath.Base(dir)
		if b := filepath.Base(planPath); b != "plan.json" {
			name += "/" + strings.TrimSuffix(strings.TrimPrefix(b, "plan-"), ".json")
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(filepath.Join(dir, "expect.json"))
			if err != nil {
				t.Fatal(err)
			}
			var exp planExpectation
			if err := json.Unmarshal(raw, &exp); err != nil {
				t.Fatalf("expect.json: %v", err)
			}
			var want []string
			for _, f := range exp.Findings {
				want = append(want, f.Rule+" "+f.Address)
			}
			review, err := ReviewFile(planPath, leastpriv.CheckOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range review.Findings {
				got = append(got, f.Rule+" "+f.Address)
			}
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				var b strings.Builder
				for _, f := range review.Findings {
					b.WriteString("\n  " + f.String())
				}
				t.Errorf("%s\nfindings = %q, want %q%s", exp.Description, got, want, b.String())
			}
		})
	}
}
