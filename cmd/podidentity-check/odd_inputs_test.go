package main

import (
	"os"
	"path/filepath"
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

// TestRunStateAndErroredPlans: the JSON of a state (terraform show -json
// without a plan file, made by a real tofu apply) and a plan that terraform
// reported errors for would otherwise pass as clean with resources missing:
// both are exit 2 with a one-line reason, from a file and from stdin.
func TestRunStateAndErroredPlans(t *testing.T) {
	t.Parallel()
	state := filepath.Join("..", "..", "leastpriv", "tfplan", "testdata", "state", "root_inline_policy.state.json")
	raw, err := os.ReadFile(fixture("clean_carts"))
	if err != nil {
		t.Fatal(err)
	}
	errored := strings.Replace(string(raw), `"errored":false`, `"errored":true`, 1)
	if errored == string(raw) {
		t.Fatal(`fixture has no "errored":false`)
	}
	for name, c := range map[string]struct {
		args  []string
		stdin string
		want  string
	}{
		"state file":     {args: []string{state}, want: "this is the JSON of a state"},
		"errored plan":   {args: []string{"-"}, stdin: errored, want: `incomplete plan: terraform reported errors while planning ("errored": true)`},
		"errored, never": {args: []string{"--fail-on", "never", "-"}, stdin: errored, want: "incomplete plan"},
	} {
		code, out, errOut := runCLI(t, c.stdin, c.args...)
		if code != exitUsage || !strings.Contains(errOut, c.want) || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || out != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %d and one line with %q", name, code, out, errOut, exitUsage, c.want)
		}
	}
	// The same state with a plan's sections is a plan.
	if code, _, errOut := runCLI(t, "", fixture("clean_carts")); code != exitOK {
		t.Errorf("clean plan: exit %d: %s", code, errOut)
	}
}
