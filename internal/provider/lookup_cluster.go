package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/eks-podidentity/terraform-provider-podidentity/internal/conns"
	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

// podIdentityAgentAddon is the add-on that serves Pod Identity credentials
// to pods.
const podIdentityAgentAddon = leastpriv.PodIdentityAgentAddon

// cachedLookup is AWSClient.Cached with a typed result.
func cachedLookup[T any](ctx context.Context, c *conns.AWSClient, key string, fn func(context.Context) (T, error)) (T, error) {
	v, err := c.Cached(ctx, key, func(ctx context.Context) (any, error) { return fn(ctx) })
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
	return cachedLookup(ctx, c, "podidentity/cluster/"+name, func(ctx context.Context) (*clusterFacts, error) {
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
	return cachedLookup(ctx, c, "podidentity/node-roles/"+name, func(ctx context.Context) (nodeRoleFacts, error) {
		out := nodeRoleFacts{}
		add := func(roleARN string, ev leastpriv.NodeRoleEvidence) {
			k := roleKey(roleARN)
			out[k] = append(out[k], ev)
		}
		if cc := facts.cluster.ComputeConfig; cc != nil && aws.ToBool(cc.Enabled) && aws.ToString(cc.NodeRoleArn) != "" {
			add(aws.ToString(cc.NodeRoleArn), leastpriv.NodeRoleEvidence{Kind: leastpriv.NodeRoleOfAutoMode, Source: "cluster " + name})
		}

		for _, step := range []func(context.Context, *conns.AWSClient, string, func(string, leastpriv.NodeRoleEvidence)) error{nodeGroupRoles, fargateProfileRoles, accessEntryRoles} {
			if err := step(ctx, c, name, add); err != nil {
				return nil, err
			}
		}
		return out, nil
	})
}

// nodeGroupRoles adds the node roles of the cluster's node groups.
func nodeGroupRoles(ctx context.Context, c *conns.AWSClient, name string, add func(string, leastpriv.NodeRoleEvidence)) error {
	ngs := eks.NewListNodegroupsPaginator(c.EKS, &eks.ListNodegroupsInput{ClusterName: aws.String(name)})
	for ngs.HasMorePages() {
		page, err := ngs.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing EKS Node Groups (%s): %w", name, err)
		}
		for _, ng := range page.Nodegroups {
			d, err := c.EKS.DescribeNodegroup(ctx, &eks.DescribeNodegroupInput{ClusterName: aws.String(name), NodegroupName: aws.String(ng)})
			if err != nil {
				return fmt.Errorf("reading EKS Node Group (%s,%s): %w", name, ng, err)
			}
			if d.Nodegroup != nil && d.Nodegroup.NodeRole != nil {
				add(aws.ToString(d.Nodegroup.NodeRole), leastpriv.NodeRoleEvidence{Kind: leastpriv.NodeRoleOfNodeGroup, Source: "node group " + ng + " in cluster " + name})
			}
		}
	}
	return nil
}

// fargateProfileRoles adds the pod execution roles of the Fargate profiles.
func fargateProfileRoles(ctx context.Context, c *conns.AWSClient, name string, add func(string, leastpriv.NodeRoleEvidence)) error {
	fps := eks.NewListFargateProfilesPaginator(c.EKS, &eks.ListFargateProfilesInput{ClusterName: aws.String(name)})
	for fps.HasMorePages() {
		page, err := fps.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing EKS Fargate Profiles (%s): %w", name, err)
		}
		for _, fp := range page.FargateProfileNames {
			d, err := c.EKS.DescribeFargateProfile(ctx, &eks.DescribeFargateProfileInput{ClusterName: aws.String(name), FargateProfileName: aws.String(fp)})
			if err != nil {
				return fmt.Errorf("reading EKS Fargate Profile (%s,%s): %w", name, fp, err)
			}
			if d.FargateProfile != nil && d.FargateProfile.PodExecutionRoleArn != nil {
				add(aws.ToString(d.FargateProfile.PodExecutionRoleArn), leastpriv.NodeRoleEvidence{Kind: leastpriv.NodeRoleOfFargateProfile, Source: fp + " in cluster " + name})
			}
		}
	}
	return nil
}

// accessEntryRoles adds the roles of node-type access entries.
func accessEntryRoles(ctx context.Context, c *conns.AWSClient, name string, add func(string, leastpriv.NodeRoleEvidence)) error {
	// ListAccessEntries returns principal ARNs only; the entry type
	// needs DescribeAccessEntry, asked only for role principals.
	aes := eks.NewListAccessEntriesPaginator(c.EKS, &eks.ListAccessEntriesInput{ClusterName: aws.String(name)})
	for aes.HasMorePages() {
		page, err := aes.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing EKS Access Entries (%s): %w", name, err)
		}
		for _, p := range page.AccessEntries {
			if !strings.Contains(p, ":role/") {
				continue
			}
			d, err := c.EKS.DescribeAccessEntry(ctx, &eks.DescribeAccessEntryInput{ClusterName: aws.String(name), PrincipalArn: aws.String(p)})
			if err != nil {
				return fmt.Errorf("reading EKS Access Entry (%s,%s): %w", name, p, err)
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
	return nil
}

// lookupInstanceProfiles lists the instance profiles a role is in.
func lookupInstanceProfiles(ctx context.Context, c *conns.AWSClient, roleName string) ([]string, error) {
	return cachedLookup(ctx, c, "podidentity/instance-profiles/"+roleName, func(ctx context.Context) ([]string, error) {
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
	return cachedLookup(ctx, c, "podidentity/table/"+name, func(ctx context.Context) (tableLookup, error) {
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

// roleIndex is the set of the account's role names, lower-cased (IAM role
// names are unique regardless of case); nil when the caller may not list
// roles.
type roleIndex map[string]bool

// lookupRoleNames lists the account's roles once per provider instance, so
// that checking that the roles of N new resources are free costs
// ceil(roles/1000) calls instead of N GetRole calls (which, answering
// NoSuchEntity, are the calls AWS throttles hardest at plan time).
func lookupRoleNames(ctx context.Context, c *conns.AWSClient) (roleIndex, error) {
	return cachedLookup(ctx, c, "podidentity/role-names", func(ctx context.Context) (roleIndex, error) {
		out := roleIndex{}
		p := iam.NewListRolesPaginator(c.IAM, &iam.ListRolesInput{MaxItems: aws.Int32(1000)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if isAccessDenied(err) {
				return nil, nil // without iam:ListRoles, GetRole per resource
			}
			if err != nil {
				return nil, fmt.Errorf("listing IAM Roles: %w", err)
			}
			for _, r := range page.Roles {
				out[strings.ToLower(aws.ToString(r.RoleName))] = true
			}
		}
		return out, nil
	})
}

// checkRoleFree checks that the role a new resource would create does not
// exist. Someone else's role is an error. A role carrying this resource's
// ownership tag is adopted only when its pending marker says it was left by
// a create that can no longer be running (a warning says so); one whose
// create may still be running is an error, as is a finished one (another
// Terraform state manages the service account), unless this state tracks
// it (a tainted instance, deleted before the create).
func checkRoleFree(ctx context.Context, c *conns.AWSClient, roleName, cluster, ns, sa string, diags *diag.Diagnostics) {
	names, err := lookupRoleNames(ctx, c)
	if err != nil {
		diags.AddError("Checking IAM Role", err.Error())
		return
	}
	if names != nil && !names[strings.ToLower(roleName)] {
		return
	}
	role, err := findRoleByName(ctx, c.IAM, roleName)
	switch {
	case isNotFound(err):
		return
	case err != nil:
		diags.AddError("Checking IAM Role", fmt.Sprintf("reading IAM Role (%s): %s", roleName, err))
		return
	}
	if roleTag(role, ownerTagKey) != ownerTagValue(cluster, ns, sa) {
		e := leastpriv.RoleExists(roleName, cluster, ns, sa)
		diags.AddAttributeError(path.Root("role_name"), e.Summary, e.DiagnosticDetail())
		return
	}
	p, until := rolePending(role, time.Now())
	switch {
	case c.Plan.Tracked("role/" + strings.ToLower(roleName)):
		diags.AddAttributeWarning(path.Root("role_name"), "Role Left By An Earlier Create",
			fmt.Sprintf("IAM role %s is what a failed create of this resource left, tracked in this state as tainted: the apply deletes it before creating it again.", roleName))
	case p == pendingExpired:
		diags.AddAttributeWarning(path.Root("role_name"), "Adopting A Role Left By An Interrupted Create",
			fmt.Sprintf("IAM role %s carries this resource's ownership tag and the marker of a create that never finished (%s=%s, past): "+
				"that create was interrupted after creating the role and before Terraform saved its state, and can no longer be running. "+
				"The apply adopts the role, its inline policy and its association (when they exist), brings them to this configuration and records them in this state.",
				roleName, pendingTagKey, until))
	case p == pendingLive:
		diags.AddAttributeError(path.Root("role_name"), createInProgressSummary, createInProgressDetail(roleName, until))
	default:
		diags.AddAttributeError(path.Root("role_name"), anotherStateSummary, anotherStateDetail(role, cluster, ns, sa))
	}
}

const anotherStateSummary = "Service Account Managed By Another State"

// anotherStateDetail explains a role carrying this resource's ownership tag
// that this state does not track.
func anotherStateDetail(role *iamtypes.Role, cluster, ns, sa string) string {
	roleName := aws.ToString(role.RoleName)
	return fmt.Sprintf("IAM role %s exists and carries this resource's ownership tag (%s=%s, create token %q), but this Terraform state does not track it. "+
		"Its create finished, so another Terraform state (another workspace, directory or backend) manages cluster %s, namespace %s, service account %s, "+
		"or a state that managed it was lost or the resource removed from it (terraform state rm).\n\n"+
		"Two states must not manage one service account, so the role is not adopted. If it is another state's, remove this resource from this configuration. "+
		"If no state manages it any more, import it (terraform import with CLUSTER,ASSOCIATION_ID), or delete it and apply again:\n"+
		"  aws eks list-pod-identity-associations --cluster-name %s --namespace %s --service-account %s   (delete the one using this role, if any)\n"+
		"  aws iam delete-role-policy --role-name %s --policy-name %s\n"+
		"  aws iam delete-role --role-name %s",
		roleName, ownerTagKey, ownerTagValue(cluster, ns, sa), roleTag(role, createTokenTagKey), cluster, ns, sa, cluster, ns, sa, roleName, policyName, roleName)
}
