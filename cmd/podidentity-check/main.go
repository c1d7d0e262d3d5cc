// Command podidentity-check reviews a Terraform or OpenTofu plan for EKS
// Pod Identity least-privilege problems: DynamoDB access granted to node
// roles, wildcard grants, unscoped trust, IMDS reachable from pods...
//
//	terraform plan -out=tfplan
//	terraform show -json tfplan > plan.json
//	podidentity-check plan.json
//
// The rules live in package leastpriv; this command only reads flags and
// files, formats the report and sets the exit status: 0 when no finding is
// at or above --fail-on, 1 when some are, 2 for a usage error or input that
// cannot be read.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv/tfplan"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = ""

const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
	progName     = "podidentity-check"
)

func main() {
	if os.Getenv("GOGC") == "" && slices.Contains(os.Args[1:], "-") {
		// A plan file is mapped into memory, outside the Go heap; a plan
		// read from standard input is held in the heap while it is
		// decoded: collecting more often then keeps the peak RSS near
		// twice the plan's size instead of three times, for a little CPU.
		debug.SetGCPercent(50)
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// listFlag is a repeatable flag whose values may also be comma-separated.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, strings.ToUpper(s))
		}
	}
	return nil
}

const usageText = `Usage: podidentity-check [flags] PLAN_JSON

Reviews the JSON form of a Terraform or OpenTofu plan (terraform show -json
PLANFILE > plan.json; "-" reads standard input) for EKS Pod Identity
least-privilege problems. Given a binary plan (terraform plan -out=PLANFILE),
it runs terraform show -json (or tofu) itself, in the plan's directory.

Flags:
  --format text|json|sarif|junit
                              report format (default text)
  --fail-on error|warning|never
                              exit 1 when a finding is at or above this
                              severity (default error)
  --disable RULE[,RULE...]    skip rules, for example --disable PI006,PI007
                              (repeatable)
  --config FILE               per-rule severities and exceptions (default:
                              .podidentity-check.yaml in the plan's
                              directory or a parent)
  --no-config                 ignore .podidentity-check.yaml
  --baseline FILE             accept the findings listed in FILE (reported
                              as suppressed, they do not fail the check)
  --write-baseline FILE       write the current findings to FILE as a
                              baseline
  --explain RULE              print a rule's full help and exit
  --version                   print the version and exit

Exit status: 0 no findings at or above --fail-on, 1 findings, 2 usage error
or unreadable input.
`

// run is the whole command, with its I/O passed in for tests.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(progName, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	format := fs.String("format", "text", "")
	failOn := fs.String("fail-on", "error", "")
	explain := fs.String("explain", "", "")
	showVersion := fs.Bool("version", false, "")
	help := fs.Bool("help", false, "")
	fs.BoolVar(help, "h", false, "")
	var disabled listFlag
	fs.Var(&disabled, "disable", "")
	var pf policyFlags
	fs.StringVar(&pf.config, "config", "", "")
	fs.BoolVar(&pf.noConfig, "no-config", false, "")
	fs.StringVar(&pf.baseline, "baseline", "", "")
	fs.StringVar(&pf.writeBaseline, "write-baseline", "", "")

	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "%s: %s\n", progName, fmt.Sprintf(format, a...))
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", progName)
		return exitUsage
	}

	// Flags may come before or after the plan file.
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return usageErr("%v", err)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		positional = append(positional, args[0])
		args = args[1:]
	}

	if *help {
		fmt.Fprint(stdout, usageText)
		return exitOK
	}
	if *showVersion {
		fmt.Fprintf(stdout, "%s %s\n", progName, toolVersion())
		return exitOK
	}
	rules := leastpriv.Rules()
	if *explain != "" {
		id := strings.ToUpper(strings.TrimSpace(*explain))
		for _, r := range rules {
			if r.ID == id {
				sev := r.Severity
				if r.SeverityElsewhere != "" {
					sev += "; " + r.SeverityElsewhere + " on a policy no workload can obtain"
				}
				fmt.Fprintf(stdout, "%s: %s (%s)\n\n%s\n\n%s\n\nFix: %s\n", r.ID, r.Name, sev, r.Description, r.HelpText, r.Remediation)
				return exitOK
			}
		}
		return usageErr("unknown rule %q for --explain (rules: %s)", *explain, ruleIDs(rules))
	}
	switch *format {
	case "text", "json", "sarif", "junit":
	default:
		return usageErr("invalid --format %q: use text, json, sarif or junit", *format)
	}
	switch *failOn {
	case "error", "warning", "never":
	default:
		return usageErr("invalid --fail-on %q: use error, warning or never", *failOn)
	}
	for _, id := range disabled {
		if !slices.ContainsFunc(rules, func(r leastpriv.Rule) bool { return r.ID == id }) {
			return usageErr("unknown rule %q for --disable (rules: %s)", id, ruleIDs(rules))
		}
	}
	if len(positional) != 1 {
		if len(positional) == 0 {
			return usageErr("missing PLAN_JSON (the output of terraform show -json PLANFILE, or - for standard input)")
		}
		return usageErr("expected one PLAN_JSON, got %d arguments", len(positional))
	}

	if err := pf.check(); err != nil {
		return usageErr("%v", err)
	}

	path := positional[0]
	cfg, err := pf.loadConfig(path)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %s\n", progName, oneLine(err.Error()))
		return exitUsage
	}
	if cfg != nil {
		disabled = append(disabled, cfg.DisabledRules()...)
	}
	name := path
	in := stdin
	// The heap a review grows to: about 1.5x the plan (see heapEstimate),
	// plus the plan itself when it is read from a pipe.
	heap := int64(unknownSizeHeap)
	if path == "-" {
		name = "stdin"
	} else {
		if isBinaryPlan(path) {
			jsonPath, cleanup, err := showPlanJSON(path, stderr)
			if err != nil {
				fmt.Fprintf(stderr, "%s: %s\n", progName, err)
				return exitUsage
			}
			defer cleanup()
			path = jsonPath
		}
		f, err := os.Open(path)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %s\n", progName, describeOpenError(path, err))
			return exitUsage
		}
		defer f.Close()
		in = f
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			heap = heapEstimate(fi.Size())
		}
	}
	prepareHeap(heap)

	review, err := tfplan.Review(in, leastpriv.CheckOptions{DisabledRules: disabled})
	if err != nil {
		fmt.Fprintf(stderr, "%s: %s: %s\n", progName, name, oneLine(err.Error()))
		return exitUsage
	}
	if err := pf.apply(review, cfg); err != nil {
		fmt.Fprintf(stderr, "%s: %s\n", progName, oneLine(err.Error()))
		return exitUsage
	}

	switch *format {
	case "json":
		err = review.WriteJSON(stdout)
	case "junit":
		err = writeJUnit(stdout, review, rules, disabled, name)
	case "sarif":
		uri := filepath.ToSlash(name) // the plan as given, also for a binary plan
		if path == "-" {
			uri = "plan.json"
		}
		err = review.WriteSARIF(stdout, leastpriv.SARIFOptions{ToolVersion: toolVersion(), ArtifactURI: uri})
	default:
		err = review.WriteText(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: writing the report: %v\n", progName, err)
		return exitUsage
	}
	if *failOn != "never" && review.FailsAt(*failOn) {
		return exitFindings
	}
	return exitOK
}

// unknownSizeHeap is the heap prepareHeap prepares when the plan's size is
// not known in advance (standard input, a pipe).
const unknownSizeHeap = 128 << 20

// heapEstimate is the heap a review of a plan file of size bytes grows to,
// with room for the garbage collector's goal (GOGC=100); measured: ~1.25x.
func heapEstimate(size int64) int64 { return size * 3 / 2 }

func describeOpenError(path string, err error) string {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return path + ": no such file"
	case errors.Is(err, os.ErrPermission):
		return path + ": permission denied"
	}
	return oneLine(err.Error())
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func ruleIDs(rules []leastpriv.Rule) string {
	ids := make([]string, len(rules))
	for i, r := range rules {
		ids[i] = r.ID
	}
	return strings.Join(ids, ", ")
}

// toolVersion is the version set at build time, else the module version
// when installed with go install, else "dev".
func toolVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
