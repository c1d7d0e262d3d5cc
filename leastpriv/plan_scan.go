package leastpriv

import (
	"encoding/binary"
	"io"

	"github.com/go-json-experiment/json/jsontext"
)

// planTokens is what the fast plan walk needs of a JSON decoder: a
// *jsontext.Decoder (configured with planJSONOptions) or a *planScanner.
type planTokens interface {
	PeekKind() jsontext.Kind
	ReadToken() (jsontext.Token, error)
	ReadValue() (jsontext.Value, error)
	SkipValue() error
	InputOffset() int64
}

// planScanner is a JSON scanner over a plan held in memory, for the fast
// walk: the same tokens and values as a jsontext.Decoder with duplicate
// names allowed, several times faster since it only does what the walk
// needs. It is stricter, never laxer, than jsontext: it declines
// (errPlanFallback) what it does not validate itself (escaped surrogates,
// deep nesting; the caller checks the UTF-8), and decodePlanFast then
// walks the plan again with jsontext.
type planScanner struct {
	buf []byte
	pos int
	// stack holds the open containers ('{' or '['); state is where the
	// scanner is in the innermost one.
	stack []byte
	state planScanState
	err   error
}

type planScanState uint8

const (
	scanStart      planScanState = iota // before the top-level value
	scanDone                            // after the top-level value
	scanFirst                           // after '{' or '['
	scanAfterName                       // after an object member name
	scanValue                           // expecting a value (after ':' or ',' in an array)
	scanName                            // expecting a name (after ',' in an object)
	scanAfterValue                      // after a value in a container
)

// planScanMaxDepth is far below jsontext's and encoding/json's limits
// (10000): deeper plans are left to them.
const planScanMaxDepth = 1000

// newPlanScanner returns a scanner of buf. It reads any bytes, but only
// checks the JSON syntax: the caller checks that buf is valid UTF-8.
func newPlanScanner(buf []byte) *planScanner {
	return &planScanner{buf: buf, stack: make([]byte, 0, 32)}
}

// reset has s scan buf, known to be valid UTF-8.
func (s *planScanner) reset(buf []byte) {
	*s = planScanner{buf: buf, stack: s.stack[:0]}
}

func (s *planScanner) fail() jsontext.Kind {
	if s.err == nil {
		s.err = errPlanFallback
	}
	return 0
}

func (s *planScanner) skipSpace() {
	b, i := s.buf, s.pos
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	s.pos = i
}

// PeekKind consumes whitespace and separators and returns the kind of the
// next token, or 0 at the end of the input or on an error.
func (s *planScanner) PeekKind() jsontext.Kind {
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
func (s *planScanner) ReadToken() (jsontext.Token, error) {
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
		if len(s.stack) >= planScanMaxDepth {
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
func (s *planScanner) ended() {
	if len(s.stack) == 0 {
		s.state = scanDone
	} else {
		s.state = scanAfterValue
	}
}

// ReadValue reads the next value (or object member name) whole.
func (s *planScanner) ReadValue() (jsontext.Value, error) {
	k := s.PeekKind()
	if k == 0 || k == '}' || k == ']' {
		s.fail()
		return nil, s.err
	}
	start := s.pos
	name := s.state == scanName
	end, ok := planScanValue(s.buf, start, len(s.stack))
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
func (s *planScanner) SkipValue() error {
	_, err := s.ReadValue()
	return err
}

// InputOffset is the offset just after the last value or token read.
func (s *planScanner) InputOffset() int64 { return int64(s.pos) }

// planScanValue validates the JSON value at b[i:] (no leading space) and
// returns its end. depth is the nesting depth around it.
func planScanValue(b []byte, i, depth int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch c := b[i]; {
	case c == '"':
		return planScanString(b, i)
	case c == '{' || c == '[':
		return planScanComposite(b, i, depth)
	case c == 't':
		return planScanLiteral(b, i, "true")
	case c == 'f':
		return planScanLiteral(b, i, "false")
	case c == 'n':
		return planScanLiteral(b, i, "null")
	case c == '-' || c >= '0' && c <= '9':
		return planScanNumber(b, i)
	}
	return 0, false
}

func planScanLiteral(b []byte, i int, lit string) (int, bool) {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return 0, false
	}
	return i + len(lit), true
}

// planScanNumber checks the JSON number grammar.
func planScanNumber(b []byte, i int) (int, bool) {
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

// planScanStringTable marks the bytes that end the plain run of a string.
var planScanStringTable = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// planScanString checks a string (the input is valid UTF-8): no control
// characters, valid escapes; an escaped surrogate is declined.
func planScanString(b []byte, i int) (int, bool) {
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
		for i < len(b) && !planScanStringTable[b[i]] {
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

func planScanSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// planScanComposite checks an object or array.
func planScanComposite(b []byte, i, depth int) (int, bool) {
	depth++
	if depth > planScanMaxDepth {
		return 0, false
	}
	obj := b[i] == '{'
	closer := byte(']')
	if obj {
		closer = '}'
	}
	i = planScanSpace(b, i+1)
	if i < len(b) && b[i] == closer {
		return i + 1, true
	}
	for {
		var ok bool
		if obj {
			if i >= len(b) || b[i] != '"' {
				return 0, false
			}
			if i, ok = planScanString(b, i); !ok {
				return 0, false
			}
			i = planScanSpace(b, i)
			if i >= len(b) || b[i] != ':' {
				return 0, false
			}
			i = planScanSpace(b, i+1)
		}
		if i, ok = planScanValue(b, i, depth); !ok {
			return 0, false
		}
		i = planScanSpace(b, i)
		if i >= len(b) {
			return 0, false
		}
		if b[i] == closer {
			return i + 1, true
		}
		if b[i] != ',' {
			return 0, false
		}
		i = planScanSpace(b, i+1)
	}
}
