# The fix the tool asks for: the quick fix (the carts policy, dynamodb:* on every table, as a
# customer managed policy attached to the node role) was applied (apply/); this revision deletes
# the policy and its attachment and gives carts its own Pod Identity role with named-table access.
# Clean: the cleanup plan passes.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

resource "aws_iam_role" "node" {
  name = "eks-workshop-node"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy_attachment" "node_worker" {
  role       = aws_iam_role.node.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"
}

resource "aws_launch_template" "nodes" {
  name = "eks-workshop-nodes"
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
  name = "eks-workshop-carts"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "pods.eks.amazonaws.com" }
      Action    = ["sts:AssumeRole", "sts:TagSession"]
      Condition = { StringEquals = {
        "aws:RequestTag/kubernetes-namespace"       = "carts"
        "aws:RequestTag/kubernetes-service-account" = "carts"
      } }
    }]
  })
}

resource "aws_iam_role_policy" "carts" {
  name = "carts-dynamodb"
  role = aws_iam_role.carts.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:DeleteItem"]
      Resource = ["arn:aws:dynamodb:us-west-2:123456789012:table/eks-workshop-carts", "arn:aws:dynamodb:us-west-2:123456789012:table/eks-workshop-carts/index/*"]
    }]
  })
}

resource "aws_eks_pod_identity_association" "carts" {
  cluster_name    = "eks-workshop"
  namespace       = "carts"
  service_account = "carts"
  role_arn        = aws_iam_role.carts.arn
}
