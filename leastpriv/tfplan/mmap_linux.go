//go:build linux

package tfplan

import "syscall"

// planMapPopulate has the kernel map the whole file at once instead of one
// page fault per page.
const planMapPopulate = syscall.MAP_POPULATE
