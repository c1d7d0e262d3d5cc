// Package planfixture writes large, realistic JSON plans (the output of
// `terraform show -json PLANFILE`, format 1.2) for benchmarks: many teams'
// services in for_each module instances, each with a DynamoDB table, a Pod
// Identity role, its policy and association, plus node groups with their
// roles, launch templates, instance profiles, access entries and managed
// policy attachments. Half of the units are new (ARNs and IDs unknown, so
// the checker must resolve references through the configuration) and half
// are unchanged (no-op, also in prior_state). About one service in a hundred
// grants its DynamoDB access to a node role, and one node group in ten
// leaves IMDS reachable, so that the rules have something to find.
//
// The plan is written as a stream: memory does not grow with its size.
package planfixture

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Per unit resource counts.
const (
	serviceResources = 6  // table, role, role policy, policy, attachment, association (+1 data source)
	nodeResources    = 9  // role, 3 attachments, launch template, node group, instance profile, access entry, fargate profile
	servicesPerNode  = 10 // service units per node unit
)

type resource struct {
	Address       string         `json:"address"`
	ModuleAddress string         `json:"module_address,omitempty"`
	Mode          string         `json:"mode"`
	Type          string         `json:"type"`
	Name          string         `json:"name"`
	Index         any            `json:"index,omitempty"`
	ProviderName  string         `json:"provider_name"`
	SchemaVersion int            `json:"schema_version"`
	Values        map[string]any `json:"values"`
	Sensitive     map[string]any `json:"sensitive_values"`
	unknown       map[string]any
	noop          bool
}

type unit struct {
	module string // module.svc["name"] or module.nodes["name"]
	node   bool
	n      int
	noop   bool
}

// units lists the module instances of a plan with about n resources.
func units(n int) []unit {
	var out []unit
	total, s, g := 0, 0, 0
	for total < n {
		if s%servicesPerNode == 0 {
			out = append(out, unit{module: fmt.Sprintf("module.nodes[%q]", fmt.Sprintf("ng-%04d", g)), node: true, n: g, noop: g%2 == 1})
			total += nodeResources
			g++
		}
		out = append(out, unit{module: fmt.Sprintf("module.svc[%q]", fmt.Sprintf("svc-%05d", s)), n: s, noop: s%2 == 1})
		total += serviceResources + 1
		s++
	}
	return out
}

const account = "123456789012"

func tags(team, name string) map[string]any {
	return map[string]any{
		"team": team, "service": name, "cost-center": "cc-" + team, "environment": "production",
		"managed-by": "terraform", "repository": "github.com/example/platform-" + team,
		"owner": team + "@example.com", "data-classification": "internal",
	}
}

var ec2Trust = `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"}}],"Version":"2012-10-17"}`

func podTrust(ns, sa string) string {
	return `{"Statement":[{"Action":["sts:AssumeRole","sts:TagSession"],"Condition":{"StringEquals":{"aws:RequestTag/eks-cluster-name":"prod","aws:RequestTag/kubernetes-namespace":"` +
		ns + `","aws:RequestTag/kubernetes-service-account":"` + sa + `"}},"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"}}],"Version":"2012-10-17"}`
}

func tablePolicy(table string) string {
	arn := "arn:aws:dynamodb:us-west-2:" + account + ":table/" + table
	return `{"Statement":[{"Action":["dynamodb:BatchGetItem","dynamodb:BatchWriteItem","dynamodb:ConditionCheckItem","dynamodb:DeleteItem","dynamodb:DescribeTable","dynamodb:GetItem","dynamodb:PutItem","dynamodb:Query","dynamodb:Scan","dynamodb:UpdateItem"],"Effect":"Allow","Resource":["` +
		arn + `","` + arn + `/index/*"],"Sid":"TableAccess"},{"Action":["cloudwatch:PutMetricData"],"Effect":"Allow","Resource":"*","Sid":"Metrics"}],"Version":"2012-10-17"}`
}

// resources returns the resources of a unit.
func (u unit) resources() []*resource {
	var rs []*resource
	add := func(typ, name string, index any, values map[string]any, unknown ...string) {
		addr := u.module + "." + typ + "." + name
		mode := "managed"
		if strings.HasPrefix(typ, "data.") {
			typ = strings.TrimPrefix(typ, "data.")
			mode = "data"
		}
		switch k := index.(type) {
		case int:
			addr += fmt.Sprintf("[%d]", k)
		case string:
			addr += fmt.Sprintf("[%q]", k)
		}
		if t, ok := values["tags"]; ok {
			values["tags_all"] = t
		}
		r := &resource{
			Address: addr, ModuleAddress: u.module, Mode: mode, Type: typ, Name: name, Index: index,
			ProviderName: "registry.opentofu.org/hashicorp/aws", Values: values, Sensitive: map[string]any{}, noop: u.noop || mode == "data",
		}
		if !r.noop && len(unknown) > 0 {
			r.unknown = map[string]any{}
			for _, k := range unknown {
				r.unknown[k] = true
				delete(values, k)
			}
		}
		rs = append(rs, r)
	}
	if u.node {
		name := fmt.Sprintf("ng-%04d", u.n)
		role := "prod-" + name + "-node"
		team := fmt.Sprintf("platform-%d", u.n%7)
		add("aws_iam_role", "node", nil, map[string]any{
			"name": role, "arn": "arn:aws:iam::" + account + ":role/" + role, "id": role, "assume_role_policy": ec2Trust,
			"description": "Node role of " + name, "force_detach_policies": false, "inline_policy": []any{}, "managed_policy_arns": []any{},
			"max_session_duration": 3600, "path": "/", "permissions_boundary": nil, "tags": tags(team, name), "tags_all": tags(team, name),
			"unique_id": fmt.Sprintf("AROA%016d", u.n),
		}, "arn", "id", "unique_id", "managed_policy_arns", "inline_policy")
		for i, p := range []string{"AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly", "AmazonEKS_CNI_Policy"} {
			add("aws_iam_role_policy_attachment", "node", i, map[string]any{
				"id": role + "-" + fmt.Sprint(i), "policy_arn": "arn:aws:iam::aws:policy/" + p, "role": role,
			}, "id")
		}
		hop := 1
		if u.n%10 == 3 {
			hop = 2
		}
		add("aws_launch_template", "this", nil, map[string]any{
			"name": name, "id": fmt.Sprintf("lt-%017d", u.n), "arn": "arn:aws:ec2:us-west-2:" + account + ":launch-template/" + name,
			"image_id": "ami-0abcdef1234567890", "instance_type": "m6i.large", "latest_version": 1, "tags": tags(team, name),
			"metadata_options": []any{map[string]any{"http_endpoint": "enabled", "http_put_response_hop_limit": hop, "http_tokens": "required", "http_protocol_ipv6": "disabled", "instance_metadata_tags": "disabled"}},
			"user_data":        strings.Repeat("IyEvYmluL2Jhc2gKc2V0IC1leAovZXRjL2Vrcy9ib290c3RyYXAuc2gK", 4),
		}, "id", "arn", "latest_version")
		ltRef := map[string]any{"id": fmt.Sprintf("lt-%017d", u.n), "name": name, "version": "1"}
		add("aws_eks_node_group", "this", nil, map[string]any{
			"cluster_name": "prod", "node_group_name": name, "node_role_arn": "arn:aws:iam::" + account + ":role/" + role,
			"arn": "arn:aws:eks:us-west-2:" + account + ":nodegroup/prod/" + name, "id": "prod:" + name,
			"subnet_ids":     []any{"subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002", "subnet-0a1b2c3d4e5f60003"},
			"instance_types": []any{"m6i.large", "m6a.large"}, "tags": tags(team, name), "labels": map[string]any{"pool": name},
			"launch_template": []any{ltRef},
			"scaling_config":  []any{map[string]any{"desired_size": 3, "max_size": 10, "min_size": 3}},
		}, "arn", "id", "node_role_arn")
		if !u.noop {
			rs[len(rs)-1].unknown["launch_template"] = []any{map[string]any{"id": true}}
			delete(ltRef, "id")
		}
		add("aws_iam_instance_profile", "this", nil, map[string]any{
			"name": role, "role": role, "arn": "arn:aws:iam::" + account + ":instance-profile/" + role, "id": role, "path": "/",
		}, "arn", "id")
		add("aws_eks_access_entry", "this", nil, map[string]any{
			"cluster_name": "prod", "principal_arn": "arn:aws:iam::" + account + ":role/" + role, "type": "EC2_LINUX",
			"access_entry_arn": "arn:aws:eks:us-west-2:" + account + ":access-entry/prod/role/" + role, "kubernetes_groups": []any{},
		}, "access_entry_arn", "principal_arn")
		add("aws_eks_fargate_profile", "this", nil, map[string]any{
			"cluster_name": "prod", "fargate_profile_name": name, "pod_execution_role_arn": "arn:aws:iam::" + account + ":role/" + role,
			"arn": "arn:aws:eks:us-west-2:" + account + ":fargateprofile/prod/" + name, "subnet_ids": []any{"subnet-0a1b2c3d4e5f60001"},
			"selector": []any{map[string]any{"namespace": "batch-" + name, "labels": map[string]any{}}},
		}, "arn", "pod_execution_role_arn")
		return rs
	}
	name := fmt.Sprintf("svc-%05d", u.n)
	team := fmt.Sprintf("team-%d", u.n%23)
	role := "prod-" + name
	table := "prod-" + name
	add("aws_dynamodb_table", "this", nil, map[string]any{
		"name": table, "arn": "arn:aws:dynamodb:us-west-2:" + account + ":table/" + table, "id": table,
		"billing_mode": "PAY_PER_REQUEST", "hash_key": "id", "tags": tags(team, name),
		"attribute": []any{map[string]any{"name": "id", "type": "S"}, map[string]any{"name": "customerId", "type": "S"}},
	}, "arn", "id")
	add("data.aws_iam_policy_document", "trust", nil, map[string]any{
		"json": podTrust(name, name), "id": fmt.Sprint(3000000000 + u.n),
		"statement": []any{map[string]any{
			"actions": []any{"sts:AssumeRole", "sts:TagSession"}, "effect": "Allow",
			"principals": []any{map[string]any{"type": "Service", "identifiers": []any{"pods.eks.amazonaws.com"}}},
		}},
	})
	add("aws_iam_role", "this", nil, map[string]any{
		"name": role, "arn": "arn:aws:iam::" + account + ":role/" + role, "id": role, "assume_role_policy": podTrust(name, name),
		"description": "Pod Identity role of " + name, "inline_policy": []any{}, "managed_policy_arns": []any{},
		"max_session_duration": 3600, "path": "/", "tags": tags(team, name), "tags_all": tags(team, name),
		"unique_id": fmt.Sprintf("AROB%016d", u.n),
	}, "arn", "id", "unique_id", "managed_policy_arns", "inline_policy")
	// One service in a hundred puts its table access on a node role.
	target := role
	if u.n%100 == 42 {
		target = fmt.Sprintf("prod-ng-%04d-node", u.n/servicesPerNode)
	}
	add("aws_iam_role_policy", "this", nil, map[string]any{
		"name": "dynamodb", "role": target, "policy": tablePolicy(table), "id": target + ":dynamodb",
	}, "id")
	add("aws_iam_policy", "metrics", nil, map[string]any{
		"name": role + "-metrics", "arn": "arn:aws:iam::" + account + ":policy/" + role + "-metrics", "id": "arn:aws:iam::" + account + ":policy/" + role + "-metrics",
		"policy": `{"Statement":[{"Action":["cloudwatch:PutMetricData","logs:CreateLogStream","logs:PutLogEvents"],"Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}`,
		"path":   "/", "tags": tags(team, name),
	}, "arn", "id", "policy_id")
	add("aws_iam_role_policy_attachment", "metrics", nil, map[string]any{
		"role": role, "policy_arn": "arn:aws:iam::" + account + ":policy/" + role + "-metrics", "id": role + "-metrics",
	}, "id", "policy_arn")
	add("aws_eks_pod_identity_association", "this", nil, map[string]any{
		"cluster_name": "prod", "namespace": name, "service_account": name, "role_arn": "arn:aws:iam::" + account + ":role/" + role,
		"association_arn": "arn:aws:eks:us-west-2:" + account + ":podidentityassociation/prod/a-" + fmt.Sprint(u.n), "association_id": "a-" + fmt.Sprint(u.n),
		"tags": tags(team, name),
	}, "association_arn", "association_id", "role_arn")
	return rs
}

// configuration is the plan's configuration section: two module calls
// with for_each, whose resources refer to each other.
func configuration() map[string]any {
	ref := func(refs ...string) map[string]any { return map[string]any{"references": refs} }
	cst := func(v any) map[string]any { return map[string]any{"constant_value": v} }
	res := func(typ, name string, exprs map[string]any, count bool) map[string]any {
		r := map[string]any{"address": typ + "." + name, "mode": "managed", "type": typ, "name": name, "provider_config_key": "aws", "expressions": exprs, "schema_version": 0}
		if strings.HasPrefix(typ, "data.") {
			r["mode"], r["type"], r["address"] = "data", strings.TrimPrefix(typ, "data."), typ+"."+name
		}
		if count {
			r["count_expression"] = cst(3)
		}
		return r
	}
	nodes := map[string]any{
		"resources": []any{
			res("aws_iam_role", "node", map[string]any{"name": ref("var.name"), "assume_role_policy": ref("local.ec2_trust")}, false),
			res("aws_iam_role_policy_attachment", "node", map[string]any{"role": ref("aws_iam_role.node.name", "aws_iam_role.node"), "policy_arn": ref("local.node_policies", "count.index")}, true),
			res("aws_launch_template", "this", map[string]any{"name": ref("var.name"), "metadata_options": []any{map[string]any{"http_put_response_hop_limit": ref("var.hop_limit"), "http_tokens": cst("required")}}}, false),
			res("aws_eks_node_group", "this", map[string]any{
				"cluster_name": cst("prod"), "node_group_name": ref("var.name"), "node_role_arn": ref("aws_iam_role.node.arn", "aws_iam_role.node"),
				"launch_template": []any{map[string]any{"id": ref("aws_launch_template.this.id", "aws_launch_template.this"), "version": cst("1")}},
			}, false),
			res("aws_iam_instance_profile", "this", map[string]any{"name": ref("aws_iam_role.node.name", "aws_iam_role.node"), "role": ref("aws_iam_role.node.name", "aws_iam_role.node")}, false),
			res("aws_eks_access_entry", "this", map[string]any{"cluster_name": cst("prod"), "principal_arn": ref("aws_iam_role.node.arn", "aws_iam_role.node"), "type": cst("EC2_LINUX")}, false),
			res("aws_eks_fargate_profile", "this", map[string]any{"cluster_name": cst("prod"), "pod_execution_role_arn": ref("aws_iam_role.node.arn", "aws_iam_role.node")}, false),
		},
		"outputs":   map[string]any{"role_name": map[string]any{"expression": ref("aws_iam_role.node.name", "aws_iam_role.node")}},
		"variables": map[string]any{"name": map[string]any{}, "hop_limit": map[string]any{"default": 1}},
	}
	svc := map[string]any{
		"resources": []any{
			res("aws_dynamodb_table", "this", map[string]any{"name": ref("var.table_name"), "hash_key": cst("id")}, false),
			res("data.aws_iam_policy_document", "trust", map[string]any{"statement": []any{map[string]any{"actions": cst([]any{"sts:AssumeRole", "sts:TagSession"})}}}, false),
			res("aws_iam_role", "this", map[string]any{"name": ref("var.name"), "assume_role_policy": ref("data.aws_iam_policy_document.trust.json", "data.aws_iam_policy_document.trust")}, false),
			res("aws_iam_role_policy", "this", map[string]any{"name": cst("dynamodb"), "role": ref("var.grant_role"), "policy": ref("aws_dynamodb_table.this.arn", "aws_dynamodb_table.this")}, false),
			res("aws_iam_policy", "metrics", map[string]any{"name": ref("var.name")}, false),
			res("aws_iam_role_policy_attachment", "metrics", map[string]any{"role": ref("aws_iam_role.this.name", "aws_iam_role.this"), "policy_arn": ref("aws_iam_policy.metrics.arn", "aws_iam_policy.metrics")}, false),
			res("aws_eks_pod_identity_association", "this", map[string]any{"cluster_name": cst("prod"), "namespace": ref("var.name"), "service_account": ref("var.name"), "role_arn": ref("aws_iam_role.this.arn", "aws_iam_role.this")}, false),
		},
		"variables": map[string]any{"name": map[string]any{}, "table_name": map[string]any{}, "grant_role": map[string]any{}},
	}
	return map[string]any{
		"provider_config": map[string]any{"aws": map[string]any{"name": "aws", "full_name": "registry.opentofu.org/hashicorp/aws", "expressions": map[string]any{"region": cst("us-west-2")}}},
		"root_module": map[string]any{
			"module_calls": map[string]any{
				"nodes": map[string]any{"source": "./modules/nodes", "for_each_expression": ref("local.node_groups"), "expressions": map[string]any{"name": ref("each.key")}, "module": nodes},
				"svc": map[string]any{"source": "./modules/service", "for_each_expression": ref("local.services"),
					"expressions": map[string]any{"name": ref("each.key"), "table_name": ref("each.key"), "grant_role": ref("each.value.role")}, "module": svc},
			},
		},
	}
}

// Write writes a plan of about n resources to w.
func Write(w io.Writer, n int) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	enc := json.NewEncoder(bw)
	us := units(n)
	var err error
	put := func(s string) {
		if err == nil {
			_, err = bw.WriteString(s)
		}
	}
	val := func(v any) {
		if err == nil {
			err = enc.Encode(v)
		}
	}
	put(`{"format_version":"1.2","terraform_version":"1.12.6","variables":{"environment":{"value":"production"}},`)

	// planned_values: every resource's values after apply (unknowns omitted).
	put(`"planned_values":{"root_module":{"child_modules":[`)
	for i, u := range us {
		if i > 0 {
			put(",")
		}
		put(`{"address":`)
		val(u.module)
		put(`,"resources":[`)
		first := true
		for _, r := range u.resources() {
			if r.Mode == "data" {
				continue
			}
			if !first {
				put(",")
			}
			first = false
			val(r)
		}
		put("]}")
	}
	put("]}},")

	// resource_changes.
	put(`"resource_changes":[`)
	first := true
	for _, u := range us {
		for _, r := range u.resources() {
			if r.Mode == "data" {
				continue
			}
			if !first {
				put(",")
			}
			first = false
			change := map[string]any{
				"actions": []string{"create"}, "before": nil, "after": r.Values, "after_unknown": r.unknown,
				"before_sensitive": false, "after_sensitive": r.Sensitive,
			}
			if r.noop {
				change["actions"] = []string{"no-op"}
				change["before"] = r.Values
				change["after_unknown"] = map[string]any{}
				change["before_sensitive"] = r.Sensitive
			}
			if change["after_unknown"] == nil {
				change["after_unknown"] = map[string]any{}
			}
			val(map[string]any{
				"address": r.Address, "module_address": r.ModuleAddress, "mode": r.Mode, "type": r.Type, "name": r.Name,
				"index": r.Index, "provider_name": r.ProviderName, "change": change,
			})
		}
	}
	put("],")

	// prior_state: unchanged resources and every data source.
	put(`"prior_state":{"format_version":"1.0","terraform_version":"1.12.6","values":{"root_module":{"child_modules":[`)
	firstModule := true
	for _, u := range us {
		var rs []*resource
		for _, r := range u.resources() {
			if r.noop {
				rs = append(rs, r)
			}
		}
		if len(rs) == 0 {
			continue
		}
		if !firstModule {
			put(",")
		}
		firstModule = false
		put(`{"resources":`)
		val(rs)
		put(`,"address":`)
		val(u.module)
		put("}")
	}
	put("]}}},")

	put(`"configuration":`)
	val(configuration())
	put(`,"timestamp":"2026-11-29T12:00:00Z","applyable":true,"complete":true,"errored":false}`)
	put("\n")
	if err != nil {
		return err
	}
	return bw.Flush()
}
