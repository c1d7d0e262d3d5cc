package leastpriv

import "fmt"

// The messages of the checks that need AWS: the provider asks the API, and
// these functions word the answer, so that every check's wording lives in
// this package. Each returns a *ValidationError whose Summary and
// DiagnosticDetail map onto a Terraform diagnostic.

// PodIdentityAgentAddon is the EKS add-on that serves Pod Identity
// credentials to pods.
const PodIdentityAgentAddon = "eks-pod-identity-agent"

// ClusterNotFound says that the EKS cluster does not exist.
func ClusterNotFound(cluster, account, region string) *ValidationError {
	return &ValidationError{
		Summary: "EKS Cluster Not Found",
		Detail: fmt.Sprintf("Cluster %q does not exist in account %s, region %s. Check cluster_name and the provider's region; if the cluster is created in the same configuration, refer to it (aws_eks_cluster.this.name) so that Terraform creates it first.",
			cluster, account, region),
	}
}

// AssociationExists says that another Pod Identity association already
// serves the namespace and service account, and how to import it.
func AssociationExists(associationID, cluster, namespace, serviceAccount string) *ValidationError {
	return &ValidationError{
		Summary: "Service Account Already Has a Pod Identity Association",
		Detail: fmt.Sprintf("Association %s in cluster %s already gives namespace %q, service account %q an IAM role; a service account can have only one association. "+
			"To manage it with this resource, import it: terraform import podidentity_least_privilege.NAME %s,%s. Otherwise delete that association or choose another service account.",
			associationID, cluster, namespace, serviceAccount, cluster, associationID),
	}
}

// PodIdentityAgentMissing warns that the cluster lacks the Pod Identity
// agent, so pods would get no credentials.
func PodIdentityAgentMissing(cluster string) *ValidationError {
	return &ValidationError{
		Summary: "EKS Pod Identity Agent Not Installed",
		Detail: fmt.Sprintf("Cluster %s has no %s add-on. Without it pods get no credentials from the association and fail with \"Unable to load credentials from any of the providers in the chain\". "+
			"Install the add-on (aws_eks_addon with addon_name = %q), or the agent DaemonSet if you manage it yourself.", cluster, PodIdentityAgentAddon, PodIdentityAgentAddon),
	}
}

// TableInAnotherAccount says that a table lives in another account than the
// role.
func TableInAnotherAccount(tableARN, tableAccount, roleAccount string) *ValidationError {
	return &ValidationError{
		Summary: "DynamoDB Table in Another Account",
		Detail: fmt.Sprintf("Table %s is in account %s, but the role is created in account %s. An identity policy cannot grant access to another account's table on its own; "+
			"use target_role_arn to chain to a role in account %s that has the access, or a table in this account.", tableARN, tableAccount, roleAccount, tableAccount),
	}
}

// TableNotFound warns that a table does not exist (yet).
func TableNotFound(tableARN string) *ValidationError {
	return &ValidationError{
		Summary: "DynamoDB Table Not Found",
		Detail:  fmt.Sprintf("Table %s does not exist (yet). The policy grants access to it by name; if it is created later by another configuration, this is fine. Otherwise check the ARN.", tableARN),
	}
}

// RoleExists says that the role name to create is taken by a role this
// resource did not create.
func RoleExists(roleName, cluster, namespace, serviceAccount string) *ValidationError {
	return &ValidationError{
		Summary: "IAM Role Already Exists",
		Detail: fmt.Sprintf("An IAM role named %q already exists and was not created by this resource for cluster %s, namespace %s, service account %s. "+
			"Choose another role_name, or use the existing role with existing_role_name = %q. "+
			"If it belongs to an association this configuration should manage, import it: terraform import podidentity_least_privilege.NAME %s,ASSOCIATION_ID.",
			roleName, cluster, namespace, serviceAccount, roleName, cluster),
	}
}

// RoleNotFound says that the existing role to use does not exist.
func RoleNotFound(roleName, account string) *ValidationError {
	return &ValidationError{
		Summary: "IAM Role Not Found",
		Detail:  fmt.Sprintf("Role %q does not exist in account %s. Check existing_role_name, or remove it to let the resource create a dedicated role.", roleName, account),
	}
}

// RoleDoesNotTrustPodIdentity says that an existing role cannot be assumed
// by EKS Pod Identity, showing the statement it needs (from
// TrustsPodIdentity).
func RoleDoesNotTrustPodIdentity(roleName, neededStatement string) *ValidationError {
	return &ValidationError{
		Summary: "Role Does Not Trust EKS Pod Identity",
		Detail: fmt.Sprintf("Role %q cannot be assumed by EKS Pod Identity: its trust policy must allow %s to call sts:AssumeRole and sts:TagSession. Add this statement to the role's trust policy:\n\n%s",
			roleName, PodIdentityServicePrincipal, neededStatement),
	}
}

// RoleAlreadyHasPolicy says that an existing role already carries the
// inline policy a podidentity_least_privilege resource writes.
func RoleAlreadyHasPolicy(roleName, policyName string) *ValidationError {
	return &ValidationError{
		Summary: "Role Already Has This Resource's Policy",
		Detail: fmt.Sprintf("Role %q already has an inline policy named %q, so another podidentity_least_privilege resource (or an earlier one) already uses it. "+
			"Two resources on one existing role would overwrite each other's grant. Give each service account a role of its own (leave existing_role_name unset), "+
			"or remove the old policy if nothing uses it.", roleName, policyName),
	}
}
