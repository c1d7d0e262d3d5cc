# A workload role whose trust comes from data.aws_iam_policy_document with a wildcard principal
# ({ type = "*", identifiers = ["*"] }) and a condition on a new cluster's ARN, so the document is
# read during apply and its json is unknown at plan. The reader renders it from the statement
# blocks with "Principal": "*", which every principal matches, EC2 instances (EKS nodes) included:
# the Pod Identity role is also a node role.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

resource "aws_iam_role" "cluster" {
  name = "eks-workshop-cluster"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "eks.amazonaws.com" }
      Action    = ["sts:AssumeRole", "sts:TagSession"]
    }]
  })
}

resource "aws_eks_cluster" "this" {
  name     = "eks-workshop"
  role_arn = aws_iam_role.cluster.arn
  version  = "1.31"
  vpc_config {
    subnet_ids = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
  }
}

data "aws_iam_policy_document" "carts_trust" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_eks_cluster.this.arn]
    }
  }
}

resource "aws_iam_role" "carts" {
  name               = "carts"
  assume_role_policy = data.aws_iam_policy_document.carts_trust.json
}

resource "aws_eks_pod_identity_association" "carts" {
  cluster_name    = aws_eks_cluster.this.name
  namespace       = "carts"
  service_account = "carts"
  role_arn        = aws_iam_role.carts.arn
}
