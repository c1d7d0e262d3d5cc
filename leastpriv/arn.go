package leastpriv

import (
	"fmt"
	"strings"
)

// ARN is an Amazon Resource Name split into its segments. Any segment may
// hold the IAM globs `*` and `?` when the ARN is a policy Resource pattern.
// Resource is everything after the fifth colon and may itself contain
// colons and slashes.
type ARN struct {
	Partition string
	Service   string
	Region    string
	Account   string
	Resource  string
}

// ParseARN splits s into the segments of an ARN:
// arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE. Globs are allowed in every
// segment. The bare pattern "*" is not an ARN; callers handle it first.
func ParseARN(s string) (ARN, error) {
	if !strings.HasPrefix(s, "arn:") {
		return ARN{}, fmt.Errorf("ARN %q: must start with \"arn:\"", s)
	}
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 {
		return ARN{}, fmt.Errorf("ARN %q: expected 6 colon-separated segments (arn:partition:service:region:account:resource), got %d", s, len(parts))
	}
	a := ARN{Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4], Resource: parts[5]}
	if a.Partition == "" {
		return ARN{}, fmt.Errorf("ARN %q: partition is empty", s)
	}
	if a.Service == "" {
		return ARN{}, fmt.Errorf("ARN %q: service is empty", s)
	}
	if a.Resource == "" {
		return ARN{}, fmt.Errorf("ARN %q: resource is empty", s)
	}
	return a, nil
}

// String reassembles the ARN.
func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.Account + ":" + a.Resource
}

// HasGlob reports whether any segment of the ARN contains `*` or `?`.
func (a ARN) HasGlob() bool { return hasGlob(a.String()) }

func hasGlob(s string) bool { return strings.ContainsAny(s, "*?") }
