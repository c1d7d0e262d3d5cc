package main

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The GitHub Action (action.yml) and the example workflow that uses it
// (examples/ci/github-actions.yml), run as a runner would: the workflow's
// `with` and the action's input defaults become the check step's env, and
// its `run` command runs in bash with the runner's files
// (GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, RUNNER_TEMP).

type actionFile struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

type actionStep struct {
	ID   string            `yaml:"id"`
	Run  string            `yaml:"run"`
	Uses string            `yaml:"uses"`
	Env  map[string]string `yaml:"env"`
	With map[string]string `yaml:"with"`
}

type workflowFile struct {
	Jobs map[string]struct {
		Steps []actionStep `yaml:"steps"`
	} `yaml:"jobs"`
}

const repoRootRel = "../.."

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// workflowWith returns the `with` of the example workflow's step that uses
// this repository's action.
func workflowWith(t *testing.T) map[string]string {
	t.Helper()
	var wf workflowFile
	readYAML(t, filepath.Join(repoRootRel, "examples", "ci", "github-actions.yml"), &wf)
	for _, job := range wf.Jobs {
		for _, s := range job.Steps {
			if strings.HasPrefix(s.Uses, "eks-podidentity/terraform-provider-podidentity@") {
				return s.With
			}
		}
	}
	t.Fatal("the example workflow has no step that uses eks-podidentity/terraform-provider-podidentity")
	return nil
}

type actionRun struct {
	code    int
	stdout  string
	summary string
	outputs map[string]string
	dir     string
}

var inputExpr = regexp.MustCompile(`\$\{\{\s*inputs\.([a-z-]+)\s*\}\}`)

// runAction runs the action's check step with the given inputs in dir,
// with extra environment variables.
func runAction(t *testing.T, with map[string]string, dir string, extraEnv ...string) actionRun {
	t.Helper()
	var action actionFile
	readYAML(t, filepath.Join(repoRootRel, "action.yml"), &action)
	if action.Runs.Using != "composite" {
		t.Fatalf("action.yml runs using %q, want composite", action.Runs.Using)
	}
	for name := range with {
		if _, ok := action.Inputs[name]; !ok {
			t.Fatalf("the workflow passes %q, which action.yml does not declare", name)
		}
	}
	var step *actionStep
	for i := range action.Runs.Steps {
		if action.Runs.Steps[i].ID == "check" {
			step = &action.Runs.Steps[i]
		}
	}
	if step == nil {
		t.Fatal("action.yml has no step with id check")
	}
	root, err := filepath.Abs(repoRootRel)
	if err != nil {
		t.Fatal(err)
	}
	runner := t.TempDir()
	summary := filepath.Join(runner, "step_summary.md")
	outputs := filepath.Join(runner, "output")
	env := append(os.Environ(),
		"GITHUB_ACTIONS=true",
		"GITHUB_ACTION_PATH="+root,
		"GITHUB_STEP_SUMMARY="+summary,
		"GITHUB_OUTPUT="+outputs,
		"GITHUB_WORKSPACE="+dir,
		"RUNNER_TEMP="+filepath.Join(runner, "tmp"),
		"RUNNER_OS=Linux",
		"RUNNER_ARCH="+map[string]string{"amd64": "X64", "arm64": "ARM64"}[runtime.GOARCH],
	)
	if err := os.MkdirAll(filepath.Join(runner, "tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	for k, v := range step.Env {
		v = inputExpr.ReplaceAllStringFunc(v, func(m string) string {
			name := inputExpr.FindStringSubmatch(m)[1]
			if val, ok := with[name]; ok {
				return val
			}
			return action.Inputs[name].Default
		})
		env = append(env, k+"="+v)
	}
	env = append(env, extraEnv...)
	cmd := exec.Command("bash", "-e", "-c", step.Run)
	cmd.Dir = dir
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	r := actionRun{stdout: string(out), outputs: map[string]string{}, dir: dir}
	if err != nil {
		r.code = -1
		if ee, ok := err.(*exec.ExitError); ok {
			r.code = ee.ExitCode()
		}
	}
	if b, err := os.ReadFile(summary); err == nil {
		r.summary = string(b)
	}
	if b, err := os.ReadFile(outputs); err == nil {
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if k, v, ok := strings.Cut(line, "="); ok {
				r.outputs[k] = v
			}
		}
	}
	return r
}

// workspaceWithPlan is a job's workspace with the plan of a fixture as
// plan.json.
func workspaceWithPlan(t *testing.T, fixtureName string) string {
	t.Helper()
	dir := t.TempDir()
	b, err := os.ReadFile(fixture(fixtureName))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "plan.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// releaseServer lays out podidentity-check release archives as the
// release downloads are laid out (vVERSION/ARCHIVE and ARCHIVE.sha256) and
// returns the base URL (file://) for PODIDENTITY_CHECK_DOWNLOAD_URL.
func releaseServer(t *testing.T, version string, binary []byte) string {
	t.Helper()
	base := t.TempDir()
	dir := filepath.Join(base, "v"+version)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("podidentity-check_%s_%s_%s.tar.gz", version, runtime.GOOS, runtime.GOARCH)
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	gz := gzip.NewWriter(io.MultiWriter(f, h))
	tw := tar.NewWriter(gz)
	for _, file := range []struct {
		name string
		mode int64
		data []byte
	}{{"podidentity-check", 0o755, binary}, {"LICENSE", 0o644, []byte("MPL-2.0\n")}} {
		if err := tw.WriteHeader(&tar.Header{Name: file.name, Mode: file.mode, Size: int64(len(file.data))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(file.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	sum := hex.EncodeToString(h.Sum(nil)) + "  " + name + "\n"
	if err := os.WriteFile(filepath.Join(dir, name+".sha256"), []byte(sum), 0o600); err != nil {
		t.Fatal(err)
	}
	return "file://" + base
}

func buildCheck(t *testing.T, version string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "podidentity-check")
	cmd := exec.Command("go", "build", "-ldflags", "-X main.version="+version, "-o", out, ".")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func requireActionTools(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"bash", "curl", "sha256sum", "tar"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found: the action's script runs on a runner with it", tool)
		}
	}
}

// The example workflow, as written: it installs the pinned release
// (checksum verified), reviews plan.json, writes the SARIF report and the
// job summary, and reports exit code 1 for the node-role grant.
func TestGitHubAction_exampleWorkflow(t *testing.T) {
	requireActionTools(t)
	with := workflowWith(t)
	if with["version"] == "" {
		t.Fatal("the example workflow should pin a podidentity-check release")
	}
	url := releaseServer(t, with["version"], buildCheck(t, with["version"]))
	dir := workspaceWithPlan(t, "root_inline_policy")
	r := runAction(t, with, dir, "PODIDENTITY_CHECK_DOWNLOAD_URL="+url)
	if r.code != 0 {
		t.Fatalf("the check step failed (exit %d); it must succeed and leave the verdict to the last step\n%s", r.code, r.stdout)
	}
	if !strings.Contains(r.stdout, "podidentity-check "+with["version"]) {
		t.Errorf("the installed release did not report version %s:\n%s", with["version"], r.stdout)
	}
	if r.outputs["exit-code"] != "1" {
		t.Errorf("exit-code output %q, want 1 (a PI001 error with fail-on error)", r.outputs["exit-code"])
	}
	sarifPath := filepath.Join(dir, r.outputs["sarif-file"])
	b, err := os.ReadFile(sarifPath)
	if err != nil {
		t.Fatalf("sarif-file output %q: %v", r.outputs["sarif-file"], err)
	}
	var sarif struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b, &sarif); err != nil || sarif.Version != "2.1.0" || len(sarif.Runs) != 1 {
		t.Fatalf("not a SARIF 2.1.0 report (%v):\n%s", err, b)
	}
	var rules []string
	for _, res := range sarif.Runs[0].Results {
		rules = append(rules, res.RuleID)
	}
	if !strings.Contains(strings.Join(rules, " "), "PI001") {
		t.Errorf("SARIF results %v, want PI001", rules)
	}
	for _, want := range []string{"### podidentity-check: failed", "aws_iam_role_policy.node_dynamodb", "PI001"} {
		if !strings.Contains(r.summary, want) {
			t.Errorf("job summary lacks %q:\n%s", want, r.summary)
		}
	}
}

// Built from source at the action's ref (no version input), on a clean
// plan: exit code 0 and a passing summary.
func TestGitHubAction_fromSource(t *testing.T) {
	requireActionTools(t)
	dir := workspaceWithPlan(t, "clean_carts")
	r := runAction(t, map[string]string{"plan": "plan.json"}, dir)
	if r.code != 0 || r.outputs["exit-code"] != "0" {
		t.Fatalf("exit %d, exit-code output %q, want 0 and 0\n%s", r.code, r.outputs["exit-code"], r.stdout)
	}
	if !strings.Contains(r.summary, "### podidentity-check: passed") {
		t.Errorf("job summary:\n%s", r.summary)
	}
}

// The fail-on, config, baseline and disable inputs reach the CLI as its
// flags (a stand-in release records its arguments), and an unreadable
// plan gives exit code 2 and no SARIF file to upload.
func TestGitHubAction_inputsBecomeFlags(t *testing.T) {
	requireActionTools(t)
	dir := t.TempDir()
	argsLog := filepath.Join(dir, "args.log")
	fake := fmt.Sprintf("#!/bin/sh\necho \"$*\" >> %q\n[ \"$1\" = --version ] && { echo podidentity-check 9.9.9; exit 0; }\necho 'cannot read' >&2\nexit 2\n", argsLog)
	url := releaseServer(t, "9.9.9", []byte(fake))
	r := runAction(t, map[string]string{
		"plan": "plan.json", "version": "v9.9.9", "fail-on": "warning",
		"config": ".podidentity-check.hcl", "baseline": "baseline.json", "disable": "PI007,PI008",
	}, dir, "PODIDENTITY_CHECK_DOWNLOAD_URL="+url)
	if r.code != 0 {
		t.Fatalf("check step exit %d\n%s", r.code, r.stdout)
	}
	b, err := os.ReadFile(argsLog)
	if err != nil {
		t.Fatal(err)
	}
	want := "--fail-on warning --config .podidentity-check.hcl --baseline baseline.json --disable PI007,PI008 --format sarif plan.json"
	if !strings.Contains(string(b), want) {
		t.Errorf("the CLI was called with\n%s\nwant a call with %q", b, want)
	}
	if r.outputs["exit-code"] != "2" || r.outputs["sarif-file"] != "" {
		t.Errorf("outputs %v, want exit-code 2 and no sarif-file", r.outputs)
	}
	if !strings.Contains(r.summary, "could not review the plan") || !strings.Contains(r.summary, "cannot read") {
		t.Errorf("job summary:\n%s", r.summary)
	}
}
