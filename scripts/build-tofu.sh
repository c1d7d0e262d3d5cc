#!/usr/bin/env bash
# Builds the OpenTofu CLI used by the acceptance tests from the Go module
# proxy, once, into bin/tofu. `go install` refuses OpenTofu (its go.mod has a
# replace directive), so the module is downloaded, copied and built in place.
set -euo pipefail
TOFU_VERSION="${TOFU_VERSION:-v1.12.6}"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/bin/tofu"
if [ -x "$out" ] && TF_CLI_CONFIG_FILE=/dev/null "$out" version -json 2>/dev/null | grep -q "\"terraform_version\": \"${TOFU_VERSION#v}\""; then
  exit 0
fi
mkdir -p "$root/bin"
# A build outside the work tree survives fresh clones of the repo (CI).
cache="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-podidentity/tofu-${TOFU_VERSION}"
if [ -x "$cache" ] && TF_CLI_CONFIG_FILE=/dev/null "$cache" version -json 2>/dev/null | grep -q "\"terraform_version\": \"${TOFU_VERSION#v}\""; then
  cp "$cache" "$out"
  exit 0
fi
export GOTOOLCHAIN=local GOFLAGS=-mod=mod
echo "building OpenTofu ${TOFU_VERSION} into bin/tofu (once; a few minutes)..." >&2
dir="$(go mod download -json "github.com/opentofu/opentofu@${TOFU_VERSION}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[ -n "$dir" ] || { echo "could not download github.com/opentofu/opentofu@${TOFU_VERSION}" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp -r "$dir"/. "$tmp"/
chmod -R u+w "$tmp"
(cd "$tmp" && go build -trimpath -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" -o "$out.tmp" ./cmd/tofu)
mv "$out.tmp" "$out"
mkdir -p "$(dirname "$cache")" && cp "$out" "$cache" || true
TF_CLI_CONFIG_FILE=/dev/null "$out" version | head -n1 >&2
