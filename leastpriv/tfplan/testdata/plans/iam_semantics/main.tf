# IAM semantics through a real plan (round 4). Node roles trust ec2.amazonaws.com.
#   n_below:      GetItem+PutItem on table/orders/*: both only act on tables, whose names hold no
#                 "/", so AWS allows nothing: clean.
#   n_region:     GetItem on arn:aws:dynamodb:*:ACCOUNT:table/orders (any region): PI001, PI002.
#   n_prefix:     GetItem on table/orders* (also orders-archive): PI001, PI002.
#   n_qmark:      "DynamoDB:Get?tem" on table/order? (case-insensitive action glob): PI001, PI002, PI003.
#   n_unicode:    Statement object with "dynamodb:\u002a" on "\u002a" (JSON escapes for *): PI001, PI002, PI003.
#   n_guard:      GetItem/Query/Scan on "*" (PI002) with a guard policy denying dynamodb:* on
#                 arn:aws:dynamodb:*:*:table/* (those actions only act on tables and indexes): no PI001.
#   n_deny_notres: GetItem on table/orders, Deny dynamodb:* with NotResource table/other: clean.
#   n_deny_narrow: GetItem on table/* (PI002), Deny only on table/orders: other tables remain, PI001.
#   n_vpce:       GetItem on table/orders with StringEquals aws:SourceVpce, Null and IfExists
#                 conditions: still a possible grant, PI001.
#   n_denyall:    AmazonDynamoDBFullAccess (PI002, PI003 on the attachment) with AWSDenyAll
#                 (AWS managed Deny * on *) on the same role: no PI001.
#   dual:         trusts ["ec2.amazonaws.com", "pods.eks.amazonaws.com"] (scoped): PI005.
#   pod:          Pod Identity role (scoped trust) with item and stream actions on the table and
#                 its streams, and dynamodb:ListStreams on "*" (it only accepts "*"): clean.
#   irsa:         federated (OIDC) trust with GetItem on table/orders: not a node role, clean.
#   anyone:       "AWS": "*" trust with an aws:PrincipalOrgID condition: admits the node roles (conditions aside): PI001.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

locals {
  account = "123456789012"
  orders  = "arn:aws:dynamodb:us-west-2:${local.account}:table/orders"
  ec2_trust = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
  pod_conditions = {
    StringEquals = {
      "aws:RequestTag/kubernetes-namespace"       = "orders"
      "aws:RequestTag/kubernetes-service-account" = "orders"
    }
  }
  node_policies = {
    n_below = { Effect = "Allow", Action = ["dynamodb:GetItem", "dynamodb:PutItem"], Resource = "${local.orders}/*" }
    n_region = {
      Effect   = "Allow"
      Action   = "dynamodb:GetItem"
      Resource = "arn:aws:dynamodb:*:${local.account}:table/orders"
    }
    n_prefix      = { Effect = "Allow", Action = "dynamodb:GetItem", Resource = "${local.orders}*" }
    n_qmark       = { Effect = "Allow", Action = "DynamoDB:Get?tem", Resource = "arn:aws:dynamodb:us-west-2:${local.account}:table/order?" }
    n_guard       = { Effect = "Allow", Action = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"], Resource = "*" }
    n_deny_notres = { Effect = "Allow", Action = "dynamodb:GetItem", Resource = local.orders }
    n_deny_narrow = { Effect = "Allow", Action = "dynamodb:GetItem", Resource = "arn:aws:dynamodb:us-west-2:${local.account}:table/*" }
    n_vpce = {
      Effect   = "Allow"
      Action   = "dynamodb:GetItem"
      Resource = local.orders
      Condition = {
        StringEquals          = { "aws:SourceVpce" = "vpce-0123456789abcdef0" }
        Null                  = { "aws:PrincipalTag/team" = "false" }
        StringEqualsIfExists  = { "aws:RequestedRegion" = "us-west-2" }
      }
    }
  }
  denies = {
    n_guard       = { Sid = "NoTables", Effect = "Deny", Action = "dynamodb:*", Resource = "arn:aws:dynamodb:*:*:table/*" }
    n_deny_notres = { Effect = "Deny", Action = "dynamodb:*", NotResource = "arn:aws:dynamodb:us-west-2:${local.account}:table/other" }
    n_deny_narrow = { Effect = "Deny", Action = "dynamodb:*", Resource = local.orders }
  }
}

resource "aws_iam_role" "node" {
  for_each           = toset(concat(keys(local.node_policies), ["n_unicode", "n_denyall"]))
  name               = replace(each.key, "_", "-")
  assume_role_policy = local.ec2_trust
}

resource "aws_iam_role_policy" "allow" {
  for_each = local.node_policies
  name     = "allow"
  role     = aws_iam_role.node[each.key].name
  policy   = jsonencode({ Version = "2012-10-17", Statement = [each.value] })
}

resource "aws_iam_role_policy" "deny" {
  for_each = local.denies
  name     = "deny"
  role     = aws_iam_role.node[each.key].name
  policy   = jsonencode({ Version = "2012-10-17", Statement = [each.value] })
}

resource "aws_iam_role_policy" "unicode" {
  name   = "unicode"
  role   = aws_iam_role.node["n_unicode"].name
  policy = file("${path.module}/unicode.json")
}

resource "aws_iam_role_policy_attachment" "full" {
  role       = aws_iam_role.node["n_denyall"].name
  policy_arn = "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"
}

resource "aws_iam_role_policy_attachment" "denyall" {
  role       = aws_iam_role.node["n_denyall"].name
  policy_arn = "arn:aws:iam::aws:policy/AWSDenyAll"
}

resource "aws_iam_role" "dual" {
  name = "dual"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = ["ec2.amazonaws.com", "pods.eks.amazonaws.com"] }
      Action    = ["sts:AssumeRole", "sts:TagSession"]
      Condition = local.pod_conditions
    }]
  })
}

resource "aws_iam_role" "pod" {
  name = "orders-pod"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "pods.eks.amazonaws.com" }
      Action    = ["sts:AssumeRole", "sts:TagSession"]
      Condition = local.pod_conditions
    }]
  })
}

resource "aws_iam_role_policy" "pod" {
  name = "orders"
  role = aws_iam_role.pod.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "Items", Effect = "Allow", Action = ["dynamodb:GetItem", "dynamodb:PutItem"], Resource = local.orders },
      { Sid = "Streams", Effect = "Allow", Action = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"], Resource = "${local.orders}/stream/*" },
      { Sid = "ResourceWildcardActions", Effect = "Allow", Action = "dynamodb:ListStreams", Resource = "*" },
    ]
  })
}

resource "aws_iam_role" "irsa" {
  name = "orders-irsa"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = "arn:aws:iam::${local.account}:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = { StringEquals = { "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub" = "system:serviceaccount:orders:orders" } }
    }]
  })
}

resource "aws_iam_role_policy" "irsa" {
  name   = "orders"
  role   = aws_iam_role.irsa.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "dynamodb:GetItem", Resource = local.orders }] })
}

resource "aws_iam_role" "anyone" {
  name = "orders-anyone"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-exampleorgid" } }
    }]
  })
}

resource "aws_iam_role_policy" "anyone" {
  name   = "orders"
  role   = aws_iam_role.anyone.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "dynamodb:GetItem", Resource = local.orders }] })
}
