# Exclusive policy management on node roles, combined with grants made elsewhere:
#   node_a: aws_iam_role_policies_exclusive naming "orders", with the aws_iam_role_policy "orders"
#           (DynamoDB items on orders): PI001 on the inline policy.
#   node_b: aws_iam_role_policy_attachments_exclusive with only the EKS policies, and a separate
#           aws_iam_role_policy_attachment of a customer policy with DynamoDB items (until the next
#           apply of the exclusive resource removes it, it is a grant): PI001 on the attachment.
#   node_c: managed_policy_arns with AmazonDynamoDBReadOnlyAccess (AWS managed: data reads on "*"
#           through dynamodb:Describe*, dynamodb:List*, ...): PI001, PI002 and PI003 on the role.
#   pods:   exclusive inline and attachments on a Pod Identity role with a scoped grant: clean.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

locals {
  ec2_trust = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
  orders_items = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:PutItem"]
      Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/orders"
    }]
  })
}

resource "aws_iam_role" "node_a" {
  name               = "node-a"
  assume_role_policy = local.ec2_trust
}

resource "aws_iam_role_policy" "orders" {
  name   = "orders"
  role   = aws_iam_role.node_a.name
  policy = local.orders_items
}

resource "aws_iam_role_policies_exclusive" "node_a" {
  role_name    = aws_iam_role.node_a.name
  policy_names = [aws_iam_role_policy.orders.name]
}

resource "aws_iam_role" "node_b" {
  name               = "node-b"
  assume_role_policy = local.ec2_trust
}

resource "aws_iam_role_policy_attachments_exclusive" "node_b" {
  role_name = aws_iam_role.node_b.name
  policy_arns = [
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
  ]
}

resource "aws_iam_policy" "orders" {
  name   = "orders-items"
  policy = local.orders_items
}

resource "aws_iam_role_policy_attachment" "node_b_orders" {
  role       = aws_iam_role.node_b.name
  policy_arn = aws_iam_policy.orders.arn
}

resource "aws_iam_role" "node_c" {
  name               = "node-c"
  assume_role_policy = local.ec2_trust
  managed_policy_arns = [
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess",
  ]
}

resource "aws_eks_node_group" "c" {
  cluster_name    = "eks-workshop"
  node_group_name = "c"
  node_role_arn   = aws_iam_role.node_c.arn
  subnet_ids      = ["subnet-0a1b2c3d"]
  scaling_config {
    desired_size = 1
    max_size     = 1
    min_size     = 1
  }
  launch_template {
    name    = aws_launch_template.c.name
    version = "$Latest"
  }
}

resource "aws_launch_template" "c" {
  name = "node-c"
  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }
}

resource "aws_iam_role" "pods" {
  name = "orders-pods"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "pods.eks.amazonaws.com" }
      Action    = ["sts:AssumeRole", "sts:TagSession"]
      Condition = { StringEquals = {
        "aws:RequestTag/kubernetes-namespace"       = "orders"
        "aws:RequestTag/kubernetes-service-account" = "orders"
      } }
    }]
  })
}

resource "aws_iam_role_policy" "pods_orders" {
  name   = "orders"
  role   = aws_iam_role.pods.name
  policy = local.orders_items
}

resource "aws_iam_role_policies_exclusive" "pods" {
  role_name    = aws_iam_role.pods.name
  policy_names = [aws_iam_role_policy.pods_orders.name]
}

resource "aws_iam_role_policy_attachments_exclusive" "pods" {
  role_name   = aws_iam_role.pods.name
  policy_arns = [aws_iam_policy.orders.arn]
}

resource "aws_eks_pod_identity_association" "orders" {
  cluster_name    = "eks-workshop"
  namespace       = "orders"
  service_account = "orders"
  role_arn        = aws_iam_role.pods.arn
}
