package provider_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/acctest"
)

// The tests in this file drive the Terraform CLI as a practitioner does,
// with the provider as a binary of its own (dev_overrides), so that a test
// can kill both processes mid-apply or read the CLI's exit codes.

var providerBin struct {
	once sync.Once
	dir  string
	err  error
}

// buildProvider builds the provider binary once per test process.
func buildProvider(t *testing.T) string {
	t.Helper()
	providerBin.once.Do(func() {
		dir, err := os.MkdirTemp("", "podidentity-provider-") //nolint:usetesting // one binary for every test of the process, not one test's
		if err != nil {
			providerBin.err = err
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-podidentity"), "../..")
		cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
		if out, err := cmd.CombinedOutput(); err != nil {
			providerBin.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		providerBin.dir = dir
	})
	if providerBin.err != nil {
		t.Fatal(providerBin.err)
	}
	return providerBin.dir
}

// cliWorkdir is one root module run by the CLI.
type cliWorkdir struct {
	t   *testing.T
	dir string
	tf  string
	env []string
}

// newCLI writes config into a fresh directory. It skips without TF_ACC or
// a CLI (TF_ACC_TERRAFORM_PATH, set by make test to OpenTofu; set it to a
// Terraform binary to run these with Terraform).
func newCLI(t *testing.T, config string) *cliWorkdir {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test)")
	}
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		t.Skip("no Terraform CLI: set TF_ACC_TERRAFORM_PATH (make test uses bin/tofu)")
	}
	bin := buildProvider(t)
	dir := t.TempDir()
	rc := fmt.Sprintf(`disable_checkpoint = true
provider_installation {
  dev_overrides {
    "registry.terraform.io/eks-podidentity/podidentity" = %q
    "registry.opentofu.org/eks-podidentity/podidentity" = %q
  }
  direct {}
}
`, bin, bin)
	write(t, filepath.Join(dir, "cli.rc"), rc)
	w := &cliWorkdir{t: t, dir: dir, tf: tf}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_REATTACH_PROVIDERS=") && !strings.HasPrefix(kv, "TF_CLI_CONFIG_FILE=") {
			w.env = append(w.env, kv)
		}
	}
	w.env = append(w.env, "TF_CLI_CONFIG_FILE="+filepath.Join(dir, "cli.rc"), "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	w.setConfig(config)
	return w
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// setConfig replaces the root module's configuration.
func (w *cliWorkdir) setConfig(config string) {
	write(w.t, filepath.Join(w.dir, "main.tf"), `terraform {
  required_providers {
    podidentity = { source = "eks-podidentity/podidentity" }
  }
}
`+config)
}

func (w *cliWorkdir) command(args ...string) *exec.Cmd {
	cmd := exec.Command(w.tf, args...)
	cmd.Dir, cmd.Env = w.dir, w.env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

// run runs the CLI and returns its output and exit code.
func (w *cliWorkdir) run(args ...string) (string, int) {
	w.t.Helper()
	cmd := w.command(append(args, "-no-color")...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return string(out), ee.ExitCode()
		}
		w.t.Fatalf("%s %v: %v", w.tf, args, err)
	}
	return string(out), 0
}

// mustRun runs the CLI and fails the test unless it exits 0.
func (w *cliWorkdir) mustRun(args ...string) string {
	w.t.Helper()
	out, code := w.run(args...)
	if code != 0 {
		w.t.Fatalf("%s %s: exit %d\n%s", filepath.Base(w.tf), strings.Join(args, " "), code, out)
	}
	return out
}

// start starts the CLI in a process group of its own (the provider is its
// child), for killProcessGroup.
func (w *cliWorkdir) start(args ...string) (*exec.Cmd, *bytes.Buffer) {
	w.t.Helper()
	cmd := w.command(append(args, "-no-color")...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		w.t.Fatal(err)
	}
	return cmd, &out
}

// killProcessGroup kills the CLI and the provider at once, as a crash or
// an OOM kill of the CI runner does.
func killProcessGroup(cmd *exec.Cmd) {
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	_ = cmd.Wait()
}

// tracked lists the role names and association IDs the state records.
func (w *cliWorkdir) tracked() (roles, associations map[string]bool) {
	w.t.Helper()
	roles, associations = map[string]bool{}, map[string]bool{}
	b, err := os.ReadFile(filepath.Join(w.dir, "terraform.tfstate"))
	if os.IsNotExist(err) {
		return roles, associations
	}
	if err != nil {
		w.t.Fatal(err)
	}
	var st struct {
		Resources []struct {
			Type      string `json:"type"`
			Instances []struct {
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		w.t.Fatalf("reading terraform.tfstate: %v", err)
	}
	for _, r := range st.Resources {
		if r.Type != "podidentity_least_privilege" {
			continue
		}
		for _, in := range r.Instances {
			if v, _ := in.Attributes["role_name"].(string); v != "" {
				roles[v] = true
			}
			if v, _ := in.Attributes["association_id"].(string); v != "" {
				associations[v] = true
			}
		}
	}
	return roles, associations
}

// untracked lists what the emulator holds that the state does not track:
// roles other than the seed's, and associations.
func (w *cliWorkdir) untracked(env *acctest.Env, seedRoles map[string]bool) []string {
	w.t.Helper()
	roles, assocs := w.tracked()
	var out []string
	st := env.Emu.Dump()
	for _, r := range st.Roles {
		if !seedRoles[r.Name] && !roles[r.Name] {
			out = append(out, "role "+r.Name)
		}
	}
	for _, c := range st.Clusters {
		for _, a := range c.Associations {
			if !assocs[a.ID] {
				out = append(out, "association "+a.ID+" ("+a.Namespace+"/"+a.ServiceAccount+")")
			}
		}
	}
	return out
}

// cliProviderConfig is the provider block for the emulator with the
// provider's default max_retries.
func cliProviderConfig(env *acctest.Env) string {
	u := env.Emu.URL()
	return fmt.Sprintf(`provider "podidentity" {
  region = %q
  endpoints {
    dynamodb = %q
    eks      = %q
    eks_auth = %q
    iam      = %q
    sts      = %q
  }
}
`, env.Region, u, u, u, u, u)
}
