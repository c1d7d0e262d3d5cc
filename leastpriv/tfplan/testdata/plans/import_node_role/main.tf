# An existing node role is brought under management with an import block, and a new inline
# policy grants it DynamoDB item reads.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

import {
  to = aws_iam_role.node
  id = "eks-node"
}
resource "aws_iam_role" "node" {
  name = "eks-node"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy" "orders" {
  name   = "orders"
  role   = aws_iam_role.node.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:Query"]
      Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/orders"
    }]
  })
}
