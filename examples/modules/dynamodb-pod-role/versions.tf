terraform {
  # Provider functions: Terraform 1.8, OpenTofu 1.7. For older CLIs use the
  # data sources podidentity_dynamodb_policy and podidentity_trust_policy.
  required_version = ">= 1.8"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
    podidentity = {
      source = "eks-podidentity/podidentity"
    }
  }
}
