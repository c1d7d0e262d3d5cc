terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

variable "name" { type = string }
variable "cluster_name" { type = string }
variable "instance_types" { type = list(string) }
variable "create_iam_role" {
  type    = bool
  default = true
}

data "aws_iam_policy_document" "assume_role_policy" {
  count = var.create_iam_role ? 1 : 0
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
  count              = var.create_iam_role ? 1 : 0
  name_prefix        = "${var.name}-eks-node-group-"
  assume_role_policy = data.aws_iam_policy_document.assume_role_policy[0].json
}

resource "aws_iam_role_policy_attachment" "this" {
  for_each = var.create_iam_role ? toset([
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
  ]) : toset([])
  policy_arn = each.value
  role       = aws_iam_role.this[0].name
}

resource "aws_eks_node_group" "this" {
  count           = 1
  cluster_name    = var.cluster_name
  node_group_name = var.name
  node_role_arn   = aws_iam_role.this[0].arn
  subnet_ids      = ["subnet-0a1b2c3d"]
  instance_types  = var.instance_types
  scaling_config {
    desired_size = 2
    max_size     = 3
    min_size     = 1
  }
}

output "iam_role_name" {
  value = try(aws_iam_role.this[0].name, null)
}

output "iam_role_arn" {
  value = try(aws_iam_role.this[0].arn, null)
}
