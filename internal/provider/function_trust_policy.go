package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

var _ function.Function = (*trustPolicyFunction)(nil)

// NewTrustPolicyFunction returns the trust_policy function: the trust
// policy of leastpriv.PodIdentityTrustPolicy in service_account scope.
func NewTrustPolicyFunction() function.Function {
	return &trustPolicyFunction{}
}

type trustPolicyFunction struct{}

func (f *trustPolicyFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "trust_policy"
}

func (f *trustPolicyFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Generates the trust policy of an IAM role for one EKS Pod Identity service account.",
		MarkdownDescription: "Generates the trust policy JSON of an IAM role that only EKS Pod Identity can assume, and only for one service account in one namespace of one cluster, " +
			"the same document the `podidentity_least_privilege` resource gives the roles it creates with `trust_scope = \"service_account\"`. " +
			"Use it as the `assume_role_policy` of an `aws_iam_role` that an `aws_eks_pod_identity_association` names.\n\n" +
			"The policy has one statement that lets `pods.eks.amazonaws.com` call `sts:AssumeRole` and `sts:TagSession`, " +
			"with `StringEquals` conditions on the session tags EKS Pod Identity sets: `aws:RequestTag/eks-cluster-arn`, " +
			"`aws:RequestTag/kubernetes-namespace` and `aws:RequestTag/kubernetes-service-account`. " +
			"The association must therefore keep session tags enabled (`disable_session_tags = false`, the default).\n\n" +
			"The function fails when the cluster ARN is not the ARN of an EKS cluster, or when the namespace or service account is not a valid Kubernetes name.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "cluster_arn",
				MarkdownDescription: "The ARN of the EKS cluster the pods run in, for example `aws_eks_cluster.this.arn`. Its partition is the partition of the role.",
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

func (f *trustPolicyFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var clusterARN, namespace, serviceAccount string
	resp.Error = function.ConcatFuncErrors(req.Arguments.Get(ctx, &clusterARN, &namespace, &serviceAccount))
	if resp.Error != nil {
		return
	}
	if clusterARN == "" {
		// leastpriv leaves the cluster condition out for an empty ARN;
		// this function always scopes the role to one cluster.
		resp.Error = function.NewArgumentFuncError(0, "Invalid EKS Cluster ARN: The cluster ARN is empty. "+
			"Use the cluster's ARN, for example arn:aws:eks:us-east-1:111122223333:cluster/eks-workshop (aws_eks_cluster.this.arn)")
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
	opts := leastpriv.TrustOptions{
		ClusterARN:     clusterARN,
		Namespace:      namespace,
		ServiceAccount: serviceAccount,
		Scope:          leastpriv.TrustScopeServiceAccount,
	}
	if a, err := leastpriv.ParseARN(clusterARN); err == nil {
		opts.Partition = a.Partition
	}
	// With the names valid, what is left to reject is the cluster ARN.
	p, err := leastpriv.PodIdentityTrustPolicy(opts)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, validationErrorText(err))
		return
	}
	doc, err := p.JSON()
	if err != nil {
		resp.Error = function.NewFuncError("Generating the trust policy document: " + err.Error())
		return
	}
	resp.Error = resp.Result.Set(ctx, doc)
}
