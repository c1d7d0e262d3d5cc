output "role_arn" {
  description = "The ARN of the workload's role."
  value       = aws_iam_role.this.arn
}

output "review" {
  description = "The findings of provider::podidentity::review_policy for the role's policy and trust (empty when it passes)."
  value       = local.review
}
