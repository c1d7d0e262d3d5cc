# A node group is replaced (node_group_name forces a new one: delete and create) while it keeps its
# node role, which already has a DynamoDB grant in the prior state. The carts Pod Identity role's
# grant is clean.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

variable "node_group_name" {
  type    = string
  default = "default-v2"
}

resource "aws_iam_role" "node" {
  name               = "eks-workshop-node"
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

resource "aws_eks_node_group" "default" {
  cluster_name    = "eks-workshop"
  node_group_name = var.node_group_name
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
  launch_template {
    id      = aws_launch_template.nodes.id
    version = "$Latest"
  }
  scaling_config {
    desired_size = 3
    max_size     = 6
    min_size     = 3
  }
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_iam_role_policy" "node_orders" {
  name = "orders"
  role = aws_iam_role.node.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["dynamodb:Query"], Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/orders" }]
  })
}

resource "aws_iam_role" "carts" {
  name = "eks-workshop-carts"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "pods.eks.amazonaws.com" }
      Action    = ["sts:AssumeRole", "sts:TagSession"]
      Condition = { StringEquals = { "aws:RequestTag/kubernetes-namespace" = "carts", "aws:RequestTag/kubernetes-service-account" = "carts" } }
    }]
  })
}

resource "aws_iam_role_policy" "carts" {
  name = "carts"
  role = aws_iam_role.carts.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["dynamodb:GetItem", "dynamodb:PutItem"], Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/eks-workshop-carts" }]
  })
}
