package awsemu

import (
	"crypto/sha1"
	"strings"
	"sync"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

// managedPolicy is an AWS managed policy as IAM serves it: the emulator
// takes them from leastpriv's embedded catalogue (the same documents the
// checker evaluates), so the repository holds one copy of the data.
type managedPolicy struct {
	Name     string
	ARN      string // in partition "aws"
	Version  string
	Document string
}

var (
	managedOnce  sync.Once
	managedByARN map[string]*managedPolicy // ARN with partition "aws"
)

func loadManaged() {
	infos, err := leastpriv.AWSManagedPolicies()
	if err != nil {
		panic("awsemu: managed policies: " + err.Error())
	}
	managedByARN = make(map[string]*managedPolicy, len(infos))
	for _, in := range infos {
		doc, _, err := leastpriv.AWSManagedPolicyDocument(in.ARN)
		if err != nil {
			panic("awsemu: managed policies: " + err.Error())
		}
		managedByARN[in.ARN] = &managedPolicy{Name: in.Name, ARN: in.ARN, Version: in.DefaultVersion, Document: string(doc)}
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
