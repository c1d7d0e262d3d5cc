# Merged policy documents read during apply (a new table's ARN is in a statement). node_a: an Allow
# on the new table is overridden (same Sid) by a known Deny document: no DynamoDB access (clean).
# node_b: a known source document grants GetItem and the document's own statement adds PutItem on
# the new table (PI001). node_c: the override document is itself read during apply, but it is
# another aws_iam_policy_document whose statements grant PutItem on the new table (PI001). node_d:
# the override document is a jsonencode() of the new table's ARN, unknown until apply (PI008).

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

resource "aws_iam_role" "node_d" {
  name               = "eks-nodes-d"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role" "node_c" {
  name               = "eks-nodes-c"
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

resource "aws_eks_node_group" "c" {
  cluster_name    = "eks-workshop"
  node_group_name = "c"
  node_role_arn   = aws_iam_role.node_c.arn
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

resource "aws_eks_node_group" "d" {
  cluster_name    = "eks-workshop"
  node_group_name = "d"
  node_role_arn   = aws_iam_role.node_d.arn
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

resource "aws_dynamodb_table" "orders" {
  name     = "orders"
  hash_key = "id"
  attribute {
    name = "id"
    type = "S"
  }
}

data "aws_iam_policy_document" "deny_orders" {
  statement {
    sid       = "Orders"
    effect    = "Deny"
    actions   = ["dynamodb:*"]
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "read_orders" {
  statement {
    sid       = "Read"
    actions   = ["dynamodb:GetItem"]
    resources = ["arn:aws:dynamodb:us-west-2:123456789012:table/orders"]
  }
}

data "aws_iam_policy_document" "orders_unknown" {
  statement {
    sid       = "Write"
    actions   = ["dynamodb:PutItem"]
    resources = [aws_dynamodb_table.orders.arn]
  }
}

data "aws_iam_policy_document" "node_a" {
  override_policy_documents = [data.aws_iam_policy_document.deny_orders.json]
  statement {
    sid       = "Orders"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem"]
    resources = [aws_dynamodb_table.orders.arn]
  }
}

data "aws_iam_policy_document" "node_b" {
  source_policy_documents = [data.aws_iam_policy_document.read_orders.json]
  statement {
    sid       = "Write"
    actions   = ["dynamodb:PutItem"]
    resources = [aws_dynamodb_table.orders.arn]
  }
}

data "aws_iam_policy_document" "node_c" {
  override_policy_documents = [data.aws_iam_policy_document.orders_unknown.json]
  statement {
    sid       = "Logs"
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

resource "aws_iam_role_policy" "node_c" {
  name   = "node"
  role   = aws_iam_role.node_c.name
  policy = data.aws_iam_policy_document.node_c.json
}

data "aws_iam_policy_document" "node_d" {
  override_policy_documents = [jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "Logs", Effect = "Allow", Action = "dynamodb:Scan", Resource = aws_dynamodb_table.orders.arn }]
  })]
  statement {
    sid       = "Logs"
    actions   = ["logs:PutLogEvents"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "node_d" {
  name   = "node"
  role   = aws_iam_role.node_d.name
  policy = data.aws_iam_policy_document.node_d.json
}
