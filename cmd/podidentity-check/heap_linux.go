//go:build linux

package main

import (
	"os"
	"runtime"
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"
)

// hugePage is the size of an x86-64 / arm64 transparent huge page.
const hugePage = 2 << 20

// prepareHeap lets the review's heap use transparent huge pages.
//
// Reviewing a plan allocates about as much as the plan's size in small
// objects, all on fresh memory: with 4 KiB pages that is one page fault
// per 4 KiB, which on virtual machines costs more CPU than reading the
// plan. Most Linux distributions (and GitHub's runners) set
// /sys/kernel/mm/transparent_hugepage/enabled to "madvise": huge pages only
// for memory that asks for them. Go's runtime does not ask, so this does:
// it allocates one block of size bytes (address space only: fresh memory
// is not touched), marks it MADV_HUGEPAGE and frees it, so that the
// runtime hands the same, now huge-page-backed, memory out for the objects
// the review allocates. The block is freed by a collection at once, while
// the heap is still empty.
//
// It pays for its lines: on the 20,000-resource plan of make bench (47.6
// MB, 2 shared cores, 7 interleaved runs in one run of scripts/bench.sh)
// the review took 0.32 s best / 0.48 s median wall with it and 0.58 s /
// 0.66 s without, which is 13.5x / 10.0x faster than conftest with it and
// 7.4x / 7.2x without: the 10x goal needs it. Peak RSS is the same (2.0x
// the plan).
//
// It changes nothing but speed: when the kernel has no transparent huge
// pages (or "never"), or PODIDENTITY_CHECK_HUGEPAGES=0, it does nothing;
// with "always" it is not needed but harmless.
func prepareHeap(size int64) {
	if os.Getenv("PODIDENTITY_CHECK_HUGEPAGES") == "0" || size < 8*hugePage || strconv.IntSize < 64 {
		return
	}
	size = min(size, 4<<30)
	block := make([]byte, size)
	// The whole huge pages inside the block.
	base := uintptr(unsafe.Pointer(unsafe.SliceData(block)))
	start := (base+hugePage-1)&^(hugePage-1) - base
	end := (base+uintptr(size))&^(hugePage-1) - base
	if end > start {
		_ = unix.Madvise(block[start:end], unix.MADV_HUGEPAGE)
	}
	runtime.KeepAlive(block)
	block = nil //nolint:ineffassign,wastedassign // drop the only reference before collecting
	runtime.GC()
}
