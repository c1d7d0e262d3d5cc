# Node groups whose role is one instance of a for_each role, chosen without the node group's own
# key: "batch" runs on the "web" role (lookup with a constant key), "gpu" on values(...)[0], which
# is the "api" role (keys sort). Roles trust only pods, so only the node groups make them node
# roles. Every role gets a DynamoDB grant from aws_iam_role_policy.pool[each.key].
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
locals {
  pod_trust = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "pods.eks.amazonaws.com" }
      Action    = ["sts:AssumeRole", "sts:TagSession"]
      Condition = { StringEquals = { "aws:RequestTag/kubernetes-namespace" = "a", "aws:RequestTag/kubernetes-service-account" = "a" } }
    }]
  })
}
resource "aws_iam_role" "pool" {
  for_each           = toset(["api", "batch", "web", "gpu"])
  name_prefix        = "${each.key}-"
  assume_role_policy = local.pod_trust
}
resource "aws_iam_role_policy" "pool" {
  for_each = aws_iam_role.pool
  name     = "orders"
  role     = each.value.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "dynamodb:GetItem", Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/orders" }]
  })
}
resource "aws_launch_template" "locked" {
  name = "locked"
  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }
}
resource "aws_eks_node_group" "pool" {
  for_each        = toset(["batch", "gpu"])
  cluster_name    = "eks-workshop"
  node_group_name = each.key
  node_role_arn   = each.key == "batch" ? lookup({ for k, r in aws_iam_role.pool : k => r.arn }, "web") : values(aws_iam_role.pool)[0].arn
  subnet_ids      = ["subnet-0a1b2c3d"]
  launch_template {
    id      = aws_launch_template.locked.id
    version = "$Latest"
  }
}
