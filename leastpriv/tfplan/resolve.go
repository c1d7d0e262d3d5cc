package tfplan

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"

	tfjson "github.com/hashicorp/terraform-json"
)

// planMaxResolveDepth bounds reference chasing (module outputs that refer to
// variables that refer to other modules...).
const planMaxResolveDepth = 16

// planResolver answers questions about resources of a decoded plan, following
// configuration references where planned values are unknown.
type planResolver struct {
	p *planData
	// byAddr holds every live resource instance (planned or prior) by
	// address; deleted holds the addresses the plan deletes.
	byAddr  map[string]*planResource
	order   []*planResource
	deleted map[string]bool
	// instances lists instance addresses by their address without key,
	// for references like aws_iam_role.this that do not say which one.
	instances map[string][]string
	// cfgIndex maps "callpath|mode.type.name" to configuration.
	cfgIndex map[string]*tfjson.ConfigResource
	// memo and active memoise ref and detect reference cycles.
	memo   map[string]planValue
	active map[string]bool
}

func newPlanResolver(p *planData) *planResolver {
	r := &planResolver{
		p:         p,
		byAddr:    make(map[string]*planResource, len(p.changes)+len(p.prior)),
		deleted:   map[string]bool{},
		instances: make(map[string][]string, len(p.changes)+len(p.prior)),
		cfgIndex:  map[string]*tfjson.ConfigResource{},
		memo:      map[string]planValue{},
		active:    map[string]bool{},
	}
	add := func(res *planResource) {
		r.byAddr[res.Address] = res
		r.order = append(r.order, res)
		base := planJoinAddress(res.ModuleAddress, planResourceBase(res))
		r.instances[base] = append(r.instances[base], res.Address)
	}
	for _, res := range p.changes {
		if res.deleted() {
			r.deleted[res.Address] = true
			continue
		}
		if _, dup := r.byAddr[res.Address]; dup {
			continue
		}
		add(res)
	}
	for _, addr := range p.priorOrder {
		if _, ok := r.byAddr[addr]; ok || r.deleted[addr] {
			continue
		}
		add(p.prior[addr])
	}
	if p.config != nil && p.config.RootModule != nil {
		r.indexConfig("", p.config.RootModule)
	}
	return r
}

func planResourceBase(res *planResource) string {
	if res.Mode == "data" {
		return "data." + res.Type + "." + res.Name
	}
	return res.Type + "." + res.Name
}

func (r *planResolver) indexConfig(path string, m *tfjson.ConfigModule) {
	for _, cr := range m.Resources {
		key := cr.Type + "." + cr.Name
		if cr.Mode == tfjson.DataResourceMode {
			key = "data." + key
		}
		r.cfgIndex[path+"|"+key] = cr
	}
	for name, mc := range m.ModuleCalls {
		if mc != nil && mc.Module != nil {
			r.indexConfig(path+"/"+name, mc.Module)
		}
	}
}

// configModule returns the configuration of a module instance.
func (r *planResolver) configModule(module string) *tfjson.ConfigModule {
	if r.p.config == nil {
		return nil
	}
	m := r.p.config.RootModule
	for _, name := range planModuleCallPath(module) {
		if m == nil {
			return nil
		}
		mc := m.ModuleCalls[name]
		if mc == nil {
			return nil
		}
		m = mc.Module
	}
	return m
}

func (r *planResolver) configResource(res *planResource) *tfjson.ConfigResource {
	path := ""
	for _, name := range planModuleCallPath(res.ModuleAddress) {
		path += "/" + name
	}
	return r.cfgIndex[path+"|"+planResourceBase(res)]
}

// planScope is where an expression is evaluated: a module instance and the
// instance key (count.index or each.key) of the resource or module call
// the expression belongs to.
type planScope struct {
	module string
	key    any
	// forEach is the for_each expression of the resource, for each.value.
	forEach *tfjson.Expression
}

// planValue is the result of evaluating an expression.
type planValue struct {
	val leastpriv.Value
	// raw is the known value when it is not a string (a list...).
	raw any
	// addr and typ identify the resource the expression refers to, when it
	// refers to one.
	addr string
	typ  string
}

// path element helpers: a path is a sequence of string keys and int
// indexes into a resource's values.

func planLookup(v any, path []any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k < 0 || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// planUnknownAt reports whether the value at path is unknown: after_unknown
// has true at the path or at one of its prefixes.
func planUnknownAt(u any, path []any) bool {
	for _, p := range path {
		if b, ok := u.(bool); ok {
			return b
		}
		switch k := p.(type) {
		case string:
			m, ok := u.(map[string]any)
			if !ok {
				return false
			}
			u = m[k]
		case int:
			l, ok := u.([]any)
			if !ok || k < 0 || k >= len(l) {
				return false
			}
			u = l[k]
		}
	}
	b, _ := u.(bool)
	return b
}

// configExpr finds the configuration expression for a path of a
// resource: attribute names and nested block indexes.
func (r *planResolver) configExpr(res *planResource, path []any) *tfjson.Expression {
	cr := r.configResource(res)
	if cr == nil {
		return nil
	}
	exprs := cr.Expressions
	var e *tfjson.Expression
	for i := 0; i < len(path); i++ {
		name, ok := path[i].(string)
		if !ok || exprs == nil {
			return e
		}
		e = exprs[name]
		if e == nil || e.ExpressionData == nil {
			return nil
		}
		if i+1 < len(path) && e.NestedBlocks != nil {
			idx, ok := path[i+1].(int)
			if !ok || idx >= len(e.NestedBlocks) {
				return nil
			}
			exprs = e.NestedBlocks[idx]
			i++
			continue
		}
		exprs = nil
	}
	return e
}

func (r *planResolver) scopeOf(res *planResource) planScope {
	sc := planScope{module: res.ModuleAddress, key: res.Index}
	if cr := r.configResource(res); cr != nil {
		sc.forEach = cr.ForEachExpression
	}
	return sc
}

// attr evaluates an attribute path of a resource: the planned value when
// known, otherwise its configuration expression.
func (r *planResolver) attr(res *planResource, path []any, depth int) planValue {
	if !planUnknownAt(res.Unknown, path) {
		v := planLookup(res.Values, path)
		if s, ok := v.(string); ok {
			return planValue{val: leastpriv.Known(s)}
		}
		if v != nil {
			return planValue{raw: v}
		}
		return planValue{}
	}
	e := r.configExpr(res, path)
	if e == nil || depth >= planMaxResolveDepth {
		return planValue{val: leastpriv.UnknownValue(res.Address + planPathString(path))}
	}
	// The planned value is unknown, so whatever the expression computes is
	// unknown too: the configuration only tells which resource the value
	// comes from (a known value found on the way belongs to something the
	// expression refers to, not to the expression itself).
	out := r.expr(r.scopeOf(res), e, depth+1)
	expr := out.val.Expr
	if !out.val.Unknown || expr == "" {
		expr = res.Address + planPathString(path)
		if len(e.References) > 0 {
			expr = planDescribeRef(res.ModuleAddress, e.References[0])
		}
	}
	return planValue{val: leastpriv.UnknownValue(expr), addr: out.addr, typ: out.typ}
}

func planPathString(path []any) string {
	var b strings.Builder
	for _, p := range path {
		switch k := p.(type) {
		case string:
			b.WriteByte('.')
			b.WriteString(k)
		case int:
			fmt.Fprintf(&b, "[%d]", k)
		}
	}
	return b.String()
}

// expr evaluates a configuration expression in a planScope.
func (r *planResolver) expr(sc planScope, e *tfjson.Expression, depth int) planValue {
	if e == nil || e.ExpressionData == nil {
		return planValue{}
	}
	if len(e.References) == 0 {
		if s, ok := e.ConstantValue.(string); ok {
			return planValue{val: leastpriv.Known(s)}
		}
		return planValue{raw: e.ConstantValue}
	}
	// Terraform lists each prefix of a traversal after it
	// (try(each.value.role, null) gives each.value.role, each.value): the
	// prefixes are not values of the expression.
	refs := planOuterRefs(e.References)
	var first planValue
	var conditional bool
	var cands []planValue
	for i := range refs {
		out := r.refAt(sc, refs, i, depth)
		if i == 0 {
			first = out
		}
		if out.addr == "" && !out.val.Unknown && out.val.Value == "" {
			switch out.raw.(type) {
			case bool:
				// A condition (var.create_iam_role ? aws_iam_role.this[0].arn
				// : var.iam_role_arn): not the value, and which branch
				// the value comes from is not in the plan.
				conditional = true
				continue
			case nil:
				continue
			}
		}
		if out.addr == "" && out.val.Unknown {
			continue
		}
		if !conditional {
			return out
		}
		dup := false
		for _, c := range cands {
			if c.addr == out.addr && c.val == out.val {
				dup = true
			}
		}
		if !dup {
			cands = append(cands, out)
		}
	}
	if conditional && len(cands) == 1 && cands[0].addr != "" {
		// Every other branch is null or unknown without a resource: the
		// value, when there is one, is the one resource's.
		return cands[0]
	}
	if conditional || !first.val.Unknown {
		first = planValue{val: leastpriv.UnknownValue(planDescribeRef(sc.module, e.References[0]))}
	}
	return first
}

func planDescribeRef(module, ref string) string {
	if module == "" {
		return ref
	}
	return ref + " in " + module
}

// ref evaluates one reference such as aws_iam_role.node.arn,
// module.nodes.role_name, var.role or data.aws_iam_policy_document.x.json.
// Results are memoised, so that shared references (and reference cycles
// in a broken plan) cost one evaluation.
func (r *planResolver) ref(sc planScope, ref string, depth int) planValue {
	key := fmt.Sprintf("%s|%v|%p|%s", sc.module, sc.key, sc.forEach, ref)
	if v, ok := r.memo[key]; ok {
		return v
	}
	if r.active[key] {
		return planValue{val: leastpriv.UnknownValue(planDescribeRef(sc.module, ref))}
	}
	r.active[key] = true
	v := r.evalRef(sc, ref, depth)
	delete(r.active, key)
	r.memo[key] = v
	return v
}

func (r *planResolver) evalRef(sc planScope, ref string, depth int) planValue {
	unknown := planValue{val: leastpriv.UnknownValue(planDescribeRef(sc.module, ref))}
	if depth >= planMaxResolveDepth {
		return unknown
	}
	steps := planParseAddress(ref)
	if len(steps) == 0 {
		return unknown
	}
	switch steps[0].Name {
	case "var":
		if len(steps) < 2 {
			return unknown
		}
		return planValueAt(r.variable(sc.module, steps[1].Name, depth), steps[1:], planDescribeRef(sc.module, ref))
	case "module":
		if len(steps) < 3 {
			return unknown
		}
		if len(steps) > 3 || steps[2].HasIndex {
			// module.eks.node_groups["default"].role_name: the rest of the
			// reference goes into what the output refers to.
			return r.moduleOutputPath(sc, steps[1], steps[2:], ref, depth)
		}
		return r.moduleOutput(sc, steps[1], steps[2].Name, depth)
	case "each":
		return r.eachRef(sc, ref, steps, depth)
	case "count":
		if n, ok := sc.key.(float64); ok && len(steps) > 1 && steps[1].Name == "index" {
			return planValue{val: leastpriv.Known(fmt.Sprint(int(n)))}
		}
		return unknown
	case "local", "path", "terraform", "self":
		return unknown
	}
	// A resource or data source reference.
	var base string
	var rest []planAddrStep
	if steps[0].Name == "data" {
		if len(steps) < 3 {
			return unknown
		}
		base = "data." + steps[1].Name + "." + steps[2].Name
		rest = steps[2:]
	} else {
		if len(steps) < 2 {
			return unknown
		}
		base = steps[0].Name + "." + steps[1].Name
		rest = steps[1:]
	}
	nameStep := rest[0]
	attrs := rest[1:]
	res := r.findInstance(sc, base, nameStep)
	if res == nil {
		return unknown
	}
	out := planValue{addr: res.Address, typ: res.Type}
	if len(attrs) == 0 {
		out.val = leastpriv.UnknownValue(planDescribeRef(sc.module, ref))
		return out
	}
	path := make([]any, 0, len(attrs))
	for _, a := range attrs {
		path = append(path, a.Name)
		if a.HasIndex {
			if n, ok := a.Index.(float64); ok {
				path = append(path, int(n))
			} else {
				path = append(path, a.Index)
			}
		}
	}
	v := r.attr(res, path, depth+1)
	out.val, out.raw = v.val, v.raw
	if out.val.Unknown {
		out.val = leastpriv.UnknownValue(planDescribeRef(sc.module, ref))
	}
	return out
}

// findInstance finds the resource instance a reference names, using the
// reference's index, else the current instance key, else the only
// instance.
func (r *planResolver) findInstance(sc planScope, base string, nameStep planAddrStep) *planResource {
	full := planJoinAddress(sc.module, base)
	if nameStep.HasIndex {
		return r.byAddr[full+planFormatIndex(nameStep.Index)]
	}
	if res := r.byAddr[full]; res != nil {
		return res
	}
	if inst := r.instances[full]; len(inst) == 1 {
		return r.byAddr[inst[0]]
	}
	return nil
}

// variable evaluates var.name in a module instance: the root module's
// variable values, or the module call's argument in the parent module.
func (r *planResolver) variable(module, name string, depth int) planValue {
	if module == "" {
		if v, ok := r.p.variables[name]; ok {
			if s, ok := v.(string); ok {
				return planValue{val: leastpriv.Known(s)}
			}
			return planValue{raw: v}
		}
		return planValue{val: leastpriv.UnknownValue("var." + name)}
	}
	parent, call, key := planParentModule(module)
	pm := r.configModule(parent)
	if pm != nil {
		if mc := pm.ModuleCalls[call]; mc != nil {
			if e := mc.Expressions[name]; e != nil {
				return r.expr(planScope{module: parent, key: key, forEach: mc.ForEachExpression}, e, depth+1)
			}
			if mc.Module != nil {
				if cv := mc.Module.Variables[name]; cv != nil && cv.Default != nil {
					if s, ok := cv.Default.(string); ok {
						return planValue{val: leastpriv.Known(s)}
					}
					return planValue{raw: cv.Default}
				}
			}
		}
	}
	return planValue{val: leastpriv.UnknownValue(planDescribeRef(module, "var."+name))}
}

// moduleOutput evaluates module.name.output from the module instance sc.
func (r *planResolver) moduleOutput(sc planScope, call planAddrStep, output string, depth int) planValue {
	child, out := r.outputOf(sc, call, output)
	if out == nil {
		return planValue{val: leastpriv.UnknownValue(planDescribeRef(sc.module, "module."+call.Name+"."+output))}
	}
	return r.expr(planScope{module: child}, out.Expression, depth+1)
}

// outputOf finds the module instance that module.<call> names from sc and
// the configuration of its output.
func (r *planResolver) outputOf(sc planScope, call planAddrStep, output string) (string, *tfjson.ConfigOutput) {
	child := planJoinAddress(sc.module, "module."+call.Name)
	if call.HasIndex {
		child += planFormatIndex(call.Index)
	}
	cm := r.configModule(child)
	if cm == nil {
		return "", nil
	}
	out := cm.Outputs[output]
	if out == nil || out.Expression == nil {
		return "", nil
	}
	if !call.HasIndex {
		// A module called with count or for_each: use the instance that
		// matches the current key, when the resources say it exists.
		if k := r.moduleInstanceKey(child, sc.key); k != nil {
			child += planFormatIndex(k)
		}
	}
	return child, out
}

// moduleOutputPath evaluates a reference that goes on past a module output,
// module.<call>.<output>[...]..., where the output is a reference itself
// (output "node_groups" { value = module.node_group }, or value =
// aws_iam_role.this): the rest of the reference is followed from what the
// output refers to, in the module instance that defines it
// (module.node_group["default"].role_name). An output computed from
// several references (merge(...), a conditional) is unknown.
func (r *planResolver) moduleOutputPath(sc planScope, call planAddrStep, steps []planAddrStep, ref string, depth int) planValue {
	unknown := planValue{val: leastpriv.UnknownValue(planDescribeRef(sc.module, ref))}
	child, out := r.outputOf(sc, call, steps[0].Name)
	if out == nil {
		return unknown
	}
	outer := planOuterRefs(out.Expression.References)
	if len(outer) != 1 {
		if len(out.Expression.References) == 0 {
			// A constant output: follow the rest of the reference into it.
			v := planValue{raw: out.Expression.ConstantValue}
			if s, ok := out.Expression.ConstantValue.(string); ok {
				v = planValue{val: leastpriv.Known(s)}
			}
			return planValueAt(v, steps, unknown.val.Expr)
		}
		return unknown
	}
	v := r.ref(planScope{module: child}, planRefString(outer[0], steps[0].Index, steps[1:]), depth+1)
	if v.val.Unknown {
		v.val = unknown.val
	}
	return v
}

// moduleInstanceKey returns key when resources exist under module[key].
func (r *planResolver) moduleInstanceKey(module string, key any) any {
	if key == nil {
		return nil
	}
	prefix := module + planFormatIndex(key) + "."
	for _, res := range r.order {
		if strings.HasPrefix(res.Address, prefix) {
			return key
		}
	}
	return nil
}

// planRefString writes reference base with index idx (none when nil) and
// then the steps: planRefString("module.team", "a", role_name) is
// module.team["a"].role_name.
func planRefString(base string, idx any, steps []planAddrStep) string {
	var b strings.Builder
	b.WriteString(base)
	b.WriteString(planFormatIndex(idx))
	for _, st := range steps {
		b.WriteString("." + st.Name + planFormatIndex(st.Index))
	}
	return b.String()
}

// planValueAt follows the rest of a reference (steps[0] is the step that
// produced v: its index and the attribute steps after it) into a known
// object or list value: var.grants.orders.role or each.value.role.
// Anything it cannot follow is unknown, described by expr.
func planValueAt(v planValue, steps []planAddrStep, expr string) planValue {
	if len(steps) == 0 || (len(steps) == 1 && !steps[0].HasIndex) {
		return v
	}
	if v.val.Unknown || v.addr != "" {
		return planValue{val: leastpriv.UnknownValue(expr)}
	}
	cur := v.raw
	if cur == nil && v.val.Value != "" {
		cur = v.val.Value
	}
	index := func(idx any) bool {
		switch k := idx.(type) {
		case string:
			m, ok := cur.(map[string]any)
			if !ok {
				return false
			}
			cur, ok = m[k]
			return ok
		case float64:
			l, ok := cur.([]any)
			if !ok || k < 0 || int(k) >= len(l) {
				return false
			}
			cur = l[int(k)]
			return true
		}
		return false
	}
	for i, st := range steps {
		if i > 0 && !index(st.Name) {
			return planValue{val: leastpriv.UnknownValue(expr)}
		}
		if st.HasIndex && !index(st.Index) {
			return planValue{val: leastpriv.UnknownValue(expr)}
		}
	}
	switch c := cur.(type) {
	case string:
		return planValue{val: leastpriv.Known(c)}
	case nil:
		return planValue{val: leastpriv.UnknownValue(expr)}
	default:
		return planValue{raw: c}
	}
}

// planNonResourceRoots are the first steps of references that do not name
// a resource.
var planNonResourceRoots = map[string]bool{
	"var": true, "local": true, "module": true, "each": true, "count": true,
	"path": true, "terraform": true, "self": true,
}

// eachRef evaluates each.key and each.value[...] in a resource or module
// call with for_each. each.value is the element of the for_each collection
// at the instance key: the collection is evaluated where the for_each
// expression is written (the resource's module, or the parent module of a
// module call), from a constant, root or module variables, or a resource
// with instances (for_each = aws_iam_role.pod: each.value.arn is
// aws_iam_role.pod[each.key].arn). A collection built from locals, or from
// values unknown until apply, leaves each.value unknown.
//
// The configuration of a plan lists a for_each expression's references, not
// the expression: a for expression over a map (for_each = { for k, v in
// var.grants : k => v if ... }) is taken to keep the elements it selects
// as they are, which is what filtering for expressions do.
func (r *planResolver) eachRef(sc planScope, ref string, steps []planAddrStep, depth int) planValue {
	unknown := planValue{val: leastpriv.UnknownValue(planDescribeRef(sc.module, ref))}
	key, ok := sc.key.(string)
	if !ok || len(steps) < 2 {
		return unknown
	}
	switch steps[1].Name {
	case "key":
		return planValue{val: leastpriv.Known(key)}
	case "value":
	default:
		return unknown
	}
	fe := sc.forEach
	if fe == nil || fe.ExpressionData == nil {
		return unknown
	}
	if len(fe.References) > 0 {
		unknown.val.Expr = planDescribeRef(sc.module, ref+" (for_each over "+strings.Join(planOuterRefs(fe.References), ", ")+")")
	}
	if len(fe.References) == 0 {
		return planValueAt(planEachElement(planValue{raw: fe.ConstantValue}, key), steps[1:], unknown.val.Expr)
	}
	outer := planScope{module: sc.module}
	var found []planValue
	for _, fr := range planOuterRefs(fe.References) {
		fsteps := planParseAddress(fr)
		if len(fsteps) == 0 {
			return unknown
		}
		if fsteps[0].Name == "module" && len(fsteps) == 2 && !fsteps[1].HasIndex {
			// A module call as a whole (for_each = module.team): each.value
			// is one of its instances, each.value.role_name that
			// instance's output.
			if len(steps) < 3 || steps[1].HasIndex {
				return unknown
			}
			inst := planRefString(fr, key, steps[2:])
			v := r.ref(outer, inst, depth+1)
			if v.addr == "" && v.val.Unknown {
				return unknown
			}
			found = append(found, v)
			continue
		}
		if !planNonResourceRoots[fsteps[0].Name] {
			// A resource (or data source) as a whole: each.value is one of
			// its instances.
			n := 2
			if fsteps[0].Name == "data" {
				n = 3
			}
			if len(fsteps) != n || fsteps[n-1].HasIndex {
				return unknown
			}
			inst := planRefString(fr, key, steps[2:])
			if steps[1].HasIndex {
				return unknown
			}
			v := r.ref(outer, inst, depth+1)
			if v.addr == "" {
				return unknown
			}
			found = append(found, v)
			continue
		}
		coll := r.ref(outer, fr, depth+1)
		if !coll.val.Unknown && coll.val.Value != "" && coll.raw == nil {
			// A string is no collection: an operand of a condition
			// (var.node_role_name == null ? {} : var.policies).
			continue
		}
		el := planEachElement(coll, key)
		if el.val.Unknown && coll.addr != "" && len(steps) == 2 && !steps[1].HasIndex {
			// A collection written with references
			// (node_iam_role_additional_policies = { carts =
			// aws_iam_policy.carts.arn }): which element holds which
			// reference is not in the plan, but when the collection
			// refers to one resource only, an element that is unknown
			// at plan time can only come from it.
			if one := r.soleResource(outer, fr, depth+1); one.addr != "" {
				found = append(found, one)
				continue
			}
		}
		if el.val.Unknown {
			continue
		}
		found = append(found, planValueAt(el, steps[1:], unknown.val.Expr))
	}
	if len(found) != 1 || (found[0].val.Unknown && found[0].addr == "") {
		// Several collections have the key (merge(var.a, var.b)...): which
		// one wins depends on the function.
		return unknown
	}
	return found[0]
}

// planEachElement returns the element of a known for_each collection at
// key: a map's value, or the key itself for a set of strings.
func planEachElement(coll planValue, key string) planValue {
	unknown := planValue{val: leastpriv.UnknownValue("each.value")}
	if coll.val.Unknown || coll.addr != "" {
		return unknown
	}
	switch c := coll.raw.(type) {
	case map[string]any:
		v, ok := c[key]
		if !ok {
			return unknown
		}
		if s, ok := v.(string); ok {
			return planValue{val: leastpriv.Known(s)}
		}
		if v == nil {
			return unknown
		}
		return planValue{raw: v}
	case []any:
		for _, el := range c {
			if s, ok := el.(string); ok && s == key {
				return planValue{val: leastpriv.Known(key)}
			}
		}
	}
	return unknown
}

// planOuterRefs drops the references that only repeat a prefix of the one
// before them: terraform lists var.a.b and then var.a for one traversal.
func planOuterRefs(refs []string) []string {
	var out []string
	for i, ref := range refs {
		if i > 0 && strings.HasPrefix(refs[i-1], ref) && len(refs[i-1]) > len(ref) && (refs[i-1][len(ref)] == '.' || refs[i-1][len(ref)] == '[') {
			continue
		}
		out = append(out, ref)
	}
	return out
}

// refAt evaluates refs[i] of an expression. A reference to a resource with
// several instances that does not say which (the configuration lists
// aws_iam_role.node[each.value.pool].arn as "aws_iam_role.node" followed
// by the references of the index, "each.value.pool" and "each.value") takes
// the instance named by the reference that follows it, when that one is
// known and such an instance exists. When the index is written with a
// reference that cannot be evaluated, the instance is unknown: guessing
// from the current instance key could pick the wrong role.
func (r *planResolver) refAt(sc planScope, refs []string, i int, depth int) planValue {
	ref := refs[i]
	steps := planParseAddress(ref)
	n := 2
	if len(steps) > 0 && steps[0].Name == "data" {
		n = 3
	}
	if len(steps) == 0 || planNonResourceRoots[steps[0].Name] || len(steps) < n || steps[n-1].HasIndex || i+1 >= len(refs) {
		return r.ref(sc, ref, depth)
	}
	base := ref
	if len(steps) > n {
		// An attribute reference: terraform writes the index's references
		// after the bare resource, so only a bare resource has an index.
		return r.ref(sc, ref, depth)
	}
	full := planJoinAddress(sc.module, base)
	if r.byAddr[full] != nil || len(r.instances[full]) == 0 {
		return r.ref(sc, ref, depth)
	}
	next := planParseAddress(refs[i+1])
	if len(next) == 0 || !planNonResourceRoots[next[0].Name] || next[0].Name == "module" {
		return r.ref(sc, ref, depth)
	}
	idx := r.ref(sc, refs[i+1], depth)
	var key any
	switch {
	case !idx.val.Unknown && idx.raw == nil && idx.addr == "":
		key = idx.val.Value
	case !idx.val.Unknown:
		if f, ok := idx.raw.(float64); ok {
			key = f
		}
	}
	if k, ok := key.(string); ok && next[0].Name == "count" {
		// count.index evaluates to a string.
		if n, err := strconv.Atoi(k); err == nil {
			key = float64(n)
		}
	}
	if key != nil {
		if _, ok := r.byAddr[full+planFormatIndex(key)]; ok {
			return r.ref(sc, base+planFormatIndex(key), depth)
		}
		// Known, but not an instance key: the reference is not the index.
		return r.ref(sc, ref, depth)
	}
	if inst := r.instances[full]; len(inst) == 1 {
		// Whatever the index is, there is only one instance it can name.
		return r.ref(sc, ref, depth)
	}
	return planValue{val: leastpriv.UnknownValue(planDescribeRef(sc.module, ref+"["+refs[i+1]+"]"))}
}

// exprAll evaluates every reference of an expression that builds a list
// (roles = [aws_iam_role.a.name, aws_iam_role.b.name]), following references
// to variables and module outputs into the expressions they stand for, so
// that a list passed into a module (roles = var.roles) yields all of its
// elements' resources, not just the first.
func (r *planResolver) exprAll(sc planScope, e *tfjson.Expression, depth int) []planValue {
	if e == nil || e.ExpressionData == nil {
		return nil
	}
	var out []planValue
	refs := planOuterRefs(e.References)
	for i, ref := range refs {
		steps := planParseAddress(ref)
		if depth < planMaxResolveDepth && len(steps) >= 2 {
			switch {
			case steps[0].Name == "var" && sc.module != "":
				parent, call, key := planParentModule(sc.module)
				if pm := r.configModule(parent); pm != nil {
					if mc := pm.ModuleCalls[call]; mc != nil {
						if ve := mc.Expressions[steps[1].Name]; ve != nil && len(steps) == 2 {
							out = append(out, r.exprAll(planScope{module: parent, key: key, forEach: mc.ForEachExpression}, ve, depth+1)...)
							continue
						}
					}
				}
			case steps[0].Name == "module" && len(steps) == 3:
				child := planJoinAddress(sc.module, "module."+steps[1].Name)
				if steps[1].HasIndex {
					child += planFormatIndex(steps[1].Index)
				} else if k := r.moduleInstanceKey(child, sc.key); k != nil {
					child += planFormatIndex(k)
				}
				if cm := r.configModule(child); cm != nil {
					if o := cm.Outputs[steps[2].Name]; o != nil && o.Expression != nil {
						out = append(out, r.exprAll(planScope{module: child}, o.Expression, depth+1)...)
						continue
					}
				}
			}
		}
		out = append(out, r.refAt(sc, refs, i, depth))
	}
	return out
}

// soleResource returns the one resource that the expression behind ref
// (a variable or module output, followed into the expressions they stand
// for) refers to, or a value without addr when it refers to none or to
// several.
func (r *planResolver) soleResource(sc planScope, ref string, depth int) planValue {
	var one planValue
	for _, v := range r.exprAll(sc, &tfjson.Expression{ExpressionData: &tfjson.ExpressionData{References: []string{ref}}}, depth) {
		if v.addr == "" {
			if !v.val.Unknown {
				continue
			}
			return planValue{}
		}
		if one.addr != "" && one.addr != v.addr {
			return planValue{}
		}
		one = v
	}
	if one.addr != "" {
		one.val = leastpriv.UnknownValue(planDescribeRef(sc.module, ref))
		one.raw = nil
	}
	return one
}
