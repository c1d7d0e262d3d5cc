package main

import (
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

// JUnit XML, the report GitLab CI, Jenkins, Azure Pipelines and most CI
// systems render: one test suite per plan, one test case per finding (a
// failure whose type is the severity) and one passing test case per
// enabled rule that found nothing, so the report shows what was checked.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// writeJUnit writes the review as JUnit XML; planName names the suite and
// the file of each test case.
func writeJUnit(w io.Writer, review *leastpriv.Review, rules []leastpriv.Rule, disabled []string, planName string) error {
	suite := junitSuite{
		Name: progName + " " + planName,
		Properties: []junitProperty{
			{Name: "tool.version", Value: toolVersion()},
			{Name: "plan.resources", Value: fmt.Sprint(review.Resources)},
		},
	}
	findings := append([]leastpriv.Finding(nil), review.Findings...)
	sort.SliceStable(findings, func(i, j int) bool {
		if findings[i].Rule != findings[j].Rule {
			return findings[i].Rule < findings[j].Rule
		}
		return findings[i].Address < findings[j].Address
	})
	found := map[string]bool{}
	for _, f := range findings {
		found[f.Rule] = true
		name := f.Rule
		if f.Address != "" {
			name += " " + f.Address
		}
		text := f.Message
		if f.Remediation != "" {
			text += "\n\nFix: " + f.Remediation
		}
		if len(f.Evidence) > 0 {
			text += "\n\nEvidence: " + strings.Join(f.Evidence, "; ")
		}
		suite.Cases = append(suite.Cases, junitCase{
			Name:      name,
			ClassName: progName + "." + f.Rule,
			File:      planName,
			Failure:   &junitFailure{Message: f.Severity + ": " + oneLine(f.Message), Type: f.Severity, Text: text},
		})
		suite.Failures++
	}
	skip := map[string]bool{}
	for _, id := range disabled {
		skip[id] = true
	}
	for _, r := range rules {
		if found[r.ID] || skip[r.ID] {
			continue
		}
		suite.Cases = append(suite.Cases, junitCase{
			Name:      r.ID + " " + r.Name,
			ClassName: progName + "." + r.ID,
			File:      planName,
		})
	}
	suite.Tests = len(suite.Cases)
	doc := junitSuites{Name: progName, Tests: suite.Tests, Failures: suite.Failures, Suites: []junitSuite{suite}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
