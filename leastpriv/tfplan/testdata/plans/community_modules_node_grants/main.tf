# The EKS workshop's node-role "quick fix" (give carts DynamoDB through the
# nodes' role) in the style of each community module (trimmed offline copies
# in testdata/modules/community): terraform-aws-modules/eks v20 managed and self-managed
# node groups and Fargate profile, its karpenter module, and
# terraform-aws-modules/iam's iam-assumable-role used as a node role. Every
# one reaches a node role; the ones that only flow through locals fail
# closed.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

locals {
  cluster_name = "eks-workshop"
  table_arn    = "arn:aws:dynamodb:us-west-2:123456789012:table/eks-workshop-carts"
}

resource "aws_iam_policy" "carts_dynamo" {
  name = "eks-workshop-carts-dynamo"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "CartsItems"
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
      Resource = [local.table_arn, "${local.table_arn}/index/*"]
    }]
  })
}

module "eks" {
  source       = "../../modules/community/eks"
  cluster_name = local.cluster_name

  eks_managed_node_groups = {
    # 1. iam_role_additional_policies on a managed node group.
    default = {
      instance_types               = ["m5.large"]
      iam_role_additional_policies = { dynamodb = "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess" }
    }
    system = { instance_types = ["t3.large"] }
  }

  self_managed_node_groups = {
    workers = {}
  }

  fargate_profiles = {
    # 4. A Fargate pod execution role with DynamoDB read access.
    carts = {
      selectors                    = [{ namespace = "carts" }]
      iam_role_additional_policies = { dynamodb = "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess" }
    }
  }
}

# 2. At the root, on the self-managed group's role through the module's
# output (a whole nested module, for_each).
resource "aws_iam_role_policy_attachment" "workers_dynamodb" {
  role       = module.eks.self_managed_node_groups["workers"].iam_role_name
  policy_arn = aws_iam_policy.carts_dynamo.arn
}

# 3. Karpenter's node role, through node_iam_role_additional_policies.
module "karpenter" {
  source       = "../../modules/community/karpenter"
  cluster_name = module.eks.cluster_name

  node_iam_role_additional_policies = {
    carts = aws_iam_policy.carts_dynamo.arn
  }
}

# 5. A node role made with iam-assumable-role (trusted by EC2, with an
# instance profile), DynamoDB by custom_role_policy_arns (count, element()).
module "legacy_node_role" {
  source                  = "../../modules/community/iam-assumable-role"
  create_role             = true
  role_requires_mfa       = false
  role_name               = "eks-workshop-legacy-nodes"
  trusted_role_services   = ["ec2.amazonaws.com"]
  trusted_role_actions    = ["sts:AssumeRole"]
  create_instance_profile = true
  custom_role_policy_arns = [
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    aws_iam_policy.carts_dynamo.arn,
  ]
}

# 6. The carts service account associated with Karpenter's node role.
resource "aws_eks_pod_identity_association" "carts" {
  cluster_name    = module.eks.cluster_name
  namespace       = "carts"
  service_account = "carts"
  role_arn        = module.karpenter.node_iam_role_arn
}

# 7. The system pool's role only through a local: locals are not in the
# plan, and the role's name is made with name_prefix, so the role cannot be
# told at plan time.
locals {
  system_node_role = module.eks.eks_managed_node_groups["system"].iam_role_name
}

resource "aws_iam_role_policy" "system_orders" {
  name = "orders"
  role = local.system_node_role
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["dynamodb:GetItem"], Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/orders" }]
  })
}
