package jsonscan

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// tokens is what walk reads from: a *Scanner or the *jsontext.Decoder it
// is compared with.
type tokens interface {
	PeekKind() jsontext.Kind
	ReadToken() (jsontext.Token, error)
	ReadValue() (jsontext.Value, error)
}

// walk walks a whole document as the fast plan walk does (names
// and scalars with ReadValue, containers with ReadToken, some values
// skipped whole) and records what it read.
func walk(d tokens) (string, error) {
	var out strings.Builder
	var value func(skip bool) error
	value = func(skip bool) error {
		k := d.PeekKind()
		switch {
		case skip:
			v, err := d.ReadValue()
			out.WriteString("V")
			out.Write(v)
			return err
		case k == '{' || k == '[':
			if _, err := d.ReadToken(); err != nil {
				return err
			}
			out.WriteByte(byte(k))
			n := 0
			for {
				c := d.PeekKind()
				if c == '}' || c == ']' {
					break
				}
				if c == 0 {
					_, err := d.ReadValue()
					return errors.Join(err, ErrDecline)
				}
				if k == '{' {
					name, err := d.ReadValue()
					if err != nil {
						return err
					}
					out.WriteString("N")
					out.Write(name)
				}
				if err := value(n%3 == 2); err != nil {
					return err
				}
				n++
			}
			_, err := d.ReadToken()
			out.WriteByte(byte(k) + 2)
			return err
		}
		v, err := d.ReadValue()
		out.WriteString("S")
		out.Write(v)
		out.WriteString(" ")
		return err
	}
	if err := value(false); err != nil {
		return "", err
	}
	if _, err := d.ReadToken(); err != io.EOF {
		return "", errors.Join(err, ErrDecline)
	}
	return out.String(), nil
}

// TestPlanScannerMatchesJSONText checks that whatever Scanner accepts,
// jsontext (as the fast walk configures it) accepts and reads the same way,
// on hand-written and randomly mutated documents.
func TestPlanScannerMatchesJSONText(t *testing.T) {
	t.Parallel()
	valid := []string{
		`{}`, `[]`, ` { "a" : [ 1 , -2.5e+3 , 0 , true , false , null , "x" ] , "b" : { } } ` + "\n",
		`{"a":{"b":[[],[{}],{"c":"\"\\\/\b\f\n\r\t\u00e9\u20AC"}]},"a":1}`,
		`[0.5,-0,1E5,1e-5,"é€😀"]`, `"s"`, `1`, `null`,
	}
	invalid := []string{
		``, ` `, `{`, `}`, `{"a" 1}`, `{"a":1,}`, `[1,]`, `[01]`, `{"a":1}}`, "{\"a\":\"\x01\"}",
		`["\q"]`, `[1 2]`, `{,}`, `{"a":-}`, `{"a":1.}`, `{"a":1e}`, `{"a":tru}`, `{"a":1}{}`,
		`{1:2}`, `[:]`, `{"a"}`, `["\u12"]`, `["\ud800"]`, `["\ud83d\ude00"]`, "[\"\xff\"]", `[-01]`,
		`{"a":[}`, `[{]}`, `{"a":1 "b":2}`, `[.5]`, `[+1]`, `[nul]`, `{"a":nulls}`, `[1]x`,
		strings.Repeat("[", 1001) + strings.Repeat("]", 1001),
	}
	check := func(doc string) (accepted bool) {
		b := []byte(doc)
		var got string
		var err error
		if utf8.Valid(b) {
			got, err = walk(NewScanner(b))
		} else {
			err = ErrDecline
		}
		want, werr := walk(jsontext.NewDecoder(bytes.NewBuffer(b), jsontext.AllowDuplicateNames(true)))
		if err != nil {
			return false
		}
		if werr != nil {
			t.Errorf("%q: Scanner accepted it, jsontext: %v", doc, werr)
		} else if got != want {
			t.Errorf("%q: Scanner read %q, jsontext %q", doc, got, want)
		}
		return true
	}
	for _, doc := range valid {
		if !check(doc) {
			t.Errorf("%q: Scanner declined it", doc)
		}
	}
	for _, doc := range invalid {
		if check(doc) {
			t.Errorf("%q: Scanner accepted it", doc)
		}
	}
	// Random mutations of the valid documents.
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = "{}[],:\" \\/0123456789.eE+-tfnulrsaxbu\x01\xff"
	for range 50000 {
		b := []byte(valid[rng.IntN(len(valid))])
		for range 1 + rng.IntN(3) {
			i := rng.IntN(len(b) + 1)
			c := alphabet[rng.IntN(len(alphabet))]
			switch rng.IntN(3) {
			case 0:
				b = append(b[:i], append([]byte{c}, b[i:]...)...)
			case 1:
				if i < len(b) {
					b = append(b[:i], b[i+1:]...)
				}
			default:
				if i < len(b) {
					b[i] = c
				}
			}
		}
		check(string(b))
	}
}
