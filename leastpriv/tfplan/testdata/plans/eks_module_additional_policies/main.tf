# The "quick fix" done the way the community EKS module does it: the node group module takes
# iam_role_additional_policies, a map of policy ARNs, and someone adds AmazonDynamoDBFullAccess to
# make the carts pods work. The AWS managed policy (dynamodb:* on *) reaches the node role.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

module "eks_managed_node_group" {
  for_each = {
    default = { instance_types = ["m5.large"], additional = { dynamodb = "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess" } }
    system  = { instance_types = ["t3.large"], additional = {} }
  }
  source                       = "./modules/managed_node_group"
  name                         = each.key
  instance_types               = each.value.instance_types
  iam_role_additional_policies = each.value.additional
}
