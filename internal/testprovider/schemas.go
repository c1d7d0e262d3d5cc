package testprovider

import (
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// resourceSpec describes one resource type of the test provider: its
// schema (the AWS provider's attribute names, types and nesting, for the
// attributes the plan reader uses and a few that configurations commonly
// set) and how its computed values are made up.
type resourceSpec struct {
	provider string
	typeName string
	attrs    map[string]schema.Attribute
	blocks   map[string]schema.Block
	// nameAttr is the attribute that holds the object's name ("name" when
	// empty); it is generated when unknown.
	nameAttr string
	// arn returns the ARN of an object with the given name.
	arn func(name string) string
	// id returns the ID (the name when nil).
	id func(name string) string
	// defaults are the values of Optional+Computed attributes left unset,
	// by attribute name.
	defaults map[string]any
	// plan fills computed values that are known at plan time.
	plan func(values map[string]string) map[string]string
}

func iamARN(kind string) func(string) string {
	return func(name string) string { return "arn:aws:iam::" + AccountID + ":" + kind + "/" + name }
}

func regionalARN(service, kind string) func(string) string {
	return func(name string) string {
		return "arn:aws:" + service + ":" + Region + ":" + AccountID + ":" + kind + "/" + name
	}
}

// launchTemplateSpecification is the launch_template_specification block of
// aws_autoscaling_group's mixed_instances_policy (and of its overrides).
func launchTemplateSpecification() schema.ListNestedBlock {
	return schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
		"launch_template_id": optCompStr(), "launch_template_name": optCompStr(), "version": optStr(),
	}}}
}

func reqStr() schema.StringAttribute {
	return schema.StringAttribute{Required: true}
}

func optStr() schema.StringAttribute {
	return schema.StringAttribute{Optional: true}
}

func compStr() schema.StringAttribute {
	return schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
}

func optCompStr() schema.StringAttribute {
	return schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
}

// forceNew marks an attribute the AWS provider cannot update in place.
func forceNew(a schema.StringAttribute) schema.StringAttribute {
	a.PlanModifiers = append(a.PlanModifiers, stringplanmodifier.RequiresReplace())
	return a
}

func strSet(required, computed bool) schema.SetAttribute {
	return schema.SetAttribute{ElementType: types.StringType, Required: required, Optional: !required, Computed: computed}
}

func strList() schema.ListAttribute {
	return schema.ListAttribute{ElementType: types.StringType, Optional: true}
}

func optNum(computed bool) schema.NumberAttribute {
	return schema.NumberAttribute{Optional: true, Computed: computed}
}

func tags() schema.MapAttribute {
	return schema.MapAttribute{ElementType: types.StringType, Optional: true}
}

var resourceSpecs = []*resourceSpec{
	{
		provider: "aws", typeName: "aws_iam_role", arn: iamARN("role"),
		attrs: map[string]schema.Attribute{
			"arn": compStr(), "assume_role_policy": reqStr(), "description": optStr(),
			"force_detach_policies": schema.BoolAttribute{Optional: true},
			"id":                    compStr(), "managed_policy_arns": strSet(false, true),
			"max_session_duration": optNum(false), "name": forceNew(optCompStr()),
			"name_prefix": forceNew(optStr()), "path": optStr(),
			"permissions_boundary": optStr(), "tags": tags(), "unique_id": compStr(),
		},
		blocks: map[string]schema.Block{
			"inline_policy": schema.SetNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"name": optStr(), "policy": optStr(),
			}}},
		},
	},
	{
		provider: "aws", typeName: "aws_iam_role_policy", nameAttr: "name",
		attrs: map[string]schema.Attribute{"id": compStr(), "name": forceNew(optCompStr()), "policy": reqStr(), "role": forceNew(reqStr())},
	},
	{
		provider: "aws", typeName: "aws_iam_role_policy_attachment", nameAttr: "-",
		attrs: map[string]schema.Attribute{"id": compStr(), "policy_arn": forceNew(reqStr()), "role": forceNew(reqStr())},
	},
	{
		provider: "aws", typeName: "aws_iam_policy", arn: iamARN("policy"),
		id: iamARN("policy"),
		attrs: map[string]schema.Attribute{
			"arn": compStr(), "description": optStr(), "id": compStr(), "name": optCompStr(),
			"name_prefix": optStr(), "path": optStr(), "policy": reqStr(), "policy_id": compStr(), "tags": tags(),
		},
	},
	{
		provider: "aws", typeName: "aws_iam_policy_attachment",
		attrs: map[string]schema.Attribute{
			"groups": strSet(false, false), "id": compStr(), "name": reqStr(), "policy_arn": reqStr(),
			"roles": strSet(false, false), "users": strSet(false, false),
		},
	},
	{
		provider: "aws", typeName: "aws_iam_role_policies_exclusive", nameAttr: "role_name",
		attrs: map[string]schema.Attribute{"policy_names": strSet(true, false), "role_name": reqStr()},
	},
	{
		provider: "aws", typeName: "aws_iam_role_policy_attachments_exclusive", nameAttr: "role_name",
		attrs: map[string]schema.Attribute{"policy_arns": strSet(true, false), "role_name": reqStr()},
	},
	{
		provider: "aws", typeName: "aws_iam_instance_profile", arn: iamARN("instance-profile"),
		attrs: map[string]schema.Attribute{
			"arn": compStr(), "id": compStr(), "name": forceNew(optCompStr()), "name_prefix": forceNew(optStr()),
			"path": optStr(), "role": optStr(), "unique_id": compStr(),
		},
	},
	{
		provider: "aws", typeName: "aws_eks_cluster", arn: regionalARN("eks", "cluster"),
		attrs: map[string]schema.Attribute{
			"arn": compStr(), "endpoint": compStr(), "id": compStr(), "name": reqStr(), "role_arn": reqStr(),
			"tags": tags(), "version": optCompStr(),
		},
		blocks: map[string]schema.Block{
			"access_config": schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"authentication_mode": optCompStr(), "bootstrap_cluster_creator_admin_permissions": schema.BoolAttribute{Optional: true},
			}}},
			"compute_config": schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"enabled": schema.BoolAttribute{Optional: true}, "node_pools": strSet(false, false), "node_role_arn": optStr(),
			}}},
			"vpc_config": schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"subnet_ids": strSet(false, false),
			}}},
		},
	},
	{
		provider: "aws", typeName: "aws_eks_node_group", nameAttr: "node_group_name",
		arn: regionalARN("eks", "nodegroup"),
		attrs: map[string]schema.Attribute{
			"arn": compStr(), "cluster_name": forceNew(reqStr()), "id": compStr(), "instance_types": strList(),
			"node_group_name": forceNew(optCompStr()), "node_role_arn": forceNew(reqStr()), "subnet_ids": strSet(true, false),
			"tags": tags(),
		},
		blocks: map[string]schema.Block{
			"launch_template": schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"id": optCompStr(), "name": optCompStr(), "version": reqStr(),
			}}},
			"scaling_config": schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"desired_size": optNum(false), "max_size": optNum(false), "min_size": optNum(false),
			}}},
		},
	},
	{
		provider: "aws", typeName: "aws_eks_access_entry", nameAttr: "-",
		attrs: map[string]schema.Attribute{
			"access_entry_arn": compStr(), "cluster_name": reqStr(), "id": compStr(),
			"kubernetes_groups": strSet(false, true), "principal_arn": reqStr(), "type": optCompStr(),
			"user_name": optCompStr(),
		},
		defaults: map[string]any{"type": "STANDARD"},
	},
	{
		provider: "aws", typeName: "aws_eks_fargate_profile", nameAttr: "fargate_profile_name",
		arn: regionalARN("eks", "fargateprofile"),
		attrs: map[string]schema.Attribute{
			"arn": compStr(), "cluster_name": reqStr(), "fargate_profile_name": reqStr(), "id": compStr(),
			"pod_execution_role_arn": reqStr(), "subnet_ids": strSet(false, false),
		},
		blocks: map[string]schema.Block{
			"selector": schema.SetNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"labels": tags(), "namespace": reqStr(),
			}}},
		},
	},
	{
		provider: "aws", typeName: "aws_launch_template", arn: regionalARN("ec2", "launch-template"),
		id: func(name string) string { return "lt-" + shortHash(name) },
		attrs: map[string]schema.Attribute{
			"arn": compStr(), "id": compStr(), "image_id": optStr(), "instance_type": optStr(),
			"latest_version": schema.NumberAttribute{Computed: true}, "name": optCompStr(), "name_prefix": optStr(),
			"tags": tags(), "update_default_version": schema.BoolAttribute{Optional: true}, "user_data": optStr(),
			"vpc_security_group_ids": strSet(false, false),
		},
		blocks: map[string]schema.Block{
			"tag_specifications": schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"resource_type": optStr(), "tags": tags(),
			}}},
			"iam_instance_profile": schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"arn": optStr(), "name": optStr(),
			}}},
			"metadata_options": schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"http_endpoint": optCompStr(), "http_protocol_ipv6": optCompStr(),
				"http_put_response_hop_limit": optNum(true), "http_tokens": optCompStr(),
				"instance_metadata_tags": optCompStr(),
			}}},
		},
		defaults: map[string]any{
			"http_endpoint": "enabled", "http_protocol_ipv6": "disabled", "http_put_response_hop_limit": 1,
			"http_tokens": "optional", "instance_metadata_tags": "disabled", "latest_version": 1,
		},
	},
	{
		// Self-managed node groups (terraform-aws-modules/eks
		// self-managed-node-group): the instances' role comes from the
		// launch template's iam_instance_profile.
		provider: "aws", typeName: "aws_autoscaling_group", arn: func(name string) string {
			return "arn:aws:autoscaling:" + Region + ":" + AccountID + ":autoScalingGroup:" + shortHash(name) + ":autoScalingGroupName/" + name
		},
		attrs: map[string]schema.Attribute{
			"arn": compStr(), "desired_capacity": optNum(true), "id": compStr(), "max_size": optNum(false),
			"launch_configuration": optStr(),
			"min_size":             optNum(false), "name": forceNew(optCompStr()), "name_prefix": forceNew(optStr()),
			"vpc_zone_identifier": strSet(false, true),
		},
		blocks: map[string]schema.Block{
			"launch_template": schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"id": optCompStr(), "name": optCompStr(), "version": optStr(),
			}}},
			"mixed_instances_policy": schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{Blocks: map[string]schema.Block{
				"launch_template": schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{Blocks: map[string]schema.Block{
					"launch_template_specification": launchTemplateSpecification(),
					"override": schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{
						Attributes: map[string]schema.Attribute{"instance_type": optStr(), "weighted_capacity": optStr()},
						Blocks:     map[string]schema.Block{"launch_template_specification": launchTemplateSpecification()},
					}},
				}}},
			}}},
			"tag": schema.SetNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"key": reqStr(), "propagate_at_launch": schema.BoolAttribute{Required: true}, "value": reqStr(),
			}}},
		},
	},
	{
		// Older self-managed node groups (terraform-aws-modules/eks before
		// v18 worker_groups): an autoscaling group's launch_configuration.
		// A launch configuration's id is its name.
		provider: "aws", typeName: "aws_launch_configuration", arn: func(name string) string {
			return "arn:aws:autoscaling:" + Region + ":" + AccountID + ":launchConfiguration:" + shortHash(name) + ":launchConfigurationName/" + name
		},
		attrs: map[string]schema.Attribute{
			"arn": compStr(), "associate_public_ip_address": schema.BoolAttribute{Optional: true},
			"iam_instance_profile": forceNew(optStr()), "id": compStr(), "image_id": forceNew(reqStr()),
			"instance_type": forceNew(reqStr()), "name": forceNew(optCompStr()), "name_prefix": forceNew(optStr()),
			"security_groups": strSet(false, false), "user_data": optStr(),
		},
		blocks: map[string]schema.Block{
			"metadata_options": schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"http_endpoint": optCompStr(), "http_put_response_hop_limit": optNum(true), "http_tokens": optCompStr(),
			}}},
		},
		defaults: map[string]any{"http_endpoint": "enabled", "http_put_response_hop_limit": 1, "http_tokens": "optional"},
	},
	{
		provider: "aws", typeName: "aws_iam_openid_connect_provider", nameAttr: "url", arn: func(url string) string {
			return iamARN("oidc-provider")(strings.TrimPrefix(url, "https://"))
		},
		attrs: map[string]schema.Attribute{
			"arn": compStr(), "client_id_list": strSet(true, false), "id": compStr(), "tags": tags(),
			"thumbprint_list": strList(), "url": forceNew(reqStr()),
		},
	},
	{
		provider: "aws", typeName: "aws_eks_pod_identity_association", nameAttr: "-",
		attrs: map[string]schema.Attribute{
			"association_arn": compStr(), "association_id": compStr(), "cluster_name": reqStr(), "id": compStr(),
			"namespace": reqStr(), "role_arn": reqStr(), "service_account": reqStr(), "tags": tags(),
		},
	},
	{
		provider: "aws", typeName: "aws_dynamodb_table", arn: regionalARN("dynamodb", "table"),
		attrs: map[string]schema.Attribute{
			"arn": compStr(), "billing_mode": optCompStr(), "hash_key": optStr(), "id": compStr(),
			"name": reqStr(), "range_key": optStr(), "tags": tags(),
		},
		blocks: map[string]schema.Block{
			"attribute": schema.SetNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"name": reqStr(), "type": reqStr(),
			}}},
			"global_secondary_index": schema.SetNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"hash_key": reqStr(), "name": reqStr(), "projection_type": reqStr(),
			}}},
		},
		defaults: map[string]any{"billing_mode": "PROVISIONED"},
	},
	{
		provider: "podidentity", typeName: "podidentity_least_privilege", nameAttr: "role_name",
		attrs: map[string]schema.Attribute{
			"cluster_name":       reqStr(),
			"existing_role_name": optStr(),
			"id":                 compStr(),
			"namespace":          reqStr(),
			"policy_json":        optCompStr(),
			"role_arn":           compStr(),
			"role_name":          optCompStr(),
			"service_account":    reqStr(),
			"trust_policy_json":  compStr(),
		},
		plan: planLeastPrivilege,
	},
}
