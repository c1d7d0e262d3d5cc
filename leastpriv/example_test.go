package leastpriv_test

import (
	"fmt"
	"strings"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

// A module author checks, in a Go test, that the module never grants
// DynamoDB access to the node role. (With a real plan, use
// tfplan.ReviewFile("plan.json", opts) of package leastpriv/tfplan, which
// builds the Inventory from `terraform show -json` output.)
func ExampleCheck() {
	inv := &leastpriv.Inventory{
		Roles: []*leastpriv.Role{{
			Address: "aws_iam_role.node",
			Name:    leastpriv.Known("eks-node"),
			TrustPolicy: leastpriv.Document{JSON: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
				"Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`},
		}},
		Attachments: []*leastpriv.Attachment{{
			Address:   "aws_iam_role_policy_attachment.ddb",
			Role:      leastpriv.RoleRef{Address: "aws_iam_role.node"},
			PolicyARN: leastpriv.Known("arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"),
		}},
		NodeRoleFacts: []*leastpriv.NodeRoleFact{{
			Kind:    leastpriv.NodeRoleOfNodeGroup,
			Address: "aws_eks_node_group.default",
			Role:    leastpriv.RoleRef{Address: "aws_iam_role.node"},
		}},
	}
	for _, f := range leastpriv.Check(inv, leastpriv.CheckOptions{DisabledRules: []string{"PI002", "PI003"}}) {
		fmt.Println(f.Severity, f.Rule, f.Address)
		fmt.Println(f.Message)
		fmt.Println("evidence:", strings.Join(f.Evidence, "; "))
	}
	// Output:
	// error PI001 aws_iam_role_policy_attachment.ddb
	// AWS managed policy AmazonDynamoDBReadOnlyAccess (attached by aws_iam_role_policy_attachment.ddb) grants DynamoDB item-read actions (dynamodb:BatchGetItem, dynamodb:GetItem, dynamodb:PartiQLSelect, dynamodb:Query and 1 more) on `*` to role `eks-node`. Role `eks-node` is the node role of aws_eks_node_group.default (trusted by ec2.amazonaws.com). Every pod on those nodes would get this access.
	// evidence: trusted by ec2.amazonaws.com; node role of aws_eks_node_group.default
}

// GeneratePolicy writes the minimal policy for a table grant.
func ExampleGeneratePolicy() {
	p, err := leastpriv.GeneratePolicy([]leastpriv.TableGrant{{
		TableARN: "arn:aws:dynamodb:us-east-1:111122223333:table/carts",
		Access:   leastpriv.AccessReadWrite,
		Indexes:  true,
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p)
	// Output:
	// {
	//   "Version": "2012-10-17",
	//   "Statement": [
	//     {
	//       "Sid": "ReadWriteItemsCarts",
	//       "Effect": "Allow",
	//       "Action": [
	//         "dynamodb:BatchGetItem",
	//         "dynamodb:BatchWriteItem",
	//         "dynamodb:ConditionCheckItem",
	//         "dynamodb:DeleteItem",
	//         "dynamodb:DescribeTable",
	//         "dynamodb:GetItem",
	//         "dynamodb:PutItem",
	//         "dynamodb:Query",
	//         "dynamodb:Scan",
	//         "dynamodb:UpdateItem"
	//       ],
	//       "Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/carts"
	//     },
	//     {
	//       "Sid": "ReadWriteIndexesCarts",
	//       "Effect": "Allow",
	//       "Action": [
	//         "dynamodb:Query",
	//         "dynamodb:Scan"
	//       ],
	//       "Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/carts/index/*"
	//     }
	//   ]
	// }
}

// PodIdentityTrustPolicy writes a trust policy scoped to one service
// account.
func ExamplePodIdentityTrustPolicy() {
	p, err := leastpriv.PodIdentityTrustPolicy(leastpriv.TrustOptions{
		ClusterARN:     "arn:aws:eks:us-east-1:111122223333:cluster/eks-workshop",
		Namespace:      "carts",
		ServiceAccount: "carts",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p)

	// With session tags disabled the conditions could never match.
	_, err = leastpriv.PodIdentityTrustPolicy(leastpriv.TrustOptions{Namespace: "carts", ServiceAccount: "carts", DisableSessionTags: true})
	if ve, ok := leastpriv.AsValidationError(err); ok {
		fmt.Println(ve.Summary)
	}
	// Output:
	// {
	//   "Version": "2012-10-17",
	//   "Statement": [
	//     {
	//       "Sid": "AllowEksAuthToAssumeRoleForPodIdentity",
	//       "Effect": "Allow",
	//       "Principal": {
	//         "Service": "pods.eks.amazonaws.com"
	//       },
	//       "Action": [
	//         "sts:AssumeRole",
	//         "sts:TagSession"
	//       ],
	//       "Condition": {
	//         "StringEquals": {
	//           "aws:RequestTag/eks-cluster-arn": "arn:aws:eks:us-east-1:111122223333:cluster/eks-workshop",
	//           "aws:RequestTag/kubernetes-namespace": "carts",
	//           "aws:RequestTag/kubernetes-service-account": "carts"
	//         }
	//       }
	//     }
	//   ]
	// }
	// Trust Conditions Can Never Match
}

// AllowedDynamoDB sees through wildcards.
func ExampleAllowedDynamoDB() {
	p, _ := leastpriv.ParsePolicy(`{"Version":"2012-10-17","Statement":[
		{"Sid":"Reads","Effect":"Allow","Action":"DynamoDB:?etItem","Resource":"arn:aws:dynamodb:*:*:table/*"}]}`)
	for _, g := range leastpriv.AllowedDynamoDB([]*leastpriv.Policy{p}) {
		fmt.Println(g.Action, g.Class, g.Resource, g.Via)
	}
	// Output:
	// dynamodb:GetItem item-read arn:aws:dynamodb:*:*:table/* statement 1 (Sid "Reads"): Action "DynamoDB:?etItem"
}

// NodeRoleMessage is the wording the provider uses when a role argument
// names a node role.
func ExampleNodeRoleMessage() {
	summary, detail := leastpriv.NodeRoleMessage("eks-node", []leastpriv.NodeRoleEvidence{
		{Kind: leastpriv.NodeRoleOfNodeGroup, Source: "node group default in cluster eks-workshop"},
		{Kind: leastpriv.NodeRoleTrustsEC2, Source: "ec2.amazonaws.com"},
	})
	fmt.Println(summary)
	fmt.Println(detail)
	// Output:
	// Role Is an EKS Node Role
	// Role `eks-node` is the node role of node group default in cluster eks-workshop (trusted by ec2.amazonaws.com). Every pod on those nodes would get this access. Let the resource create a dedicated role, or name a role that only pods.eks.amazonaws.com can assume.
}
