# Self-managed node groups (aws_autoscaling_group + aws_launch_template with an instance profile)
# and an autoscaling group that is not EKS. An autoscaling group runs EKS nodes when its launch
# template's instance profile holds a role with an EC2_LINUX / EC2_WINDOWS access entry, or when the
# group or its template carries a kubernetes.io/cluster/ tag.
#
#   clean          hop limit 1, IMDSv2 required, access-entry role           clean
#   hop2           hop limit 2 (the community module's default)              PI007
#   imdsv1         hop limit 1 but http_tokens optional                      PI007
#   batch          hop limit 2, no access entry, no cluster tag: not EKS     clean
#   asg_tag        batch's template, kubernetes.io/cluster/ tag on the group PI007
#   tagged_lt      cluster tag in the template's tag_specifications, hop
#                  limit not set                                             PI007
#   mixed          mixed_instances_policy, template by launch_template_id,
#                  hop limit 2, access-entry role                            PI007
#   mixed_clean    mixed_instances_policy, hop-limit-1 template by name      clean
#   mixed_override mixed_instances_policy, clean template, but an override
#                  launches with the hop-limit-2 template                    PI007
#   unknown_lt     template id unknown until apply: fails closed             PI007
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

locals {
  ec2_trust = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

# The EKS node role: instance profile and EC2_LINUX access entry.
resource "aws_iam_role" "node" {
  name               = "smng-node"
  assume_role_policy = local.ec2_trust
}
resource "aws_iam_instance_profile" "node" {
  name = "smng-node"
  role = aws_iam_role.node.name
}
resource "aws_eks_access_entry" "node" {
  cluster_name  = "eks-workshop"
  principal_arn = aws_iam_role.node.arn
  type          = "EC2_LINUX"
}

# A batch fleet's role: an instance profile, no access entry.
resource "aws_iam_role" "batch" {
  name               = "batch-worker"
  assume_role_policy = local.ec2_trust
}
resource "aws_iam_instance_profile" "batch" {
  name = "batch-worker"
  role = aws_iam_role.batch.name
}

resource "aws_launch_template" "hop1" {
  name = "smng-hop1"
  iam_instance_profile {
    arn = aws_iam_instance_profile.node.arn
  }
  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }
}
resource "aws_launch_template" "hop2" {
  name = "smng-hop2"
  iam_instance_profile {
    name = aws_iam_instance_profile.node.name
  }
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
  }
}
resource "aws_launch_template" "imdsv1" {
  name = "smng-imdsv1"
  iam_instance_profile {
    name = "smng-node"
  }
  metadata_options {
    http_tokens                 = "optional"
    http_put_response_hop_limit = 1
  }
}
resource "aws_launch_template" "batch" {
  name = "batch"
  iam_instance_profile {
    arn = aws_iam_instance_profile.batch.arn
  }
  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
  }
  tags = { team = "data" }
}
resource "aws_launch_template" "tagged" {
  name = "smng-tagged"
  iam_instance_profile {
    arn = aws_iam_instance_profile.batch.arn
  }
  metadata_options {
    http_tokens = "required"
  }
  tag_specifications {
    resource_type = "instance"
    tags          = { "kubernetes.io/cluster/eks-workshop" = "owned" }
  }
}

resource "aws_autoscaling_group" "clean" {
  name                = "smng-clean"
  min_size            = 1
  max_size            = 3
  vpc_zone_identifier = ["subnet-0a1b2c3d"]
  launch_template {
    id      = aws_launch_template.hop1.id
    version = "$Latest"
  }
}
resource "aws_autoscaling_group" "hop2" {
  name                = "smng-hop2"
  min_size            = 1
  max_size            = 3
  vpc_zone_identifier = ["subnet-0a1b2c3d"]
  launch_template {
    name    = "smng-hop2"
    version = "$Default"
  }
  depends_on = [aws_launch_template.hop2]
}
resource "aws_autoscaling_group" "imdsv1" {
  name                = "smng-imdsv1"
  min_size            = 1
  max_size            = 3
  vpc_zone_identifier = ["subnet-0a1b2c3d"]
  launch_template {
    name    = aws_launch_template.imdsv1.name
    version = "$Latest"
  }
}
resource "aws_autoscaling_group" "batch" {
  name                = "batch"
  min_size            = 0
  max_size            = 10
  vpc_zone_identifier = ["subnet-0a1b2c3d"]
  launch_template {
    id      = aws_launch_template.batch.id
    version = "$Latest"
  }
  tag {
    key                 = "Name"
    value               = "batch"
    propagate_at_launch = true
  }
}
resource "aws_autoscaling_group" "asg_tag" {
  name                = "smng-asg-tag"
  min_size            = 1
  max_size            = 3
  vpc_zone_identifier = ["subnet-0a1b2c3d"]
  launch_template {
    id      = aws_launch_template.batch.id
    version = "$Latest"
  }
  tag {
    key                 = "kubernetes.io/cluster/eks-workshop"
    value               = "owned"
    propagate_at_launch = true
  }
}
resource "aws_autoscaling_group" "tagged_lt" {
  name                = "smng-tagged-lt"
  min_size            = 1
  max_size            = 3
  vpc_zone_identifier = ["subnet-0a1b2c3d"]
  launch_template {
    id      = aws_launch_template.tagged.id
    version = "$Latest"
  }
}
resource "aws_autoscaling_group" "mixed" {
  name                = "smng-mixed"
  min_size            = 1
  max_size            = 3
  vpc_zone_identifier = ["subnet-0a1b2c3d"]
  mixed_instances_policy {
    launch_template {
      launch_template_specification {
        launch_template_id = aws_launch_template.hop2.id
        version            = "$Latest"
      }
      override {
        instance_type = "m6i.large"
      }
      override {
        instance_type = "m7i.large"
      }
    }
  }
}
resource "aws_autoscaling_group" "mixed_clean" {
  name                = "smng-mixed-clean"
  min_size            = 1
  max_size            = 3
  vpc_zone_identifier = ["subnet-0a1b2c3d"]
  mixed_instances_policy {
    launch_template {
      launch_template_specification {
        launch_template_name = aws_launch_template.hop1.name
      }
      override {
        instance_type = "m6i.large"
      }
    }
  }
}
resource "aws_autoscaling_group" "mixed_override" {
  name                = "smng-mixed-override"
  min_size            = 1
  max_size            = 3
  vpc_zone_identifier = ["subnet-0a1b2c3d"]
  mixed_instances_policy {
    launch_template {
      launch_template_specification {
        launch_template_id = aws_launch_template.hop1.id
      }
      override {
        instance_type = "m6i.large"
      }
      override {
        instance_type = "m6g.large"
        launch_template_specification {
          launch_template_name = aws_launch_template.hop2.name
        }
      }
    }
  }
}

# A launch template id that is only known after apply, and no cluster tag: whether the group runs
# EKS nodes, and its metadata options, cannot be told at plan time.
resource "terraform_data" "lt_id" {
  input = aws_launch_template.hop2.id
}
resource "aws_autoscaling_group" "unknown_lt" {
  name                = "smng-unknown-lt"
  min_size            = 1
  max_size            = 3
  vpc_zone_identifier = ["subnet-0a1b2c3d"]
  launch_template {
    id      = terraform_data.lt_id.output
    version = "$Latest"
  }
}
