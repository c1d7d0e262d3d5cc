package jsonscan

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// fuzzSeeds are JSON documents for the fuzz targets: nested values, every
// scalar, escapes, duplicated names, numbers out of range.
var fuzzSeeds = []string{
	`{}`, `[]`, ` { } `, `{"a":1,"b":[true,false,null,"x"],"c":{"d":-1.5e3}}`,
	`{"a":1,"a":2}`, `[{"a":[]},{},[[]],"\u00e9\n\"\\"]`, "{\n\t\"k\" : [ 1 , 2 ] \r\n}",
	`[0, -0, 1E2, 1e-2, 123456789012345678901234567890]`, `{"\u0061":"b"}`,
	`[1e999]`, `{"a":1e400}`, `"s"`, `1`, `null`, `["\ud83d\ude00","\ud800"]`,
	`{"format_version":"1.2","resource_changes":[{"address":"aws_iam_role.r","change":{"after":{"name":"a"}}}]}`,
}

// FuzzAny compares Any with encoding/json on valid JSON without
// surrounding white space (the input Any is given): whatever Any does not decline, it decodes as json.Unmarshal
// into an any does.
func FuzzAny(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) || !utf8.Valid(b) {
			return
		}
		got, err := Any(bytes.Trim(b, " \t\r\n")) // one value, as Scanner.ReadValue returns it
		if err != nil {
			if err != ErrDecline {
				t.Fatalf("error %v, want ErrDecline", err)
			}
			return
		}
		var want any
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatalf("Any accepted it, encoding/json: %v", err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Any = %#v, encoding/json %#v", got, want)
		}
	})
}

// FuzzScanner compares Scanner with jsontext (duplicate names allowed, as
// the plan walk configures it): whatever Scanner reads without declining,
// jsontext reads the same tokens and values from.
func FuzzScanner(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !utf8.Valid(b) {
			return // the caller checks the UTF-8
		}
		got, err := walk(NewScanner(b))
		if err != nil {
			return
		}
		want, werr := walk(jsontext.NewDecoder(bytes.NewBuffer(b), jsontext.AllowDuplicateNames(true)))
		if werr != nil {
			t.Fatalf("Scanner accepted it, jsontext: %v", werr)
		}
		if got != want {
			t.Fatalf("Scanner read %q, jsontext %q", got, want)
		}
	})
}
