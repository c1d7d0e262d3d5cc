# "eks-workshop-carts-carts", the name podidentity_least_privilege gives the
# role it creates for the same cluster, namespace and service account.
output "role_name" {
  value = provider::podidentity::default_role_name("eks-workshop", "carts", "carts")
}

# Names longer than IAM's 64 characters are cut and suffixed with a hash of
# the full name, so they stay distinct and stable.
resource "aws_iam_role" "checkout" {
  name               = provider::podidentity::default_role_name(aws_eks_cluster.this.name, "checkout", "checkout")
  assume_role_policy = provider::podidentity::trust_policy(aws_eks_cluster.this.arn, "checkout", "checkout")
}
