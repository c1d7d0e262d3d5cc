package leastpriv

import (
	"slices"
	"strings"
	"testing"

	awspolicy "github.com/hashicorp/awspolicyequivalence"
)

func TestPodIdentityTrustPolicy(t *testing.T) {
	t.Parallel()
	const cluster = "arn:aws:eks:us-east-1:111122223333:cluster/eks-workshop"
	tests := map[string]struct {
		opts    TrustOptions
		want    string
		wantErr string
	}{
		"service account default scope": {
			opts: TrustOptions{Namespace: "carts", ServiceAccount: "carts"},
			want: `{"Version":"2012-10-17","Statement":[{"Sid":"AllowEksAuthToAssumeRoleForPodIdentity","Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"],
				"Condition":{"StringEquals":{"aws:RequestTag/kubernetes-namespace":"carts","aws:RequestTag/kubernetes-service-account":"carts"}}}]}`,
		},
		"with cluster": {
			opts: TrustOptions{ClusterARN: cluster, Namespace: "carts", ServiceAccount: "carts", Partition: "aws"},
			want: `{"Version":"2012-10-17","Statement":[{"Sid":"AllowEksAuthToAssumeRoleForPodIdentity","Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"],
				"Condition":{"StringEquals":{"aws:RequestTag/eks-cluster-arn":"` + cluster + `","aws:RequestTag/kubernetes-namespace":"carts","aws:RequestTag/kubernetes-service-account":"carts"}}}]}`,
		},
		"account scope with tags disabled": {
			opts: TrustOptions{Scope: TrustScopeAccount, DisableSessionTags: true},
			want: `{"Version":"2012-10-17","Statement":[{"Sid":"AllowEksAuthToAssumeRoleForPodIdentity","Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}`,
		},
		"tags disabled":     {opts: TrustOptions{Namespace: "carts", ServiceAccount: "carts", DisableSessionTags: true}, wantErr: "could never match"},
		"bad namespace":     {opts: TrustOptions{Namespace: "Carts", ServiceAccount: "carts"}, wantErr: "DNS-1123 label"},
		"missing sa":        {opts: TrustOptions{Namespace: "carts"}, wantErr: "service_account is empty"},
		"bad scope":         {opts: TrustOptions{Scope: "cluster"}, wantErr: "not one of"},
		"bad cluster":       {opts: TrustOptions{ClusterARN: "arn:aws:eks:us-east-1:111122223333:nodegroup/x", Namespace: "a", ServiceAccount: "b"}, wantErr: "not the ARN of an EKS cluster"},
		"partition differs": {opts: TrustOptions{ClusterARN: cluster, Partition: "aws-cn", Namespace: "a", ServiceAccount: "b"}, wantErr: "partition"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p, err := PodIdentityTrustPolicy(tc.opts)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				if _, ok := AsValidationError(err); !ok {
					t.Errorf("error is not a ValidationError")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			eq, err := awspolicy.PoliciesAreEquivalent(p.String(), tc.want)
			if err != nil || !eq {
				t.Errorf("got\n%s", p)
			}
			if ok, needed := TrustsPodIdentity(p); !ok || needed != "" {
				t.Errorf("TrustsPodIdentity(generated) = %v, %q", ok, needed)
			}
			if EC2TrustReasons(p) != nil {
				t.Errorf("generated trust admits EC2")
			}
		})
	}
}

func TestTrustsPodIdentity(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		doc  string
		want bool
	}{
		"both actions":       {podsTrustUnscoped, true},
		"split statements":   {`{"Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":"sts:AssumeRole"},{"Effect":"Allow","Principal":{"Service":["pods.eks.amazonaws.com"]},"Action":"sts:TagSession"}]}`, true},
		"sts star":           {`{"Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":"sts:*"}]}`, true},
		"missing TagSession": {`{"Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, false},
		"ec2 only":           {ec2Trust, false},
		"deny":               {`{"Statement":[{"Effect":"Deny","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}`, false},
		"irsa web identity":  {`{"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::1:oidc-provider/x"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ok, needed := TrustsPodIdentity(MustParsePolicy(tc.doc))
			if ok != tc.want {
				t.Fatalf("ok = %v, want %v", ok, tc.want)
			}
			if !ok {
				for _, s := range []string{`"Service": "pods.eks.amazonaws.com"`, `"sts:AssumeRole"`, `"sts:TagSession"`} {
					if !strings.Contains(needed, s) {
						t.Errorf("needed %q lacks %s", needed, s)
					}
				}
			}
		})
	}
	if ok, _ := TrustsPodIdentity(nil); ok {
		t.Error("nil trust trusted")
	}
}

func TestEC2TrustReasons(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		doc  string
		want []string
	}{
		"string":         {ec2Trust, []string{"trusted by ec2.amazonaws.com"}},
		"list with pods": {`{"Statement":[{"Effect":"Allow","Principal":{"Service":["pods.eks.amazonaws.com","ec2.amazonaws.com"]},"Action":["sts:AssumeRole","sts:TagSession"]}]}`, []string{"trusted by ec2.amazonaws.com"}},
		"china":          {`{"Statement":{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com.cn","ec2.amazonaws.com"]},"Action":"sts:AssumeRole"}}`, []string{"trusted by ec2.amazonaws.com.cn", "trusted by ec2.amazonaws.com"}},
		"case":           {`{"Statement":{"Effect":"Allow","Principal":{"Service":"EC2.AmazonAWS.com"},"Action":"sts:*"}}`, []string{"trusted by ec2.amazonaws.com"}},
		"ssm hybrid":     {`{"Statement":{"Effect":"Allow","Principal":{"Service":"ssm.amazonaws.com"},"Action":"sts:AssumeRole"}}`, nil},
		"deny":           {`{"Statement":{"Effect":"Deny","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}`, nil},
		"tag only":       {`{"Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:TagSession"}}`, nil},
		"pods":           {podsTrust, nil},
		// Round 5: "*" admits every principal, the EC2 service included;
		// {"AWS": "*"} only IAM principals; an unconditional Deny of EC2
		// takes the trust away, a conditional one does not.
		"star":              {`{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}`, []string{`trusted by every principal ("*")`}},
		"star list action":  {`{"Statement":{"Effect":"Allow","Principal":"*","Action":["sts:TagSession","sts:Assume*"]}}`, []string{`trusted by every principal ("*")`}},
		"aws star":          {`{"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}}`, nil},
		"not principal":     {`{"Statement":{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}}`, []string{"trusted by every principal but its NotPrincipal, ec2.amazonaws.com included"}},
		"not principal ec2": {`{"Statement":{"Effect":"Allow","NotPrincipal":{"Service":["ec2.amazonaws.com","ec2.amazonaws.com.cn"]},"Action":"sts:AssumeRole"}}`, nil},
		"allow deny ec2":    {`{"Statement":[{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","pods.eks.amazonaws.com"]},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, nil},
		"allow deny star":   {`{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":"*","Action":"sts:*"}]}`, nil},
		"deny conditional":  {`{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringNotEquals":{"aws:SourceAccount":"123456789012"}}}]}`, []string{"trusted by ec2.amazonaws.com"}},
		"star deny ec2":     {`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":{"Service":["ec2.amazonaws.com","ec2.amazonaws.com.cn"]},"Action":"sts:AssumeRole"}]}`, nil},
		"deny tag only":     {`{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:TagSession"}]}`, []string{"trusted by ec2.amazonaws.com"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := EC2TrustReasons(MustParsePolicy(tc.doc)); !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestNodeRoleMessage(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		ev   []NodeRoleEvidence
		want string
	}{
		"node group and ec2": {
			ev: []NodeRoleEvidence{{Kind: NodeRoleOfNodeGroup, Source: "node group default in cluster eks-workshop"}, {Kind: NodeRoleTrustsEC2, Source: "ec2.amazonaws.com"}},
			want: "Role `eks-node` is the node role of node group default in cluster eks-workshop (trusted by ec2.amazonaws.com). Every pod on those nodes would get this access. " +
				"Let the resource create a dedicated role, or name a role that only pods.eks.amazonaws.com can assume.",
		},
		"ec2 only": {
			ev:   []NodeRoleEvidence{{Kind: NodeRoleTrustsEC2, Source: "ec2.amazonaws.com"}},
			want: "Role `eks-node` is a node role: it is trusted by ec2.amazonaws.com, so EC2 instances (EKS nodes) can use it. Every pod",
		},
		"access entry and profile, deduplicated": {
			ev: []NodeRoleEvidence{{Kind: NodeRoleOfAccessEntry, Source: "aws_eks_access_entry.nodes", Detail: "EC2_LINUX"}, {Kind: NodeRoleInInstanceProfile, Source: "aws_iam_instance_profile.nodes"},
				{Kind: NodeRoleInInstanceProfile, Source: "aws_iam_instance_profile.nodes"}},
			want: "Role `eks-node` is the node role of access entry aws_eks_access_entry.nodes (EC2_LINUX) and role of instance profile aws_iam_instance_profile.nodes. Every pod",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			summary, detail := NodeRoleMessage("eks-node", tc.ev)
			if summary != "Role Is an EKS Node Role" {
				t.Errorf("summary %q", summary)
			}
			if !strings.HasPrefix(detail, tc.want) {
				t.Errorf("detail\n%q\nwant prefix\n%q", detail, tc.want)
			}
		})
	}
	if got := (NodeRoleEvidence{Kind: NodeRoleOfFargateProfile, Source: "aws_eks_fargate_profile.x"}).String(); got != "pod execution role of Fargate profile aws_eks_fargate_profile.x" {
		t.Errorf("fargate evidence %q", got)
	}
	if got := (NodeRoleEvidence{Kind: NodeRoleOfAutoMode, Source: "cluster eks-workshop"}).String(); got != "EKS Auto Mode node role of cluster eks-workshop" {
		t.Errorf("auto mode evidence %q", got)
	}
}
