# Two node groups: one uses a launch template with an IMDS hop limit of 2 (pods reach IMDS and the
# node role's credentials), the other a hop limit of 1; a third has IMDS disabled.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
resource "aws_iam_role" "node" {
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}
resource "aws_launch_template" "hop1" {
  name = "hop1"
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }
}
resource "aws_launch_template" "hop2" {
  name = "hop2"
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
  }
}

resource "aws_launch_template" "disabled" {
  name = "disabled"
  metadata_options {
    http_endpoint               = "disabled"
    http_put_response_hop_limit = 2
  }
}

resource "aws_eks_node_group" "open" {
  cluster_name    = "eks-workshop"
  node_group_name = "open"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
  launch_template {
    id      = aws_launch_template.hop2.id
    version = "$Latest"
  }
  scaling_config {
    desired_size = 3
    max_size     = 6
    min_size     = 3
  }
}
resource "aws_eks_node_group" "locked" {
  cluster_name    = "eks-workshop"
  node_group_name = "locked"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
  launch_template {
    id      = aws_launch_template.hop1.id
    version = "$Latest"
  }
  scaling_config {
    desired_size = 3
    max_size     = 6
    min_size     = 3
  }
}
resource "aws_eks_node_group" "noimds" {
  cluster_name    = "eks-workshop"
  node_group_name = "noimds"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
  launch_template {
    id      = aws_launch_template.disabled.id
    version = "$Latest"
  }
  scaling_config {
    desired_size = 3
    max_size     = 6
    min_size     = 3
  }
}
