package awsemu

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Seed is the initial state of the emulator. It is loaded from JSON (see
// testdata/seed-example.json and README.md) or built in Go (DefaultSeed).
type Seed struct {
	AccountID        string                `json:"account_id"`
	Region           string                `json:"region"`
	Partition        string                `json:"partition,omitempty"`
	Clusters         []SeedCluster         `json:"clusters,omitempty"`
	DynamoDBTables   []SeedTable           `json:"dynamodb_tables,omitempty"`
	IAMRoles         []SeedRole            `json:"iam_roles,omitempty"`
	InstanceProfiles []SeedInstanceProfile `json:"instance_profiles,omitempty"`
	// IAMUsers hold long-term access keys: a request signed with one is made
	// as that user and authorised with its policies. Any other long-term key
	// is user "awsemu" with AdministratorAccess.
	IAMUsers []SeedUser `json:"iam_users,omitempty"`
}

// SeedUser is an IAM user with long-term access keys.
type SeedUser struct {
	Name                string                     `json:"name"`
	Path                string                     `json:"path,omitempty"`
	AccessKeys          []SeedAccessKey            `json:"access_keys,omitempty"`
	InlinePolicies      map[string]json.RawMessage `json:"inline_policies,omitempty"`
	AttachedPolicyARNs  []string                   `json:"attached_policy_arns,omitempty"`
	PermissionsBoundary string                     `json:"permissions_boundary,omitempty"`
}

// SeedAccessKey is a long-term access key (AKIA...). The secret is not
// checked (signatures are not verified); it documents what clients use.
type SeedAccessKey struct {
	AccessKeyID     string `json:"access_key_id"`
	SecretAccessKey string `json:"secret_access_key,omitempty"`
}

// SeedCluster is an EKS cluster.
type SeedCluster struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"` // default "1.33"
	Status  string `json:"status,omitempty"`  // default "ACTIVE"
	// AutoModeNodeRoleARN, when set, turns on EKS Auto Mode
	// (computeConfig.enabled=true, computeConfig.nodeRoleArn=this).
	AutoModeNodeRoleARN string               `json:"auto_mode_node_role_arn,omitempty"`
	NodeGroups          []SeedNodeGroup      `json:"node_groups,omitempty"`
	AccessEntries       []SeedAccessEntry    `json:"access_entries,omitempty"`
	FargateProfiles     []SeedFargateProfile `json:"fargate_profiles,omitempty"`
	Addons              []SeedAddon          `json:"addons,omitempty"`
	Tags                map[string]string    `json:"tags,omitempty"`
}

// SeedNodeGroup is an EKS managed node group.
type SeedNodeGroup struct {
	Name           string              `json:"name"`
	NodeRoleARN    string              `json:"node_role_arn"`
	LaunchTemplate *SeedLaunchTemplate `json:"launch_template,omitempty"`
}

// SeedLaunchTemplate is the launch template of a node group.
// HTTPPutResponseHopLimit is kept in state (Dump) only: EKS does not return it.
type SeedLaunchTemplate struct {
	ID                      string `json:"id,omitempty"`
	Name                    string `json:"name"`
	Version                 string `json:"version,omitempty"`
	HTTPPutResponseHopLimit int    `json:"http_put_response_hop_limit,omitempty"`
}

// SeedAccessEntry is an EKS access entry.
type SeedAccessEntry struct {
	PrincipalARN string `json:"principal_arn"`
	Type         string `json:"type,omitempty"` // STANDARD (default), EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX, HYBRID_LINUX
}

// SeedFargateProfile is an EKS Fargate profile.
type SeedFargateProfile struct {
	Name                string   `json:"name"`
	PodExecutionRoleARN string   `json:"pod_execution_role_arn"`
	Namespaces          []string `json:"namespaces,omitempty"`
}

// SeedAddon is an EKS add-on.
type SeedAddon struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

// SeedTable is a DynamoDB table.
type SeedTable struct {
	Name                   string          `json:"name"`
	KeySchema              []SeedKey       `json:"key_schema,omitempty"` // default: hash key "id" (S)
	GlobalSecondaryIndexes []SeedIndex     `json:"global_secondary_indexes,omitempty"`
	LocalSecondaryIndexes  []SeedIndex     `json:"local_secondary_indexes,omitempty"`
	StreamEnabled          bool            `json:"stream_enabled,omitempty"`
	StreamViewType         string          `json:"stream_view_type,omitempty"` // default NEW_AND_OLD_IMAGES when enabled
	Attributes             []SeedAttribute `json:"attribute_definitions,omitempty"`
	// Items in DynamoDB JSON ({"id": {"S": "cart-1"}, ...}); each must carry the key.
	Items []map[string]json.RawMessage `json:"items,omitempty"`
}

// SeedKey is one key schema element.
type SeedKey struct {
	AttributeName string `json:"attribute_name"`
	KeyType       string `json:"key_type"`                 // HASH or RANGE
	AttributeType string `json:"attribute_type,omitempty"` // S (default), N, B
}

// SeedAttribute is an attribute definition (normally derived from key schemas).
type SeedAttribute struct {
	AttributeName string `json:"attribute_name"`
	AttributeType string `json:"attribute_type"`
}

// SeedIndex is a GSI or LSI.
type SeedIndex struct {
	Name      string    `json:"name"`
	KeySchema []SeedKey `json:"key_schema"`
}

// SeedRole is an IAM role.
type SeedRole struct {
	Name                string                     `json:"name"`
	Path                string                     `json:"path,omitempty"`
	Description         string                     `json:"description,omitempty"`
	AssumeRolePolicy    json.RawMessage            `json:"assume_role_policy"`        // JSON object or JSON string
	InlinePolicies      map[string]json.RawMessage `json:"inline_policies,omitempty"` // each a JSON object or a JSON string
	AttachedPolicyARNs  []string                   `json:"attached_policy_arns,omitempty"`
	Tags                map[string]string          `json:"tags,omitempty"`
	PermissionsBoundary string                     `json:"permissions_boundary,omitempty"`
	MaxSessionDuration  int                        `json:"max_session_duration,omitempty"`
}

// SeedInstanceProfile is an IAM instance profile.
type SeedInstanceProfile struct {
	Name  string   `json:"name"`
	Path  string   `json:"path,omitempty"`
	Roles []string `json:"roles,omitempty"`
}

// LoadSeed reads a seed JSON file.
func LoadSeed(path string) (*Seed, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := ParseSeed(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// ParseSeed parses seed JSON. Unknown fields are rejected so typos surface.
func ParseSeed(data []byte) (*Seed, error) {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	var s Seed
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("parse seed: %w", err)
	}
	if err := s.normalize(); err != nil {
		return nil, err
	}
	return &s, nil
}

func (s *Seed) normalize() error {
	if s.AccountID == "" {
		s.AccountID = "123456789012"
	}
	if len(s.AccountID) != 12 || strings.Trim(s.AccountID, "0123456789") != "" {
		return fmt.Errorf("seed: account_id %q must be 12 digits", s.AccountID)
	}
	if s.Region == "" {
		s.Region = "us-west-2"
	}
	if s.Partition == "" {
		s.Partition = "aws"
	}
	seen := map[string]bool{}
	for _, c := range s.Clusters {
		if c.Name == "" || seen[c.Name] {
			return fmt.Errorf("seed: cluster name %q empty or duplicated", c.Name)
		}
		seen[c.Name] = true
	}
	seen = map[string]bool{}
	for _, r := range s.IAMRoles {
		if !validRoleName(r.Name) || seen[strings.ToLower(r.Name)] {
			return fmt.Errorf("seed: role name %q invalid or duplicated", r.Name)
		}
		seen[strings.ToLower(r.Name)] = true
	}
	for _, ip := range s.InstanceProfiles {
		for _, rn := range ip.Roles {
			if !seen[strings.ToLower(rn)] {
				return fmt.Errorf("seed: instance profile %q references unknown role %q", ip.Name, rn)
			}
		}
	}
	return nil
}

// clone returns a deep copy via JSON.
func (s *Seed) clone() *Seed {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	var out Seed
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return &out
}

// DefaultSeed mirrors the EKS workshop "carts" setup: account 123456789012 in
// us-west-2, ACTIVE cluster "eks-workshop" with managed node group "default"
// (node role "eks-workshop-node", trusted by ec2.amazonaws.com, in instance
// profile "eks-workshop-node", with an EC2_LINUX access entry), add-on
// "eks-pod-identity-agent", and DynamoDB table "Items" (hash key "id", GSI
// "idx_global_customerId" on "customerId", no stream).
func DefaultSeed() *Seed {
	const acct = "123456789012"
	nodeRole := "arn:aws:iam::" + acct + ":role/eks-workshop-node"
	s := &Seed{
		AccountID: acct,
		Region:    "us-west-2",
		Partition: "aws",
		Clusters: []SeedCluster{{
			Name:    "eks-workshop",
			Version: "1.33",
			Status:  "ACTIVE",
			NodeGroups: []SeedNodeGroup{{
				Name:        "default",
				NodeRoleARN: nodeRole,
			}},
			AccessEntries: []SeedAccessEntry{{PrincipalARN: nodeRole, Type: "EC2_LINUX"}},
			Addons: []SeedAddon{
				{Name: "eks-pod-identity-agent", Version: "v1.3.8-eksbuild.2"},
			},
			Tags: map[string]string{"created-by": "eks-workshop-v2", "env": "eks-workshop"},
		}},
		DynamoDBTables: []SeedTable{{
			Name:      "Items",
			KeySchema: []SeedKey{{AttributeName: "id", KeyType: "HASH", AttributeType: "S"}},
			GlobalSecondaryIndexes: []SeedIndex{{
				Name:      "idx_global_customerId",
				KeySchema: []SeedKey{{AttributeName: "customerId", KeyType: "HASH", AttributeType: "S"}},
			}},
		}},
		IAMRoles: []SeedRole{{
			Name:             "eks-workshop-node",
			Path:             "/",
			AssumeRolePolicy: json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
			AttachedPolicyARNs: []string{
				"arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
				"arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
				"arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
				"arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
			},
			Tags: map[string]string{"created-by": "eks-workshop-v2", "env": "eks-workshop"},
		}},
		InstanceProfiles: []SeedInstanceProfile{{Name: "eks-workshop-node", Roles: []string{"eks-workshop-node"}}},
	}
	if err := s.normalize(); err != nil {
		panic(err)
	}
	return s
}
