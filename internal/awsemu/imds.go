package awsemu

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// IMDSv2 of the nodes of a managed node group, as the AWS SDKs use it
// (AWS_EC2_METADATA_SERVICE_ENDPOINT points them here):
//
//	PUT /latest/api/token  (X-aws-ec2-metadata-token-ttl-seconds: 1..21600)  => token
//	GET /latest/meta-data/iam/security-credentials/       => the node role's name
//	GET /latest/meta-data/iam/security-credentials/ROLE   => the node role's session credentials
//	GET /latest/meta-data/iam/info, /latest/meta-data/instance-id, /latest/meta-data/placement/region
//
// Every GET needs a token (X-aws-ec2-metadata-token): http_tokens=required,
// the EKS default; without one the answer is 401.
//
// Which node, and whether the caller is the node itself or a pod on it, is
// read from the endpoint's query string, which the SDKs keep (they replace
// only the path):
//
//	AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:PORT/?node=CLUSTER/NODEGROUP&from=pod
//
// node defaults to the only node group of the emulator; from is "node"
// (default) or "pod". A pod is one network hop further than the node: the
// token response (sent with an IP TTL equal to the launch template's
// http_put_response_hop_limit) reaches it only when the hop limit is at
// least 2. Otherwise the response is lost, modelled as a connection closed
// without an answer (the real one times out); the SDK retries, falls back to
// IMDSv1, which answers 401, and gives up after its 5-second operation
// timeout. The hop limit is the node group's launch template's
// http_put_response_hop_limit; unset, or no launch template, is 2 (EKS's
// default launch template and the EKS-optimised AMIs' default, as
// leastpriv's PI007 reads it). Server.SetHopLimit (POST /_awsemu/hop-limit) changes it, as a
// new launch template version rolled out to the nodes would.

// IMDSEndpoint is the AWS_EC2_METADATA_SERVICE_ENDPOINT of a node of
// cluster/nodegroup, as seen from the node itself or (pod true) from a pod.
func IMDSEndpoint(baseURL, cluster, nodegroup string, pod bool) string {
	from := "node"
	if pod {
		from = "pod"
	}
	return strings.TrimRight(baseURL, "/") + "/?node=" + cluster + "/" + nodegroup + "&from=" + from
}

type imdsToken struct {
	node    string
	expires time.Time
}

func imdsFail(c *call, status int, text string) {
	c.status, c.errCode = status, strconv.Itoa(status)
	c.hdr.Set("Content-Type", "text/plain")
	c.out = []byte(text)
}

func imdsText(c *call, text string) {
	c.status = 200
	c.hdr.Set("Content-Type", "text/plain")
	c.out = []byte(text)
}

// imdsNode finds the node group a request is for.
func (c *call) imdsNode() (*Cluster, *Nodegroup, bool) {
	want := c.query.Get("node")
	var found []*Nodegroup
	var cls []*Cluster
	for _, cl := range c.st.clusters {
		for _, ng := range cl.NodeGroups {
			if want == "" || want == cl.Name+"/"+ng.Name {
				found = append(found, ng)
				cls = append(cls, cl)
			}
		}
	}
	if len(found) != 1 {
		imdsFail(c, 404, fmt.Sprintf("awsemu IMDS: no single node group for node=%q: set ?node=CLUSTER/NODEGROUP in AWS_EC2_METADATA_SERVICE_ENDPOINT", want))
		return nil, nil, false
	}
	return cls[0], found[0], true
}

func hopLimit(ng *Nodegroup) int {
	if ng.LaunchTemplate == nil || ng.LaunchTemplate.HTTPPutResponseHopLimit < 1 {
		return 2
	}
	return ng.LaunchTemplate.HTTPPutResponseHopLimit
}

func imdsServe(c *call) {
	cl, ng, ok := c.imdsNode()
	if !ok {
		return
	}
	node := cl.Name + "/" + ng.Name
	c.resource = node
	fromPod := c.query.Get("from") == "pod"
	path := c.r.URL.Path
	if c.r.Method == http.MethodPut {
		if path != "/latest/api/token" {
			imdsFail(c, 405, "Method Not Allowed")
			return
		}
		ttl, err := strconv.Atoi(c.r.Header.Get("X-aws-ec2-metadata-token-ttl-seconds"))
		if err != nil || ttl < 1 || ttl > 21600 {
			imdsFail(c, 400, "Bad Request")
			return
		}
		if fromPod && hopLimit(ng) < 2 {
			c.drop = true
			c.status, c.errCode = 0, "HopLimitExceeded"
			return
		}
		tok := "AQAEA" + c.st.randString(upperAlnum+lowerAlnum, 51) + "=="
		if c.st.imdsTokens == nil {
			c.st.imdsTokens = map[string]imdsToken{}
		}
		c.st.imdsTokens[tok] = imdsToken{node: node, expires: c.now.Add(time.Duration(ttl) * time.Second)}
		c.hdr.Set("X-aws-ec2-metadata-token-ttl-seconds", strconv.Itoa(ttl))
		imdsText(c, tok)
		return
	}
	if c.r.Method != http.MethodGet {
		imdsFail(c, 405, "Method Not Allowed")
		return
	}
	tok, ok := c.st.imdsTokens[c.r.Header.Get("X-aws-ec2-metadata-token")]
	if !ok || tok.node != node || !c.now.Before(tok.expires) {
		imdsFail(c, 401, "Unauthorized")
		return
	}
	roleName := ""
	if r := c.st.roleByARN(ng.NodeRoleARN); r != nil {
		roleName = r.Name
	}
	instanceID := "i-" + strings.ToLower(stableID("", node))[:17]
	const credsPath = "/latest/meta-data/iam/security-credentials/"
	switch {
	case path == "/latest/meta-data/instance-id":
		imdsText(c, instanceID)
	case path == "/latest/meta-data/placement/region":
		imdsText(c, c.st.region)
	case path == "/latest/meta-data/iam/info" && roleName != "":
		imdsText(c, mustJSON(map[string]string{"Code": "Success", "LastUpdated": isoTime(c.now),
			"InstanceProfileArn": fmt.Sprintf("arn:%s:iam::%s:instance-profile/%s", c.st.partition, c.st.acct, roleName),
			"InstanceProfileId":  stableID("AIPA", node)}))
	case path == credsPath && roleName != "":
		imdsText(c, roleName)
	case path == credsPath+roleName && roleName != "":
		r := c.st.roleByARN(ng.NodeRoleARN)
		s := c.st.imdsSess[node]
		if s == nil || s.RoleID != r.RoleID || c.now.Add(15*time.Minute).After(s.Expiration) {
			_, s = c.st.issueSession(r, instanceID, "ec2:InstanceMetadata", nil, c.now, 6*time.Hour)
			if c.st.imdsSess == nil {
				c.st.imdsSess = map[string]*Session{}
			}
			c.st.imdsSess[node] = s
		}
		imdsText(c, mustJSON(map[string]string{"Code": "Success", "LastUpdated": isoTime(c.now), "Type": "AWS-HMAC",
			"AccessKeyId": s.AccessKeyID, "SecretAccessKey": s.secret, "Token": s.token,
			"Expiration": isoTime(s.Expiration)}))
	default:
		imdsFail(c, 404, "Not Found")
	}
}

// SetHopLimit sets the http_put_response_hop_limit of a node group's launch
// template (creating a launch template record if the node group has none).
func (s *Server) SetHopLimit(cluster, nodegroup string, hops int) error {
	if hops < 1 || hops > 64 {
		return fmt.Errorf("hop limit %d: must be 1..64", hops)
	}
	return s.withCluster(cluster, func(c *Cluster) error {
		for _, ng := range c.NodeGroups {
			if ng.Name == nodegroup {
				if ng.LaunchTemplate == nil {
					ng.LaunchTemplate = &SeedLaunchTemplate{ID: "lt-" + stableID("", cluster+nodegroup)[:17], Name: "eks-" + nodegroup, Version: "1"}
				}
				ng.LaunchTemplate.HTTPPutResponseHopLimit = hops
				return nil
			}
		}
		return fmt.Errorf("no node group %q in cluster %q", nodegroup, cluster)
	})
}

// serveHopLimit is POST /_awsemu/hop-limit {"cluster","nodegroup","hop_limit"}.
func (s *Server) serveHopLimit(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Cluster   string `json:"cluster"`
		Nodegroup string `json:"nodegroup"`
		HopLimit  int    `json:"hop_limit"`
	}
	w.Header().Set("Content-Type", "application/json")
	err := json.NewDecoder(r.Body).Decode(&in)
	if err == nil {
		err = s.SetHopLimit(in.Cluster, in.Nodegroup, in.HopLimit)
	}
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]bool{"ok": true})
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
