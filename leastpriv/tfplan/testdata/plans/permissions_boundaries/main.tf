# Node roles whose inline policy allows dynamodb:GetItem and dynamodb:PutItem on table/orders,
# each with a different permissions boundary. IAM allows a request only when both the identity
# policies and the boundary allow it (and no Deny in either applies).
#   s3_only:        boundary (customer managed, ARN unknown until apply) allows only S3: clean.
#   get_only:       boundary allows dynamodb:GetItem on table/orders: PI001 (GetItem only).
#   deny_ddb:       boundary allows "*" but denies dynamodb:*: clean. The boundary policy itself
#                   grants nothing (it is attached to no role), so PI002/PI003 do not apply to it.
#   cond_boundary:  boundary allows both actions only under a condition: PI001 (possible grant).
#   node["aws_s3_ro"]: boundary AmazonS3ReadOnlyAccess (AWS managed): clean.
#   node["aws_power"]: boundary PowerUserAccess (AWS managed, NotAction iam/organizations/account): PI001.
#   node["outside"]:   boundary is a policy that is not in the plan, so it cannot be read: PI001 (fail closed).
#   unknown_doc:    inline policy unknown until apply, boundary allows only S3: clean (no PI008).
#   unknown_doc_b:  inline policy unknown until apply, boundary outside the plan: PI008.
#   mixed["a"], mixed["b"]: boundary each.value over a map of two policies' ARNs, unknown until
#                   apply and not tied to one policy by the plan: the boundary cannot be read, PI001
#                   on both (fail closed).
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
  orders = "arn:aws:dynamodb:us-west-2:123456789012:table/orders"
  grant = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["dynamodb:GetItem", "dynamodb:PutItem"], Resource = local.orders }]
  })
  boundaries = {
    aws_s3_ro     = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    aws_power     = "arn:aws:iam::aws:policy/PowerUserAccess"
    outside       = "arn:aws:iam::123456789012:policy/team-boundary"
  }
  mixed = {
    a = aws_iam_policy.s3_only.arn
    b = aws_iam_policy.get_only.arn
  }
}

resource "aws_dynamodb_table" "late" {
  name = "late"
}

resource "aws_iam_policy" "s3_only" {
  name = "boundary-s3-only"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "arn:aws:s3:::logs/*" }]
  })
}

resource "aws_iam_policy" "get_only" {
  name = "boundary-get-only"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "dynamodb:GetItem", Resource = local.orders }]
  })
}

resource "aws_iam_policy" "deny_ddb" {
  name = "boundary-deny-dynamodb"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "Everything", Effect = "Allow", Action = "*", Resource = "*" },
      { Sid = "NoDynamoDB", Effect = "Deny", Action = "dynamodb:*", Resource = "*" },
    ]
  })
}

resource "aws_iam_policy" "cond_boundary" {
  name = "boundary-conditional"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = ["dynamodb:GetItem", "dynamodb:PutItem"]
      Resource  = local.orders
      Condition = { StringEquals = { "aws:RequestedRegion" = "us-west-2" } }
    }]
  })
}

resource "aws_iam_role" "node" {
  for_each             = local.boundaries
  name                 = "node-${replace(each.key, "_", "-")}"
  assume_role_policy   = local.ec2_trust
  permissions_boundary = each.value
}

resource "aws_iam_role_policy" "orders" {
  for_each = local.boundaries
  name     = "orders"
  role     = aws_iam_role.node[each.key].name
  policy   = local.grant
}

resource "aws_iam_role" "unknown_doc" {
  name                 = "node-unknown-doc"
  assume_role_policy   = local.ec2_trust
  permissions_boundary = aws_iam_policy.s3_only.arn
}

resource "aws_iam_role" "unknown_doc_b" {
  name                 = "node-unknown-doc-b"
  assume_role_policy   = local.ec2_trust
  permissions_boundary = "arn:aws:iam::123456789012:policy/team-boundary"
}

resource "aws_iam_role_policy" "late" {
  for_each = toset(["unknown_doc", "unknown_doc_b"])
  name     = "late"
  role     = each.key == "unknown_doc" ? aws_iam_role.unknown_doc.name : aws_iam_role.unknown_doc_b.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "dynamodb:GetItem", Resource = aws_dynamodb_table.late.arn }]
  })
}

resource "aws_iam_role" "s3_only" {
  name                 = "node-s3-only"
  assume_role_policy   = local.ec2_trust
  permissions_boundary = aws_iam_policy.s3_only.arn
}

resource "aws_iam_role" "get_only" {
  name                 = "node-get-only"
  assume_role_policy   = local.ec2_trust
  permissions_boundary = aws_iam_policy.get_only.arn
}

resource "aws_iam_role" "deny_ddb" {
  name                 = "node-deny-ddb"
  assume_role_policy   = local.ec2_trust
  permissions_boundary = aws_iam_policy.deny_ddb.arn
}

resource "aws_iam_role" "cond_boundary" {
  name                 = "node-cond-boundary"
  assume_role_policy   = local.ec2_trust
  permissions_boundary = aws_iam_policy.cond_boundary.arn
}

resource "aws_iam_role_policy" "s3_only" {
  name   = "orders"
  role   = aws_iam_role.s3_only.name
  policy = local.grant
}

resource "aws_iam_role_policy" "get_only" {
  name   = "orders"
  role   = aws_iam_role.get_only.name
  policy = local.grant
}

resource "aws_iam_role_policy" "deny_ddb" {
  name   = "orders"
  role   = aws_iam_role.deny_ddb.name
  policy = local.grant
}

resource "aws_iam_role_policy" "cond_boundary" {
  name   = "orders"
  role   = aws_iam_role.cond_boundary.name
  policy = local.grant
}

resource "aws_iam_role" "mixed" {
  for_each             = local.mixed
  name                 = "node-mixed-${each.key}"
  assume_role_policy   = local.ec2_trust
  permissions_boundary = each.value
}

resource "aws_iam_role_policy" "mixed" {
  for_each = local.mixed
  name     = "orders"
  role     = aws_iam_role.mixed[each.key].name
  policy   = local.grant
}
