package awsemu

import (
	"encoding/json"
	"fmt"
	"sort"
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

func sortStrings(s []string) { sort.Strings(s) }

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
	parts := strings.Split(*in.Token, ":")
	if len(parts) != 3 || parts[0] != "awsemu" || parts[1] == "" || parts[2] == "" {
		c.fail("InvalidTokenException", 400, "Failed to validate the service account token")
		return
	}
	ns, sa := parts[1], parts[2]
	c.resource = name + "/" + ns + "/" + sa
	cl := c.st.clusters[name]
	if cl == nil {
		c.fail("ResourceNotFoundException", 404, fmt.Sprintf("No cluster found for name: %s.", name))
		return
	}
	var a *Association
	for _, x := range cl.Associations {
		if x.Namespace == ns && x.ServiceAccount == sa {
			a = x
		}
	}
	if a == nil {
		c.fail("ResourceNotFoundException", 404, fmt.Sprintf("No Pod Identity Association found for service account %s in namespace %s of cluster %s", sa, ns, name))
		return
	}
	roleArn := a.RoleARN
	if a.TargetRoleARN != "" {
		roleArn = a.TargetRoleARN
	}
	r := c.roleVisible(roleArn)
	if r == nil || (a.TargetRoleARN != "" && c.roleVisible(a.RoleARN) == nil) {
		c.fail("AccessDeniedException", 400, "Unable to assume role "+roleArn)
		return
	}
	if a.TargetRoleARN == "" && !trustAllowsPods(r.AssumeRolePolicy, !a.DisableSessionTags) {
		c.fail("AccessDeniedException", 400, "Trust policy of role "+roleArn+" does not allow pods.eks.amazonaws.com")
		return
	}
	session := "eks-" + truncate(name, 20) + "-" + truncate(sa, 20) + "-" + c.st.randString("0123456789abcdef", 8)
	cr := c.st.newCredentials(c.now, 6*time.Hour)
	assumed := fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/%s", c.st.partition, c.st.acct, r.Name, session)
	var tags map[string]string
	if !a.DisableSessionTags {
		tags = map[string]string{"eks-cluster-arn": cl.ARN, "eks-cluster-name": cl.Name,
			"kubernetes-namespace": ns, "kubernetes-service-account": sa}
	}
	c.st.addSession(&Session{AccessKeyID: cr.AccessKeyId, ARN: assumed, UserID: r.RoleID + ":" + session, RoleARN: r.ARN,
		Source: "eks-auth:AssumeRoleForPodIdentity", Tags: tags, Expiration: c.now.Add(6 * time.Hour).UTC()})
	t := c.now.UTC().Truncate(time.Second)
	r.LastUsed, r.LastUsedRegion = &t, c.st.region
	c.jsonResult(map[string]any{
		"subject":  map[string]string{"namespace": ns, "serviceAccount": sa},
		"audience": "pods.eks.amazonaws.com",
		"podIdentityAssociation": map[string]string{
			"associationArn": a.ARN, "associationId": a.ID,
		},
		"assumedRoleUser": map[string]string{
			"arn":          assumed,
			"assumeRoleId": r.RoleID + ":" + session,
		},
		"credentials": map[string]any{
			"sessionToken": cr.SessionToken, "secretAccessKey": cr.SecretAccessKey,
			"accessKeyId": cr.AccessKeyId, "expiration": epoch(c.now.Add(6 * time.Hour)),
		},
	})
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
