# Node roles and grants created with for_each; the grant for the "gpu" pool refers to
# aws_iam_role.node[each.key].

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

locals {
  pools = {
    general = ["dynamodb:DescribeTable"]
    gpu     = ["dynamodb:GetItem", "dynamodb:Scan"]
  }
}

resource "aws_iam_role" "node" {
  for_each           = local.pools
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
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
  for_each        = local.pools
  cluster_name    = "eks-workshop"
  node_group_name = each.key
  node_role_arn   = aws_iam_role.node[each.key].arn
  subnet_ids      = ["subnet-0a1b2c3d"]
  launch_template {
    id      = aws_launch_template.nodes.id
    version = "$Latest"
  }
  scaling_config {
    desired_size = 1
    max_size     = 2
    min_size     = 1
  }
}

resource "aws_iam_role_policy" "grant" {
  for_each = local.pools
  name     = "dynamodb"
  role     = aws_iam_role.node[each.key].name
  policy   = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = each.value, Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/orders" }]
  })
}
