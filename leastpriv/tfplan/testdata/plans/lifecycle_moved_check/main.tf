# Lifecycle features on a node role that was applied before (apply/): the orders grant is moved
# into module.grants (moved block, no change to its values), the policy version bump replaces the
# cache grant and the logs policy (terraform_data + replace_triggered_by), and a check block
# asserts something unrelated. Both DynamoDB grants stay on the node role: PI001 at their new and
# replaced addresses; the logs policy is not DynamoDB.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

resource "aws_iam_role" "node" {
  name = "eks-workshop-node"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

locals {
  orders_items = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
      Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/orders"
    }]
  })
  logs = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["logs:PutLogEvents"], Resource = "*" }]
  })
}

resource "terraform_data" "policy_version" {
  input = "v2"
}

moved {
  from = aws_iam_role_policy.orders
  to   = module.grants.aws_iam_role_policy.this
}

module "grants" {
  source = "./modules/grants"
  role   = aws_iam_role.node.name
  policy = local.orders_items
}

resource "aws_iam_role_policy" "cache" {
  name   = "cache"
  role   = aws_iam_role.node.name
  policy = replace(local.orders_items, "table/orders", "table/cache")
  lifecycle {
    replace_triggered_by = [terraform_data.policy_version]
  }
}

resource "aws_iam_role_policy" "logs" {
  name   = "logs"
  role   = aws_iam_role.node.name
  policy = local.logs
  lifecycle {
    replace_triggered_by = [terraform_data.policy_version]
  }
}

check "node_role_name" {
  assert {
    condition     = startswith(aws_iam_role.node.name, "eks-")
    error_message = "Node role names start with eks-."
  }
}
