//go:build unix && !linux

package leastpriv

const planMapPopulate = 0
