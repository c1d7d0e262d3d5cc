# Applied first: the workshop environment before the quick fix.
# The EKS workshop's carts lab as the workshop writes it (aws-samples/eks-workshop-v2, lab
# amazon-eks-pod-identity): the carts table, an "AllAPIActionsOnCart" policy with dynamodb:* on the
# table and its indexes, the carts role from terraform-aws-modules/iam's iam-assumable-role
# (trusted_role_services = pods.eks.amazonaws.com, no conditions), its Pod Identity association,
# and the quick fix before Pod Identity: the carts policy attached to the node role. Beside it, the
# same workload through podidentity_least_privilege (clean).

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

resource "aws_iam_policy" "carts_dynamo" {
  name   = "eks-workshop-carts-dynamo"
  policy = <<EOT
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AllAPIActionsOnCart",
      "Effect": "Allow",
      "Action": "dynamodb:*",
      "Resource": [
        "${aws_dynamodb_table.carts.arn}",
        "${aws_dynamodb_table.carts.arn}/index/*"
      ]
    }
  ]
}
EOT
}

module "iam_assumable_role_carts" {
  source                  = "./modules/iam-assumable-role"
  create_role             = true
  role_requires_mfa       = false
  role_name               = "eks-workshop-carts-dynamo"
  trusted_role_services   = ["pods.eks.amazonaws.com"]
  trusted_role_actions    = ["sts:AssumeRole", "sts:TagSession"]
  custom_role_policy_arns = [aws_iam_policy.carts_dynamo.arn]
}

resource "aws_eks_pod_identity_association" "carts" {
  cluster_name    = aws_eks_cluster.this.name
  namespace       = "carts"
  service_account = "carts"
  role_arn        = module.iam_assumable_role_carts.iam_role_arn
}

# The same workload with this provider: a new role, its trust scoped to carts/carts, only the
# item actions on the table.
resource "podidentity_least_privilege" "carts_checkout" {
  cluster_name    = aws_eks_cluster.this.name
  namespace       = "checkout"
  service_account = "checkout"
  role_name       = "eks-workshop-checkout-carts"
  policy_json = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "ReadWriteCarts"
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query", "dynamodb:DescribeTable"]
      Resource = [aws_dynamodb_table.carts.arn, "${aws_dynamodb_table.carts.arn}/index/*"]
    }]
  })
}
