# The trust policy of the trust_policy function, for Terraform before 1.8
# and OpenTofu before 1.7 (which cannot call provider functions).
data "podidentity_trust_policy" "checkout" {
  cluster_arn     = aws_eks_cluster.this.arn
  namespace       = "checkout"
  service_account = "checkout"
}

resource "aws_iam_role" "checkout" {
  name               = "eks-workshop-checkout-checkout"
  assume_role_policy = data.podidentity_trust_policy.checkout.json
}

resource "aws_eks_pod_identity_association" "checkout" {
  cluster_name    = aws_eks_cluster.this.name
  namespace       = "checkout"
  service_account = "checkout"
  role_arn        = aws_iam_role.checkout.arn
}
