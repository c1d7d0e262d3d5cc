//go:build generate

// Package tools pins the documentation and lint tooling, kept in a module of
// its own so that its dependencies never reach the provider's go.mod.
package tools

import (
	_ "github.com/golangci/golangci-lint/v2/cmd/golangci-lint"
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
)
