# Team roles created by a module called with for_each over a map variable: each.key is the team,
# each.value the IAM role name. The node role only has the standard node policies; every DynamoDB
# grant goes to a team's Pod Identity role.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

variable "teams" {
  type = map(string)
  default = {
    carts  = "eks-workshop-carts"
    orders = "eks-workshop-orders"
  }
}

resource "aws_dynamodb_table" "team" {
  for_each = var.teams
  name     = each.value
  hash_key = "id"
  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_iam_role" "node" {
  name = "eks-workshop-nodes"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy_attachment" "node" {
  for_each = toset([
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
  ])
  role       = aws_iam_role.node.name
  policy_arn = each.value
}

resource "aws_launch_template" "nodes" {
  name = "nodes"
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }
}

resource "aws_eks_node_group" "default" {
  cluster_name    = "eks-workshop"
  node_group_name = "default"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
  launch_template {
    id      = aws_launch_template.nodes.id
    version = "$Latest"
  }
  scaling_config {
    desired_size = 3
    max_size     = 6
    min_size     = 3
  }
}

module "team" {
  for_each  = var.teams
  source    = "./modules/team"
  namespace = each.key
  role_name = each.value
  table_arn = aws_dynamodb_table.team[each.key].arn
}
