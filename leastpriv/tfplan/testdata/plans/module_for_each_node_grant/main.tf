# DynamoDB access granted by a module called with for_each over maps of objects. module.access
# takes the role as aws_iam_role.node[each.value.pool].name: for "orders-batch" that is the batch
# pool's node role, whose name (name_prefix) is unknown at plan time. module.app_access takes
# each.value, a literal Pod Identity role name. module.legacy iterates over a map whose value is
# the general node role's generated name, which the plan's configuration cannot tie to a key.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

variable "access" {
  type = map(object({ pool = string, table = string, actions = list(string) }))
  default = {
    orders-batch = { pool = "batch", table = "orders", actions = ["dynamodb:Query", "dynamodb:BatchGetItem"] }
  }
}

variable "app_access" {
  type    = map(string)
  default = { carts = "eks-workshop-carts" }
}

resource "aws_iam_role" "node" {
  for_each    = toset(["general", "batch"])
  name_prefix = "eks-${each.key}-"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_launch_template" "nodes" {
  name = "nodes"
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }
}

resource "aws_eks_node_group" "pool" {
  for_each        = aws_iam_role.node
  cluster_name    = "eks-workshop"
  node_group_name = each.key
  node_role_arn   = each.value.arn
  subnet_ids      = ["subnet-0a1b2c3d"]
  launch_template {
    id      = aws_launch_template.nodes.id
    version = "$Latest"
  }
  scaling_config {
    desired_size = 2
    max_size     = 4
    min_size     = 1
  }
}

resource "aws_iam_role" "carts" {
  name = "eks-workshop-carts"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "pods.eks.amazonaws.com" }
      Action    = ["sts:AssumeRole", "sts:TagSession"]
      Condition = {
        StringEquals = {
          "aws:RequestTag/kubernetes-namespace"       = "carts"
          "aws:RequestTag/kubernetes-service-account" = "carts"
        }
      }
    }]
  })
}

resource "aws_eks_pod_identity_association" "carts" {
  cluster_name    = "eks-workshop"
  namespace       = "carts"
  service_account = "carts"
  role_arn        = aws_iam_role.carts.arn
}

module "access" {
  for_each  = var.access
  source    = "./modules/access"
  role_name = aws_iam_role.node[each.value.pool].name
  table     = each.value.table
  actions   = each.value.actions
}

module "app_access" {
  for_each  = var.app_access
  source    = "./modules/access"
  role_name = each.value
  table     = "eks-workshop-${each.key}"
  actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
  depends_on = [aws_iam_role.carts]
}

module "legacy" {
  for_each  = { general = aws_iam_role.node["general"].name }
  source    = "./modules/access"
  role_name = each.value
  table     = "legacy"
  actions   = ["dynamodb:Scan"]
}
