# Policies written as heredoc JSON with odd but legal forms. On the node role: Statement as an
# object, Action as a mixed-case string ("DynamoDB:getitem"), an aws-cn table ARN (PI001). On
# the node role again through a second policy: NotResource with an Allow of dynamodb:Get* (PI001,
# PI002, PI003, PI004). On a pod role: dynamodb:* on arn:aws:dynamodb:*:*:table/* (PI002, PI003).
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
resource "aws_iam_role" "node" {
  name               = "eks-node"
  assume_role_policy = <<JSON
{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":["ssm.amazonaws.com","ec2.amazonaws.com.cn"]},"Action":"sts:AssumeRole"}}
JSON
}
resource "aws_iam_role_policy" "cn" {
  name   = "orders"
  role   = aws_iam_role.node.name
  policy = <<JSON
{
    "Version" : "2012-10-17",
    "Statement" :
      {
        "Effect":"Allow",
        "Action" :   "DynamoDB:getitem"   ,
        "Resource": "arn:aws-cn:dynamodb:cn-north-1:123456789012:table/orders"
      }
}
JSON
}
resource "aws_iam_role_policy" "notresource" {
  name   = "notresource"
  role   = aws_iam_role.node.name
  policy = <<JSON
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:Get*"],"NotResource":"arn:aws:dynamodb:us-west-2:123456789012:table/secrets"}]}
JSON
}
resource "aws_iam_role" "pod" {
  name               = "orders-pod"
  assume_role_policy = <<JSON
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"],
 "Condition":{"StringEquals":{"aws:RequestTag/kubernetes-namespace":"orders","aws:RequestTag/kubernetes-service-account":"orders"}}}]}
JSON
}
resource "aws_iam_role_policy" "pod" {
  name   = "all-tables"
  role   = aws_iam_role.pod.name
  policy = <<JSON
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:*:*:table/*"}]}
JSON
}
