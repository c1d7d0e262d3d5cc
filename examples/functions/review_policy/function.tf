# A module that keeps the AWS provider's IAM resources can stop a plan that
# would give a node role DynamoDB access, or leave a Pod Identity role
# unscoped, with the rules of podidentity-check.
locals {
  policy   = provider::podidentity::dynamodb_policy([{ arn = aws_dynamodb_table.carts.arn, access = "read_write" }])
  trust    = provider::podidentity::trust_policy(aws_eks_cluster.this.arn, "carts", "carts")
  findings = provider::podidentity::review_policy(local.policy, local.trust)
}

resource "aws_iam_role" "reviewed" {
  name               = "eks-workshop-carts-reviewed"
  assume_role_policy = local.trust

  lifecycle {
    precondition {
      condition     = length([for f in local.findings : f if f.severity == "error"]) == 0
      error_message = join("\n", [for f in local.findings : "${f.rule} ${f.name}: ${f.message}"])
    }
  }
}

resource "aws_iam_role_policy" "reviewed" {
  name   = "dynamodb"
  role   = aws_iam_role.reviewed.id
  policy = local.policy
}

# Warnings (wildcards, an unscoped trust) as a check: reported, not fatal.
check "carts_role_least_privilege" {
  assert {
    condition     = length(local.findings) == 0
    error_message = join("\n", [for f in local.findings : "${f.rule} (${f.severity}): ${f.message}"])
  }
}
