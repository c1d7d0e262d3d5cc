# Three node roles. "tagged": Allow with a Condition (still a possible grant). "conddeny": Allow
# plus a Deny with a Condition (not a guaranteed denial). "denied": Allow plus an unconditional
# Deny on dynamodb:* for every table, in another inline policy (clean).
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

locals {
  ec2_trust = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
  allow = {
    Effect   = "Allow"
    Action   = ["dynamodb:GetItem", "dynamodb:Query"]
    Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/orders"
  }
}
resource "aws_iam_role" "tagged" {
  name               = "node-tagged"
  assume_role_policy = local.ec2_trust
}
resource "aws_iam_role" "conddeny" {
  name               = "node-conddeny"
  assume_role_policy = local.ec2_trust
}
resource "aws_iam_role" "denied" {
  name               = "node-denied"
  assume_role_policy = local.ec2_trust
}
resource "aws_iam_role_policy" "tagged" {
  name = "orders"
  role = aws_iam_role.tagged.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [merge(local.allow, { Condition = { StringEquals = { "aws:PrincipalTag/team" = "orders" } } })]
  })
}
resource "aws_iam_role_policy" "conddeny" {
  name = "orders"
  role = aws_iam_role.conddeny.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      local.allow,
      {
        Effect    = "Deny"
        Action    = "dynamodb:*"
        Resource  = "*"
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}
resource "aws_iam_role_policy" "denied_allow" {
  name   = "orders"
  role   = aws_iam_role.denied.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [local.allow] })
}
resource "aws_iam_role_policy" "denied_deny" {
  name = "no-dynamodb"
  role = aws_iam_role.denied.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Deny", Action = "dynamodb:*", Resource = "arn:aws:dynamodb:*:*:table/*" }]
  })
}
