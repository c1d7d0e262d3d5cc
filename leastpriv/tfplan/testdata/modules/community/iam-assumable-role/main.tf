# Trimmed offline copy of terraform-aws-modules/iam v5
# modules/iam-assumable-role, as the EKS workshop uses it for carts.

variable "create_role" {
  type    = bool
  default = false
}
variable "role_name" {
  type    = string
  default = null
}
variable "role_name_prefix" {
  type    = string
  default = null
}
variable "role_path" {
  type    = string
  default = "/"
}
variable "role_requires_mfa" {
  type    = bool
  default = true
}
variable "trusted_role_arns" {
  type    = list(string)
  default = []
}
variable "trusted_role_services" {
  type    = list(string)
  default = []
}
variable "trusted_role_actions" {
  type    = list(string)
  default = ["sts:AssumeRole", "sts:TagSession"]
}
variable "custom_role_policy_arns" {
  type    = list(string)
  default = []
}
variable "number_of_custom_role_policy_arns" {
  type    = number
  default = null
}
variable "create_instance_profile" {
  type    = bool
  default = false
}

data "aws_iam_policy_document" "assume_role" {
  statement {
    effect  = "Allow"
    actions = var.trusted_role_actions

    dynamic "principals" {
      for_each = length(var.trusted_role_arns) > 0 ? [1] : []
      content {
        type        = "AWS"
        identifiers = var.trusted_role_arns
      }
    }

    principals {
      type        = "Service"
      identifiers = var.trusted_role_services
    }
  }
}

data "aws_iam_policy_document" "assume_role_with_mfa" {
  statement {
    effect  = "Allow"
    actions = var.trusted_role_actions

    dynamic "principals" {
      for_each = length(var.trusted_role_arns) > 0 ? [1] : []
      content {
        type        = "AWS"
        identifiers = var.trusted_role_arns
      }
    }

    principals {
      type        = "Service"
      identifiers = var.trusted_role_services
    }

    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }
  }
}

resource "aws_iam_role" "this" {
  count = var.create_role ? 1 : 0

  name                  = var.role_name
  name_prefix           = var.role_name_prefix
  path                  = var.role_path
  force_detach_policies = true
  assume_role_policy    = var.role_requires_mfa ? data.aws_iam_policy_document.assume_role_with_mfa.json : data.aws_iam_policy_document.assume_role.json
}

resource "aws_iam_role_policy_attachment" "custom" {
  count = var.create_role ? coalesce(var.number_of_custom_role_policy_arns, length(var.custom_role_policy_arns)) : 0

  role       = aws_iam_role.this[0].name
  policy_arn = element(var.custom_role_policy_arns, count.index)
}

resource "aws_iam_instance_profile" "this" {
  count = var.create_role && var.create_instance_profile ? 1 : 0
  name  = var.role_name
  path  = var.role_path
  role  = aws_iam_role.this[0].name
}

output "iam_role_arn" {
  value = try(aws_iam_role.this[0].arn, "")
}

output "iam_role_name" {
  value = try(aws_iam_role.this[0].name, "")
}

output "iam_instance_profile_arn" {
  value = try(aws_iam_instance_profile.this[0].arn, "")
}
