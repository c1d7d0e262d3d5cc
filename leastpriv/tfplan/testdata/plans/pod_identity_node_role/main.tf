# A Pod Identity association (aws_eks_pod_identity_association) whose role is the node group's
# role (PI005, on the role), and a clean podidentity_least_privilege resource beside it.
terraform {
  required_providers {
    aws         = { source = "hashicorp/aws" }
    podidentity = { source = "eks-podidentity/podidentity" }
  }
}
resource "aws_iam_role" "node" {
  name = "eks-node"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_launch_template" "locked" {
  name = "locked"
  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }
}
resource "aws_eks_node_group" "default" {
  cluster_name    = "eks-workshop"
  node_group_name = "default"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = ["subnet-0a1b2c3d"]
  launch_template {
    id      = aws_launch_template.locked.id
    version = "$Latest"
  }
}
resource "aws_eks_pod_identity_association" "reuse_node" {
  cluster_name    = "eks-workshop"
  namespace       = "ui"
  service_account = "ui"
  role_arn        = aws_iam_role.node.arn
}
resource "aws_dynamodb_table" "carts" {
  name     = "carts"
  hash_key = "id"
}
resource "podidentity_least_privilege" "carts" {
  cluster_name    = "eks-workshop"
  namespace       = "carts"
  service_account = "carts"
  role_name       = "carts-pod"
  policy_json     = data.aws_iam_policy_document.carts.json
}
data "aws_iam_policy_document" "carts" {
  statement {
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
    resources = [aws_dynamodb_table.carts.arn, "${aws_dynamodb_table.carts.arn}/index/*"]
  }
}
