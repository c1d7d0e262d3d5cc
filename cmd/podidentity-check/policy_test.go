package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// planIn copies a scenario plan into a new directory (so that a
// configuration file can sit beside it) and returns its path.
func planIn(t *testing.T, scenario string) string {
	t.Helper()
	raw, err := os.ReadFile(fixture(scenario))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "plan.json")
	if err := os.WriteFile(p, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

type jsonReport struct {
	Findings []struct {
		Rule, Severity, Address string
		Suppressed              *struct{ Kind, Reason, Expires string } `json:"suppressed"`
		ExpiredException        *struct{ Reason, Expires string }       `json:"expired_exception"`
	} `json:"findings"`
	Summary struct{ Errors, Warnings, Suppressed int } `json:"summary"`
}

func decodeReport(t *testing.T, out string) jsonReport {
	t.Helper()
	var r jsonReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return r
}

// TestConfigFile: .podidentity-check.yaml beside the plan (or in a parent
// directory) sets rule severities and exceptions; an exception suppresses
// the finding (still reported, not counted), an expired one does not and
// says so.
func TestConfigFile(t *testing.T) {
	t.Parallel()
	const addr = "aws_iam_role_policy.carts"
	for name, tc := range map[string]struct {
		config         string
		wantCode       int
		wantSeverity   string
		wantSuppressed bool
		wantExpired    bool
	}{
		"no config":        {config: "", wantCode: exitFindings, wantSeverity: "error"},
		"severity warning": {config: "rules:\n  PI002: warning\n", wantCode: exitOK, wantSeverity: "warning"},
		"exception": {
			config:   "exceptions:\n  - rule: PI002\n    address: aws_iam_role_policy.*\n    reason: migrating (SEC-1)\n    expires: 2999-01-01\n",
			wantCode: exitOK, wantSeverity: "error", wantSuppressed: true,
		},
		"expired exception": {
			config:   "exceptions:\n  - rule: PI002\n    address: " + addr + "\n    reason: migrating (SEC-1)\n    expires: 2001-01-01\n",
			wantCode: exitFindings, wantSeverity: "error", wantExpired: true,
		},
		"exception for another rule": {
			config:   "exceptions:\n  - rule: PI001\n    address: " + addr + "\n    reason: nope\n",
			wantCode: exitFindings, wantSeverity: "error",
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			plan := planIn(t, "pi002_wildcard_resource")
			if tc.config != "" {
				// In the parent directory: found upwards.
				sub := filepath.Join(filepath.Dir(plan), "env")
				if err := os.Mkdir(sub, 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.Rename(plan, filepath.Join(sub, "plan.json")); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(filepath.Dir(plan), ".podidentity-check.yaml"), []byte(tc.config), 0o600); err != nil {
					t.Fatal(err)
				}
				plan = filepath.Join(sub, "plan.json")
			}
			code, out, errOut := runCLI(t, "", "--format", "json", plan)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d; stderr %s\n%s", code, tc.wantCode, errOut, out)
			}
			r := decodeReport(t, out)
			if len(r.Findings) != 1 || r.Findings[0].Address != addr {
				t.Fatalf("findings %+v", r.Findings)
			}
			f := r.Findings[0]
			if f.Severity != tc.wantSeverity || (f.Suppressed != nil) != tc.wantSuppressed || (f.ExpiredException != nil) != tc.wantExpired {
				t.Errorf("finding %+v (suppressed %v, expired %v)", f, f.Suppressed, f.ExpiredException)
			}
			if tc.wantSuppressed && (r.Summary.Suppressed != 1 || r.Summary.Errors != 0 || f.Suppressed.Reason != "migrating (SEC-1)") {
				t.Errorf("summary %+v, suppression %+v", r.Summary, f.Suppressed)
			}
			_, text, _ := runCLI(t, "", plan)
			if tc.wantSuppressed && !strings.Contains(text, "Suppressed (not counted):") {
				t.Errorf("text report does not list the suppressed finding:\n%s", text)
			}
			if tc.wantExpired && !strings.Contains(text, "expired on 2001-01-01") {
				t.Errorf("text report does not say the exception expired:\n%s", text)
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	for config, want := range map[string]string{
		"rules:\n  PI099: error\n":                                                         `unknown rule "PI099"`,
		"rules:\n  PI002: fatal\n":                                                         `severity "fatal" is not error, warning or off`,
		"exceptions:\n  - rule: PI002\n    address: x\n":                                   "reason is required",
		"exceptions:\n  - rule: PI002\n    reason: r\n":                                    "address is required",
		"exceptions:\n  - rule: PI002\n    address: x\n    reason: r\n    expires: soon\n": `expires "soon" is not a date`,
		"rule:\n  PI002: error\n":                                                          "field rule not found",
	} {
		plan := planIn(t, "pi002_wildcard_resource")
		cfg := filepath.Join(t.TempDir(), "c.yaml")
		if err := os.WriteFile(cfg, []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
		code, _, errOut := runCLI(t, "", "--config", cfg, plan)
		if code != exitUsage || !strings.Contains(errOut, want) {
			t.Errorf("config %q: exit %d, stderr %q, want 2 and %q", config, code, errOut, want)
		}
	}
}

// TestBaseline: --write-baseline records the findings; with --baseline
// they are suppressed (exit 0) and a new finding still fails.
func TestBaseline(t *testing.T) {
	t.Parallel()
	base := filepath.Join(t.TempDir(), "baseline.json")
	plan := planIn(t, "pi002_wildcard_resource")
	if code, _, errOut := runCLI(t, "", "--write-baseline", base, plan); code != exitOK {
		t.Fatalf("--write-baseline: exit %d; %s", code, errOut)
	}
	code, out, errOut := runCLI(t, "", "--baseline", base, "--format", "json", plan)
	if code != exitOK {
		t.Fatalf("--baseline: exit %d; %s", code, errOut)
	}
	r := decodeReport(t, out)
	if len(r.Findings) != 1 || r.Findings[0].Suppressed == nil || r.Findings[0].Suppressed.Kind != "baseline" {
		t.Errorf("baselined finding not reported as suppressed: %s", out)
	}
	_, sarif, _ := runCLI(t, "", "--baseline", base, "--format", "sarif", plan)
	if !strings.Contains(sarif, `"suppressions"`) || !strings.Contains(sarif, `"kind": "external"`) {
		t.Errorf("SARIF lacks suppressions:\n%s", sarif)
	}
	// Another plan's findings are new.
	if code, _, _ := runCLI(t, "", "--baseline", base, planIn(t, "pi003_wildcard_action")); code != exitFindings {
		t.Errorf("a new finding with --baseline: exit %d, want 1", code)
	}
	if code, _, errOut := runCLI(t, "", "--baseline", filepath.Join(t.TempDir(), "none.json"), plan); code != exitUsage {
		t.Errorf("missing baseline: exit %d (%s), want 2", code, errOut)
	}
}
