# A role that trusts only another account's role is registered as an EC2_LINUX access entry (so it
# is a node role) and has a DynamoDB grant; a STANDARD access entry for an admin role with the
# same grant is fine.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

resource "aws_iam_role" "hybrid" {
  name               = "hybrid-nodes"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ssm.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_eks_access_entry" "hybrid" {
  cluster_name  = "eks-workshop"
  principal_arn = aws_iam_role.hybrid.arn
  type          = "EC2_LINUX"
}

resource "aws_iam_role_policy" "hybrid_dynamodb" {
  name   = "orders"
  role   = aws_iam_role.hybrid.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
      Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/orders"
    }]
  })
}

resource "aws_iam_role" "admin" {
  name               = "eks-admin"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:root" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_eks_access_entry" "admin" {
  cluster_name  = "eks-workshop"
  principal_arn = aws_iam_role.admin.arn
  type          = "STANDARD"
}

resource "aws_iam_role_policy" "admin_dynamodb" {
  name   = "orders"
  role   = aws_iam_role.admin.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
      Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/orders"
    }]
  })
}
