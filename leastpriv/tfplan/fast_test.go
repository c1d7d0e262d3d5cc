package tfplan

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv/internal/jsonscan"

	"github.com/eks-podidentity/terraform-provider-podidentity/bench/planfixture"
)

// planFastSeeds are the scenario plans and a generated one.
func planFastSeeds(t testing.TB) map[string][]byte {
	t.Helper()
	seeds := map[string][]byte{}
	// plan.json (OpenTofu) and plan-terraform.json (Terraform).
	paths, err := filepath.Glob(filepath.Join("testdata", "plans", "*", "plan*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no scenario plans: %v", err)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		seeds[filepath.Base(filepath.Dir(p))+"/"+filepath.Base(p)] = b
	}
	var buf bytes.Buffer
	if err := planfixture.Write(&buf, 300); err != nil {
		t.Fatal(err)
	}
	seeds["generated-300"] = buf.Bytes()
	return seeds
}

// planDataEqual compares what the fast reader (a) and the reference reader
// (b) decode. The fast reader does not keep the values of prior_state
// resources that a resource_changes entry shadows (newPlanResolver never
// reads them): they are left out of b too.
func planDataEqual(a, b *planData) bool {
	shadow := map[string]bool{}
	for _, res := range b.changes {
		shadow[res.Address] = true
	}
	y := *b
	y.prior = map[string]*planResource{}
	for addr, res := range b.prior {
		if shadow[addr] {
			r := *res
			r.Values = nil
			res = &r
		}
		y.prior[addr] = res
	}
	return reflect.DeepEqual(a, &y)
}

// TestDecodePlanFastMatchesStream checks that the fast reader reads every
// scenario plan itself (no fallback) and exactly as the reference reader.
func TestDecodePlanFastMatchesStream(t *testing.T) {
	t.Parallel()
	for name, b := range planFastSeeds(t) {
		t.Run(name, func(t *testing.T) {
			fast, err := decodePlanFast(b)
			if err != nil {
				t.Fatalf("fast reader declined the plan: %v", err)
			}
			ref, err := decodePlanStream(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if !planDataEqual(fast, ref) {
				t.Errorf("fast reader differs from the reference reader")
			}
		})
	}
}

// TestDecodePlanFastEdgeCases covers inputs the fast reader must read as
// encoding/json does, or leave to the reference reader.
func TestDecodePlanFastEdgeCases(t *testing.T) {
	t.Parallel()
	const head = `{"format_version":"1.2","resource_changes":[`
	tests := map[string]struct {
		input    string
		fallback bool
	}{
		"null entry":          {input: head + `null]}`},
		"null change":         {input: head + `{"address":"a","type":"aws_iam_role","change":null}]}`},
		"null fields":         {input: head + `{"address":null,"type":"aws_iam_role","index":null,"change":{"actions":null,"after":null}}]}`},
		"escaped names":       {input: head + `{"addr\u0065ss":"a\"b","type":"aws_iam_role","change":{"actions":["create"],"after":{"n\u0061me":"x\u00e9","name":"y"}}}]}`},
		"duplicate attribute": {input: head + `{"address":"a","type":"aws_iam_role","change":{"actions":["create"],"after":{"name":"x","name":"y"}}}]}`},
		"irrelevant type":     {input: head + `{"address":"a","type":"aws_s3_bucket","change":{"actions":["create"],"after":"not an object"}}]}`},
		"index kinds":         {input: head + `{"address":"a","type":"aws_iam_role","index":"k","change":{"actions":["create"]}},{"address":"b","type":"aws_iam_role","index":1.5e3,"change":{"actions":["delete"]}},{"address":"c","type":"aws_iam_role","index":{"x":[1]},"change":{"actions":[]}}]}`},
		"deposed":             {input: head + `{"address":"a","type":"aws_iam_role","deposed":"00","change":{"actions":["delete"]}}]}`},
		"prior state":         {input: `{"format_version":"1.2","prior_state":{"values":{"root_module":{"resources":[null,{"address":"aws_iam_role.r","mode":"managed","type":"aws_iam_role","values":{"name":"r","arn":"arn:aws:iam::1:role/r"}}],"child_modules":[null,{"address":"module.m","resources":[{"address":"module.m.aws_iam_role.r","type":"aws_iam_role","values":null}]}]}}}}`},
		"folded field name":   {input: head + `{"Address":"a","type":"aws_iam_role","change":{"actions":["create"]}}]}`, fallback: true},
		"kelvin sign":         {input: head + `{"address":"a","type":"aws_iam_role","change":{"actions":["create"],"after_un\u212anown":{}}}]}`, fallback: true},
		"duplicate field":     {input: head + `{"address":"a","address":"b","type":"aws_iam_role","change":{"actions":["create"]}}]}`, fallback: true},
		"big number":          {input: head + `{"address":"a","type":"aws_iam_role","change":{"actions":["create"],"after":{"name":1e999}}}]}`, fallback: true},
		"big irrelevant":      {input: head + `{"address":"a","type":"aws_iam_role","change":{"actions":["create"],"after":{"tags":1e999}}}]}`},
		"relevant not object": {input: head + `{"address":"a","type":"aws_iam_role","change":{"actions":["create"],"after":[]}}]}`, fallback: true},
		"invalid utf-8":       {input: head + "{\"address\":\"a\xff\",\"type\":\"aws_iam_role\",\"change\":{\"actions\":[\"create\"]}}]}", fallback: true},
		"lone surrogate":      {input: head + `{"address":"a\ud800","type":"aws_iam_role","change":{"actions":["create"]}}]}`, fallback: true},
		"number type":         {input: head + `{"address":7}]}`, fallback: true},
		"trailing data":       {input: `{"format_version":"1.2"} {}`, fallback: true},
		"planned_values":      {input: `{"format_version":"1.2","planned_values":{"outputs":{},"root_module":{"resources":[{"x":1}],"child_modules":[{"resources":null}]}}}`},
		"shadowed prior":      {input: `{"format_version":"1.2","prior_state":{"values":{"root_module":{"resources":[{"address":"aws_iam_role.r","type":"aws_iam_role","values":{"name":"old","tags":1e999}},{"address":"aws_iam_role.p","type":"aws_iam_role","values":{"name":"p"}}]}}},"resource_changes":[{"address":"aws_iam_role.r","type":"aws_iam_role","change":{"actions":["update"],"after":{"name":"new"}}}]}`},
		"shadowed prior bad":  {input: `{"format_version":"1.2","prior_state":{"values":{"root_module":{"resources":[{"address":"aws_iam_role.r","type":"aws_iam_role","values":{"name":1e999}}]}}},"resource_changes":[{"address":"aws_iam_role.r","type":"aws_iam_role","change":{"actions":["update"],"after":{"name":"new"}}}]}`, fallback: true},
		"prior after changes": {input: `{"format_version":"1.2","resource_changes":[{"address":"aws_iam_role.r","type":"aws_iam_role","change":{"actions":["update"],"after":{"name":"new"}}}],"prior_state":{"values":{"root_module":{"resources":[{"address":"aws_iam_role.r","type":"aws_iam_role","values":[]}]}}}}`},
		"planned_values type": {input: `{"format_version":"1.2","planned_values":{"root_module":{"resources":{}}}}`, fallback: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := []byte(tc.input)
			ref, refErr := decodePlanStream(bytes.NewReader(b))
			fast, err := decodePlanFast(b)
			if tc.fallback {
				if err == nil {
					t.Fatalf("fast reader accepted input it must leave to the reference reader")
				}
			} else if err != nil {
				t.Fatalf("fast reader declined: %v (reference: %v)", err, refErr)
			}
			if err == nil {
				if refErr != nil {
					t.Fatalf("fast reader accepted input the reference reader rejects: %v", refErr)
				}
				if !planDataEqual(fast, ref) {
					t.Errorf("fast reader differs from the reference reader:\n%+v\n%+v", fast, ref)
				}
			}
			// Through decodePlan the result is always the reference one.
			got, gotErr := decodePlan(bytes.NewReader(b))
			if (gotErr == nil) != (refErr == nil) || (gotErr != nil && gotErr.Error() != refErr.Error()) {
				t.Fatalf("decodePlan error %v, reference %v", gotErr, refErr)
			}
			if gotErr == nil && !planDataEqual(got, ref) {
				t.Errorf("decodePlan differs from the reference reader")
			}
		})
	}
}

// TestReviewFileMapped reads a plan through a mapped *os.File, from the
// start and after part of it was read, as from a reader.
func TestReviewFileMapped(t *testing.T) {
	t.Parallel()
	path := filepath.Join("testdata", "plans", "launch_template_imds", "plan.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Review(bytes.NewReader(b), leastpriv.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := Review(f, leastpriv.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("mapped file review differs")
	}
	// A file positioned after some leading whitespace.
	tmp := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(tmp, append([]byte("   \n"), b...), 0o600); err != nil {
		t.Fatal(err)
	}
	g, err := os.Open(tmp)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if _, err := g.Read(make([]byte, 2)); err != nil {
		t.Fatal(err)
	}
	got, err = Review(g, leastpriv.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("review of a partly read file differs")
	}
	// An empty file is reported as empty input.
	empty := filepath.Join(t.TempDir(), "empty.json")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	e, err := os.Open(empty)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if _, err := Review(e, leastpriv.CheckOptions{}); err == nil || !strings.Contains(err.Error(), "empty input") {
		t.Errorf("empty file: error %v", err)
	}
}

// FuzzDecodePlanFast compares the fast reader with the reference reader
// (decodePlanStream): whatever the fast reader accepts, the reference
// reads to the same plan; and decodePlan, fast reader and fallback
// together, gives the reference's plan or error.
func FuzzDecodePlanFast(f *testing.F) {
	for _, b := range planFastSeeds(f) {
		f.Add(b)
	}
	f.Add([]byte(`{"format_version":"1.2","resource_changes":[{"address":"module.a[\"x\"].aws_iam_role.r[0]","type":"aws_iam_role","change":{"actions":["create"],"after":{"name":"a","name":null},"after_unknown":{"name":true}}}],"configuration":{"root_module":{}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ref, rerr := decodePlanStream(bytes.NewReader(b))
		if fast, err := decodePlanFast(b); err == nil {
			if rerr != nil {
				t.Fatalf("fast reader accepted input the reference reader rejects: %v", rerr)
			}
			if !planDataEqual(fast, ref) {
				t.Fatalf("fast reader differs from the reference reader")
			}
		}
		got, err := decodePlan(bytes.NewReader(b))
		if (err == nil) != (rerr == nil) || err != nil && err.Error() != rerr.Error() {
			t.Fatalf("decodePlan error %v, reference %v", err, rerr)
		}
		if err == nil && !planDataEqual(got, ref) {
			t.Fatalf("decodePlan differs from the reference reader")
		}
	})
}

// TestPlanAnalyseDocs checks that the documents Review analyses while it
// builds the inventory give Check the same findings as analysing them in
// Check.
func TestPlanAnalyseDocs(t *testing.T) {
	t.Parallel()
	seeds := planFastSeeds(t)
	var buf bytes.Buffer
	if err := planfixture.Write(&buf, 2000); err != nil {
		t.Fatal(err)
	}
	seeds["generated-2000"] = buf.Bytes()
	for name, b := range seeds {
		t.Run(name, func(t *testing.T) {
			p, err := decodePlan(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			pre := p.analyseDocs()()
			want := leastpriv.Check(p.inventory(), leastpriv.CheckOptions{})
			got := leastpriv.CheckAnalysed(p.inventory(), leastpriv.CheckOptions{}, pre)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("findings with analysed documents differ:\n%v\n%v", got, want)
			}
			if name == "generated-2000" && pre == nil {
				t.Errorf("no documents analysed")
			}
		})
	}
}

// TestPlanScannerReadsScenarios checks that the fast walk reads every
// scenario plan with Scanner itself, and as the reference reader.
func TestPlanScannerReadsScenarios(t *testing.T) {
	t.Parallel()
	for name, b := range planFastSeeds(t) {
		if !utf8.Valid(b) {
			t.Fatalf("%s: invalid UTF-8", name)
		}
		fast, err := decodePlanFastWith(b, jsonscan.NewScanner(b))
		if err != nil {
			t.Fatalf("%s: Scanner declined the plan: %v", name, err)
		}
		ref, err := decodePlanStream(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if !planDataEqual(fast, ref) {
			t.Errorf("%s: fast reader with Scanner differs from the reference reader", name)
		}
	}
}
