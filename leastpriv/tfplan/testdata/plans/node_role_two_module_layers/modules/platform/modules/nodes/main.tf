variable "name" {
  type = string
}

resource "aws_iam_role" "this" {
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_launch_template" "this" {
  name = "${var.name}-nodes"
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }
}

resource "aws_eks_node_group" "this" {
  cluster_name    = var.name
  node_group_name = "default"
  node_role_arn   = aws_iam_role.this.arn
  subnet_ids      = ["subnet-0a1b2c3d"]
  launch_template {
    id      = aws_launch_template.this.id
    version = "$Latest"
  }
  scaling_config {
    desired_size = 2
    max_size     = 4
    min_size     = 1
  }
}

output "role_name" {
  value = aws_iam_role.this.name
}
