package awsemu

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestSmoke(t *testing.T) {
	c := newClients(t, nil)
	arn := createRole(t, c, "carts", podTrust)
	t.Log(arn)
	g, err := c.iam.GetRole(ctx(t), &iam.GetRoleInput{RoleName: aws.String("carts")})
	must(t, err)
	t.Log(aws.ToString(g.Role.AssumeRolePolicyDocument), g.Role.CreateDate, aws.ToInt32(g.Role.MaxSessionDuration))
	_, err = c.iam.GetRole(ctx(t), &iam.GetRoleInput{RoleName: aws.String("nope")})
	t.Logf("%T %v", err, err)
	id, err := c.sts.GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
	must(t, err)
	t.Log(aws.ToString(id.Arn))
	cl, err := c.eks.DescribeCluster(ctx(t), &eks.DescribeClusterInput{Name: aws.String("eks-workshop")})
	must(t, err)
	t.Log(aws.ToString(cl.Cluster.Arn), cl.Cluster.Status, cl.Cluster.CreatedAt)
	a, err := c.eks.CreatePodIdentityAssociation(ctx(t), &eks.CreatePodIdentityAssociationInput{ClusterName: aws.String("eks-workshop"), Namespace: aws.String("carts"), ServiceAccount: aws.String("carts"), RoleArn: aws.String(arn)})
	must(t, err)
	t.Log(aws.ToString(a.Association.AssociationId), a.Association.CreatedAt)
	_, err = c.eks.DescribeCluster(ctx(t), &eks.DescribeClusterInput{Name: aws.String("nope")})
	t.Logf("%T %v", err, err)
	tb, err := c.ddb.DescribeTable(ctx(t), &dynamodb.DescribeTableInput{TableName: aws.String("Items")})
	must(t, err)
	t.Log(aws.ToString(tb.Table.GlobalSecondaryIndexes[0].IndexName), tb.Table.CreationDateTime)
	_, err = c.ddb.DescribeTable(ctx(t), &dynamodb.DescribeTableInput{TableName: aws.String("nope")})
	t.Logf("%T %v", err, err)
}
