# The EKS workshop carts service set up correctly with EKS Pod Identity: a dedicated role trusted
# only by pods.eks.amazonaws.com for carts/carts, the DynamoDB actions carts uses on its table and
# index, and a node role with only the standard node policies behind IMDSv2 with a hop limit of 1.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
resource "aws_dynamodb_table" "carts" {
  name         = "eks-workshop-carts"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {
    name = "id"
    type = "S"
  }
  attribute {
    name = "customerId"
    type = "S"
  }
  global_secondary_index {
    name            = "idx_global_customerId"
    hash_key        = "customerId"
    projection_type = "ALL"
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
resource "aws_iam_role_policy_attachment" "node" {
  for_each = toset([
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
  ])
  role       = aws_iam_role.node.name
  policy_arn = each.value
}

data "aws_iam_policy_document" "carts_trust" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "Service"
      identifiers = ["pods.eks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/kubernetes-namespace"
      values   = ["carts"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/kubernetes-service-account"
      values   = ["carts"]
    }
  }
}

data "aws_iam_policy_document" "carts_dynamodb" {
  statement {
    sid = "AllAPIActionsOnCart"
    actions = [
      "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem",
      "dynamodb:DeleteItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem",
      "dynamodb:Query", "dynamodb:Scan", "dynamodb:UpdateItem",
    ]
    resources = [
      aws_dynamodb_table.carts.arn,
      "${aws_dynamodb_table.carts.arn}/index/*",
    ]
  }
}

resource "aws_iam_role" "carts" {
  name               = "eks-workshop-carts-dynamo"
  assume_role_policy = data.aws_iam_policy_document.carts_trust.json
}

resource "aws_iam_policy" "carts_dynamodb" {
  name   = "eks-workshop-carts-dynamo"
  policy = data.aws_iam_policy_document.carts_dynamodb.json
}

resource "aws_iam_role_policy_attachment" "carts_dynamodb" {
  role       = aws_iam_role.carts.name
  policy_arn = aws_iam_policy.carts_dynamodb.arn
}

resource "aws_eks_pod_identity_association" "carts" {
  cluster_name    = "eks-workshop"
  namespace       = "carts"
  service_account = "carts"
  role_arn        = aws_iam_role.carts.arn
}
