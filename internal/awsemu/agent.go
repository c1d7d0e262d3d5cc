package awsemu

import (
	"strings"
	"time"
)

// The EKS Pod Identity agent. The real agent is a DaemonSet listening on
// 169.254.170.23 (port 80, path /v1/credentials); EKS injects into pods of
// a service account with an association
//
//	AWS_CONTAINER_CREDENTIALS_FULL_URI=http://169.254.170.23/v1/credentials
//	AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token
//
// and the SDKs' container credentials provider sends the token file's
// content as the Authorization header. The agent exchanges it with EKS Auth
// AssumeRoleForPodIdentity for its cluster and answers in the container
// credentials format. Here the agent of cluster NAME is
//
//	GET http://127.0.0.1:PORT/pod-identity-agent/NAME/v1/credentials
//
// (the SDKs accept http full URIs on loopback hosts only, which 127.0.0.1
// is), the token is PodIdentityToken(namespace, serviceAccount), and EKS
// Auth's errors come back as {"code": ..., "message": ...} with EKS Auth's
// status (400 InvalidTokenException, 404 ResourceNotFoundException when the
// service account has no association, 400 AccessDeniedException).
const agentPathPrefix = "/pod-identity-agent/"

// AgentURL is the AWS_CONTAINER_CREDENTIALS_FULL_URI of the Pod Identity
// agent for cluster, on the emulator at baseURL (Server.URL()).
func AgentURL(baseURL, cluster string) string {
	return strings.TrimRight(baseURL, "/") + agentPathPrefix + cluster + "/v1/credentials"
}

func agentCredentials(c *call) {
	rest := strings.TrimPrefix(c.r.URL.Path, agentPathPrefix)
	cluster, tail, _ := strings.Cut(rest, "/")
	c.resource = cluster
	if c.r.Method != "GET" || tail != "v1/credentials" || cluster == "" {
		c.localFail(404, "NotFound", "the Pod Identity agent serves GET /pod-identity-agent/CLUSTER/v1/credentials")
		return
	}
	token := strings.TrimSpace(c.r.Header.Get("Authorization"))
	if token == "" {
		c.localFail(400, "InvalidParameterException", "Service account token cannot be empty")
		return
	}
	res, e := c.assumeRoleForPod(cluster, token)
	if e != nil {
		c.localFail(e.status, e.code, e.msg)
		return
	}
	c.status = 200
	c.hdr.Set("Content-Type", "application/json")
	c.out = []byte(mustJSON(map[string]string{
		"AccessKeyId":     res.creds.AccessKeyId,
		"SecretAccessKey": res.creds.SecretAccessKey,
		"Token":           res.creds.SessionToken,
		"AccountId":       c.st.acct,
		"Expiration":      res.sess.Expiration.UTC().Format(time.RFC3339),
	}))
}
