package leastpriv

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestAWSManagedPoliciesMatchSource checks the public catalogue API (which
// the emulator serves IAM's AWS managed policies from) against the source
// file: every policy listed once, in ARN order, with its name, default
// version and document.
func TestAWSManagedPoliciesMatchSource(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile(filepath.Join("data", "aws-managed-policies-all.json.gz"))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Policies map[string]struct {
			ARN      string          `json:"arn"`
			Version  string          `json:"version"`
			Document json.RawMessage `json:"document"`
		} `json:"policies"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	list, err := AWSManagedPolicies()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != len(file.Policies) || len(list) < 1000 {
		t.Fatalf("%d policies listed, want %d", len(list), len(file.Policies))
	}
	for i, p := range list {
		if i > 0 && list[i-1].ARN >= p.ARN {
			t.Fatalf("not sorted by ARN at %d: %s, %s", i, list[i-1].ARN, p.ARN)
		}
		s, ok := file.Policies[p.Name]
		if !ok || s.ARN != p.ARN || s.Version != p.DefaultVersion || p.DefaultVersion == "" {
			t.Fatalf("listed %+v, source %s %s", p, s.ARN, s.Version)
		}
		doc, found, err := AWSManagedPolicyDocument(p.ARN)
		if err != nil || !found {
			t.Fatalf("%s: found %v, %v", p.ARN, found, err)
		}
		var want bytes.Buffer
		if err := json.Compact(&want, s.Document); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(doc, want.Bytes()) {
			t.Fatalf("%s: document differs from the source", p.Name)
		}
	}
}

// TestAWSManagedPolicyDocumentLookup covers partitions and misses.
func TestAWSManagedPolicyDocumentLookup(t *testing.T) {
	t.Parallel()
	for arn, want := range map[string]bool{
		"arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess":          true,
		"arn:aws-us-gov:iam::aws:policy/AmazonDynamoDBFullAccess":   true,
		"arn:aws:iam::aws:policy/NoSuchPolicyAnywhere":              false,
		"arn:aws:iam::123456789012:policy/AmazonDynamoDBFullAccess": false, // customer managed
		"not an arn": false,
	} {
		doc, found, err := AWSManagedPolicyDocument(arn)
		if err != nil || found != want || (found && !json.Valid(doc)) {
			t.Errorf("%s: found %v (want %v), valid %v, %v", arn, found, want, json.Valid(doc), err)
		}
	}
}

// TestManagedCatalogueCorrupt checks that a damaged catalogue is an error,
// never a panic or a wrong document.
func TestManagedCatalogueCorrupt(t *testing.T) {
	t.Parallel()
	good := managedPoliciesBin
	for _, n := range []int{0, 3, len(managedMagic) + 1, len(managedMagic) + 40, 40000, len(good) / 2} {
		if c := readManagedIndex(good[:n]); c.err == nil {
			t.Errorf("truncated to %d bytes: no error", n)
		}
	}
	bad := bytes.Clone(good)
	bad[0] = 'X'
	if c := readManagedIndex(bad); c.err == nil {
		t.Error("bad magic: no error")
	}
	// A damaged document is an error from document, not another policy.
	c := readManagedIndex(good)
	if c.err != nil {
		t.Fatal(c.err)
	}
	e := c.byARN["arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"]
	blob := bytes.Clone(c.blob)
	for k := e.off; k < e.off+e.size; k++ {
		blob[k] ^= 0x5a
	}
	c.blob = blob
	if doc, err := c.document(e); err == nil && json.Valid(doc) {
		t.Errorf("damaged document decompressed to valid JSON %q", doc)
	}
}
