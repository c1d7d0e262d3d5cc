# A configuration with only data sources and outputs: it looks up the existing node role and
# renders a DynamoDB policy document for another stack, but creates, changes and attaches nothing.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

data "aws_caller_identity" "current" {}

data "aws_iam_role" "node" {
  name = "eks-workshop-node"
}

data "aws_iam_policy_document" "carts" {
  statement {
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
    resources = ["arn:aws:dynamodb:us-west-2:${data.aws_caller_identity.current.account_id}:table/eks-workshop-carts"]
  }
}

data "aws_iam_policy_document" "everything" {
  statement {
    actions   = ["dynamodb:*"]
    resources = ["*"]
  }
}

output "node_role_arn" {
  value = data.aws_iam_role.node.arn
}

output "carts_policy" {
  value = data.aws_iam_policy_document.carts.json
}

output "admin_policy" {
  value = data.aws_iam_policy_document.everything.json
}
