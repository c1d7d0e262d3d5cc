# The node-role grant's policy comes from a sensitive variable, and a second grant's role name
# from a sensitive variable: the plan marks both values sensitive (after_sensitive) but they are
# known, and both grants reach the node role.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

variable "policy" {
  type      = string
  sensitive = true
  default   = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"dynamodb:PutItem\",\"Resource\":\"arn:aws:dynamodb:us-west-2:123456789012:table/orders\"}]}"
}
variable "role_name" {
  type      = string
  sensitive = true
  default   = "eks-node"
}
resource "aws_iam_role" "node" {
  name = "eks-node"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy" "secret_policy" {
  name   = "orders"
  role   = aws_iam_role.node.name
  policy = var.policy
}
resource "aws_iam_role_policy" "secret_role" {
  name       = "orders-read"
  role       = var.role_name
  policy     = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:Query"]
      Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/orders"
    }]
  })
  depends_on = [aws_iam_role.node]
}
