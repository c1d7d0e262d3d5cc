# A node-role DynamoDB grant applied as aws_iam_role_policy.old is renamed with a moved block: the
# plan changes nothing, the grant stays on the node role under its new address.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

resource "aws_iam_role" "node" {
  name = "eks-node"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

moved {
  from = aws_iam_role_policy.old
  to   = aws_iam_role_policy.orders
}
resource "aws_iam_role_policy" "orders" {
  name   = "orders"
  role   = aws_iam_role.node.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:Query"]
      Resource = "arn:aws:dynamodb:us-west-2:123456789012:table/orders"
    }]
  })
}
