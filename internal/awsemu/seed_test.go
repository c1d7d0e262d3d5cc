package awsemu

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

func TestLoadSeedExample(t *testing.T) {
	t.Parallel()
	seed, err := LoadSeed("testdata/seed-example.json")
	must(t, err)
	c := newClients(t, seed)
	cx := ctx(t)
	out, err := c.eks.DescribeCluster(cx, &eks.DescribeClusterInput{Name: aws.String("auto-mode")})
	must(t, err)
	if !aws.ToBool(out.Cluster.ComputeConfig.Enabled) || aws.ToString(out.Cluster.ComputeConfig.NodeRoleArn) != "arn:aws:iam::123456789012:role/auto-mode-node" {
		t.Fatalf("auto mode: %+v", out.Cluster.ComputeConfig)
	}
	ng, err := c.eks.DescribeNodegroup(cx, &eks.DescribeNodegroupInput{ClusterName: aws.String(cluster), NodegroupName: aws.String("default")})
	must(t, err)
	if aws.ToString(ng.Nodegroup.LaunchTemplate.Name) != "eks-workshop-default" {
		t.Fatalf("lt %+v", ng.Nodegroup.LaunchTemplate)
	}
	fp, err := c.eks.DescribeFargateProfile(cx, &eks.DescribeFargateProfileInput{ClusterName: aws.String(cluster), FargateProfileName: aws.String("checkout")})
	must(t, err)
	if aws.ToString(fp.FargateProfile.PodExecutionRoleArn) != "arn:aws:iam::123456789012:role/eks-workshop-fargate" {
		t.Fatal("fargate")
	}
	tb, err := c.ddb.DescribeTable(cx, &dynamodb.DescribeTableInput{TableName: aws.String("Orders")})
	must(t, err)
	if string(tb.Table.StreamSpecification.StreamViewType) != "NEW_IMAGE" || tb.Table.LatestStreamArn == nil {
		t.Fatal("stream")
	}
	gp, err := c.iam.GetRolePolicy(cx, &iam.GetRolePolicyInput{RoleName: aws.String("eks-workshop-carts-dynamo"), PolicyName: aws.String("dynamo")})
	must(t, err)
	if !strings.Contains(decodeDoc(t, gp.PolicyDocument), "dynamodb:Query") {
		t.Fatal("inline policy from seed")
	}
	g, err := c.iam.GetRole(cx, &iam.GetRoleInput{RoleName: aws.String("eks-workshop-carts-dynamo")})
	must(t, err)
	if !strings.Contains(decodeDoc(t, g.Role.AssumeRolePolicyDocument), "pods.eks.amazonaws.com") {
		t.Fatal("trust policy given as a JSON string")
	}
	// the seeded carts role is usable for an association straight away
	_, err = c.eks.CreatePodIdentityAssociation(cx, &eks.CreatePodIdentityAssociationInput{ClusterName: aws.String(cluster),
		Namespace: aws.String("carts"), ServiceAccount: aws.String("carts"), RoleArn: g.Role.Arn})
	must(t, err)
}

func TestParseSeedErrors(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		json, want string
	}{
		"not json":             {`{`, "parse seed"},
		"unknown field":        {`{"acount_id":"123456789012"}`, "unknown field"},
		"bad account":          {`{"account_id":"12"}`, "12 digits"},
		"duplicate cluster":    {`{"clusters":[{"name":"a"},{"name":"a"}]}`, "duplicated"},
		"bad role name":        {`{"iam_roles":[{"name":"a/b"}]}`, "invalid"},
		"profile unknown role": {`{"instance_profiles":[{"name":"p","roles":["x"]}]}`, "unknown role"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseSeed([]byte(tc.json))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
		})
	}
	t.Run("defaults", func(t *testing.T) {
		t.Parallel()
		s, err := ParseSeed([]byte(`{}`))
		must(t, err)
		if s.AccountID != "123456789012" || s.Region != "us-west-2" || s.Partition != "aws" {
			t.Fatalf("%+v", s)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		t.Parallel()
		if _, err := LoadSeed("testdata/nope.json"); err == nil {
			t.Fatal("want error")
		}
	})
}

func TestDefaultSeed(t *testing.T) {
	t.Parallel()
	s := DefaultSeed()
	if s.AccountID != "123456789012" || s.Region != "us-west-2" || len(s.Clusters) != 1 || s.Clusters[0].Name != "eks-workshop" ||
		s.Clusters[0].Status != "ACTIVE" || s.Clusters[0].NodeGroups[0].Name != "default" ||
		s.Clusters[0].AccessEntries[0].Type != "EC2_LINUX" || s.Clusters[0].Addons[0].Name != "eks-pod-identity-agent" ||
		s.DynamoDBTables[0].Name != "Items" || s.DynamoDBTables[0].GlobalSecondaryIndexes[0].Name != "idx_global_customerId" ||
		s.DynamoDBTables[0].StreamEnabled || s.InstanceProfiles[0].Name != "eks-workshop-node" {
		t.Fatalf("%+v", s)
	}
	srv, err := New(nil)
	must(t, err)
	if srv.AccountID() != "123456789012" || srv.Region() != "us-west-2" || srv.URL() != "" {
		t.Fatal("New(nil)")
	}
	must(t, srv.Close())
}

func TestStartRefusesNonLoopback(t *testing.T) {
	t.Parallel()
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0", "example.com:0", "nonsense"} {
		if s, err := Start(addr, nil); err == nil {
			_ = s.Close()
			t.Fatalf("Start(%q) accepted a non-loopback address", addr)
		}
	}
	s, err := Start("127.0.0.1:0", nil)
	must(t, err)
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") {
		t.Fatal(s.URL())
	}
	must(t, s.Close())
}

func TestSeedMutators(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	cx := ctx(t)
	must(t, c.srv.AddNodegroup(cluster, SeedNodeGroup{Name: "extra", NodeRoleARN: "arn:aws:iam::123456789012:role/x"}))
	must(t, c.srv.AddAccessEntry(cluster, SeedAccessEntry{PrincipalARN: "arn:aws:iam::123456789012:role/x", Type: "EC2_WINDOWS"}))
	must(t, c.srv.AddFargateProfile(cluster, SeedFargateProfile{Name: "fp", PodExecutionRoleARN: "arn:aws:iam::123456789012:role/f"}))
	must(t, c.srv.AddAddon(cluster, SeedAddon{Name: "vpc-cni"}))
	must(t, c.srv.AddCluster(SeedCluster{Name: "second"}))
	must(t, c.srv.PutRole(SeedRole{Name: "seeded", AssumeRolePolicy: []byte(podTrust)}))
	for name, err := range map[string]error{
		"unknown cluster":    c.srv.AddNodegroup("nope", SeedNodeGroup{Name: "x"}),
		"duplicate ng":       c.srv.AddNodegroup(cluster, SeedNodeGroup{Name: "extra"}),
		"bad entry type":     c.srv.AddAccessEntry(cluster, SeedAccessEntry{PrincipalARN: "arn:aws:iam::123456789012:role/y", Type: "BOGUS"}),
		"duplicate cluster":  c.srv.AddCluster(SeedCluster{Name: "second"}),
		"duplicate role":     c.srv.PutRole(SeedRole{Name: "SEEDED"}),
		"unknown status cl.": c.srv.SetClusterStatus("nope", "ACTIVE"),
	} {
		if err == nil {
			t.Errorf("%s: want error", name)
		}
	}
	ngs, err := c.eks.ListNodegroups(cx, &eks.ListNodegroupsInput{ClusterName: aws.String(cluster)})
	must(t, err)
	ae, err := c.eks.DescribeAccessEntry(cx, &eks.DescribeAccessEntryInput{ClusterName: aws.String(cluster), PrincipalArn: aws.String("arn:aws:iam::123456789012:role/x")})
	must(t, err)
	_, err = c.eks.DescribeCluster(cx, &eks.DescribeClusterInput{Name: aws.String("second")})
	must(t, err)
	_, err = c.iam.GetRole(cx, &iam.GetRoleInput{RoleName: aws.String("seeded")})
	must(t, err)
	if len(ngs.Nodegroups) != 2 || aws.ToString(ae.AccessEntry.Type) != "EC2_WINDOWS" {
		t.Fatal("mutators not visible")
	}
	c.srv.Reset()
	_, err = c.eks.DescribeCluster(cx, &eks.DescribeClusterInput{Name: aws.String("second")})
	wantCode(t, err, "ResourceNotFoundException")
}
