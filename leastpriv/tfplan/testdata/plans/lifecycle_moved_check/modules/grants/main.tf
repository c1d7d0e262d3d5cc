variable "role" {
  type = string
}
variable "policy" {
  type = string
}
resource "aws_iam_role_policy" "this" {
  name   = "orders"
  role   = var.role
  policy = var.policy
}
