package tfplan_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv/tfplan"

	"github.com/eks-podidentity/terraform-provider-podidentity/bench/planfixture"
	"github.com/eks-podidentity/terraform-provider-podidentity/leastpriv"
)

// BenchmarkReview reads and checks generated plans of several sizes
// (see bench/planfixture). Time and bytes/op should grow linearly; the
// MB/s figure is throughput over the plan's size. scripts/bench.sh also
// measures the CLI's peak RSS and compares with conftest.
func BenchmarkReview(b *testing.B) {
	for _, n := range []int{1000, 5000, 20000} {
		var buf bytes.Buffer
		if err := planfixture.Write(&buf, n); err != nil {
			b.Fatal(err)
		}
		plan := buf.Bytes()
		b.Run(fmt.Sprintf("resources=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(plan)))
			b.ReportAllocs()
			for b.Loop() {
				review, err := tfplan.Review(bytes.NewReader(plan), leastpriv.CheckOptions{})
				if err != nil {
					b.Fatal(err)
				}
				if len(review.Findings) == 0 {
					b.Fatal("no findings in the generated plan")
				}
			}
		})
	}
}

// BenchmarkReviewFile is BenchmarkReview on plan files, as the
// podidentity-check CLI reads them (mapped into memory instead of copied
// into the heap).
func BenchmarkReviewFile(b *testing.B) {
	for _, n := range []int{1000, 5000, 20000} {
		path := filepath.Join(b.TempDir(), "plan.json")
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		if err := planfixture.Write(f, n); err != nil {
			b.Fatal(err)
		}
		size, _ := f.Seek(0, 1)
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("resources=%d", n), func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				review, err := tfplan.ReviewFile(path, leastpriv.CheckOptions{})
				if err != nil {
					b.Fatal(err)
				}
				if len(review.Findings) == 0 {
					b.Fatal("no findings in the generated plan")
				}
			}
		})
	}
}

// BenchmarkRead measures the plan reader alone.
func BenchmarkRead(b *testing.B) {
	var buf bytes.Buffer
	if err := planfixture.Write(&buf, 5000); err != nil {
		b.Fatal(err)
	}
	plan := buf.Bytes()
	b.SetBytes(int64(len(plan)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tfplan.Read(bytes.NewReader(plan)); err != nil {
			b.Fatal(err)
		}
	}
}
