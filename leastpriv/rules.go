package leastpriv

import (
	"fmt"
	"maps"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Severities of findings.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
)

// Rule IDs. They are stable: users disable rules by ID.
const (
	RuleNodeRoleDataGrant    = "PI001"
	RuleWildcardResource     = "PI002"
	RuleWildcardAction       = "PI003"
	RuleNotActionNotResource = "PI004"
	RuleDualUseRole          = "PI005"
	RuleUnscopedTrust        = "PI006"
	RuleIMDSReachable        = "PI007"
	RuleUnknownAtPlan        = "PI008"
)

// Rule describes one check.
type Rule struct {
	ID   string
	Name string
	// Severity is the rule's verdict on a role that workloads on the
	// cluster can obtain (Pod Identity, IRSA, node and Fargate pod
	// execution roles, and roles those can assume): the one severity of
	// the project. The CLI's default --fail-on error fails a plan on every
	// error, and podidentity_least_privilege refuses at plan time every
	// grant that an error rule describes (ValidateTableARN,
	// ValidateActions).
	Severity string
	// SeverityElsewhere, when set, is the severity of the rule's findings
	// on a policy that no workload of the plan can obtain (a customer
	// managed policy attached to no role, roles only people or services
	// assume).
	SeverityElsewhere string
	Description       string // one sentence
	Remediation       string // one sentence
	HelpText          string // a paragraph: why it matters
}

// Finding is one problem found by Check.
type Finding struct {
	Rule        string // rule ID, for example "PI001"
	Severity    string // "error" or "warning"
	Address     string // the resource address to fix
	Message     string // full sentences: what was found
	Remediation string // what to do
	// Role is the role reached (its name, or its address when the name is
	// unknown), for grouping; for a policy that reaches several roles, the
	// names joined by ", ".
	Role string
	// Evidence says how the role was identified as a node role, one phrase
	// per fact (NodeRoleEvidence.String).
	Evidence []string
	// Suppressed is set when a configured exception or a baseline accepts
	// the finding (Config.Apply, Baseline.Apply): it is still reported,
	// but does not fail the check.
	Suppressed *Suppression
	// ExpiredException is set when only an expired exception matched.
	ExpiredException *Suppression
}

// String renders the finding on one line.
func (f Finding) String() string {
	return fmt.Sprintf("%s %s %s: %s", f.Severity, f.Rule, f.Address, f.Message)
}

// CheckOptions tunes Check.
type CheckOptions struct {
	// DisabledRules lists rule IDs to skip, for example []string{"PI007"}.
	DisabledRules []string
}

var rules = []Rule{
	{
		ID: RuleNodeRoleDataGrant, Name: "DynamoDB data access on a node role", Severity: SeverityError,
		Description: "A policy grants DynamoDB data actions (item, stream, bulk-data or permissions class) to an EKS node role.",
		Remediation: "Grant the access to a dedicated Pod Identity role (for example with podidentity_least_privilege) and remove it from the node role.",
		HelpText: "Pods can use the node role's credentials through the instance metadata service, so a DynamoDB grant on a node role reaches every pod on those nodes. " +
			"The rule evaluates inline policies, customer managed policies and AWS managed policies (from their documents) through every wildcard, NotAction and NotResource, within the role's permissions boundary when its document is known. " +
			"A role is a node role when its trust policy admits ec2.amazonaws.com, or a node group, EKS Auto Mode cluster, instance profile, EC2/hybrid access entry or Fargate profile uses it.",
	},
	{
		ID: RuleWildcardResource, Name: "Wildcard DynamoDB resource", Severity: SeverityError, SeverityElsewhere: SeverityWarning,
		Description: "An Allow statement grants DynamoDB data actions on a wildcard resource (\"*\", a glob in the table name, region, account or partition, or NotResource).",
		Remediation: "Name each table by its ARN (plus TABLE/index/* or TABLE/stream/* where needed).",
		HelpText:    "A wildcard resource grants the actions on every matching table, including tables created later. Actions that only accept Resource \"*\" (dynamodb:ListStreams, dynamodb:UpdateAbacStatus) are not reported: they cannot be narrowed to a table.",
	},
	{
		ID: RuleWildcardAction, Name: "Wildcard DynamoDB action", Severity: SeverityError, SeverityElsewhere: SeverityWarning,
		Description: "An Allow statement grants DynamoDB actions through a wildcard action pattern such as \"dynamodb:*\", \"dynamodb:Get*\" or \"*\".",
		Remediation: "List the DynamoDB actions the workload calls, or use an access level (read, write, read_write).",
		HelpText:    "Action wildcards grant actions nobody reviewed, including ones AWS adds later (DynamoDB gained several actions in recent years).",
	},
	{
		ID: RuleNotActionNotResource, Name: "Allow with NotAction or NotResource", Severity: SeverityError, SeverityElsewhere: SeverityWarning,
		Description: "An Allow statement uses NotAction or NotResource and thereby grants DynamoDB actions.",
		Remediation: "Replace NotAction/NotResource in Allow statements by explicit Action and Resource lists.",
		HelpText:    "Allow with NotAction grants every action except those listed, across all services, and NotResource every resource except those listed.",
	},
	{
		ID: RuleDualUseRole, Name: "Pod Identity role that is also a node role", Severity: SeverityError,
		Description: "A role used for EKS Pod Identity is also a node role (its trust admits EC2, or a node group, instance profile or access entry uses it).",
		Remediation: "Use separate roles: a node role trusted by ec2.amazonaws.com, and Pod Identity roles trusted only by pods.eks.amazonaws.com.",
		HelpText:    "Whatever the pod's role may do, every pod on the nodes may do as well, through the instance metadata service.",
	},
	{
		ID: RuleUnscopedTrust, Name: "Pod Identity trust without namespace and service account conditions", Severity: SeverityWarning,
		Description: "A role trusts pods.eks.amazonaws.com without StringEquals conditions on aws:RequestTag/kubernetes-namespace and aws:RequestTag/kubernetes-service-account.",
		Remediation: "Add the conditions (podidentity_least_privilege does with trust_scope = \"service_account\").",
		HelpText:    "Without the conditions any Pod Identity association in the account can give the role to any service account in any cluster.",
	},
	{
		ID: RuleIMDSReachable, Name: "Instance metadata reachable from pods", Severity: SeverityWarning,
		Description: "A node group's launch template (EKS managed node group, or self-managed: an autoscaling group of EKS nodes) leaves the instance metadata service reachable from pods (http_put_response_hop_limit unset or greater than 1, or IMDSv1 left on: http_tokens not \"required\").",
		Remediation: "Set metadata_options { http_tokens = \"required\", http_put_response_hop_limit = 1 } in the launch template.",
		HelpText:    "With a hop limit above 1 pods can fetch the node role's credentials from IMDS, so everything granted to the node role is granted to every pod. The hop limit only bounds IMDSv2 token responses: while IMDSv1 is on (http_tokens \"optional\", or not set and left to the AMI's or account's default) pods reach IMDS whatever the hop limit. An autoscaling group (launch_template, mixed_instances_policy with its overrides' templates, or launch_configuration) counts as a self-managed node group when its launch template's (or launch configuration's) instance profile holds a role that is the principal of an EC2_LINUX or EC2_WINDOWS access entry or the node role of a managed node group, or when the group (tag blocks) or its launch template (tags, tag_specifications) carries a tag whose key starts with kubernetes.io/cluster/; other autoscaling groups are not checked. When the launch template, its instance profile or the tags cannot be known at plan time, the rule fails closed and says what was unknown.",
	},
	{
		ID: RuleUnknownAtPlan, Name: "Policy or role unknown at plan time", Severity: SeverityError,
		Description: "A policy document, or the role it reaches, is unknown until apply and could grant DynamoDB data access to a node role.",
		Remediation: "Make the value known at plan time (use literal names or data sources), or apply the role and policy first, then re-run the check.",
		HelpText:    "The checker fails closed: a grant it cannot see could be a node-role grant.",
	},
}

// Rules returns every rule, ordered by ID.
func Rules() []Rule {
	return append([]Rule(nil), rules...)
}

func ruleByID(id string) Rule {
	for _, r := range rules {
		if r.ID == id {
			return r
		}
	}
	return Rule{ID: id}
}

// roleInfo is a role as the rules see it: from the inventory, or external
// (only referenced by name or ARN).
type roleInfo struct {
	key        string // name when known, else the role's address
	role       *Role  // nil for external roles
	trust      *Policy
	trustExpr  string // non-empty when the trust policy is unknown or invalid
	evidence   []NodeRoleEvidence
	podIDAssoc []string // addresses of Pod Identity associations using the role
	// boundary is the analysed document of the role's permissions
	// boundary; nil when the role has none or it cannot be read (then it
	// limits nothing as far as the rules can tell).
	boundary     *docInfo
	boundaryName string // for messages: "permissions boundary POLICY"
}

func (r *roleInfo) isNodeRole() bool { return len(r.evidence) > 0 }

// evidenceStrings lists the evidence: EC2 trust first (from the role's
// own trust policy), then the facts in inventory order.
func (r *roleInfo) evidenceStrings() []string {
	var out []string
	for _, e := range r.evidence {
		out = append(out, e.String())
	}
	return out
}

func (r *roleInfo) address() string {
	if r.role != nil {
		return r.role.Address
	}
	return ""
}

type docInfo struct {
	policy *Policy
	err    error
	grants []Grant

	shapeOnce sync.Once
	shape     []shapeItem // PI002-PI004 results, computed once per document
}

// shapeItem is one policy-shape finding before it is tied to an address.
type shapeItem struct {
	rule string
	text string // completes "<Policy ADDRESS>: "
}

// reach is a policy document reaching a role.
type reach struct {
	address  string    // the resource the finding points at
	source   string    // "inline policy aws_iam_role_policy.x", "AWS managed policy AmazonDynamoDBFullAccess"...
	awsMgd   bool      // AWS managed policy
	mpAddr   string    // address of the customer managed policy, if any
	role     *roleInfo // nil when the role is unknown
	roleExpr string    // what was unknown about the role
	doc      *docInfo  // nil when the document is unknown
	docExpr  string    // what was unknown about the document
}

type checker struct {
	inv      *Inventory
	disabled map[string]bool
	roles    []*roleInfo
	byAddr   map[string]*roleInfo
	byName   map[string]*roleInfo
	byARN    map[string]*roleInfo
	docs     map[string]*docInfo
	pre      map[string]*docInfo // analysed before Check, see CheckAnalysed
	parsed   map[string]parsedManaged
	reaches  []*reach
	findings []Finding
	mpByAddr map[string]*ManagedPolicy
	mpByARN  map[string]*ManagedPolicy

	pendingUnknownFacts []unknownFact

	workload      map[*roleInfo]bool // see isWorkloadRole
	reachesOf     map[*roleInfo][]*reach
	partition     string // see partitionOf
	partitionDone bool
}

// Check evaluates the rules over an inventory and returns the findings,
// sorted by rule ID, address, role and message. Roles referenced by
// policies, attachments and facts are resolved by address, else by name,
// else by ARN (the name is the ARN's last path segment).
func Check(inv *Inventory, opts CheckOptions) []Finding {
	return CheckAnalysed(inv, opts, nil)
}

// Analyses are policy documents analysed ahead of Check, by JSON text
// (AnalysePolicies): a reader of plans analyses them on the other cores
// while it builds the Inventory.
type Analyses struct {
	docs map[string]*docInfo
}

// AnalysePolicies starts analysing JSON policy documents on GOMAXPROCS
// goroutines, exactly as Check would (ParsePolicy, then AllowedDynamoDB);
// the returned function waits for them. With one core or few documents
// it analyses nothing and Check does the work.
func AnalysePolicies(jsons []string) (wait func() *Analyses) {
	if runtime.GOMAXPROCS(0) < 2 || len(jsons) < 64 {
		return func() *Analyses { return nil }
	}
	var infos []*docInfo
	done := make(chan struct{})
	go func() {
		infos = analyseDocs(jsons)
		close(done)
	}()
	return func() *Analyses {
		<-done
		a := &Analyses{docs: make(map[string]*docInfo, len(jsons))}
		for i, j := range jsons {
			a.docs[j] = infos[i]
		}
		return a
	}
}

// CheckAnalysed is Check with policy documents already analysed
// (AnalysePolicies); a may be nil. The findings are Check's.
func CheckAnalysed(inv *Inventory, opts CheckOptions, a *Analyses) []Finding {
	var pre map[string]*docInfo
	if a != nil {
		pre = a.docs
	}
	if inv == nil {
		return nil
	}
	c := &checker{
		pre:      pre,
		inv:      inv,
		disabled: map[string]bool{},
		byAddr:   map[string]*roleInfo{},
		byName:   map[string]*roleInfo{},
		byARN:    map[string]*roleInfo{},
		docs:     map[string]*docInfo{},
		parsed:   map[string]parsedManaged{},
	}
	for _, id := range opts.DisabledRules {
		c.disabled[strings.ToUpper(strings.TrimSpace(id))] = true
	}
	c.indexRoles()
	c.collectNodeFacts()
	c.collectReaches()
	c.resolveBoundaries()
	c.propagateNodeReach()
	c.checkReaches()
	c.checkRoles()
	c.checkIMDS()
	sort.SliceStable(c.findings, func(i, j int) bool {
		a, b := c.findings[i], c.findings[j]
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		if a.Address != b.Address {
			return a.Address < b.Address
		}
		if a.Role != b.Role {
			return a.Role < b.Role
		}
		return a.Message < b.Message
	})
	return c.findings
}

func (c *checker) add(ruleID, address, role, message string, evidence []string) {
	c.addSeverity(ruleID, "", address, role, message, evidence, "")
}

// addSeverity is add with the severity given (the rule's when empty).
func (c *checker) addSeverity(ruleID, severity, address, role, message string, evidence []string, remediation string) {
	if c.disabled[ruleID] {
		return
	}
	r := ruleByID(ruleID)
	if severity != "" {
		r.Severity = severity
	}
	if remediation == "" {
		remediation = r.Remediation
	}
	c.findings = append(c.findings, Finding{
		Rule: ruleID, Severity: r.Severity, Address: address, Message: message,
		Remediation: remediation, Role: role, Evidence: evidence,
	})
}

// RoleNameFromARN returns the name of the IAM role an ARN names (the last
// segment of its path), or "" when arn is not a role ARN.
func RoleNameFromARN(arn string) string {
	a, err := ParseARN(arn)
	if err != nil || a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") {
		return ""
	}
	res := a.Resource
	return res[strings.LastIndexByte(res, '/')+1:]
}

func (c *checker) indexRoles() {
	for _, r := range c.inv.Roles {
		if r == nil {
			continue
		}
		ri := &roleInfo{role: r, key: r.Address}
		name := ""
		if !r.Name.Unknown && r.Name.Value != "" {
			name = r.Name.Value
		} else if !r.ARN.Unknown && r.ARN.Value != "" {
			name = RoleNameFromARN(r.ARN.Value)
		}
		if name != "" {
			ri.key = name
			if _, dup := c.byName[name]; !dup {
				c.byName[name] = ri
			}
		}
		if !r.ARN.Unknown && r.ARN.Value != "" {
			c.byARN[r.ARN.Value] = ri
		}
		if r.Address != "" {
			c.byAddr[r.Address] = ri
		}
		switch {
		case r.TrustPolicy.Unknown:
			ri.trustExpr = "its trust policy is unknown until apply (" + exprOr(r.TrustPolicy.Expr, r.Address+".assume_role_policy") + ")"
		case r.TrustPolicy.JSON == "":
			// No trust policy in the inventory: nothing to evaluate.
		default:
			p, err := c.parse(r.TrustPolicy.JSON)
			if err != nil {
				ri.trustExpr = "its trust policy could not be parsed: " + err.Error()
			} else {
				ri.trust = p
				ri.evidence = append(ri.evidence, EC2Evidence(p)...)
			}
		}
		c.roles = append(c.roles, ri)
	}
}

func exprOr(expr, fallback string) string {
	if expr != "" {
		return expr
	}
	return fallback
}

// resolve finds the role a reference points at. It returns nil and a
// description of what is unknown when the reference cannot be resolved.
func (c *checker) resolve(ref RoleRef) (*roleInfo, string) {
	if ref.Address != "" {
		if ri, ok := c.byAddr[ref.Address]; ok {
			return ri, ""
		}
	}
	name := ""
	if !ref.Name.Unknown && ref.Name.Value != "" {
		name = ref.Name.Value
	}
	if name == "" && !ref.ARN.Unknown && ref.ARN.Value != "" {
		if ri, ok := c.byARN[ref.ARN.Value]; ok {
			return ri, ""
		}
		name = RoleNameFromARN(ref.ARN.Value)
		if name == "" {
			name = ref.ARN.Value
		}
	}
	if name == "" {
		switch {
		case ref.Name.Unknown:
			return nil, exprOr(ref.Name.Expr, "the role name")
		case ref.ARN.Unknown:
			return nil, exprOr(ref.ARN.Expr, "the role ARN")
		case ref.Address != "":
			return nil, ref.Address
		default:
			return nil, "the role (no name, ARN or address given)"
		}
	}
	if ri, ok := c.byName[name]; ok {
		return ri, ""
	}
	ri := &roleInfo{key: name}
	c.byName[name] = ri
	c.roles = append(c.roles, ri)
	return ri, ""
}

func (c *checker) collectNodeFacts() {
	for _, f := range c.inv.NodeRoleFacts {
		if f == nil {
			continue
		}
		ri, expr := c.resolve(f.Role)
		if ri == nil {
			c.unknownNodeFact(f, expr)
			continue
		}
		ri.evidence = append(ri.evidence, NodeRoleEvidence{Kind: f.Kind, Source: f.Address, Detail: f.Detail})
	}
	for _, a := range c.inv.PodIdentityAssociations {
		if a == nil {
			continue
		}
		if ri, _ := c.resolve(a.Role); ri != nil {
			ri.podIDAssoc = append(ri.podIDAssoc, a.Address)
		}
	}
}

// unknownNodeFact records a node role fact whose role is unknown; it is
// checked after the reaches are known.
func (c *checker) unknownNodeFact(f *NodeRoleFact, expr string) {
	c.pendingUnknownFacts = append(c.pendingUnknownFacts, unknownFact{fact: f, expr: expr})
}

type unknownFact struct {
	fact *NodeRoleFact
	expr string
}

// parse parses a document once per Check call; plans often repeat the same
// trust policy or policy document many times.
func (c *checker) parse(doc string) (*Policy, error) {
	if pp, ok := c.parsed[doc]; ok {
		return pp.policy, pp.err
	}
	if di, ok := c.pre[doc]; ok {
		c.parsed[doc] = parsedManaged{policy: di.policy, err: di.err}
		return di.policy, di.err
	}
	p, err := ParsePolicy(doc)
	c.parsed[doc] = parsedManaged{policy: p, err: err}
	return p, err
}

func (c *checker) doc(d Document) (*docInfo, string) {
	if d.Unknown {
		return nil, "its document is unknown until apply (" + exprOr(d.Expr, "policy document") + ")"
	}
	if di, ok := c.docs[d.JSON]; ok {
		return di, ""
	}
	if di, ok := c.pre[d.JSON]; ok {
		if _, parsed := c.parsed[d.JSON]; !parsed {
			c.parsed[d.JSON] = parsedManaged{policy: di.policy, err: di.err}
		}
		if c.parsed[d.JSON].policy == di.policy {
			c.docs[d.JSON] = di
			return di, ""
		}
	}
	di := &docInfo{}
	di.policy, di.err = c.parse(d.JSON)
	if di.err == nil {
		di.grants = AllowedDynamoDB([]*Policy{di.policy})
	}
	c.docs[d.JSON] = di
	return di, ""
}

// analyseDocs analyses JSON policy documents on GOMAXPROCS goroutines as
// c.doc would (parse, then AllowedDynamoDB).
func analyseDocs(jsons []string) []*docInfo {
	infos := make([]*docInfo, len(jsons))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(jsons) {
					return
				}
				di := &docInfo{}
				di.policy, di.err = ParsePolicy(jsons[i])
				if di.err == nil {
					di.grants = AllowedDynamoDB([]*Policy{di.policy})
				}
				infos[i] = di
			}
		})
	}
	wg.Wait()
	return infos
}

var managedGrantsCache sync.Map // normalised ARN → *docInfo

// prewarmDocs analyses the distinct policy documents of inline and customer
// managed policies on all GOMAXPROCS, so that c.doc finds them cached: a big
// plan has thousands. Each is analysed exactly as c.doc would (parse, then
// AllowedDynamoDB), so the results do not change.
func (c *checker) prewarmDocs() {
	if runtime.GOMAXPROCS(0) < 2 {
		return
	}
	var jsons []string
	seen := map[string]bool{}
	add := func(d Document) {
		if d.Unknown || seen[d.JSON] {
			return
		}
		seen[d.JSON] = true
		if _, ok := c.pre[d.JSON]; ok {
			return
		}
		if _, ok := c.parsed[d.JSON]; !ok {
			jsons = append(jsons, d.JSON)
		}
	}
	for _, ip := range c.inv.InlinePolicies {
		if ip != nil {
			add(ip.Document)
		}
	}
	for _, mp := range c.inv.ManagedPolicies {
		if mp != nil {
			add(mp.Document)
		}
	}
	if len(jsons) < 64 {
		return
	}
	infos := analyseDocs(jsons)
	for i, j := range jsons {
		c.parsed[j] = parsedManaged{policy: infos[i].policy, err: infos[i].err}
		c.docs[j] = infos[i]
	}
}

func (c *checker) collectReaches() {
	c.prewarmDocs()
	for _, ip := range c.inv.InlinePolicies {
		if ip == nil {
			continue
		}
		r := &reach{address: ip.Address, source: "Inline policy " + ip.Address}
		r.role, r.roleExpr = c.resolve(ip.Role)
		r.doc, r.docExpr = c.doc(ip.Document)
		c.reaches = append(c.reaches, r)
	}
	mpByAddr := map[string]*ManagedPolicy{}
	mpByARN := map[string]*ManagedPolicy{}
	c.mpByAddr, c.mpByARN = mpByAddr, mpByARN
	for _, mp := range c.inv.ManagedPolicies {
		if mp == nil {
			continue
		}
		mpByAddr[mp.Address] = mp
		if !mp.ARN.Unknown && mp.ARN.Value != "" {
			mpByARN[mp.ARN.Value] = mp
		}
	}
	for _, at := range c.inv.Attachments {
		if at == nil {
			continue
		}
		r := &reach{address: at.Address}
		r.role, r.roleExpr = c.resolve(at.Role)
		mp := mpByAddr[at.PolicyAddress]
		if mp == nil && !at.PolicyARN.Unknown {
			mp = mpByARN[at.PolicyARN.Value]
		}
		switch {
		case mp != nil:
			r.source = "Customer managed policy " + mp.Address + " (attached by " + at.Address + ")"
			r.mpAddr = mp.Address
			r.doc, r.docExpr = c.doc(mp.Document)
		case at.PolicyARN.Unknown:
			r.source = "The policy attached by " + at.Address
			r.docExpr = "its ARN is unknown until apply (" + exprOr(at.PolicyARN.Expr, at.Address+".policy_arn") + ")"
		case IsAWSManagedPolicyARN(at.PolicyARN.Value):
			arn := at.PolicyARN.Value
			name := arn[strings.LastIndexByte(arn, '/')+1:]
			r.source = "AWS managed policy " + name + " (attached by " + at.Address + ")"
			r.awsMgd = true
			p, found, err := AWSManagedPolicy(arn)
			switch {
			case !found:
				r.docExpr = "policy " + arn + " is not in the embedded catalogue of AWS managed policies"
			case err != nil:
				r.doc = &docInfo{err: err}
			default:
				r.doc = managedGrants(arn, p)
			}
		default:
			r.source = "Policy " + at.PolicyARN.Value + " (attached by " + at.Address + ")"
			r.docExpr = "policy " + at.PolicyARN.Value + " is not defined in this plan, so its document could not be checked"
		}
		c.reaches = append(c.reaches, r)
	}
}

// resolveBoundaries reads the permissions boundary of every role that has
// one: a customer managed policy of the inventory or an AWS managed policy
// from the embedded catalogue. A boundary whose ARN or document is unknown,
// that is not in the plan or that does not parse stays unread: the rules
// then treat the role's identity policies as effective (fail closed).
func (c *checker) resolveBoundaries() {
	for _, ri := range c.roles {
		r := ri.role
		if r == nil || (r.PermissionsBoundary.IsNull() && r.PermissionsBoundaryAddress == "") {
			continue
		}
		mp := c.mpByAddr[r.PermissionsBoundaryAddress]
		if mp == nil && !r.PermissionsBoundary.Unknown {
			mp = c.mpByARN[r.PermissionsBoundary.Value]
		}
		switch {
		case mp != nil:
			if d, _ := c.doc(mp.Document); d != nil && d.err == nil {
				ri.boundary, ri.boundaryName = d, "permissions boundary "+mp.Address
			}
		case !r.PermissionsBoundary.Unknown && IsAWSManagedPolicyARN(r.PermissionsBoundary.Value):
			arn := r.PermissionsBoundary.Value
			if p, found, err := AWSManagedPolicy(arn); found && err == nil {
				ri.boundary, ri.boundaryName = managedGrants(arn, p), "permissions boundary "+arn[strings.LastIndexByte(arn, '/')+1:]
			}
		}
	}
}

// withinBoundary keeps the grants that the permissions boundary's grants
// bg may also allow: the same action on a resource both patterns can
// match. IAM allows a request only when both the identity policies and
// the boundary allow it. A grant kept through a conditional boundary grant
// becomes conditional.
func withinBoundary(gs, bg []Grant) []Grant {
	var out []Grant
	for _, g := range gs {
		kept, cond := false, true
		for _, b := range bg {
			if b.Action != g.Action {
				continue
			}
			if b.NotResource || g.NotResource || resourcePatternsIntersect(b.Resource, g.Resource) {
				kept = true
				cond = cond && b.Conditional
			}
		}
		if kept {
			g.Conditional = g.Conditional || cond
			out = append(out, g)
		}
	}
	return out
}

// managedGrants caches the grant analysis of AWS managed policies across
// calls.
func managedGrants(arn string, p *Policy) *docInfo {
	key, _ := normaliseManagedARN(arn)
	if v, ok := managedGrantsCache.Load(key); ok {
		return v.(*docInfo) //nolint:forcetypeassert // only *docInfo is stored
	}
	di := &docInfo{policy: p, grants: AllowedDynamoDB([]*Policy{p})}
	v, _ := managedGrantsCache.LoadOrStore(key, di)
	return v.(*docInfo) //nolint:forcetypeassert // only *docInfo is stored
}

// hasDataGrant reports whether dataGrants(gs) is not empty.
func hasDataGrant(gs []Grant) bool {
	for i := range gs {
		if gs[i].Class.IsData() {
			return true
		}
	}
	return false
}

func dataGrants(gs []Grant) []Grant {
	n := 0
	for i := range gs {
		if gs[i].Class.IsData() {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]Grant, 0, n)
	for _, g := range gs {
		if g.Class.IsData() {
			out = append(out, g)
		}
	}
	return out
}

// summarizeGrants describes grants as "item-read and item-write actions
// (dynamodb:GetItem, dynamodb:PutItem and 8 more) on `*`".
func summarizeGrants(gs []Grant) string {
	var classes, actions, resources []string
	seenC, seenR := map[ActionClass]bool{}, map[string]bool{}
	classOf := map[string]ActionClass{}
	cond := false
	for _, g := range gs {
		if !seenC[g.Class] {
			seenC[g.Class] = true
			classes = append(classes, string(g.Class))
		}
		if _, ok := classOf[g.Action]; !ok {
			classOf[g.Action] = g.Class
			actions = append(actions, g.Action)
		}
		if !seenR[g.Resource] {
			seenR[g.Resource] = true
			resources = append(resources, "`"+g.Resource+"`")
		}
		cond = cond || g.Conditional
	}
	sort.Slice(classes, func(i, j int) bool { return classRank(ActionClass(classes[i])) < classRank(ActionClass(classes[j])) })
	sort.Slice(actions, func(i, j int) bool {
		if ri, rj := classRank(classOf[actions[i]]), classRank(classOf[actions[j]]); ri != rj {
			return ri < rj
		}
		return actions[i] < actions[j]
	})
	sort.Strings(resources)
	list := actions
	more := ""
	if len(list) > 4 {
		more = fmt.Sprintf(" and %d more", len(list)-4)
		list = list[:4]
	}
	s := fmt.Sprintf("%s actions (%s%s) on %s", joinAnd(classes), strings.Join(list, ", "), more, joinAnd(resources))
	if cond {
		s += " (under conditions that may hold)"
	}
	return s
}

// classRank orders classes for messages: item data first.
func classRank(c ActionClass) int {
	for i, x := range []ActionClass{ClassItemRead, ClassItemWrite, ClassStreamRead, ClassBulkData, ClassPermissions,
		ClassMetadataRead, ClassControlPlane, ClassDestructiveAdmin, ClassAccountLevel} {
		if x == c {
			return i
		}
	}
	return 99
}

func (c *checker) checkReaches() {
	// Policy-level rules (PI002-PI004) run once per document source:
	// per inline policy, per customer managed policy, per AWS managed
	// policy attachment.
	type policyUse struct {
		address string
		label   string
		awsMgd  bool
		doc     *docInfo
		roles   map[string]bool
		// workload: some role the policy reaches (or may reach: a role
		// unknown until apply) is a workload role.
		workload bool
	}
	uses := map[string]*policyUse{}
	var order []string
	denies := c.roleDenies()
	for _, r := range c.reaches {
		addr := r.address
		if r.mpAddr != "" {
			addr = r.mpAddr
		}
		u, ok := uses[addr]
		if !ok {
			label := r.source
			if r.mpAddr != "" {
				label = "Customer managed policy " + r.mpAddr
			}
			u = &policyUse{address: addr, label: label, awsMgd: r.awsMgd, doc: r.doc, roles: map[string]bool{}}
			uses[addr] = u
			order = append(order, addr)
		}
		if r.role != nil {
			u.roles[r.role.key] = true
		}
		if r.role == nil || c.isWorkloadRole(r.role) {
			u.workload = true
		}
		c.checkNodeRoleReach(r, denies)
	}
	// Customer managed policies that are not attached are still checked.
	for _, mp := range c.inv.ManagedPolicies {
		if mp == nil {
			continue
		}
		if _, ok := uses[mp.Address]; ok {
			continue
		}
		d, _ := c.doc(mp.Document)
		uses[mp.Address] = &policyUse{address: mp.Address, label: "Customer managed policy " + mp.Address, doc: d, roles: map[string]bool{}}
		order = append(order, mp.Address)
	}
	for _, addr := range order {
		u := uses[addr]
		if u.doc == nil || u.doc.err != nil {
			continue
		}
		c.checkPolicyShape(u.address, u.label, strings.Join(slices.Sorted(maps.Keys(u.roles)), ", "), u.awsMgd, u.workload, u.doc)
	}
	c.checkUnknownFacts()
}

// roleDenies returns, per role, the unconditional Deny statements of every
// known policy reaching it: IAM evaluates all of a role's policies together,
// so a Deny in one policy removes an Allow in another.
func (c *checker) roleDenies() map[*roleInfo]*Policy {
	out := map[*roleInfo]*Policy{}
	for _, r := range c.reaches {
		if r.role == nil || r.doc == nil || r.doc.err != nil {
			continue
		}
		for _, st := range r.doc.policy.Statements {
			if st.Effect != EffectDeny || st.HasCondition() {
				continue
			}
			p := out[r.role]
			if p == nil {
				p = &Policy{}
				out[r.role] = p
			}
			p.Statements = append(p.Statements, st)
		}
	}
	return out
}

// withoutDenied drops the grants that an unconditional Deny in deny covers.
func withoutDenied(gs []Grant, deny *Policy, partition string) []Grant {
	if deny == nil || len(gs) == 0 {
		return gs
	}
	var out []Grant
	for _, g := range gs {
		denied := false
		for i := range deny.Statements {
			d := &deny.Statements[i]
			if d.MatchesAction(g.Action) && denyCovers(d, g, partition) {
				denied = true
				break
			}
		}
		if !denied {
			out = append(out, g)
		}
	}
	return out
}

func (c *checker) checkNodeRoleReach(r *reach, denies map[*roleInfo]*Policy) {
	// Only a role that is unknown, a node role or whose trust is unknown
	// can be reported here: skip computing the grants for the others (most
	// reaches: pod roles).
	if r.role != nil && !r.role.isNodeRole() && r.role.trustExpr == "" {
		return
	}
	var data []Grant
	if r.doc != nil && r.doc.err == nil {
		data = dataGrants(r.doc.grants)
		if r.role != nil {
			data = withoutDenied(data, denies[r.role], c.partitionOf(r.role))
			if r.role.boundary != nil {
				data = withinBoundary(data, r.role.boundary.grants)
			}
		}
	}
	docUnknown := r.doc == nil || r.doc.err != nil
	if docUnknown && r.role != nil && r.role.boundary != nil && !hasDataGrant(withoutDenied(r.role.boundary.grants, denies[r.role], c.partitionOf(r.role))) {
		// Whatever the unknown document says, the role's permissions
		// boundary allows no DynamoDB data action.
		return
	}
	docWhat := r.docExpr
	if r.doc != nil && r.doc.err != nil {
		docWhat = "its document could not be parsed: " + r.doc.err.Error()
	}
	switch {
	case r.role == nil:
		if docUnknown {
			c.add(RuleUnknownAtPlan, r.address, "", fmt.Sprintf("%s reaches a role that is unknown until apply (%s), and %s. The role could be a node role.", r.source, r.roleExpr, docWhat), nil)
		} else if len(data) > 0 {
			c.add(RuleUnknownAtPlan, r.address, "", fmt.Sprintf("%s grants DynamoDB %s to a role that is unknown until apply (%s). The role could be a node role.", r.source, summarizeGrants(data), r.roleExpr), nil)
		}
	case r.role.isNodeRole():
		if docUnknown {
			c.add(RuleUnknownAtPlan, r.address, r.role.key, fmt.Sprintf("%s reaches node role `%s`, and %s. It could grant DynamoDB data access to every pod on the nodes.", r.source, r.role.key, docWhat), r.role.evidenceStrings())
		} else if len(data) > 0 {
			_, detail := NodeRoleMessage(r.role.key, r.role.evidence)
			within := ""
			if r.role.boundary != nil {
				within = " (its " + r.role.boundaryName + " allows them too)"
			}
			msg := fmt.Sprintf("%s grants DynamoDB %s to role `%s`%s. %s", r.source, summarizeGrants(data), r.role.key, within, firstSentences(detail, 2))
			c.add(RuleNodeRoleDataGrant, r.address, r.role.key, msg, r.role.evidenceStrings())
		}
	case r.role.trustExpr != "" && (docUnknown || len(data) > 0):
		what := "reaches"
		if !docUnknown {
			what = "grants DynamoDB " + summarizeGrants(data) + " to"
		}
		c.add(RuleUnknownAtPlan, r.address, r.role.key, fmt.Sprintf("%s %s role `%s`, but %s, so the role could be a node role.", r.source, what, r.role.key, r.role.trustExpr), nil)
	}
}

// firstSentences returns the first n sentences of s.
func firstSentences(s string, n int) string {
	idx := 0
	for i := 0; i < n; i++ {
		j := strings.Index(s[idx:], ". ")
		if j < 0 {
			return s
		}
		idx += j + 2
	}
	return strings.TrimSpace(s[:idx])
}

// checkPolicyShape reports PI002-PI004 for one policy: at the rules'
// Severity when the policy reaches a workload role, else at their
// SeverityElsewhere.
func (c *checker) checkPolicyShape(address, label, roles string, awsMgd, workload bool, d *docInfo) {
	for _, it := range d.shapeItems() {
		r := ruleByID(it.rule)
		sev := r.Severity
		if !workload && r.SeverityElsewhere != "" {
			sev = r.SeverityElsewhere
		}
		c.addSeverity(it.rule, sev, address, roles, label+": "+it.text, nil, shapeRemediation(awsMgd, r.Remediation))
	}
}

// shapeItems computes the PI002-PI004 results of a document once; AWS
// managed documents are shared by every attachment and every Check call.
func (d *docInfo) shapeItems() []shapeItem {
	d.shapeOnce.Do(func() {
		wildRes := map[int][]Grant{}
		wildAct := map[int]map[string][]Grant{}
		notAR := map[int][]Grant{}
		for _, g := range d.grants {
			// An action that only accepts Resource "*" (ListStreams,
			// UpdateAbacStatus) cannot be narrowed to a table: "*" is
			// not a wildcard choice for it.
			if g.Class.IsData() && g.ResourceWildcard && !g.NotResource && !wildcardResourceOnly(g.Action) {
				wildRes[g.Statement] = append(wildRes[g.Statement], g)
			}
			if g.ActionWildcard && !g.NotAction {
				if wildAct[g.Statement] == nil {
					wildAct[g.Statement] = map[string][]Grant{}
				}
				wildAct[g.Statement][g.ActionPattern] = append(wildAct[g.Statement][g.ActionPattern], g)
			}
			if g.NotAction || g.NotResource {
				notAR[g.Statement] = append(notAR[g.Statement], g)
			}
		}
		label := func(n int) string { return d.policy.Statements[n-1].Label(n) }
		for _, n := range sortedIntKeys(wildRes) {
			d.shape = append(d.shape, shapeItem{RuleWildcardResource, fmt.Sprintf("%s allows DynamoDB %s, which match every table the pattern covers, including tables created later.",
				label(n), summarizeGrants(wildRes[n]))})
		}
		for _, n := range sortedIntKeys(wildAct) {
			for _, pat := range slices.Sorted(maps.Keys(wildAct[n])) {
				d.shape = append(d.shape, shapeItem{RuleWildcardAction, fmt.Sprintf("%s allows action pattern %q, which covers %s.",
					label(n), pat, summarizeGrants(wildAct[n][pat]))})
			}
		}
		for _, n := range sortedIntKeys(notAR) {
			st := d.policy.Statements[n-1]
			what := "NotResource"
			if st.NotAction != nil {
				what = "NotAction"
				if st.NotResource != nil {
					what = "NotAction and NotResource"
				}
			}
			d.shape = append(d.shape, shapeItem{RuleNotActionNotResource, fmt.Sprintf("%s is an Allow with %s, so it grants everything not listed, including DynamoDB %s.",
				label(n), what, summarizeGrants(notAR[n]))})
		}
	})
	return d.shape
}

// wildcardResourceOnly reports whether the catalogue action only accepts
// Resource "*".
func wildcardResourceOnly(action string) bool {
	loadCatalogue()
	i, ok := catalogueByLower[strings.ToLower(action)]
	return ok && dynamodbActions[i].WildcardResourceOnly
}

func shapeRemediation(awsMgd bool, r string) string {
	if awsMgd {
		return "Detach the AWS managed policy and grant only the DynamoDB actions and tables the workload needs (for example with podidentity_least_privilege)."
	}
	return r
}

func sortedIntKeys[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
}

func (c *checker) checkUnknownFacts() {
	for _, uf := range c.pendingUnknownFacts {
		var candidates []string
		seen := map[string]bool{}
		// The roles the plan says the fact's role can only be: their
		// grants count even when they look like Pod Identity roles.
		named := map[*roleInfo]bool{}
		for _, ref := range uf.fact.Candidates {
			if ri, _ := c.resolve(ref); ri != nil {
				named[ri] = true
			}
		}
		for _, r := range c.reaches {
			if r.role == nil || r.role.isNodeRole() || (!named[r.role] && r.role.trust != nil && AdmitsPodIdentity(r.role.trust)) {
				continue
			}
			if r.doc == nil || r.doc.err != nil || hasDataGrant(r.doc.grants) {
				if !seen[r.role.key] {
					seen[r.role.key] = true
					candidates = append(candidates, "`"+r.role.key+"`")
				}
			}
		}
		if len(candidates) == 0 {
			continue
		}
		sort.Strings(candidates)
		c.add(RuleUnknownAtPlan, uf.fact.Address, "", fmt.Sprintf("The role of %s is unknown until apply (%s). It could be %s, which may get DynamoDB data access in this plan, and would then be a node role.",
			uf.fact.Address, uf.expr, joinOr(candidates)), nil)
	}
}

func joinOr(s []string) string {
	if len(s) <= 1 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

func (c *checker) checkRoles() {
	for _, ri := range c.roles {
		podTrust := ri.trust != nil && AdmitsPodIdentity(ri.trust)
		if (podTrust || len(ri.podIDAssoc) > 0) && ri.isNodeRole() {
			addr := ri.address()
			if addr == "" && len(ri.podIDAssoc) > 0 {
				addr = ri.podIDAssoc[0]
			}
			var uses []string
			if podTrust {
				uses = append(uses, "its trust policy admits "+PodIdentityServicePrincipal)
			}
			if len(ri.podIDAssoc) > 0 {
				uses = append(uses, "Pod Identity association "+strings.Join(ri.podIDAssoc, ", ")+" uses it")
			}
			c.add(RuleDualUseRole, addr, ri.key, fmt.Sprintf("Role `%s` is used for EKS Pod Identity (%s), and it is also %s. Every pod on those nodes can use whatever the role may do, not only the pods of the service account.",
				ri.key, joinAnd(uses), strings.TrimPrefix(nodeRolePhrase(ri.evidence), "a node role: it is ")), ri.evidenceStrings())
		}
		if podTrust && !trustHasServiceAccountConditions(ri.trust) {
			c.add(RuleUnscopedTrust, ri.address(), ri.key, fmt.Sprintf("The trust policy of role `%s` lets %s assume it without StringEquals conditions on %s and %s, so any Pod Identity association in the account can give the role to any service account in any cluster.",
				ri.key, PodIdentityServicePrincipal, TagNamespace, TagServiceAccount), nil)
		}
	}
}

func (c *checker) checkIMDS() {
	for _, ng := range c.inv.NodeGroupIMDS {
		if ng == nil || ng.HTTPEndpointDisabled {
			continue
		}
		role := ""
		ri, _ := c.resolve(ng.Role)
		if ri != nil {
			role = ri.key
		}
		where := ng.Address
		lt := "launch template"
		if strings.Contains(ng.LaunchTemplateAddress, "aws_launch_configuration.") || strings.Contains(ng.LaunchTemplateUnknown, "launch configuration") {
			lt = "launch configuration"
		}
		if ng.LaunchTemplateAddress != "" {
			where += " (" + lt + " " + ng.LaunchTemplateAddress + ")"
		}
		var why string
		switch ng.Gap() {
		case IMDSTemplateUnknown:
			why = "its " + lt + " cannot be told at plan time (" + ng.LaunchTemplateUnknown + "), so its hop limit and http_tokens cannot be checked"
		case IMDSHopUnknown:
			why = "http_put_response_hop_limit is unknown until apply"
		case IMDSHopUnset:
			why = "http_put_response_hop_limit is not set (EKS launch templates default to 2)"
		case IMDSHopAbove1:
			why = fmt.Sprintf("http_put_response_hop_limit is %d", *ng.HopLimit)
		case IMDSv1Open:
			why = ng.IMDSv1 + ", and IMDSv1 requests are not bound by the hop limit of " + strconv.Itoa(*ng.HopLimit)
		default:
			continue
		}
		if !ng.SelfManaged {
			c.add(RuleIMDSReachable, ng.Address, role, fmt.Sprintf("Pods on node group %s can reach the instance metadata service and take the node role's credentials: %s.", where, why), nil)
			continue
		}
		switch {
		case ng.LaunchTemplateUnknown != "":
			why = "its " + lt + " cannot be told at plan time (" + ng.LaunchTemplateUnknown + "), so its hop limit, http_tokens, instance profile and tags cannot be checked"
		case !ng.HopLimitUnknown && ng.HopLimit == nil:
			why = "http_put_response_hop_limit is not set (the AMI's default applies: 2 for EKS-optimised AMIs)"
		}
		var evidence []string
		if ng.ClusterTag != "" {
			evidence = append(evidence, "tag "+ng.ClusterTag)
		}
		if ri != nil {
			for _, e := range ri.evidence {
				if selfManagedEKSEvidence(e) {
					evidence = append(evidence, "role `"+ri.key+"` is "+e.String())
				}
			}
		}
		switch {
		case len(evidence) > 0:
			where = ng.Address + " (EKS nodes: " + strings.Join(evidence, "; ")
			if ng.LaunchTemplateAddress != "" {
				where += "; " + lt + " " + ng.LaunchTemplateAddress
			}
			c.add(RuleIMDSReachable, ng.Address, role, fmt.Sprintf("Pods on self-managed node group %s) can reach the instance metadata service and take the node role's credentials: %s.", where, why), nil)
		case ng.LaunchTemplateUnknown != "":
			c.add(RuleIMDSReachable, ng.Address, role, fmt.Sprintf("Autoscaling group %s may be a self-managed EKS node group whose pods reach the instance metadata service and take the node role's credentials: its %s cannot be told at plan time (%s), so neither its metadata options nor whether it runs EKS nodes (its instance profile's role, its tags) can be checked.", ng.Address, lt, ng.LaunchTemplateUnknown), nil)
		case ng.EKSUnknown != "":
			c.add(RuleIMDSReachable, ng.Address, role, fmt.Sprintf("Autoscaling group %s may be a self-managed EKS node group (it cannot be told at plan time: %s); if it is, pods on it can reach the instance metadata service and take the node role's credentials: %s.", where, ng.EKSUnknown, why), nil)
		}
	}
}

// IMDSGap says how a node group's metadata options leave the instance
// metadata service reachable from pods.
type IMDSGap int

const (
	IMDSClosed          IMDSGap = iota // endpoint disabled, or hop limit 1 with IMDSv2 required
	IMDSTemplateUnknown                // the launch template cannot be told at plan time
	IMDSHopUnknown                     // hop limit unknown until apply
	IMDSHopUnset                       // hop limit not set (2 for EKS launch templates)
	IMDSHopAbove1                      // hop limit above 1
	IMDSv1Open                         // hop limit 1, but IMDSv1 left on
)

// Gap classifies ng for PI007 (rule IMDS_REACHABLE); a plan reader uses it
// to choose among the launch templates a node group may use.
func (ng *NodeGroupIMDS) Gap() IMDSGap {
	switch {
	case ng.HTTPEndpointDisabled:
		return IMDSClosed
	case ng.LaunchTemplateUnknown != "":
		return IMDSTemplateUnknown
	case ng.HopLimitUnknown:
		return IMDSHopUnknown
	case ng.HopLimit == nil:
		return IMDSHopUnset
	case *ng.HopLimit > 1:
		return IMDSHopAbove1
	case ng.IMDSv1 != "":
		return IMDSv1Open
	}
	return IMDSClosed
}

// selfManagedEKSEvidence reports whether a node-role fact shows that
// instances with the role join an EKS cluster: an EC2_LINUX or EC2_WINDOWS
// access entry, or the role of a managed node group (EKS gives it an
// access entry). An instance profile alone does not: every autoscaling
// group's instances have one.
func selfManagedEKSEvidence(e NodeRoleEvidence) bool {
	switch e.Kind {
	case NodeRoleOfAccessEntry:
		return e.Detail == "EC2_LINUX" || e.Detail == "EC2_WINDOWS"
	case NodeRoleOfNodeGroup:
		return true
	}
	return false
}
