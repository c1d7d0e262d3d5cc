# Trimmed offline copy of terraform-aws-modules/eks v20 (root module):
# the expression styles are the upstream ones.

variable "create" {
  type    = bool
  default = true
}
variable "cluster_name" { type = string }
variable "cluster_version" {
  type    = string
  default = "1.30"
}
variable "subnet_ids" {
  type    = list(string)
  default = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
}
variable "access_entries" {
  type    = any
  default = {}
}
variable "eks_managed_node_group_defaults" {
  type    = any
  default = {}
}
variable "eks_managed_node_groups" {
  type    = any
  default = {}
}
variable "self_managed_node_group_defaults" {
  type    = any
  default = {}
}
variable "self_managed_node_groups" {
  type    = any
  default = {}
}
variable "fargate_profiles" {
  type    = any
  default = {}
}

locals {
  create_iam_role        = var.create
  iam_role_name          = "${var.cluster_name}-cluster"
  iam_role_policy_prefix = "arn:aws:iam::aws:policy"
}

data "aws_iam_policy_document" "assume_role_policy" {
  count = local.create_iam_role ? 1 : 0

  statement {
    sid     = "EKSClusterAssumeRole"
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "Service"
      identifiers = ["eks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  count = local.create_iam_role ? 1 : 0

  name_prefix           = "${local.iam_role_name}-"
  assume_role_policy    = data.aws_iam_policy_document.assume_role_policy[0].json
  force_detach_policies = true
}

resource "aws_iam_role_policy_attachment" "this" {
  for_each = { for k, v in {
    AmazonEKSClusterPolicy         = "${local.iam_role_policy_prefix}/AmazonEKSClusterPolicy",
    AmazonEKSVPCResourceController = "${local.iam_role_policy_prefix}/AmazonEKSVPCResourceController",
  } : k => v if local.create_iam_role }

  policy_arn = each.value
  role       = aws_iam_role.this[0].name
}

resource "aws_eks_cluster" "this" {
  count = var.create ? 1 : 0

  name     = var.cluster_name
  role_arn = try(aws_iam_role.this[0].arn, null)
  version  = var.cluster_version

  access_config {
    authentication_mode                         = "API_AND_CONFIG_MAP"
    bootstrap_cluster_creator_admin_permissions = false
  }

  vpc_config {
    subnet_ids = var.subnet_ids
  }
}

resource "aws_eks_access_entry" "this" {
  for_each = { for k, v in var.access_entries : k => v if var.create }

  cluster_name      = aws_eks_cluster.this[0].name
  kubernetes_groups = try(each.value.kubernetes_groups, null)
  principal_arn     = each.value.principal_arn
  type              = try(each.value.type, "STANDARD")
  user_name         = try(each.value.user_name, null)
}

module "eks_managed_node_group" {
  source   = "../eks-managed-node-group"
  for_each = { for k, v in var.eks_managed_node_groups : k => v if var.create }

  create       = try(each.value.create, true)
  cluster_name = aws_eks_cluster.this[0].name
  name         = try(each.value.name, each.key)
  subnet_ids   = try(each.value.subnet_ids, var.eks_managed_node_group_defaults.subnet_ids, var.subnet_ids)

  instance_types = try(each.value.instance_types, var.eks_managed_node_group_defaults.instance_types, null)
  min_size       = try(each.value.min_size, var.eks_managed_node_group_defaults.min_size, 1)
  max_size       = try(each.value.max_size, var.eks_managed_node_group_defaults.max_size, 3)
  desired_size   = try(each.value.desired_size, var.eks_managed_node_group_defaults.desired_size, 1)

  metadata_options = try(each.value.metadata_options, var.eks_managed_node_group_defaults.metadata_options, {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
  })

  create_iam_role              = try(each.value.create_iam_role, var.eks_managed_node_group_defaults.create_iam_role, true)
  iam_role_arn                 = try(each.value.iam_role_arn, var.eks_managed_node_group_defaults.iam_role_arn, null)
  iam_role_additional_policies = lookup(each.value, "iam_role_additional_policies", lookup(var.eks_managed_node_group_defaults, "iam_role_additional_policies", {}))
}

module "self_managed_node_group" {
  source   = "../self-managed-node-group"
  for_each = { for k, v in var.self_managed_node_groups : k => v if var.create }

  create       = try(each.value.create, true)
  cluster_name = aws_eks_cluster.this[0].name
  name         = try(each.value.name, each.key)
  subnet_ids   = try(each.value.subnet_ids, var.self_managed_node_group_defaults.subnet_ids, var.subnet_ids)
  platform     = try(each.value.platform, var.self_managed_node_group_defaults.platform, "linux")

  instance_type = try(each.value.instance_type, var.self_managed_node_group_defaults.instance_type, "m6i.large")
  min_size      = try(each.value.min_size, var.self_managed_node_group_defaults.min_size, 0)
  max_size      = try(each.value.max_size, var.self_managed_node_group_defaults.max_size, 3)

  metadata_options = try(each.value.metadata_options, var.self_managed_node_group_defaults.metadata_options, {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
  })

  create_iam_instance_profile  = try(each.value.create_iam_instance_profile, var.self_managed_node_group_defaults.create_iam_instance_profile, true)
  iam_role_additional_policies = lookup(each.value, "iam_role_additional_policies", lookup(var.self_managed_node_group_defaults, "iam_role_additional_policies", {}))
}

module "fargate_profile" {
  source   = "../fargate-profile"
  for_each = { for k, v in var.fargate_profiles : k => v if var.create }

  create       = try(each.value.create, true)
  cluster_name = aws_eks_cluster.this[0].name
  name         = try(each.value.name, each.key)
  selectors    = try(each.value.selectors, [])
  subnet_ids   = try(each.value.subnet_ids, var.subnet_ids)

  iam_role_additional_policies = lookup(each.value, "iam_role_additional_policies", {})
}

output "cluster_name" {
  value = try(aws_eks_cluster.this[0].name, "")
}

output "cluster_arn" {
  value = try(aws_eks_cluster.this[0].arn, null)
}

output "eks_managed_node_groups" {
  value = module.eks_managed_node_group
}

output "self_managed_node_groups" {
  value = module.self_managed_node_group
}

output "fargate_profiles" {
  value = module.fargate_profile
}
