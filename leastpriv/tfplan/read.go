package tfplan

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"

	tfjson "github.com/hashicorp/terraform-json"
)

// ReadFile reads the output of `terraform show -json PLANFILE` (or
// `tofu show -json`) from path and returns the Inventory it describes.
// See Read.
func ReadFile(path string) (*leastpriv.Inventory, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f)
}

// Read reads the output of `terraform show -json PLANFILE` (JSON plan
// format 1.x) and returns the Inventory it describes: the roles the plan
// creates or keeps, the policies that reach them and the resources that make
// a role a node role.
//
// Values that are unknown until apply (the ARN of a role the plan creates,
// a policy rendered from a data source that is read during apply...) are
// resolved through the plan's configuration: references to resources, module
// outputs and module variables are followed, with count and for_each
// instance keys, and the prior state is used for resources the plan does not
// change. What still cannot be resolved is reported as an unknown Value with
// the expression it came from, so that the rules can fail closed.
//
// Resources that the plan deletes grant nothing and are left out; a resource
// that is replaced counts as its new version.
//
// The plan is read whole (a regular *os.File is mapped into memory rather
// than copied) and walked without decoding what the checker does not need:
// planned_values and other sections that duplicate resource_changes are
// skipped as raw JSON, and only the attributes the checker needs are
// decoded for the resource types it reads, on all GOMAXPROCS (see
// fast.go). Input that reader cannot vouch for is read by the
// encoding/json reader instead, with the same results and errors.
func Read(r io.Reader) (*leastpriv.Inventory, error) {
	p, err := decodePlan(r)
	if err != nil {
		return nil, err
	}
	return p.inventory(), nil
}

// planFormatMajor is the major version of the JSON plan format this
// package reads.
const planFormatMajor = 1

// Error is returned by Read for input that is not a JSON plan this
// package can read. Offset is the byte offset of the problem in the input
// when known, or -1.
type Error struct {
	Offset int64
	Msg    string
	Err    error
}

func (e *Error) Error() string {
	if e.Offset >= 0 {
		return fmt.Sprintf("invalid JSON at offset %d: %s", e.Offset, e.Msg)
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// plan is the part of a JSON plan the checker keeps.
type planData struct {
	formatVersion string
	variables     map[string]any
	// changes are the relevant resources of resource_changes, in order.
	changes []*planResource
	// prior are the relevant resources of prior_state, by address.
	prior      map[string]*planResource
	priorOrder []string
	config     *tfjson.Config
	// changed holds the address of every resource_changes entry (all
	// types) and deletedCount those the plan only deletes, for the
	// resource count of a review.
	changed      map[string]struct{}
	deletedCount int
	// priorOnly holds the prior_state resources (all types) that had no
	// resource_changes entry when they were read.
	priorOnly map[string]struct{}
}

// resourceCount is the number of resource instances the plan has after
// apply: every resource_changes entry that is not only deleted, plus
// prior_state resources (data sources read during plan) without one.
func (p *planData) resourceCount() int {
	n := len(p.changed) - p.deletedCount
	for a := range p.priorOnly {
		// terraform writes resource_changes first, but do not rely on it.
		if _, ok := p.changed[a]; !ok {
			n++
		}
	}
	return n
}

// planResource is one resource instance with the attributes the checker
// needs (after values pruned to planRelevantAttributes).
type planResource struct {
	Address       string
	ModuleAddress string
	Mode          string
	Type          string
	Name          string
	Index         any
	Actions       tfjson.Actions
	// Values are the planned (or prior) attribute values. Unknown marks the
	// attributes that are unknown until apply, with the same shape as
	// after_unknown in the plan.
	Values  map[string]any
	Unknown map[string]any
	// FromPrior is true for resources found only in prior_state.
	FromPrior bool
	// Before are the values before the plan of an attachment or inline
	// policy the plan replaces or updates (planKeepsBefore): what it no longer
	// attaches.
	Before map[string]any
}

// planKeepsBefore reports whether the values before the plan of a replaced
// resource of this type are kept (planResource.Before).
func planKeepsBefore(typ string, a tfjson.Actions) bool {
	if !a.Replace() && !a.Update() {
		return false
	}
	switch typ {
	case "aws_iam_role_policy_attachment", "aws_iam_policy_attachment", "aws_iam_role_policy":
		return true
	}
	return false
}

// deleted reports whether the plan removes the resource without creating a
// new one. A resource the plan forgets is not deleted: it stays in AWS with
// its values from before the plan (Values; without them, the inventory
// fails closed on it).
func (r *planResource) deleted() bool {
	return r.Actions.Delete() || (r.Actions.Forget() && r.Values == nil)
}

// A deleted resource's Values are its values before the plan (change.before).

// planRelevantAttributes lists, per resource type, the attributes the checker
// reads. Everything else is dropped while decoding.
//
// aws_iam_role_policies_exclusive is not listed: it only names inline
// policies, which the plan has as aws_iam_role_policy resources, and grants
// nothing itself.
var planRelevantAttributes = map[string][]string{
	"aws_iam_role":                              {"arn", "assume_role_policy", "id", "inline_policy", "managed_policy_arns", "name", "permissions_boundary"},
	"aws_iam_role_policy":                       {"name", "policy", "role"},
	"aws_iam_role_policy_attachment":            {"policy_arn", "role"},
	"aws_iam_policy":                            {"arn", "id", "name", "policy"},
	"aws_iam_policy_attachment":                 {"policy_arn", "roles"},
	"aws_iam_role_policy_attachments_exclusive": {"policy_arns", "role_name"},
	"aws_eks_node_group":                        {"cluster_name", "launch_template", "node_group_name", "node_role_arn"},
	"aws_eks_cluster":                           {"compute_config", "name"},
	"aws_iam_instance_profile":                  {"arn", "name", "role"},
	"aws_eks_access_entry":                      {"cluster_name", "principal_arn", "type"},
	"aws_eks_fargate_profile":                   {"cluster_name", "fargate_profile_name", "pod_execution_role_arn"},
	"aws_launch_template":                       {"iam_instance_profile", "id", "metadata_options", "name", "tag_specifications", "tags"},
	"aws_autoscaling_group":                     {"launch_configuration", "launch_template", "mixed_instances_policy", "tag"},
	"aws_launch_configuration":                  {"iam_instance_profile", "id", "metadata_options", "name"},
	"aws_eks_pod_identity_association":          {"cluster_name", "namespace", "role_arn", "service_account"},
	"aws_dynamodb_table":                        {"arn", "id", "name"},
	"aws_iam_policy_document":                   {"json", "override_policy_documents", "source_policy_documents", "statement", "version"},
	"podidentity_least_privilege": {
		"cluster_name", "existing_role_name", "namespace", "policy_json",
		"role_arn", "role_name", "service_account", "trust_policy_json",
	},
}

// decodePlanStream streams the top level of a JSON plan with
// encoding/json. It is the reference reader: decodePlan uses the faster
// reader of fast.go and falls back to this one for any input the fast
// reader does not accept (invalid JSON, unexpected types...), so that errors
// and edge cases are reported exactly as encoding/json does.
func decodePlanStream(r io.Reader) (*planData, error) {
	cr := &planCountingReader{r: bufio.NewReaderSize(r, 256<<10)}
	dec := json.NewDecoder(cr)
	p := &planData{prior: map[string]*planResource{}, changed: map[string]struct{}{}, priorOnly: map[string]struct{}{}}
	wrap := func(err error) error { return planDecodeError(dec, cr.n, err) }
	tok, err := dec.Token()
	if err != nil {
		return nil, wrap(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, &Error{Offset: -1, Msg: "not a JSON plan: expected an object from terraform show -json"}
	}
	var top planTopFields
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, wrap(err)
		}
		key, _ := tok.(string)
		if err := p.decodeTopField(dec, key, &top); err != nil {
			return nil, wrap(err)
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, wrap(err)
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		return nil, &Error{Offset: end, Msg: "unexpected data after the plan object"}
	}
	if err := top.check(p.formatVersion); err != nil {
		return nil, err
	}
	return p, nil
}

// planTopFields is what both readers note of the plan's top-level fields
// to tell a plan from a state or an errored plan.
type planTopFields struct {
	// A state's JSON (terraform show -json without a plan file) has values
	// instead of planned_values, resource_changes and prior_state.
	sawValues, sawPlan, errored bool
}

// note records that the top-level field key is present.
func (t *planTopFields) note(key string) {
	switch key {
	case "planned_values", "resource_changes", "prior_state":
		t.sawPlan = true
	case "values":
		t.sawValues = true
	}
}

// check reports a document that is not a complete plan: no format_version,
// a state's JSON, or a plan the CLI marked as errored.
func (t planTopFields) check(formatVersion string) error {
	switch {
	case formatVersion == "":
		return &Error{Offset: -1, Msg: "not a JSON plan: format_version is missing (expected the output of terraform show -json PLANFILE)"}
	case t.sawValues && !t.sawPlan:
		return &Error{Offset: -1, Msg: "not a plan: this is the JSON of a state (terraform show -json without a plan file); review a plan: terraform plan -out=tfplan && terraform show -json tfplan"}
	case t.errored:
		return &Error{Offset: -1, Msg: `incomplete plan: terraform reported errors while planning ("errored": true), so resources may be missing from it; fix the errors and plan again`}
	}
	return nil
}

// decodeTopField decodes the value of the plan's top-level field key.
func (p *planData) decodeTopField(dec *json.Decoder, key string, top *planTopFields) error {
	top.note(key)
	switch key {
	case "errored":
		return dec.Decode(&top.errored)
	case "format_version":
		if err := dec.Decode(&p.formatVersion); err != nil {
			return err
		}
		return planCheckFormatVersion(p.formatVersion)
	case "variables":
		var vars map[string]*tfjson.PlanVariable
		if err := dec.Decode(&vars); err != nil {
			return err
		}
		p.setVariables(vars)
		return nil
	case "resource_changes":
		return planDecodeArray(dec, func() error { return p.decodeChange(dec) })
	case "prior_state":
		return p.decodePriorState(dec)
	case "configuration":
		var cfg tfjson.Config
		if err := dec.Decode(&cfg); err != nil {
			return err
		}
		p.config = &cfg
		return nil
	case "planned_values":
		// The same values as resource_changes: skipped one resource at a
		// time, so that a big module is never buffered whole.
		return planDecodeObject(dec, func(key string) error {
			if key == "root_module" {
				return planSkipModule(dec)
			}
			return dec.Decode(&planDiscard{})
		})
	default:
		// resource_drift, output_changes, checks, relevant_attributes...:
		// not needed.
		return planSkipValue(dec, 2)
	}
}

// setVariables keeps the values of the plan's input variables.
func (p *planData) setVariables(vars map[string]*tfjson.PlanVariable) {
	p.variables = make(map[string]any, len(vars))
	for k, v := range vars {
		if v != nil {
			p.variables[k] = v.Value
		}
	}
}

// planDecodeError turns a decoding error into an *Error with the offset in
// the plan; read is how far the reader has got.
func planDecodeError(dec *json.Decoder, read int64, err error) error {
	if err == nil {
		return nil
	}
	var pe *Error
	if errors.As(err, &pe) {
		return err
	}
	if errors.Is(err, io.EOF) && dec.InputOffset() == 0 {
		return &Error{Offset: -1, Msg: "empty input: expected the output of terraform show -json PLANFILE", Err: err}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &Error{Offset: read, Msg: "unexpected end of input", Err: err}
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &Error{Offset: se.Offset, Msg: se.Error(), Err: err}
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		// The offset of a type error is relative to the value being
		// decoded; the decoder has just read that value.
		return &Error{Offset: dec.InputOffset(), Msg: te.Error(), Err: err}
	}
	return &Error{Offset: dec.InputOffset(), Msg: err.Error(), Err: err}
}

// planCheckFormatVersion accepts JSON plan format 1.x, the format of
// Terraform 1.0 and later and of OpenTofu.
func planCheckFormatVersion(v string) error {
	major, _, _ := strings.Cut(v, ".")
	n, err := strconv.Atoi(major)
	if err != nil {
		return &Error{Offset: -1, Msg: fmt.Sprintf("invalid plan format_version %q", v)}
	}
	if n != planFormatMajor {
		return &Error{Offset: -1, Msg: fmt.Sprintf("plan format %s is not supported; this tool reads format 1.x from terraform show -json", v)}
	}
	return nil
}

// planRawChange is the shape of one resource_changes entry, with values left
// raw until the type is known to be relevant.
type planRawChange struct {
	Address       string              `json:"address"`
	ModuleAddress string              `json:"module_address"`
	Mode          string              `json:"mode"`
	Type          string              `json:"type"`
	Name          string              `json:"name"`
	Index         any                 `json:"index"`
	Deposed       string              `json:"deposed"`
	Change        *planRawChangeValue `json:"change"`
}

type planRawChangeValue struct {
	Actions      tfjson.Actions `json:"actions"`
	After        planLazyObject `json:"after"`
	AfterUnknown planLazyObject `json:"after_unknown"`
	// Before is only kept for a resource the plan forgets (a removed block
	// with destroy = false): it stays in AWS as it was.
	Before planLazyObject `json:"before"`
}

// planLazyObject keeps the raw bytes of a value so that it is only decoded (and
// pruned) when the resource type is relevant.
type planLazyObject struct{ raw []byte }

func (l *planLazyObject) UnmarshalJSON(b []byte) error {
	l.raw = append(l.raw[:0], b...)
	return nil
}

func (p *planData) decodeChange(dec *json.Decoder) error {
	var rc planRawChange
	if err := dec.Decode(&rc); err != nil {
		return err
	}
	if rc.Deposed != "" || rc.Change == nil {
		return nil
	}
	if _, dup := p.changed[rc.Address]; !dup {
		p.changed[rc.Address] = struct{}{}
		if a := rc.Change.Actions; a.Delete() || a.Forget() {
			p.deletedCount++
		}
	}
	attrs, ok := planRelevantAttributes[rc.Type]
	if !ok {
		return nil
	}
	res := &planResource{
		Address: rc.Address, ModuleAddress: rc.ModuleAddress, Mode: rc.Mode,
		Type: rc.Type, Name: rc.Name, Index: rc.Index, Actions: rc.Change.Actions,
	}
	after, unknown := rc.Change.After.raw, rc.Change.AfterUnknown.raw
	if a := rc.Change.Actions; a.Forget() || a.Delete() {
		// Forgotten: it stays as it was. Deleted: what it was is what the
		// plan takes away (planRemovedGrants).
		after, unknown = rc.Change.Before.raw, nil
	}
	var err error
	if res.Values, err = planPruneObject(after, attrs); err != nil {
		return err
	}
	if res.Unknown, err = planPruneObject(unknown, attrs); err != nil {
		return err
	}
	if planKeepsBefore(rc.Type, rc.Change.Actions) {
		if res.Before, err = planPruneObject(rc.Change.Before.raw, attrs); err != nil {
			return err
		}
	}
	p.changes = append(p.changes, res)
	return nil
}

// planPruneObject decodes a JSON object and keeps only keys.
func planPruneObject(raw []byte, keys []string) (map[string]any, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	out := make(map[string]any, len(keys))
	for _, k := range keys {
		v, ok := m[k]
		if !ok {
			continue
		}
		var x any
		if err := json.Unmarshal(v, &x); err != nil {
			return nil, err
		}
		if x != nil {
			out[k] = x
		}
	}
	return out, nil
}

// planPriorResource is the shape of a resource in prior_state.
type planPriorResource struct {
	Address string         `json:"address"`
	Mode    string         `json:"mode"`
	Type    string         `json:"type"`
	Name    string         `json:"name"`
	Index   any            `json:"index"`
	Deposed string         `json:"deposed_key"`
	Values  planLazyObject `json:"values"`
}

// decodePriorState walks prior_state.values.root_module and its
// child_modules, keeping the relevant resources.
func (p *planData) decodePriorState(dec *json.Decoder) error {
	return planDecodeObject(dec, func(key string) error {
		if key != "values" {
			return planSkipValue(dec, 2)
		}
		return planDecodeObject(dec, func(key string) error {
			if key != "root_module" {
				return planSkipValue(dec, 2)
			}
			return p.decodePriorModule(dec)
		})
	})
}

func (p *planData) decodePriorModule(dec *json.Decoder) error {
	var moduleAddress string
	return planDecodeObject(dec, func(key string) error {
		switch key {
		case "address":
			return dec.Decode(&moduleAddress)
		case "resources":
			return planDecodeArray(dec, func() error {
				var pr planPriorResource
				if err := dec.Decode(&pr); err != nil {
					return err
				}
				if pr.Deposed != "" {
					return nil
				}
				if _, changed := p.changed[pr.Address]; changed {
					// resource_changes (which terraform writes first)
					// already has this resource's planned values.
					return nil
				}
				p.priorOnly[pr.Address] = struct{}{}
				attrs, ok := planRelevantAttributes[pr.Type]
				if !ok {
					return nil
				}
				vals, err := planPruneObject(pr.Values.raw, attrs)
				if err != nil {
					return err
				}
				if _, seen := p.prior[pr.Address]; !seen {
					p.priorOrder = append(p.priorOrder, pr.Address)
				}
				p.prior[pr.Address] = &planResource{
					Address: pr.Address, ModuleAddress: planModuleOfAddress(pr.Address), Mode: pr.Mode,
					Type: pr.Type, Name: pr.Name, Index: pr.Index, Values: vals,
					Actions: tfjson.Actions{tfjson.ActionNoop}, FromPrior: true,
				}
				return nil
			})
		case "child_modules":
			return planDecodeArray(dec, func() error { return p.decodePriorModule(dec) })
		default:
			return planSkipValue(dec, 2)
		}
	})
}

// planDecodeObject reads an object, calling fn for each key with the decoder
// positioned at the value. fn must consume the value.
func planDecodeObject(dec *json.Decoder, fn func(key string) error) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return &Error{Offset: dec.InputOffset(), Msg: fmt.Sprintf("expected an object, found %v", tok)}
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		if err := fn(key); err != nil {
			return err
		}
	}
	_, err = dec.Token()
	return err
}

// planDecodeArray reads an array, calling fn for each element with the decoder
// positioned at it. fn must consume the element. null is an empty array.
func planDecodeArray(dec *json.Decoder, fn func() error) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return &Error{Offset: dec.InputOffset(), Msg: fmt.Sprintf("expected an array, found %v", tok)}
	}
	for dec.More() {
		if err := fn(); err != nil {
			return err
		}
	}
	_, err = dec.Token()
	return err
}

// planSkipModule skips a module of planned_values (or any state module),
// one resource at a time.
func planSkipModule(dec *json.Decoder) error {
	return planDecodeObject(dec, func(key string) error {
		switch key {
		case "resources":
			return planDecodeArray(dec, func() error { return dec.Decode(&planDiscard{}) })
		case "child_modules":
			return planDecodeArray(dec, func() error { return planSkipModule(dec) })
		}
		return dec.Decode(&planDiscard{})
	})
}

// planDiscard consumes a JSON value without keeping it.
type planDiscard struct{}

func (*planDiscard) UnmarshalJSON([]byte) error { return nil }

// planSkipValue consumes the next value. Objects and arrays are entered up to
// depth levels so that the decoder never buffers one huge value (such as
// planned_values) at once.
func planSkipValue(dec *json.Decoder, depth int) error {
	if depth <= 0 {
		return dec.Decode(&planDiscard{})
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	for dec.More() {
		if d == '{' {
			if _, err := dec.Token(); err != nil {
				return err
			}
		}
		if err := planSkipValue(dec, depth-1); err != nil {
			return err
		}
	}
	_, err = dec.Token()
	return err
}

// planCountingReader counts the bytes read, for the offset of an
// unexpected end of input.
type planCountingReader struct {
	r io.Reader
	n int64
}

func (c *planCountingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
