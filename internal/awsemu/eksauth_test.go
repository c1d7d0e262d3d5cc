package awsemu

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

type podIdentityResponse struct {
	Subject struct {
		Namespace      string `json:"namespace"`
		ServiceAccount string `json:"serviceAccount"`
	} `json:"subject"`
	Audience               string `json:"audience"`
	PodIdentityAssociation struct {
		AssociationArn string `json:"associationArn"`
		AssociationID  string `json:"associationId"`
	} `json:"podIdentityAssociation"`
	AssumedRoleUser struct {
		Arn          string `json:"arn"`
		AssumeRoleID string `json:"assumeRoleId"`
	} `json:"assumedRoleUser"`
	Credentials struct {
		SessionToken    string  `json:"sessionToken"`
		SecretAccessKey string  `json:"secretAccessKey"`
		AccessKeyID     string  `json:"accessKeyId"`
		Expiration      float64 `json:"expiration"`
	} `json:"credentials"`
}

func assumeForPod(t *testing.T, srv *Server, clusterName, token string) (int, string, []byte) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"token": token})
	resp, b := signedRequest(t, srv, "eks-auth", "POST", "/clusters/"+clusterName+"/assume-role-for-pod-identity", body,
		map[string]string{"Content-Type": "application/json"})
	return resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"), b
}

func TestEKSAuthAssumeRoleForPodIdentity(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	role := createRole(t, c, "carts", podTrust)
	target := createRole(t, c, "target", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"`+role+`"},"Action":["sts:AssumeRole","sts:TagSession"]}]}`)
	a, err := c.eks.CreatePodIdentityAssociation(ctx(t), &eks.CreatePodIdentityAssociationInput{ClusterName: aws.String(cluster),
		Namespace: aws.String("carts"), ServiceAccount: aws.String("carts"), RoleArn: aws.String(role)})
	must(t, err)
	_, err = c.eks.CreatePodIdentityAssociation(ctx(t), &eks.CreatePodIdentityAssociationInput{ClusterName: aws.String(cluster),
		Namespace: aws.String("orders"), ServiceAccount: aws.String("orders"), RoleArn: aws.String(role), TargetRoleArn: aws.String(target)})
	must(t, err)

	tests := map[string]struct {
		cluster, token string
		status         int
		errType        string
		roleName       string
	}{
		"associated":      {cluster, PodIdentityToken("carts", "carts"), 200, "", "carts"},
		"target role":     {cluster, PodIdentityToken("orders", "orders"), 200, "", "target"},
		"no association":  {cluster, PodIdentityToken("carts", "other"), 404, "ResourceNotFoundException", ""},
		"invalid token":   {cluster, "eyJhbGciOiJSUzI1NiJ9.e30.sig", 400, "InvalidTokenException", ""},
		"empty token":     {cluster, "", 400, "InvalidParameterException", ""},
		"unknown cluster": {"nope", PodIdentityToken("carts", "carts"), 404, "ResourceNotFoundException", ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			status, errType, body := assumeForPod(t, c.srv, tc.cluster, tc.token)
			if status != tc.status || errType != tc.errType {
				t.Fatalf("status %d type %q body %s; want %d %q", status, errType, body, tc.status, tc.errType)
			}
			if tc.status != 200 {
				var e struct{ Message string }
				if json.Unmarshal(body, &e) != nil || e.Message == "" {
					t.Fatalf("error body %s", body)
				}
				return
			}
			var r podIdentityResponse
			must(t, json.Unmarshal(body, &r))
			if !strings.HasPrefix(r.AssumedRoleUser.Arn, fmt.Sprintf("arn:aws:sts::123456789012:assumed-role/%s/eks-", tc.roleName)) ||
				!strings.HasPrefix(r.Credentials.AccessKeyID, "ASIA") || r.Credentials.SessionToken == "" ||
				r.Audience != "pods.eks.amazonaws.com" || r.PodIdentityAssociation.AssociationID == "" ||
				time.Unix(int64(r.Credentials.Expiration), 0).Before(time.Now().Add(5*time.Hour)) {
				t.Fatalf("response %+v", r)
			}
			if tc.roleName == "carts" && (r.Subject.Namespace != "carts" || r.Subject.ServiceAccount != "carts" ||
				r.PodIdentityAssociation.AssociationArn != aws.ToString(a.Association.AssociationArn)) {
				t.Fatalf("subject/association %+v", r)
			}
		})
	}
}

func TestEKSAuthSessionTagsRecorded(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	role := createRole(t, c, "carts", podTrust)
	_, err := c.eks.CreatePodIdentityAssociation(ctx(t), &eks.CreatePodIdentityAssociationInput{ClusterName: aws.String(cluster),
		Namespace: aws.String("carts"), ServiceAccount: aws.String("carts"), RoleArn: aws.String(role)})
	must(t, err)
	status, _, body := assumeForPod(t, c.srv, cluster, PodIdentityToken("carts", "carts"))
	if status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	var r podIdentityResponse
	must(t, json.Unmarshal(body, &r))
	st := c.srv.Dump()
	var found *Session
	for i := range st.Sessions {
		if st.Sessions[i].AccessKeyID == r.Credentials.AccessKeyID {
			found = &st.Sessions[i]
		}
	}
	// The pod's credentials identify as the assumed role.
	cfg := testConfig(c.srv, true)
	cfg.Credentials = credentials.NewStaticCredentialsProvider(r.Credentials.AccessKeyID, r.Credentials.SecretAccessKey, r.Credentials.SessionToken)
	id, err := sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = aws.String(c.srv.URL()) }).GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
	must(t, err)
	if aws.ToString(id.Arn) != r.AssumedRoleUser.Arn {
		t.Fatalf("caller %s, want %s", aws.ToString(id.Arn), r.AssumedRoleUser.Arn)
	}
	if found == nil || found.Tags["kubernetes-namespace"] != "carts" || found.Tags["kubernetes-service-account"] != "carts" ||
		found.Tags["eks-cluster-name"] != cluster || found.Tags["eks-cluster-arn"] == "" {
		t.Fatalf("session %+v", found)
	}
}

// TestEKSAuthTrustConditions: EKS Auth's assume evaluates the trust's
// conditions on request tags against the session tags it sends: a trust
// restricted to a namespace and service account admits that service
// account's pods only, and none when the association disables session tags.
func TestEKSAuthTrustConditions(t *testing.T) {
	t.Parallel()
	c := newClients(t, nil)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"],` +
		`"Condition":{"StringEquals":{"aws:RequestTag/kubernetes-namespace":"carts","aws:RequestTag/kubernetes-service-account":"carts"},"StringLike":{"aws:RequestTag/eks-cluster-arn":"arn:aws:eks:*"}}}]}`
	role := createRole(t, c, "scoped", trust)
	for _, sa := range []string{"carts", "orders"} {
		_, err := c.eks.CreatePodIdentityAssociation(ctx(t), &eks.CreatePodIdentityAssociationInput{ClusterName: aws.String(cluster),
			Namespace: aws.String("carts"), ServiceAccount: aws.String(sa), RoleArn: aws.String(role)})
		must(t, err)
	}
	if err := c.srv.AssumeRoleForPod(cluster, "carts", "carts"); err != nil {
		t.Errorf("the service account the trust names: %v", err)
	}
	if err := c.srv.AssumeRoleForPod(cluster, "carts", "orders"); err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("another service account: %v, want AccessDenied", err)
	}
	list, err := c.eks.ListPodIdentityAssociations(ctx(t), &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String(cluster), ServiceAccount: aws.String("carts")})
	must(t, err)
	_, err = c.eks.UpdatePodIdentityAssociation(ctx(t), &eks.UpdatePodIdentityAssociationInput{ClusterName: aws.String(cluster),
		AssociationId: list.Associations[0].AssociationId, DisableSessionTags: aws.Bool(true)})
	must(t, err)
	if err := c.srv.AssumeRoleForPod(cluster, "carts", "carts"); err == nil {
		t.Error("session tags disabled: the trust's conditions cannot match, yet the assume succeeded")
	}
	if status, errType, _ := assumeForPod(t, c.srv, cluster, PodIdentityToken("carts", "carts")); status != 400 || errType != "AccessDeniedException" {
		t.Errorf("over HTTP: %d %s, want 400 AccessDeniedException", status, errType)
	}
}
