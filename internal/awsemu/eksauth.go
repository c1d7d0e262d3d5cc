package awsemu

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// EKS Auth (service "eks-auth"): AssumeRoleForPodIdentity.
//
// Real tokens are projected service account JWTs. The emulator accepts the
// token "awsemu:<namespace>:<serviceaccount>" instead and treats any other
// token as invalid (InvalidTokenException).
var eksAuthRoutes = []restRoute{
	{"POST", []string{"clusters", "{name}", "assume-role-for-pod-identity"}, "AssumeRoleForPodIdentity", eksAuthAssumeRole},
}

// PodIdentityToken returns the token the emulator's EKS Auth accepts for a
// service account (real tokens are projected service account JWTs).
func PodIdentityToken(namespace, serviceAccount string) string {
	return "awsemu:" + namespace + ":" + serviceAccount
}

// AssumeRoleForPod runs EKS Auth's AssumeRoleForPodIdentity for a pod of
// the service account directly, outside the request log and the controls:
// a test calls it at any moment (from SetAfterCall, say) to learn whether
// pods get credentials then.
func (s *Server) AssumeRoleForPod(cluster, namespace, serviceAccount string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &call{s: s, st: s.st, now: s.now(), service: "eks-auth", op: "AssumeRoleForPodIdentity"}
	if _, e := c.assumeRoleForPod(cluster, PodIdentityToken(namespace, serviceAccount)); e != nil {
		return fmt.Errorf("%s: %s", e.code, e.msg)
	}
	return nil
}

func eksAuthAssumeRole(c *call) {
	name := c.params["name"]
	c.resource = name
	var in struct {
		Token *string `json:"token"`
	}
	if err := json.Unmarshal(c.body, &in); err != nil {
		c.fail("InvalidRequestException", 400, "Could not parse request body")
		return
	}
	if in.Token == nil || *in.Token == "" {
		c.fail("InvalidParameterException", 400, "token is required")
		return
	}
	res, e := c.assumeRoleForPod(name, *in.Token)
	if e != nil {
		c.fail(e.code, e.status, e.msg)
		return
	}
	c.jsonResult(map[string]any{
		"subject":  map[string]string{"namespace": res.ns, "serviceAccount": res.sa},
		"audience": "pods.eks.amazonaws.com",
		"podIdentityAssociation": map[string]string{
			"associationArn": res.assoc.ARN, "associationId": res.assoc.ID,
		},
		"assumedRoleUser": map[string]string{
			"arn":          res.sess.ARN,
			"assumeRoleId": res.sess.UserID,
		},
		"credentials": map[string]any{
			"sessionToken": res.creds.SessionToken, "secretAccessKey": res.creds.SecretAccessKey,
			"accessKeyId": res.creds.AccessKeyId, "expiration": epoch(res.sess.Expiration),
		},
	})
}

// podCreds is what EKS Auth hands out for a pod.
type podCreds struct {
	ns, sa string
	assoc  *Association
	creds  xCredentials
	sess   *Session
}

// apiErr is an error answer (code, HTTP status, message).
type apiErr struct {
	code   string
	status int
	msg    string
}

// assumeRoleForPod is EKS Auth's AssumeRoleForPodIdentity for a service
// account token, shared by the EKS Auth API and the Pod Identity agent.
func (c *call) assumeRoleForPod(clusterName, token string) (*podCreds, *apiErr) {
	parts := strings.Split(token, ":")
	if len(parts) != 3 || parts[0] != "awsemu" || parts[1] == "" || parts[2] == "" {
		return nil, &apiErr{"InvalidTokenException", 400, "Failed to validate the service account token"}
	}
	ns, sa := parts[1], parts[2]
	c.resource = clusterName + "/" + ns + "/" + sa
	cl := c.st.clusters[clusterName]
	if cl == nil {
		return nil, &apiErr{"ResourceNotFoundException", 404, fmt.Sprintf("No cluster found for name: %s.", clusterName)}
	}
	var a *Association
	for _, x := range cl.Associations {
		if x.Namespace == ns && x.ServiceAccount == sa {
			a = x
		}
	}
	if a == nil {
		return nil, &apiErr{"ResourceNotFoundException", 404, fmt.Sprintf("No Pod Identity Association found for service account %s in namespace %s of cluster %s", sa, ns, clusterName)}
	}
	roleArn := a.RoleARN
	if a.TargetRoleARN != "" {
		roleArn = a.TargetRoleARN
	}
	r := c.roleVisible(roleArn)
	if r == nil || (a.TargetRoleARN != "" && c.roleVisible(a.RoleARN) == nil) {
		return nil, &apiErr{"AccessDeniedException", 400, "Unable to assume role " + roleArn}
	}
	if a.TargetRoleARN == "" && !trustAllowsPodsWith(r.AssumeRolePolicy, !a.DisableSessionTags, podSessionTags(cl, ns, sa, !a.DisableSessionTags), true) {
		return nil, &apiErr{"AccessDeniedException", 400, "Trust policy of role " + roleArn + " does not allow pods.eks.amazonaws.com"}
	}
	cr, sess := c.st.podIdentitySession(cl, r, ns, sa, !a.DisableSessionTags, c.now)
	t := c.now.UTC().Truncate(time.Second)
	r.LastUsed, r.LastUsedRegion = &t, c.st.region
	return &podCreds{ns: ns, sa: sa, assoc: a, creds: cr, sess: sess}, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// podIdentitySession issues the credentials EKS Auth returns for a pod of
// service account ns/sa: a 6-hour session of role r, with EKS's session tags.
func (st *state) podIdentitySession(cl *Cluster, r *Role, ns, sa string, sessionTags bool, now time.Time) (xCredentials, *Session) {
	session := "eks-" + truncate(cl.Name, 20) + "-" + truncate(sa, 20) + "-" + st.randString("0123456789abcdef", 8)
	return st.issueSession(r, session, "eks-auth:AssumeRoleForPodIdentity", podSessionTags(cl, ns, sa, sessionTags), now, 6*time.Hour)
}

// podSessionTags are the session tags EKS Auth sends (nil when the
// association disables them).
func podSessionTags(cl *Cluster, ns, sa string, sessionTags bool) map[string]string {
	if !sessionTags {
		return nil
	}
	return map[string]string{"eks-cluster-arn": cl.ARN, "eks-cluster-name": cl.Name,
		"kubernetes-namespace": ns, "kubernetes-service-account": sa}
}
