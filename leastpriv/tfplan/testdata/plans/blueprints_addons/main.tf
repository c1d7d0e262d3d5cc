# aws-ia/terraform-aws-eks-blueprints-addons style: add-on roles made by one module called with
# for_each over the add-ons, each add-on's policies passed as lookup(each.value, "role_policies",
# {}) (external-dns has none). The carts add-on's DynamoDB policy is also, by mistake, attached to
# the node role with the same lookup over the same map: PI001 on that attachment. The add-on roles
# themselves are clean (scoped trust, the DynamoDB policy only on the carts table). The plan JSON
# does not record locals, so that attachment's policy (each.value over local.addons["carts"]) is
# unknown until apply: PI008, failing closed. module.blueprints takes the same settings as an
# object variable read with lookup(var.carts, "role_policies", {}) and attaches them to the node
# role too (node_role_name set): PI001 there, the module call's expression being in the plan.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

resource "aws_iam_policy" "lbc" {
  name = "eks-workshop-aws-load-balancer-controller"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["elasticloadbalancing:Describe*", "ec2:DescribeSubnets"], Resource = "*" }]
  })
}

resource "aws_iam_policy" "carts_dynamodb" {
  name = "eks-workshop-carts-dynamodb"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query"]
      Resource = ["arn:aws:dynamodb:us-west-2:123456789012:table/eks-workshop-carts", "arn:aws:dynamodb:us-west-2:123456789012:table/eks-workshop-carts/index/*"]
    }]
  })
}

locals {
  addons = {
    aws_load_balancer_controller = {
      namespace       = "kube-system"
      service_account = "aws-load-balancer-controller"
      role_policies   = { lbc = aws_iam_policy.lbc.arn }
    }
    external_dns = {
      namespace       = "external-dns"
      service_account = "external-dns"
    }
    carts = {
      namespace       = "carts"
      service_account = "carts"
      role_policies   = { dynamodb = aws_iam_policy.carts_dynamodb.arn }
    }
  }
}

module "addon" {
  source          = "./modules/addon"
  for_each        = local.addons
  cluster_name    = "eks-workshop"
  name            = replace(each.key, "_", "-")
  namespace       = each.value.namespace
  service_account = each.value.service_account
  role_policies   = lookup(each.value, "role_policies", {})
}

resource "aws_iam_role" "node" {
  name = "eks-workshop-node"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_eks_node_group" "default" {
  cluster_name    = "eks-workshop"
  node_group_name = "default"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = ["subnet-0a1b2c3d"]
  scaling_config {
    desired_size = 2
    max_size     = 3
    min_size     = 1
  }
  launch_template {
    id      = aws_launch_template.nodes.id
    version = "$Latest"
  }
}

resource "aws_launch_template" "nodes" {
  name = "eks-workshop-nodes"
  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }
}

# The mistake: "the carts pods still get AccessDenied, give the nodes the add-on's policies too".
resource "aws_iam_role_policy_attachment" "node_addon" {
  for_each   = lookup(local.addons["carts"], "role_policies", {})
  role       = aws_iam_role.node.name
  policy_arn = each.value
}

module "blueprints" {
  source         = "./modules/blueprints"
  cluster_name   = "eks-workshop"
  node_role_name = aws_iam_role.node.name
  carts = {
    role_policies = { dynamodb = aws_iam_policy.carts_dynamodb.arn }
  }
}
