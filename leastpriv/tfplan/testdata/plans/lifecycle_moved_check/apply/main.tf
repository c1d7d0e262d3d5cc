# Applied first: the node role with an orders grant at the root, a cache grant and a logs policy
# replaced when terraform_data.policy_version changes.
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
  input = "v1"
}

resource "aws_iam_role_policy" "orders" {
  name   = "orders"
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
