package leastpriv

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The generated catalogue is up to date with data/dynamodb-actions.tsv:
// regenerate it into a temporary directory and compare.
func TestCatalogueGeneratedFileUpToDate(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs the generator with go run")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	out := filepath.Join(t.TempDir(), "catalogue_gen.go")
	cmd := exec.Command(goBin, "run", "gen_catalogue.go", "-data", "data", "-o", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run gen_catalogue.go: %v\n%s", err, b)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("catalogue_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("catalogue_gen.go is out of date: run `go generate ./leastpriv`")
	}
}

func TestCatalogue(t *testing.T) {
	t.Parallel()
	acts := DynamoDBActions()
	if len(acts) != 79 {
		t.Errorf("catalogue has %d actions, want 79", len(acts))
	}
	counts := map[ActionClass]int{}
	for _, a := range acts {
		counts[a.Class]++
		if a.WildcardResourceOnly != (len(a.ResourceTypes) == 0) {
			t.Errorf("%s: WildcardResourceOnly %v with types %v", a.Name, a.WildcardResourceOnly, a.ResourceTypes)
		}
		for _, rt := range a.ResourceTypes {
			if _, ok := DynamoDBResourceTypeARN(rt); !ok {
				t.Errorf("%s: resource type %q has no ARN template", a.Name, rt)
			}
		}
	}
	for _, c := range []ActionClass{ClassItemRead, ClassItemWrite, ClassStreamRead, ClassMetadataRead, ClassControlPlane, ClassDestructiveAdmin, ClassBulkData, ClassPermissions, ClassAccountLevel} {
		if counts[c] == 0 {
			t.Errorf("no action of class %s", c)
		}
	}
	tests := map[string]struct {
		name         string
		class        ActionClass
		wildcardOnly bool
		index        bool
	}{
		"GetItem":     {"dynamodb:getitem", ClassItemRead, false, false},
		"Query":       {"DynamoDB:Query", ClassItemRead, false, true},
		"ListStreams": {"dynamodb:ListStreams", ClassAccountLevel, true, false},
		"Records":     {"dynamodb:GetRecords", ClassStreamRead, false, false},
		"Describe":    {"dynamodb:DescribeStream", ClassMetadataRead, false, false},
		"ListTables":  {"dynamodb:ListTables", ClassAccountLevel, true, false},
		"Export":      {"dynamodb:ExportTableToPointInTime", ClassBulkData, false, false},
		"PutPolicy":   {"dynamodb:PutResourcePolicy", ClassPermissions, false, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			a, ok := LookupDynamoDBAction(tc.name)
			if !ok {
				t.Fatalf("%s not found", tc.name)
			}
			if a.Class != tc.class || a.WildcardResourceOnly != tc.wildcardOnly || a.AcceptsResourceType("index") != tc.index {
				t.Errorf("%+v", a)
			}
		})
	}
	if _, ok := LookupDynamoDBAction("dynamodb:TransactWriteItems"); ok {
		t.Error("TransactWriteItems is not an IAM action")
	}
}
