package awsemu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
)

// State is a JSON-serialisable snapshot of everything the emulator holds
// (returned by Server.Dump and GET /_awsemu/state).
type State struct {
	AccountID        string             `json:"account_id"`
	Region           string             `json:"region"`
	Partition        string             `json:"partition"`
	Roles            []*Role            `json:"roles"`
	InstanceProfiles []*InstanceProfile `json:"instance_profiles"`
	Policies         []*Policy          `json:"policies"` // customer managed policies
	Clusters         []*Cluster         `json:"clusters"`
	Tables           []*Table           `json:"dynamodb_tables"`
	Sessions         []Session          `json:"sessions"`        // issued temporary credentials, in order
	Users            []*User            `json:"users,omitempty"` // seeded IAM users
}

// Tag is an IAM tag (ordered, as IAM keeps them).
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Role is an IAM role.
type Role struct {
	Name                string            `json:"name"`
	Path                string            `json:"path"`
	RoleID              string            `json:"role_id"`
	ARN                 string            `json:"arn"`
	Description         string            `json:"description,omitempty"`
	AssumeRolePolicy    string            `json:"assume_role_policy"`
	MaxSessionDuration  int               `json:"max_session_duration"`
	PermissionsBoundary string            `json:"permissions_boundary,omitempty"`
	CreateDate          time.Time         `json:"create_date"`
	Tags                []Tag             `json:"tags,omitempty"`
	InlinePolicies      map[string]string `json:"inline_policies,omitempty"`
	AttachedPolicyARNs  []string          `json:"attached_policy_arns,omitempty"`
	InstanceProfiles    []string          `json:"instance_profiles,omitempty"`
	LastUsed            *time.Time        `json:"last_used,omitempty"`
	LastUsedRegion      string            `json:"last_used_region,omitempty"`
}

// InstanceProfile is an IAM instance profile.
type InstanceProfile struct {
	Name       string    `json:"name"`
	Path       string    `json:"path"`
	ID         string    `json:"id"`
	ARN        string    `json:"arn"`
	CreateDate time.Time `json:"create_date"`
	Roles      []string  `json:"roles"`
	Tags       []Tag     `json:"tags,omitempty"`
}

// Policy is a customer managed IAM policy (single version v1... vN).
type Policy struct {
	Name           string          `json:"name"`
	Path           string          `json:"path"`
	ID             string          `json:"id"`
	ARN            string          `json:"arn"`
	Description    string          `json:"description,omitempty"`
	Document       string          `json:"document"` // the default version's document
	DefaultVersion string          `json:"default_version"`
	Versions       []PolicyVersion `json:"versions"`
	CreateDate     time.Time       `json:"create_date"`
	UpdateDate     time.Time       `json:"update_date"`
	Tags           []Tag           `json:"tags,omitempty"`
	NextVersion    int             `json:"next_version"`
}

// PolicyVersion is one version of a customer managed policy.
type PolicyVersion struct {
	VersionID  string    `json:"version_id"`
	Document   string    `json:"document"`
	CreateDate time.Time `json:"create_date"`
}

// Cluster is an EKS cluster with its sub-resources.
type Cluster struct {
	Name                string            `json:"name"`
	ARN                 string            `json:"arn"`
	Version             string            `json:"version"`
	Status              string            `json:"status"`
	Endpoint            string            `json:"endpoint"`
	RoleARN             string            `json:"role_arn"`
	AutoModeNodeRoleARN string            `json:"auto_mode_node_role_arn,omitempty"`
	CreatedAt           time.Time         `json:"created_at"`
	Tags                map[string]string `json:"tags,omitempty"`
	NodeGroups          []*Nodegroup      `json:"node_groups,omitempty"`
	AccessEntries       []*AccessEntry    `json:"access_entries,omitempty"`
	FargateProfiles     []*FargateProfile `json:"fargate_profiles,omitempty"`
	Addons              []*Addon          `json:"addons,omitempty"`
	Associations        []*Association    `json:"pod_identity_associations,omitempty"`
	assocIdx            map[string]*Association
}

// Nodegroup is an EKS managed node group.
type Nodegroup struct {
	Name           string              `json:"name"`
	ARN            string              `json:"arn"`
	NodeRoleARN    string              `json:"node_role_arn"`
	LaunchTemplate *SeedLaunchTemplate `json:"launch_template,omitempty"`
	CreatedAt      time.Time           `json:"created_at"`
}

// AccessEntry is an EKS access entry.
type AccessEntry struct {
	PrincipalARN string    `json:"principal_arn"`
	ARN          string    `json:"arn"`
	Type         string    `json:"type"`
	Username     string    `json:"username"`
	CreatedAt    time.Time `json:"created_at"`
}

// FargateProfile is an EKS Fargate profile.
type FargateProfile struct {
	Name                string    `json:"name"`
	ARN                 string    `json:"arn"`
	PodExecutionRoleARN string    `json:"pod_execution_role_arn"`
	Namespaces          []string  `json:"namespaces,omitempty"`
	CreatedAt           time.Time `json:"created_at"`
}

// Addon is an EKS add-on.
type Addon struct {
	Name      string    `json:"name"`
	ARN       string    `json:"arn"`
	Version   string    `json:"version"`
	CreatedAt time.Time `json:"created_at"`
}

// Association is an EKS Pod Identity association.
type Association struct {
	ID                 string            `json:"association_id"`
	ARN                string            `json:"association_arn"`
	ClusterName        string            `json:"cluster_name"`
	Namespace          string            `json:"namespace"`
	ServiceAccount     string            `json:"service_account"`
	RoleARN            string            `json:"role_arn"`
	TargetRoleARN      string            `json:"target_role_arn,omitempty"`
	ExternalID         string            `json:"external_id,omitempty"`
	DisableSessionTags bool              `json:"disable_session_tags"`
	Policy             string            `json:"policy,omitempty"`
	OwnerARN           string            `json:"owner_arn,omitempty"`
	Tags               map[string]string `json:"tags,omitempty"`
	CreatedAt          time.Time         `json:"created_at"`
	ModifiedAt         time.Time         `json:"modified_at"`
	seq                int
}

// Table is a DynamoDB table.
type Table struct {
	Name                   string          `json:"name"`
	ARN                    string          `json:"arn"`
	TableID                string          `json:"table_id"`
	KeySchema              []SeedKey       `json:"key_schema"`
	Attributes             []SeedAttribute `json:"attribute_definitions"`
	GlobalSecondaryIndexes []SeedIndex     `json:"global_secondary_indexes,omitempty"`
	LocalSecondaryIndexes  []SeedIndex     `json:"local_secondary_indexes,omitempty"`
	StreamEnabled          bool            `json:"stream_enabled"`
	StreamViewType         string          `json:"stream_view_type,omitempty"`
	LatestStreamARN        string          `json:"latest_stream_arn,omitempty"`
	LatestStreamLabel      string          `json:"latest_stream_label,omitempty"`
	CreatedAt              time.Time       `json:"created_at"`
	// Items in DynamoDB JSON, in key order (filled by Dump).
	Items []item `json:"items,omitempty"`
	items *itemStore
}

// state is the mutable emulator state; guarded by Server.mu.
type state struct {
	acct, region, partition string
	roles                   map[string]*Role // key: lower-case name (IAM names are case-insensitive)
	roleCreated             map[string]time.Time
	profiles                map[string]*InstanceProfile // lower-case name
	policies                map[string]*Policy          // by ARN
	clusters                map[string]*Cluster
	tables                  map[string]*Table
	tokens                  map[string]tokenUse // cluster + "\x00" + clientRequestToken
	sess                    map[string]*Session
	sessList                []*Session
	users                   map[string]*User    // lower-case name
	userKeys                map[string]*User    // access key id
	imdsSess                map[string]*Session // node (cluster/nodegroup) => its role session
	imdsTokens              map[string]imdsToken
	rng                     *rand.Rand
	seq                     int
	epoch                   time.Time
}

type tokenUse struct {
	assocID string
	params  string
}

var seedEpoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

const upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
const lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"

func (st *state) randString(alphabet string, n int) string {
	var b strings.Builder
	for range n {
		b.WriteByte(alphabet[st.rng.IntN(len(alphabet))])
	}
	return b.String()
}

func (st *state) uuid() string {
	const hex = "0123456789abcdef"
	s := st.randString(hex, 32)
	return s[0:8] + "-" + s[8:12] + "-4" + s[13:16] + "-a" + s[17:20] + "-" + s[20:32]
}

func (st *state) roleARN(path, name string) string {
	return fmt.Sprintf("arn:%s:iam::%s:role%s%s", st.partition, st.acct, path, name)
}

func (st *state) eksARN(kind, rest string) string {
	return fmt.Sprintf("arn:%s:eks:%s:%s:%s/%s", st.partition, st.region, st.acct, kind, rest)
}

func newState(seed *Seed) (*state, error) {
	st := &state{
		acct: seed.AccountID, region: seed.Region, partition: seed.Partition,
		roles:       map[string]*Role{},
		roleCreated: map[string]time.Time{},
		profiles:    map[string]*InstanceProfile{},
		policies:    map[string]*Policy{},
		clusters:    map[string]*Cluster{},
		tables:      map[string]*Table{},
		tokens:      map[string]tokenUse{},
		rng:         rand.New(rand.NewPCG(1, 2)),
		epoch:       seedEpoch,
	}
	for _, sr := range seed.IAMRoles {
		if err := st.addSeedRole(sr); err != nil {
			return nil, err
		}
	}
	for _, ip := range seed.InstanceProfiles {
		if err := st.addSeedInstanceProfile(ip); err != nil {
			return nil, err
		}
	}
	for _, c := range seed.Clusters {
		if err := st.addSeedCluster(c); err != nil {
			return nil, err
		}
	}
	for _, t := range seed.DynamoDBTables {
		if err := st.putSeedTable(t); err != nil {
			return nil, err
		}
	}
	for _, u := range seed.IAMUsers {
		if err := st.addSeedUser(u); err != nil {
			return nil, err
		}
	}
	return st, nil
}

func docString(raw json.RawMessage) (string, error) {
	if len(raw) == 0 {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	// Keep the document as written (key order matters to diff-minded
	// callers), only compacted.
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return "", err
	}
	return b.String(), nil
}

func (st *state) addSeedRole(sr SeedRole) error {
	if !validRoleName(sr.Name) {
		return fmt.Errorf("seed: invalid role name %q", sr.Name)
	}
	if _, ok := st.roles[strings.ToLower(sr.Name)]; ok {
		return fmt.Errorf("seed: role %q already exists", sr.Name)
	}
	path := sr.Path
	if path == "" {
		path = "/"
	}
	trust, err := docString(sr.AssumeRolePolicy)
	if err != nil {
		return fmt.Errorf("seed: role %q assume_role_policy: %w", sr.Name, err)
	}
	if trust == "" {
		trust = `{"Version":"2012-10-17","Statement":[]}`
	}
	msd := sr.MaxSessionDuration
	if msd == 0 {
		msd = 3600
	}
	r := &Role{
		Name: sr.Name, Path: path, RoleID: "AROA" + st.randString(upperAlnum, 17),
		ARN: st.roleARN(path, sr.Name), Description: sr.Description,
		AssumeRolePolicy: trust, MaxSessionDuration: msd,
		PermissionsBoundary: sr.PermissionsBoundary, CreateDate: st.epoch,
		InlinePolicies: map[string]string{},
	}
	keys := make([]string, 0, len(sr.Tags))
	for k := range sr.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		r.Tags = append(r.Tags, Tag{Key: k, Value: sr.Tags[k]})
	}
	for name, doc := range sr.InlinePolicies {
		s, err := docString(doc)
		if err != nil {
			return fmt.Errorf("seed: role %q inline policy %q: %w", sr.Name, name, err)
		}
		r.InlinePolicies[name] = s
	}
	r.AttachedPolicyARNs = append(r.AttachedPolicyARNs, sr.AttachedPolicyARNs...)
	st.roles[strings.ToLower(r.Name)] = r
	return nil
}

func (st *state) addSeedInstanceProfile(sp SeedInstanceProfile) error {
	if _, ok := st.profiles[strings.ToLower(sp.Name)]; ok {
		return fmt.Errorf("seed: instance profile %q already exists", sp.Name)
	}
	path := sp.Path
	if path == "" {
		path = "/"
	}
	ip := &InstanceProfile{
		Name: sp.Name, Path: path, ID: "AIPA" + st.randString(upperAlnum, 17),
		ARN:        fmt.Sprintf("arn:%s:iam::%s:instance-profile%s%s", st.partition, st.acct, path, sp.Name),
		CreateDate: st.epoch,
	}
	st.profiles[strings.ToLower(ip.Name)] = ip
	for _, rn := range sp.Roles {
		r := st.roles[strings.ToLower(rn)]
		if r == nil {
			return fmt.Errorf("seed: instance profile %q: unknown role %q", sp.Name, rn)
		}
		ip.Roles = append(ip.Roles, r.Name)
		r.InstanceProfiles = append(r.InstanceProfiles, ip.Name)
	}
	return nil
}

func (st *state) addSeedCluster(sc SeedCluster) error {
	if sc.Name == "" {
		return fmt.Errorf("seed: cluster without name")
	}
	if _, ok := st.clusters[sc.Name]; ok {
		return fmt.Errorf("seed: cluster %q already exists", sc.Name)
	}
	c := &Cluster{
		Name: sc.Name, ARN: st.eksARN("cluster", sc.Name), Version: sc.Version, Status: sc.Status,
		Endpoint:            fmt.Sprintf("https://%s.gr7.%s.eks.amazonaws.com", strings.ToUpper(st.randString("0123456789abcdef", 32)), st.region),
		RoleARN:             st.roleARN("/", sc.Name+"-cluster"),
		AutoModeNodeRoleARN: sc.AutoModeNodeRoleARN,
		CreatedAt:           st.epoch, Tags: map[string]string{},
		assocIdx: map[string]*Association{},
	}
	if c.Version == "" {
		c.Version = "1.33"
	}
	if c.Status == "" {
		c.Status = "ACTIVE"
	}
	for k, v := range sc.Tags {
		c.Tags[k] = v
	}
	st.clusters[c.Name] = c
	for _, ng := range sc.NodeGroups {
		if err := st.addNodegroup(c, ng); err != nil {
			return err
		}
	}
	for _, ae := range sc.AccessEntries {
		if err := st.addAccessEntry(c, ae); err != nil {
			return err
		}
	}
	for _, fp := range sc.FargateProfiles {
		if err := st.addFargateProfile(c, fp); err != nil {
			return err
		}
	}
	for _, a := range sc.Addons {
		if err := st.addAddon(c, a); err != nil {
			return err
		}
	}
	return nil
}

func (st *state) addNodegroup(c *Cluster, ng SeedNodeGroup) error {
	for _, x := range c.NodeGroups {
		if x.Name == ng.Name {
			return fmt.Errorf("node group %q already exists in cluster %q", ng.Name, c.Name)
		}
	}
	n := &Nodegroup{Name: ng.Name, NodeRoleARN: ng.NodeRoleARN, CreatedAt: st.epoch,
		ARN: st.eksARN("nodegroup", c.Name+"/"+ng.Name+"/"+st.uuid())}
	if ng.LaunchTemplate != nil {
		lt := *ng.LaunchTemplate
		if lt.ID == "" {
			lt.ID = "lt-" + st.randString("0123456789abcdef", 17)
		}
		if lt.Version == "" {
			lt.Version = "1"
		}
		n.LaunchTemplate = &lt
	}
	c.NodeGroups = append(c.NodeGroups, n)
	return nil
}

func (st *state) addAccessEntry(c *Cluster, ae SeedAccessEntry) error {
	for _, x := range c.AccessEntries {
		if x.PrincipalARN == ae.PrincipalARN {
			return fmt.Errorf("access entry %q already exists in cluster %q", ae.PrincipalARN, c.Name)
		}
	}
	typ := ae.Type
	if typ == "" {
		typ = "STANDARD"
	}
	switch typ {
	case "STANDARD", "EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "HYBRID_LINUX", "EC2":
	default:
		return fmt.Errorf("access entry type %q invalid", typ)
	}
	user := ae.PrincipalARN
	switch typ {
	case "EC2_LINUX", "EC2_WINDOWS", "HYBRID_LINUX", "EC2":
		user = "system:node:{{EC2PrivateDNSName}}"
	case "FARGATE_LINUX":
		user = "system:node:{{SessionName}}"
	}
	kind, name := "role", ae.PrincipalARN
	if i := strings.LastIndex(ae.PrincipalARN, ":"); i >= 0 {
		rest := ae.PrincipalARN[i+1:]
		if j := strings.Index(rest, "/"); j >= 0 {
			kind = rest[:j]
			name = rest[strings.LastIndex(rest, "/")+1:]
		}
	}
	c.AccessEntries = append(c.AccessEntries, &AccessEntry{
		PrincipalARN: ae.PrincipalARN, Type: typ, Username: user, CreatedAt: st.epoch,
		ARN: st.eksARN("access-entry", c.Name+"/"+kind+"/"+st.acct+"/"+name+"/"+st.uuid()),
	})
	return nil
}

func (st *state) addFargateProfile(c *Cluster, fp SeedFargateProfile) error {
	for _, x := range c.FargateProfiles {
		if x.Name == fp.Name {
			return fmt.Errorf("fargate profile %q already exists in cluster %q", fp.Name, c.Name)
		}
	}
	c.FargateProfiles = append(c.FargateProfiles, &FargateProfile{
		Name: fp.Name, PodExecutionRoleARN: fp.PodExecutionRoleARN, CreatedAt: st.epoch,
		Namespaces: append([]string(nil), fp.Namespaces...),
		ARN:        st.eksARN("fargateprofile", c.Name+"/"+fp.Name+"/"+st.uuid()),
	})
	return nil
}

func (st *state) addAddon(c *Cluster, a SeedAddon) error {
	for _, x := range c.Addons {
		if x.Name == a.Name {
			return fmt.Errorf("addon %q already exists in cluster %q", a.Name, c.Name)
		}
	}
	v := a.Version
	if v == "" {
		v = "v1.0.0-eksbuild.1"
	}
	c.Addons = append(c.Addons, &Addon{Name: a.Name, Version: v, CreatedAt: st.epoch,
		ARN: st.eksARN("addon", c.Name+"/"+a.Name+"/"+st.uuid())})
	return nil
}

func (st *state) putSeedTable(t SeedTable) error {
	if t.Name == "" {
		return fmt.Errorf("seed: table without name")
	}
	keys := t.KeySchema
	if len(keys) == 0 {
		keys = []SeedKey{{AttributeName: "id", KeyType: "HASH", AttributeType: "S"}}
	}
	tb := &Table{
		Name: t.Name, ARN: fmt.Sprintf("arn:%s:dynamodb:%s:%s:table/%s", st.partition, st.region, st.acct, t.Name),
		TableID: st.uuid(), KeySchema: keys, CreatedAt: st.epoch,
		GlobalSecondaryIndexes: t.GlobalSecondaryIndexes, LocalSecondaryIndexes: t.LocalSecondaryIndexes,
		StreamEnabled: t.StreamEnabled,
	}
	attrs := map[string]string{}
	var order []string
	addKeys := func(ks []SeedKey) {
		for _, k := range ks {
			if _, ok := attrs[k.AttributeName]; !ok {
				order = append(order, k.AttributeName)
				typ := k.AttributeType
				if typ == "" {
					typ = "S"
				}
				attrs[k.AttributeName] = typ
			}
		}
	}
	addKeys(keys)
	for _, ix := range t.GlobalSecondaryIndexes {
		addKeys(ix.KeySchema)
	}
	for _, ix := range t.LocalSecondaryIndexes {
		addKeys(ix.KeySchema)
	}
	for _, a := range t.Attributes {
		attrs[a.AttributeName] = a.AttributeType
	}
	for _, n := range order {
		tb.Attributes = append(tb.Attributes, SeedAttribute{AttributeName: n, AttributeType: attrs[n]})
	}
	if t.StreamEnabled {
		tb.StreamViewType = t.StreamViewType
		if tb.StreamViewType == "" {
			tb.StreamViewType = "NEW_AND_OLD_IMAGES"
		}
		tb.LatestStreamLabel = st.epoch.Format("2006-01-02T15:04:05.000")
		tb.LatestStreamARN = tb.ARN + "/stream/" + tb.LatestStreamLabel
	}
	tb.items = newItemStore()
	for i, raw := range t.Items {
		it, err := decodeItem(raw)
		if err == nil {
			err = tb.checkKey(it, tb.KeySchema, "item")
		}
		if err != nil {
			return fmt.Errorf("seed: table %q item %d: %w", t.Name, i+1, err)
		}
		tb.items.put(tb.keyOf(it), it)
	}
	st.tables[t.Name] = tb
	return nil
}

// dump returns a deep copy of the state, sorted.
func (st *state) dump() State {
	out := State{AccountID: st.acct, Region: st.region, Partition: st.partition}
	for _, r := range st.roles {
		out.Roles = append(out.Roles, r)
	}
	sort.Slice(out.Roles, func(i, j int) bool { return out.Roles[i].Name < out.Roles[j].Name })
	for _, p := range st.profiles {
		out.InstanceProfiles = append(out.InstanceProfiles, p)
	}
	sort.Slice(out.InstanceProfiles, func(i, j int) bool { return out.InstanceProfiles[i].Name < out.InstanceProfiles[j].Name })
	for _, p := range st.policies {
		out.Policies = append(out.Policies, p)
	}
	sort.Slice(out.Policies, func(i, j int) bool { return out.Policies[i].ARN < out.Policies[j].ARN })
	for _, c := range st.clusters {
		out.Clusters = append(out.Clusters, c)
	}
	sort.Slice(out.Clusters, func(i, j int) bool { return out.Clusters[i].Name < out.Clusters[j].Name })
	for _, t := range st.tables {
		cp := *t
		cp.Items = t.items.list()
		out.Tables = append(out.Tables, &cp)
	}
	sort.Slice(out.Tables, func(i, j int) bool { return out.Tables[i].Name < out.Tables[j].Name })
	for _, x := range st.sessList {
		out.Sessions = append(out.Sessions, *x)
	}
	for _, u := range st.users {
		out.Users = append(out.Users, u)
	}
	sort.Slice(out.Users, func(i, j int) bool { return out.Users[i].Name < out.Users[j].Name })
	b, err := json.Marshal(out)
	if err != nil {
		panic(err)
	}
	var cp State
	if err := json.Unmarshal(b, &cp); err != nil {
		panic(err)
	}
	return cp
}
