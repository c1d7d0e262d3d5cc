# Node groups and their launch templates: "byname" refers to a hop-limit-1 template by name with a
# numeric version (clean); "tokens_optional" to a template with hop limit 1 but http_tokens
# optional (hop limit 1 still keeps pods out: clean); "unset" to a template with a metadata_options
# block that does not set the hop limit (PI007); "nometa" to a template without metadata_options
# (PI007); "hop3" to a template by name with hop limit 3 (PI007).
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

resource "aws_iam_role" "node" {
  name = "eks-node"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_launch_template" "hop1" {
  name = "hop1"
  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }
}
resource "aws_launch_template" "optional" {
  name = "optional"
  metadata_options {
    http_tokens                 = "optional"
    http_put_response_hop_limit = 1
  }
}
resource "aws_launch_template" "unset" {
  name = "unset"
  metadata_options {
    http_tokens = "required"
  }
}
resource "aws_launch_template" "nometa" {
  name          = "nometa"
  instance_type = "m6i.large"
}
resource "aws_launch_template" "hop3" {
  name = "hop3"
  metadata_options {
    http_put_response_hop_limit = 3
  }
}
resource "aws_eks_node_group" "byname" {
  cluster_name    = "eks-workshop"
  node_group_name = "byname"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = ["subnet-0a1b2c3d"]
  launch_template {
    name    = aws_launch_template.hop1.name
    version = aws_launch_template.hop1.latest_version
  }
}
resource "aws_eks_node_group" "tokens_optional" {
  cluster_name    = "eks-workshop"
  node_group_name = "tokens-optional"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = ["subnet-0a1b2c3d"]
  launch_template {
    id      = aws_launch_template.optional.id
    version = "$Default"
  }
}
resource "aws_eks_node_group" "unset" {
  cluster_name    = "eks-workshop"
  node_group_name = "unset"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = ["subnet-0a1b2c3d"]
  launch_template {
    name    = aws_launch_template.unset.name
    version = "$Latest"
  }
}
resource "aws_eks_node_group" "nometa" {
  cluster_name    = "eks-workshop"
  node_group_name = "nometa"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = ["subnet-0a1b2c3d"]
  launch_template {
    id      = aws_launch_template.nometa.id
    version = "$Latest"
  }
}
resource "aws_eks_node_group" "hop3" {
  cluster_name    = "eks-workshop"
  node_group_name = "hop3"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = ["subnet-0a1b2c3d"]
  launch_template {
    name    = "hop3"
    version = "1"
  }
  depends_on = [aws_launch_template.hop3]
}
