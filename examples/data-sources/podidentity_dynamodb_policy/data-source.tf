# The policy of the dynamodb_policy function, for Terraform before 1.8 and
# OpenTofu before 1.7 (which cannot call provider functions).
data "podidentity_dynamodb_policy" "carts" {
  dynamodb_tables = [
    { arn = aws_dynamodb_table.carts.arn, access = "read_write" },
    { arn = aws_dynamodb_table.orders.arn, streams = true },
  ]
}

resource "aws_iam_role_policy" "carts" {
  name   = "dynamodb"
  role   = aws_iam_role.carts.id
  policy = data.podidentity_dynamodb_policy.carts.json
}
