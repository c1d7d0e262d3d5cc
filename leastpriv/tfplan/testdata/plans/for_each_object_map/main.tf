# Node pools and table grants driven by maps of objects. Node roles use name_prefix, so their names
# and ARNs are unknown at plan time. The grants pick their role with each.value.role_key (not the
# grant's own key): "batch-orders" reaches the batch pool's node role, "carts-app" the carts Pod
# Identity role.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

variable "node_pools" {
  type = map(object({ instance_types = list(string), desired = number }))
  default = {
    general = { instance_types = ["m6i.large"], desired = 3 }
    batch   = { instance_types = ["c6i.xlarge"], desired = 1 }
  }
}

variable "table_grants" {
  type = map(object({ role_key = string, kind = string, table = string, actions = list(string) }))
  default = {
    batch-orders = { role_key = "batch", kind = "node", table = "orders", actions = ["dynamodb:Query", "dynamodb:GetItem"] }
    carts-app    = { role_key = "carts", kind = "pod", table = "eks-workshop-carts", actions = ["dynamodb:GetItem", "dynamodb:PutItem"] }
  }
}

resource "aws_iam_role" "node" {
  for_each    = var.node_pools
  name_prefix = "eks-${each.key}-"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_eks_node_group" "pool" {
  for_each        = var.node_pools
  cluster_name    = "eks-workshop"
  node_group_name = each.key
  node_role_arn   = aws_iam_role.node[each.key].arn
  instance_types  = each.value.instance_types
  subnet_ids      = ["subnet-0a1b2c3d"]
  scaling_config {
    desired_size = each.value.desired
    max_size     = each.value.desired * 2
    min_size     = 1
  }
}

resource "aws_iam_role" "pod" {
  for_each    = toset(["carts"])
  name_prefix = "pod-${each.key}-"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "pods.eks.amazonaws.com" }
      Action    = ["sts:AssumeRole", "sts:TagSession"]
      Condition = {
        StringEquals = {
          "aws:RequestTag/kubernetes-namespace"       = each.key
          "aws:RequestTag/kubernetes-service-account" = each.key
        }
      }
    }]
  })
}

resource "aws_eks_pod_identity_association" "pod" {
  for_each        = aws_iam_role.pod
  cluster_name    = "eks-workshop"
  namespace       = each.key
  service_account = each.key
  role_arn        = each.value.arn
}

resource "aws_iam_role_policy" "node_grant" {
  for_each = { for k, v in var.table_grants : k => v if v.kind == "node" }
  name     = each.key
  role     = aws_iam_role.node[each.value.role_key].id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = each.value.actions, Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/${each.value.table}" }]
  })
}

resource "aws_iam_role_policy" "pod_grant" {
  for_each = { for k, v in var.table_grants : k => v if v.kind == "pod" }
  name     = each.key
  role     = aws_iam_role.pod[each.value.role_key].name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = each.value.actions, Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/${each.value.table}" }]
  })
}
