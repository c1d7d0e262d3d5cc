# One add-on's role, as aws-ia/terraform-aws-eks-blueprints-addons' internal helper does it
# (cut down): a Pod Identity role for the add-on's service account, one attachment per entry of
# role_policies, and the association.
variable "cluster_name" {
  type = string
}
variable "name" {
  type = string
}
variable "namespace" {
  type = string
}
variable "service_account" {
  type = string
}
variable "role_policies" {
  type    = map(string)
  default = {}
}

resource "aws_iam_role" "this" {
  name = "${var.cluster_name}-${var.name}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "pods.eks.amazonaws.com" }
      Action    = ["sts:AssumeRole", "sts:TagSession"]
      Condition = { StringEquals = {
        "aws:RequestTag/kubernetes-namespace"       = var.namespace
        "aws:RequestTag/kubernetes-service-account" = var.service_account
      } }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "this" {
  for_each   = var.role_policies
  role       = aws_iam_role.this.name
  policy_arn = each.value
}

resource "aws_eks_pod_identity_association" "this" {
  cluster_name    = var.cluster_name
  namespace       = var.namespace
  service_account = var.service_account
  role_arn        = aws_iam_role.this.arn
}

output "iam_role_arn" {
  value = aws_iam_role.this.arn
}
output "iam_role_name" {
  value = aws_iam_role.this.name
}
