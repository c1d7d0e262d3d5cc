# podidentity_least_privilege is pointed at the node role with existing_role_name, so its DynamoDB
# policy lands on the node role.

terraform {
  required_providers {
    aws         = { source = "hashicorp/aws" }
    podidentity = { source = "eks-podidentity/podidentity" }
  }
}
resource "aws_iam_role" "node" {
  name               = "eks-workshop-node"
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

resource "podidentity_least_privilege" "carts" {
  cluster_name       = "eks-workshop"
  namespace          = "carts"
  service_account    = "carts"
  existing_role_name = aws_iam_role.node.name
  policy_json        = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
      Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/orders"
    }]
  })
}
