# A separate stack applies the "quick fix" to roles it does not manage: it looks up the existing
# node role with data.aws_iam_role (its trust policy admits ec2.amazonaws.com) and attaches
# AmazonDynamoDBFullAccess to it. The carts role, also looked up, is trusted by
# pods.eks.amazonaws.com and gets a scoped inline policy (clean).

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

data "aws_iam_role" "node" {
  name = "eks-workshop-node"
}

data "aws_iam_role" "carts" {
  name = "eks-workshop-carts"
}

resource "aws_iam_role_policy_attachment" "node_dynamodb" {
  role       = data.aws_iam_role.node.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"
}

resource "aws_iam_role_policy" "carts" {
  name = "carts"
  role = data.aws_iam_role.carts.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["dynamodb:GetItem", "dynamodb:PutItem"], Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/eks-workshop-carts" }]
  })
}
