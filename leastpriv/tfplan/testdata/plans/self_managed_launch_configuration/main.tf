# Self-managed node groups of the older style (terraform-aws-modules/eks before v18
# worker_groups): autoscaling groups launched from aws_launch_configuration.
#   workers:  instance profile (by name) of a role with an EC2_LINUX access entry, hop limit 2:
#             PI007.
#   safe:     same profile (by ARN), IMDSv2 required, hop limit 1: clean.
#   tagged:   no instance profile, no metadata_options, group tagged kubernetes.io/cluster/...:
#             PI007 (hop limit not set, IMDSv1 on).
#   bastion:  no profile, no EKS tag, no metadata_options: not EKS nodes, clean.
#   legacy:   a launch configuration name not in the plan, group tagged as EKS: PI007 (its
#             settings cannot be read).
#   windows:  launch configuration by id, profile of a role with an EC2_WINDOWS access entry,
#             http_tokens optional with hop limit 1: PI007 (IMDSv1).

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

resource "aws_iam_role" "workers" {
  name = "eks-workers"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_instance_profile" "workers" {
  name = "eks-workers"
  role = aws_iam_role.workers.name
}

resource "aws_eks_access_entry" "workers" {
  cluster_name  = "eks-workshop"
  principal_arn = aws_iam_role.workers.arn
  type          = "EC2_LINUX"
}

resource "aws_iam_role" "windows" {
  name = "eks-windows-workers"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_instance_profile" "windows" {
  name = "eks-windows-workers"
  role = aws_iam_role.windows.name
}

resource "aws_eks_access_entry" "windows" {
  cluster_name  = "eks-workshop"
  principal_arn = aws_iam_role.windows.arn
  type          = "EC2_WINDOWS"
}

resource "aws_launch_configuration" "workers" {
  name_prefix          = "eks-workers-"
  image_id             = "ami-0eks0000000000001"
  instance_type        = "m5.large"
  iam_instance_profile = aws_iam_instance_profile.workers.name
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
  }
}

resource "aws_autoscaling_group" "workers" {
  name                 = "eks-workers"
  launch_configuration = aws_launch_configuration.workers.name
  min_size             = 1
  max_size             = 3
  vpc_zone_identifier  = ["subnet-0a1b2c3d"]
}

resource "aws_launch_configuration" "safe" {
  name                 = "eks-workers-safe"
  image_id             = "ami-0eks0000000000001"
  instance_type        = "m5.large"
  iam_instance_profile = aws_iam_instance_profile.workers.arn
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }
}

resource "aws_autoscaling_group" "safe" {
  name                 = "eks-workers-safe"
  launch_configuration = aws_launch_configuration.safe.name
  min_size             = 1
  max_size             = 3
  vpc_zone_identifier  = ["subnet-0a1b2c3d"]
}

resource "aws_launch_configuration" "plain" {
  name          = "plain"
  image_id      = "ami-0eks0000000000001"
  instance_type = "m5.large"
}

resource "aws_autoscaling_group" "tagged" {
  name                 = "eks-tagged"
  launch_configuration = aws_launch_configuration.plain.name
  min_size             = 1
  max_size             = 3
  vpc_zone_identifier  = ["subnet-0a1b2c3d"]
  tag {
    key                 = "kubernetes.io/cluster/eks-workshop"
    value               = "owned"
    propagate_at_launch = true
  }
}

resource "aws_autoscaling_group" "bastion" {
  name                 = "bastion"
  launch_configuration = aws_launch_configuration.plain.name
  min_size             = 1
  max_size             = 1
  vpc_zone_identifier  = ["subnet-0a1b2c3d"]
}

resource "aws_autoscaling_group" "legacy" {
  name                 = "eks-legacy"
  launch_configuration = "eks-legacy-workers-20190101"
  min_size             = 1
  max_size             = 3
  vpc_zone_identifier  = ["subnet-0a1b2c3d"]
  tag {
    key                 = "kubernetes.io/cluster/eks-workshop"
    value               = "owned"
    propagate_at_launch = true
  }
}

resource "aws_launch_configuration" "windows" {
  name                 = "eks-windows"
  image_id             = "ami-0eks0000000000002"
  instance_type        = "m5.large"
  iam_instance_profile = aws_iam_instance_profile.windows.name
  metadata_options {
    http_tokens                 = "optional"
    http_put_response_hop_limit = 1
  }
}

resource "aws_autoscaling_group" "windows" {
  name                 = "eks-windows"
  launch_configuration = aws_launch_configuration.windows.id
  min_size             = 1
  max_size             = 3
  vpc_zone_identifier  = ["subnet-0a1b2c3d"]
}
