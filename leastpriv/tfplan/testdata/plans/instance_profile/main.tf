# A self-managed node role is only identified through its instance profile (its trust policy is
# also EC2) and gets a DynamoDB grant.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

resource "aws_iam_role" "self_managed" {
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = ["ec2.amazonaws.com"] }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_instance_profile" "self_managed" {
  name = "self-managed-nodes"
  role = aws_iam_role.self_managed.name
}

resource "aws_iam_role_policy" "self_managed_dynamodb" {
  name   = "orders"
  role   = aws_iam_role.self_managed.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
      Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/orders"
    }]
  })
}
