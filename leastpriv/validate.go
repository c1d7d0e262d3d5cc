package leastpriv

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// ValidationError is the error type of the Validate functions. Its parts map
// onto a Terraform diagnostic (Summary, then Detail and Hint as the detail)
// and onto the CLI's messages, so that both say the same thing.
type ValidationError struct {
	Summary string // short, Title Case: "Invalid DynamoDB Table ARN"
	Detail  string // full sentences: what was wrong and what was found
	Hint    string // optional: what to do instead
}

// Error joins summary, detail and hint.
func (e *ValidationError) Error() string {
	s := e.Summary + ": " + e.Detail
	if e.Hint != "" {
		s += " " + e.Hint
	}
	return s
}

// DiagnosticDetail returns Detail followed by Hint, for a diagnostic's
// detail.
func (e *ValidationError) DiagnosticDetail() string {
	if e.Hint == "" {
		return e.Detail
	}
	return e.Detail + "\n\n" + e.Hint
}

// AsValidationError unwraps err into a *ValidationError.
func AsValidationError(err error) (*ValidationError, bool) {
	var ve *ValidationError
	ok := errors.As(err, &ve)
	return ve, ok
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isTableNameChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.'
}

// ValidateTableARN checks that s is the ARN of one concrete DynamoDB table:
// arn:PARTITION:dynamodb:REGION:ACCOUNT:table/NAME with no wildcard in the
// partition, region, account or table name, a 12-digit account and a valid
// table name (3-255 characters of a-z, A-Z, 0-9, '_', '-', '.'). An index or
// stream ARN is rejected with a hint pointing at the `indexes` and
// `streams` arguments.
func ValidateTableARN(s string) error {
	const summary = "Invalid DynamoDB Table ARN"
	bad := func(detail, hint string) error {
		return &ValidationError{Summary: summary, Detail: detail, Hint: hint}
	}
	const form = "arn:PARTITION:dynamodb:REGION:ACCOUNT:table/TABLE_NAME, for example arn:aws:dynamodb:us-east-1:111122223333:table/carts"
	if s == "" {
		return bad("The table ARN is empty.", "Use the table's ARN: "+form+".")
	}
	a, err := ParseARN(s)
	if err != nil {
		return bad(fmt.Sprintf("%q is not an ARN: %s.", s, strings.TrimPrefix(err.Error(), fmt.Sprintf("ARN %q: ", s))), "Use the table's ARN: "+form+".")
	}
	if a.Service != "dynamodb" {
		return bad(fmt.Sprintf("%q is an ARN of service %q, not of a DynamoDB table.", s, a.Service), "Use the table's ARN: "+form+".")
	}
	if resourceHasWildcard(s) && ruleByID(RuleWildcardResource).Severity == SeverityError {
		// The CLI's verdict on the same grant (PI002 on a Pod Identity
		// role): refused here because it is an error there.
		return bad(fmt.Sprintf("%q contains a wildcard (`*`, `?` or a policy variable such as ${aws:username}). A least-privilege grant names one table (rule %s).", s, RuleWildcardResource),
			"Name each table with its full ARN, for example aws_dynamodb_table.carts.arn; add one grant per table.")
	}
	switch {
	case a.Partition != "aws" && !strings.HasPrefix(a.Partition, "aws-"):
		return bad(fmt.Sprintf("%q has partition %q; partitions are aws, aws-cn, aws-us-gov and the like.", s, a.Partition), "")
	case a.Region == "":
		return bad(fmt.Sprintf("%q has no region. DynamoDB table ARNs always name the region.", s), "")
	case len(a.Account) != 12 || !isDigits(a.Account):
		return bad(fmt.Sprintf("%q has account %q; an account ID is 12 digits.", s, a.Account), "")
	}
	rest, ok := strings.CutPrefix(a.Resource, "table/")
	if !ok {
		return bad(fmt.Sprintf("%q names a DynamoDB %q resource, not a table.", s, strings.SplitN(a.Resource, "/", 2)[0]), "Use the table's ARN: "+form+".")
	}
	name, sub, hasSub := strings.Cut(rest, "/")
	if hasSub {
		tableARN := "arn:" + a.Partition + ":dynamodb:" + a.Region + ":" + a.Account + ":table/" + name
		kind, _, _ := strings.Cut(sub, "/")
		switch kind {
		case "index":
			return bad(fmt.Sprintf("%q is the ARN of a secondary index, not of a table.", s),
				fmt.Sprintf("Use the table ARN %q and set `indexes = true`: the grant then covers %s/index/*.", tableARN, tableARN))
		case "stream":
			return bad(fmt.Sprintf("%q is the ARN of a table's stream, not of a table.", s),
				fmt.Sprintf("Use the table ARN %q and set `streams = true`: the grant then covers %s/stream/*.", tableARN, tableARN))
		default:
			return bad(fmt.Sprintf("%q names a %q resource under table %q, not the table itself.", s, kind, name),
				fmt.Sprintf("Use the table ARN %q.", tableARN))
		}
	}
	if len(name) < 3 || len(name) > 255 {
		return bad(fmt.Sprintf("Table name %q in %q is %d characters long; DynamoDB table names are 3 to 255 characters.", name, s, len(name)), "")
	}
	for i := 0; i < len(name); i++ {
		if !isTableNameChar(name[i]) {
			return bad(fmt.Sprintf("Table name %q in %q contains %q; DynamoDB table names use only a-z, A-Z, 0-9, '_', '-' and '.'.", name, s, name[i]), "")
		}
	}
	return nil
}

// ValidateActions checks an explicit list of DynamoDB actions for a table
// grant: every action must exist in the catalogue (full name with the
// "dynamodb:" prefix, any case), contain no wildcard, and fit the resources
// of a table grant (table, index or stream). Actions that only accept
// Resource "*" (for example dynamodb:ListTables, dynamodb:ListStreams) are
// valid when listed explicitly; WildcardResourceActionsWarning reports them
// so that callers can warn. Every problem is reported in one error.
func ValidateActions(actions []string) error {
	var problems []string
	hint := ""
	seen := map[string]bool{}
	for _, a := range actions {
		if hasGlob(a) && ruleByID(RuleWildcardAction).Severity == SeverityError {
			// The CLI's verdict on the same grant (PI003 on a Pod
			// Identity role).
			problems = append(problems, fmt.Sprintf("%q contains a wildcard (rule %s)", a, RuleWildcardAction))
			hint = "List each action by name, for example \"dynamodb:GetItem\", \"dynamodb:Query\"; or use `access` (read, write, read_write)."
			continue
		}
		info, ok := LookupDynamoDBAction(a)
		if !ok {
			if !strings.Contains(a, ":") {
				if _, ok2 := LookupDynamoDBAction("dynamodb:" + a); ok2 {
					problems = append(problems, fmt.Sprintf("%q lacks the service prefix (did you mean \"dynamodb:%s\"?)", a, a))
					continue
				}
			}
			problems = append(problems, fmt.Sprintf("%q is not a DynamoDB action", a))
			continue
		}
		key := strings.ToLower(info.Name)
		if seen[key] {
			problems = append(problems, fmt.Sprintf("%q is listed more than once", a))
			continue
		}
		seen[key] = true
		if !info.WildcardResourceOnly && !fitsTableGrant(info) {
			problems = append(problems, fmt.Sprintf("%q needs a %s resource, which a table grant does not cover", info.Name, strings.Join(info.RequiredResourceTypes, " and ")))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return &ValidationError{
		Summary: "Invalid DynamoDB Actions",
		Detail:  "The actions list has problems: " + strings.Join(problems, "; ") + ".",
		Hint:    hint,
	}
}

// fitsTableGrant reports whether every required resource type of the action
// is one a table grant covers (table, index, stream).
func fitsTableGrant(a ActionInfo) bool {
	for _, t := range a.RequiredResourceTypes {
		if t != "table" && t != "index" && t != "stream" {
			return false
		}
	}
	return true
}

// WildcardResourceActionsWarning returns a warning (as a ValidationError)
// when actions include actions that only accept Resource "*", or nil. Such
// actions are granted in a separate statement on "*".
func WildcardResourceActionsWarning(actions []string) *ValidationError {
	var names []string
	for _, a := range actions {
		if info, ok := LookupDynamoDBAction(a); ok && info.WildcardResourceOnly {
			names = append(names, info.Name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	return &ValidationError{
		Summary: "Actions Granted on Every Resource",
		Detail: fmt.Sprintf("%s only accept Resource \"*\" in IAM, so the policy grants them in a separate statement on \"*\", account-wide, not on the table.",
			strings.Join(names, ", ")),
		Hint: "Keep them only if the workload needs them (for example dynamodb:ListStreams for a stream consumer).",
	}
}

// ValidateKubernetesName checks a Kubernetes object name. A field whose
// name contains "namespace" must be a DNS-1123 label (at most 63
// characters of a-z, 0-9 and '-', starting and ending with a letter or
// digit); any other field (a service account) must be a DNS-1123 subdomain
// (at most 253 characters, dot-separated labels).
func ValidateKubernetesName(field, name string) error {
	label := strings.Contains(strings.ToLower(field), "namespace")
	what, maxLen := "DNS-1123 subdomain", 253
	if label {
		what, maxLen = "DNS-1123 label", 63
	}
	summary := "Invalid Kubernetes Name"
	if name == "" {
		return &ValidationError{Summary: summary, Detail: fmt.Sprintf("%s is empty; it must be a %s.", field, what)}
	}
	if len(name) > maxLen {
		return &ValidationError{Summary: summary, Detail: fmt.Sprintf("%s %q is %d characters long; a %s has at most %d.", field, name, len(name), what, maxLen)}
	}
	parts := []string{name}
	if !label {
		parts = strings.Split(name, ".")
	}
	for _, p := range parts {
		if msg := dns1123LabelProblem(p); msg != "" {
			hint := "Use lower-case letters, digits and '-', starting and ending with a letter or digit"
			if !label {
				hint += ", in labels separated by '.'"
			}
			return &ValidationError{Summary: summary, Detail: fmt.Sprintf("%s %q is not a valid %s: %s.", field, name, what, msg), Hint: hint + ", for example \"carts\"."}
		}
	}
	return nil
}

func dns1123LabelProblem(s string) string {
	if s == "" {
		return "it has an empty label"
	}
	if len(s) > 63 {
		return fmt.Sprintf("label %q is longer than 63 characters", s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := 'a' <= c && c <= 'z' || '0' <= c && c <= '9'
		if !alnum && c != '-' {
			return fmt.Sprintf("it contains %q", c)
		}
		if !alnum && (i == 0 || i == len(s)-1) {
			return "it must start and end with a lower-case letter or digit"
		}
	}
	return ""
}

func isRoleNameChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("+=,.@_-", c) >= 0
}

// ValidateRoleName checks an IAM role name: 1 to 64 characters of
// a-z, A-Z, 0-9 and +=,.@_-.
func ValidateRoleName(name string) error {
	const summary = "Invalid IAM Role Name"
	switch {
	case name == "":
		return &ValidationError{Summary: summary, Detail: "The role name is empty."}
	case len(name) > 64:
		return &ValidationError{Summary: summary, Detail: fmt.Sprintf("Role name %q is %d characters long; IAM role names have at most 64.", name, len(name)),
			Hint: "Choose a shorter name, or leave it unset to get a generated name."}
	}
	for i := 0; i < len(name); i++ {
		if !isRoleNameChar(name[i]) {
			return &ValidationError{Summary: summary, Detail: fmt.Sprintf("Role name %q contains %q; IAM role names use only letters, digits and +=,.@_-.", name, name[i])}
		}
	}
	return nil
}

// ValidateRolePath checks an IAM path: "/" or a string that starts and ends
// with "/", at most 512 characters of printable ASCII (U+0021 to U+007E).
func ValidateRolePath(path string) error {
	const summary = "Invalid IAM Role Path"
	switch {
	case path == "":
		return &ValidationError{Summary: summary, Detail: "The path is empty.", Hint: "Use \"/\" or a path such as \"/pods/\"."}
	case len(path) > 512:
		return &ValidationError{Summary: summary, Detail: fmt.Sprintf("The path is %d characters long; IAM paths have at most 512.", len(path))}
	case !strings.HasPrefix(path, "/") || !strings.HasSuffix(path, "/"):
		return &ValidationError{Summary: summary, Detail: fmt.Sprintf("Path %q must start and end with \"/\".", path), Hint: "For example \"/pods/\"."}
	case strings.Contains(path, "//"):
		return &ValidationError{Summary: summary, Detail: fmt.Sprintf("Path %q contains an empty element (\"//\").", path)}
	}
	for i := 0; i < len(path); i++ {
		if path[i] < 0x21 || path[i] > 0x7e {
			return &ValidationError{Summary: summary, Detail: fmt.Sprintf("Path %q contains %q; IAM paths use printable ASCII without spaces.", path, path[i])}
		}
	}
	return nil
}

// DefaultRoleName derives a role name from a cluster, namespace and service
// account: "CLUSTER-NAMESPACE-SERVICEACCOUNT", with characters IAM does not
// allow replaced by '-'. When the result is longer than 64 characters it is
// cut to 55 characters and suffixed with '-' and the first 8 hex digits of
// the SHA-256 of the full name, so that different long inputs stay distinct
// and the same input always gives the same name.
func DefaultRoleName(cluster, namespace, serviceAccount string) string {
	full := cluster + "-" + namespace + "-" + serviceAccount
	b := []byte(full)
	for i, c := range b {
		if !isRoleNameChar(c) {
			b[i] = '-'
		}
	}
	name := string(b)
	if len(name) <= 64 {
		return name
	}
	sum := sha256.Sum256([]byte(full))
	return strings.TrimRight(name[:55], "-.") + "-" + hex.EncodeToString(sum[:])[:8]
}

// IAM's size limits, in characters other than white space (IAM does not
// count white space against them).
const (
	// MaxRoleInlinePolicySize is the limit on the inline policies of one
	// role, together.
	MaxRoleInlinePolicySize = 10240
	// MaxManagedPolicySize is the limit on one customer managed policy.
	MaxManagedPolicySize = 6144
)

// PolicySize is the size IAM counts for a policy document: its characters
// other than white space.
func PolicySize(doc string) int {
	n := 0
	for _, r := range doc {
		switch r {
		case ' ', '\t', '\n', '\r':
		default:
			n++
		}
	}
	return n
}

// ValidateInlinePolicySize reports an inline policy that IAM would refuse
// for its size (PutRolePolicy fails with LimitExceeded). others is the
// size of the role's other inline policies, 0 for a role of its own.
func ValidateInlinePolicySize(doc string, others int) error {
	size := PolicySize(doc)
	if size+others <= MaxRoleInlinePolicySize {
		return nil
	}
	detail := fmt.Sprintf("The generated inline policy is %d characters (white space not counted); IAM allows %d for all the inline policies of a role together.", size, MaxRoleInlinePolicySize)
	if others > 0 {
		detail = fmt.Sprintf("The generated inline policy is %d characters and the role's other inline policies %d (white space not counted); IAM allows %d for all the inline policies of a role together.", size, others, MaxRoleInlinePolicySize)
	}
	return &ValidationError{
		Summary: "Policy Too Large",
		Detail:  detail,
		Hint:    "Grant fewer tables per resource (one podidentity_least_privilege per workload, or split the tables across roles), or list fewer explicit actions.",
	}
}
