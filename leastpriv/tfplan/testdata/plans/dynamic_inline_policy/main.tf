# A node role whose inline policies are written with dynamic "inline_policy" over a map: one
# grants DynamoDB item reads, the other only EC2 describe. The pod role's dynamic block is empty.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

variable "node_policies" {
  default = {
    ec2 = { actions = ["ec2:DescribeInstances"], resources = ["*"] }
    ddb = { actions = ["dynamodb:GetItem"], resources = ["arn:aws:dynamodb:us-west-2:123456789012:table/orders"] }
  }
}
resource "aws_iam_role" "node" {
  name = "eks-node"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
  dynamic "inline_policy" {
    for_each = var.node_policies
    content {
      name = inline_policy.key
      policy = jsonencode({
        Version   = "2012-10-17"
        Statement = [{ Effect = "Allow", Action = inline_policy.value.actions, Resource = inline_policy.value.resources }]
      })
    }
  }
}
resource "aws_iam_role" "other" {
  name = "ops"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:root" }, Action = "sts:AssumeRole" }]
  })
  dynamic "inline_policy" {
    for_each = {}
    content {
      name   = inline_policy.key
      policy = inline_policy.value
    }
  }
}
