# Roles with name_prefix (name and ARN unknown at plan time), referred to as .name, .id and .arn.
# The node role gets DynamoDB through an inline policy on .name and an attachment on .id; the orders
# Pod Identity role (also name_prefix) gets its grant on .id and its association on .arn.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

resource "aws_iam_role" "node" {
  name_prefix        = "eks-nodes-"
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
  node_group_name = "default"
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
}

resource "aws_iam_policy" "orders_read" {
  name_prefix = "orders-read-"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["dynamodb:GetItem", "dynamodb:Query"], Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/orders" }]
  })
}

resource "aws_iam_role_policy" "node_by_name" {
  name = "orders-write"
  role = aws_iam_role.node.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "dynamodb:PutItem", Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/orders" }]
  })
}

resource "aws_iam_role_policy_attachment" "node_by_id" {
  role       = aws_iam_role.node.id
  policy_arn = aws_iam_policy.orders_read.arn
}

resource "aws_iam_role" "orders" {
  name_prefix        = "orders-"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "pods.eks.amazonaws.com" }
      Action    = ["sts:AssumeRole", "sts:TagSession"]
      Condition = {
        StringEquals = {
          "aws:RequestTag/kubernetes-namespace"       = "orders"
          "aws:RequestTag/kubernetes-service-account" = "orders"
        }
      }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "orders_by_id" {
  role       = aws_iam_role.orders.id
  policy_arn = aws_iam_policy.orders_read.arn
}

resource "aws_eks_pod_identity_association" "orders" {
  cluster_name    = "eks-workshop"
  namespace       = "orders"
  service_account = "orders"
  role_arn        = aws_iam_role.orders.arn
}
