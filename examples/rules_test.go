package examples_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv/tfplan"
)

// rulesReferenceTemplate is the guide generated from leastpriv's rule table
// and the examples in examples/rules/RULE/{bad,fixed}.tf.
const rulesReferenceTemplate = "../templates/guides/rules-reference.md.tmpl"

// renderRulesReference renders the rules reference guide.
func renderRulesReference(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`---
page_title: "Rules reference"
subcategory: ""
description: |-
  Every least-privilege rule of podidentity-check, of the provider's plan-time checks and of the review_policy function, with an example that breaks it and its fix.
---

<!-- Generated from leastpriv.Rules() and examples/rules/ by make docs
     (UPDATE_DOCS=1 go test ./examples -run TestRulesReference). Do not edit. -->

# Rules reference

` + "`podidentity-check`" + ` reviews plans with these rules; the ` + "`podidentity_least_privilege`" + ` resource
rejects the same mistakes at plan time, and ` + "`provider::podidentity::review_policy`" + ` applies the rules
that can be told from one policy and trust document. Disable a rule with ` + "`--disable RULE`" + `;
` + "`podidentity-check --explain RULE`" + ` prints its help. Each example below is planned in the
project's tests: the bad one raises the rule, the fixed one raises nothing.

| Rule | Severity | Name |
| --- | --- | --- |
`)
	rules := leastpriv.Rules()
	for _, r := range rules {
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s |\n", r.ID, strings.ToLower(r.ID), ruleSeverity(r), r.Name)
	}
	for _, r := range rules {
		fmt.Fprintf(&b, "\n## %s\n\n**%s** (%s)\n\n%s\n\n%s\n\n**Fix:** %s\n", r.ID, r.Name, ruleSeverity(r), r.Description, r.HelpText, r.Remediation)
		for _, kind := range []string{"bad", "fixed"} {
			src, err := os.ReadFile(filepath.Join("rules", r.ID, kind+".tf"))
			if err != nil {
				t.Fatalf("rule %s has no %s example: %v", r.ID, kind, err)
			}
			title := map[string]string{"bad": "Raises " + r.ID, "fixed": "Fixed"}[kind]
			fmt.Fprintf(&b, "\n### %s\n\n```terraform\n%s```\n", title, src)
		}
	}
	return b.String()
}

// The guide matches the rule table and the examples; UPDATE_DOCS=1
// regenerates it (make docs does).
func TestRulesReference(t *testing.T) {
	t.Parallel()
	want := renderRulesReference(t)
	if os.Getenv("UPDATE_DOCS") == "1" {
		if err := os.WriteFile(rulesReferenceTemplate, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(rulesReferenceTemplate)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s is out of date: run make docs", rulesReferenceTemplate)
	}
	// No example for a rule that no longer exists.
	dirs, err := filepath.Glob(filepath.Join("rules", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if !slices.ContainsFunc(leastpriv.Rules(), func(r leastpriv.Rule) bool { return r.ID == filepath.Base(d) }) {
			t.Errorf("%s: no rule %s in leastpriv.Rules()", d, filepath.Base(d))
		}
	}
}

// Each rule's bad example raises the rule and its fixed example raises
// nothing, planned with the CLI and reviewed as podidentity-check does.
func TestRulesReference_examplesPlan(t *testing.T) {
	t.Parallel()
	tf := cli(t)
	env := providers(t)
	for _, r := range leastpriv.Rules() {
		for _, kind := range []string{"bad", "fixed"} {
			t.Run(r.ID+"/"+kind, func(t *testing.T) {
				t.Parallel()
				src, err := os.ReadFile(filepath.Join("rules", r.ID, kind+".tf"))
				if err != nil {
					t.Fatal(err)
				}
				dir := t.TempDir()
				if err := os.WriteFile(filepath.Join(dir, "main.tf"), src, 0o600); err != nil {
					t.Fatal(err)
				}
				if out, err := run(t, env, dir, tf, "plan", "-no-color", "-out=plan.tfplan"); err != nil {
					t.Fatalf("plan: %v\n%s", err, out)
				}
				cmd := exec.Command(tf, "show", "-json", "plan.tfplan")
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), env...)
				planJSON, err := cmd.Output()
				if err != nil {
					t.Fatalf("show -json: %v", err)
				}
				review, err := tfplan.Review(bytes.NewReader(planJSON), leastpriv.CheckOptions{})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, f := range review.Findings {
					got = append(got, f.Rule)
				}
				switch kind {
				case "bad":
					if !slices.Contains(got, r.ID) {
						t.Errorf("the bad example raises %v, not %s", got, r.ID)
					}
				case "fixed":
					if len(got) > 0 {
						t.Errorf("the fixed example raises %v, want nothing", got)
					}
				}
			})
		}
	}
}

// ruleSeverity is the rule's default severity as the reference states it:
// rules that judge a grant by who can use it say both verdicts.
func ruleSeverity(r leastpriv.Rule) string {
	if r.SeverityElsewhere == "" || r.SeverityElsewhere == r.Severity {
		return r.Severity
	}
	return fmt.Sprintf("%s on roles workloads can obtain, %s elsewhere", r.Severity, r.SeverityElsewhere)
}
