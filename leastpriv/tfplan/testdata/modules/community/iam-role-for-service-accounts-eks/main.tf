# Trimmed offline copy of terraform-aws-modules/iam v5
# modules/iam-role-for-service-accounts-eks (IRSA: trust in the cluster's
# OIDC provider for the listed service accounts).

variable "create_role" {
  type    = bool
  default = true
}
variable "role_name" {
  type    = string
  default = null
}
variable "role_path" {
  type    = string
  default = null
}
variable "oidc_providers" {
  type    = any
  default = {}
}
variable "assume_role_condition_test" {
  type    = string
  default = "StringEquals"
}
variable "role_policy_arns" {
  type    = map(string)
  default = {}
}

data "aws_iam_policy_document" "this" {
  count = var.create_role ? 1 : 0

  dynamic "statement" {
    for_each = var.oidc_providers

    content {
      effect  = "Allow"
      actions = ["sts:AssumeRoleWithWebIdentity"]

      principals {
        type        = "Federated"
        identifiers = [statement.value.provider_arn]
      }

      condition {
        test     = var.assume_role_condition_test
        variable = "${replace(statement.value.provider_arn, "/^(.*provider/)/", "")}:sub"
        values   = [for sa in statement.value.namespace_service_accounts : "system:serviceaccount:${sa}"]
      }

      condition {
        test     = var.assume_role_condition_test
        variable = "${replace(statement.value.provider_arn, "/^(.*provider/)/", "")}:aud"
        values   = ["sts.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role" "this" {
  count = var.create_role ? 1 : 0

  name                  = var.role_name
  path                  = var.role_path
  assume_role_policy    = data.aws_iam_policy_document.this[0].json
  force_detach_policies = true
}

resource "aws_iam_role_policy_attachment" "this" {
  for_each = { for k, v in var.role_policy_arns : k => v if var.create_role }

  role       = aws_iam_role.this[0].name
  policy_arn = each.value
}

output "iam_role_arn" {
  value = try(aws_iam_role.this[0].arn, null)
}

output "iam_role_name" {
  value = try(aws_iam_role.this[0].name, null)
}
