// Command aws-iam does what two AWS CLI commands do, with the AWS SDK for
// Go v2 and its default credential chain (the demo has no AWS CLI):
//
//	aws-iam put-role-policy ROLE POLICY_NAME FILE   # aws iam put-role-policy --role-name ROLE --policy-name NAME --policy-document file://FILE
//	aws-iam delete-role-policy ROLE POLICY_NAME     # aws iam delete-role-policy --role-name ROLE --policy-name NAME
//	aws-iam list-role-policies ROLE                 # aws iam list-role-policies --role-name ROLE (one name a line)
//
// It is how the quick fix is usually made: a DynamoDB policy put straight
// on the node role.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "aws-iam:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return err
	}
	c := iam.NewFromConfig(cfg)
	switch {
	case len(args) == 4 && args[0] == "put-role-policy":
		doc, err := os.ReadFile(args[3])
		if err != nil {
			return err
		}
		_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(args[1]), PolicyName: aws.String(args[2]), PolicyDocument: aws.String(string(doc))})
		return err
	case len(args) == 2 && args[0] == "list-role-policies":
		out, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String(args[1])})
		if err != nil {
			return err
		}
		for _, n := range out.PolicyNames {
			fmt.Println(n)
		}
		return nil
	case len(args) == 3 && args[0] == "delete-role-policy":
		_, err := c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(args[1]), PolicyName: aws.String(args[2])})
		return err
	}
	return fmt.Errorf("usage: aws-iam put-role-policy ROLE NAME FILE | delete-role-policy ROLE NAME | list-role-policies ROLE")
}
