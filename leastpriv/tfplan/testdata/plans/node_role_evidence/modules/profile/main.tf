variable "role_name" { type = string }
resource "aws_iam_instance_profile" "this" {
  name = "karpenter-nodes"
  role = var.role_name
}
output "arn" { value = aws_iam_instance_profile.this.arn }
