package awsemu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strings"
)

// av is a DynamoDB AttributeValue in its awsJson1.0 form: exactly one of
// S, N, B, BOOL, NULL, M, L, SS, NS, BS.
type av struct {
	S    *string         `json:"S,omitempty"`
	N    *string         `json:"N,omitempty"`
	B    []byte          `json:"B,omitempty"`
	BOOL *bool           `json:"BOOL,omitempty"`
	NULL *bool           `json:"NULL,omitempty"`
	M    *map[string]*av `json:"M,omitempty"`
	L    *[]*av          `json:"L,omitempty"`
	SS   []string        `json:"SS,omitempty"`
	NS   []string        `json:"NS,omitempty"`
	BS   [][]byte        `json:"BS,omitempty"`
}

// item is a DynamoDB item.
type item map[string]*av

func (a *av) typ() string {
	switch {
	case a == nil:
		return ""
	case a.S != nil:
		return "S"
	case a.N != nil:
		return "N"
	case a.B != nil:
		return "B"
	case a.BOOL != nil:
		return "BOOL"
	case a.NULL != nil:
		return "NULL"
	case a.M != nil:
		return "M"
	case a.L != nil:
		return "L"
	case a.SS != nil:
		return "SS"
	case a.NS != nil:
		return "NS"
	case a.BS != nil:
		return "BS"
	}
	return ""
}

// validate checks that exactly one type is set, recursively, and that
// numbers parse (as DynamoDB does).
func (a *av) validate() error {
	if a == nil {
		return fmt.Errorf("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
	}
	n := 0
	for _, set := range []bool{a.S != nil, a.N != nil, a.B != nil, a.BOOL != nil, a.NULL != nil, a.M != nil, a.L != nil, a.SS != nil, a.NS != nil, a.BS != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes")
	}
	switch {
	case a.N != nil:
		if _, ok := parseNum(*a.N); !ok {
			return fmt.Errorf("The parameter cannot be converted to a numeric value: %s", *a.N)
		}
	case a.NS != nil:
		for _, x := range a.NS {
			if _, ok := parseNum(x); !ok {
				return fmt.Errorf("The parameter cannot be converted to a numeric value: %s", x)
			}
		}
	case a.M != nil:
		for _, v := range *a.M {
			if err := v.validate(); err != nil {
				return err
			}
		}
	case a.L != nil:
		for _, v := range *a.L {
			if err := v.validate(); err != nil {
				return err
			}
		}
	case a.SS != nil && len(a.SS) == 0, a.NS != nil && len(a.NS) == 0, a.BS != nil && len(a.BS) == 0:
		return fmt.Errorf("One or more parameter values were invalid: An string set  may not be empty")
	}
	return nil
}

func parseNum(s string) (*big.Rat, bool) {
	r, ok := new(big.Rat).SetString(strings.TrimSpace(s))
	return r, ok && s != ""
}

// keyString is the canonical form of a key attribute (S, N or B).
func (a *av) keyString() string {
	switch {
	case a.S != nil:
		return "S" + *a.S
	case a.N != nil:
		r, _ := parseNum(*a.N)
		return "N" + r.RatString()
	case a.B != nil:
		return "B" + string(a.B)
	}
	return "?"
}

// compare orders two scalars of the same type (S, N, B); ok is false for
// other types or mixed types.
func compareAV(x, y *av) (int, bool) {
	if x == nil || y == nil || x.typ() != y.typ() {
		return 0, false
	}
	switch x.typ() {
	case "S":
		return strings.Compare(*x.S, *y.S), true
	case "N":
		a, _ := parseNum(*x.N)
		b, _ := parseNum(*y.N)
		return a.Cmp(b), true
	case "B":
		return bytes.Compare(x.B, y.B), true
	}
	return 0, false
}

// equalAV is DynamoDB's equality: same type and value (sets unordered).
func equalAV(x, y *av) bool {
	if x == nil || y == nil || x.typ() != y.typ() {
		return false
	}
	switch x.typ() {
	case "S", "N", "B":
		c, _ := compareAV(x, y)
		return c == 0
	case "BOOL":
		return *x.BOOL == *y.BOOL
	case "NULL":
		return true
	case "SS", "NS", "BS":
		return setKey(x) == setKey(y)
	}
	bx, _ := json.Marshal(x)
	by, _ := json.Marshal(y)
	var gx, gy any
	_ = json.Unmarshal(bx, &gx)
	_ = json.Unmarshal(by, &gy)
	cx, _ := json.Marshal(gx) // map keys sorted
	cy, _ := json.Marshal(gy)
	return bytes.Equal(cx, cy)
}

func setMembers(a *av) []*av {
	var out []*av
	for _, s := range a.SS {
		out = append(out, &av{S: &s})
	}
	for _, s := range a.NS {
		out = append(out, &av{N: &s})
	}
	for _, b := range a.BS {
		out = append(out, &av{B: b})
	}
	return out
}

func setKey(a *av) string {
	var ks []string
	for _, m := range setMembers(a) {
		ks = append(ks, m.keyString())
	}
	sort.Strings(ks)
	return strings.Join(ks, "\x00")
}

func (a *av) clone() *av {
	b, _ := json.Marshal(a)
	var out av
	_ = json.Unmarshal(b, &out)
	return &out
}

func (it item) clone() item {
	out := item{}
	for k, v := range it {
		out[k] = v.clone()
	}
	return out
}

// size is DynamoDB's item size approximation: names plus values.
func (it item) size() int {
	b, _ := json.Marshal(it)
	return len(b)
}
