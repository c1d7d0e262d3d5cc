variable "role_name" {
  type = string
}
variable "table" {
  type = string
}
variable "actions" {
  type = list(string)
}

resource "aws_iam_role_policy" "this" {
  name = "dynamodb-${var.table}"
  role = var.role_name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = var.actions, Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/${var.table}" }]
  })
}
