# The EKS workshop cluster (node role with the three EKS policies, IMDSv2 and hop limit 1) and the
# carts table, with the carts workload's access made by podidentity_least_privilege (as in
# examples/carts/safe): a new role trusted by pods.eks.amazonaws.com for carts/carts only, item
# actions on the table and its indexes. The table is created by the same plan, so the policy
# document is unknown until apply; it reaches no node role, so nothing fails closed.

terraform {
  required_providers {
    aws         = { source = "hashicorp/aws" }
    podidentity = { source = "eks-podidentity/podidentity" }
  }
}

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "cluster_assume" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "Service"
      identifiers = ["eks.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "node_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cluster" {
  name               = "eks-workshop-cluster"
  assume_role_policy = data.aws_iam_policy_document.cluster_assume.json
}

resource "aws_iam_role_policy_attachment" "cluster" {
  role       = aws_iam_role.cluster.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
}

resource "aws_eks_cluster" "this" {
  name     = "eks-workshop"
  role_arn = aws_iam_role.cluster.arn
  version  = "1.31"
  vpc_config {
    subnet_ids = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
  }
  access_config {
    authentication_mode = "API_AND_CONFIG_MAP"
  }
}

resource "aws_iam_role" "node" {
  name               = "eks-workshop-node"
  assume_role_policy = data.aws_iam_policy_document.node_assume.json
}

resource "aws_iam_role_policy_attachment" "node_worker" {
  role       = aws_iam_role.node.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"
}

resource "aws_iam_role_policy_attachment" "node_ecr" {
  role       = aws_iam_role.node.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"
}

resource "aws_iam_role_policy_attachment" "node_cni" {
  role       = aws_iam_role.node.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"
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
  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "default"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
  instance_types  = ["m5.large"]
  launch_template {
    id      = aws_launch_template.nodes.id
    version = aws_launch_template.nodes.latest_version
  }
  scaling_config {
    desired_size = 3
    max_size     = 6
    min_size     = 3
  }
  depends_on = [
    aws_iam_role_policy_attachment.node_worker,
    aws_iam_role_policy_attachment.node_ecr,
    aws_iam_role_policy_attachment.node_cni,
  ]
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

resource "podidentity_least_privilege" "carts" {
  cluster_name    = aws_eks_cluster.this.name
  namespace       = "carts"
  service_account = "carts"
  role_name       = "eks-workshop-carts"
  policy_json = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid    = "CartsTable"
      Effect = "Allow"
      Action = [
        "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem",
        "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:UpdateItem",
      ]
      Resource = [aws_dynamodb_table.carts.arn, "${aws_dynamodb_table.carts.arn}/index/*"]
    }]
  })
}

# The workshop's own check that the nodes keep their hands off the table.
check "node_role_has_no_dynamodb" {
  assert {
    condition     = !strcontains(aws_iam_role.node.name, "carts")
    error_message = "The node role must not be the carts role."
  }
}
