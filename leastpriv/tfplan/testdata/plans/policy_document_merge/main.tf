# Policy documents merged with source_policy_documents and override_policy_documents, all known
# at plan time. node_a: the shared "Orders" Allow is followed by a Deny of dynamodb:* on *, which
# removes it (clean). node_b: its own "Orders" statement replaces the shared one with a logs grant,
# but an override document appends a PutItem grant on the orders table (PI001).

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

resource "aws_iam_role" "node_a" {
  name               = "eks-nodes-a"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role" "node_b" {
  name               = "eks-nodes-b"
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

resource "aws_eks_node_group" "a" {
  cluster_name    = "eks-workshop"
  node_group_name = "a"
  node_role_arn   = aws_iam_role.node_a.arn
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

resource "aws_eks_node_group" "b" {
  cluster_name    = "eks-workshop"
  node_group_name = "b"
  node_role_arn   = aws_iam_role.node_b.arn
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

data "aws_iam_policy_document" "shared" {
  statement {
    sid       = "Orders"
    actions   = ["dynamodb:GetItem", "dynamodb:Query"]
    resources = ["arn:aws:dynamodb:us-west-2:123456789012:table/orders"]
  }
}

data "aws_iam_policy_document" "extra" {
  statement {
    sid       = "Extra"
    actions   = ["dynamodb:PutItem"]
    resources = ["arn:aws:dynamodb:us-west-2:123456789012:table/orders"]
  }
}

data "aws_iam_policy_document" "node_a" {
  source_policy_documents = [data.aws_iam_policy_document.shared.json]
  statement {
    sid       = "Logs"
    actions   = ["logs:PutLogEvents"]
    resources = ["*"]
  }
  statement {
    sid       = "NoDynamoDB"
    effect    = "Deny"
    actions   = ["dynamodb:*"]
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "node_b" {
  source_policy_documents   = [data.aws_iam_policy_document.shared.json]
  override_policy_documents = [data.aws_iam_policy_document.extra.json]
  statement {
    sid       = "Orders"
    actions   = ["logs:PutLogEvents"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "node_a" {
  name   = "node"
  role   = aws_iam_role.node_a.name
  policy = data.aws_iam_policy_document.node_a.json
}

resource "aws_iam_role_policy" "node_b" {
  name   = "node"
  role   = aws_iam_role.node_b.name
  policy = data.aws_iam_policy_document.node_b.json
}
