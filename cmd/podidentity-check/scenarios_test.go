package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

// TestRunScenarios runs the CLI, as CI would (`podidentity-check --format
// json PLAN`), on every scenario plan made by OpenTofu (plan.json) and by
// Terraform (plan-terraform.json), and checks the findings against the
// scenario's hand-written expect.json and the exit status against their
// severities: 1 when an expected finding is an error, else 0, and 0 for
// every plan with --fail-on never.
func TestRunScenarios(t *testing.T) {
	t.Parallel()
	plans, err := filepath.Glob(filepath.Join("..", "..", "leastpriv", "tfplan", "testdata", "plans", "*", "plan*.json"))
	if err != nil || len(plans) < 2 {
		t.Fatalf("no scenario plans: %v", err)
	}
	severity := map[string]string{}
	for _, r := range leastpriv.Rules() {
		severity[r.ID] = r.Severity
	}
	for _, plan := range plans {
		dir := filepath.Dir(plan)
		t.Run(filepath.Base(dir)+"/"+filepath.Base(plan), func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(filepath.Join(dir, "expect.json"))
			if err != nil {
				t.Fatal(err)
			}
			var exp struct {
				// Severity, when set, is the finding's severity where it
				// differs from the rule's (SeverityElsewhere).
				Findings []struct{ Rule, Address, Severity string } `json:"findings"`
			}
			if err := json.Unmarshal(raw, &exp); err != nil {
				t.Fatal(err)
			}
			var want []string
			wantCode := exitOK
			for _, f := range exp.Findings {
				want = append(want, f.Rule+" "+f.Address)
				sev := severity[f.Rule]
				if f.Severity != "" {
					sev = f.Severity
				}
				if sev == leastpriv.SeverityError {
					wantCode = exitFindings
				}
			}
			code, out, errOut := runCLI(t, "", "--format", "json", plan)
			if code != wantCode {
				t.Errorf("exit %d, want %d; stderr: %s", code, wantCode, errOut)
			}
			var report struct {
				Findings []struct{ Rule, Address string } `json:"findings"`
			}
			if err := json.Unmarshal([]byte(out), &report); err != nil {
				t.Fatalf("JSON report: %v\n%s", err, out)
			}
			var got []string
			for _, f := range report.Findings {
				got = append(got, f.Rule+" "+f.Address)
			}
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("findings:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
			if code, _, errOut := runCLI(t, "", "--fail-on", "never", plan); code != exitOK {
				t.Errorf("--fail-on never: exit %d; stderr: %s", code, errOut)
			}
		})
	}
}
