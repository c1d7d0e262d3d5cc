# The least-privilege policy for a workload's DynamoDB tables, for modules
# that create the role and its policy with the AWS provider's resources.
resource "aws_iam_role_policy" "carts" {
  name = "dynamodb"
  role = aws_iam_role.carts.id

  # Attributes left out take their defaults: access = "read",
  # indexes = true, streams = false.
  policy = provider::podidentity::dynamodb_policy([
    { arn = aws_dynamodb_table.carts.arn, access = "read_write" },
    { arn = aws_dynamodb_table.orders.arn, streams = true },
    { arn = aws_dynamodb_table.audit.arn, actions = ["dynamodb:PutItem"] },
  ])
}

# The tables can also come from a variable whose optional attributes are
# null when not set.
variable "tables" {
  type = list(object({
    arn     = string
    access  = optional(string)
    actions = optional(list(string))
    indexes = optional(bool)
    streams = optional(bool)
  }))
}

output "policy" {
  value = provider::podidentity::dynamodb_policy(var.tables)
}
