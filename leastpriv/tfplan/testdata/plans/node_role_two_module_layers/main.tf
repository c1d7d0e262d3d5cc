# The node role is created two module layers down (module.platform.module.nodes, generated name) and
# comes up through two outputs; the root passes it down two other layers (module.grants ->
# module.orders / module.carts) where an inline DynamoDB policy is put on it. The carts role takes the same path
# and is clean.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

module "platform" {
  source = "./modules/platform"
}

module "grants" {
  source         = "./modules/grants"
  node_role_name = module.platform.node_role_name
  carts_role_id  = module.platform.carts_role_id
}
