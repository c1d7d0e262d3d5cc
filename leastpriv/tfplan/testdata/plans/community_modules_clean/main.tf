# A cluster built the way most are, with the community modules (trimmed
# offline copies in testdata/modules/community, in their own expression styles):
# terraform-aws-modules/eks v20 with managed and self-managed node groups
# and a Fargate profile, its karpenter module, aws-ia's
# terraform-aws-eks-pod-identity for carts, an IRSA role for orders from
# terraform-aws-modules/iam, and the EKS workshop's podidentity-free carts
# role (iam-assumable-role). No node role gets DynamoDB.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

locals {
  cluster_name = "eks-workshop"
  table_arn    = "arn:aws:dynamodb:us-west-2:123456789012:table/eks-workshop-carts"
  imdsv2_only = {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }
}

module "eks" {
  source       = "../../modules/community/eks"
  cluster_name = local.cluster_name

  eks_managed_node_group_defaults = {
    instance_types   = ["m5.large"]
    metadata_options = local.imdsv2_only
  }
  eks_managed_node_groups = {
    default = { min_size = 2, max_size = 4, desired_size = 2 }
    system  = { instance_types = ["t3.large"] }
    # Switched off: for_each = { ... if v.create } drops it.
    gpu = { create = false }
  }

  self_managed_node_groups = {
    workers = { instance_type = "m6i.large", metadata_options = local.imdsv2_only }
  }

  fargate_profiles = {
    kube_system = { selectors = [{ namespace = "kube-system", labels = { "k8s-app" = "kube-dns" } }] }
  }
}

module "karpenter" {
  source = "../../modules/community/karpenter"

  cluster_name                    = module.eks.cluster_name
  create_pod_identity_association = true
}

resource "aws_dynamodb_table" "carts" {
  name         = "eks-workshop-carts"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {
    name = "id"
    type = "S"
  }
}

# aws-ia/terraform-aws-eks-pod-identity: the good path.
module "carts_pod_identity" {
  source = "../../modules/community/eks-pod-identity"
  name   = "carts"

  trust_policy_conditions = [
    { test = "StringEquals", variable = "aws:RequestTag/kubernetes-namespace", values = ["carts"] },
    { test = "StringEquals", variable = "aws:RequestTag/kubernetes-service-account", values = ["carts"] },
  ]

  attach_custom_policy = true
  policy_statements = [
    {
      sid       = "CartsItems"
      actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query"]
      resources = [aws_dynamodb_table.carts.arn, "${aws_dynamodb_table.carts.arn}/index/*"]
    },
    {
      sid       = "DenyOtherRegions"
      effect    = "Deny"
      actions   = ["dynamodb:*"]
      resources = ["*"]
      conditions = [
        { test = "StringNotEquals", variable = "aws:RequestedRegion", values = ["us-west-2"] },
      ]
    },
  ]

  association_defaults = { cluster_name = module.eks.cluster_name }
  associations = {
    carts = { namespace = "carts", service_account = "carts" }
  }
}

# terraform-aws-modules/iam IRSA role for orders: not a node role, not Pod
# Identity.
module "orders_irsa" {
  source    = "../../modules/community/iam-role-for-service-accounts-eks"
  role_name = "eks-workshop-orders"

  oidc_providers = {
    main = {
      provider_arn               = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
      namespace_service_accounts = ["orders:orders"]
    }
  }
  role_policy_arns = {
    orders = aws_iam_policy.orders.arn
  }
}

resource "aws_iam_policy" "orders" {
  name = "eks-workshop-orders"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:Query"]
      Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/eks-workshop-orders"
    }]
  })
}

# The workshop's carts role for the Pod Identity lab, made with
# iam-assumable-role, scoped to the carts service account.
resource "aws_iam_policy" "carts_dynamo" {
  name = "eks-workshop-carts-dynamo"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "AllAPIActionsOnCart"
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Query", "dynamodb:UpdateItem"]
      Resource = [local.table_arn, "${local.table_arn}/index/*"]
    }]
  })
}

module "iam_assumable_role_carts" {
  source                  = "../../modules/community/iam-assumable-role"
  create_role             = true
  role_requires_mfa       = false
  role_name               = "eks-workshop-carts-dynamo"
  trusted_role_services   = ["pods.eks.amazonaws.com"]
  custom_role_policy_arns = [aws_iam_policy.carts_dynamo.arn]
}

resource "aws_eks_pod_identity_association" "carts_workshop" {
  cluster_name    = module.eks.cluster_name
  namespace       = "carts-workshop"
  service_account = "carts"
  role_arn        = module.iam_assumable_role_carts.iam_role_arn
}
