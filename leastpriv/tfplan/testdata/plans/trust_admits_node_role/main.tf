# The issue's case: the carts Pod Identity role's trust admits pods.eks.amazonaws.com (scoped) and
# also the node role's ARN as an AWS principal, so every pod on the nodes can assume it. The node
# role comes from a module output and is created by this plan, so the trust document is unknown at
# plan time; its configuration refers to the node role. The orders role's trust admits the account
# root, but the node role may not call sts:AssumeRole, so it stays a plain Pod Identity role.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

module "nodes" {
  source = "./modules/nodes"
}

data "aws_iam_policy_document" "carts_trust" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "Service"
      identifiers = ["pods.eks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/kubernetes-namespace"
      values   = ["carts"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/kubernetes-service-account"
      values   = ["carts"]
    }
  }
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = [module.nodes.node_role_arn]
    }
  }
}

resource "aws_iam_role" "carts" {
  name               = "eks-workshop-carts"
  assume_role_policy = data.aws_iam_policy_document.carts_trust.json
}

resource "aws_iam_role_policy" "carts" {
  name = "carts-dynamodb"
  role = aws_iam_role.carts.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["dynamodb:GetItem", "dynamodb:PutItem"], Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/eks-workshop-carts" }]
  })
}

resource "aws_eks_pod_identity_association" "carts" {
  cluster_name    = "eks-workshop"
  namespace       = "carts"
  service_account = "carts"
  role_arn        = aws_iam_role.carts.arn
}

resource "aws_iam_role" "orders" {
  name = "eks-workshop-orders"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Principal = { Service = "pods.eks.amazonaws.com" }, Action = ["sts:AssumeRole", "sts:TagSession"],
      Condition = { StringEquals = { "aws:RequestTag/kubernetes-namespace" = "orders", "aws:RequestTag/kubernetes-service-account" = "orders" } } },
      { Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:root" }, Action = "sts:AssumeRole" },
    ]
  })
}

resource "aws_iam_role_policy" "orders" {
  name = "orders-dynamodb"
  role = aws_iam_role.orders.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["dynamodb:GetItem"], Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/orders" }]
  })
}
