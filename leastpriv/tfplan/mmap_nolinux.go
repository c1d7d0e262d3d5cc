//go:build unix && !linux

package tfplan

const planMapPopulate = 0
