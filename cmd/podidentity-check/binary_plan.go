package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

// A saved plan (terraform plan -out=FILE) is a zip archive; its JSON form
// comes from `terraform show -json FILE` or `tofu show -json FILE`, which
// needs the working directory the plan was made in (its providers).
var zipMagic = []byte("PK\x03\x04")

// planCLIs are the CLIs tried, in order, for a binary plan;
// PODIDENTITY_CHECK_TERRAFORM names another.
var planCLIs = []string{"terraform", "tofu"}

// isBinaryPlan reports whether the file at path is a saved binary plan.
func isBinaryPlan(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, len(zipMagic))
	if _, err := io.ReadFull(f, head); err != nil {
		return false
	}
	return bytes.Equal(head, zipMagic)
}

// showPlanJSON runs `CLI show -json path` with the first CLI found on PATH
// (or the one PODIDENTITY_CHECK_TERRAFORM names) in the plan's directory
// and writes the JSON to a temporary file, whose path it returns with a
// function that removes it.
func showPlanJSON(path string, stderr io.Writer) (jsonPath string, cleanup func(), err error) {
	candidates := planCLIs
	if cli := os.Getenv("PODIDENTITY_CHECK_TERRAFORM"); cli != "" {
		candidates = []string{cli}
	}
	var cli string
	for _, c := range candidates {
		if p, lerr := exec.LookPath(c); lerr == nil {
			cli = p
			break
		}
	}
	if cli == "" {
		return "", nil, fmt.Errorf("%s is a binary plan, and neither terraform nor tofu is on PATH to read it: "+
			"run `terraform show -json %s > plan.json` and pass plan.json, or set PODIDENTITY_CHECK_TERRAFORM to the CLI", path, path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", nil, err
	}
	tmp, err := os.CreateTemp("", "podidentity-check-plan-*.json")
	if err != nil {
		return "", nil, err
	}
	cleanup = func() { _ = os.Remove(tmp.Name()) }
	var errOut bytes.Buffer
	cmd := exec.Command(cli, "show", "-json", "-no-color", abs)
	cmd.Dir = filepath.Dir(abs)
	cmd.Stdout = tmp
	cmd.Stderr = &errOut
	fmt.Fprintf(stderr, "%s: reading binary plan %s with %s show -json\n", progName, path, filepath.Base(cli))
	runErr := cmd.Run()
	closeErr := tmp.Close()
	if runErr != nil {
		cleanup()
		msg := oneLine(errOut.String())
		var exitErr *exec.ExitError
		if errors.As(runErr, &exitErr) && msg != "" {
			return "", nil, fmt.Errorf("%s show -json %s failed (run it in the directory the plan was made in, after init): %s", filepath.Base(cli), path, msg)
		}
		return "", nil, fmt.Errorf("%s show -json %s: %w", filepath.Base(cli), path, runErr)
	}
	if closeErr != nil {
		cleanup()
		return "", nil, closeErr
	}
	return tmp.Name(), cleanup, nil
}
