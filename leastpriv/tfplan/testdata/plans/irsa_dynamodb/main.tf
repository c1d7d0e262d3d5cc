# IRSA roles (federated trust in the cluster's OIDC provider, sts:AssumeRoleWithWebIdentity) with
# DynamoDB access: carts only has the IRSA trust (not a node role, clean); orders has the same
# trust but its role was also put in an instance profile for a batch host (a node role by the
# profile: PI001); the node role itself has only the EKS policies.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

resource "aws_iam_openid_connect_provider" "eks" {
  url             = "https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"]
}

data "aws_iam_policy_document" "irsa" {
  for_each = toset(["carts", "orders"])
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.eks.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub"
      values   = ["system:serviceaccount:${each.key}:${each.key}"]
    }
    condition {
      test     = "StringEquals"
      variable = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "irsa" {
  for_each           = toset(["carts", "orders"])
  name               = "eks-workshop-${each.key}-irsa"
  assume_role_policy = data.aws_iam_policy_document.irsa[each.key].json
}

resource "aws_iam_role_policy" "irsa" {
  for_each = aws_iam_role.irsa
  name     = "dynamodb"
  role     = each.value.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
      Resource = ["arn:aws:dynamodb:us-west-2:123456789012:table/${each.key}", "arn:aws:dynamodb:us-west-2:123456789012:table/${each.key}/index/*"]
    }]
  })
}

resource "aws_iam_instance_profile" "batch" {
  name = "orders-batch"
  role = aws_iam_role.irsa["orders"].name
}

resource "aws_iam_role" "node" {
  name = "eks-workshop-node"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy_attachment" "node" {
  for_each   = toset(["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly", "AmazonEKS_CNI_Policy"])
  role       = aws_iam_role.node.name
  policy_arn = "arn:aws:iam::aws:policy/${each.key}"
}
