package provider

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dynamodbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// notFoundError is the one error the finders return when the object does
// not exist, whatever the API's own way of saying so.
type notFoundError struct {
	what string
	id   string
	err  error
}

func (e *notFoundError) Error() string {
	return fmt.Sprintf("%s %s not found", e.what, e.id)
}

func (e *notFoundError) Unwrap() error { return e.err }

// isNotFound reports whether err is (or wraps) a notFoundError.
func isNotFound(err error) bool {
	var nf *notFoundError
	return errors.As(err, &nf)
}

// findRoleByName returns the role with its tags and permissions boundary
// (GetRole returns both) and its trust policy URL-decoded.
func findRoleByName(ctx context.Context, conn *iam.Client, name string) (*iamtypes.Role, error) {
	out, err := conn.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	if err != nil {
		var nse *iamtypes.NoSuchEntityException
		if errors.As(err, &nse) {
			return nil, &notFoundError{what: "IAM Role", id: name, err: err}
		}
		return nil, err
	}
	if out == nil || out.Role == nil {
		return nil, &notFoundError{what: "IAM Role", id: name}
	}
	role := out.Role
	if doc := aws.ToString(role.AssumeRolePolicyDocument); doc != "" {
		decoded, err := url.QueryUnescape(doc)
		if err != nil {
			return nil, fmt.Errorf("decoding trust policy of IAM Role %s: %w", name, err)
		}
		role.AssumeRolePolicyDocument = aws.String(decoded)
	}
	return role, nil
}

// findRolePolicyByTwoPartKey returns the URL-decoded document of a role's
// inline policy.
func findRolePolicyByTwoPartKey(ctx context.Context, conn *iam.Client, roleName, policyName string) (string, error) {
	out, err := conn.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(roleName), PolicyName: aws.String(policyName)})
	if err != nil {
		var nse *iamtypes.NoSuchEntityException
		if errors.As(err, &nse) {
			return "", &notFoundError{what: "IAM Role Policy", id: roleName + ":" + policyName, err: err}
		}
		return "", err
	}
	if out == nil || out.PolicyDocument == nil {
		return "", &notFoundError{what: "IAM Role Policy", id: roleName + ":" + policyName}
	}
	doc, err := url.QueryUnescape(aws.ToString(out.PolicyDocument))
	if err != nil {
		return "", fmt.Errorf("decoding IAM Role Policy %s:%s: %w", roleName, policyName, err)
	}
	return doc, nil
}

// findPodIdentityAssociationByTwoPartKey returns one association of a
// cluster, tags included.
func findPodIdentityAssociationByTwoPartKey(ctx context.Context, conn *eks.Client, clusterName, associationID string) (*ekstypes.PodIdentityAssociation, error) {
	out, err := conn.DescribePodIdentityAssociation(ctx, &eks.DescribePodIdentityAssociationInput{
		ClusterName:   aws.String(clusterName),
		AssociationId: aws.String(associationID),
	})
	if err != nil {
		var rnf *ekstypes.ResourceNotFoundException
		if errors.As(err, &rnf) {
			return nil, &notFoundError{what: "EKS Pod Identity Association", id: clusterName + "," + associationID, err: err}
		}
		return nil, err
	}
	if out == nil || out.Association == nil {
		return nil, &notFoundError{what: "EKS Pod Identity Association", id: clusterName + "," + associationID}
	}
	return out.Association, nil
}

// findPodIdentityAssociationsByCluster lists every association of a
// cluster (summaries: no role ARN).
func findPodIdentityAssociationsByCluster(ctx context.Context, conn *eks.Client, clusterName string) ([]ekstypes.PodIdentityAssociationSummary, error) {
	var out []ekstypes.PodIdentityAssociationSummary
	p := eks.NewListPodIdentityAssociationsPaginator(conn, &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String(clusterName)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			var rnf *ekstypes.ResourceNotFoundException
			if errors.As(err, &rnf) {
				return nil, &notFoundError{what: "EKS Cluster", id: clusterName, err: err}
			}
			return nil, err
		}
		out = append(out, page.Associations...)
	}
	return out, nil
}

// findClusterByName returns an EKS cluster.
func findClusterByName(ctx context.Context, conn *eks.Client, name string) (*ekstypes.Cluster, error) {
	out, err := conn.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
	if err != nil {
		var rnf *ekstypes.ResourceNotFoundException
		if errors.As(err, &rnf) {
			return nil, &notFoundError{what: "EKS Cluster", id: name, err: err}
		}
		return nil, err
	}
	if out == nil || out.Cluster == nil {
		return nil, &notFoundError{what: "EKS Cluster", id: name}
	}
	return out.Cluster, nil
}

// findAddonByTwoPartKey returns an add-on of a cluster.
func findAddonByTwoPartKey(ctx context.Context, conn *eks.Client, clusterName, addonName string) (*ekstypes.Addon, error) {
	out, err := conn.DescribeAddon(ctx, &eks.DescribeAddonInput{ClusterName: aws.String(clusterName), AddonName: aws.String(addonName)})
	if err != nil {
		var rnf *ekstypes.ResourceNotFoundException
		if errors.As(err, &rnf) {
			return nil, &notFoundError{what: "EKS Add-On", id: clusterName + "," + addonName, err: err}
		}
		return nil, err
	}
	if out == nil || out.Addon == nil {
		return nil, &notFoundError{what: "EKS Add-On", id: clusterName + "," + addonName}
	}
	return out.Addon, nil
}

// findTableByName returns a DynamoDB table of the client's region.
func findTableByName(ctx context.Context, conn *dynamodb.Client, name string) (*dynamodbtypes.TableDescription, error) {
	out, err := conn.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if err != nil {
		var rnf *dynamodbtypes.ResourceNotFoundException
		if errors.As(err, &rnf) {
			return nil, &notFoundError{what: "DynamoDB Table", id: name, err: err}
		}
		return nil, err
	}
	if out == nil || out.Table == nil {
		return nil, &notFoundError{what: "DynamoDB Table", id: name}
	}
	return out.Table, nil
}
