# A workload's Pod Identity role built from the AWS provider's own resources,
# with this provider's functions for the documents and its review as a guard:
# a plan that would make the role usable by EC2 nodes, or leave it unscoped,
# stops before anything is created.
locals {
  cluster_name = split("/", var.cluster_arn)[1]
  policy       = provider::podidentity::dynamodb_policy(var.tables)
  trust = coalesce(var.trust_policy,
  provider::podidentity::trust_policy(var.cluster_arn, var.namespace, var.service_account))
  review = provider::podidentity::review_policy(local.policy, local.trust)
  errors = [for f in local.review : f if f.severity == "error"]
}

resource "aws_iam_role" "this" {
  name               = provider::podidentity::default_role_name(local.cluster_name, var.namespace, var.service_account)
  assume_role_policy = local.trust

  lifecycle {
    precondition {
      condition     = length(local.errors) == 0
      error_message = join("\n", [for f in local.errors : "${f.rule} ${f.name}: ${f.message} Fix: ${f.remediation}"])
    }
  }
}

resource "aws_iam_role_policy" "dynamodb" {
  name   = "dynamodb"
  role   = aws_iam_role.this.id
  policy = local.policy
}

resource "aws_eks_pod_identity_association" "this" {
  cluster_name    = local.cluster_name
  namespace       = var.namespace
  service_account = var.service_account
  role_arn        = aws_iam_role.this.arn
}

# Warnings do not stop the plan; they are reported.
check "least_privilege" {
  assert {
    condition     = length(local.review) == 0
    error_message = join("\n", [for f in local.review : "${f.rule} (${f.severity}): ${f.message}"])
  }
}
