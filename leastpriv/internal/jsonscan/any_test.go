package jsonscan

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestPlanFastAnyMatchesEncodingJSON checks that Any decodes
// objects and arrays as encoding/json does, or declines them.
func TestPlanFastAnyMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`{}`, `[]`, ` { } `, `[ ]`, `{"a":1,"b":[true,false,null,"x"],"c":{"d":-1.5e3}}`,
		`{"a":1,"a":2}`, `[{"a":[]},{},[[]],"\u00e9\n\"\\"]`, "{\n\t\"k\" : [ 1 , 2 ] \r\n}",
		`[0, -0, 1E2, 1e-2, 123456789012345678901234567890]`, `{"\u0061":"b"}`,
		`[1e999]`, `{"a":1e400}`,
	} {
		var want any
		werr := json.Unmarshal([]byte(in), &want)
		got, gerr := Any([]byte(in))
		if gerr != nil {
			if werr == nil && gerr != ErrDecline {
				t.Errorf("%s: error %v, want %v", in, gerr, want)
			}
			continue
		}
		if werr != nil {
			t.Errorf("%s: accepted, encoding/json: %v", in, werr)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %#v, want %#v", in, got, want)
		}
	}
}
