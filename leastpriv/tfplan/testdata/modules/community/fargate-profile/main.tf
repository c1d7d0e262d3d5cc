# Trimmed offline copy of terraform-aws-modules/eks v20
# modules/fargate-profile.

variable "create" {
  type    = bool
  default = true
}
variable "cluster_name" { type = string }
variable "name" { type = string }
variable "subnet_ids" { type = list(string) }
variable "selectors" {
  type    = any
  default = []
}
variable "create_iam_role" {
  type    = bool
  default = true
}
variable "iam_role_arn" {
  type    = string
  default = null
}
variable "iam_role_additional_policies" {
  type    = map(string)
  default = {}
}

locals {
  create_iam_role        = var.create && var.create_iam_role
  iam_role_name          = var.name
  iam_role_policy_prefix = "arn:aws:iam::aws:policy"
}

data "aws_iam_policy_document" "assume_role_policy" {
  count = local.create_iam_role ? 1 : 0

  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["eks-fargate-pods.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  count = local.create_iam_role ? 1 : 0

  name_prefix           = "${local.iam_role_name}-"
  assume_role_policy    = data.aws_iam_policy_document.assume_role_policy[0].json
  force_detach_policies = true
}

resource "aws_iam_role_policy_attachment" "this" {
  for_each = { for k, v in {
    AmazonEKSFargatePodExecutionRolePolicy = "${local.iam_role_policy_prefix}/AmazonEKSFargatePodExecutionRolePolicy"
  } : k => v if local.create_iam_role }

  policy_arn = each.value
  role       = aws_iam_role.this[0].name
}

resource "aws_iam_role_policy_attachment" "additional" {
  for_each = { for k, v in var.iam_role_additional_policies : k => v if local.create_iam_role }

  policy_arn = each.value
  role       = aws_iam_role.this[0].name
}

resource "aws_eks_fargate_profile" "this" {
  count = var.create ? 1 : 0

  cluster_name           = var.cluster_name
  fargate_profile_name   = var.name
  pod_execution_role_arn = var.create_iam_role ? aws_iam_role.this[0].arn : var.iam_role_arn
  subnet_ids             = var.subnet_ids

  dynamic "selector" {
    for_each = var.selectors

    content {
      namespace = selector.value.namespace
      labels    = lookup(selector.value, "labels", {})
    }
  }
}

output "iam_role_name" {
  value = try(aws_iam_role.this[0].name, null)
}

output "iam_role_arn" {
  value = try(aws_iam_role.this[0].arn, var.iam_role_arn)
}

output "fargate_profile_arn" {
  value = try(aws_eks_fargate_profile.this[0].arn, null)
}
