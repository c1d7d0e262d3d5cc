# Trust policies with wildcard principals and Denies, each role with the same DynamoDB item
# grant on the orders table (inline):
#   star:          Principal "*": every principal, ec2.amazonaws.com included: a node role (PI001).
#   aws_star_ip:   {"AWS": "*"} (IAM principals only, not EC2), but in an instance profile: a node
#                  role by the profile (PI001).
#   star_ip:       Principal "*" and in an instance profile (PI001).
#   aws_star:      {"AWS": "*"} alone: not EC2 trust, but it admits the node roles of the plan: PI001.
#   ec2_denied:    Pod Identity role whose trust allows ec2 and pods but denies ec2
#                  unconditionally: not a node role (clean, no PI005).
#   deny_cond:     Allow ec2, Deny ec2 with a Condition: still a node role (PI001).
#   star_pods:     Principal "*" role used by a Pod Identity association: PI005 (and PI001).
#   not_principal: Allow with NotPrincipal naming one account: admits EC2 (PI001).

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

locals {
  pods_scoped = {
    Effect    = "Allow"
    Principal = { Service = "pods.eks.amazonaws.com" }
    Action    = ["sts:AssumeRole", "sts:TagSession"]
    Condition = { StringEquals = {
      "aws:RequestTag/kubernetes-namespace"       = "orders"
      "aws:RequestTag/kubernetes-service-account" = "orders"
    } }
  }
  trusts = {
    star        = [{ Effect = "Allow", Principal = "*", Action = "sts:AssumeRole" }]
    aws_star_ip = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "sts:AssumeRole" }]
    star_ip     = [{ Effect = "Allow", Principal = "*", Action = ["sts:AssumeRole", "sts:TagSession"] }]
    aws_star    = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "sts:AssumeRole" }]
    ec2_denied = [
      local.pods_scoped,
      { Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" },
      { Effect = "Deny", Principal = { Service = ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] }, Action = "sts:AssumeRole" },
    ]
    deny_cond = [
      { Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" },
      { Effect = "Deny", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole",
      Condition = { StringNotEquals = { "aws:SourceAccount" = "123456789012" } } },
    ]
    star_pods     = [{ Effect = "Allow", Principal = "*", Action = ["sts:AssumeRole", "sts:TagSession"] }]
    not_principal = [{ Effect = "Allow", NotPrincipal = { AWS = "arn:aws:iam::210987654321:root" }, Action = "sts:AssumeRole" }]
  }
}

resource "aws_iam_role" "r" {
  for_each           = local.trusts
  name               = "trust-${replace(each.key, "_", "-")}"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = each.value })
}

resource "aws_iam_role_policy" "orders" {
  for_each = local.trusts
  name     = "orders"
  role     = aws_iam_role.r[each.key].name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:Query"]
      Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/orders"
    }]
  })
}

resource "aws_iam_instance_profile" "aws_star_ip" {
  name = "trust-aws-star-ip"
  role = aws_iam_role.r["aws_star_ip"].name
}

resource "aws_iam_instance_profile" "star_ip" {
  name = "trust-star-ip"
  role = aws_iam_role.r["star_ip"].name
}

resource "aws_eks_pod_identity_association" "star_pods" {
  cluster_name    = "eks-workshop"
  namespace       = "orders"
  service_account = "orders"
  role_arn        = aws_iam_role.r["star_pods"].arn
}

resource "aws_eks_pod_identity_association" "ec2_denied" {
  cluster_name    = "eks-workshop"
  namespace       = "orders"
  service_account = "orders"
  role_arn        = aws_iam_role.r["ec2_denied"].arn
}
