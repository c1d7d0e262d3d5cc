# A node group with create_before_destroy is renamed, so the plan creates the new group first and
# deletes the old (deposed) one. Its role, trusted only by ssm (a node role through the node
# group), keeps a DynamoDB grant: PI001. The launch template has hop limit 1.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

variable "group_name" {
  default = "green"
}
resource "aws_iam_role" "node" {
  name = "eks-node"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ssm.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}
resource "aws_iam_role_policy" "orders" {
  name = "orders"
  role = aws_iam_role.node.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "dynamodb:BatchWriteItem", Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/orders" }]
  })
}
resource "aws_launch_template" "locked" {
  name = "locked"
  metadata_options {
    http_put_response_hop_limit = 1
  }
}
resource "aws_eks_node_group" "default" {
  cluster_name    = "eks-workshop"
  node_group_name = var.group_name
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = ["subnet-0a1b2c3d"]
  launch_template {
    id      = aws_launch_template.locked.id
    version = "$Latest"
  }
  lifecycle {
    create_before_destroy = true
  }
}
