variable "namespace" {
  type = string
}
variable "role_name" {
  type = string
}
variable "table_arn" {
  type = string
}

resource "aws_iam_role" "this" {
  name = var.role_name
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "pods.eks.amazonaws.com" }
      Action    = ["sts:AssumeRole", "sts:TagSession"]
      Condition = {
        StringEquals = {
          "aws:RequestTag/kubernetes-namespace"       = var.namespace
          "aws:RequestTag/kubernetes-service-account" = var.namespace
        }
      }
    }]
  })
}

resource "aws_iam_role_policy" "dynamodb" {
  name = "dynamodb"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
      Resource = var.table_arn
    }]
  })
}

resource "aws_eks_pod_identity_association" "this" {
  cluster_name    = "eks-workshop"
  namespace       = var.namespace
  service_account = var.namespace
  role_arn        = aws_iam_role.this.arn
}
