# Policies built with jsonencode(): with only literals the document is known at plan time; with a
# new table's ARN it is unknown until apply, and the plan's configuration does not describe the
# structure of a jsonencode() call. On the node role the known grant is PI001 and the unknown one
# fails closed (PI008); on the carts Pod Identity role the unknown document is not a finding.

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

resource "aws_dynamodb_table" "orders" {
  name     = "orders"
  hash_key = "id"
  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_iam_role_policy" "node_known" {
  name = "orders-known"
  role = aws_iam_role.node.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "Logs", Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "*" },
      { Sid = "Orders", Effect = "Allow", Action = ["dynamodb:BatchWriteItem"], Resource = ["arn:aws:dynamodb:us-west-2:123456789012:table/orders"] },
    ]
  })
}

resource "aws_iam_role_policy" "node_unknown" {
  name = "orders-unknown"
  role = aws_iam_role.node.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["dynamodb:GetItem"], Resource = [aws_dynamodb_table.orders.arn, "${aws_dynamodb_table.orders.arn}/index/*"] }]
  })
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

resource "aws_iam_role_policy" "carts" {
  name = "carts"
  role = aws_iam_role.carts.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["dynamodb:GetItem", "dynamodb:PutItem"], Resource = aws_dynamodb_table.orders.arn }]
  })
}

resource "aws_eks_pod_identity_association" "carts" {
  cluster_name    = "eks-workshop"
  namespace       = "carts"
  service_account = "carts"
  role_arn        = aws_iam_role.carts.arn
}
