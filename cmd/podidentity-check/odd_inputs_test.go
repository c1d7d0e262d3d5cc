package main

import (
	"strings"
	"testing"
)

// TestRunOddPlans runs the CLI on plans with nothing to review: a real
// `tofu show -json` of an empty configuration's plan passes (exit 0), and
// input that is not a JSON plan at all is a usage error (exit 2) with one
// line on standard error.
func TestRunOddPlans(t *testing.T) {
	t.Parallel()
	const empty = `{"format_version":"1.2","terraform_version":"1.12.6","planned_values":{"root_module":{}},` +
		`"configuration":{"provider_config":{"aws":{"name":"aws","full_name":"registry.opentofu.org/hashicorp/aws"}},"root_module":{}},` +
		`"timestamp":"2026-11-29T17:13:07Z","errored":false}`
	code, out, errOut := runCLI(t, empty, "-")
	if code != exitOK || !strings.Contains(out, "No findings") {
		t.Errorf("empty plan: exit %d, out %q, stderr %q", code, out, errOut)
	}
	for name, in := range map[string]string{
		"array":         `[]`,
		"no version":    `{"resource_changes":[]}`,
		"plan format 2": `{"format_version":"2.0"}`,
	} {
		code, _, errOut := runCLI(t, in, "-")
		if code != exitUsage || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || errOut == "" {
			t.Errorf("%s: exit %d, stderr %q; want exit %d and one line", name, code, errOut, exitUsage)
		}
	}
}
