# Two node roles created with count, each with a node group and a DynamoDB grant selected with
# count.index; only one of the grants carries data actions.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

resource "aws_iam_role" "node" {
  count              = 2
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
  count           = 2
  cluster_name    = "eks-workshop"
  node_group_name = "pool-${count.index}"
  node_role_arn   = aws_iam_role.node[count.index].arn
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

resource "aws_iam_role_policy" "node_dynamodb" {
  name   = "orders"
  role   = aws_iam_role.node[1].name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
      Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/orders"
    }]
  })
}

resource "aws_iam_role_policy" "node_logs" {
  count  = 2
  name   = "logs"
  role   = aws_iam_role.node[count.index].name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["logs:PutLogEvents"]
      Resource = "*"
    }]
  })
}
