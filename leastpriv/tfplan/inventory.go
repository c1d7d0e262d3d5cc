package tfplan

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"

	tfjson "github.com/hashicorp/terraform-json"
)

// planNodeAccessEntryTypes are the access entry types that make the principal
// a node role.
var planNodeAccessEntryTypes = map[string]bool{"EC2_LINUX": true, "EC2_WINDOWS": true, "HYBRID_LINUX": true}

// inventory builds the Inventory of a decoded plan.
func (p *planData) inventory() *leastpriv.Inventory {
	r := newPlanResolver(p)
	inv := &leastpriv.Inventory{}
	b := &planInventoryBuilder{r: r, inv: inv}
	for _, res := range r.order {
		if res.Mode == "data" {
			if res.Type == "aws_iam_role" {
				b.addDataRole(res)
			}
			continue
		}
		b.add(res)
	}
	for _, res := range p.changes {
		if res.Actions.Forget() && res.Mode != "data" && res.Values == nil {
			// No values from before the plan: fail closed.
			b.addForgotten(res)
		}
	}
	b.linkRoles()
	return inv
}

// addForgotten adds a grant that the plan forgets (a removed block with
// destroy = false): Terraform stops managing it, but it stays in AWS and
// keeps granting. The plan's changes do not carry its values, so its role
// and policy are unknown and the rules fail closed (PI008).
func (b *planInventoryBuilder) addForgotten(res *planResource) {
	why := "the plan forgets " + res.Address + " (removed block with destroy = false), which stays in AWS; its values are not in the plan's changes"
	role := leastpriv.RoleRef{Name: leastpriv.UnknownValue(why), ARN: leastpriv.UnknownValue(why)}
	doc := leastpriv.Document{Unknown: true, Expr: why}
	switch res.Type {
	case "aws_iam_role_policy", "aws_iam_role":
		b.inv.InlinePolicies = append(b.inv.InlinePolicies, &leastpriv.InlinePolicy{Address: res.Address, Role: role, Document: doc})
	case "aws_iam_role_policy_attachment", "aws_iam_policy_attachment", "aws_iam_role_policy_attachments_exclusive":
		b.inv.Attachments = append(b.inv.Attachments, &leastpriv.Attachment{Address: res.Address, Role: role, PolicyARN: leastpriv.UnknownValue(why)})
	}
}

type planInventoryBuilder struct {
	r       *planResolver
	inv     *leastpriv.Inventory
	idx     *planIndex        // built on first use
	ltCands *planLTCandidates // built on first use
	// managed indexes the role attachments and inline policies that
	// resources of the plan manage, live or deleted (managedElsewhere).
	managed map[string]bool
}

// configSets reports whether the configuration of a resource sets an
// attribute or block (then the resource manages it exclusively).
func (b *planInventoryBuilder) configSets(res *planResource, attr string) bool {
	cr := b.r.configResource(res)
	if cr == nil {
		// No configuration to tell (a plan without it): count the
		// attribute, failing closed.
		return true
	}
	if e := cr.Expressions[attr]; e != nil {
		return true
	}
	_, dyn := cr.Expressions["dynamic"]
	return dyn && attr == "inline_policy"
}

// managedElsewhere reports whether a resource of the plan manages the
// attachment of policy ARN (kind "attachment") or the inline policy named
// name (kind "inline") of role: an aws_iam_role_policy_attachment,
// aws_iam_policy_attachment or aws_iam_role_policy the plan keeps (it
// reports the grant itself) or deletes (the grant goes away), or an
// aws_iam_role_policy_attachments_exclusive the plan keeps (it detaches
// every policy it does not list). A role's computed managed_policy_arns
// and inline_policy, refreshed from AWS, then do not count: they show
// what the plan changes.
func (b *planInventoryBuilder) managedElsewhere(role leastpriv.RoleRef, kind, value string) bool {
	if b.managed == nil {
		b.managed = map[string]bool{}
		for _, res := range b.r.p.changes {
			if res.deleted() && res.Mode != "data" {
				b.indexManaged(res, true)
			}
		}
		for _, res := range b.r.order {
			if res.Mode != "data" {
				b.indexManaged(res, false)
			}
			if res.Before != nil {
				// Replaced: what it attached before goes away too.
				before := *res
				before.Values = res.Before
				b.indexManaged(&before, true)
			}
		}
	}
	keys := []string{role.Address}
	if !role.Name.Unknown && role.Name.Value != "" {
		keys = append(keys, role.Name.Value)
	}
	for _, k := range keys {
		if k != "" && (b.managed[kind+"|"+k+"|"+value] || (kind == "attachment" && b.managed["exclusive|"+k])) {
			return true
		}
	}
	return false
}

// indexManaged records what one attachment or inline policy resource
// manages, under the role's address and name.
func (b *planInventoryBuilder) indexManaged(res *planResource, deleted bool) {
	roleKeys := func(path []any) []string {
		var keys []string
		if v, ok := planLookup(res.Values, path).(string); ok && v != "" {
			if n := leastpriv.RoleNameFromARN(v); n != "" {
				v = n
			}
			keys = append(keys, v)
		}
		if !deleted {
			ref := b.roleRef(res, path)
			keys = append(keys, ref.Address)
			if !ref.Name.Unknown {
				keys = append(keys, ref.Name.Value)
			}
		}
		return keys
	}
	str := func(attr string) string {
		v, _ := res.Values[attr].(string)
		if v == "" && !deleted {
			v = b.policyARN(res, []any{attr}).val.Value
		}
		return v
	}
	mark := func(kind string, roles []string, value string) {
		for _, r := range roles {
			if r != "" && value != "" {
				b.managed[kind+"|"+r+"|"+value] = true
			}
		}
	}
	switch res.Type {
	case "aws_iam_role_policy_attachment":
		mark("attachment", roleKeys([]any{"role"}), str("policy_arn"))
	case "aws_iam_policy_attachment":
		roles, _ := res.Values["roles"].([]any)
		for i := range roles {
			mark("attachment", roleKeys([]any{"roles", i}), str("policy_arn"))
		}
	case "aws_iam_role_policy":
		name, _ := res.Values["name"].(string)
		if name == "" && !deleted {
			name = b.str(res, "name").Value
		}
		mark("inline", roleKeys([]any{"role"}), name)
	case "aws_iam_role_policy_attachments_exclusive":
		if !deleted {
			for _, r := range roleKeys([]any{"role_name"}) {
				if r != "" {
					b.managed["exclusive|"+r] = true
				}
			}
		}
	}
}

func (b *planInventoryBuilder) add(res *planResource) {
	a := res.Address
	switch res.Type {
	case "aws_iam_role":
		b.addRole(res)
	case "aws_iam_role_policy":
		b.inv.InlinePolicies = append(b.inv.InlinePolicies, &leastpriv.InlinePolicy{
			Address: a, Role: b.roleRef(res, []any{"role"}), Document: b.document(res, []any{"policy"}),
		})
	case "aws_iam_role_policy_attachment":
		pol := b.policyARN(res, []any{"policy_arn"})
		b.inv.Attachments = append(b.inv.Attachments, &leastpriv.Attachment{
			Address: a, Role: b.roleRef(res, []any{"role"}), PolicyARN: pol.val, PolicyAddress: pol.addr,
		})
	case "aws_iam_role_policy_attachments_exclusive":
		role := b.roleRef(res, []any{"role_name"})
		for _, pol := range b.policyARNs(res, "policy_arns") {
			b.inv.Attachments = append(b.inv.Attachments, &leastpriv.Attachment{Address: a, Role: role, PolicyARN: pol.val, PolicyAddress: pol.addr})
		}
	case "aws_iam_policy_attachment":
		pol := b.policyARN(res, []any{"policy_arn"})
		for _, role := range b.roleRefs(res, "roles") {
			b.inv.Attachments = append(b.inv.Attachments, &leastpriv.Attachment{Address: a, Role: role, PolicyARN: pol.val, PolicyAddress: pol.addr})
		}
	case "aws_iam_policy":
		b.inv.ManagedPolicies = append(b.inv.ManagedPolicies, &leastpriv.ManagedPolicy{
			Address: a, Name: b.str(res, "name"), ARN: b.str(res, "arn"), Document: b.document(res, []any{"policy"}),
		})
	case "aws_eks_node_group":
		role := b.addNodeRoleFact(res, leastpriv.NodeRoleOfNodeGroup, []any{"node_role_arn"}, planDescribeNodeGroup(b.str(res, "cluster_name"), b.str(res, "node_group_name")))
		b.inv.NodeGroupIMDS = append(b.inv.NodeGroupIMDS, b.imds(res, role))
	case "aws_autoscaling_group":
		b.addAutoscalingGroup(res)
	case "aws_eks_cluster":
		if planListLen(res, "compute_config") == 0 {
			return
		}
		path := []any{"compute_config", 0, "node_role_arn"}
		v := b.r.attr(res, path, 0)
		if v.val.IsNull() && v.addr == "" {
			return
		}
		b.addNodeRoleFact(res, leastpriv.NodeRoleOfAutoMode, path, planDescribeCluster(b.str(res, "name")))
	case "aws_iam_instance_profile":
		v := b.r.attr(res, []any{"role"}, 0)
		if v.val.IsNull() && v.addr == "" {
			return
		}
		b.addNodeRoleFact(res, leastpriv.NodeRoleInInstanceProfile, []any{"role"}, "")
	case "aws_eks_access_entry":
		typ := b.str(res, "type")
		if typ.Unknown || !planNodeAccessEntryTypes[typ.Value] {
			return
		}
		b.addNodeRoleFact(res, leastpriv.NodeRoleOfAccessEntry, []any{"principal_arn"}, typ.Value)
	case "aws_eks_fargate_profile":
		b.addNodeRoleFact(res, leastpriv.NodeRoleOfFargateProfile, []any{"pod_execution_role_arn"}, planDescribeCluster(b.str(res, "cluster_name")))
	case "aws_eks_pod_identity_association":
		b.inv.PodIdentityAssociations = append(b.inv.PodIdentityAssociations, &leastpriv.PodIdentityAssociation{
			Address: a, ClusterName: b.str(res, "cluster_name"), Namespace: b.str(res, "namespace"),
			ServiceAccount: b.str(res, "service_account"), Role: b.roleRef(res, []any{"role_arn"}),
		})
	case "podidentity_least_privilege":
		b.addLeastPrivilege(res)
	}
}

// addRole adds an aws_iam_role with the inline policies and managed policy
// ARNs it lists itself (those another resource manages exclusively are
// left to that resource).
func (b *planInventoryBuilder) addRole(res *planResource) {
	a := res.Address
	self := b.selfRoleRef(res)
	b.inv.Roles = append(b.inv.Roles, b.role(res, self))
	inlineSet, arnsSet := b.configSets(res, "inline_policy"), b.configSets(res, "managed_policy_arns")
	for i := range planListLen(res, "inline_policy") {
		doc := b.document(res, []any{"inline_policy", i, "policy"})
		if doc.JSON == "" && !doc.Unknown {
			continue
		}
		if name := b.r.attr(res, []any{"inline_policy", i, "name"}, 0).val; !inlineSet && !name.Unknown && b.managedElsewhere(self, "inline", name.Value) {
			continue
		}
		b.inv.InlinePolicies = append(b.inv.InlinePolicies, &leastpriv.InlinePolicy{Address: a, Role: self, Document: doc})
	}
	for _, pol := range b.policyARNs(res, "managed_policy_arns") {
		if !arnsSet && !pol.val.Unknown && b.managedElsewhere(self, "attachment", pol.val.Value) {
			continue
		}
		b.inv.Attachments = append(b.inv.Attachments, &leastpriv.Attachment{Address: a, Role: self, PolicyARN: pol.val, PolicyAddress: pol.addr})
	}
}

// addNodeRoleFact records that the role at path of res is a node role of
// the given kind, with the roles an unknown reference can only be, and
// returns the role.
func (b *planInventoryBuilder) addNodeRoleFact(res *planResource, kind leastpriv.NodeRoleKind, path []any, detail string) leastpriv.RoleRef {
	role := b.roleRef(res, path)
	cands := b.roleCandidates(res, path, &role)
	b.inv.NodeRoleFacts = append(b.inv.NodeRoleFacts, &leastpriv.NodeRoleFact{
		Kind: kind, Address: res.Address, Role: role, Detail: detail, Candidates: cands,
	})
	return role
}

// addDataRole adds an existing role that the plan looks up with
// data.aws_iam_role: policies attached to it by name or ARN reach it, and its
// trust policy (read during plan) tells whether it is a node role. A lookup
// deferred to apply leaves the trust policy unknown, and the rules fail
// closed on grants that reach it.
func (b *planInventoryBuilder) addDataRole(res *planResource) {
	b.inv.Roles = append(b.inv.Roles, b.role(res, b.selfRoleRef(res)))
}

// role reads an aws_iam_role resource or data source: its trust policy and
// permissions boundary.
func (b *planInventoryBuilder) role(res *planResource, self leastpriv.RoleRef) *leastpriv.Role {
	boundary := b.policyARN(res, []any{"permissions_boundary"})
	role := &leastpriv.Role{
		Address: res.Address, Name: self.Name, ARN: self.ARN, TrustPolicy: b.document(res, []any{"assume_role_policy"}),
		PermissionsBoundary: boundary.val, PermissionsBoundaryAddress: boundary.addr,
	}
	if role.TrustPolicy.Unknown || strings.Contains(role.TrustPolicy.JSON, "${") {
		// Unknown, or rendered with values unknown until apply written
		// as ${...} (a principal from a module output).
		role.TrustReferences = b.trustReferences(res, []any{"assume_role_policy"})
	}
	return role
}

// trustReferences lists the roles that the configuration of an unknown
// trust policy refers to: directly (jsonencode with AWS =
// aws_iam_role.node.arn, through module variables and outputs) or through
// the principals of an aws_iam_policy_document data source.
func (b *planInventoryBuilder) trustReferences(res *planResource, path []any) []leastpriv.RoleRef {
	var out []leastpriv.RoleRef
	seen := map[string]bool{}
	var walk func(res *planResource, e *tfjson.Expression, depth int)
	walkAll := func(res *planResource, exprs map[string]*tfjson.Expression, depth int) {
		for _, k := range slices.Sorted(maps.Keys(exprs)) {
			walk(res, exprs[k], depth)
		}
	}
	walk = func(res *planResource, e *tfjson.Expression, depth int) {
		if e == nil || e.ExpressionData == nil || depth > 4 {
			return
		}
		for _, nb := range e.NestedBlocks {
			walkAll(res, nb, depth)
		}
		for _, v := range b.r.exprAll(b.r.scopeOf(res), e, 1) {
			if v.addr == "" || seen[v.addr] {
				continue
			}
			seen[v.addr] = true
			target := b.r.byAddr[v.addr]
			if target == nil {
				continue
			}
			switch {
			case target.Type == "aws_iam_role":
				out = append(out, b.roleRefFrom(v))
			case target.Mode == "data" && target.Type == "aws_iam_policy_document":
				if cr := b.r.configResource(target); cr != nil {
					walkAll(target, cr.Expressions, depth+1)
				}
			}
		}
	}
	walk(res, b.r.configExpr(res, path), 0)
	return out
}

// addLeastPrivilege adds this provider's resource: a role it creates (or
// an existing role it puts its inline policy on) and the association.
func (b *planInventoryBuilder) addLeastPrivilege(res *planResource) {
	a := res.Address
	var role leastpriv.RoleRef
	existing := b.r.attr(res, []any{"existing_role_name"}, 0)
	if existing.val.IsNull() && existing.addr == "" {
		role = b.selfRoleRef(res)
		b.inv.Roles = append(b.inv.Roles, &leastpriv.Role{Address: a, Name: role.Name, ARN: role.ARN, TrustPolicy: b.document(res, []any{"trust_policy_json"})})
	} else {
		role = b.roleRef(res, []any{"existing_role_name"})
	}
	doc := b.document(res, []any{"policy_json"})
	if doc.JSON != "" || doc.Unknown {
		b.inv.InlinePolicies = append(b.inv.InlinePolicies, &leastpriv.InlinePolicy{Address: a, Role: role, Document: doc})
	}
	b.inv.PodIdentityAssociations = append(b.inv.PodIdentityAssociations, &leastpriv.PodIdentityAssociation{
		Address: a, ClusterName: b.str(res, "cluster_name"), Namespace: b.str(res, "namespace"),
		ServiceAccount: b.str(res, "service_account"), Role: role,
	})
}

func planDescribeNodeGroup(cluster, name leastpriv.Value) string {
	var parts []string
	if name.Value != "" {
		parts = append(parts, "node group "+name.Value)
	}
	if cluster.Value != "" {
		parts = append(parts, "cluster "+cluster.Value)
	}
	return strings.Join(parts, " in ")
}

func planDescribeCluster(cluster leastpriv.Value) string {
	if cluster.Value == "" {
		return ""
	}
	return "cluster " + cluster.Value
}

// str evaluates a top-level string attribute.
func (b *planInventoryBuilder) str(res *planResource, name string) leastpriv.Value {
	return b.r.attr(res, []any{name}, 0).val
}

func planListLen(res *planResource, name string) int {
	l, _ := res.Values[name].([]any)
	if n := len(l); n > 0 {
		return n
	}
	if u, ok := res.Unknown[name].([]any); ok {
		return len(u)
	}
	return 0
}

// selfRoleRef is the RoleRef of a role resource (aws_iam_role or a role
// created by podidentity_least_privilege).
func (b *planInventoryBuilder) selfRoleRef(res *planResource) leastpriv.RoleRef {
	nameAttr, arnAttr := "name", "arn"
	if res.Type == "podidentity_least_privilege" {
		nameAttr, arnAttr = "role_name", "role_arn"
	}
	ref := leastpriv.RoleRef{Address: res.Address, Name: b.str(res, nameAttr), ARN: b.str(res, arnAttr)}
	if ref.Name.Unknown && !ref.ARN.Unknown {
		ref.Name = planRoleNameFromARN(ref.ARN)
	}
	return ref
}

// roleRef evaluates an attribute that names a role by name or ARN.
func (b *planInventoryBuilder) roleRef(res *planResource, path []any) leastpriv.RoleRef {
	return b.roleRefFrom(b.r.attr(res, path, 0))
}

func (b *planInventoryBuilder) roleRefFrom(v planValue) leastpriv.RoleRef {
	if v.addr != "" {
		if target := b.r.byAddr[v.addr]; target != nil {
			switch target.Type {
			case "aws_iam_role", "podidentity_least_privilege":
				return b.selfRoleRef(target)
			case "aws_iam_instance_profile":
				// A profile's role: follow it.
				return b.roleRef(target, []any{"role"})
			}
		}
	}
	ref := leastpriv.RoleRef{}
	if v.val.Unknown {
		ref.ARN = v.val
		ref.Name = v.val
		return ref
	}
	if strings.HasPrefix(v.val.Value, "arn:") {
		ref.ARN = v.val
		ref.Name = planRoleNameFromARN(v.val)
	} else {
		ref.Name = v.val
	}
	return ref
}

// planRoleNameFromARN returns the role name of a role ARN (the last path
// element).
func planRoleNameFromARN(arn leastpriv.Value) leastpriv.Value {
	if arn.Unknown || !strings.HasPrefix(arn.Value, "arn:") {
		return arn
	}
	_, res, ok := strings.Cut(arn.Value, ":role/")
	if !ok {
		return leastpriv.Value{}
	}
	if i := strings.LastIndexByte(res, '/'); i >= 0 {
		res = res[i+1:]
	}
	return leastpriv.Known(res)
}

// roleRefs evaluates a set of role names (aws_iam_policy_attachment.roles).
func (b *planInventoryBuilder) roleRefs(res *planResource, name string) []leastpriv.RoleRef {
	var refs []leastpriv.RoleRef
	for _, v := range b.list(res, name) {
		refs = append(refs, b.roleRefFrom(v))
	}
	return refs
}

// policyARN evaluates a policy ARN attribute, with the aws_iam_policy it
// refers to when known.
func (b *planInventoryBuilder) policyARN(res *planResource, path []any) planValue {
	v := b.r.attr(res, path, 0)
	if v.typ != "aws_iam_policy" {
		v.addr = ""
	}
	return v
}

func (b *planInventoryBuilder) policyARNs(res *planResource, name string) []planValue {
	out := b.list(res, name)
	for i := range out {
		if out[i].typ != "aws_iam_policy" {
			out[i].addr = ""
		}
	}
	return out
}

// list evaluates a list or set of strings: the known elements, and for
// unknown elements the references of the configuration expression.
func (b *planInventoryBuilder) list(res *planResource, name string) []planValue {
	var out []planValue
	seen := map[string]bool{}
	vals, _ := res.Values[name].([]any)
	anyUnknown := planUnknownAt(res.Unknown, []any{name})
	for i, v := range vals {
		if planUnknownAt(res.Unknown, []any{name, i}) {
			anyUnknown = true
			continue
		}
		if s, ok := v.(string); ok && s != "" {
			out = append(out, planValue{val: leastpriv.Known(s)})
			seen[s] = true
		}
	}
	if !anyUnknown {
		return out
	}
	e := b.r.configExpr(res, []any{name})
	if e == nil || e.ExpressionData == nil {
		// Optional and computed, and not set in the configuration
		// (managed_policy_arns of a new role): nothing is attached.
		return out
	}
	if len(e.References) == 0 {
		return append(out, planValue{val: leastpriv.UnknownValue(res.Address + "." + name)})
	}
	found := false
	for _, v := range b.r.exprAll(b.r.scopeOf(res), e, 1) {
		if v.addr == "" {
			continue
		}
		key := v.addr
		if !v.val.Unknown {
			key = v.val.Value
		}
		if seen[key] || seen[v.addr] {
			seen[v.addr] = true
			found = true
			continue
		}
		seen[key], seen[v.addr] = true, true
		out = append(out, v)
		found = true
	}
	if !found {
		out = append(out, planValue{val: leastpriv.UnknownValue(planDescribeRef(res.ModuleAddress, e.References[0]))})
	}
	return out
}

// imds describes how a node group's launch template exposes IMDS.
func (b *planInventoryBuilder) imds(res *planResource, role leastpriv.RoleRef) *leastpriv.NodeGroupIMDS {
	out := &leastpriv.NodeGroupIMDS{Address: res.Address, Role: role}
	if planListLen(res, "launch_template") == 0 {
		return out
	}
	lt, unknown := b.launchTemplate(res, []any{"launch_template", 0}, "id", "name")
	if lt == nil {
		if unknown != "" {
			b.unknownLaunchTemplate(out, unknown)
		}
		return out
	}
	b.fillIMDS(out, lt)
	return out
}

// launchTemplate finds the launch template a launch template specification
// (the block at path, naming the template by idAttr or nameAttr) refers
// to. When it cannot, unknown says why if the reason is that both are
// unknown until apply (id = local.launch_template_id in
// terraform-aws-modules/eks): the template, and so its metadata options,
// cannot be told at plan time.
func (b *planInventoryBuilder) launchTemplate(res *planResource, path []any, idAttr, nameAttr string) (lt *planResource, unknown string) {
	var unknowns []string
	for _, attr := range []string{idAttr, nameAttr} {
		v := b.r.attr(res, planAppend(path, attr), 0)
		if v.val.Unknown && v.addr == "" {
			unknowns = append(unknowns, attr)
		}
		if v.addr != "" {
			if t := b.r.byAddr[v.addr]; t != nil && t.Type == "aws_launch_template" {
				return t, ""
			}
		}
		if !v.val.Unknown && v.val.Value != "" {
			if t := b.findLaunchTemplate(attr == idAttr, v.val.Value); t != nil {
				return t, ""
			}
		}
	}
	if len(unknowns) == 2 {
		return nil, "the " + idAttr + " and " + nameAttr + " of " + planPathString(path)[1:] + " are unknown until apply"
	}
	return nil, ""
}

// unknownLaunchTemplate handles a launch template that cannot be told at
// plan time (its id and name are unknown until apply, for example id =
// local.launch_template_id in terraform-aws-modules/eks: locals are not in
// the plan). An id unknown until apply comes from a resource the plan
// creates or replaces, and launch template ids come from aws_launch_template
// resources: the template is one of the plan's templates whose id is
// unknown. When there are such templates and every one keeps IMDS from pods
// (hop limit 1 with IMDSv2 required, or the endpoint disabled), so does
// the node group's, and out says so (LaunchTemplateCandidates) and it
// returns true. Otherwise (one of them leaves IMDS reachable, or a
// data.aws_launch_template is read during apply) it fails closed:
// LaunchTemplateUnknown says why, naming the templates that leave IMDS
// reachable.
func (b *planInventoryBuilder) unknownLaunchTemplate(out *leastpriv.NodeGroupIMDS, unknown string) bool {
	cands, conclusive := b.createdLaunchTemplates()
	if !conclusive || len(cands) == 0 {
		out.LaunchTemplateUnknown = unknown
		return false
	}
	var unsafe, addrs []string
	hop, disabled := 0, true
	for _, lt := range cands {
		var ng leastpriv.NodeGroupIMDS
		b.fillIMDS(&ng, lt)
		addrs = append(addrs, lt.Address)
		if ng.HTTPEndpointDisabled {
			continue
		}
		disabled = false
		switch ng.Gap() {
		case leastpriv.IMDSHopUnknown:
			unsafe = append(unsafe, lt.Address+" (hop limit unknown until apply)")
		case leastpriv.IMDSHopUnset:
			unsafe = append(unsafe, lt.Address+" (hop limit not set)")
		case leastpriv.IMDSHopAbove1:
			unsafe = append(unsafe, fmt.Sprintf("%s (hop limit %d)", lt.Address, *ng.HopLimit))
		case leastpriv.IMDSv1Open:
			unsafe = append(unsafe, lt.Address+" ("+ng.IMDSv1+")")
		default:
			hop = max(hop, *ng.HopLimit)
		}
	}
	if len(unsafe) > 0 {
		out.LaunchTemplateUnknown = unknown + "; of the launch templates this plan creates, which it must be one of, " + strings.Join(unsafe, ", ") + " leave IMDS reachable"
		return false
	}
	out.LaunchTemplateCandidates = addrs
	out.HTTPEndpointDisabled = disabled
	if !disabled {
		out.HopLimit = &hop
	}
	return true
}

// createdLaunchTemplates returns the launch templates of the plan whose id
// is unknown until apply (created or replaced), in plan order. conclusive
// is false when a data.aws_launch_template is read during apply: an id
// unknown at plan may then come from it.
func (b *planInventoryBuilder) createdLaunchTemplates() (cands []*planResource, conclusive bool) {
	if b.ltCands == nil {
		b.ltCands = &planLTCandidates{conclusive: true}
		for _, res := range b.r.order {
			if res.Type != "aws_launch_template" || !planUnknownAt(res.Unknown, []any{"id"}) {
				continue
			}
			if res.Mode == "data" {
				b.ltCands.conclusive = false
				continue
			}
			b.ltCands.list = append(b.ltCands.list, res)
		}
	}
	return b.ltCands.list, b.ltCands.conclusive
}

type planLTCandidates struct {
	list       []*planResource
	conclusive bool
}

// planAppend returns path with elems appended, in a new slice.
func planAppend(path []any, elems ...any) []any {
	return append(append(make([]any, 0, len(path)+len(elems)), path...), elems...)
}

// fillIMDS fills in the metadata options of launch template lt.
func (b *planInventoryBuilder) fillIMDS(out *leastpriv.NodeGroupIMDS, lt *planResource) {
	out.LaunchTemplateAddress = lt.Address
	if planListLen(lt, "metadata_options") == 0 {
		return
	}
	hop := []any{"metadata_options", 0, "http_put_response_hop_limit"}
	switch {
	case !planUnknownAt(lt.Unknown, hop):
		if n, ok := planLookup(lt.Values, hop).(float64); ok {
			h := int(n)
			out.HopLimit = &h
		}
	case b.r.configExpr(lt, hop) == nil:
		// Optional and computed, and not set in the configuration: unset
		// (AWS's default applies).
	default:
		// Set from something unknown until apply.
		out.HopLimitUnknown = true
	}
	ep := b.r.attr(lt, []any{"metadata_options", 0, "http_endpoint"}, 0).val
	out.HTTPEndpointDisabled = !ep.Unknown && ep.Value == "disabled"
	out.IMDSv1 = b.imdsV1(lt)
}

// planClusterTagPrefix starts the key of the tag that marks EC2 instances
// (and their autoscaling groups) as nodes of an EKS cluster.
const planClusterTagPrefix = "kubernetes.io/cluster/"

// addAutoscalingGroup adds the IMDS settings of an autoscaling group's
// launch template (launch_template, or mixed_instances_policy with the
// template of each override that names its own), as a possible
// self-managed EKS node group: the rules decide whether it runs EKS nodes
// from ClusterTag, EKSUnknown and the node-role facts of Role.
func (b *planInventoryBuilder) addAutoscalingGroup(res *planResource) {
	type spec struct {
		path         []any
		idAttr, name string
	}
	var specs []spec
	if planListLen(res, "launch_template") > 0 {
		specs = append(specs, spec{[]any{"launch_template", 0}, "id", "name"})
	} else if planListLen(res, "mixed_instances_policy") > 0 {
		base := []any{"mixed_instances_policy", 0, "launch_template", 0}
		specs = append(specs, spec{planAppend(base, "launch_template_specification", 0), "launch_template_id", "launch_template_name"})
		overrides, _ := planLookup(res.Values, planAppend(base, "override")).([]any)
		for i := range overrides {
			p := planAppend(base, "override", i, "launch_template_specification")
			if l, _ := planLookup(res.Values, p).([]any); len(l) > 0 || planUnknownAt(res.Unknown, planAppend(p, 0)) {
				specs = append(specs, spec{planAppend(p, 0), "launch_template_id", "launch_template_name"})
			}
		}
	}
	asgTag, asgUnknown := b.asgClusterTag(res)
	if len(specs) == 0 {
		b.addLaunchConfigurationGroup(res, asgTag, asgUnknown)
		return
	}
	seen := map[string]bool{}
	for _, sp := range specs {
		out := &leastpriv.NodeGroupIMDS{Address: res.Address, SelfManaged: true, ClusterTag: asgTag}
		var why []string
		if asgUnknown != "" {
			why = append(why, asgUnknown)
		}
		lt, unknown := b.launchTemplate(res, sp.path, sp.idAttr, sp.name)
		switch {
		case lt != nil:
			if seen[lt.Address] {
				continue
			}
			seen[lt.Address] = true
			b.fillIMDS(out, lt)
			if out.ClusterTag == "" {
				tag, u := b.launchTemplateClusterTag(lt)
				out.ClusterTag = tag
				if u != "" {
					why = append(why, u)
				}
			}
			role, u := b.instanceProfileRole(lt)
			out.Role = role
			if u != "" {
				why = append(why, u)
			}
		case unknown != "":
			if b.unknownLaunchTemplate(out, unknown) {
				// Whichever template it is keeps IMDS from pods.
				b.inv.NodeGroupIMDS = append(b.inv.NodeGroupIMDS, out)
				continue
			}
		default:
			// A template named by a literal id or name that is not in the
			// plan: its settings cannot be read.
			out.LaunchTemplateUnknown = "the launch template it names is not in the plan"
		}
		if out.ClusterTag == "" {
			out.EKSUnknown = strings.Join(why, "; ")
		}
		b.inv.NodeGroupIMDS = append(b.inv.NodeGroupIMDS, out)
	}
}

// addLaunchConfigurationGroup adds an autoscaling group that launches its
// instances from a launch configuration (launch_configuration, the older
// self-managed node groups of terraform-aws-modules/eks before v18): the
// same EKS heuristics as for launch templates, with the configuration's
// metadata_options and its iam_instance_profile (a name or an ARN). A
// launch configuration has no tags of its own; only the group's tags count.
func (b *planInventoryBuilder) addLaunchConfigurationGroup(res *planResource, asgTag, asgUnknown string) {
	v := b.r.attr(res, []any{"launch_configuration"}, 0)
	if v.val.IsNull() && v.addr == "" {
		return // no launch template or configuration: nothing to check
	}
	out := &leastpriv.NodeGroupIMDS{Address: res.Address, SelfManaged: true, ClusterTag: asgTag}
	var why []string
	if asgUnknown != "" {
		why = append(why, asgUnknown)
	}
	var lc *planResource
	if v.addr != "" {
		if t := b.r.byAddr[v.addr]; t != nil && t.Type == "aws_launch_configuration" {
			lc = t
		}
	}
	if lc == nil && !v.val.Unknown && v.val.Value != "" {
		lc = b.index().launchConfigurations[v.val.Value]
	}
	switch {
	case lc != nil:
		b.fillIMDS(out, lc)
		role, u := b.launchConfigurationRole(lc)
		out.Role = role
		if u != "" {
			why = append(why, u)
		}
	case v.val.Unknown:
		out.LaunchTemplateUnknown = "its launch configuration is unknown until apply"
	default:
		out.LaunchTemplateUnknown = "the launch configuration it names is not in the plan"
	}
	if out.ClusterTag == "" {
		out.EKSUnknown = strings.Join(why, "; ")
	}
	b.inv.NodeGroupIMDS = append(b.inv.NodeGroupIMDS, out)
}

// launchConfigurationRole returns the role of a launch configuration's
// iam_instance_profile (a profile name or ARN) when the profile is in the
// plan, or why it cannot be told.
func (b *planInventoryBuilder) launchConfigurationRole(lc *planResource) (leastpriv.RoleRef, string) {
	v := b.r.attr(lc, []any{"iam_instance_profile"}, 0)
	if v.addr != "" {
		if t := b.r.byAddr[v.addr]; t != nil && t.Type == "aws_iam_instance_profile" {
			return b.roleRef(t, []any{"role"}), ""
		}
	}
	switch {
	case v.val.Unknown && v.addr == "":
		return leastpriv.RoleRef{}, "the instance profile of " + lc.Address + " is unknown until apply"
	case !v.val.Unknown && v.val.Value != "":
		attr := "name"
		if strings.HasPrefix(v.val.Value, "arn:") {
			attr = "arn"
		}
		if t := b.findInstanceProfile(attr, v.val.Value); t != nil {
			return b.roleRef(t, []any{"role"}), ""
		}
	}
	return leastpriv.RoleRef{}, ""
}

// asgClusterTag returns the first kubernetes.io/cluster/ key among the tag
// blocks of an autoscaling group, or why the keys cannot be known.
func (b *planInventoryBuilder) asgClusterTag(res *planResource) (key, unknown string) {
	if planUnknownAt(res.Unknown, []any{"tag"}) {
		return "", "the tags of " + res.Address + " are unknown until apply"
	}
	tags, _ := res.Values["tag"].([]any)
	for i, t := range tags {
		if planUnknownAt(res.Unknown, []any{"tag", i, "key"}) {
			unknown = "a tag key of " + res.Address + " is unknown until apply"
			continue
		}
		m, _ := t.(map[string]any)
		if k, _ := m["key"].(string); strings.HasPrefix(k, planClusterTagPrefix) {
			return k, ""
		}
	}
	return "", unknown
}

// launchTemplateClusterTag returns the first kubernetes.io/cluster/ key
// among a launch template's tags and tag_specifications, or why the keys
// cannot be known.
func (b *planInventoryBuilder) launchTemplateClusterTag(lt *planResource) (key, unknown string) {
	check := func(path []any) string {
		if planUnknownAt(lt.Unknown, path) {
			unknown = "the " + planPathString(path)[1:] + " of " + lt.Address + " are unknown until apply"
			return ""
		}
		m, _ := planLookup(lt.Values, path).(map[string]any)
		keys := make([]string, 0, len(m))
		for k := range m {
			if strings.HasPrefix(k, planClusterTagPrefix) {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		if len(keys) > 0 {
			return keys[0]
		}
		return ""
	}
	if k := check([]any{"tags"}); k != "" {
		return k, ""
	}
	if planUnknownAt(lt.Unknown, []any{"tag_specifications"}) {
		return "", "the tag_specifications of " + lt.Address + " are unknown until apply"
	}
	specs, _ := lt.Values["tag_specifications"].([]any)
	for i := range specs {
		if k := check([]any{"tag_specifications", i, "tags"}); k != "" {
			return k, ""
		}
	}
	return "", unknown
}

// instanceProfileRole returns the role of a launch template's instance
// profile (iam_instance_profile { arn or name }) when the profile is in the
// plan, or why it cannot be told. A profile that is not in the plan, or no
// profile, gives an empty RoleRef: no node-role fact can be found for it.
func (b *planInventoryBuilder) instanceProfileRole(lt *planResource) (leastpriv.RoleRef, string) {
	if planListLen(lt, "iam_instance_profile") == 0 {
		return leastpriv.RoleRef{}, ""
	}
	unknowns := 0
	for _, attr := range []string{"arn", "name"} {
		v := b.r.attr(lt, []any{"iam_instance_profile", 0, attr}, 0)
		if v.addr != "" {
			if t := b.r.byAddr[v.addr]; t != nil && t.Type == "aws_iam_instance_profile" {
				return b.roleRef(t, []any{"role"}), ""
			}
		}
		switch {
		case v.val.Unknown && v.addr == "":
			unknowns++
		case !v.val.Unknown && v.val.Value != "":
			if t := b.findInstanceProfile(attr, v.val.Value); t != nil {
				return b.roleRef(t, []any{"role"}), ""
			}
		}
	}
	if unknowns == 2 {
		return leastpriv.RoleRef{}, "the instance profile of " + lt.Address + " is unknown until apply"
	}
	return leastpriv.RoleRef{}, ""
}

// planIndex is built once per inventory: launch templates and instance
// profiles by their known id, name and ARN.
type planIndex struct {
	launchTemplates  map[[2]string]*planResource // {"id"|"name", value}
	instanceProfiles map[[2]string]*planResource // {"arn"|"name", value}
	// launchConfigurations by name (a launch configuration's id is its
	// name).
	launchConfigurations map[string]*planResource
}

func (b *planInventoryBuilder) index() *planIndex {
	if b.idx != nil {
		return b.idx
	}
	b.idx = &planIndex{launchTemplates: map[[2]string]*planResource{}, instanceProfiles: map[[2]string]*planResource{}, launchConfigurations: map[string]*planResource{}}
	for _, res := range b.r.order {
		if res.Mode == "data" {
			continue
		}
		if res.Type == "aws_launch_configuration" {
			if s, _ := res.Values["name"].(string); s != "" && b.idx.launchConfigurations[s] == nil {
				b.idx.launchConfigurations[s] = res
			}
			continue
		}
		var m map[[2]string]*planResource
		var attrs []string
		switch res.Type {
		case "aws_launch_template":
			m, attrs = b.idx.launchTemplates, []string{"id", "name"}
		case "aws_iam_instance_profile":
			m, attrs = b.idx.instanceProfiles, []string{"arn", "name"}
		default:
			continue
		}
		for _, attr := range attrs {
			if s, _ := res.Values[attr].(string); s != "" {
				if _, dup := m[[2]string{attr, s}]; !dup {
					m[[2]string{attr, s}] = res // the first, as a linear scan would
				}
			}
		}
	}
	return b.idx
}

// imdsV1 tells why a launch template with metadata_options leaves IMDSv1
// on, or "" when it requires IMDSv2. When http_tokens is not set the
// instance gets the AMI's or the account's default, which the plan does
// not show: optional unless set otherwise, so it counts as on.
func (b *planInventoryBuilder) imdsV1(lt *planResource) string {
	path := []any{"metadata_options", 0, "http_tokens"}
	set := b.r.configExpr(lt, path) != nil
	if planUnknownAt(lt.Unknown, path) {
		if set {
			return "http_tokens is unknown until apply"
		}
		return "http_tokens is not set (IMDSv1 stays on unless the AMI or the account requires IMDSv2)"
	}
	tokens, _ := planLookup(lt.Values, path).(string)
	switch {
	case tokens == "required":
		return ""
	case tokens == "optional" && set:
		return "http_tokens is optional"
	case tokens == "optional":
		return "http_tokens is not set (optional)"
	case tokens == "":
		return "http_tokens is not set (IMDSv1 stays on unless the AMI or the account requires IMDSv2)"
	}
	return "http_tokens is " + tokens
}

// findLaunchTemplate finds a launch template of the plan by its known id
// (byID) or name.
func (b *planInventoryBuilder) findLaunchTemplate(byID bool, value string) *planResource {
	attr := "name"
	if byID {
		attr = "id"
	}
	return b.index().launchTemplates[[2]string{attr, value}]
}

// findInstanceProfile finds an instance profile of the plan by its known
// ARN or name.
func (b *planInventoryBuilder) findInstanceProfile(attr, value string) *planResource {
	return b.index().instanceProfiles[[2]string{attr, value}]
}

// linkRoles fills in the Address of role references whose known name or
// ARN matches a role of the plan, so that the rules can match them either
// way.
func (b *planInventoryBuilder) linkRoles() {
	byName := map[string]*leastpriv.Role{}
	byARN := map[string]*leastpriv.Role{}
	byAddr := map[string]*leastpriv.Role{}
	for _, role := range b.inv.Roles {
		byAddr[role.Address] = role
		if !role.Name.Unknown && role.Name.Value != "" {
			byName[role.Name.Value] = role
		}
		if !role.ARN.Unknown && role.ARN.Value != "" {
			byARN[role.ARN.Value] = role
		}
	}
	policyByARN := map[string]string{}
	for _, p := range b.inv.ManagedPolicies {
		if !p.ARN.Unknown && p.ARN.Value != "" {
			policyByARN[p.ARN.Value] = p.Address
		}
	}
	link := func(ref *leastpriv.RoleRef) {
		role := byAddr[ref.Address]
		if role == nil && ref.Address == "" {
			if r, ok := byARN[ref.ARN.Value]; ok && !ref.ARN.Unknown && ref.ARN.Value != "" {
				role = r
			} else if r, ok := byName[ref.Name.Value]; ok && !ref.Name.Unknown && ref.Name.Value != "" {
				role = r
			}
		}
		if role != nil {
			*ref = leastpriv.RoleRef{Address: role.Address, Name: role.Name, ARN: role.ARN}
		}
	}
	for _, role := range b.inv.Roles {
		if role.PermissionsBoundaryAddress == "" && !role.PermissionsBoundary.Unknown {
			role.PermissionsBoundaryAddress = policyByARN[role.PermissionsBoundary.Value]
		}
	}
	for _, p := range b.inv.InlinePolicies {
		link(&p.Role)
	}
	for _, at := range b.inv.Attachments {
		link(&at.Role)
		if at.PolicyAddress == "" && !at.PolicyARN.Unknown {
			at.PolicyAddress = policyByARN[at.PolicyARN.Value]
		}
	}
	for _, f := range b.inv.NodeRoleFacts {
		link(&f.Role)
	}
	for _, pia := range b.inv.PodIdentityAssociations {
		link(&pia.Role)
	}
	for _, m := range b.inv.NodeGroupIMDS {
		link(&m.Role)
	}
}

// roleCandidates lists the roles an unknown role attribute can only be:
// every instance of the role resources its configuration expression
// refers to (through module variables and outputs), when the plan cannot
// tell which instance (aws_iam_role.pool[local.pick],
// values(aws_iam_role.pool)[0], a conditional). Nil when role is known.
func (b *planInventoryBuilder) roleCandidates(res *planResource, path []any, role *leastpriv.RoleRef) []leastpriv.RoleRef {
	if role.Address != "" || !role.Name.Unknown || !role.ARN.Unknown {
		return nil
	}
	if !planUnknownAt(res.Unknown, path) {
		return nil
	}
	seen := map[string]bool{}
	var out []leastpriv.RoleRef
	var walk func(sc planScope, e *tfjson.Expression, depth int)
	walk = func(sc planScope, e *tfjson.Expression, depth int) {
		if e == nil || e.ExpressionData == nil || depth >= planMaxResolveDepth {
			return
		}
		for _, ref := range planOuterRefs(e.References) {
			steps := planParseAddress(ref)
			if len(steps) < 2 {
				continue
			}
			switch {
			case steps[0].Name == "var" && sc.module != "":
				parent, call, key := planParentModule(sc.module)
				if pm := b.r.configModule(parent); pm != nil {
					if mc := pm.ModuleCalls[call]; mc != nil {
						walk(planScope{module: parent, key: key, forEach: mc.ForEachExpression}, mc.Expressions[steps[1].Name], depth+1)
					}
				}
				continue
			case steps[0].Name == "module" && len(steps) >= 3:
				child := planJoinAddress(sc.module, "module."+steps[1].Name)
				if steps[1].HasIndex {
					child += planFormatIndex(steps[1].Index)
				} else if k := b.r.moduleInstanceKey(child, sc.key); k != nil {
					child += planFormatIndex(k)
				}
				if cm := b.r.configModule(child); cm != nil {
					if o := cm.Outputs[steps[2].Name]; o != nil {
						walk(planScope{module: child}, o.Expression, depth+1)
					}
				}
				continue
			case planNonResourceRoots[steps[0].Name]:
				continue
			}
			n := 2
			if steps[0].Name == "data" {
				n = 3
			}
			if len(steps) < n {
				continue
			}
			base := steps[0].Name + "." + steps[1].Name
			if n == 3 {
				base += "." + steps[2].Name
			}
			full := planJoinAddress(sc.module, base)
			addrs := b.r.instances[full]
			if steps[n-1].HasIndex {
				addrs = []string{full + planFormatIndex(steps[n-1].Index)}
			}
			for _, addr := range addrs {
				t := b.r.byAddr[addr]
				if t == nil || seen[addr] {
					continue
				}
				seen[addr] = true
				switch t.Type {
				case "aws_iam_role", "podidentity_least_privilege":
					out = append(out, b.selfRoleRef(t))
				case "aws_iam_instance_profile":
					if ref := b.roleRef(t, []any{"role"}); ref.Address != "" {
						out = append(out, ref)
					}
				}
			}
		}
	}
	e := b.r.configExpr(res, path)
	walk(b.r.scopeOf(res), e, 0)
	if len(out) > 0 && e != nil {
		what := res.Address + planPathString(path) + " is computed from " + strings.Join(planOuterRefs(e.References), ", ")
		role.Name, role.ARN = leastpriv.UnknownValue(what), leastpriv.UnknownValue(what)
	}
	return out
}
