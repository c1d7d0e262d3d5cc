# Credentials come from the AWS SDK's default chain, as with the AWS provider:
# environment variables, AWS_PROFILE and the shared files, SSO, web identity,
# container and instance credentials.
provider "podidentity" {
  region = "us-west-2"

  default_tags {
    tags = {
      "managed-by" = "terraform"
    }
  }
}

# Assuming a role for the run, and custom endpoints (for example VPC
# endpoints, or the bundled AWS API emulator in tests):
provider "podidentity" {
  alias  = "deploy"
  region = "us-west-2"

  assume_role {
    role_arn     = "arn:aws:iam::111122223333:role/terraform-deploy"
    session_name = "ci"
  }

  endpoints {
    iam = "https://iam.amazonaws.com"
  }
}
