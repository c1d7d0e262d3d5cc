package tfplan_test

import (
	"fmt"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv/tfplan"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

// A module's Go test can review the plan of its example configuration:
//
//	terraform plan -out=tfplan && terraform show -json tfplan > plan.json
func ExampleReviewFile() {
	review, err := tfplan.ReviewFile("testdata/plans/variable_into_module/plan.json", leastpriv.CheckOptions{})
	if err != nil {
		panic(err)
	}
	for _, f := range review.Findings {
		fmt.Println(f.Severity, f.Rule, f.Address)
	}
	// Output:
	// error PI001 module.grants.aws_iam_role_policy.this
}

// Read resolves which role a grant reaches even when the role is new
// and its name is unknown until apply: here through a module variable.
func ExampleReadFile() {
	inv, err := tfplan.ReadFile("testdata/plans/variable_into_module/plan.json")
	if err != nil {
		panic(err)
	}
	for _, p := range inv.InlinePolicies {
		fmt.Printf("%s reaches %s (name unknown: %v, %s)\n", p.Address, p.Role.Address, p.Role.Name.Unknown, p.Role.Name.Expr)
	}
	for _, f := range inv.NodeRoleFacts {
		fmt.Printf("%s makes %s a node role\n", f.Address, f.Role.Address)
	}
	// Output:
	// module.grants.aws_iam_role_policy.this reaches aws_iam_role.node (name unknown: true, aws_iam_role.node.name)
	// aws_eks_node_group.default makes aws_iam_role.node a node role
}
