# The EKS workshop's "quick fix", written the way most clusters are built: the
# cluster comes from a community-style EKS module whose managed node groups
# live in a nested module (for_each), each with its own role made with
# name_prefix (unknown until apply). The fix attaches AmazonDynamoDBFullAccess
# at the root to module.eks.eks_managed_node_groups["default"].iam_role_name:
# the role is only reachable through two module outputs, the second one a
# whole module object.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

module "eks" {
  source       = "./modules/eks"
  cluster_name = "eks-workshop"
  eks_managed_node_groups = {
    default = { instance_types = ["m5.large"] }
    system  = { instance_types = ["t3.large"] }
  }
}

resource "aws_iam_role_policy_attachment" "carts_dynamodb" {
  role       = module.eks.eks_managed_node_groups["default"].iam_role_name
  policy_arn = "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"
}

# Reading the system pool's role through the ARN output, with a policy that
# grants nothing on DynamoDB: clean.
resource "aws_iam_role_policy" "system_logs" {
  name = "logs"
  role = module.eks.eks_managed_node_groups["system"].iam_role_name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["logs:PutLogEvents"], Resource = "*" }]
  })
}

# The same grant through an output computed from several references (a
# conditional): the role cannot be told from the plan, so it fails closed.
resource "aws_iam_role_policy" "orders_via_conditional" {
  name = "orders"
  role = module.eks.node_groups["default"].iam_role_name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["dynamodb:GetItem"], Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/orders" }]
  })
}
