//go:build !linux

package main

// prepareHeap is a no-op where transparent huge pages are not available;
// see heap_linux.go.
func prepareHeap(int64) {}
