terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

variable "cluster_name" { type = string }
variable "eks_managed_node_groups" { type = any }

module "eks_managed_node_group" {
  source         = "../eks-managed-node-group"
  for_each       = var.eks_managed_node_groups
  name           = each.key
  cluster_name   = var.cluster_name
  instance_types = each.value.instance_types
}

output "eks_managed_node_groups" {
  value = module.eks_managed_node_group
}

variable "use_managed_node_groups" {
  type    = bool
  default = true
}

# An output computed from several references: which module's groups it is
# depends on the condition.
output "node_groups" {
  value = var.use_managed_node_groups ? module.eks_managed_node_group : {}
}
