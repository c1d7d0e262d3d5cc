package leastpriv

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// ConfigFileName is the name of the checker's configuration file, looked
// up from the plan's directory upwards (FindConfig).
const ConfigFileName = ".podidentity-check.yaml"

// Config is an organisation's policy for the checker
// (.podidentity-check.yaml):
//
//	# Severity per rule: error, warning or off (off: the rule does not run).
//	rules:
//	  PI006: error
//	  PI007: warning
//	# Accepted findings. rule and address are required; address may use
//	# `*` (any run of characters) and `?`. reason is required; expires
//	# (YYYY-MM-DD, optional) is the last day the exception applies.
//	exceptions:
//	  - rule: PI002
//	    address: module.legacy.aws_iam_policy.reports
//	    reason: Reporting job reads every table until it moves to its own account (SEC-142).
//	    expires: 2026-06-30
//
// A rule's severity applies to every finding of the rule (for PI002-PI004
// it replaces both Severity and SeverityElsewhere). An exception
// suppresses the matching findings: they are still reported, marked
// suppressed with the reason, and do not fail the check. An expired
// exception suppresses nothing and the finding says it expired.
type Config struct {
	Rules      map[string]string `yaml:"rules" json:"rules,omitempty"`
	Exceptions []Exception       `yaml:"exceptions" json:"exceptions,omitempty"`
	// Path is the file the configuration was read from, for messages.
	Path string `yaml:"-" json:"-"`
}

// Exception accepts the findings of one rule on matching addresses.
type Exception struct {
	Rule    string `yaml:"rule" json:"rule"`
	Address string `yaml:"address" json:"address"`
	Reason  string `yaml:"reason" json:"reason"`
	Expires string `yaml:"expires,omitempty" json:"expires,omitempty"`
}

// Suppression says why a finding does not count against the check.
type Suppression struct {
	// Kind is "exception" (from the configuration) or "baseline".
	Kind   string `json:"kind"`
	Reason string `json:"reason,omitempty"`
	// Expires is the exception's expiry date (YYYY-MM-DD), if any.
	Expires string `json:"expires,omitempty"`
	// Source is the configuration or baseline file.
	Source string `json:"source,omitempty"`
}

// Severities a configuration may give a rule.
const severityOff = "off"

// FindConfig looks for ConfigFileName in dir and its parents and returns
// its path, or "" when there is none.
func FindConfig(dir string) string {
	d, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(d, ConfigFileName)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

// LoadConfig reads and checks a configuration file.
func LoadConfig(path string) (*Config, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := ParseConfig(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c.Path = path
	return c, nil
}

// ParseConfig parses and checks a configuration (YAML, or JSON, which is
// YAML too). Unknown keys, unknown rules, severities other than error,
// warning and off, and exceptions without rule, address or reason or with
// a date that is not YYYY-MM-DD are errors.
func ParseConfig(raw []byte) (*Config, error) {
	c := &Config{}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("invalid configuration: %w", err)
	}
	var problems []string
	known := map[string]bool{}
	for _, r := range rules {
		known[r.ID] = true
	}
	norm := map[string]string{}
	for id, sev := range c.Rules {
		uid := strings.ToUpper(strings.TrimSpace(id))
		s := strings.ToLower(strings.TrimSpace(sev))
		if !known[uid] {
			problems = append(problems, fmt.Sprintf("rules: unknown rule %q", id))
			continue
		}
		if s != SeverityError && s != SeverityWarning && s != severityOff {
			problems = append(problems, fmt.Sprintf("rules: %s: severity %q is not error, warning or off", id, sev))
			continue
		}
		norm[uid] = s
	}
	c.Rules = norm
	for i := range c.Exceptions {
		e := &c.Exceptions[i]
		where := fmt.Sprintf("exceptions[%d]", i)
		e.Rule = strings.ToUpper(strings.TrimSpace(e.Rule))
		switch {
		case e.Rule == "":
			problems = append(problems, where+": rule is required")
		case !known[e.Rule]:
			problems = append(problems, fmt.Sprintf("%s: unknown rule %q", where, e.Rule))
		}
		if strings.TrimSpace(e.Address) == "" {
			problems = append(problems, where+": address is required")
		}
		if strings.TrimSpace(e.Reason) == "" {
			problems = append(problems, where+": reason is required (say why the finding is accepted)")
		}
		if e.Expires != "" {
			if _, err := time.Parse(time.DateOnly, e.Expires); err != nil {
				problems = append(problems, fmt.Sprintf("%s: expires %q is not a date (YYYY-MM-DD)", where, e.Expires))
			}
		}
	}
	if len(problems) > 0 {
		return nil, errors.New("invalid configuration: " + strings.Join(problems, "; "))
	}
	return c, nil
}

// DisabledRules lists the rules the configuration turns off.
func (c *Config) DisabledRules() []string {
	var out []string
	for id, s := range c.Rules {
		if s == severityOff {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// Apply sets the configured severities on the findings and marks those an
// exception in force on day today (YYYY-MM-DD) accepts as suppressed; a
// finding matched only by expired exceptions gets ExpiredException.
func (c *Config) Apply(findings []Finding, today string) {
	for i := range findings {
		f := &findings[i]
		if s, ok := c.Rules[f.Rule]; ok && s != severityOff {
			f.Severity = s
		}
		if f.Suppressed != nil {
			continue
		}
		for _, e := range c.Exceptions {
			if e.Rule != f.Rule || !globMatch(e.Address, f.Address, false) {
				continue
			}
			s := &Suppression{Kind: "exception", Reason: e.Reason, Expires: e.Expires, Source: c.Path}
			if e.Expires != "" && e.Expires < today {
				if f.ExpiredException == nil {
					f.ExpiredException = s
				}
				continue
			}
			f.Suppressed = s
			f.ExpiredException = nil
			break
		}
	}
}

// Fingerprint identifies a finding across runs: its rule, address and
// role (not its message, which may be worded differently by another
// version). SARIF reports carry it as partialFingerprints, baselines list
// it.
func (f Finding) Fingerprint() string {
	sum := sha256.Sum256([]byte(f.Rule + "\x00" + f.Address + "\x00" + f.Role))
	return hex.EncodeToString(sum[:16])
}

// Baseline is a file of accepted findings (--write-baseline), so that a
// team can adopt the check on an existing stack and fail only on new
// findings.
type Baseline struct {
	Version  int             `json:"version"`
	Findings []BaselineEntry `json:"findings"`
	// Path is the file the baseline was read from, for messages.
	Path string `json:"-"`
}

// BaselineEntry is one accepted finding.
type BaselineEntry struct {
	Rule        string `json:"rule"`
	Address     string `json:"address"`
	Role        string `json:"role,omitempty"`
	Fingerprint string `json:"fingerprint"`
	Message     string `json:"message,omitempty"` // for people reading the file
}

// NewBaseline lists the findings that are not already suppressed.
func NewBaseline(findings []Finding) *Baseline {
	b := &Baseline{Version: 1, Findings: []BaselineEntry{}}
	seen := map[string]bool{}
	for _, f := range findings {
		fp := f.Fingerprint()
		if f.Suppressed != nil || seen[fp] {
			continue
		}
		seen[fp] = true
		b.Findings = append(b.Findings, BaselineEntry{Rule: f.Rule, Address: f.Address, Role: f.Role, Fingerprint: fp, Message: f.Message})
	}
	sort.Slice(b.Findings, func(i, j int) bool {
		x, y := b.Findings[i], b.Findings[j]
		if x.Address != y.Address {
			return x.Address < y.Address
		}
		if x.Rule != y.Rule {
			return x.Rule < y.Rule
		}
		return x.Role < y.Role
	})
	return b
}

// Write writes the baseline as indented JSON.
func (b *Baseline) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(b)
}

// LoadBaseline reads a baseline file.
func LoadBaseline(path string) (*Baseline, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	b := &Baseline{}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(b); err != nil {
		return nil, fmt.Errorf("%s: not a baseline file (write one with --write-baseline): %w", path, err)
	}
	if b.Version != 1 {
		return nil, fmt.Errorf("%s: baseline version %d is not supported (1 is)", path, b.Version)
	}
	b.Path = path
	return b, nil
}

// Apply marks the findings the baseline lists as suppressed.
func (b *Baseline) Apply(findings []Finding) {
	known := map[string]bool{}
	for _, e := range b.Findings {
		fp := e.Fingerprint
		if fp == "" {
			fp = Finding{Rule: e.Rule, Address: e.Address, Role: e.Role}.Fingerprint()
		}
		known[fp] = true
	}
	for i := range findings {
		f := &findings[i]
		if f.Suppressed == nil && known[f.Fingerprint()] {
			f.Suppressed = &Suppression{Kind: "baseline", Reason: "present in the baseline", Source: b.Path}
		}
	}
}
