variable "table" {
  type = string
}
variable "roles" {
  type = list(string)
}

resource "aws_iam_policy" "this" {
  name = "${var.table}-access"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/${var.table}" }]
  })
}

resource "aws_iam_policy_attachment" "this" {
  name       = "${var.table}-access"
  policy_arn = aws_iam_policy.this.arn
  roles      = var.roles
}
