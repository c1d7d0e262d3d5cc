package leastpriv

import (
	"fmt"
	"strings"

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
	val Value
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
			return planValue{val: Known(s)}
		}
		if v != nil {
			return planValue{raw: v}
		}
		return planValue{}
	}
	e := r.configExpr(res, path)
	if e == nil || depth >= planMaxResolveDepth {
		return planValue{val: UnknownValue(res.Address + planPathString(path))}
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
	return planValue{val: UnknownValue(expr), addr: out.addr, typ: out.typ}
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
			return planValue{val: Known(s)}
		}
		return planValue{raw: e.ConstantValue}
	}
	var first planValue
	for i, ref := range e.References {
		out := r.ref(sc, ref, depth)
		if out.addr != "" || (!out.val.Unknown && (out.val.Value != "" || out.raw != nil)) {
			return out
		}
		if i == 0 {
			first = out
		}
	}
	if !first.val.Unknown {
		first.val = UnknownValue(planDescribeRef(sc.module, e.References[0]))
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
		return planValue{val: UnknownValue(planDescribeRef(sc.module, ref))}
	}
	r.active[key] = true
	v := r.evalRef(sc, ref, depth)
	delete(r.active, key)
	r.memo[key] = v
	return v
}

func (r *planResolver) evalRef(sc planScope, ref string, depth int) planValue {
	unknown := planValue{val: UnknownValue(planDescribeRef(sc.module, ref))}
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
		return r.variable(sc.module, steps[1].Name, depth)
	case "module":
		if len(steps) < 3 {
			return unknown
		}
		return r.moduleOutput(sc, steps[1], steps[2].Name, depth)
	case "each":
		if len(steps) < 2 {
			return unknown
		}
		key, ok := sc.key.(string)
		if !ok {
			return unknown
		}
		if steps[1].Name == "key" {
			return planValue{val: Known(key)}
		}
		if steps[1].Name == "value" && sc.forEach != nil && sc.forEach.ExpressionData != nil {
			switch c := sc.forEach.ConstantValue.(type) {
			case []any:
				return planValue{val: Known(key)}
			case map[string]any:
				if s, ok := c[key].(string); ok {
					return planValue{val: Known(s)}
				}
			}
		}
		return unknown
	case "count":
		if n, ok := sc.key.(float64); ok && len(steps) > 1 && steps[1].Name == "index" {
			return planValue{val: Known(fmt.Sprint(int(n)))}
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
		out.val = UnknownValue(planDescribeRef(sc.module, ref))
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
		out.val = UnknownValue(planDescribeRef(sc.module, ref))
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
	if sc.key != nil {
		if res := r.byAddr[full+planFormatIndex(sc.key)]; res != nil {
			return res
		}
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
				return planValue{val: Known(s)}
			}
			return planValue{raw: v}
		}
		return planValue{val: UnknownValue("var." + name)}
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
						return planValue{val: Known(s)}
					}
					return planValue{raw: cv.Default}
				}
			}
		}
	}
	return planValue{val: UnknownValue(planDescribeRef(module, "var."+name))}
}

// moduleOutput evaluates module.name.output from the module instance sc.
func (r *planResolver) moduleOutput(sc planScope, call planAddrStep, output string, depth int) planValue {
	child := planJoinAddress(sc.module, "module."+call.Name)
	if call.HasIndex {
		child += planFormatIndex(call.Index)
	}
	cm := r.configModule(child)
	if cm == nil {
		return planValue{val: UnknownValue(planDescribeRef(sc.module, "module."+call.Name+"."+output))}
	}
	out := cm.Outputs[output]
	if out == nil || out.Expression == nil {
		return planValue{val: UnknownValue(planDescribeRef(sc.module, "module."+call.Name+"."+output))}
	}
	if !call.HasIndex {
		// A module called with count or for_each: use the instance that
		// matches the current key, when the resources say it exists.
		if k := r.moduleInstanceKey(child, sc.key); k != nil {
			child += planFormatIndex(k)
		}
	}
	return r.expr(planScope{module: child}, out.Expression, depth+1)
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
