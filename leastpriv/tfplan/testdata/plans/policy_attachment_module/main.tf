# A module creates a DynamoDB policy and attaches it with aws_iam_policy_attachment to the list of
# roles it is given: the carts Pod Identity role (literal name) and the node role (generated name,
# unknown at plan time).

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

resource "aws_iam_role" "node" {
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

resource "aws_iam_role" "carts" {
  name               = "eks-workshop-carts"
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

resource "aws_eks_pod_identity_association" "carts" {
  cluster_name    = "eks-workshop"
  namespace       = "carts"
  service_account = "carts"
  role_arn        = aws_iam_role.carts.arn
}

module "shared_policy" {
  source = "./modules/shared_policy"
  table  = "eks-workshop-carts"
  roles  = [aws_iam_role.carts.name, aws_iam_role.node.name]
}
