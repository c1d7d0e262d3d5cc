# The EKS workshop's `carts` service needs DynamoDB. The right fix:
# a role only pods.eks.amazonaws.com can assume, restricted to the carts
# namespace and service account, a policy scoped to the one table, and the
# Pod Identity association — one resource.
terraform {
  required_providers {
    podidentity = {
      source = "eks-podidentity/podidentity"
    }
  }
}

variable "cluster_name" {
  type    = string
  default = "eks-workshop"
}

variable "carts_table_arn" {
  type        = string
  description = "The ARN of the carts DynamoDB table (in the workshop, aws_dynamodb_table.carts.arn)."
}

provider "podidentity" {
  default_tags {
    tags = {
      app = "retail-store"
    }
  }
}

resource "podidentity_least_privilege" "carts" {
  cluster_name    = var.cluster_name
  namespace       = "carts"
  service_account = "carts"
  dynamodb_tables = [{ arn = var.carts_table_arn, access = "read_write" }]
}

output "role_arn" {
  value = podidentity_least_privilege.carts.role_arn
}

output "association_id" {
  value = podidentity_least_privilege.carts.association_id
}

output "policy_json" {
  value = podidentity_least_privilege.carts.policy_json
}
