import {
  to = podidentity_least_privilege.carts
  id = "eks-workshop,a-1a2b3c4d5e6f7g8h9"
}
