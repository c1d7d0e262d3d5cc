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

// TestManagedCatalogueMatchesSource checks the generated catalogue
// (data/aws-managed-policies.bin) against its source: every policy of
// data/aws-managed-policies-all.json.gz, same name, ARN and document (white
// space aside). A stale or corrupt .bin fails here: run `go generate
// ./leastpriv`.
func TestManagedCatalogueMatchesSource(t *testing.T) {
	t.Parallel()
	cat := managedCatalogue()
	if cat.err != nil {
		t.Fatal(cat.err)
	}
	src, err := os.ReadFile(filepath.Join("data", "aws-managed-policies-all.json.gz"))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Policies map[string]struct {
			ARN      string          `json:"arn"`
			Document json.RawMessage `json:"document"`
		} `json:"policies"`
	}
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	if len(cat.byARN) != len(file.Policies) || len(cat.byARN) < 1000 {
		t.Fatalf("%d policies, want %d", len(cat.byARN), len(file.Policies))
	}
	for name, p := range file.Policies {
		e, ok := cat.byARN[p.ARN]
		if !ok || e.name != name || e.arn != p.ARN {
			t.Fatalf("policy %s: index entry %+v", name, e)
		}
		doc, err := cat.document(e)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := json.Compact(&want, p.Document); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(doc, want.Bytes()) {
			t.Fatalf("policy %s: document differs", name)
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
