# Trimmed offline copy of terraform-aws-modules/eks v20 modules/karpenter:
# the controller's Pod Identity role and association, and the role of the
# nodes Karpenter launches, with its EC2_LINUX access entry.

variable "create" {
  type    = bool
  default = true
}
variable "cluster_name" { type = string }
variable "enable_pod_identity" {
  type    = bool
  default = true
}
variable "create_pod_identity_association" {
  type    = bool
  default = false
}
variable "namespace" {
  type    = string
  default = "kube-system"
}
variable "service_account" {
  type    = string
  default = "karpenter"
}
variable "create_node_iam_role" {
  type    = bool
  default = true
}
variable "node_iam_role_arn" {
  type    = string
  default = null
}
variable "node_iam_role_name" {
  type    = string
  default = null
}
variable "node_iam_role_use_name_prefix" {
  type    = bool
  default = true
}
variable "node_iam_role_attach_cni_policy" {
  type    = bool
  default = true
}
variable "node_iam_role_additional_policies" {
  type    = map(string)
  default = {}
}
variable "create_access_entry" {
  type    = bool
  default = true
}
variable "access_entry_type" {
  type    = string
  default = "EC2_LINUX"
}
variable "create_instance_profile" {
  type    = bool
  default = false
}

locals {
  create_iam_role = var.create
  partition       = "aws"
  region          = "us-west-2"
}

data "aws_iam_policy_document" "controller_assume_role" {
  count = local.create_iam_role ? 1 : 0

  dynamic "statement" {
    for_each = var.enable_pod_identity ? [1] : []

    content {
      actions = [
        "sts:AssumeRole",
        "sts:TagSession",
      ]

      principals {
        type        = "Service"
        identifiers = ["pods.eks.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role" "controller" {
  count = local.create_iam_role ? 1 : 0

  name_prefix           = "KarpenterController-"
  assume_role_policy    = data.aws_iam_policy_document.controller_assume_role[0].json
  force_detach_policies = true
}

data "aws_iam_policy_document" "controller" {
  count = local.create_iam_role ? 1 : 0

  statement {
    sid = "AllowScopedEC2InstanceAccessActions"
    resources = [
      "arn:${local.partition}:ec2:${local.region}::image/*",
      "arn:${local.partition}:ec2:${local.region}::snapshot/*",
      "arn:${local.partition}:ec2:${local.region}:*:security-group/*",
      "arn:${local.partition}:ec2:${local.region}:*:subnet/*",
    ]
    actions = [
      "ec2:RunInstances",
      "ec2:CreateFleet",
    ]
  }

  statement {
    sid       = "AllowPassingInstanceRole"
    resources = var.create_node_iam_role ? [aws_iam_role.node[0].arn] : [var.node_iam_role_arn]
    actions   = ["iam:PassRole"]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ec2.amazonaws.com"]
    }
  }

  statement {
    sid       = "AllowAPIServerEndpointDiscovery"
    resources = ["arn:${local.partition}:eks:${local.region}:*:cluster/${var.cluster_name}"]
    actions   = ["eks:DescribeCluster"]
  }

  statement {
    sid       = "AllowUnscopedInstanceProfileActions"
    resources = ["*"]
    actions   = ["iam:GetInstanceProfile", "ec2:DescribeInstances", "pricing:GetProducts", "ssm:GetParameter"]
  }
}

resource "aws_iam_policy" "controller" {
  count = local.create_iam_role ? 1 : 0

  name_prefix = "KarpenterController-"
  description = "Karpenter controller IAM policy"
  policy      = data.aws_iam_policy_document.controller[0].json
}

resource "aws_iam_role_policy_attachment" "controller" {
  count = local.create_iam_role ? 1 : 0

  role       = aws_iam_role.controller[0].name
  policy_arn = aws_iam_policy.controller[0].arn
}

resource "aws_eks_pod_identity_association" "karpenter" {
  count = local.create_iam_role && var.enable_pod_identity && var.create_pod_identity_association ? 1 : 0

  cluster_name    = var.cluster_name
  namespace       = var.namespace
  service_account = var.service_account
  role_arn        = aws_iam_role.controller[0].arn
}

locals {
  create_node_iam_role        = var.create && var.create_node_iam_role
  node_iam_role_name          = coalesce(var.node_iam_role_name, "Karpenter-${var.cluster_name}")
  node_iam_role_policy_prefix = "arn:${local.partition}:iam::aws:policy"
  ipv4_cni_policy = { for k, v in {
    AmazonEKS_CNI_Policy = "${local.node_iam_role_policy_prefix}/AmazonEKS_CNI_Policy"
  } : k => v if var.node_iam_role_attach_cni_policy }
}

data "aws_iam_policy_document" "node_assume_role" {
  count = local.create_node_iam_role ? 1 : 0

  statement {
    sid     = "EKSNodeAssumeRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "node" {
  count = local.create_node_iam_role ? 1 : 0

  name        = var.node_iam_role_use_name_prefix ? null : local.node_iam_role_name
  name_prefix = var.node_iam_role_use_name_prefix ? "${local.node_iam_role_name}-" : null

  assume_role_policy    = data.aws_iam_policy_document.node_assume_role[0].json
  force_detach_policies = true
}

resource "aws_iam_role_policy_attachment" "node" {
  for_each = { for k, v in merge(
    {
      AmazonEKSWorkerNodePolicy          = "${local.node_iam_role_policy_prefix}/AmazonEKSWorkerNodePolicy"
      AmazonEC2ContainerRegistryReadOnly = "${local.node_iam_role_policy_prefix}/AmazonEC2ContainerRegistryReadOnly"
    },
    local.ipv4_cni_policy
  ) : k => v if local.create_node_iam_role }

  policy_arn = each.value
  role       = aws_iam_role.node[0].name
}

resource "aws_iam_role_policy_attachment" "node_additional" {
  for_each = { for k, v in var.node_iam_role_additional_policies : k => v if local.create_node_iam_role }

  policy_arn = each.value
  role       = aws_iam_role.node[0].name
}

resource "aws_eks_access_entry" "node" {
  count = var.create && var.create_access_entry ? 1 : 0

  cluster_name  = var.cluster_name
  principal_arn = var.create_node_iam_role ? aws_iam_role.node[0].arn : var.node_iam_role_arn
  type          = var.access_entry_type
}

resource "aws_iam_instance_profile" "this" {
  count = var.create && var.create_instance_profile ? 1 : 0

  name_prefix = "${local.node_iam_role_name}-"
  role        = var.create_node_iam_role ? aws_iam_role.node[0].name : var.node_iam_role_name
}

output "iam_role_arn" {
  value = try(aws_iam_role.controller[0].arn, null)
}

output "node_iam_role_name" {
  value = try(aws_iam_role.node[0].name, null)
}

output "node_iam_role_arn" {
  value = try(aws_iam_role.node[0].arn, var.node_iam_role_arn)
}

output "instance_profile_name" {
  value = try(aws_iam_instance_profile.this[0].name, null)
}
