package leastpriv

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"
)

// Summary counts the findings of a review.
type Summary struct {
	Errors    int `json:"errors"`
	Warnings  int `json:"warnings"`
	Resources int `json:"resources"`
	// Suppressed counts the findings an exception or the baseline
	// accepts; they are not counted in Errors and Warnings.
	Suppressed int `json:"suppressed"`
}

// Summary counts the review's findings by severity.
func (r *Review) Summary() Summary {
	s := Summary{Resources: r.Resources}
	for _, f := range r.Findings {
		if f.Suppressed != nil {
			s.Suppressed++
			continue
		}
		switch f.Severity {
		case SeverityError:
			s.Errors++
		case SeverityWarning:
			s.Warnings++
		}
	}
	return s
}

// FailsAt reports whether the review has findings at or above a severity
// threshold: "error", "warning" or "never". Suppressed findings do not
// count.
func (r *Review) FailsAt(threshold string) bool {
	for _, f := range r.Findings {
		if f.Suppressed != nil {
			continue
		}
		switch threshold {
		case SeverityWarning:
			if f.Severity == SeverityWarning || f.Severity == SeverityError {
				return true
			}
		case SeverityError:
			if f.Severity == SeverityError {
				return true
			}
		}
	}
	return false
}

// sortedFindings orders findings by address, then severity (errors
// first), then rule.
func (r *Review) sortedFindings() []Finding {
	fs := append([]Finding(nil), r.Findings...)
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Address != b.Address {
			return a.Address < b.Address
		}
		if a.Severity != b.Severity {
			return a.Severity == SeverityError
		}
		return a.Rule < b.Rule
	})
	return fs
}

// WriteText writes the review for people: findings grouped by resource,
// with the role each reaches and how it was identified as a node role,
// then a summary line.
func (r *Review) WriteText(w io.Writer) error {
	ew := &planErrWriter{w: w}
	names := map[string]string{}
	for _, rule := range Rules() {
		names[rule.ID] = rule.Name
	}
	var last string
	var suppressed []Finding
	for _, f := range r.sortedFindings() {
		if f.Suppressed != nil {
			suppressed = append(suppressed, f)
			continue
		}
		if f.Address != last {
			if last != "" {
				ew.printf("\n")
			}
			ew.printf("%s\n", f.Address)
			last = f.Address
		}
		ew.printf("  %s %s: %s\n", f.Severity, f.Rule, names[f.Rule])
		ew.printf("%s", planIndent(f.Message, "    "))
		if f.Role != "" {
			line := "Role reached: " + f.Role
			if len(f.Evidence) > 0 {
				line += " (" + strings.Join(f.Evidence, "; ") + ")"
			}
			ew.printf("%s", planIndent(line+".", "    "))
		}
		if f.Remediation != "" {
			ew.printf("%s", planIndent("Fix: "+f.Remediation, "    "))
		}
		if e := f.ExpiredException; e != nil {
			ew.printf("%s", planIndent("The exception for this finding expired on "+e.Expires+" ("+e.Reason+"): it no longer applies.", "    "))
		}
	}
	s := r.Summary()
	if last != "" {
		ew.printf("\n")
	}
	if len(suppressed) > 0 {
		ew.printf("Suppressed (not counted):\n")
		for _, f := range suppressed {
			why := f.Suppressed.Kind
			if f.Suppressed.Reason != "" {
				why += ": " + f.Suppressed.Reason
			}
			if f.Suppressed.Expires != "" {
				why += " (until " + f.Suppressed.Expires + ")"
			}
			ew.printf("%s", planIndent(f.Severity+" "+f.Rule+" "+f.Address+" ["+why+"]", "  "))
		}
		ew.printf("\n")
	}
	switch {
	case len(r.Findings) == 0:
		ew.printf("No findings in %s.\n", planPlural(s.Resources, "resource"))
	case s.Suppressed > 0:
		ew.printf("%s, %s in %s; %s suppressed.\n", planPlural(s.Errors, "error"), planPlural(s.Warnings, "warning"), planPlural(s.Resources, "resource"), planPlural(s.Suppressed, "finding"))
	default:
		ew.printf("%s, %s in %s.\n", planPlural(s.Errors, "error"), planPlural(s.Warnings, "warning"), planPlural(s.Resources, "resource"))
	}
	return ew.err
}

// planIndent puts text on one line after a prefix. Lines are not wrapped,
// so that each fact stays greppable; terminals wrap them.
func planIndent(text, prefix string) string {
	return prefix + strings.Join(strings.Fields(text), " ") + "\n"
}

func planPlural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

type planErrWriter struct {
	w   io.Writer
	err error
}

func (e *planErrWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

// jsonFinding is a finding in the JSON report.
type jsonFinding struct {
	Rule        string   `json:"rule"`
	Severity    string   `json:"severity"`
	Address     string   `json:"address"`
	Message     string   `json:"message"`
	Remediation string   `json:"remediation"`
	Role        string   `json:"role,omitempty"`
	Evidence    []string `json:"evidence,omitempty"`
	// Suppressed is set on a finding an exception or the baseline
	// accepts; ExpiredException on one whose exception expired.
	Suppressed       *Suppression `json:"suppressed,omitempty"`
	ExpiredException *Suppression `json:"expired_exception,omitempty"`
}

// WriteJSON writes the review as
// {"findings":[{"rule","severity","address","message","remediation",...}],
// "summary":{"errors":N,"warnings":N,"resources":N}}.
func (r *Review) WriteJSON(w io.Writer) error {
	out := struct {
		Findings []jsonFinding `json:"findings"`
		Summary  Summary       `json:"summary"`
	}{Findings: []jsonFinding{}, Summary: r.Summary()}
	for _, f := range r.sortedFindings() {
		//nolint:staticcheck // S1016: listed field by field so that Finding can grow.
		out.Findings = append(out.Findings, jsonFinding{
			Rule: f.Rule, Severity: f.Severity, Address: f.Address, Message: f.Message,
			Remediation: f.Remediation, Role: f.Role, Evidence: f.Evidence,
			Suppressed: f.Suppressed, ExpiredException: f.ExpiredException,
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// SARIFOptions describe the run in a SARIF report.
type SARIFOptions struct {
	// ToolVersion is the checker's version.
	ToolVersion string
	// ArtifactURI is the file the findings are reported against (the plan
	// file, relative to the repository root for GitHub code scanning).
	ArtifactURI string
}

// SARIF 2.1.0 types, as much as the report uses.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool    sarifTool     `json:"tool"`
		Results []sarifResult `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		InformationURI string      `json:"informationUri"`
		Version        string      `json:"version,omitempty"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string             `json:"id"`
		Name                 string             `json:"name"`
		ShortDescription     sarifText          `json:"shortDescription"`
		FullDescription      sarifText          `json:"fullDescription"`
		Help                 sarifText          `json:"help"`
		DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
		Properties           map[string]any     `json:"properties,omitempty"`
	}
	sarifText struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown,omitempty"`
	}
	sarifConfiguration struct {
		Level string `json:"level"`
	}
	sarifResult struct {
		RuleID              string             `json:"ruleId"`
		RuleIndex           int                `json:"ruleIndex"`
		Level               string             `json:"level"`
		Message             sarifText          `json:"message"`
		Locations           []sarifLocation    `json:"locations"`
		PartialFingerprints map[string]string  `json:"partialFingerprints,omitempty"`
		Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	}
	// sarifSuppression: a finding accepted outside the code (an
	// exception in the configuration, or the baseline).
	sarifSuppression struct {
		Kind          string `json:"kind"`
		Status        string `json:"status"`
		Justification string `json:"justification,omitempty"`
	}
	sarifLocation struct {
		PhysicalLocation *sarifPhysicalLocation `json:"physicalLocation,omitempty"`
		LogicalLocations []sarifLogicalLocation `json:"logicalLocations"`
	}
	sarifPhysicalLocation struct {
		ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
		Region           sarifRegion           `json:"region"`
	}
	sarifArtifactLocation struct {
		URI string `json:"uri"`
	}
	sarifRegion struct {
		StartLine int `json:"startLine"`
	}
	sarifLogicalLocation struct {
		FullyQualifiedName string `json:"fullyQualifiedName"`
		Kind               string `json:"kind"`
	}
)

// SARIFSchema is the JSON schema URI of SARIF 2.1.0 reports.
const SARIFSchema = "https://json.schemastore.org/sarif-2.1.0.json"

// planToolURI is the checker's home page in SARIF reports.
const planToolURI = "https://github.com/eks-podidentity/terraform-provider-podidentity"

// WriteSARIF writes the review as a SARIF 2.1.0 log for GitHub code
// scanning: every rule with its metadata in tool.driver.rules, and one
// result per finding located at the resource address (a logical location)
// in the plan file (a physical location, which code scanning requires).
func (r *Review) WriteSARIF(w io.Writer, opts SARIFOptions) error {
	uri := opts.ArtifactURI
	if uri == "" {
		uri = "plan.json"
	}
	run := sarifRun{
		Tool:    sarifTool{Driver: sarifDriver{Name: "podidentity-check", InformationURI: planToolURI, Version: opts.ToolVersion}},
		Results: []sarifResult{},
	}
	index := map[string]int{}
	for _, rule := range Rules() {
		index[rule.ID] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(rule))
	}
	for _, f := range r.sortedFindings() {
		i, ok := index[f.Rule]
		if !ok {
			// A finding for a rule Rules does not list: describe it
			// anyway so that the log stays valid.
			i = len(run.Tool.Driver.Rules)
			index[f.Rule] = i
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(Rule{ID: f.Rule, Name: f.Rule, Severity: f.Severity, Description: f.Rule}))
		}
		msg := f.Message
		if f.Remediation != "" {
			msg += " " + f.Remediation
		}
		var sup []sarifSuppression
		if f.Suppressed != nil {
			j := f.Suppressed.Kind
			if f.Suppressed.Reason != "" {
				j += ": " + f.Suppressed.Reason
			}
			if f.Suppressed.Expires != "" {
				j += " (until " + f.Suppressed.Expires + ")"
			}
			sup = []sarifSuppression{{Kind: "external", Status: "accepted", Justification: j}}
		}
		run.Results = append(run.Results, sarifResult{
			RuleID: f.Rule, RuleIndex: i, Level: sarifLevel(f.Severity),
			Message: sarifText{Text: msg},
			Locations: []sarifLocation{{
				PhysicalLocation: &sarifPhysicalLocation{ArtifactLocation: sarifArtifactLocation{URI: uri}, Region: sarifRegion{StartLine: 1}},
				LogicalLocations: []sarifLogicalLocation{{FullyQualifiedName: f.Address, Kind: "resource"}},
			}},
			PartialFingerprints: map[string]string{"podidentityFinding/v1": f.Fingerprint()},
			Suppressions:        sup,
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: SARIFSchema, Version: "2.1.0", Runs: []sarifRun{run}})
}

func sarifRuleOf(rule Rule) sarifRule {
	help := strings.TrimSpace(rule.HelpText + " " + rule.Remediation)
	severity := "5.0"
	if rule.Severity == SeverityError {
		severity = "8.0"
	}
	return sarifRule{
		ID: rule.ID, Name: sarifRuleName(rule.Name),
		ShortDescription:     sarifText{Text: rule.Name},
		FullDescription:      sarifText{Text: rule.Description},
		Help:                 sarifText{Text: help, Markdown: "**" + rule.Name + "**\n\n" + rule.Description + "\n\n" + rule.HelpText + "\n\n**Fix:** " + rule.Remediation},
		DefaultConfiguration: sarifConfiguration{Level: sarifLevel(rule.Severity)},
		Properties:           map[string]any{"tags": []string{"security", "iam", "eks"}, "security-severity": severity},
	}
}

// sarifRuleName makes a rule name an identifier, as SARIF viewers expect
// ("DynamoDB data access on a node role" → "DynamoDBDataAccessOnANodeRole").
func sarifRuleName(name string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(name, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

func sarifLevel(severity string) string {
	switch severity {
	case SeverityError:
		return "error"
	case SeverityWarning:
		return "warning"
	}
	return "note"
}
