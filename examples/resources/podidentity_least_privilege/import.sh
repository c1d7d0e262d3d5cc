# CLUSTER,ASSOCIATION_ID, as for aws_eks_pod_identity_association.
# `aws eks list-pod-identity-associations --cluster-name eks-workshop` lists the IDs.
terraform import podidentity_least_privilege.carts eks-workshop,a-1a2b3c4d5e6f7g8h9
