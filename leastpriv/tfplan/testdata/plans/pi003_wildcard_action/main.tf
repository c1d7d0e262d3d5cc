# A pod identity role is allowed dynamodb:* on its table.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
resource "aws_iam_role" "carts" {
  name               = "carts"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "pods.eks.amazonaws.com" }
      Action    = ["sts:AssumeRole", "sts:TagSession"]
      Condition = {
        StringEquals = {
          "aws:RequestTag/eks-cluster-name"           = "eks-workshop"
          "aws:RequestTag/kubernetes-namespace"       = "carts"
          "aws:RequestTag/kubernetes-service-account" = "carts"
        }
      }
    }]
  })
}

resource "aws_iam_role_policy" "carts" {
  name   = "dynamodb"
  role   = aws_iam_role.carts.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "dynamodb:*"
      Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/orders"
    }]
  })
}

resource "aws_eks_pod_identity_association" "carts" {
  cluster_name    = "eks-workshop"
  namespace       = "carts"
  service_account = "carts"
  role_arn        = aws_iam_role.carts.arn
}
