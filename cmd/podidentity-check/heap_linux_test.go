//go:build linux

package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

var heapTestSink [][]byte

// TestPrepareHeapHugePages checks, in fresh processes, that after
// prepareHeap most small objects the review allocates live in memory the
// kernel may back with transparent huge pages (THPeligible in
// /proc/self/smaps), and that PODIDENTITY_CHECK_HUGEPAGES=0 leaves the heap
// alone.
func TestPrepareHeapHugePages(t *testing.T) {
	if os.Getenv("PREPARE_HEAP_HELPER") == "1" {
		prepareHeap(96 << 20)
		n, of := eligibleShare(t, allocSmall(32<<20))
		fmt.Printf("eligible %d of %d\n", n, of)
		return
	}
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || strings.Contains(string(mode), "[never]") {
		t.Skipf("no transparent huge pages here (%q, %v)", mode, err)
	}
	always := strings.Contains(string(mode), "[always]")
	share := func(setting string) (n, of int) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestPrepareHeapHugePages$", "-test.count=1")
		cmd.Env = append(os.Environ(), "PREPARE_HEAP_HELPER=1", "PODIDENTITY_CHECK_HUGEPAGES="+setting)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("helper: %v\n%s", err, out)
		}
		i := strings.Index(string(out), "eligible ")
		if i < 0 {
			t.Fatalf("helper printed no result:\n%s", out)
		}
		if _, err := fmt.Sscanf(string(out[i:]), "eligible %d of %d", &n, &of); err != nil {
			t.Fatalf("helper output: %v\n%s", err, out)
		}
		return n, of
	}
	if n, of := share(""); n < of/2 {
		t.Errorf("after prepareHeap, %d of %d objects are in huge-page eligible memory, want most", n, of)
	}
	if n, of := share("0"); n > of/4 && !always {
		t.Errorf("PODIDENTITY_CHECK_HUGEPAGES=0: %d of %d objects in huge-page eligible memory, want (almost) none", n, of)
	}
}

// allocSmall allocates size bytes of 512-byte objects, as the review
// allocates small objects, and returns the address of every 256th.
func allocSmall(size int) []uintptr {
	heapTestSink = make([][]byte, 0, size/512)
	var sample []uintptr
	for i := range size / 512 {
		b := make([]byte, 512)
		heapTestSink = append(heapTestSink, b)
		if i%256 == 0 {
			sample = append(sample, uintptr(unsafe.Pointer(&b[0])))
		}
	}
	return sample
}

// eligibleShare counts the addresses that are in huge-page eligible
// memory.
func eligibleShare(t *testing.T, addrs []uintptr) (n, of int) {
	t.Helper()
	for _, a := range addrs {
		if eligible(t, a) {
			n++
		}
	}
	return n, len(addrs)
}

// eligible reports whether addr is in a mapping with THPeligible: 1.
func eligible(t *testing.T, addr uintptr) bool {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	in := false
	for sc.Scan() {
		line := sc.Text()
		if lo, hi, ok := strings.Cut(strings.Fields(line)[0], "-"); ok && !strings.HasSuffix(lo, ":") {
			l, err1 := strconv.ParseUint(lo, 16, 64)
			h, err2 := strconv.ParseUint(hi, 16, 64)
			if err1 == nil && err2 == nil {
				in = uint64(addr) >= l && uint64(addr) < h
				continue
			}
		}
		if in && strings.HasPrefix(line, "THPeligible:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "THPeligible:")) == "1"
		}
	}
	t.Fatalf("address %#x not found in /proc/self/smaps", addr)
	return false
}
