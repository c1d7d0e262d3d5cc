# A node-role DynamoDB grant is taken out of the configuration with a removed block and
# destroy = false: the plan forgets it, so Terraform stops managing it but the inline policy stays
# on the node role in AWS. It still grants DynamoDB to the node role after apply: PI001 on the
# forgotten resource. (OpenTofu only: Terraform 1.5.7 has no removed blocks.)
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
removed {
  from = aws_iam_role_policy.orders
  lifecycle {
    destroy = false
  }
}
