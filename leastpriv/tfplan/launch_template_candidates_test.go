package tfplan

import (
	"strings"
	"testing"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"

	tfjson "github.com/hashicorp/terraform-json"
)

// TestPlanUnknownLaunchTemplateCandidates: a node group whose launch
// template id and name are unknown until apply (id = local.x) uses one of
// the templates the plan creates. PI007 is silent only when every one of
// them keeps IMDS from pods, and fails closed otherwise, naming the ones
// that do not; a launch template data source read during apply, or no
// created template at all, leaves it unknown.
func TestPlanUnknownLaunchTemplateCandidates(t *testing.T) {
	t.Parallel()
	create := tfjson.Actions{tfjson.ActionCreate}
	nodeGroup := &planResource{
		Address: "aws_eks_node_group.ng", Mode: "managed", Type: "aws_eks_node_group", Name: "ng", Actions: create,
		Values:  map[string]any{"node_group_name": "ng", "cluster_name": "c", "launch_template": []any{map[string]any{}}},
		Unknown: map[string]any{"node_role_arn": true, "launch_template": []any{map[string]any{"id": true, "name": true}}},
	}
	lt := func(name string, hop float64, tokens string, mode string) *planResource {
		return &planResource{
			Address: map[string]string{"managed": "", "data": "data."}[mode] + "aws_launch_template." + name, Mode: mode,
			Type: "aws_launch_template", Name: name, Actions: create,
			Values: map[string]any{"name": name, "metadata_options": []any{map[string]any{
				"http_endpoint": "enabled", "http_put_response_hop_limit": hop, "http_tokens": tokens,
			}}},
			Unknown: map[string]any{"id": true},
		}
	}
	tests := map[string]struct {
		templates []*planResource
		want      string // "" for no PI007; else a part of its message
	}{
		"all created templates safe": {templates: []*planResource{lt("a", 1, "required", "managed"), lt("b", 1, "required", "managed")}},
		"one created template hop 2": {
			templates: []*planResource{lt("a", 1, "required", "managed"), lt("b", 2, "required", "managed")},
			want:      "aws_launch_template.b (hop limit 2) leave IMDS reachable",
		},
		"one created template IMDSv1": {
			templates: []*planResource{lt("a", 1, "optional", "managed")},
			want:      "aws_launch_template.a (http_tokens is not set (optional)) leave IMDS reachable",
		},
		"data source read during apply": {
			templates: []*planResource{lt("a", 1, "required", "managed"), lt("d", 1, "required", "data")},
			want:      "the id and name of launch_template[0] are unknown until apply), so",
		},
		"no created template": {want: "the id and name of launch_template[0] are unknown until apply), so"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := &planData{changes: append([]*planResource{nodeGroup}, tc.templates...), prior: map[string]*planResource{}}
			var pi007 []string
			for _, f := range leastpriv.Check(p.inventory(), leastpriv.CheckOptions{}) {
				if f.Rule == leastpriv.RuleIMDSReachable {
					pi007 = append(pi007, f.Message)
				}
			}
			switch {
			case tc.want == "" && len(pi007) > 0:
				t.Errorf("PI007 %q, want none", pi007)
			case tc.want != "" && (len(pi007) != 1 || !strings.Contains(pi007[0], tc.want)):
				t.Errorf("PI007 %q, want one containing %q", pi007, tc.want)
			}
		})
	}
}
