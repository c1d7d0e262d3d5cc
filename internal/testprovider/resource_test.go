package testprovider

import (
	"encoding/json"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestEchoResourceFill(t *testing.T) {
	t.Parallel()
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"name": tftypes.String, "arn": tftypes.String, "id": tftypes.String,
		"managed_policy_arns": tftypes.Set{ElementType: tftypes.String},
	}}
	tests := map[string]struct {
		name     tftypes.Value
		wantName string
	}{
		"named":     {name: tftypes.NewValue(tftypes.String, "eks-node"), wantName: "eks-node"},
		"generated": {name: tftypes.NewValue(tftypes.String, tftypes.UnknownValue)},
	}
	r := &echoResource{spec: resourceSpecs[0]}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			planned := tftypes.NewValue(typ, map[string]tftypes.Value{
				"name": tc.name, "arn": tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
				"id":                  tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
				"managed_policy_arns": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, tftypes.UnknownValue),
			})
			state, err := r.fill(planned)
			if err != nil {
				t.Fatal(err)
			}
			if !state.IsFullyKnown() {
				t.Fatalf("state not fully known: %s", state)
			}
			var attrs map[string]tftypes.Value
			if err := state.As(&attrs); err != nil {
				t.Fatal(err)
			}
			var gotName, gotARN, gotID string
			_ = attrs["name"].As(&gotName)
			_ = attrs["arn"].As(&gotARN)
			_ = attrs["id"].As(&gotID)
			if tc.wantName != "" && gotName != tc.wantName {
				t.Errorf("name = %q, want %q", gotName, tc.wantName)
			}
			if gotName == "" || gotARN != "arn:aws:iam::"+AccountID+":role/"+gotName || gotID != gotName {
				t.Errorf("name %q arn %q id %q", gotName, gotARN, gotID)
			}
		})
	}
}

func TestPlanLeastPrivilegeTrust(t *testing.T) {
	t.Parallel()
	out := planLeastPrivilege(map[string]string{
		"cluster_name": "eks-workshop", "namespace": "carts", "service_account": "carts",
		"role_name": "carts", "trust_policy_json": unknownMarker, "role_arn": unknownMarker,
	})
	var doc struct {
		Statement []struct {
			Principal map[string]string
			Condition map[string]map[string]string
		}
	}
	if err := json.Unmarshal([]byte(out["trust_policy_json"]), &doc); err != nil {
		t.Fatal(err)
	}
	st := doc.Statement[0]
	if st.Principal["Service"] != "pods.eks.amazonaws.com" || st.Condition["StringEquals"]["aws:RequestTag/kubernetes-service-account"] != "carts" {
		t.Errorf("trust = %s", out["trust_policy_json"])
	}
	if out["role_arn"] != "arn:aws:iam::123456789012:role/carts" {
		t.Errorf("role_arn = %q", out["role_arn"])
	}
	if got := planLeastPrivilege(map[string]string{"namespace": unknownMarker, "trust_policy_json": unknownMarker}); got["trust_policy_json"] != "" {
		t.Errorf("trust computed from unknown namespace: %v", got)
	}
}
