package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

var _ function.Function = (*defaultRoleNameFunction)(nil)

// NewDefaultRoleNameFunction returns the default_role_name function:
// leastpriv.DefaultRoleName, the role name podidentity_least_privilege
// gives the roles it creates.
func NewDefaultRoleNameFunction() function.Function {
	return &defaultRoleNameFunction{}
}

type defaultRoleNameFunction struct{}

func (f *defaultRoleNameFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "default_role_name"
}

func (f *defaultRoleNameFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Derives an IAM role name from a cluster, namespace and service account.",
		MarkdownDescription: "Derives the name of a workload's IAM role from the cluster name, namespace and service account, " +
			"the same name the `podidentity_least_privilege` resource gives the roles it creates when `role_name` is not set. " +
			"Use it to name an `aws_iam_role` consistently across clusters and workloads.\n\n" +
			"The name is `CLUSTER-NAMESPACE-SERVICEACCOUNT`, with characters IAM does not allow in role names replaced by `-`. " +
			"When that is longer than the 64 characters IAM allows, it is cut to 55 characters and suffixed with `-` and the first 8 hexadecimal digits " +
			"of the SHA-256 of the full name, so that different long inputs stay distinct and the same input always gives the same name.\n\n" +
			"The function fails when the cluster name is empty, or when the namespace or service account is not a valid Kubernetes name.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "cluster_name",
				MarkdownDescription: "The name of the EKS cluster the pods run in, for example `aws_eks_cluster.this.name`.",
			},
			function.StringParameter{
				Name:                "namespace",
				MarkdownDescription: "The Kubernetes namespace of the service account, a DNS-1123 label such as `carts`.",
			},
			function.StringParameter{
				Name:                "service_account",
				MarkdownDescription: "The name of the Kubernetes service account the pods run as, a DNS-1123 subdomain such as `carts`.",
			},
		},
		Return: function.StringReturn{},
	}
}

func (f *defaultRoleNameFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var cluster, namespace, serviceAccount string
	resp.Error = function.ConcatFuncErrors(req.Arguments.Get(ctx, &cluster, &namespace, &serviceAccount))
	if resp.Error != nil {
		return
	}
	if cluster == "" {
		resp.Error = function.NewArgumentFuncError(0, "Invalid EKS Cluster Name: The cluster name is empty. Use the cluster's name, for example aws_eks_cluster.this.name")
		return
	}
	if err := leastpriv.ValidateKubernetesName("namespace", namespace); err != nil {
		resp.Error = function.NewArgumentFuncError(1, validationErrorText(err))
		return
	}
	if err := leastpriv.ValidateKubernetesName("service_account", serviceAccount); err != nil {
		resp.Error = function.NewArgumentFuncError(2, validationErrorText(err))
		return
	}
	resp.Error = resp.Result.Set(ctx, leastpriv.DefaultRoleName(cluster, namespace, serviceAccount))
}
