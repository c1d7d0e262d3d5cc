# A cut-down terraform-aws-modules/iam//modules/iam-assumable-role (v5): the role (count on
# create_role), its trust from trusted_role_services/trusted_role_actions, and one attachment per
# custom_role_policy_arns element.
variable "create_role" {
  type    = bool
  default = false
}
variable "role_name" {
  type    = string
  default = null
}
variable "role_requires_mfa" {
  type    = bool
  default = true
}
variable "trusted_role_services" {
  type    = list(string)
  default = []
}
variable "trusted_role_actions" {
  type    = list(string)
  default = ["sts:AssumeRole"]
}
variable "custom_role_policy_arns" {
  type    = list(string)
  default = []
}

data "aws_iam_policy_document" "assume_role" {
  statement {
    effect  = "Allow"
    actions = var.trusted_role_actions
    principals {
      type        = "Service"
      identifiers = var.trusted_role_services
    }
  }
}

resource "aws_iam_role" "this" {
  count              = var.create_role ? 1 : 0
  name               = var.role_name
  assume_role_policy = data.aws_iam_policy_document.assume_role.json
}

resource "aws_iam_role_policy_attachment" "custom" {
  count      = var.create_role ? length(var.custom_role_policy_arns) : 0
  role       = aws_iam_role.this[0].name
  policy_arn = element(var.custom_role_policy_arns, count.index)
}

output "iam_role_arn" {
  value = try(aws_iam_role.this[0].arn, "")
}
output "iam_role_name" {
  value = try(aws_iam_role.this[0].name, "")
}
