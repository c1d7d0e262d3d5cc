# Trimmed offline copy of terraform-aws-modules/eks v20
# modules/self-managed-node-group: an autoscaling group whose launch
# template names the instance profile of the node role.

variable "create" {
  type    = bool
  default = true
}
variable "cluster_name" { type = string }
variable "name" { type = string }
variable "subnet_ids" { type = list(string) }
variable "platform" {
  type    = string
  default = "linux"
}
variable "ami_id" {
  type    = string
  default = "ami-0123456789abcdef0"
}
variable "instance_type" {
  type    = string
  default = "m6i.large"
}
variable "min_size" {
  type    = number
  default = 0
}
variable "max_size" {
  type    = number
  default = 3
}
variable "create_launch_template" {
  type    = bool
  default = true
}
variable "launch_template_id" {
  type    = string
  default = null
}
variable "metadata_options" {
  type = map(string)
  default = {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
  }
}
variable "create_iam_instance_profile" {
  type    = bool
  default = true
}
variable "iam_instance_profile_arn" {
  type    = string
  default = null
}
variable "iam_role_arn" {
  type    = string
  default = null
}
variable "iam_role_attach_cni_policy" {
  type    = bool
  default = true
}
variable "iam_role_additional_policies" {
  type    = map(string)
  default = {}
}
variable "create_access_entry" {
  type    = bool
  default = true
}
variable "autoscaling_group_tags" {
  type    = map(string)
  default = {}
}

locals {
  launch_template_name = "${var.name}-node-group"
}

resource "aws_launch_template" "this" {
  count = var.create && var.create_launch_template ? 1 : 0

  name_prefix            = "${local.launch_template_name}-"
  image_id               = var.ami_id
  instance_type          = var.instance_type
  update_default_version = true

  dynamic "iam_instance_profile" {
    for_each = var.create_iam_instance_profile || var.iam_instance_profile_arn != null ? [1] : []

    content {
      arn = var.create_iam_instance_profile ? aws_iam_instance_profile.this[0].arn : var.iam_instance_profile_arn
    }
  }

  dynamic "metadata_options" {
    for_each = length(var.metadata_options) > 0 ? [var.metadata_options] : []

    content {
      http_endpoint               = try(metadata_options.value.http_endpoint, null)
      http_put_response_hop_limit = try(metadata_options.value.http_put_response_hop_limit, null)
      http_tokens                 = try(metadata_options.value.http_tokens, null)
    }
  }
}

locals {
  launch_template_id      = var.create && var.create_launch_template ? aws_launch_template.this[0].id : var.launch_template_id
  launch_template_version = try(aws_launch_template.this[0].latest_version, "$Default")
}

resource "aws_autoscaling_group" "this" {
  count = var.create ? 1 : 0

  name_prefix         = "${var.name}-"
  min_size            = var.min_size
  max_size            = var.max_size
  vpc_zone_identifier = var.subnet_ids

  launch_template {
    id      = local.launch_template_id
    version = local.launch_template_version
  }

  dynamic "tag" {
    for_each = merge(
      {
        "Name"                                      = var.name
        "kubernetes.io/cluster/${var.cluster_name}" = "owned"
      },
      var.autoscaling_group_tags,
    )

    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }
}

locals {
  create_iam_instance_profile = var.create && var.create_iam_instance_profile
  iam_role_name               = "${var.name}-node-group"
  iam_role_policy_prefix      = "arn:aws:iam::aws:policy"
  cni_policy                  = "${local.iam_role_policy_prefix}/AmazonEKS_CNI_Policy"
}

data "aws_iam_policy_document" "assume_role_policy" {
  count = local.create_iam_instance_profile ? 1 : 0

  statement {
    sid     = "EKSNodeAssumeRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  count = local.create_iam_instance_profile ? 1 : 0

  name_prefix           = "${local.iam_role_name}-"
  assume_role_policy    = data.aws_iam_policy_document.assume_role_policy[0].json
  force_detach_policies = true
}

resource "aws_iam_role_policy_attachment" "this" {
  for_each = { for k, v in toset(compact([
    "${local.iam_role_policy_prefix}/AmazonEKSWorkerNodePolicy",
    "${local.iam_role_policy_prefix}/AmazonEC2ContainerRegistryReadOnly",
    var.iam_role_attach_cni_policy ? local.cni_policy : "",
  ])) : k => v if local.create_iam_instance_profile }

  policy_arn = each.value
  role       = aws_iam_role.this[0].name
}

resource "aws_iam_role_policy_attachment" "additional" {
  for_each = { for k, v in var.iam_role_additional_policies : k => v if local.create_iam_instance_profile }

  policy_arn = each.value
  role       = aws_iam_role.this[0].name
}

resource "aws_iam_instance_profile" "this" {
  count = local.create_iam_instance_profile ? 1 : 0

  role        = aws_iam_role.this[0].name
  name_prefix = "${local.iam_role_name}-"
}

resource "aws_eks_access_entry" "this" {
  count = var.create && var.create_access_entry ? 1 : 0

  cluster_name  = var.cluster_name
  principal_arn = var.create_iam_instance_profile ? aws_iam_role.this[0].arn : var.iam_role_arn
  type          = var.platform == "windows" ? "EC2_WINDOWS" : "EC2_LINUX"
}

output "autoscaling_group_name" {
  value = try(aws_autoscaling_group.this[0].name, null)
}

output "iam_role_name" {
  value = try(aws_iam_role.this[0].name, null)
}

output "iam_role_arn" {
  value = try(aws_iam_role.this[0].arn, null)
}

output "iam_instance_profile_arn" {
  value = try(aws_iam_instance_profile.this[0].arn, var.iam_instance_profile_arn)
}
