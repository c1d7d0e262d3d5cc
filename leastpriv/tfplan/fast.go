package tfplan

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv/internal/jsonscan"

	"github.com/go-json-experiment/json/jsontext"
	tfjson "github.com/hashicorp/terraform-json"
)

// The fast plan reader.
//
// decodePlanStream (read.go) walks the plan with encoding/json's token
// API, which scans every byte of a 50 MB plan three or four times at about
// 100-200 MB/s. This reader instead reads the plan into memory once and
// walks it with jsonscan.Scanner, which validates and skips values several
// times faster (jsonscan's FuzzScanner holds it to jsontext's reading):
//
//   - sections the checker does not need (planned_values, resource_drift,
//     output_changes, checks, relevant_attributes...) are skipped as raw
//     values, never decoded;
//   - a resource_changes or prior_state entry is walked without decoding:
//     its change.after / after_unknown / values are kept as slices of the
//     input, and are only decoded (pruned to planRelevantAttributes) when
//     the resource's type is one the rules read;
//   - that decoding, the bulk of the remaining work, runs on all
//     GOMAXPROCS while the walk goes on, and the results are merged in
//     document order, so the outcome does not depend on scheduling;
//   - variables and configuration are decoded with encoding/json into the
//     terraform-json types, as before.
//
// The fast reader accepts only what it is sure encoding/json would read the
// same way: for anything else (a syntax or type error, invalid UTF-8, a
// duplicated or case-folded field name, an unexpected shape...) decodePlan
// runs decodePlanStream on the same bytes, which gives the same result and
// errors, offsets included. There is no third reader: what the scanner
// declines (escaped surrogates, nesting deeper than 1000) is read by
// decodePlanStream. Memory: the plan's bytes plus the
// kept attributes, about 1.2x the plan's size.

// errPlanFallback makes decodePlan use decodePlanStream.
var errPlanFallback = jsonscan.ErrDecline

// decodePlan reads a JSON plan: the fast reader, else decodePlanStream.
func decodePlan(r io.Reader) (*planData, error) {
	if f, ok := r.(*os.File); ok {
		if buf, release, ok := planMapFile(f); ok {
			defer release()
			return decodePlanBytes(buf, nil)
		}
	}
	buf, rerr := planReadAll(r)
	return decodePlanBytes(buf, rerr)
}

// decodePlanBytes decodes a plan read into buf; rerr is the error that ended
// the read, if any. Nothing returned refers to buf.
func decodePlanBytes(buf []byte, rerr error) (*planData, error) {
	if rerr == nil {
		if p, err := decodePlanFast(buf); err == nil {
			return p, nil
		}
	}
	var src io.Reader = bytes.NewReader(buf)
	if rerr != nil {
		// The reference reader sees the same bytes, then the same error.
		src = io.MultiReader(src, planErrReader{rerr})
	}
	return decodePlanStream(src)
}

type planErrReader struct{ err error }

func (e planErrReader) Read([]byte) (int, error) { return 0, e.err }

// planReadAll reads r to the end, in one allocation when the size is known
// (a regular file, a bytes.Reader...).
func planReadAll(r io.Reader) ([]byte, error) {
	size := 0
	switch v := r.(type) {
	case *os.File:
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			if off, err := v.Seek(0, io.SeekCurrent); err == nil && fi.Size() > off {
				size = int(fi.Size() - off)
			}
		}
	case interface{ Len() int }:
		size = v.Len()
	}
	buf := make([]byte, 0, size+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// planFast is the state of one fast read.
type planFast struct {
	buf []byte
	d   *jsonscan.Scanner
	p   *planData
	// items are the entries of resource_changes and prior_state in
	// document order; jobs feeds the pruning workers.
	items []*planFastItem
	jobs  chan []*planFastItem
	batch []*planFastItem // the items not yet sent to jobs
	// interned holds the values of mode and type seen so far.
	interned map[string]string
	wg       sync.WaitGroup
}

// planFastItem is one resource_changes or prior_state entry.
type planFastItem struct {
	prior bool
	skip  bool // deposed, or a change entry without change
	// shadowed marks a prior_state resource with a relevant
	// resource_changes entry: newPlanResolver never reads its values, so
	// they are only checked (as decodePlanStream would decode them), not
	// kept.
	shadowed bool
	// the fields of planRawChange / planPriorResource
	address, moduleAddress, mode, typ, name, deposed string
	index                                            any
	actions                                          tfjson.Actions
	// raw values (slices of the input), pruned by a worker when the type
	// is relevant: after and after_unknown, or prior values.
	values, unknown []byte
	// before is change.before, the values of a resource the plan forgets.
	before []byte
	attrs  []string
	// set by the worker
	prunedValues, prunedUnknown map[string]any
	prunedBefore                map[string]any // planResource.Before
	err                         error
}

// decodePlanFast reads buf, or returns an error (errPlanFallback or another)
// when decodePlanStream must read it instead: jsonscan.Scanner declines
// what it does not read exactly as encoding/json does. The input's UTF-8 is
// checked on another core meanwhile: the walk's result is only kept if it
// is valid.
func decodePlanFast(buf []byte) (*planData, error) {
	valid := make(chan bool, 1)
	go func() { valid <- utf8.Valid(buf) }()
	p, err := decodePlanFastWith(buf, jsonscan.NewScanner(buf))
	if !<-valid && err == nil {
		err = errPlanFallback
	}
	return p, err
}

// planFastBatch is how many items the walk hands to a worker at once.
const planFastBatch = 64

// send queues an item for the pruning workers.
func (f *planFast) send(it *planFastItem) {
	if f.batch == nil {
		f.batch = make([]*planFastItem, 0, planFastBatch)
	}
	f.batch = append(f.batch, it)
	if len(f.batch) == planFastBatch {
		f.flush()
	}
}

// flush sends the queued items to the workers.
func (f *planFast) flush() {
	if len(f.batch) > 0 {
		f.jobs <- f.batch
		f.batch = nil
	}
}

// prune is a worker's job: prune the values of one item.
func (f *planFast) prune(sub *jsonscan.Scanner, it *planFastItem) {
	if it.shadowed {
		_, it.err = planFastPruneMode(sub, it.values, it.attrs, true)
		return
	}
	it.prunedValues, it.err = planFastPrune(sub, it.values, it.attrs)
	if it.err == nil {
		it.prunedUnknown, it.err = planFastPrune(sub, it.unknown, it.attrs)
	}
	if it.err == nil && !it.prior && planKeepsBefore(it.typ, it.actions) {
		it.prunedBefore, it.err = planFastPrune(sub, it.before, it.attrs)
	}
}

// decodePlanFastWith is decodePlanFast reading the tokens of buf from d.
func decodePlanFastWith(buf []byte, d *jsonscan.Scanner) (p *planData, err error) {
	f := &planFast{
		buf: buf,
		d:   d,
		p:   &planData{prior: map[string]*planResource{}, changed: map[string]struct{}{}, priorOnly: map[string]struct{}{}},
	}
	workers := max(1, runtime.GOMAXPROCS(0))
	f.jobs = make(chan []*planFastItem, 64)
	for range workers {
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			var sub jsonscan.Scanner
			for batch := range f.jobs {
				for _, it := range batch {
					f.prune(&sub, it)
				}
			}
		}()
	}
	err = f.plan()
	if err == nil {
		shadow := make(map[string]struct{}, len(f.items))
		for _, it := range f.items {
			if !it.prior && !it.skip && it.attrs != nil {
				shadow[it.address] = struct{}{}
			}
		}
		for _, it := range f.items {
			if it.prior && !it.skip && it.attrs != nil {
				_, it.shadowed = shadow[it.address]
				f.send(it)
			}
		}
		f.flush()
	}
	close(f.jobs)
	f.wg.Wait()
	if err != nil {
		return nil, err
	}
	if err := f.merge(); err != nil {
		return nil, err
	}
	return f.p, nil
}

func (f *planFast) plan() error {
	d := f.d
	if d.PeekKind() != '{' {
		return errPlanFallback
	}
	if _, err := d.ReadToken(); err != nil {
		return err
	}
	var top planTopFields
	for d.PeekKind() != '}' {
		key, err := f.key()
		if err != nil {
			return err
		}
		if err := f.topField(key, &top); err != nil {
			return err
		}
	}
	if _, err := d.ReadToken(); err != nil {
		return err
	}
	if _, err := d.ReadToken(); err != io.EOF {
		return errPlanFallback
	}
	if top.check(f.p.formatVersion) != nil {
		return errPlanFallback // decodePlanStream reports it
	}
	return nil
}

// topField reads the value of the plan's top-level field key.
func (f *planFast) topField(key []byte, top *planTopFields) error {
	d, p := f.d, f.p
	top.note(string(key))
	switch string(key) {
	case "errored":
		// false or null: nothing to do; true (an incomplete plan) or
		// another type: decodePlanStream reports it.
		if k := d.PeekKind(); k != 'f' && k != 'n' {
			return errPlanFallback
		}
		return d.SkipValue()
	case "format_version":
		if d.PeekKind() != '"' {
			return errPlanFallback
		}
		if err := f.str(&p.formatVersion); err != nil {
			return err
		}
		return planCheckFormatVersion(p.formatVersion)
	case "variables":
		raw, err := d.ReadValue()
		if err != nil {
			return err
		}
		var vars map[string]*tfjson.PlanVariable
		if err := json.Unmarshal(raw, &vars); err != nil {
			return err
		}
		p.setVariables(vars)
		return nil
	case "resource_changes":
		return f.array(f.change)
	case "prior_state":
		return f.object(func(key []byte) error {
			if string(key) != "values" {
				return d.SkipValue()
			}
			return f.object(func(key []byte) error {
				if string(key) != "root_module" {
					return d.SkipValue()
				}
				return f.priorModule()
			})
		})
	case "configuration":
		raw, err := d.ReadValue()
		if err != nil {
			return err
		}
		var cfg tfjson.Config
		if err := json.Unmarshal(raw, &cfg); err != nil {
			return err
		}
		p.config = &cfg
		return nil
	case "planned_values":
		return f.object(func(key []byte) error {
			if string(key) == "root_module" {
				return f.skipModule()
			}
			return d.SkipValue()
		})
	default:
		return d.SkipValue()
	}
}

// key reads an object member name, unescaped. The result is only valid
// until the next read.
func (f *planFast) key() ([]byte, error) {
	raw, err := f.d.ReadValue()
	if err != nil {
		return nil, err
	}
	return planFastName(raw)
}

func planFastName(raw []byte) ([]byte, error) {
	if len(raw) < 2 || raw[0] != '"' {
		return nil, errPlanFallback
	}
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return inner, nil
	}
	return jsontext.AppendUnquote(nil, raw)
}

// object walks an object (null is an empty one), calling fn with the
// decoder at each member's value; fn must consume it.
func (f *planFast) object(fn func(key []byte) error) error {
	d := f.d
	switch d.PeekKind() {
	case 'n':
		return d.SkipValue()
	case '{':
	default:
		return errPlanFallback
	}
	if _, err := d.ReadToken(); err != nil {
		return err
	}
	for d.PeekKind() != '}' {
		key, err := f.key()
		if err != nil {
			return err
		}
		if err := fn(key); err != nil {
			return err
		}
	}
	_, err := d.ReadToken()
	return err
}

// array walks an array (null is an empty one), calling fn at each element.
func (f *planFast) array(fn func() error) error {
	d := f.d
	switch d.PeekKind() {
	case 'n':
		return d.SkipValue()
	case '[':
	default:
		return errPlanFallback
	}
	if _, err := d.ReadToken(); err != nil {
		return err
	}
	for d.PeekKind() != ']' {
		if err := fn(); err != nil {
			return err
		}
	}
	_, err := d.ReadToken()
	return err
}

// skipModule skips a planned_values module, as planSkipModule does.
func (f *planFast) skipModule() error {
	d := f.d
	return f.object(func(key []byte) error {
		switch string(key) {
		case "resources":
			return f.array(d.SkipValue)
		case "child_modules":
			return f.array(f.skipModule)
		}
		return d.SkipValue()
	})
}

// rawValue reads a value and returns it as a slice of the input.
func (f *planFast) rawValue() ([]byte, error) {
	raw, err := f.d.ReadValue()
	if err != nil {
		return nil, err
	}
	end := int(f.d.InputOffset())
	start := end - len(raw)
	if start < 0 || end > len(f.buf) || f.buf[start] != raw[0] {
		return nil, errPlanFallback
	}
	return f.buf[start:end:end], nil
}

// str decodes a string field: null keeps it, as encoding/json does.
func (f *planFast) str(dst *string) error {
	d := f.d
	switch d.PeekKind() {
	case 'n':
		return d.SkipValue()
	case '"':
	default:
		return errPlanFallback
	}
	raw, err := d.ReadValue()
	if err != nil {
		return err
	}
	s, ok := jsonscan.String(raw)
	if !ok {
		return errPlanFallback
	}
	*dst = s
	return nil
}

// internStr is str for the few distinct values of mode and type: each is
// allocated once per plan.
func (f *planFast) internStr(dst *string) error {
	d := f.d
	if d.PeekKind() != '"' {
		return f.str(dst)
	}
	raw, err := d.ReadValue()
	if err != nil {
		return err
	}
	inner := raw[1 : len(raw)-1]
	if s, ok := f.interned[string(inner)]; ok {
		*dst = s
		return nil
	}
	s, ok := jsonscan.String(raw)
	if !ok {
		return errPlanFallback
	}
	if bytes.IndexByte(inner, '\\') < 0 {
		if f.interned == nil {
			f.interned = map[string]string{}
		}
		f.interned[s] = s
	}
	*dst = s
	return nil
}

// any decodes a value into an any, as encoding/json does.
func (f *planFast) any() (any, error) {
	raw, err := f.d.ReadValue()
	if err != nil {
		return nil, err
	}
	return jsonscan.Any(raw)
}

// planFastFolds reports whether key is not one of fields but
// encoding/json's case-insensitive field matching could still match it to
// one: such input is left to the reference reader.
func planFastFolds(key []byte, fields ...string) bool {
	// The field names are lower-case ASCII: only a key with an upper-case
	// or a non-ASCII letter can fold to one of them.
	plain := true
	for _, c := range key {
		if c >= 'A' && c <= 'Z' || c >= 0x80 {
			plain = false
			break
		}
	}
	if plain {
		return false
	}
	for _, f := range fields {
		if strings.EqualFold(string(key), f) {
			return true
		}
	}
	return false
}

// fields walks an object of the plan's own format, whose known members
// are names: fn(name) reads that member's value. Other members are skipped; a
// known member twice, or a name encoding/json would fold to one of names,
// is left to the reference reader (errPlanFallback), whose struct decoding
// gives them their meaning.
func (f *planFast) fields(names []string, fn func(name string) error) error {
	seen := uint64(0)
	return f.object(func(key []byte) error {
		i := 0
		for i < len(names) && string(key) != names[i] {
			i++
		}
		switch {
		case i < len(names) && seen&(1<<i) != 0:
			return errPlanFallback
		case i < len(names):
			seen |= 1 << i
			return fn(names[i])
		case planFastFolds(key, names...):
			return errPlanFallback
		}
		return f.d.SkipValue()
	})
}

// change walks one resource_changes entry (see planRawChange).
func (f *planFast) change() error {
	d := f.d
	switch d.PeekKind() {
	case 'n':
		// A null entry decodes to an empty planRawChange: no change.
		return d.SkipValue()
	case '{':
	default:
		return errPlanFallback
	}
	it := &planFastItem{}
	hasChange := false
	err := f.fields(changeFields, func(name string) (err error) {
		switch name {
		case "change":
			hasChange, err = f.changeValue(it)
			return err
		case "module_address":
			return f.str(&it.moduleAddress)
		case "deposed":
			return f.str(&it.deposed)
		}
		return f.resourceField(it, name)
	})
	if err != nil {
		return err
	}
	it.skip = it.deposed != "" || !hasChange
	if it.actions.Forget() || it.actions.Delete() {
		// Terraform stops managing it, but it stays as it was; or the
		// plan deletes it, and what it was is what the plan takes away.
		it.values, it.unknown = it.before, nil
	}
	f.add(it)
	return nil
}

// The members of a resource_changes entry, its change and a prior_state
// resource that the walk reads.
var (
	changeFields      = []string{"address", "module_address", "mode", "type", "name", "index", "deposed", "change"}
	changeValueFields = []string{"actions", "after", "after_unknown", "before"}
	priorFields       = []string{"address", "mode", "type", "name", "index", "deposed_key", "values"}
)

// resourceField reads a member that resource_changes entries and
// prior_state resources share.
func (f *planFast) resourceField(it *planFastItem, name string) (err error) {
	switch name {
	case "address":
		return f.str(&it.address)
	case "mode":
		return f.internStr(&it.mode)
	case "type":
		return f.internStr(&it.typ)
	case "name":
		return f.str(&it.name)
	case "index":
		it.index, err = f.any()
		return err
	}
	// Not a shared member: each caller reads its own first.
	return errPlanFallback
}

// changeValue walks the change of a resource_changes entry (see
// planRawChangeValue) and reports whether it was not null.
func (f *planFast) changeValue(it *planFastItem) (bool, error) {
	d := f.d
	switch d.PeekKind() {
	case 'n':
		return false, d.SkipValue()
	case '{':
	default:
		return false, errPlanFallback
	}
	err := f.fields(changeValueFields, func(name string) (err error) {
		switch name {
		case "actions":
			it.actions, err = f.actions()
		case "after":
			it.values, err = f.rawValue()
		case "after_unknown":
			it.unknown, err = f.rawValue()
		case "before":
			it.before, err = f.rawValue()
		}
		return err
	})
	return true, err
}

// actions decodes a tfjson.Actions as encoding/json does.
func (f *planFast) actions() (tfjson.Actions, error) {
	d := f.d
	switch d.PeekKind() {
	case 'n':
		return nil, d.SkipValue()
	case '[':
	default:
		return nil, errPlanFallback
	}
	if _, err := d.ReadToken(); err != nil {
		return nil, err
	}
	a := tfjson.Actions{}
	for d.PeekKind() != ']' {
		var s string
		if err := f.str(&s); err != nil {
			return nil, err
		}
		a = append(a, tfjson.Action(s))
	}
	_, err := d.ReadToken()
	return a, err
}

// priorModule walks a prior_state module (see decodePriorModule).
func (f *planFast) priorModule() error {
	d := f.d
	var moduleAddress string
	return f.object(func(key []byte) error {
		switch string(key) {
		case "address":
			return f.str(&moduleAddress)
		case "resources":
			return f.array(f.priorResource)
		case "child_modules":
			return f.array(f.priorModule)
		}
		return d.SkipValue()
	})
}

// priorResource walks one prior_state resource (see planPriorResource).
func (f *planFast) priorResource() error {
	d := f.d
	switch d.PeekKind() {
	case 'n':
		f.add(&planFastItem{prior: true})
		return d.SkipValue()
	case '{':
	default:
		return errPlanFallback
	}
	it := &planFastItem{prior: true}
	err := f.fields(priorFields, func(name string) (err error) {
		switch name {
		case "deposed_key":
			return f.str(&it.deposed)
		case "values":
			it.values, err = f.rawValue()
			return err
		}
		return f.resourceField(it, name)
	})
	if err != nil {
		return err
	}
	it.skip = it.deposed != ""
	f.add(it)
	return nil
}

// add records an entry and, when its type is relevant, has a worker prune
// its values.
func (f *planFast) add(it *planFastItem) {
	f.items = append(f.items, it)
	if it.skip {
		return
	}
	attrs, ok := planRelevantAttributes[it.typ]
	if !ok {
		return
	}
	it.attrs = attrs
	if !it.prior {
		// prior_state resources are pruned after the walk, when it is
		// known which are shadowed.
		f.send(it)
	}
}

// merge applies the entries in document order, as decodePlanStream does.
func (f *planFast) merge() error {
	p := f.p
	for _, it := range f.items {
		if it.skip {
			continue
		}
		if !it.prior {
			if _, dup := p.changed[it.address]; !dup {
				p.changed[it.address] = struct{}{}
				if a := it.actions; a.Delete() || a.Forget() {
					p.deletedCount++
				}
			}
			if it.attrs == nil {
				continue
			}
			if it.err != nil {
				return it.err
			}
			p.changes = append(p.changes, &planResource{
				Address: it.address, ModuleAddress: it.moduleAddress, Mode: it.mode,
				Type: it.typ, Name: it.name, Index: it.index, Actions: it.actions,
				Values: it.prunedValues, Unknown: it.prunedUnknown, Before: it.prunedBefore,
			})
			continue
		}
		if _, changed := p.changed[it.address]; changed {
			continue
		}
		p.priorOnly[it.address] = struct{}{}
		if it.attrs == nil {
			continue
		}
		if it.err != nil {
			return it.err
		}
		if _, seen := p.prior[it.address]; !seen {
			p.priorOrder = append(p.priorOrder, it.address)
		}
		p.prior[it.address] = &planResource{
			Address: it.address, ModuleAddress: planModuleOfAddress(it.address), Mode: it.mode,
			Type: it.typ, Name: it.name, Index: it.index, Values: it.prunedValues,
			Actions: tfjson.Actions{tfjson.ActionNoop}, FromPrior: true,
		}
	}
	return nil
}

// planFastPrune is planPruneObject on a raw value already validated by the
// walk.
func planFastPrune(d *jsonscan.Scanner, raw []byte, keys []string) (map[string]any, error) {
	return planFastPruneMode(d, raw, keys, false)
}

// planFastPruneMode is planFastPrune; with checkOnly it only reports the
// error planFastPrune would return, without keeping the values.
func planFastPruneMode(d *jsonscan.Scanner, raw []byte, keys []string, checkOnly bool) (map[string]any, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] != '{' {
		return nil, errPlanFallback
	}
	// raw was validated by the walk, UTF-8 included.
	d.Reset(raw)
	if _, err := d.ReadToken(); err != nil {
		return nil, err
	}
	var found [16][]byte
	if len(keys) > len(found) {
		return nil, errPlanFallback
	}
	for d.PeekKind() != '}' {
		name, err := d.ReadValue()
		if err != nil {
			return nil, err
		}
		key, err := planFastName(name)
		if err != nil {
			return nil, err
		}
		i := 0
		for i < len(keys) && string(key) != keys[i] {
			i++
		}
		if i == len(keys) {
			if err := d.SkipValue(); err != nil {
				return nil, err
			}
			continue
		}
		v, err := d.ReadValue()
		if err != nil {
			return nil, err
		}
		end := int(d.InputOffset())
		start := end - len(v)
		if start < 0 || end > len(raw) {
			return nil, errPlanFallback
		}
		// The last of duplicated keys wins, as in a map.
		found[i] = raw[start:end:end]
	}
	if _, err := d.ReadToken(); err != nil {
		return nil, err
	}
	if checkOnly {
		for i := range keys {
			if v := found[i]; v != nil && v[0] != '"' && v[0] != 'n' && v[0] != 't' && v[0] != 'f' {
				// Numbers, objects and arrays may not decode (1e999).
				if _, err := jsonscan.Any(v); err != nil {
					return nil, err
				}
			}
		}
		return nil, nil
	}
	out := make(map[string]any, len(keys))
	for i, k := range keys {
		if found[i] == nil {
			continue
		}
		x, err := jsonscan.Any(found[i])
		if err != nil {
			return nil, err
		}
		if x != nil {
			out[k] = x
		}
	}
	return out, nil
}
