# A node role with a path (/eks/): its ARN is arn:aws:iam::123456789012:role/eks/eks-nodes. The node
# group names the role by that literal ARN and the DynamoDB grant by its literal name, so only the
# name (the ARN's last path element) ties them together. The carts role, at /workloads/, is clean.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

resource "aws_iam_role" "node" {
  name               = "eks-nodes"
  path               = "/eks/"
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
  node_role_arn   = "arn:aws:iam::123456789012:role/eks/eks-nodes"
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

resource "aws_iam_role_policy" "node_orders" {
  name = "orders"
  role = "eks-nodes"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["dynamodb:GetItem"], Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/orders" }]
  })
  depends_on = [aws_iam_role.node]
}

resource "aws_iam_role" "carts" {
  name               = "carts"
  path               = "/workloads/"
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

resource "aws_iam_role_policy" "carts" {
  name = "carts"
  role = "carts"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["dynamodb:GetItem", "dynamodb:PutItem"], Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/carts" }]
  })
  depends_on = [aws_iam_role.carts]
}

resource "aws_eks_pod_identity_association" "carts" {
  cluster_name    = "eks-workshop"
  namespace       = "carts"
  service_account = "carts"
  role_arn        = "arn:aws:iam::123456789012:role/workloads/carts"
  depends_on      = [aws_iam_role.carts]
}
