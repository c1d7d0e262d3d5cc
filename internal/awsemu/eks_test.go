package awsemu

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

const cluster = "eks-workshop"

func TestEKSClusterReads(t *testing.T) {
	t.Parallel()
	seed := DefaultSeed()
	nodeRole := "arn:aws:iam::123456789012:role/eks-workshop-node"
	seed.Clusters[0].NodeGroups = append(seed.Clusters[0].NodeGroups, SeedNodeGroup{Name: "lt", NodeRoleARN: nodeRole,
		LaunchTemplate: &SeedLaunchTemplate{Name: "custom-lt", Version: "3", HTTPPutResponseHopLimit: 1}})
	seed.Clusters[0].AccessEntries = append(seed.Clusters[0].AccessEntries,
		SeedAccessEntry{PrincipalARN: "arn:aws:iam::123456789012:role/win", Type: "EC2_WINDOWS"},
		SeedAccessEntry{PrincipalARN: "arn:aws:iam::123456789012:role/hybrid", Type: "HYBRID_LINUX"},
		SeedAccessEntry{PrincipalARN: "arn:aws:iam::123456789012:role/admin"})
	seed.Clusters[0].FargateProfiles = []SeedFargateProfile{{Name: "fp", PodExecutionRoleARN: "arn:aws:iam::123456789012:role/fargate", Namespaces: []string{"carts"}}}
	seed.Clusters = append(seed.Clusters, SeedCluster{Name: "auto", AutoModeNodeRoleARN: "arn:aws:iam::123456789012:role/auto-node"})
	c := newClients(t, seed)

	tests := map[string]func(t *testing.T){
		"DescribeCluster": func(t *testing.T) {
			out, err := c.eks.DescribeCluster(ctx(t), &eks.DescribeClusterInput{Name: aws.String(cluster)})
			must(t, err)
			cl := out.Cluster
			if aws.ToString(cl.Arn) != "arn:aws:eks:us-west-2:123456789012:cluster/eks-workshop" || cl.Status != ekstypes.ClusterStatusActive ||
				!strings.HasPrefix(aws.ToString(cl.Endpoint), "https://") || aws.ToString(cl.Version) != "1.33" ||
				cl.ComputeConfig == nil || aws.ToBool(cl.ComputeConfig.Enabled) || cl.Identity == nil || cl.Tags["env"] != "eks-workshop" {
				t.Fatalf("cluster: %+v", cl)
			}
		},
		"DescribeCluster auto mode": func(t *testing.T) {
			out, err := c.eks.DescribeCluster(ctx(t), &eks.DescribeClusterInput{Name: aws.String("auto")})
			must(t, err)
			if !aws.ToBool(out.Cluster.ComputeConfig.Enabled) || aws.ToString(out.Cluster.ComputeConfig.NodeRoleArn) != "arn:aws:iam::123456789012:role/auto-node" {
				t.Fatalf("compute: %+v", out.Cluster.ComputeConfig)
			}
		},
		"ListClusters": func(t *testing.T) {
			out, err := c.eks.ListClusters(ctx(t), &eks.ListClustersInput{})
			must(t, err)
			if fmt.Sprint(out.Clusters) != "[auto eks-workshop]" {
				t.Fatalf("clusters %v", out.Clusters)
			}
		},
		"ListNodegroups": func(t *testing.T) {
			out, err := c.eks.ListNodegroups(ctx(t), &eks.ListNodegroupsInput{ClusterName: aws.String(cluster)})
			must(t, err)
			if fmt.Sprint(out.Nodegroups) != "[default lt]" {
				t.Fatalf("nodegroups %v", out.Nodegroups)
			}
		},
		"DescribeNodegroup": func(t *testing.T) {
			out, err := c.eks.DescribeNodegroup(ctx(t), &eks.DescribeNodegroupInput{ClusterName: aws.String(cluster), NodegroupName: aws.String("default")})
			must(t, err)
			if aws.ToString(out.Nodegroup.NodeRole) != nodeRole || out.Nodegroup.LaunchTemplate != nil {
				t.Fatalf("ng: %+v", out.Nodegroup)
			}
			out, err = c.eks.DescribeNodegroup(ctx(t), &eks.DescribeNodegroupInput{ClusterName: aws.String(cluster), NodegroupName: aws.String("lt")})
			must(t, err)
			lt := out.Nodegroup.LaunchTemplate
			if lt == nil || aws.ToString(lt.Name) != "custom-lt" || aws.ToString(lt.Version) != "3" || !strings.HasPrefix(aws.ToString(lt.Id), "lt-") {
				t.Fatalf("lt: %+v", lt)
			}
		},
		"ListAccessEntries": func(t *testing.T) {
			out, err := c.eks.ListAccessEntries(ctx(t), &eks.ListAccessEntriesInput{ClusterName: aws.String(cluster)})
			must(t, err)
			if len(out.AccessEntries) != 4 || out.AccessEntries[0] != nodeRole {
				t.Fatalf("entries %v", out.AccessEntries)
			}
		},
		"DescribeAccessEntry types": func(t *testing.T) {
			for arn, typ := range map[string]string{nodeRole: "EC2_LINUX", "arn:aws:iam::123456789012:role/win": "EC2_WINDOWS",
				"arn:aws:iam::123456789012:role/hybrid": "HYBRID_LINUX", "arn:aws:iam::123456789012:role/admin": "STANDARD"} {
				out, err := c.eks.DescribeAccessEntry(ctx(t), &eks.DescribeAccessEntryInput{ClusterName: aws.String(cluster), PrincipalArn: aws.String(arn)})
				must(t, err)
				if aws.ToString(out.AccessEntry.Type) != typ || aws.ToString(out.AccessEntry.PrincipalArn) != arn {
					t.Fatalf("entry %s: %+v", arn, out.AccessEntry)
				}
			}
		},
		"Fargate": func(t *testing.T) {
			l, err := c.eks.ListFargateProfiles(ctx(t), &eks.ListFargateProfilesInput{ClusterName: aws.String(cluster)})
			must(t, err)
			if fmt.Sprint(l.FargateProfileNames) != "[fp]" {
				t.Fatalf("fargate %v", l.FargateProfileNames)
			}
			out, err := c.eks.DescribeFargateProfile(ctx(t), &eks.DescribeFargateProfileInput{ClusterName: aws.String(cluster), FargateProfileName: aws.String("fp")})
			must(t, err)
			if aws.ToString(out.FargateProfile.PodExecutionRoleArn) != "arn:aws:iam::123456789012:role/fargate" || len(out.FargateProfile.Selectors) != 1 {
				t.Fatalf("fp %+v", out.FargateProfile)
			}
		},
		"Addons": func(t *testing.T) {
			l, err := c.eks.ListAddons(ctx(t), &eks.ListAddonsInput{ClusterName: aws.String(cluster)})
			must(t, err)
			if fmt.Sprint(l.Addons) != "[eks-pod-identity-agent]" {
				t.Fatalf("addons %v", l.Addons)
			}
			out, err := c.eks.DescribeAddon(ctx(t), &eks.DescribeAddonInput{ClusterName: aws.String(cluster), AddonName: aws.String("eks-pod-identity-agent")})
			must(t, err)
			if out.Addon.Status != ekstypes.AddonStatusActive || aws.ToString(out.Addon.AddonVersion) == "" {
				t.Fatalf("addon %+v", out.Addon)
			}
		},
	}
	for name, fn := range tests {
		t.Run(name, func(t *testing.T) { t.Parallel(); fn(t) })
	}

	notFound := map[string]func() error{
		"DescribeCluster": func() error {
			_, err := c.eks.DescribeCluster(ctx(t), &eks.DescribeClusterInput{Name: aws.String("nope")})
			return err
		},
		"ListNodegroups": func() error {
			_, err := c.eks.ListNodegroups(ctx(t), &eks.ListNodegroupsInput{ClusterName: aws.String("nope")})
			return err
		},
		"DescribeNodegroup": func() error {
			_, err := c.eks.DescribeNodegroup(ctx(t), &eks.DescribeNodegroupInput{ClusterName: aws.String(cluster), NodegroupName: aws.String("nope")})
			return err
		},
		"DescribeAccessEntry": func() error {
			_, err := c.eks.DescribeAccessEntry(ctx(t), &eks.DescribeAccessEntryInput{ClusterName: aws.String(cluster), PrincipalArn: aws.String("arn:aws:iam::123456789012:role/nope")})
			return err
		},
		"DescribeFargateProfile": func() error {
			_, err := c.eks.DescribeFargateProfile(ctx(t), &eks.DescribeFargateProfileInput{ClusterName: aws.String(cluster), FargateProfileName: aws.String("nope")})
			return err
		},
		"DescribeAddon": func() error {
			_, err := c.eks.DescribeAddon(ctx(t), &eks.DescribeAddonInput{ClusterName: aws.String(cluster), AddonName: aws.String("nope")})
			return err
		},
		"ListPodIdentityAssociations": func() error {
			_, err := c.eks.ListPodIdentityAssociations(ctx(t), &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String("nope")})
			return err
		},
		"DescribePodIdentityAssociation": func() error {
			_, err := c.eks.DescribePodIdentityAssociation(ctx(t), &eks.DescribePodIdentityAssociationInput{ClusterName: aws.String(cluster), AssociationId: aws.String("a-00000000000000000")})
			return err
		},
	}
	for name, fn := range notFound {
		t.Run("not found "+name, func(t *testing.T) {
			t.Parallel()
			err := fn()
			var rnf *ekstypes.ResourceNotFoundException
			if !errors.As(err, &rnf) || httpStatus(err) != 404 {
				t.Fatalf("want ResourceNotFoundException 404, got %v", err)
			}
			if aws.ToString(rnf.ClusterName) == "" {
				t.Fatal("clusterName missing from the error")
			}
			if name == "DescribeNodegroup" && aws.ToString(rnf.NodegroupName) != "nope" {
				t.Fatalf("nodegroupName %v", rnf.NodegroupName)
			}
		})
	}
}

var reAssocID = regexp.MustCompile(`^a-[a-z0-9]{17}$`)

func TestEKSPodIdentityAssociationLifecycle(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	cx := ctx(t)
	role := createRole(t, c, "carts", podTrust)
	role2 := createRole(t, c, "carts2", podTrust)
	target := createRole(t, c, "target", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"`+role+`"},"Action":["sts:AssumeRole","sts:TagSession"]}]}`)

	out, err := c.eks.CreatePodIdentityAssociation(cx, &eks.CreatePodIdentityAssociationInput{
		ClusterName: aws.String(cluster), Namespace: aws.String("carts"), ServiceAccount: aws.String("carts"),
		RoleArn: aws.String(role), Tags: map[string]string{"app": "carts"},
	})
	must(t, err)
	a := out.Association
	id := aws.ToString(a.AssociationId)
	if !reAssocID.MatchString(id) || aws.ToString(a.AssociationArn) != "arn:aws:eks:us-west-2:123456789012:podidentityassociation/eks-workshop/"+id ||
		aws.ToString(a.RoleArn) != role || a.Tags["app"] != "carts" || aws.ToBool(a.DisableSessionTags) || a.CreatedAt == nil || a.TargetRoleArn != nil {
		t.Fatalf("association: %+v", a)
	}
	d, err := c.eks.DescribePodIdentityAssociation(cx, &eks.DescribePodIdentityAssociationInput{ClusterName: aws.String(cluster), AssociationId: aws.String(id)})
	must(t, err)
	if aws.ToString(d.Association.ServiceAccount) != "carts" || aws.ToString(d.Association.Namespace) != "carts" {
		t.Fatalf("describe: %+v", d.Association)
	}

	_, err = c.eks.CreatePodIdentityAssociation(cx, &eks.CreatePodIdentityAssociationInput{
		ClusterName: aws.String(cluster), Namespace: aws.String("carts"), ServiceAccount: aws.String("carts"), RoleArn: aws.String(role2)})
	var riu *ekstypes.ResourceInUseException
	if !errors.As(err, &riu) || httpStatus(err) != 409 || !strings.Contains(riu.ErrorMessage(), "Association already exists") {
		t.Fatalf("want ResourceInUseException, got %v", err)
	}

	time.Sleep(5 * time.Millisecond)
	u, err := c.eks.UpdatePodIdentityAssociation(cx, &eks.UpdatePodIdentityAssociationInput{
		ClusterName: aws.String(cluster), AssociationId: aws.String(id), RoleArn: aws.String(role2),
		TargetRoleArn: aws.String(target), DisableSessionTags: aws.Bool(true)})
	must(t, err)
	if aws.ToString(u.Association.RoleArn) != role2 || aws.ToString(u.Association.TargetRoleArn) != target ||
		aws.ToString(u.Association.ExternalId) == "" || !aws.ToBool(u.Association.DisableSessionTags) ||
		!u.Association.ModifiedAt.After(*u.Association.CreatedAt) {
		t.Fatalf("update: %+v", u.Association)
	}
	// Removing the target role: empty string.
	u, err = c.eks.UpdatePodIdentityAssociation(cx, &eks.UpdatePodIdentityAssociationInput{
		ClusterName: aws.String(cluster), AssociationId: aws.String(id), TargetRoleArn: aws.String("")})
	must(t, err)
	if u.Association.TargetRoleArn != nil || u.Association.ExternalId != nil {
		t.Fatalf("target not removed: %+v", u.Association)
	}
	// Tags API on the association and the cluster.
	_, err = c.eks.TagResource(cx, &eks.TagResourceInput{ResourceArn: a.AssociationArn, Tags: map[string]string{"team": "retail"}})
	must(t, err)
	_, err = c.eks.UntagResource(cx, &eks.UntagResourceInput{ResourceArn: a.AssociationArn, TagKeys: []string{"app"}})
	must(t, err)
	lt, err := c.eks.ListTagsForResource(cx, &eks.ListTagsForResourceInput{ResourceArn: a.AssociationArn})
	must(t, err)
	if fmt.Sprint(lt.Tags) != "map[team:retail]" {
		t.Fatalf("tags %v", lt.Tags)
	}
	clArn := "arn:aws:eks:us-west-2:123456789012:cluster/eks-workshop"
	_, err = c.eks.TagResource(cx, &eks.TagResourceInput{ResourceArn: aws.String(clArn), Tags: map[string]string{"x": "y"}})
	must(t, err)
	lt, err = c.eks.ListTagsForResource(cx, &eks.ListTagsForResourceInput{ResourceArn: aws.String(clArn)})
	must(t, err)
	if lt.Tags["x"] != "y" || lt.Tags["env"] != "eks-workshop" {
		t.Fatalf("cluster tags %v", lt.Tags)
	}
	_, err = c.eks.ListTagsForResource(cx, &eks.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:eks:us-west-2:123456789012:podidentityassociation/eks-workshop/a-00000000000000000")})
	var nf *ekstypes.NotFoundException
	if !errors.As(err, &nf) || httpStatus(err) != 404 {
		t.Fatalf("want NotFoundException, got %v", err)
	}
	_, err = c.eks.TagResource(cx, &eks.TagResourceInput{ResourceArn: aws.String("bogus"), Tags: map[string]string{"x": "y"}})
	var br *ekstypes.BadRequestException
	if !errors.As(err, &br) {
		t.Fatalf("want BadRequestException, got %v", err)
	}

	del, err := c.eks.DeletePodIdentityAssociation(cx, &eks.DeletePodIdentityAssociationInput{ClusterName: aws.String(cluster), AssociationId: aws.String(id)})
	must(t, err)
	if aws.ToString(del.Association.AssociationId) != id {
		t.Fatalf("delete returned %+v", del.Association)
	}
	_, err = c.eks.DeletePodIdentityAssociation(cx, &eks.DeletePodIdentityAssociationInput{ClusterName: aws.String(cluster), AssociationId: aws.String(id)})
	var rnf *ekstypes.ResourceNotFoundException
	if !errors.As(err, &rnf) {
		t.Fatalf("want ResourceNotFoundException, got %v", err)
	}
	// Deleting the role does not delete the association (as in AWS).
	out, err = c.eks.CreatePodIdentityAssociation(cx, &eks.CreatePodIdentityAssociationInput{
		ClusterName: aws.String(cluster), Namespace: aws.String("carts"), ServiceAccount: aws.String("carts"), RoleArn: aws.String(role)})
	must(t, err)
	if aws.ToString(out.Association.AssociationId) == id {
		t.Fatal("association ids must be unique")
	}
}

func TestEKSCreateAssociationValidation(t *testing.T) {
	t.Parallel()
	trust := func(actions string, principal string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":` + principal + `},"Action":` + actions + `}]}`
	}
	tests := map[string]struct {
		trust   string
		roleArn string // overrides the created role's ARN
		cluster string
		disable bool
		target  string
		code    string
		msg     string
	}{
		"ok":                             {trust: podTrust},
		"ok sts:* and service list":      {trust: trust(`"sts:*"`, `["ec2.amazonaws.com","pods.eks.amazonaws.com"]`)},
		"ok no TagSession when disabled": {trust: podTrustNoTag, disable: true},
		"no TagSession":                  {trust: podTrustNoTag, code: "InvalidParameterException", msg: "Trust policy of the role provided is invalid"},
		"wrong principal":                {trust: ec2Trust, code: "InvalidParameterException", msg: "Trust policy of the role provided is invalid"},
		"deny statement":                 {trust: strings.Replace(podTrust, "Allow", "Deny", 1), code: "InvalidParameterException", msg: "Trust policy of the role provided is invalid"},
		"missing role":                   {trust: podTrust, roleArn: "arn:aws:iam::123456789012:role/nope", code: "InvalidParameterException", msg: "Role provided in the request does not exist"},
		"role in other account":          {trust: podTrust, roleArn: "arn:aws:iam::999999999999:role/r", code: "InvalidParameterException", msg: "Role provided in the request does not exist"},
		"missing target role":            {trust: podTrust, target: "arn:aws:iam::123456789012:role/nope", code: "InvalidParameterException", msg: "Target role"},
		"unknown cluster":                {trust: podTrust, cluster: "nope", code: "ResourceNotFoundException"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := newClients(t, nil)
			arn := createRole(t, c, "r", tc.trust)
			if tc.roleArn != "" {
				arn = tc.roleArn
			}
			cl := cluster
			if tc.cluster != "" {
				cl = tc.cluster
			}
			in := &eks.CreatePodIdentityAssociationInput{ClusterName: aws.String(cl), Namespace: aws.String("ns"),
				ServiceAccount: aws.String("sa"), RoleArn: aws.String(arn), DisableSessionTags: aws.Bool(tc.disable)}
			if tc.target != "" {
				in.TargetRoleArn = aws.String(tc.target)
			}
			_, err := c.eks.CreatePodIdentityAssociation(ctx(t), in)
			if tc.code == "" {
				must(t, err)
				return
			}
			wantCode(t, err, tc.code)
			if tc.code == "InvalidParameterException" {
				var ipe *ekstypes.InvalidParameterException
				if !errors.As(err, &ipe) || httpStatus(err) != 400 || !strings.Contains(ipe.ErrorMessage(), tc.msg) {
					t.Fatalf("want InvalidParameterException %q, got %v", tc.msg, err)
				}
			}
		})
	}
}

func TestEKSIdempotencyToken(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	role := createRole(t, c, "carts", podTrust)
	in := &eks.CreatePodIdentityAssociationInput{ClusterName: aws.String(cluster), Namespace: aws.String("carts"),
		ServiceAccount: aws.String("carts"), RoleArn: aws.String(role), ClientRequestToken: aws.String("tok-1")}
	a1, err := c.eks.CreatePodIdentityAssociation(ctx(t), in)
	must(t, err)
	a2, err := c.eks.CreatePodIdentityAssociation(ctx(t), in) // retry with the same token: same association
	must(t, err)
	if aws.ToString(a1.Association.AssociationId) != aws.ToString(a2.Association.AssociationId) {
		t.Fatal("same token must return the same association")
	}
	in2 := *in
	in2.ServiceAccount = aws.String("other")
	_, err = c.eks.CreatePodIdentityAssociation(ctx(t), &in2)
	wantCode(t, err, "InvalidRequestException")
	// Without an explicit token the SDK generates a fresh one: a duplicate is ResourceInUse.
	in3 := *in
	in3.ClientRequestToken = nil
	_, err = c.eks.CreatePodIdentityAssociation(ctx(t), &in3)
	wantCode(t, err, "ResourceInUseException")
	l, err := c.eks.ListPodIdentityAssociations(ctx(t), &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String(cluster)})
	must(t, err)
	if len(l.Associations) != 1 {
		t.Fatalf("want 1 association, got %d", len(l.Associations))
	}
}

func TestEKSListAssociationsFiltersAndPagination(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	role := createRole(t, c, "carts", podTrust)
	for i := range 7 {
		ns := "ns-a"
		if i%2 == 1 {
			ns = "ns-b"
		}
		_, err := c.eks.CreatePodIdentityAssociation(ctx(t), &eks.CreatePodIdentityAssociationInput{ClusterName: aws.String(cluster),
			Namespace: aws.String(ns), ServiceAccount: aws.String(fmt.Sprintf("sa-%d", i)), RoleArn: aws.String(role)})
		must(t, err)
	}
	tests := map[string]struct {
		ns, sa string
		max    int32
		want   []string
		pages  int
	}{
		"all, pages of 3":       {max: 3, want: []string{"sa-0", "sa-1", "sa-2", "sa-3", "sa-4", "sa-5", "sa-6"}, pages: 3},
		"namespace":             {ns: "ns-b", want: []string{"sa-1", "sa-3", "sa-5"}, pages: 1},
		"namespace, pages of 2": {ns: "ns-a", max: 2, want: []string{"sa-0", "sa-2", "sa-4", "sa-6"}, pages: 2},
		"service account":       {sa: "sa-4", want: []string{"sa-4"}, pages: 1},
		"namespace and sa":      {ns: "ns-b", sa: "sa-4", want: nil, pages: 1},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			in := &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String(cluster)}
			if tc.ns != "" {
				in.Namespace = aws.String(tc.ns)
			}
			if tc.sa != "" {
				in.ServiceAccount = aws.String(tc.sa)
			}
			if tc.max > 0 {
				in.MaxResults = aws.Int32(tc.max)
			}
			p := eks.NewListPodIdentityAssociationsPaginator(c.eks, in)
			var got []string
			pages := 0
			for p.HasMorePages() {
				out, err := p.NextPage(ctx(t))
				must(t, err)
				pages++
				for _, a := range out.Associations {
					if !reAssocID.MatchString(aws.ToString(a.AssociationId)) || aws.ToString(a.ClusterName) != cluster {
						t.Fatalf("summary %+v", a)
					}
					got = append(got, aws.ToString(a.ServiceAccount))
				}
			}
			sort.Strings(got)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) || pages != tc.pages {
				t.Fatalf("got %v in %d pages, want %v in %d", got, pages, tc.want, tc.pages)
			}
		})
	}
	t.Run("bad nextToken", func(t *testing.T) {
		t.Parallel()
		_, err := c.eks.ListPodIdentityAssociations(ctx(t), &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String(cluster), NextToken: aws.String("junk")})
		wantCode(t, err, "InvalidParameterException")
	})
	t.Run("bad maxResults", func(t *testing.T) {
		t.Parallel()
		_, err := c.eks.ListPodIdentityAssociations(ctx(t), &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String(cluster), MaxResults: aws.Int32(101)})
		wantCode(t, err, "InvalidParameterException")
	})
}

func TestEKSAssociationQuota(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	role := createRole(t, c, "carts", podTrust)
	for i := range maxAssociationsPerCluster - 1 {
		if _, err := c.srv.AddPodIdentityAssociation(cluster, "bulk", fmt.Sprintf("sa-%d", i), role, ""); err != nil {
			t.Fatal(err)
		}
	}
	in := &eks.CreatePodIdentityAssociationInput{ClusterName: aws.String(cluster), Namespace: aws.String("carts"), ServiceAccount: aws.String("carts"), RoleArn: aws.String(role)}
	_, err := c.eks.CreatePodIdentityAssociation(ctx(t), in) // the 5,000th
	must(t, err)
	in.ServiceAccount = aws.String("one-too-many")
	in.ClientRequestToken = nil // the SDK stored its generated token in the input
	_, err = c.eks.CreatePodIdentityAssociation(ctx(t), in)
	var rle *ekstypes.ResourceLimitExceededException
	if !errors.As(err, &rle) {
		t.Fatalf("want ResourceLimitExceededException, got %v", err)
	}
}

func TestEKSAddonOwnedAssociation(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	role := createRole(t, c, "vpc-cni", podTrust)
	d, err := c.eks.DescribeAddon(ctx(t), &eks.DescribeAddonInput{ClusterName: aws.String(cluster), AddonName: aws.String("eks-pod-identity-agent")})
	must(t, err)
	id, err := c.srv.AddPodIdentityAssociation(cluster, "kube-system", "aws-node", role, aws.ToString(d.Addon.AddonArn))
	must(t, err)
	out, err := c.eks.DescribePodIdentityAssociation(ctx(t), &eks.DescribePodIdentityAssociationInput{ClusterName: aws.String(cluster), AssociationId: aws.String(id)})
	must(t, err)
	if aws.ToString(out.Association.OwnerArn) != aws.ToString(d.Addon.AddonArn) {
		t.Fatalf("owner %v", out.Association.OwnerArn)
	}
	_, err = c.eks.DeletePodIdentityAssociation(ctx(t), &eks.DeletePodIdentityAssociationInput{ClusterName: aws.String(cluster), AssociationId: aws.String(id)})
	wantCode(t, err, "InvalidRequestException")
}

func TestEKSClusterNotActive(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	role := createRole(t, c, "carts", podTrust)
	must(t, c.srv.SetClusterStatus(cluster, "CREATING"))
	_, err := c.eks.CreatePodIdentityAssociation(ctx(t), &eks.CreatePodIdentityAssociationInput{ClusterName: aws.String(cluster), Namespace: aws.String("carts"), ServiceAccount: aws.String("carts"), RoleArn: aws.String(role)})
	wantCode(t, err, "InvalidRequestException")
}
