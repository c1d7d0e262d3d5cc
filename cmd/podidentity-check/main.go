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
// options are the command line: the flags and the plan's path.
type options struct {
	format, failOn, explain string
	version, help           bool
	disabled                listFlag
	policy                  policyFlags
	positional              []string
}

// The errors of parseArgs, validate and explainRule are mistakes on the
// command line: run reports them with a pointer to --help and exit status 2.

// parseArgs reads the flags, which may come before or after the plan file.
func parseArgs(args []string) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet(progName, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.format, "format", "text", "")
	fs.StringVar(&o.failOn, "fail-on", "error", "")
	fs.StringVar(&o.explain, "explain", "", "")
	fs.BoolVar(&o.version, "version", false, "")
	fs.BoolVar(&o.help, "help", false, "")
	fs.BoolVar(&o.help, "h", false, "")
	fs.Var(&o.disabled, "disable", "")
	fs.StringVar(&o.policy.config, "config", "", "")
	fs.BoolVar(&o.policy.noConfig, "no-config", false, "")
	fs.StringVar(&o.policy.baseline, "baseline", "", "")
	fs.StringVar(&o.policy.writeBaseline, "write-baseline", "", "")
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if args = fs.Args(); len(args) == 0 {
			return o, nil
		}
		o.positional = append(o.positional, args[0])
		args = args[1:]
	}
}

// validate checks the flags of a review against each other and the rules.
func (o *options) validate(rules []leastpriv.Rule) error {
	switch o.format {
	case "text", "json", "sarif", "junit":
	default:
		return fmt.Errorf("invalid --format %q: use text, json, sarif or junit", o.format)
	}
	switch o.failOn {
	case "error", "warning", "never":
	default:
		return fmt.Errorf("invalid --fail-on %q: use error, warning or never", o.failOn)
	}
	for _, id := range o.disabled {
		if !slices.ContainsFunc(rules, func(r leastpriv.Rule) bool { return r.ID == id }) {
			return fmt.Errorf("unknown rule %q for --disable (rules: %s)", id, ruleIDs(rules))
		}
	}
	switch len(o.positional) {
	case 1:
	case 0:
		return fmt.Errorf("missing PLAN_JSON (the output of terraform show -json PLANFILE, or - for standard input)")
	default:
		return fmt.Errorf("expected one PLAN_JSON, got %d arguments", len(o.positional))
	}
	return o.policy.check()
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, err := parseArgs(args)
	rules := leastpriv.Rules()
	switch {
	case err != nil:
	case o.help:
		fmt.Fprint(stdout, usageText)
		return exitOK
	case o.version:
		fmt.Fprintf(stdout, "%s %s\n", progName, toolVersion())
		return exitOK
	case o.explain != "":
		if err = explainRule(stdout, rules, o.explain); err == nil {
			return exitOK
		}
	default:
		err = o.validate(rules)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %s\n", progName, err)
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", progName)
		return exitUsage
	}
	code, err := o.review(stdin, stdout, stderr, rules)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %s\n", progName, oneLine(err.Error()))
	}
	return code
}

// explainRule prints what a rule finds and how to fix it.
func explainRule(w io.Writer, rules []leastpriv.Rule, id string) error {
	want := strings.ToUpper(strings.TrimSpace(id))
	for _, r := range rules {
		if r.ID == want {
			sev := r.Severity
			if r.SeverityElsewhere != "" {
				sev += "; " + r.SeverityElsewhere + " on a policy no workload can obtain"
			}
			fmt.Fprintf(w, "%s: %s (%s)\n\n%s\n\n%s\n\nFix: %s\n", r.ID, r.Name, sev, r.Description, r.HelpText, r.Remediation)
			return nil
		}
	}
	return fmt.Errorf("unknown rule %q for --explain (rules: %s)", id, ruleIDs(rules))
}

// review reads the plan, applies the configuration and baseline, writes
// the report and returns the exit status.
func (o *options) review(stdin io.Reader, stdout, stderr io.Writer, rules []leastpriv.Rule) (int, error) {
	path := o.positional[0]
	cfg, err := o.policy.loadConfig(path)
	if err != nil {
		return exitUsage, err
	}
	disabled := o.disabled
	if cfg != nil {
		disabled = append(disabled, cfg.DisabledRules()...)
	}
	in, name, closePlan, err := openPlan(path, stdin, stderr)
	if err != nil {
		return exitUsage, err
	}
	defer closePlan()

	review, err := tfplan.Review(in, leastpriv.CheckOptions{DisabledRules: disabled})
	if err != nil {
		return exitUsage, fmt.Errorf("%s: %w", name, err)
	}
	if err := o.policy.apply(review, cfg); err != nil {
		return exitUsage, err
	}
	if err := o.write(stdout, review, rules, disabled, name); err != nil {
		return exitUsage, fmt.Errorf("writing the report: %w", err)
	}
	if o.failOn != "never" && review.FailsAt(o.failOn) {
		return exitFindings, nil
	}
	return exitOK, nil
}

// openPlan opens the plan named on the command line (converting a binary
// plan with the CLI first) and sizes the heap for its review. name is the
// plan as the report names it.
func openPlan(path string, stdin io.Reader, stderr io.Writer) (in io.Reader, name string, closePlan func(), err error) {
	if path == "-" {
		// The heap a review grows to: about 1.5x the plan (see
		// heapEstimate), plus the plan itself when it is read from a pipe.
		prepareHeap(unknownSizeHeap)
		return stdin, "stdin", func() {}, nil
	}
	name, cleanup := path, func() {}
	if isBinaryPlan(path) {
		if path, cleanup, err = showPlanJSON(path, stderr); err != nil {
			return nil, "", nil, err
		}
	}
	f, err := os.Open(path)
	if err != nil {
		cleanup()
		return nil, "", nil, errors.New(describeOpenError(path, err))
	}
	heap := int64(unknownSizeHeap)
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		heap = heapEstimate(fi.Size())
	}
	prepareHeap(heap)
	return f, name, func() { f.Close(); cleanup() }, nil
}

// write renders the report in the chosen format.
func (o *options) write(w io.Writer, review *leastpriv.Review, rules []leastpriv.Rule, disabled []string, name string) error {
	switch o.format {
	case "json":
		return review.WriteJSON(w)
	case "junit":
		return writeJUnit(w, review, rules, disabled, name)
	case "sarif":
		uri := filepath.ToSlash(name) // the plan as given, also for a binary plan
		if o.positional[0] == "-" {
			uri = "plan.json"
		}
		return review.WriteSARIF(w, leastpriv.SARIFOptions{ToolVersion: toolVersion(), ArtifactURI: uri})
	default:
		return review.WriteText(w)
	}
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
