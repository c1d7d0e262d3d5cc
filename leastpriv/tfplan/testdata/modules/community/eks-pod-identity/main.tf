# Trimmed offline copy of aws-ia/terraform-aws-eks-pod-identity: one role
# trusted by pods.eks.amazonaws.com, a custom policy built from
# policy_statements, extra policies by ARN, and the associations map.

variable "create" {
  type    = bool
  default = true
}
variable "name" { type = string }
variable "use_name_prefix" {
  type    = bool
  default = true
}
variable "trust_policy_conditions" {
  type    = list(any)
  default = []
}
variable "attach_custom_policy" {
  type    = bool
  default = false
}
variable "source_policy_documents" {
  type    = list(string)
  default = []
}
variable "override_policy_documents" {
  type    = list(string)
  default = []
}
variable "policy_statements" {
  type    = any
  default = []
}
variable "additional_policy_arns" {
  type    = map(string)
  default = {}
}
variable "associations" {
  type    = any
  default = {}
}
variable "association_defaults" {
  type    = any
  default = {}
}
variable "tags" {
  type    = map(string)
  default = {}
}

data "aws_iam_policy_document" "assume" {
  count = var.create ? 1 : 0

  statement {
    sid = "AllowEksAuthToAssumeRoleForPodIdentity"
    actions = [
      "sts:AssumeRole",
      "sts:TagSession",
    ]

    principals {
      type        = "Service"
      identifiers = ["pods.eks.amazonaws.com"]
    }

    dynamic "condition" {
      for_each = var.trust_policy_conditions

      content {
        test     = condition.value.test
        values   = condition.value.values
        variable = condition.value.variable
      }
    }
  }
}

resource "aws_iam_role" "this" {
  count = var.create ? 1 : 0

  name        = var.use_name_prefix ? null : var.name
  name_prefix = var.use_name_prefix ? "${var.name}-" : null

  assume_role_policy    = data.aws_iam_policy_document.assume[0].json
  force_detach_policies = true
  tags                  = var.tags
}

resource "aws_iam_role_policy_attachment" "additional" {
  for_each = { for k, v in var.additional_policy_arns : k => v if var.create }

  role       = aws_iam_role.this[0].name
  policy_arn = each.value
}

data "aws_iam_policy_document" "custom" {
  count = var.create && var.attach_custom_policy ? 1 : 0

  source_policy_documents   = var.source_policy_documents
  override_policy_documents = var.override_policy_documents

  dynamic "statement" {
    for_each = var.policy_statements

    content {
      sid           = try(statement.value.sid, null)
      actions       = try(statement.value.actions, null)
      not_actions   = try(statement.value.not_actions, null)
      effect        = try(statement.value.effect, null)
      resources     = try(statement.value.resources, null)
      not_resources = try(statement.value.not_resources, null)

      dynamic "condition" {
        for_each = try(statement.value.conditions, [])

        content {
          test     = condition.value.test
          values   = condition.value.values
          variable = condition.value.variable
        }
      }
    }
  }
}

resource "aws_iam_policy" "custom" {
  count = var.create && var.attach_custom_policy ? 1 : 0

  name_prefix = "${var.name}-"
  policy      = data.aws_iam_policy_document.custom[0].json
  tags        = var.tags
}

resource "aws_iam_role_policy_attachment" "custom" {
  count = var.create && var.attach_custom_policy ? 1 : 0

  role       = aws_iam_role.this[0].name
  policy_arn = aws_iam_policy.custom[0].arn
}

resource "aws_eks_pod_identity_association" "this" {
  for_each = { for k, v in var.associations : k => v if var.create }

  cluster_name    = try(each.value.cluster_name, var.association_defaults.cluster_name)
  namespace       = try(each.value.namespace, var.association_defaults.namespace)
  service_account = try(each.value.service_account, var.association_defaults.service_account)
  role_arn        = aws_iam_role.this[0].arn

  tags = merge(var.tags, try(each.value.tags, var.association_defaults.tags, {}))
}

output "iam_role_arn" {
  value = try(aws_iam_role.this[0].arn, null)
}

output "iam_role_name" {
  value = try(aws_iam_role.this[0].name, null)
}

output "associations" {
  value = aws_eks_pod_identity_association.this
}
