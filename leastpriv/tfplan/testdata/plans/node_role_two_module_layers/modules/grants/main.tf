variable "node_role_name" {
  type = string
}
variable "carts_role_id" {
  type = string
}

module "orders" {
  source = "./modules/policy"
  role   = var.node_role_name
  table  = "orders"
}

module "carts" {
  source = "./modules/policy"
  role   = var.carts_role_id
  table  = "eks-workshop-carts"
}
