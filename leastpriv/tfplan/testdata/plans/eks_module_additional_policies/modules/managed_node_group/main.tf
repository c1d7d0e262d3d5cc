variable "name" {
  type = string
}
variable "instance_types" {
  type = list(string)
}
variable "iam_role_additional_policies" {
  type    = map(string)
  default = {}
}

resource "aws_iam_role" "this" {
  name_prefix = "${var.name}-eks-node-group-"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "EKSNodeAssumeRole", Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy_attachment" "this" {
  for_each = toset([
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
  ])
  policy_arn = each.value
  role       = aws_iam_role.this.name
}

resource "aws_iam_role_policy_attachment" "additional" {
  for_each   = var.iam_role_additional_policies
  policy_arn = each.value
  role       = aws_iam_role.this.name
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
  cluster_name    = "eks-workshop"
  node_group_name = var.name
  node_role_arn   = aws_iam_role.this.arn
  subnet_ids      = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
  instance_types  = var.instance_types
  launch_template {
    id      = aws_launch_template.this.id
    version = aws_launch_template.this.latest_version
  }
  scaling_config {
    desired_size = 2
    max_size     = 4
    min_size     = 1
  }
}
