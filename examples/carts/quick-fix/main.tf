# The quick fix as a reviewer sees it in a pull request: the carts policy
# (the workshop's AllAPIActionsOnCart: dynamodb:* on the table and its
# indexes) put on the node role of node group "default", and the launch
# template's hop limit raised to 2 so that pods reach the node's instance
# metadata service. Every pod on those nodes gets the table.
#
# Checked-in plans (scripts in ../regenerate-plans.sh):
#   quick-fix.plan.json  applied with quick_fix=false, hop_limit=1; planned with the defaults
#   cleanup.plan.json    applied with the defaults; planned with quick_fix=false, hop_limit=1
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

variable "quick_fix" {
  type    = bool
  default = true
}

variable "hop_limit" {
  type    = number
  default = 2
}

resource "aws_iam_role" "node" {
  name = "eks-workshop-node"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_launch_template" "default" {
  name = "eks-workshop-default"
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = var.hop_limit
  }
}

resource "aws_eks_node_group" "default" {
  cluster_name    = "eks-workshop"
  node_group_name = "default"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
  launch_template {
    id      = aws_launch_template.default.id
    version = "$Latest"
  }
  scaling_config {
    desired_size = 3
    max_size     = 6
    min_size     = 3
  }
}

resource "aws_iam_role_policy" "carts_quick_fix" {
  count  = var.quick_fix ? 1 : 0
  name   = "carts-dynamodb"
  role   = aws_iam_role.node.name
  policy = file("${path.module}/../quick-fix-policy.json")
}
