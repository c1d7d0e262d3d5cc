#!/usr/bin/env bash
# Builds the OpenTofu CLI used by the acceptance tests from the Go module
# proxy, once, into bin/tofu. `go install` refuses OpenTofu (its go.mod has a
# replace directive), so the module is downloaded, copied and built in place.
#
# No pipeline here ends in a reader that stops early (head, grep -q): under
# `set -o pipefail` the writer's SIGPIPE (exit 141) would fail the script, as
# it did on every cold build. Outputs are captured first, then inspected.
# scripts/check-build-tofu-cold.sh runs the cold path against a stub `go`.
#
# Environment: TOFU_VERSION, BUILD_TOFU_OUT (default bin/tofu),
# XDG_CACHE_HOME (the build is cached under it, outside the work tree).
set -euo pipefail
TOFU_VERSION="${TOFU_VERSION:-v1.12.6}"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${BUILD_TOFU_OUT:-$root/bin/tofu}"

# is_pinned BIN: BIN runs and reports the pinned version.
is_pinned() {
  local v
  [ -x "$1" ] || return 1
  v="$(TF_CLI_CONFIG_FILE=/dev/null "$1" version -json 2>/dev/null)" || return 1
  [[ "$v" == *"\"terraform_version\": \"${TOFU_VERSION#v}\""* ]]
}

if is_pinned "$out"; then
  exit 0
fi
mkdir -p "$(dirname "$out")"
# A build outside the work tree survives fresh clones of the repo (CI).
cache="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-podidentity/tofu-${TOFU_VERSION}"
if is_pinned "$cache"; then
  cp "$cache" "$out"
  exit 0
fi
export GOTOOLCHAIN=local GOFLAGS=-mod=mod
echo "building OpenTofu ${TOFU_VERSION} from source into $out: needed once (then cached in ${cache%/*}); takes about 5-10 minutes..." >&2
dl="$(go mod download -json "github.com/opentofu/opentofu@${TOFU_VERSION}")"
dir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' <<<"$dl")"
[ -n "$dir" ] || { echo "could not download github.com/opentofu/opentofu@${TOFU_VERSION}" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp -r "$dir"/. "$tmp"/
chmod -R u+w "$tmp"
(cd "$tmp" && go build -trimpath -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" -o "$out.tmp" ./cmd/tofu)
mv "$out.tmp" "$out"
mkdir -p "$(dirname "$cache")" && cp "$out" "$cache" || true
version="$(TF_CLI_CONFIG_FILE=/dev/null "$out" version)"
echo "built: ${version%%$'\n'*}" >&2
