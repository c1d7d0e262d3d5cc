package main

import (
	"encoding/xml"
	"testing"
)

func TestRunJUnit(t *testing.T) {
	t.Parallel()
	code, out, errOut := runCLI(t, "", "--format", "junit", "--disable", "PI008", fixture("root_inline_policy"))
	if code != exitFindings {
		t.Fatalf("exit %d, want %d; stderr %s", code, exitFindings, errOut)
	}
	var doc junitSuites
	if err := xml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, out)
	}
	if len(doc.Suites) != 1 {
		t.Fatalf("%d suites, want 1", len(doc.Suites))
	}
	s := doc.Suites[0]
	failed, passed := map[string]string{}, map[string]bool{}
	for _, c := range s.Cases {
		if c.Failure != nil {
			failed[c.Name] = c.Failure.Type
		} else {
			passed[c.ClassName] = true
		}
	}
	if failed["PI001 aws_iam_role_policy.node_dynamodb"] != "error" {
		t.Errorf("failures %v, want PI001 aws_iam_role_policy.node_dynamodb as an error", failed)
	}
	if !passed["podidentity-check.PI002"] || passed["podidentity-check.PI001"] || passed["podidentity-check.PI008"] {
		t.Errorf("passing cases %v: want every enabled rule without findings (PI002...), not PI001 nor the disabled PI008", passed)
	}
	if s.Tests != len(s.Cases) || s.Failures != len(failed) || doc.Failures != s.Failures {
		t.Errorf("counts: tests %d failures %d (suites %d), cases %d failed %d", s.Tests, s.Failures, doc.Failures, len(s.Cases), len(failed))
	}
}
