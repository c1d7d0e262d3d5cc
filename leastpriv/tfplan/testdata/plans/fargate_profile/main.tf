# The Fargate pod execution role gets the AWS managed AmazonDynamoDBReadOnlyAccess: every pod
# scheduled by the profile could use it (the policy's Describe*/List* on * are also reported).

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

resource "aws_iam_role" "fargate" {
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "eks-fargate-pods.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_eks_fargate_profile" "default" {
  cluster_name           = "eks-workshop"
  fargate_profile_name   = "default"
  pod_execution_role_arn = aws_iam_role.fargate.arn
  subnet_ids             = ["subnet-0a1b2c3d"]
  selector {
    namespace = "carts"
  }
}

resource "aws_iam_role_policy_attachment" "fargate_dynamodb" {
  role       = aws_iam_role.fargate.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"
}
