# A -target plan (plan.args) of two grants: orders on the node role (trusted by EC2, pulled in
# as a dependency) and carts on a Pod Identity role. The third grant (untargeted, on the node
# role) and the pod role's association are not in this plan.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

resource "aws_iam_role" "node" {
  name = "eks-workshop-node"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

locals {
  orders_items = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
      Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/orders"
    }]
  })
  logs = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["logs:PutLogEvents"], Resource = "*" }]
  })
}

resource "aws_iam_role_policy" "orders" {
  name   = "orders"
  role   = aws_iam_role.node.name
  policy = local.orders_items
}

resource "aws_iam_role_policy" "untargeted" {
  name   = "untargeted"
  role   = aws_iam_role.node.name
  policy = replace(local.orders_items, "table/orders", "table/cache")
}

resource "aws_iam_role" "carts" {
  name = "carts"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "pods.eks.amazonaws.com" }
      Action    = ["sts:AssumeRole", "sts:TagSession"]
      Condition = { StringEquals = {
        "aws:RequestTag/kubernetes-namespace"       = "carts"
        "aws:RequestTag/kubernetes-service-account" = "carts"
      } }
    }]
  })
}

resource "aws_iam_role_policy" "carts" {
  name   = "carts"
  role   = aws_iam_role.carts.name
  policy = replace(local.orders_items, "table/orders", "table/carts")
}

resource "aws_eks_pod_identity_association" "carts" {
  cluster_name    = "eks-workshop"
  namespace       = "carts"
  service_account = "carts"
  role_arn        = aws_iam_role.carts.arn
}
