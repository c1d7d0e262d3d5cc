variable "role" {
  type = string
}
variable "table" {
  type = string
}

resource "aws_iam_role_policy" "this" {
  name = "dynamodb-${var.table}"
  role = var.role
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["dynamodb:GetItem", "dynamodb:Query"], Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/${var.table}" }]
  })
}
