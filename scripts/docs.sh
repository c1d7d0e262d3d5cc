#!/usr/bin/env bash
# Regenerates docs/ with tfplugindocs. tfplugindocs would download a
# Terraform CLI to read the provider's schema; instead the schema is read
# with the repo's OpenTofu build and handed over as a file.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export GOTOOLCHAIN=local CHECKPOINT_DISABLE=1
# The rules reference guide is generated from leastpriv's rule table and
# examples/rules (examples/rules_test.go); tfplugindocs then renders it.
UPDATE_DOCS=1 go test -count=1 -run '^TestRulesReference$' ./examples >/dev/null
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
plat="$(go env GOOS)_$(go env GOARCH)"
plugdir="$tmp/plugins/registry.opentofu.org/hashicorp/podidentity/0.0.1/$plat"
mkdir -p "$plugdir"
go build -o "$plugdir/terraform-provider-podidentity" .
printf 'provider "podidentity" {}\n' > "$tmp/main.tf"
printf 'disable_checkpoint = true\n' > "$tmp/tofu.rc"
export TF_CLI_CONFIG_FILE="$tmp/tofu.rc"
(cd "$tmp" && "$root/bin/tofu" init -input=false -plugin-dir=./plugins >/dev/null)
(cd "$tmp" && "$root/bin/tofu" providers schema -json) |
  sed 's#"registry.opentofu.org/hashicorp/podidentity"#"podidentity"#' > "$tmp/schema.json"
"$root/bin/tfplugindocs" generate --provider-name podidentity --rendered-provider-name podidentity \
  --providers-schema "$tmp/schema.json"
"$root/bin/tfplugindocs" validate --provider-name podidentity --providers-schema "$tmp/schema.json"
