# The grant's policy comes from data.aws_iam_policy_document whose inputs are all known, so it is
# read during plan and appears in prior_state only.

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

data "aws_iam_policy_document" "orders" {
  statement {
    sid       = "Orders"
    actions   = ["dynamodb:GetItem", "dynamodb:Query"]
    resources = ["arn:aws:dynamodb:us-west-2:123456789012:table/orders"]
  }
}

resource "aws_iam_role_policy" "node_dynamodb" {
  name   = "orders"
  role   = aws_iam_role.node.name
  policy = data.aws_iam_policy_document.orders.json
}
