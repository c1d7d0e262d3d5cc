module "nodes" {
  source = "./modules/nodes"
  name   = "eks-workshop"
}

resource "aws_iam_role" "carts" {
  name_prefix = "carts-"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "pods.eks.amazonaws.com" }
      Action    = ["sts:AssumeRole", "sts:TagSession"]
      Condition = { StringEquals = { "aws:RequestTag/kubernetes-namespace" = "carts", "aws:RequestTag/kubernetes-service-account" = "carts" } }
    }]
  })
}

output "node_role_name" {
  value = module.nodes.role_name
}

output "carts_role_id" {
  value = aws_iam_role.carts.id
}
