# The node role and node group live in module.nodes (which nests module.role); the root module
# attaches a DynamoDB policy through the module's role_name output.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

module "nodes" {
  source = "./modules/nodes"
}

resource "aws_iam_role_policy" "node_dynamodb" {
  name   = "orders"
  role   = module.nodes.role_name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
      Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/orders"
    }]
  })
}
