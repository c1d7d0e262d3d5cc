# for_each over a whole module call: each.value is one module instance and
# each.value.<output> that instance's output. The extra grants to the team
# roles (Pod Identity roles made in the module) are clean; the grant to the
# pool's node role is a node-role grant.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

module "team" {
  source   = "./modules/team"
  for_each = toset(["carts", "orders"])
  name     = each.key
}

module "pool" {
  source   = "./modules/pool"
  for_each = toset(["batch"])
  name     = each.key
}

resource "aws_iam_role_policy" "extra" {
  for_each = module.team
  name     = "extra"
  role     = each.value.role_name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "dynamodb:GetItem", Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/${each.key}" }]
  })
}

resource "aws_iam_role_policy" "pool_orders" {
  for_each = module.pool
  name     = "orders"
  role     = each.value.node_role_name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "dynamodb:GetItem", Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/orders" }]
  })
}
