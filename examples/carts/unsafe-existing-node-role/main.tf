# The quick fix, attempted through this provider: reuse the node role.
# The plan fails: every pod on those nodes would get the table.
terraform {
  required_providers {
    podidentity = {
      source = "eks-podidentity/podidentity"
    }
  }
}

variable "carts_table_arn" {
  type = string
}

resource "podidentity_least_privilege" "carts" {
  cluster_name       = "eks-workshop"
  namespace          = "carts"
  service_account    = "carts"
  existing_role_name = "eks-workshop-node"
  dynamodb_tables    = [{ arn = var.carts_table_arn, access = "read_write" }]
}
