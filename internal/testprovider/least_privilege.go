package testprovider

import "encoding/json"

// planLeastPrivilege computes what podidentity_least_privilege knows at plan
// time: the trust policy for the service account, and the role ARN when the
// role name is known.
func planLeastPrivilege(v map[string]string) map[string]string {
	out := map[string]string{}
	known := func(k string) bool { s, ok := v[k]; return ok && s != unknownMarker && s != "" }
	if v["trust_policy_json"] == unknownMarker && known("cluster_name") && known("namespace") && known("service_account") {
		doc := map[string]any{
			"Version": "2012-10-17",
			"Statement": []any{map[string]any{
				"Effect":    "Allow",
				"Principal": map[string]any{"Service": "pods.eks.amazonaws.com"},
				"Action":    []string{"sts:AssumeRole", "sts:TagSession"},
				"Condition": map[string]any{"StringEquals": map[string]any{
					"aws:RequestTag/eks-cluster-name":           v["cluster_name"],
					"aws:RequestTag/kubernetes-namespace":       v["namespace"],
					"aws:RequestTag/kubernetes-service-account": v["service_account"],
				}},
			}},
		}
		b, _ := json.Marshal(doc)
		out["trust_policy_json"] = string(b)
	}
	if v["role_arn"] == unknownMarker {
		if known("existing_role_name") {
			out["role_arn"] = iamARN("role")(v["existing_role_name"])
		} else if known("role_name") {
			out["role_arn"] = iamARN("role")(v["role_name"])
		}
	}
	if v["role_name"] == unknownMarker && known("existing_role_name") {
		out["role_name"] = v["existing_role_name"]
	}
	return out
}
