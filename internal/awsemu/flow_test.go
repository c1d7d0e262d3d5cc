package awsemu

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestAllServicesOnOnePort walks the EKS workshop carts flow with every SDK
// client pointed at the same endpoint.
func TestAllServicesOnOnePort(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	cx := ctx(t)
	id, err := c.sts.GetCallerIdentity(cx, &sts.GetCallerIdentityInput{})
	must(t, err)
	tb, err := c.ddb.DescribeTable(cx, &dynamodb.DescribeTableInput{TableName: aws.String("Items")})
	must(t, err)
	role := createRole(t, c, "eks-workshop-carts-dynamo", podTrust)
	_, err = c.iam.PutRolePolicy(cx, &iam.PutRolePolicyInput{RoleName: aws.String("eks-workshop-carts-dynamo"), PolicyName: aws.String("dynamo"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:*","Resource":["` +
			aws.ToString(tb.Table.TableArn) + `","` + aws.ToString(tb.Table.TableArn) + `/index/*"]}]}`)})
	must(t, err)
	cl, err := c.eks.DescribeCluster(cx, &eks.DescribeClusterInput{Name: aws.String(cluster)})
	must(t, err)
	a, err := c.eks.CreatePodIdentityAssociation(cx, &eks.CreatePodIdentityAssociationInput{ClusterName: cl.Cluster.Name,
		Namespace: aws.String("carts"), ServiceAccount: aws.String("carts"), RoleArn: aws.String(role)})
	must(t, err)
	status, _, body := assumeForPod(t, c.srv, cluster, PodIdentityToken("carts", "carts"))
	if status != 200 {
		t.Fatalf("eks-auth %d %s", status, body)
	}
	want := map[string]int{"sts:GetCallerIdentity": 1, "dynamodb:DescribeTable": 1, "iam:CreateRole": 1, "iam:PutRolePolicy": 1,
		"eks:DescribeCluster": 1, "eks:CreatePodIdentityAssociation": 1, "eks-auth:AssumeRoleForPodIdentity": 1}
	got := c.srv.CallCounts()
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("counts %v, want %v", got, want)
		}
	}
	if len(got) != len(want) || aws.ToString(id.Account) != c.srv.AccountID() || aws.ToString(a.Association.ClusterName) != cluster {
		t.Fatalf("counts %v", got)
	}
}
