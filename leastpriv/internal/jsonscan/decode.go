package jsonscan

import (
	"bytes"
	"strconv"
	"sync"

	"github.com/go-json-experiment/json/jsontext"
)

// String unquotes a raw JSON string.
func String(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return string(inner), true
	}
	// Unquote into a pooled buffer: the string conversion is then the
	// only allocation (policy documents are JSON in JSON strings, full of
	// escapes).
	bp := unquoteBufs.Get().(*[]byte) //nolint:forcetypeassert // only *[]byte is stored
	b, err := jsontext.AppendUnquote((*bp)[:0], raw)
	s := string(b)
	if cap(b) <= 64<<10 {
		*bp = b
		unquoteBufs.Put(bp)
	}
	if err != nil {
		return "", false
	}
	return s, true
}

var unquoteBufs = sync.Pool{New: func() any { return new([]byte) }}

// Any decodes one JSON value, already validated (syntax and UTF-8) and
// without surrounding white space (as Scanner.ReadValue returns it), into an
// any as encoding/json does: objects as map[string]any (the last of
// duplicated names winning), arrays as []any, numbers as float64. It
// returns ErrDecline for anything it cannot decode identically (a number
// out of range...).
func Any(raw []byte) (any, error) {
	if len(raw) == 0 {
		return nil, ErrDecline
	}
	switch c := raw[0]; {
	case c == 'n':
		return nil, nil
	case c == 't':
		return true, nil
	case c == 'f':
		return false, nil
	case c == '"':
		s, ok := String(raw)
		if !ok {
			return nil, ErrDecline
		}
		return s, nil
	case c == '-' || c >= '0' && c <= '9':
		v, err := strconv.ParseFloat(string(raw), 64)
		if err != nil {
			return nil, ErrDecline
		}
		return v, nil
	}
	// An object or array: raw was validated by the walk (syntax, UTF-8),
	// so a plain recursive descent reads it as encoding/json would.
	x, rest, ok := composite(raw)
	if !ok || len(skipSpace(rest)) != 0 {
		return nil, ErrDecline
	}
	return x, nil
}

func skipSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r') {
		b = b[1:]
	}
	return b
}

// composite decodes the JSON value at the start of b, already
// validated, into an any as encoding/json does (objects as map[string]any,
// the last of duplicated names winning; arrays as []any; numbers as
// float64), and returns the rest of b. ok is false for anything it cannot
// decode identically (a number out of range...).
func composite(b []byte) (x any, rest []byte, ok bool) {
	b = skipSpace(b)
	if len(b) == 0 {
		return nil, nil, false
	}
	switch c := b[0]; {
	case c == '{':
		m := map[string]any{}
		b = skipSpace(b[1:])
		if len(b) > 0 && b[0] == '}' {
			return m, b[1:], true
		}
		for {
			n := stringEnd(b)
			if n < 0 {
				return nil, nil, false
			}
			key, ok := String(b[:n])
			if !ok {
				return nil, nil, false
			}
			b = skipSpace(b[n:])
			if len(b) == 0 || b[0] != ':' {
				return nil, nil, false
			}
			var v any
			v, b, ok = composite(b[1:])
			if !ok {
				return nil, nil, false
			}
			m[key] = v
			b = skipSpace(b)
			if len(b) == 0 {
				return nil, nil, false
			}
			if b[0] == '}' {
				return m, b[1:], true
			}
			if b[0] != ',' {
				return nil, nil, false
			}
			b = skipSpace(b[1:])
		}
	case c == '[':
		l := []any{}
		b = skipSpace(b[1:])
		if len(b) > 0 && b[0] == ']' {
			return l, b[1:], true
		}
		for {
			var v any
			v, b, ok = composite(b)
			if !ok {
				return nil, nil, false
			}
			l = append(l, v)
			b = skipSpace(b)
			if len(b) == 0 {
				return nil, nil, false
			}
			if b[0] == ']' {
				return l, b[1:], true
			}
			if b[0] != ',' {
				return nil, nil, false
			}
			b = b[1:]
		}
	case c == '"':
		n := stringEnd(b)
		if n < 0 {
			return nil, nil, false
		}
		s, ok := String(b[:n])
		return s, b[n:], ok
	case c == 'n':
		if len(b) < 4 || string(b[:4]) != "null" {
			return nil, nil, false
		}
		return nil, b[4:], true
	case c == 't':
		if len(b) < 4 || string(b[:4]) != "true" {
			return nil, nil, false
		}
		return true, b[4:], true
	case c == 'f':
		if len(b) < 5 || string(b[:5]) != "false" {
			return nil, nil, false
		}
		return false, b[5:], true
	case c == '-' || c >= '0' && c <= '9':
		n := 1
		for n < len(b) && (b[n] >= '0' && b[n] <= '9' || b[n] == '.' || b[n] == 'e' || b[n] == 'E' || b[n] == '+' || b[n] == '-') {
			n++
		}
		v, err := strconv.ParseFloat(string(b[:n]), 64)
		if err != nil {
			return nil, nil, false
		}
		return v, b[n:], true
	}
	return nil, nil, false
}

// stringEnd returns the length of the JSON string at the start of
// b, quotes included, or -1.
func stringEnd(b []byte) int {
	if len(b) == 0 || b[0] != '"' {
		return -1
	}
	for i := 1; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}
