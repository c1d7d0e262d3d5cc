# A role that only EKS Pod Identity can assume, and only for the service
# account carts/carts in this cluster.
resource "aws_iam_role" "carts" {
  name               = provider::podidentity::default_role_name(aws_eks_cluster.this.name, "carts", "carts")
  assume_role_policy = provider::podidentity::trust_policy(aws_eks_cluster.this.arn, "carts", "carts")
}

# The conditions of the trust policy test the session tags EKS Pod Identity
# sets, so the association must keep them (disable_session_tags = false,
# the default).
resource "aws_eks_pod_identity_association" "carts" {
  cluster_name    = aws_eks_cluster.this.name
  namespace       = "carts"
  service_account = "carts"
  role_arn        = aws_iam_role.carts.arn
}
