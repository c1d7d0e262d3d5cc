terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

variable "name" { type = string }

resource "aws_iam_role" "this" {
  name_prefix = "${var.name}-"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = ["sts:AssumeRole", "sts:TagSession"]
      Principal = { Service = "pods.eks.amazonaws.com" }
      Condition = { StringEquals = { "aws:RequestTag/kubernetes-namespace" = var.name, "aws:RequestTag/kubernetes-service-account" = var.name } }
    }]
  })
}

resource "aws_eks_pod_identity_association" "this" {
  cluster_name    = "eks-workshop"
  namespace       = var.name
  service_account = var.name
  role_arn        = aws_iam_role.this.arn
}

output "role_name" { value = aws_iam_role.this.name }
