package awsemu

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// maxAssociationsPerCluster is the EKS quota for pod identity associations.
const maxAssociationsPerCluster = 5000

var eksRoutes = []restRoute{
	{"GET", []string{"clusters"}, "ListClusters", eksListClusters},
	{"GET", []string{"clusters", "{name}"}, "DescribeCluster", eksDescribeCluster},
	{"GET", []string{"clusters", "{name}", "node-groups"}, "ListNodegroups", eksListNodegroups},
	{"GET", []string{"clusters", "{name}", "node-groups", "{ng}"}, "DescribeNodegroup", eksDescribeNodegroup},
	{"GET", []string{"clusters", "{name}", "access-entries"}, "ListAccessEntries", eksListAccessEntries},
	{"GET", []string{"clusters", "{name}", "access-entries", "{principal}"}, "DescribeAccessEntry", eksDescribeAccessEntry},
	{"GET", []string{"clusters", "{name}", "fargate-profiles"}, "ListFargateProfiles", eksListFargateProfiles},
	{"GET", []string{"clusters", "{name}", "fargate-profiles", "{fp}"}, "DescribeFargateProfile", eksDescribeFargateProfile},
	{"GET", []string{"clusters", "{name}", "addons"}, "ListAddons", eksListAddons},
	{"GET", []string{"clusters", "{name}", "addons", "{addon}"}, "DescribeAddon", eksDescribeAddon},
	{"POST", []string{"clusters", "{name}", "pod-identity-associations"}, "CreatePodIdentityAssociation", eksCreateAssociation},
	{"GET", []string{"clusters", "{name}", "pod-identity-associations"}, "ListPodIdentityAssociations", eksListAssociations},
	{"GET", []string{"clusters", "{name}", "pod-identity-associations", "{id}"}, "DescribePodIdentityAssociation", eksDescribeAssociation},
	{"POST", []string{"clusters", "{name}", "pod-identity-associations", "{id}"}, "UpdatePodIdentityAssociation", eksUpdateAssociation},
	{"DELETE", []string{"clusters", "{name}", "pod-identity-associations", "{id}"}, "DeletePodIdentityAssociation", eksDeleteAssociation},
	{"GET", []string{"tags", "{arn}"}, "ListTagsForResource", eksListTags},
	{"POST", []string{"tags", "{arn}"}, "TagResource", eksTagResource},
	{"DELETE", []string{"tags", "{arn}"}, "UntagResource", eksUntagResource},
}

func epoch(t time.Time) float64 {
	return float64(t.UnixMilli()) / 1000
}

func (c *call) cluster() *Cluster {
	name := c.params["name"]
	c.resource = name
	cl := c.st.clusters[name]
	if cl == nil {
		c.fail("ResourceNotFoundException", 404, fmt.Sprintf("No cluster found for name: %s.", name))
	}
	return cl
}

// eksMaxResults is the largest maxResults the EKS list operations accept.
const eksMaxResults = 100

// eksPage applies maxResults/nextToken to n items.
func (c *call) eksPage(n int) (start, end int, next *string, ok bool) {
	maxAllowed := eksMaxResults
	limit := maxAllowed
	if v := c.query.Get("maxResults"); v != "" {
		m, err := strconv.Atoi(v)
		if err != nil || m < 1 || m > maxAllowed {
			c.fail("InvalidParameterException", 400, fmt.Sprintf("maxResults must be between 1 and %d", maxAllowed))
			return 0, 0, nil, false
		}
		limit = m
	}
	if t := c.query.Get("nextToken"); t != "" {
		b, err := base64.RawURLEncoding.DecodeString(t)
		i, err2 := strconv.Atoi(strings.TrimPrefix(string(b), "awsemu-"))
		if err != nil || err2 != nil || !strings.HasPrefix(string(b), "awsemu-") || i < 0 || i > n {
			c.fail("InvalidParameterException", 400, "The nextToken provided is invalid.")
			return 0, 0, nil, false
		}
		start = i
	}
	end = start + limit
	if end >= n {
		return start, n, nil, true
	}
	tok := base64.RawURLEncoding.EncodeToString([]byte("awsemu-" + strconv.Itoa(end)))
	return start, end, &tok, true
}

func eksListClusters(c *call) {
	var names []string
	for n := range c.st.clusters {
		names = append(names, n)
	}
	sort.Strings(names)
	c.eksListPage("clusters", names)
}

// eksListPage answers a List call with the page of names the request asks
// for, under key.
func (c *call) eksListPage(key string, names []string) {
	start, end, next, ok := c.eksPage(len(names))
	if !ok {
		return
	}
	c.jsonResult(map[string]any{key: nonNil(names[start:end]), "nextToken": next})
}

// eksListInCluster answers a List call on one of a cluster's collections.
func (c *call) eksListInCluster(key string, names func(*Cluster) []string) {
	cl := c.cluster()
	if cl == nil {
		return
	}
	c.eksListPage(key, names(cl))
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func eksDescribeCluster(c *call) {
	cl := c.cluster()
	if cl == nil {
		return
	}
	compute := map[string]any{"enabled": false}
	storage := map[string]any{"blockStorage": map[string]any{"enabled": false}}
	elb := map[string]any{"enabled": false}
	if cl.AutoModeNodeRoleARN != "" {
		compute = map[string]any{"enabled": true, "nodePools": []string{"general-purpose", "system"}, "nodeRoleArn": cl.AutoModeNodeRoleARN}
		storage = map[string]any{"blockStorage": map[string]any{"enabled": true}}
		elb = map[string]any{"enabled": true}
	}
	oidcID := strings.ToUpper(strings.TrimPrefix(strings.Split(cl.Endpoint, ".")[0], "https://"))
	c.jsonResult(map[string]any{"cluster": map[string]any{
		"name": cl.Name, "arn": cl.ARN, "createdAt": epoch(cl.CreatedAt), "version": cl.Version,
		"endpoint": cl.Endpoint, "roleArn": cl.RoleARN, "status": cl.Status, "platformVersion": "eks.1",
		"resourcesVpcConfig": map[string]any{
			"subnetIds":        []string{"subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002", "subnet-0a1b2c3d4e5f60003"},
			"securityGroupIds": []string{}, "clusterSecurityGroupId": "sg-0a1b2c3d4e5f60001",
			"vpcId": "vpc-0a1b2c3d4e5f60001", "endpointPublicAccess": true, "endpointPrivateAccess": true,
			"publicAccessCidrs": []string{"0.0.0.0/0"},
		},
		"kubernetesNetworkConfig": map[string]any{"serviceIpv4Cidr": "172.20.0.0/16", "ipFamily": "ipv4",
			"elasticLoadBalancing": elb},
		"identity":             map[string]any{"oidc": map[string]any{"issuer": fmt.Sprintf("https://oidc.eks.%s.amazonaws.com/id/%s", c.st.region, oidcID)}},
		"certificateAuthority": map[string]any{"data": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCmF3c2VtdQotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg=="},
		"tags":                 cl.Tags,
		"accessConfig":         map[string]any{"authenticationMode": "API_AND_CONFIG_MAP"},
		"upgradePolicy":        map[string]any{"supportType": "STANDARD"},
		"computeConfig":        compute,
		"storageConfig":        storage,
	}})
}

func eksListNodegroups(c *call) {
	c.eksListInCluster("nodegroups", func(cl *Cluster) (names []string) {
		for _, x := range cl.NodeGroups {
			names = append(names, x.Name)
		}
		return names
	})
}

func eksDescribeNodegroup(c *call) {
	cl := c.cluster()
	if cl == nil {
		return
	}
	name := c.params["ng"]
	c.resource = cl.Name + "/" + name
	for _, n := range cl.NodeGroups {
		if n.Name != name {
			continue
		}
		ng := map[string]any{
			"nodegroupName": n.Name, "nodegroupArn": n.ARN, "clusterName": cl.Name, "version": cl.Version,
			"releaseVersion": cl.Version + ".0-20250101", "createdAt": epoch(n.CreatedAt), "modifiedAt": epoch(n.CreatedAt),
			"status": "ACTIVE", "capacityType": "ON_DEMAND",
			"scalingConfig": map[string]any{"minSize": 3, "maxSize": 6, "desiredSize": 3},
			"instanceTypes": []string{"m5.large"}, "subnets": []string{"subnet-0a1b2c3d4e5f60001"},
			"amiType": "AL2023_x86_64_STANDARD", "nodeRole": n.NodeRoleARN, "labels": map[string]string{},
			"resources": map[string]any{"autoScalingGroups": []map[string]string{{"name": "eks-" + n.Name + "-asg"}}},
			"health":    map[string]any{"issues": []any{}}, "updateConfig": map[string]any{"maxUnavailable": 1},
			"tags": map[string]string{},
		}
		if n.LaunchTemplate != nil {
			ng["launchTemplate"] = map[string]any{"name": n.LaunchTemplate.Name, "version": n.LaunchTemplate.Version, "id": n.LaunchTemplate.ID}
		} else {
			ng["diskSize"] = 20
		}
		c.jsonResult(map[string]any{"nodegroup": ng})
		return
	}
	c.fail("ResourceNotFoundException", 404, fmt.Sprintf("No node group found for name: %s.", name))
}

func eksListAccessEntries(c *call) {
	c.eksListInCluster("accessEntries", func(cl *Cluster) (names []string) {
		for _, x := range cl.AccessEntries {
			names = append(names, x.PrincipalARN)
		}
		return names
	})
}

func eksDescribeAccessEntry(c *call) {
	cl := c.cluster()
	if cl == nil {
		return
	}
	p := c.params["principal"]
	c.resource = cl.Name + "/" + p
	for _, a := range cl.AccessEntries {
		if a.PrincipalARN != p {
			continue
		}
		groups := []string{}
		if a.Type == "STANDARD" {
			groups = nil
		}
		c.jsonResult(map[string]any{"accessEntry": map[string]any{
			"clusterName": cl.Name, "principalArn": a.PrincipalARN, "kubernetesGroups": groups,
			"accessEntryArn": a.ARN, "createdAt": epoch(a.CreatedAt), "modifiedAt": epoch(a.CreatedAt),
			"tags": map[string]string{}, "username": a.Username, "type": a.Type,
		}})
		return
	}
	c.fail("ResourceNotFoundException", 404, fmt.Sprintf("The specified access entry resource could not be found: %s.", p))
}

func eksListFargateProfiles(c *call) {
	c.eksListInCluster("fargateProfileNames", func(cl *Cluster) (names []string) {
		for _, x := range cl.FargateProfiles {
			names = append(names, x.Name)
		}
		return names
	})
}

func eksDescribeFargateProfile(c *call) {
	cl := c.cluster()
	if cl == nil {
		return
	}
	name := c.params["fp"]
	c.resource = cl.Name + "/" + name
	for _, f := range cl.FargateProfiles {
		if f.Name != name {
			continue
		}
		sel := []map[string]any{}
		for _, ns := range f.Namespaces {
			sel = append(sel, map[string]any{"namespace": ns})
		}
		c.jsonResult(map[string]any{"fargateProfile": map[string]any{
			"fargateProfileName": f.Name, "fargateProfileArn": f.ARN, "clusterName": cl.Name,
			"createdAt": epoch(f.CreatedAt), "podExecutionRoleArn": f.PodExecutionRoleARN,
			"subnets": []string{"subnet-0a1b2c3d4e5f60001"}, "selectors": sel, "status": "ACTIVE",
			"tags": map[string]string{}, "health": map[string]any{"issues": []any{}},
		}})
		return
	}
	c.fail("ResourceNotFoundException", 404, fmt.Sprintf("No Fargate Profile found with name: %s.", name))
}

func eksListAddons(c *call) {
	c.eksListInCluster("addons", func(cl *Cluster) (names []string) {
		for _, x := range cl.Addons {
			names = append(names, x.Name)
		}
		return names
	})
}

func eksDescribeAddon(c *call) {
	cl := c.cluster()
	if cl == nil {
		return
	}
	name := c.params["addon"]
	c.resource = cl.Name + "/" + name
	for _, a := range cl.Addons {
		if a.Name != name {
			continue
		}
		piaARNs := []string{}
		for _, as := range cl.Associations {
			if as.OwnerARN == a.ARN {
				piaARNs = append(piaARNs, as.ARN)
			}
		}
		c.jsonResult(map[string]any{"addon": map[string]any{
			"addonName": a.Name, "clusterName": cl.Name, "status": "ACTIVE", "addonVersion": a.Version,
			"health": map[string]any{"issues": []any{}}, "addonArn": a.ARN,
			"createdAt": epoch(a.CreatedAt), "modifiedAt": epoch(a.CreatedAt), "tags": map[string]string{},
			"podIdentityAssociations": piaARNs,
		}})
		return
	}
	c.fail("ResourceNotFoundException", 404, fmt.Sprintf("No addon: %s found in cluster: %s", name, cl.Name))
}

// --- pod identity associations --------------------------------------------------

func assocJSON(a *Association) map[string]any {
	m := map[string]any{
		"clusterName": a.ClusterName, "namespace": a.Namespace, "serviceAccount": a.ServiceAccount,
		"roleArn": a.RoleARN, "associationArn": a.ARN, "associationId": a.ID,
		"tags": a.Tags, "createdAt": epoch(a.CreatedAt), "modifiedAt": epoch(a.ModifiedAt),
		"disableSessionTags": a.DisableSessionTags,
	}
	if m["tags"] == nil {
		m["tags"] = map[string]string{}
	}
	if a.TargetRoleARN != "" {
		m["targetRoleArn"] = a.TargetRoleARN
		m["externalId"] = a.ExternalID
	}
	if a.Policy != "" {
		m["policy"] = a.Policy
	}
	if a.OwnerARN != "" {
		m["ownerArn"] = a.OwnerARN
	}
	return m
}

type assocInput struct {
	ClientRequestToken *string           `json:"clientRequestToken"`
	Namespace          *string           `json:"namespace"`
	ServiceAccount     *string           `json:"serviceAccount"`
	RoleARN            *string           `json:"roleArn"`
	TargetRoleARN      *string           `json:"targetRoleArn"`
	DisableSessionTags *bool             `json:"disableSessionTags"`
	Policy             *string           `json:"policy"`
	Tags               map[string]string `json:"tags"`
}

func (c *call) decodeJSON(v any) bool {
	if len(c.body) == 0 {
		return true
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		c.fail("BadRequestException", 400, "Could not parse request body into json: "+err.Error())
		return false
	}
	return true
}

// roleVisible reports whether EKS can see role (exists, and IAM propagation finished).
func (c *call) roleVisible(arn string) *Role {
	r := c.st.roleByARN(arn)
	if r == nil {
		return nil
	}
	if d := c.s.ctl.propDelay; d > 0 {
		if created, ok := c.st.roleCreated[strings.ToLower(r.Name)]; ok && c.now.Sub(created) < d {
			return nil
		}
	}
	return r
}

// validateAssocRoles checks the role and target role as EKS does. The role's
// trust policy must allow principal service pods.eks.amazonaws.com the
// actions sts:AssumeRole and sts:TagSession; sts:TagSession is not required
// when session tags are disabled (EKS then does not tag the session).
func (c *call) validateAssocRoles(roleArn, target string, disableTags bool) bool {
	r := c.roleVisible(roleArn)
	if r == nil {
		c.fail("InvalidParameterException", 400, "Role provided in the request does not exist")
		return false
	}
	if !trustAllowsPods(r.AssumeRolePolicy, !disableTags) {
		c.fail("InvalidParameterException", 400, "Trust policy of the role provided is invalid")
		return false
	}
	if target != "" && c.roleVisible(target) == nil {
		c.fail("InvalidParameterException", 400, "Target role provided in the request does not exist")
		return false
	}
	return true
}

const podsPrincipal = "pods.eks.amazonaws.com"

// trustAllowsPods evaluates Allow statements of a trust policy for principal
// Service pods.eks.amazonaws.com (Conditions are ignored), as EKS checks a
// role when an association is created or updated.
func trustAllowsPods(doc string, needTag bool) bool {
	return trustAllowsPodsWith(doc, needTag, nil, false)
}

// trustAllowsPodsWith is trustAllowsPods that, with conds, also evaluates
// the statements' StringEquals and StringLike conditions on
// aws:RequestTag/KEY against the session tags EKS Auth sends (nil when the
// association disables them), as STS does when EKS Auth assumes the role.
// Other condition keys and operators are not evaluated.
func trustAllowsPodsWith(doc string, needTag bool, tags map[string]string, conds bool) bool {
	var p struct {
		Statement json.RawMessage
	}
	if json.Unmarshal([]byte(doc), &p) != nil {
		return false
	}
	var stmts []map[string]any
	if json.Unmarshal(p.Statement, &stmts) != nil {
		var one map[string]any
		if json.Unmarshal(p.Statement, &one) != nil {
			return false
		}
		stmts = []map[string]any{one}
	}
	var assume, tag bool
	for _, s := range stmts {
		if s["Effect"] != "Allow" {
			continue
		}
		pr, _ := s["Principal"].(map[string]any)
		if pr == nil || !anyMatch(pr["Service"], func(v string) bool { return v == podsPrincipal }) {
			continue
		}
		if conds && !requestTagConditionsMatch(s["Condition"], tags) {
			continue
		}
		acts := s["Action"]
		matches := func(want string) bool {
			return anyMatch(acts, func(v string) bool {
				return v == "*" || strings.EqualFold(v, "sts:*") || strings.EqualFold(v, want)
			})
		}
		assume = assume || matches("sts:AssumeRole")
		tag = tag || matches("sts:TagSession")
	}
	return assume && (tag || !needTag)
}

// requestTagConditionsMatch evaluates a statement's StringEquals and
// StringLike conditions on aws:RequestTag/KEY: each must find its tag with
// one of the listed values.
func requestTagConditionsMatch(cond any, tags map[string]string) bool {
	ops, _ := cond.(map[string]any)
	for op, keys := range ops {
		like := strings.EqualFold(op, "StringLike")
		if !like && !strings.EqualFold(op, "StringEquals") {
			continue
		}
		km, _ := keys.(map[string]any)
		for k, want := range km {
			const prefix = "aws:requesttag/"
			if !strings.HasPrefix(strings.ToLower(k), prefix) {
				continue
			}
			got, ok := tags[k[len(prefix):]]
			if !ok || !anyMatch(want, func(w string) bool {
				if like {
					return likeMatch(w, got)
				}
				return w == got
			}) {
				return false
			}
		}
	}
	return true
}

// likeMatch is IAM's StringLike: * matches any run of characters (slashes
// included), ? any one character.
func likeMatch(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if likeMatch(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && likeMatch(pattern[1:], s[1:])
	default:
		return s != "" && s[0] == pattern[0] && likeMatch(pattern[1:], s[1:])
	}
}

func anyMatch(v any, f func(string) bool) bool {
	switch x := v.(type) {
	case string:
		return f(x)
	case []any:
		for _, e := range x {
			if s, ok := e.(string); ok && f(s) {
				return true
			}
		}
	}
	return false
}

func (c *call) checkEKSTags(tags map[string]string) bool {
	if len(tags) > 50 {
		c.fail("InvalidParameterException", 400, "Tags cannot exceed 50")
		return false
	}
	for k, v := range tags {
		if len(k) < 1 || len(k) > 128 || len(v) > 256 {
			c.fail("InvalidParameterException", 400, fmt.Sprintf("Invalid tag: %s", k))
			return false
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			c.fail("InvalidParameterException", 400, "Tag keys starting with 'aws:' are reserved for system use")
			return false
		}
	}
	return true
}

func (c *call) checkSessionPolicy(p *string) bool {
	if p == nil || *p == "" {
		return true
	}
	if len(*p) > 2048 {
		c.fail("InvalidParameterException", 400, "Policy exceeds the maximum length of 2048 characters")
		return false
	}
	if msg := validatePolicy(*p, false); msg != "" {
		c.fail("InvalidParameterException", 400, "Invalid policy: "+msg)
		return false
	}
	return true
}

func eksCreateAssociation(c *call) {
	cl := c.cluster()
	if cl == nil {
		return
	}
	var in assocInput
	if !c.decodeJSON(&in) {
		return
	}
	ns, sa, role := deref(in.Namespace), deref(in.ServiceAccount), deref(in.RoleARN)
	c.resource = cl.Name + "/" + ns + "/" + sa
	switch {
	case ns == "":
		c.fail("InvalidParameterException", 400, "namespace is required")
		return
	case sa == "":
		c.fail("InvalidParameterException", 400, "serviceAccount is required")
		return
	case role == "":
		c.fail("InvalidParameterException", 400, "roleArn is required")
		return
	}
	if cl.Status != "ACTIVE" && cl.Status != "UPDATING" {
		c.fail("InvalidRequestException", 400, fmt.Sprintf("Cluster %s is in %s state", cl.Name, cl.Status))
		return
	}
	disable := in.DisableSessionTags != nil && *in.DisableSessionTags
	target := deref(in.TargetRoleARN)
	params, _ := json.Marshal([]any{ns, sa, role, target, disable, deref(in.Policy), in.Tags})
	tokKey := cl.Name + "\x00" + deref(in.ClientRequestToken)
	if in.ClientRequestToken != nil {
		if use, ok := c.st.tokens[tokKey]; ok {
			if use.params != string(params) {
				c.fail("InvalidRequestException", 400, "The client request token has already been used with different request parameters.")
				return
			}
			if a := cl.assocIdx[use.assocID]; a != nil {
				c.jsonResult(map[string]any{"association": assocJSON(a)})
				return
			}
		}
	}
	if !c.checkEKSTags(in.Tags) || !c.checkSessionPolicy(in.Policy) {
		return
	}
	for _, a := range cl.Associations {
		if a.Namespace == ns && a.ServiceAccount == sa {
			c.fail("ResourceInUseException", 409, "Association already exists: "+a.ID)
			return
		}
	}
	if len(cl.Associations) >= maxAssociationsPerCluster {
		c.fail("ResourceLimitExceededException", 400,
			fmt.Sprintf("Cluster %s has reached the maximum number of pod identity associations (%d)", cl.Name, maxAssociationsPerCluster))
		return
	}
	if !c.validateAssocRoles(role, target, disable) {
		return
	}
	a := c.st.newAssociation(cl, ns, sa, role, c.now)
	a.TargetRoleARN, a.DisableSessionTags, a.Policy = target, disable, deref(in.Policy)
	if target != "" {
		a.ExternalID = c.st.uuid()
	}
	if len(in.Tags) > 0 {
		a.Tags = map[string]string{}
		for k, v := range in.Tags {
			a.Tags[k] = v
		}
	}
	if in.ClientRequestToken != nil {
		c.st.tokens[tokKey] = tokenUse{assocID: a.ID, params: string(params)}
	}
	c.jsonResult(map[string]any{"association": assocJSON(a)})
}

func (st *state) newAssociation(cl *Cluster, ns, sa, role string, now time.Time) *Association {
	id := "a-" + st.randString(lowerAlnum, 17)
	for cl.assocIdx[id] != nil {
		id = "a-" + st.randString(lowerAlnum, 17)
	}
	st.seq++
	a := &Association{ID: id, ARN: st.eksARN("podidentityassociation", cl.Name+"/"+id), ClusterName: cl.Name,
		Namespace: ns, ServiceAccount: sa, RoleARN: role, CreatedAt: now.UTC(), ModifiedAt: now.UTC(), seq: st.seq}
	cl.Associations = append(cl.Associations, a)
	cl.assocIdx[id] = a
	return a
}

// AddPodIdentityAssociation creates an association directly (no validation
// of the role), e.g. to fill a cluster up to the 5,000 quota or to model an
// add-on owned association (ownerARN may be ""). It returns the association id.
func (s *Server) AddPodIdentityAssociation(cluster, namespace, serviceAccount, roleARN, ownerARN string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cl := s.st.clusters[cluster]
	if cl == nil {
		return "", fmt.Errorf("awsemu: no cluster %q", cluster)
	}
	for _, a := range cl.Associations {
		if a.Namespace == namespace && a.ServiceAccount == serviceAccount {
			return "", fmt.Errorf("awsemu: association for %s/%s already exists: %s", namespace, serviceAccount, a.ID)
		}
	}
	a := s.st.newAssociation(cl, namespace, serviceAccount, roleARN, s.now())
	a.OwnerARN = ownerARN
	return a.ID, nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func (c *call) association(cl *Cluster) *Association {
	id := c.params["id"]
	c.resource = cl.Name + "/" + id
	a := cl.assocIdx[id]
	if a == nil {
		c.fail("ResourceNotFoundException", 404, fmt.Sprintf("Association with id %s does not exist in cluster %s.", id, cl.Name))
	}
	return a
}

func eksDescribeAssociation(c *call) {
	cl := c.cluster()
	if cl == nil {
		return
	}
	if a := c.association(cl); a != nil {
		c.jsonResult(map[string]any{"association": assocJSON(a)})
	}
}

func eksUpdateAssociation(c *call) {
	cl := c.cluster()
	if cl == nil {
		return
	}
	a := c.association(cl)
	if a == nil {
		return
	}
	var in assocInput
	if !c.decodeJSON(&in) {
		return
	}
	if in.Namespace != nil || in.ServiceAccount != nil || in.Tags != nil {
		c.fail("InvalidParameterException", 400, "namespace, serviceAccount and tags cannot be updated")
		return
	}
	role, target, disable := a.RoleARN, a.TargetRoleARN, a.DisableSessionTags
	if in.RoleARN != nil && *in.RoleARN != "" {
		role = *in.RoleARN
	}
	if in.TargetRoleARN != nil {
		target = *in.TargetRoleARN // "" removes the target role
	}
	if in.DisableSessionTags != nil {
		disable = *in.DisableSessionTags
	}
	if !c.checkSessionPolicy(in.Policy) {
		return
	}
	if a.OwnerARN != "" {
		c.fail("InvalidRequestException", 400, "Pod identity association is owned by "+a.OwnerARN+" and cannot be updated directly")
		return
	}
	if !c.validateAssocRoles(role, target, disable) {
		return
	}
	if target != a.TargetRoleARN {
		a.ExternalID = ""
		if target != "" {
			a.ExternalID = c.st.uuid()
		}
	}
	a.RoleARN, a.TargetRoleARN, a.DisableSessionTags = role, target, disable
	if in.Policy != nil {
		a.Policy = *in.Policy
	}
	a.ModifiedAt = c.now.UTC()
	c.jsonResult(map[string]any{"association": assocJSON(a)})
}

func eksDeleteAssociation(c *call) {
	cl := c.cluster()
	if cl == nil {
		return
	}
	a := c.association(cl)
	if a == nil {
		return
	}
	if a.OwnerARN != "" {
		c.fail("InvalidRequestException", 400, "Pod identity association is owned by "+a.OwnerARN+" and cannot be deleted directly")
		return
	}
	delete(cl.assocIdx, a.ID)
	for i, x := range cl.Associations {
		if x == a {
			cl.Associations = append(cl.Associations[:i], cl.Associations[i+1:]...)
			break
		}
	}
	c.jsonResult(map[string]any{"association": assocJSON(a)})
}

func eksListAssociations(c *call) {
	cl := c.cluster()
	if cl == nil {
		return
	}
	ns, sa := c.query.Get("namespace"), c.query.Get("serviceAccount")
	var matched []*Association
	for _, a := range cl.Associations {
		if (ns == "" || a.Namespace == ns) && (sa == "" || a.ServiceAccount == sa) {
			matched = append(matched, a)
		}
	}
	start, end, next, ok := c.eksPage(len(matched))
	if !ok {
		return
	}
	out := []map[string]any{}
	for _, a := range matched[start:end] {
		m := map[string]any{"clusterName": a.ClusterName, "namespace": a.Namespace, "serviceAccount": a.ServiceAccount,
			"associationArn": a.ARN, "associationId": a.ID}
		if a.OwnerARN != "" {
			m["ownerArn"] = a.OwnerARN
		}
		out = append(out, m)
	}
	c.jsonResult(map[string]any{"associations": out, "nextToken": next})
}

// --- tags ----------------------------------------------------------------------

// taggable resolves an EKS ARN to its tag map (clusters and associations).
func (c *call) taggable() (*map[string]string, bool) {
	arn := c.params["arn"]
	c.resource = arn
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "eks" {
		c.fail("BadRequestException", 400, fmt.Sprintf("Invalid ARN: %s", arn))
		return nil, false
	}
	for _, cl := range c.st.clusters {
		if cl.ARN == arn {
			return &cl.Tags, true
		}
		if strings.HasPrefix(arn, c.st.eksARN("podidentityassociation", cl.Name+"/")) {
			for _, a := range cl.Associations {
				if a.ARN == arn {
					return &a.Tags, true
				}
			}
		}
	}
	c.fail("NotFoundException", 404, fmt.Sprintf("Resource not found: %s", arn))
	return nil, false
}

func eksListTags(c *call) {
	tags, ok := c.taggable()
	if !ok {
		return
	}
	out := *tags
	if out == nil {
		out = map[string]string{}
	}
	c.jsonResult(map[string]any{"tags": out})
}

func eksTagResource(c *call) {
	tags, ok := c.taggable()
	if !ok {
		return
	}
	var in struct {
		Tags map[string]string `json:"tags"`
	}
	if !c.decodeJSON(&in) {
		return
	}
	if len(in.Tags) == 0 {
		c.fail("BadRequestException", 400, "tags must not be empty")
		return
	}
	merged := map[string]string{}
	for k, v := range *tags {
		merged[k] = v
	}
	for k, v := range in.Tags {
		merged[k] = v
	}
	if !c.checkEKSTags(in.Tags) {
		return
	}
	if len(merged) > 50 {
		c.fail("BadRequestException", 400, "Tags cannot exceed 50")
		return
	}
	*tags = merged
	c.jsonResult(map[string]any{})
}

func eksUntagResource(c *call) {
	tags, ok := c.taggable()
	if !ok {
		return
	}
	keys := c.query["tagKeys"]
	if len(keys) == 0 {
		c.fail("BadRequestException", 400, "tagKeys must not be empty")
		return
	}
	for _, k := range keys {
		delete(*tags, k)
	}
	c.jsonResult(map[string]any{})
}
