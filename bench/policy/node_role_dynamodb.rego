# The node-role DynamoDB rule (PI001) written for conftest, for the
# benchmark in scripts/bench.sh. It reads the same `terraform show -json`
# plan as podidentity-check but only its known planned values: it does not
# follow references through the configuration, does not read the prior
# state, and knows no AWS managed policy documents, so it does less work
# than the Go checker.
#
#   conftest test --policy bench/policy --namespace main plan.json
package main

import rego.v1

data_actions := {
	"dynamodb:*", "*", "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan",
	"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
	"dynamodb:ConditionCheckItem", "dynamodb:PartiQLSelect", "dynamodb:PartiQLInsert",
	"dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete", "dynamodb:GetRecords", "dynamodb:ExportTableToPointInTime",
}

live contains rc if {
	some rc in input.resource_changes
	not "delete" in rc.change.actions
}

live contains rc if {
	some rc in input.resource_changes
	"create" in rc.change.actions
}

after(type) := {rc.change.after | some rc in live; rc.type == type}

role_name(arn) := name if {
	parts := split(arn, "/")
	name := parts[count(parts) - 1]
}

as_list(x) := x if is_array(x)

as_list(x) := [x] if is_string(x)

trusts_ec2(doc) if {
	some st in as_list(json.unmarshal(doc).Statement)
	st.Effect == "Allow"
	some svc in as_list(st.Principal.Service)
	svc == "ec2.amazonaws.com"
}

node_roles contains r.name if {
	some r in after("aws_iam_role")
	trusts_ec2(r.assume_role_policy)
}

node_roles contains role_name(ng.node_role_arn) if {
	some ng in after("aws_eks_node_group")
	is_string(ng.node_role_arn)
}

node_roles contains ip.role if {
	some ip in after("aws_iam_instance_profile")
	is_string(ip.role)
}

node_roles contains role_name(e.principal_arn) if {
	some e in after("aws_eks_access_entry")
	e.type in {"EC2_LINUX", "EC2_WINDOWS", "HYBRID_LINUX"}
	is_string(e.principal_arn)
}

node_roles contains role_name(f.pod_execution_role_arn) if {
	some f in after("aws_eks_fargate_profile")
	is_string(f.pod_execution_role_arn)
}

node_roles contains role_name(c.compute_config[0].node_role_arn) if {
	some c in after("aws_eks_cluster")
	is_string(c.compute_config[0].node_role_arn)
}

grants_data(doc) if {
	some st in as_list(json.unmarshal(doc).Statement)
	st.Effect == "Allow"
	some a in as_list(st.Action)
	a in data_actions
}

deny contains msg if {
	some rc in live
	rc.type == "aws_iam_role_policy"
	rc.change.after.role in node_roles
	grants_data(rc.change.after.policy)
	msg := sprintf("PI001 %s: DynamoDB data access on node role %s", [rc.address, rc.change.after.role])
}
