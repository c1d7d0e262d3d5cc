package testprovider

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// StoreEnv names the file that stands in for AWS's IAM attachments. With
// it set (scripts/fixtures.sh sets it), the provider remembers which
// managed policies aws_iam_role_policy_attachment resources (and a role's
// own managed_policy_arns) attach to each role, across runs, and a role's
// refresh (Read) reports all of them in managed_policy_arns, as the AWS
// provider does: a plan made after an apply then shows a no-op role whose
// refreshed managed_policy_arns lists the policies its attachment
// resources attach, also those the plan deletes. Without it the provider
// echoes its state, as before.
const StoreEnv = "FAKE_AWS_STATE"

// awsStore is the file's content.
type awsStore struct {
	// Attached lists, by role name, the policies attachment resources
	// attach.
	Attached map[string][]string `json:"attached"`
	// Own lists, by role name, the role's own managed_policy_arns.
	Own map[string][]string `json:"own"`
}

var storeMu sync.Mutex

// withStore runs f on the store and saves it; it does nothing when
// StoreEnv is not set.
func withStore(f func(s *awsStore)) {
	file := os.Getenv(StoreEnv)
	if file == "" {
		return
	}
	storeMu.Lock()
	defer storeMu.Unlock()
	s := &awsStore{}
	if raw, err := os.ReadFile(file); err == nil {
		_ = json.Unmarshal(raw, s)
	}
	if s.Attached == nil {
		s.Attached = map[string][]string{}
	}
	if s.Own == nil {
		s.Own = map[string][]string{}
	}
	f(s)
	raw, _ := json.MarshalIndent(s, "", "  ")
	_ = os.WriteFile(file, raw, 0o600)
}

// stringAttr reads a top-level string attribute of an object value.
func stringAttr(v tftypes.Value, name string) string {
	var top map[string]tftypes.Value
	if err := v.As(&top); err != nil {
		return ""
	}
	a, ok := top[name]
	if !ok || !a.IsKnown() || a.IsNull() {
		return ""
	}
	var s string
	_ = a.As(&s)
	return s
}

// stringSetAttr reads a top-level set of strings.
func stringSetAttr(v tftypes.Value, name string) []string {
	var top map[string]tftypes.Value
	if err := v.As(&top); err != nil {
		return nil
	}
	a, ok := top[name]
	if !ok || !a.IsKnown() || a.IsNull() {
		return nil
	}
	var elems []tftypes.Value
	if err := a.As(&elems); err != nil {
		return nil
	}
	var out []string
	for _, e := range elems {
		var s string
		if e.IsKnown() && !e.IsNull() && e.As(&s) == nil {
			out = append(out, s)
		}
	}
	return out
}

// recordApplied updates the store after a create or update.
func (r *echoResource) recordApplied(state tftypes.Value) {
	switch r.spec.typeName {
	case "aws_iam_role_policy_attachment":
		role, arn := stringAttr(state, "role"), stringAttr(state, "policy_arn")
		withStore(func(s *awsStore) {
			if !slices.Contains(s.Attached[role], arn) {
				s.Attached[role] = append(s.Attached[role], arn)
			}
		})
	case "aws_iam_role":
		name, own := stringAttr(state, "name"), stringSetAttr(state, "managed_policy_arns")
		withStore(func(s *awsStore) { s.Own[name] = own })
	}
}

// recordDeleted updates the store after a delete.
func (r *echoResource) recordDeleted(state tftypes.Value) {
	switch r.spec.typeName {
	case "aws_iam_role_policy_attachment":
		role, arn := stringAttr(state, "role"), stringAttr(state, "policy_arn")
		withStore(func(s *awsStore) {
			s.Attached[role] = slices.DeleteFunc(s.Attached[role], func(a string) bool { return a == arn })
		})
	case "aws_iam_role":
		name := stringAttr(state, "name")
		withStore(func(s *awsStore) { delete(s.Own, name); delete(s.Attached, name) })
	}
}

// refresh sets what AWS would report on a read: a role's
// managed_policy_arns lists every policy attached to it.
func (r *echoResource) refresh(ctx context.Context, resp *resource.ReadResponse) {
	if r.spec.typeName != "aws_iam_role" || os.Getenv(StoreEnv) == "" {
		return
	}
	name := stringAttr(resp.State.Raw, "name")
	var all []string
	withStore(func(s *awsStore) {
		all = append(all, s.Own[name]...)
		for _, a := range s.Attached[name] {
			if !slices.Contains(all, a) {
				all = append(all, a)
			}
		}
	})
	if len(all) == 0 {
		return
	}
	slices.Sort(all)
	v, diags := types.SetValueFrom(ctx, types.StringType, all)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("managed_policy_arns"), v)...)
}
