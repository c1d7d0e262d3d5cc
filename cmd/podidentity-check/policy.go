package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

// policyFlags are the flags that adapt the verdict to an organisation:
// the configuration file (per-rule severities, exceptions) and the
// baseline of accepted findings.
type policyFlags struct {
	config        string // --config FILE; empty: look for .podidentity-check.yaml
	noConfig      bool   // --no-config
	baseline      string // --baseline FILE
	writeBaseline string // --write-baseline FILE
}

// loadConfig finds and reads the configuration: --config, else
// .podidentity-check.yaml in the plan's directory or a parent (the current
// directory's for standard input).
func (pf *policyFlags) loadConfig(planPath string) (*leastpriv.Config, error) {
	if pf.noConfig {
		return nil, nil
	}
	path := pf.config
	if path == "" {
		dir := "."
		if planPath != "-" {
			dir = filepath.Dir(planPath)
		}
		if path = leastpriv.FindConfig(dir); path == "" {
			return nil, nil
		}
	}
	return leastpriv.LoadConfig(path)
}

// apply marks the review's findings with the configuration's severities
// and exceptions, then the baseline's, and writes the baseline when asked
// (the findings it lists are then reported as baselined).
func (pf *policyFlags) apply(review *leastpriv.Review, cfg *leastpriv.Config) error {
	if cfg != nil {
		cfg.Apply(review.Findings, time.Now().UTC().Format(time.DateOnly))
	}
	if pf.baseline != "" {
		b, err := leastpriv.LoadBaseline(pf.baseline)
		if err != nil {
			return err
		}
		b.Apply(review.Findings)
	}
	if pf.writeBaseline != "" {
		b := leastpriv.NewBaseline(review.Findings)
		f, err := os.Create(pf.writeBaseline)
		if err != nil {
			return err
		}
		if err := b.Write(f); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		b.Path = pf.writeBaseline
		b.Apply(review.Findings)
	}
	return nil
}

func (pf *policyFlags) check() error {
	if pf.noConfig && pf.config != "" {
		return fmt.Errorf("--config and --no-config cannot be used together")
	}
	return nil
}
