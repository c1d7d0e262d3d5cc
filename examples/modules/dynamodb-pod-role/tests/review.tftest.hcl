# terraform test / tofu test: the module's role passes the review, and a
# trust policy that lets EC2 nodes use the role is stopped at plan time.
variables {
  cluster_arn     = "arn:aws:eks:us-west-2:123456789012:cluster/eks-workshop"
  namespace       = "carts"
  service_account = "carts"
  tables = [
    { arn = "arn:aws:dynamodb:us-west-2:123456789012:table/carts", access = "read_write" },
  ]
}

run "generated_documents_pass_the_review" {
  command = plan

  assert {
    condition     = length(output.review) == 0
    error_message = "The generated policy and trust should pass the review: ${jsonencode(output.review)}"
  }

  assert {
    condition     = aws_iam_role.this.name == "eks-workshop-carts-carts"
    error_message = "The role should get the name podidentity_least_privilege would give it."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.dynamodb.policy).Statement :
      !contains(flatten([s.Resource]), "*")
    ])
    error_message = "No statement of the policy may grant on Resource \"*\"."
  }
}

run "applies" {
  assert {
    condition     = aws_eks_pod_identity_association.this.role_arn == aws_iam_role.this.arn
    error_message = "The association should name the module's role."
  }
}

run "node_role_trust_is_rejected" {
  command = plan

  variables {
    trust_policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
    })
  }

  # The precondition stops the plan; the check reports the same finding.
  expect_failures = [aws_iam_role.this, check.least_privilege]
}

run "unscoped_trust_is_a_warning" {
  command = plan

  variables {
    trust_policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Principal = { Service = "pods.eks.amazonaws.com" }, Action = ["sts:AssumeRole", "sts:TagSession"] }]
    })
  }

  # The check block reports it; the plan goes on.
  expect_failures = [check.least_privilege]

  assert {
    condition     = [for f in output.review : f.rule] == ["PI006"]
    error_message = "An unscoped Pod Identity trust should be PI006 only: ${jsonencode(output.review)}"
  }
}
