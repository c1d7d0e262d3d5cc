package awsemu

import (
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	_ "embed"
	"encoding/json"
	"strings"
	"sync"
)

// aws-managed-policies-all.json.gz: {"policies": {NAME: {"arn","version","document"}}}
//
//go:embed data/aws-managed-policies-all.json.gz
var managedPoliciesGz []byte

type managedPolicy struct {
	Name     string          `json:"-"`
	ARN      string          `json:"arn"`
	Version  string          `json:"version"`
	Document json.RawMessage `json:"document"`
}

var (
	managedOnce  sync.Once
	managedByARN map[string]*managedPolicy // ARN with partition "aws"
)

func loadManaged() {
	managedByARN = map[string]*managedPolicy{}
	zr, err := gzip.NewReader(bytes.NewReader(managedPoliciesGz))
	if err != nil {
		panic("awsemu: managed policies: " + err.Error())
	}
	var f struct {
		Policies map[string]*managedPolicy `json:"policies"`
	}
	if err := json.NewDecoder(zr).Decode(&f); err != nil {
		panic("awsemu: managed policies: " + err.Error())
	}
	for name, p := range f.Policies {
		p.Name = name
		managedByARN[p.ARN] = p
	}
}

// awsManagedPolicy finds an AWS managed policy by ARN in any partition.
func awsManagedPolicy(arn string) *managedPolicy {
	managedOnce.Do(loadManaged)
	// normalise arn:PARTITION:iam::aws:policy/... to partition "aws"
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) == 3 {
		arn = "arn:aws:" + parts[2]
	}
	return managedByARN[arn]
}

// ManagedPolicyCount is the number of embedded AWS managed policies.
func ManagedPolicyCount() int {
	managedOnce.Do(loadManaged)
	return len(managedByARN)
}

// stableID derives an IAM-style id (prefix + 17 upper alnum) from a string.
func stableID(prefix, s string) string {
	sum := sha1.Sum([]byte(s))
	var b strings.Builder
	b.WriteString(prefix)
	for i := 0; i < 17; i++ {
		b.WriteByte(upperAlnum[int(sum[i])%len(upperAlnum)])
	}
	return b.String()
}
