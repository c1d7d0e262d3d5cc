# Modules called with for_each and count: the root grants DynamoDB access to module.pool["gpu"]'s
# role through its output, and module.grant[0] receives the other pool's role name as a variable.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

module "pool" {
  for_each = toset(["general", "gpu"])
  source   = "./modules/pool"
  name     = each.key
}

resource "aws_iam_role_policy" "gpu_dynamodb" {
  name   = "orders"
  role   = module.pool["gpu"].role_name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
      Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/orders"
    }]
  })
}

module "grant" {
  count     = 1
  source    = "./modules/grant"
  role_name = module.pool["general"].role_name
}
