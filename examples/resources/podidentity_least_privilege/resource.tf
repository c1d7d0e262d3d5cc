# The carts service of the EKS workshop reads and writes one table.
resource "podidentity_least_privilege" "carts" {
  cluster_name    = "eks-workshop"
  namespace       = "carts"
  service_account = "carts"

  dynamodb_tables = [
    { arn = aws_dynamodb_table.carts.arn, access = "read_write" },
  ]

  tags = {
    team = "carts"
  }
}

# A stream consumer with an explicit action list, and read access to a
# second table without its indexes.
resource "podidentity_least_privilege" "orders_projector" {
  cluster_name    = "eks-workshop"
  namespace       = "orders"
  service_account = "projector"

  dynamodb_tables = [
    {
      arn     = aws_dynamodb_table.orders.arn
      actions = ["dynamodb:GetItem", "dynamodb:DescribeTable"]
      streams = true
    },
    { arn = aws_dynamodb_table.customers.arn, indexes = false },
  ]
}

# Brownfield: attach the policy and the association to a role that already
# exists and trusts pods.eks.amazonaws.com. Destroy leaves the role.
resource "podidentity_least_privilege" "checkout" {
  cluster_name       = "eks-workshop"
  namespace          = "checkout"
  service_account    = "checkout"
  existing_role_name = "checkout-app"

  dynamodb_tables = [
    { arn = aws_dynamodb_table.carts.arn },
  ]
}
