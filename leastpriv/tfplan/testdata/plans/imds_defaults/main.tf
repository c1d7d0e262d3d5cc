# Node groups that leave the IMDS hop limit to AWS's default: one without a launch template, one
# whose launch template sets metadata_options without a hop limit, and one whose hop limit is
# computed from a value unknown until apply.

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

resource "aws_launch_template" "tokens_only" {
  name = "tokens-only"
  metadata_options {
    http_tokens = "required"
  }
}

resource "aws_launch_template" "computed" {
  name = "computed"
  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = aws_iam_role.node.name == "" ? 2 : 1
  }
}

resource "aws_eks_node_group" "nolt" {
  cluster_name    = "eks-workshop"
  node_group_name = "nolt"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
  scaling_config {
    desired_size = 3
    max_size     = 6
    min_size     = 3
  }
}
resource "aws_eks_node_group" "unset" {
  cluster_name    = "eks-workshop"
  node_group_name = "unset"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
  launch_template {
    id      = aws_launch_template.tokens_only.id
    version = "$Latest"
  }
  scaling_config {
    desired_size = 3
    max_size     = 6
    min_size     = 3
  }
}
resource "aws_eks_node_group" "computed" {
  cluster_name    = "eks-workshop"
  node_group_name = "computed"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
  launch_template {
    id      = aws_launch_template.computed.id
    version = "$Latest"
  }
  scaling_config {
    desired_size = 3
    max_size     = 6
    min_size     = 3
  }
}
