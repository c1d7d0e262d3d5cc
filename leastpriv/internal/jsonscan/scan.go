// Package jsonscan is the fast path of the plan reader (package tfplan)
// and of leastpriv's policy parser: a JSON scanner over a document held in memory, and a decoder of
// validated JSON values to any. Both decline (ErrDecline) what they cannot
// read exactly as encoding/json does; the caller then uses its reference
// reader.
package jsonscan

import (
	"encoding/binary"
	"errors"
	"io"

	"github.com/go-json-experiment/json/jsontext"
)

// ErrDecline is returned for input the fast path does not read itself:
// the caller reads it with its reference reader instead.
var ErrDecline = errors.New("jsonscan: the fast JSON reader declined the input")

// Scanner is a JSON scanner over a document held in memory (a plan, a
// policy): the same tokens and values as a jsontext.Decoder with duplicate
// names allowed, several times faster since it only does what the fast
// walks need. It is stricter, never laxer, than jsontext: it declines
// (ErrDecline) what it does not validate itself (escaped surrogates, deep
// nesting; the caller checks the UTF-8), and the caller then reads the
// document with its encoding/json reference reader.
//
// Why hand-written: on the 20,000-resource plan (47.6 MB, podidentity-check,
// 7 runs each, interleaved, 2 cores) the fast walk with Scanner and Any
// takes 0.18 s best, 0.19 s median, 94 MB peak RSS; with jsontext.Decoder
// and encoding/json in their place, 0.28 s, 0.29 s and 110 MB. That 1.5x is
// the margin above the goal of 10x conftest (3.1 s).
type Scanner struct {
	buf []byte
	pos int
	// stack holds the open containers ('{' or '['); state is where the
	// scanner is in the innermost one.
	stack []byte
	state scanState
	err   error
}

type scanState uint8

const (
	scanStart      scanState = iota // before the top-level value
	scanDone                        // after the top-level value
	scanFirst                       // after '{' or '['
	scanAfterName                   // after an object member name
	scanValue                       // expecting a value (after ':' or ',' in an array)
	scanName                        // expecting a name (after ',' in an object)
	scanAfterValue                  // after a value in a container
)

// maxDepth is far below jsontext's and encoding/json's limits
// (10000): deeper plans are left to them.
const maxDepth = 1000

// NewScanner returns a scanner of buf. It reads any bytes, but only
// checks the JSON syntax: the caller checks that buf is valid UTF-8.
func NewScanner(buf []byte) *Scanner {
	return &Scanner{buf: buf, stack: make([]byte, 0, 32)}
}

// Reset makes s scan buf from the start.
func (s *Scanner) Reset(buf []byte) {
	*s = Scanner{buf: buf, stack: s.stack[:0]}
}

func (s *Scanner) fail() jsontext.Kind {
	if s.err == nil {
		s.err = ErrDecline
	}
	return 0
}

func (s *Scanner) skipSpace() {
	b, i := s.buf, s.pos
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	s.pos = i
}

// PeekKind consumes whitespace and separators and returns the kind of the
// next token, or 0 at the end of the input or on an error.
func (s *Scanner) PeekKind() jsontext.Kind {
	if s.err != nil {
		return 0
	}
	s.skipSpace()
	if s.pos >= len(s.buf) {
		return s.fail()
	}
	c := s.buf[s.pos]
	switch s.state {
	case scanDone:
		return s.fail()
	case scanAfterName:
		if c != ':' {
			return s.fail()
		}
		s.pos++
		s.state = scanValue
		s.skipSpace()
	case scanAfterValue:
		top := s.stack[len(s.stack)-1]
		switch {
		case c == '}' && top == '{', c == ']' && top == '[':
			return jsontext.Kind(c)
		case c == ',':
			s.pos++
			if top == '{' {
				s.state = scanName
			} else {
				s.state = scanValue
			}
			s.skipSpace()
		default:
			return s.fail()
		}
	case scanFirst:
		top := s.stack[len(s.stack)-1]
		if c == '}' && top == '{' || c == ']' && top == '[' {
			return jsontext.Kind(c)
		}
		if top == '{' {
			s.state = scanName
		} else {
			s.state = scanValue
		}
	}
	if s.pos >= len(s.buf) {
		return s.fail()
	}
	c = s.buf[s.pos]
	if s.state == scanName && c != '"' {
		return s.fail()
	}
	switch {
	case c == '{' || c == '[' || c == '"' || c == 't' || c == 'f' || c == 'n':
		return jsontext.Kind(c)
	case c == '-' || c >= '0' && c <= '9':
		return '0'
	}
	return s.fail()
}

// ReadToken reads a delimiter, or returns io.EOF after the top-level value.
func (s *Scanner) ReadToken() (jsontext.Token, error) {
	if s.err != nil {
		return jsontext.Token{}, s.err
	}
	if s.state == scanDone {
		s.skipSpace()
		if s.pos == len(s.buf) {
			return jsontext.Token{}, io.EOF
		}
		s.fail()
		return jsontext.Token{}, s.err
	}
	switch k := s.PeekKind(); k {
	case '{', '[':
		if len(s.stack) >= maxDepth {
			s.fail()
			return jsontext.Token{}, s.err
		}
		s.stack = append(s.stack, byte(k))
		s.pos++
		s.state = scanFirst
		if k == '{' {
			return jsontext.BeginObject, nil
		}
		return jsontext.BeginArray, nil
	case '}', ']':
		s.stack = s.stack[:len(s.stack)-1]
		s.pos++
		s.ended()
		if k == '}' {
			return jsontext.EndObject, nil
		}
		return jsontext.EndArray, nil
	}
	s.fail()
	return jsontext.Token{}, s.err
}

// ended sets the state after a value.
func (s *Scanner) ended() {
	if len(s.stack) == 0 {
		s.state = scanDone
	} else {
		s.state = scanAfterValue
	}
}

// ReadValue reads the next value (or object member name) whole.
func (s *Scanner) ReadValue() (jsontext.Value, error) {
	k := s.PeekKind()
	if k == 0 || k == '}' || k == ']' {
		s.fail()
		return nil, s.err
	}
	start := s.pos
	name := s.state == scanName
	end, ok := valueEnd(s.buf, start, len(s.stack))
	if !ok {
		s.fail()
		return nil, s.err
	}
	s.pos = end
	if name {
		s.state = scanAfterName
	} else {
		s.ended()
	}
	return jsontext.Value(s.buf[start:end:end]), nil
}

// SkipValue skips the next value.
func (s *Scanner) SkipValue() error {
	_, err := s.ReadValue()
	return err
}

// InputOffset is the offset just after the last value or token read.
func (s *Scanner) InputOffset() int64 { return int64(s.pos) }

// scanValue validates the JSON value at b[i:] (no leading space) and
// returns its end. depth is the nesting depth around it.
func valueEnd(b []byte, i, depth int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch c := b[i]; {
	case c == '"':
		return scanString(b, i)
	case c == '{' || c == '[':
		return scanComposite(b, i, depth)
	case c == 't':
		return scanLiteral(b, i, "true")
	case c == 'f':
		return scanLiteral(b, i, "false")
	case c == 'n':
		return scanLiteral(b, i, "null")
	case c == '-' || c >= '0' && c <= '9':
		return scanNumber(b, i)
	}
	return 0, false
}

func scanLiteral(b []byte, i int, lit string) (int, bool) {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return 0, false
	}
	return i + len(lit), true
}

// scanNumber checks the JSON number grammar.
func scanNumber(b []byte, i int) (int, bool) {
	digits := func() bool {
		j := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i > j
	}
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case !digits():
		return 0, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			return 0, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return 0, false
		}
	}
	return i, true
}

// stringTable marks the bytes that end the plain run of a string.
var stringTable = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// scanString checks a string (the input is valid UTF-8): no control
// characters, valid escapes; an escaped surrogate is declined.
func scanString(b []byte, i int) (int, bool) {
	i++
	for {
		// Eight bytes at a time while none is a quote, a backslash or a
		// control character (the tests are exact for "none").
		for i+8 <= len(b) {
			w := binary.LittleEndian.Uint64(b[i:])
			q := w ^ 0x2222222222222222
			e := w ^ 0x5c5c5c5c5c5c5c5c
			const ones, highs = 0x0101010101010101, 0x8080808080808080
			if ((w-0x20*ones)&^w|(q-ones)&^q|(e-ones)&^e)&highs != 0 {
				break
			}
			i += 8
		}
		for i < len(b) && !stringTable[b[i]] {
			i++
		}
		if i >= len(b) {
			return 0, false
		}
		switch b[i] {
		case '"':
			return i + 1, true
		case '\\':
			if i+1 >= len(b) {
				return 0, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) {
					return 0, false
				}
				r := rune(0)
				for _, h := range b[i+2 : i+6] {
					switch {
					case h >= '0' && h <= '9':
						r = r<<4 | rune(h-'0')
					case h >= 'a' && h <= 'f':
						r = r<<4 | rune(h-'a'+10)
					case h >= 'A' && h <= 'F':
						r = r<<4 | rune(h-'A'+10)
					default:
						return 0, false
					}
				}
				if r >= 0xD800 && r <= 0xDFFF {
					return 0, false
				}
				i += 6
			default:
				return 0, false
			}
		default:
			return 0, false // a control character
		}
	}
}

func scanSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// scanComposite checks an object or array.
func scanComposite(b []byte, i, depth int) (int, bool) {
	depth++
	if depth > maxDepth {
		return 0, false
	}
	obj := b[i] == '{'
	closer := byte(']')
	if obj {
		closer = '}'
	}
	i = scanSpace(b, i+1)
	if i < len(b) && b[i] == closer {
		return i + 1, true
	}
	for {
		var ok bool
		if obj {
			if i >= len(b) || b[i] != '"' {
				return 0, false
			}
			if i, ok = scanString(b, i); !ok {
				return 0, false
			}
			i = scanSpace(b, i)
			if i >= len(b) || b[i] != ':' {
				return 0, false
			}
			i = scanSpace(b, i+1)
		}
		if i, ok = valueEnd(b, i, depth); !ok {
			return 0, false
		}
		i = scanSpace(b, i)
		if i >= len(b) {
			return 0, false
		}
		if b[i] == closer {
			return i + 1, true
		}
		if b[i] != ',' {
			return 0, false
		}
		i = scanSpace(b, i+1)
	}
}
