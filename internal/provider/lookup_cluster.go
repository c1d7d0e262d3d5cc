package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/conns"
	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

// podIdentityAgentAddon is the add-on that serves Pod Identity credentials
// to pods.
const podIdentityAgentAddon = leastpriv.PodIdentityAgentAddon

// cachedLookup is AWSClient.Cached with a typed result.
func cachedLookup[T any](c *conns.AWSClient, key string, fn func() (T, error)) (T, error) {
	v, err := c.Cached(key, func() (any, error) { return fn() })
	if err != nil {
		var zero T
		return zero, err
	}
	t, ok := v.(T)
	if !ok {
		var zero T
		return zero, fmt.Errorf("cache entry %q holds %T", key, v)
	}
	return t, nil
}

// clusterFacts is what plan-time checks learn about a cluster, once per
// provider instance.
type clusterFacts struct {
	cluster *ekstypes.Cluster
	// exists is false when DescribeCluster said ResourceNotFound.
	exists bool
	// agentInstalled reports the eks-pod-identity-agent add-on.
	agentInstalled bool
	// associations by "namespace/serviceaccount".
	associations map[string]ekstypes.PodIdentityAssociationSummary
}

// associationID is the ID of the association serving ns/sa, or "".
func (f *clusterFacts) associationID(ns, sa string) string {
	return aws.ToString(f.associations[ns+"/"+sa].AssociationId)
}

// lookupCluster describes a cluster, its Pod Identity agent add-on and its
// associations: three reads per cluster per provider instance.
func lookupCluster(ctx context.Context, c *conns.AWSClient, name string) (*clusterFacts, error) {
	return cachedLookup(c, "podidentity/cluster/"+name, func() (*clusterFacts, error) {
		f := &clusterFacts{associations: map[string]ekstypes.PodIdentityAssociationSummary{}}
		cl, err := findClusterByName(ctx, c.EKS, name)
		if isNotFound(err) {
			return f, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading EKS Cluster (%s): %w", name, err)
		}
		f.cluster, f.exists = cl, true
		_, err = findAddonByTwoPartKey(ctx, c.EKS, name, podIdentityAgentAddon)
		switch {
		case err == nil:
			f.agentInstalled = true
		case !isNotFound(err):
			return nil, fmt.Errorf("reading EKS Add-On (%s,%s): %w", name, podIdentityAgentAddon, err)
		}
		assocs, err := findPodIdentityAssociationsByCluster(ctx, c.EKS, name)
		if err != nil {
			return nil, fmt.Errorf("listing EKS Pod Identity Associations (%s): %w", name, err)
		}
		for _, a := range assocs {
			f.associations[aws.ToString(a.Namespace)+"/"+aws.ToString(a.ServiceAccount)] = a
		}
		return f, nil
	})
}

// nodeRoleFacts maps a role ARN (without path, see roleKey) to the ways the
// cluster uses it as a node role.
type nodeRoleFacts map[string][]leastpriv.NodeRoleEvidence

// roleKey normalises a role ARN to "ACCOUNT/NAME" so that ARNs with and
// without a path compare equal (access entries may name either).
func roleKey(roleARN string) string {
	a, err := arn.Parse(roleARN)
	if err != nil {
		return roleARN
	}
	name := a.Resource[strings.LastIndex(a.Resource, "/")+1:]
	return a.AccountID + "/" + name
}

// lookupClusterNodeRoles lists the roles a cluster runs nodes or Fargate
// pods with: node groups, Auto Mode, node-type access entries and Fargate
// profiles. Once per cluster per provider instance; only brownfield mode
// (existing_role_name) needs it.
func lookupClusterNodeRoles(ctx context.Context, c *conns.AWSClient, facts *clusterFacts) (nodeRoleFacts, error) {
	name := aws.ToString(facts.cluster.Name)
	return cachedLookup(c, "podidentity/node-roles/"+name, func() (nodeRoleFacts, error) {
		out := nodeRoleFacts{}
		add := func(roleARN string, ev leastpriv.NodeRoleEvidence) {
			k := roleKey(roleARN)
			out[k] = append(out[k], ev)
		}
		if cc := facts.cluster.ComputeConfig; cc != nil && aws.ToBool(cc.Enabled) && aws.ToString(cc.NodeRoleArn) != "" {
			add(aws.ToString(cc.NodeRoleArn), leastpriv.NodeRoleEvidence{Kind: leastpriv.NodeRoleOfAutoMode, Source: "cluster " + name})
		}

		ngs := eks.NewListNodegroupsPaginator(c.EKS, &eks.ListNodegroupsInput{ClusterName: aws.String(name)})
		for ngs.HasMorePages() {
			page, err := ngs.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("listing EKS Node Groups (%s): %w", name, err)
			}
			for _, ng := range page.Nodegroups {
				d, err := c.EKS.DescribeNodegroup(ctx, &eks.DescribeNodegroupInput{ClusterName: aws.String(name), NodegroupName: aws.String(ng)})
				if err != nil {
					return nil, fmt.Errorf("reading EKS Node Group (%s,%s): %w", name, ng, err)
				}
				if d.Nodegroup != nil && d.Nodegroup.NodeRole != nil {
					add(aws.ToString(d.Nodegroup.NodeRole), leastpriv.NodeRoleEvidence{Kind: leastpriv.NodeRoleOfNodeGroup, Source: "node group " + ng + " in cluster " + name})
				}
			}
		}

		fps := eks.NewListFargateProfilesPaginator(c.EKS, &eks.ListFargateProfilesInput{ClusterName: aws.String(name)})
		for fps.HasMorePages() {
			page, err := fps.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("listing EKS Fargate Profiles (%s): %w", name, err)
			}
			for _, fp := range page.FargateProfileNames {
				d, err := c.EKS.DescribeFargateProfile(ctx, &eks.DescribeFargateProfileInput{ClusterName: aws.String(name), FargateProfileName: aws.String(fp)})
				if err != nil {
					return nil, fmt.Errorf("reading EKS Fargate Profile (%s,%s): %w", name, fp, err)
				}
				if d.FargateProfile != nil && d.FargateProfile.PodExecutionRoleArn != nil {
					add(aws.ToString(d.FargateProfile.PodExecutionRoleArn), leastpriv.NodeRoleEvidence{Kind: leastpriv.NodeRoleOfFargateProfile, Source: fp + " in cluster " + name})
				}
			}
		}

		// ListAccessEntries returns principal ARNs only; the entry type
		// needs DescribeAccessEntry, asked only for role principals.
		aes := eks.NewListAccessEntriesPaginator(c.EKS, &eks.ListAccessEntriesInput{ClusterName: aws.String(name)})
		for aes.HasMorePages() {
			page, err := aes.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("listing EKS Access Entries (%s): %w", name, err)
			}
			for _, p := range page.AccessEntries {
				if !strings.Contains(p, ":role/") {
					continue
				}
				d, err := c.EKS.DescribeAccessEntry(ctx, &eks.DescribeAccessEntryInput{ClusterName: aws.String(name), PrincipalArn: aws.String(p)})
				if err != nil {
					return nil, fmt.Errorf("reading EKS Access Entry (%s,%s): %w", name, p, err)
				}
				if d.AccessEntry == nil {
					continue
				}
				switch t := aws.ToString(d.AccessEntry.Type); t {
				case "EC2_LINUX", "EC2_WINDOWS", "HYBRID_LINUX":
					add(p, leastpriv.NodeRoleEvidence{Kind: leastpriv.NodeRoleOfAccessEntry, Source: "in cluster " + name, Detail: t})
				}
			}
		}
		return out, nil
	})
}

// lookupInstanceProfiles lists the instance profiles a role is in.
func lookupInstanceProfiles(ctx context.Context, c *conns.AWSClient, roleName string) ([]string, error) {
	return cachedLookup(c, "podidentity/instance-profiles/"+roleName, func() ([]string, error) {
		var out []string
		p := iam.NewListInstanceProfilesForRolePaginator(c.IAM, &iam.ListInstanceProfilesForRoleInput{RoleName: aws.String(roleName)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("listing IAM Instance Profiles for Role (%s): %w", roleName, err)
			}
			for _, ip := range page.InstanceProfiles {
				out = append(out, aws.ToString(ip.InstanceProfileName))
			}
		}
		return out, nil
	})
}

// tableLookup is what DescribeTable said about a table.
type tableLookup struct {
	exists bool
}

// lookupTable describes a table once per provider instance.
func lookupTable(ctx context.Context, c *conns.AWSClient, name string) (tableLookup, error) {
	return cachedLookup(c, "podidentity/table/"+name, func() (tableLookup, error) {
		_, err := findTableByName(ctx, c.DynamoDB, name)
		if isNotFound(err) {
			return tableLookup{}, nil
		}
		if err != nil {
			return tableLookup{}, fmt.Errorf("reading DynamoDB Table (%s): %w", name, err)
		}
		return tableLookup{exists: true}, nil
	})
}
