# Node roles recognised from other evidence than a plain EC2 trust: a role in an instance profile
# created by a module (the role's trust is only ssm), a HYBRID_LINUX access entry, a role whose
# trust lists several services in a list with ec2, and an Auto Mode cluster's node role. Each gets a
# DynamoDB grant (PI001). A role trusting only ssm with a STANDARD access entry and the same grant
# is not a node role.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
locals {
  ssm_trust = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ssm.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
  grant = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "dynamodb:Scan", Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/orders" }]
  })
}
resource "aws_iam_role" "karpenter" {
  name               = "karpenter-node"
  assume_role_policy = local.ssm_trust
}
module "profile" {
  source    = "./modules/profile"
  role_name = aws_iam_role.karpenter.name
}
resource "aws_iam_role_policy" "karpenter" {
  name   = "orders"
  role   = aws_iam_role.karpenter.id
  policy = local.grant
}
resource "aws_iam_role" "hybrid" {
  name_prefix        = "hybrid-"
  assume_role_policy = local.ssm_trust
}
resource "aws_eks_access_entry" "hybrid" {
  cluster_name  = "eks-workshop"
  principal_arn = aws_iam_role.hybrid.arn
  type          = "HYBRID_LINUX"
}
resource "aws_iam_role_policy" "hybrid" {
  name   = "orders"
  role   = aws_iam_role.hybrid.name
  policy = local.grant
}
resource "aws_iam_role" "multi" {
  name = "multi-service"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = ["lambda.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com"] }
      Action    = ["sts:AssumeRole"]
    }]
  })
}
resource "aws_iam_role_policy" "multi" {
  name   = "orders"
  role   = aws_iam_role.multi.name
  policy = local.grant
}
resource "aws_iam_role" "auto" {
  name               = "auto-mode-node"
  assume_role_policy = local.ssm_trust
}
resource "aws_iam_role" "cluster" {
  name = "eks-cluster"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "eks.amazonaws.com" }, Action = ["sts:AssumeRole", "sts:TagSession"] }]
  })
}
resource "aws_eks_cluster" "auto" {
  name     = "auto"
  role_arn = aws_iam_role.cluster.arn
  compute_config {
    enabled       = true
    node_pools    = ["general-purpose"]
    node_role_arn = aws_iam_role.auto.arn
  }
}
resource "aws_iam_policy" "orders" {
  name   = "orders-scan"
  policy = local.grant
}
resource "aws_iam_role_policy_attachment" "auto" {
  role       = aws_iam_role.auto.name
  policy_arn = aws_iam_policy.orders.arn
}
resource "aws_iam_role" "admin" {
  name               = "ssm-admin"
  assume_role_policy = local.ssm_trust
}
resource "aws_eks_access_entry" "admin" {
  cluster_name  = "auto"
  principal_arn = aws_iam_role.admin.arn
}
resource "aws_iam_role_policy" "admin" {
  name   = "orders"
  role   = aws_iam_role.admin.name
  policy = local.grant
}
