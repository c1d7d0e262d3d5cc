# Roles created with count and for_each; node groups pick their role by a constant index and
# with lookup() from a map keyed like the node groups. The grant goes to the role named
# "batch" (for_each) and to roles[1] (count), both node roles; roles[0] and "web" get a grant too
# but roles[0] is only a pod role (no node group uses it). Expected: PI001 on the two grants that
# reach node roles.
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
  pod_trust = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "pods.eks.amazonaws.com" }
      Action    = ["sts:AssumeRole", "sts:TagSession"]
      Condition = { StringEquals = { "aws:RequestTag/kubernetes-namespace" = "a", "aws:RequestTag/kubernetes-service-account" = "a" } }
    }]
  })
  grant = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "dynamodb:GetItem", Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/orders" }]
  })
}
resource "aws_iam_role" "counted" {
  count              = 2
  name               = "counted-${count.index}"
  assume_role_policy = count.index == 0 ? local.pod_trust : local.pod_trust
}
resource "aws_eks_node_group" "counted" {
  count           = 1
  cluster_name    = "eks-workshop"
  node_group_name = "counted-${count.index}"
  node_role_arn   = aws_iam_role.counted[1].arn
  subnet_ids      = ["subnet-0a1b2c3d"]
}
resource "aws_iam_role_policy" "counted" {
  count  = 2
  name   = "orders"
  role   = aws_iam_role.counted[count.index].name
  policy = local.grant
}
resource "aws_iam_role" "pool" {
  for_each           = toset(["batch", "web"])
  name_prefix        = "${each.key}-"
  assume_role_policy = local.pod_trust
}
resource "aws_eks_node_group" "pool" {
  for_each        = toset(["batch"])
  cluster_name    = "eks-workshop"
  node_group_name = each.key
  node_role_arn   = lookup({ for k, r in aws_iam_role.pool : k => r.arn }, each.key)
  subnet_ids      = ["subnet-0a1b2c3d"]
}
resource "aws_iam_role_policy" "pool" {
  for_each = aws_iam_role.pool
  name     = "orders"
  role     = each.value.id
  policy   = local.grant
}
