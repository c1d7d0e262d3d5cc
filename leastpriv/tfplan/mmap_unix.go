//go:build unix

package tfplan

import (
	"io"
	"os"
	"syscall"
)

// planMapFile maps the rest of a regular file into memory, read-only, so that
// a big plan is read without copying it into the Go heap (where it would
// also raise the garbage collector's goal). It returns ok false when f
// cannot be mapped; release unmaps it.
//
// Measured on the 20,000-resource plan (47.6 MB; podidentity-check, 7 runs
// each, interleaved, 2 cores): mapped, best 0.20 s, median 0.23 s, peak RSS
// 95.4 MB; read into the heap, best 0.26 s, median 0.30 s, RSS 107 MB. So
// mapping is kept: 1.3x faster and 11% less memory for these 30 lines.
// MAP_POPULATE (one more build-tagged file) gained under 5% and was dropped.
func planMapFile(f *os.File) (data []byte, release func(), ok bool) {
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() <= 0 || fi.Size() > 1<<40 {
		return nil, nil, false
	}
	off, err := f.Seek(0, io.SeekCurrent)
	if err != nil || off >= fi.Size() {
		return nil, nil, false
	}
	m, err := syscall.Mmap(int(f.Fd()), 0, int(fi.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil, false
	}
	// Consume the input, as reading it would.
	_, _ = f.Seek(0, io.SeekEnd)
	return m[off:], func() { _ = syscall.Munmap(m) }, true
}
