package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func fixture(name string) string {
	return filepath.Join("..", "..", "leastpriv", "tfplan", "testdata", "plans", name, "plan.json")
}

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestRunExitCodes(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		args       []string
		stdin      string
		wantCode   int
		wantOut    []string
		wantErr    string
		wantNoOut  bool
		wantOneErr bool
	}{
		"clean plan": {
			args: []string{fixture("clean_carts")}, wantCode: 0,
			wantOut: []string{"No findings in 13 resources."},
		},
		"node role grant": {
			args: []string{fixture("root_inline_policy")}, wantCode: 1,
			wantOut: []string{
				"aws_iam_role_policy.node_dynamodb\n  error PI001: DynamoDB data access on a node role",
				"trusted by ec2.amazonaws.com; node role of aws_eks_node_group.default",
				"1 error, 0 warnings in",
			},
		},
		"warning only, default fail-on error": {
			args: []string{fixture("launch_template_imds")}, wantCode: 0,
			wantOut: []string{"warning PI007", "0 errors, 1 warning in 7 resources."},
		},
		"warning only, fail-on warning": {
			args: []string{"--fail-on", "warning", fixture("launch_template_imds")}, wantCode: 1,
		},
		"fail-on never": {
			args: []string{"--fail-on=never", fixture("root_inline_policy")}, wantCode: 0,
			wantOut: []string{"PI001"},
		},
		"flags after the file": {
			args: []string{fixture("launch_template_imds"), "--fail-on", "warning"}, wantCode: 1,
		},
		"disable the only rule that fires": {
			args: []string{"--disable", "PI001", fixture("root_inline_policy")}, wantCode: 0,
			wantOut: []string{"No findings"},
		},
		"disable comma separated and repeated": {
			args:     []string{"--disable", "pi002,PI003", "--disable=PI001", fixture("aws_managed_policy")},
			wantCode: 0, wantOut: []string{"No findings"},
		},
		"stdin": {
			args: []string{"-"}, stdin: mustRead(fixture("root_inline_policy")), wantCode: 1,
			wantOut: []string{"PI001"},
		},
		"explain": {
			args: []string{"--explain", "PI001"}, wantCode: 0,
			wantOut: []string{"PI001: DynamoDB data access on a node role (error)", "Fix: "},
		},
		"explain lower case": {
			args: []string{"--explain=pi007"}, wantCode: 0, wantOut: []string{"PI007: Instance metadata reachable from pods (warning)"},
		},
		"explain unknown": {
			args: []string{"--explain", "PI999"}, wantCode: 2, wantErr: `podidentity-check: unknown rule "PI999" for --explain`,
		},
		"version": {
			args: []string{"--version"}, wantCode: 0, wantOut: []string{"podidentity-check "},
		},
		"help": {
			args: []string{"--help"}, wantCode: 0, wantOut: []string{"Usage: podidentity-check [flags] PLAN_JSON"},
		},
		"no file": {
			args: nil, wantCode: 2, wantErr: "podidentity-check: missing PLAN_JSON", wantNoOut: true,
		},
		"two files": {
			args: []string{"a.json", "b.json"}, wantCode: 2, wantErr: "expected one PLAN_JSON, got 2 arguments", wantNoOut: true,
		},
		"bad format": {
			args: []string{"--format", "xml", fixture("clean_carts")}, wantCode: 2, wantErr: `invalid --format "xml"`, wantNoOut: true,
		},
		"bad fail-on": {
			args: []string{"--fail-on", "info", fixture("clean_carts")}, wantCode: 2, wantErr: `invalid --fail-on "info"`, wantNoOut: true,
		},
		"unknown rule to disable": {
			args: []string{"--disable", "PI042", fixture("clean_carts")}, wantCode: 2, wantErr: `unknown rule "PI042" for --disable`, wantNoOut: true,
		},
		"unknown flag": {
			args: []string{"--colour", fixture("clean_carts")}, wantCode: 2, wantErr: "flag provided but not defined: -colour", wantNoOut: true,
		},
		"missing file": {
			args: []string{"does-not-exist.json"}, wantCode: 2, wantErr: "podidentity-check: does-not-exist.json: no such file\n", wantNoOut: true, wantOneErr: true,
		},
		"invalid JSON": {
			args: []string{"-"}, stdin: "{\"format_version\":\"1.2\",\n \"resource_changes\": [x]}", wantCode: 2,
			wantErr:   "podidentity-check: stdin: invalid JSON at offset 40: invalid character 'x' looking for beginning of value\n",
			wantNoOut: true, wantOneErr: true,
		},
		"format 2": {
			args: []string{"-"}, stdin: `{"format_version":"2.0"}`, wantCode: 2,
			wantErr:   "podidentity-check: stdin: plan format 2.0 is not supported; this tool reads format 1.x from terraform show -json\n",
			wantNoOut: true, wantOneErr: true,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runCLI(t, tc.stdin, tc.args...)
			if code != tc.wantCode {
				t.Errorf("exit code = %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.wantCode, out, errOut)
			}
			for _, w := range tc.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			if tc.wantErr != "" && !strings.Contains(errOut, tc.wantErr) {
				t.Errorf("stderr = %q, want it to contain %q", errOut, tc.wantErr)
			}
			if tc.wantErr == "" && errOut != "" {
				t.Errorf("unexpected stderr: %q", errOut)
			}
			if tc.wantNoOut && out != "" {
				t.Errorf("unexpected stdout: %q", out)
			}
			if tc.wantOneErr && (errOut != tc.wantErr || strings.Count(errOut, "\n") != 1) {
				t.Errorf("stderr = %q, want exactly %q", errOut, tc.wantErr)
			}
		})
	}
}

func mustRead(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func TestRunJSON(t *testing.T) {
	t.Parallel()
	code, out, _ := runCLI(t, "", "--format", "json", fixture("pi005_trusts_ec2"))
	if code != 1 {
		t.Fatalf("exit code = %d", code)
	}
	var report struct {
		Findings []map[string]any `json:"findings"`
		Summary  map[string]int   `json:"summary"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&report); err != nil {
		t.Fatalf("invalid JSON report: %v\n%s", err, out)
	}
	if len(report.Findings) != 2 {
		t.Fatalf("findings = %v", report.Findings)
	}
	for _, f := range report.Findings {
		for _, k := range []string{"rule", "severity", "address", "message", "remediation"} {
			if s, _ := f[k].(string); s == "" {
				t.Errorf("finding lacks %q: %v", k, f)
			}
		}
	}
	if report.Summary["errors"] != 2 || report.Summary["warnings"] != 0 || report.Summary["resources"] != 3 {
		t.Errorf("summary = %v", report.Summary)
	}

	code, out, _ = runCLI(t, "", "--format=json", fixture("clean_carts"))
	if code != 0 || !strings.Contains(out, `"findings": []`) || !strings.Contains(out, `"resources": 13`) {
		t.Errorf("clean JSON report (exit %d):\n%s", code, out)
	}
}

// sarif is the part of SARIF 2.1.0 the checks below look at.
type sarif struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name  string `json:"name"`
				Rules []struct {
					ID                   string                          `json:"id"`
					Name                 string                          `json:"name"`
					ShortDescription     struct{ Text string }           `json:"shortDescription"`
					FullDescription      struct{ Text string }           `json:"fullDescription"`
					Help                 struct{ Text, Markdown string } `json:"help"`
					DefaultConfiguration struct{ Level string }          `json:"defaultConfiguration"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string                `json:"ruleId"`
			RuleIndex int                   `json:"ruleIndex"`
			Level     string                `json:"level"`
			Message   struct{ Text string } `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct{ URI string } `json:"artifactLocation"`
				} `json:"physicalLocation"`
				LogicalLocations []struct {
					FullyQualifiedName string `json:"fullyQualifiedName"`
				} `json:"logicalLocations"`
			} `json:"locations"`
		} `json:"results"`
	} `json:"runs"`
}

func TestRunSARIF(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		plan        string
		wantResults map[string]string // rule → address
		wantCode    int
	}{
		"findings": {
			plan:     "pi005_trusts_ec2",
			wantCode: 1,
			wantResults: map[string]string{
				"PI001": "aws_iam_role_policy.carts",
				"PI005": "aws_iam_role.carts",
			},
		},
		"warning": {
			plan:        "launch_template_imds",
			wantResults: map[string]string{"PI007": "aws_eks_node_group.open"},
		},
		"clean": {plan: "clean_carts", wantResults: map[string]string{}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runCLI(t, "", "--format", "sarif", fixture(tc.plan))
			if code != tc.wantCode || errOut != "" {
				t.Fatalf("exit code = %d, stderr %q", code, errOut)
			}
			var log sarif
			if err := json.Unmarshal([]byte(out), &log); err != nil {
				t.Fatalf("invalid SARIF JSON: %v", err)
			}
			if log.Version != "2.1.0" || !strings.Contains(log.Schema, "sarif-2.1.0") || len(log.Runs) != 1 {
				t.Fatalf("version %q schema %q runs %d", log.Version, log.Schema, len(log.Runs))
			}
			run := log.Runs[0]
			if run.Tool.Driver.Name != "podidentity-check" {
				t.Errorf("driver name = %q", run.Tool.Driver.Name)
			}
			if len(run.Tool.Driver.Rules) < 8 {
				t.Errorf("rules = %d, want every rule", len(run.Tool.Driver.Rules))
			}
			for _, r := range run.Tool.Driver.Rules {
				if r.ID == "" || r.Name == "" || r.ShortDescription.Text == "" || r.FullDescription.Text == "" || r.Help.Text == "" ||
					(r.DefaultConfiguration.Level != "error" && r.DefaultConfiguration.Level != "warning") {
					t.Errorf("incomplete rule metadata: %+v", r)
				}
			}
			got := map[string]string{}
			for _, res := range run.Results {
				if res.RuleIndex < 0 || res.RuleIndex >= len(run.Tool.Driver.Rules) || run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
					t.Errorf("result %s: ruleIndex %d does not point at its rule", res.RuleID, res.RuleIndex)
				}
				if res.Level != run.Tool.Driver.Rules[res.RuleIndex].DefaultConfiguration.Level {
					t.Errorf("result %s: level %q", res.RuleID, res.Level)
				}
				if res.Message.Text == "" || len(res.Locations) != 1 || len(res.Locations[0].LogicalLocations) != 1 {
					t.Fatalf("result %s incomplete: %+v", res.RuleID, res)
				}
				if uri := res.Locations[0].PhysicalLocation.ArtifactLocation.URI; !strings.HasSuffix(uri, tc.plan+"/plan.json") {
					t.Errorf("artifact uri = %q", uri)
				}
				got[res.RuleID] = res.Locations[0].LogicalLocations[0].FullyQualifiedName
			}
			if len(got) != len(tc.wantResults) {
				t.Errorf("results = %v, want %v", got, tc.wantResults)
			}
			for rule, addr := range tc.wantResults {
				if got[rule] != addr {
					t.Errorf("result %s at %q, want %q", rule, got[rule], addr)
				}
			}
		})
	}
}

// SARIF names a plan read from standard input plan.json (code scanning
// needs a path); TestRunSARIF covers a plan named on the command line.
func TestRunSARIFFromStdin(t *testing.T) {
	code, out, errOut := runCLI(t, mustRead(fixture("root_inline_policy")), "--format=sarif", "-")
	if code != exitFindings || errOut != "" {
		t.Fatalf("exit code %d, stderr %q", code, errOut)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatalf("SARIF output: %v", err)
	}
	if len(log.Runs) != 1 || len(log.Runs[0].Results) == 0 {
		t.Fatalf("want one run with results, got %s", out)
	}
	seen := 0
	for _, r := range log.Runs[0].Results {
		for _, l := range r.Locations {
			seen++
			if got := l.PhysicalLocation.ArtifactLocation.URI; got != "plan.json" {
				t.Errorf("artifact URI = %q, want plan.json", got)
			}
		}
	}
	if seen == 0 {
		t.Errorf("no result has a location: %s", out)
	}
}
