import {
  to = podidentity_least_privilege.carts
  identity = {
    cluster_name   = "eks-workshop"
    association_id = "a-1a2b3c4d5e6f7g8h9"
  }
}
