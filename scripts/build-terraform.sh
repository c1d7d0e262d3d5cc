#!/usr/bin/env bash
# Builds a Terraform CLI used by the acceptance tests from the Go module proxy,
# once per version, into bin/terraform-<version> (default: the versions the
# project supports, see README "Supported versions"). Like build-tofu.sh the
# build is cached outside the work tree, so a fresh clone (CI) reuses it.
#
#   scripts/build-terraform.sh               # every supported version
#   scripts/build-terraform.sh v1.5.7        # one version
#
# Terraform 1.9 and later declare their remote-state backends (s3, gcs, ...)
# as nested modules replaced by relative paths; the module proxy's zip does
# not contain nested modules, so those backends are dropped from the copy that
# is built. The tests use the local backend only.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ "$#" -eq 0 ]; then
  # The oldest MPL release and the newest release the Go module proxy serves
  # that builds with this repository's Go.
  set -- v1.5.7 v1.13.3
fi
export GOTOOLCHAIN=local GOFLAGS=-mod=mod

# has_version BINARY VERSION: true when BINARY runs and reports VERSION.
# The output is captured before matching: no pipe a reader can close early.
has_version() {
  local out
  [ -x "$1" ] || return 1
  out="$(TF_CLI_CONFIG_FILE=/dev/null "$1" version -json 2>/dev/null)" || return 1
  case "$out" in
    *"\"terraform_version\": \"${2#v}\""*) return 0 ;;
  esac
  return 1
}

build_one() {
  local version="$1" out cache dir tmp
  out="$root/bin/terraform-${version#v}"
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-podidentity/terraform-${version}"
  mkdir -p "$root/bin"
  if has_version "$out" "$version"; then
    return 0
  fi
  if has_version "$cache" "$version"; then
    cp "$cache" "$out"
    return 0
  fi
  echo "building Terraform ${version} into bin/terraform-${version#v} (once; a few minutes)..." >&2
  dir="$(go mod download -json "github.com/hashicorp/terraform@${version}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -n "$dir" ] || { echo "could not download github.com/hashicorp/terraform@${version}" >&2; return 1; }
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' RETURN
  cp -r "$dir"/. "$tmp"/
  chmod -R u+w "$tmp"
  # Drop the nested modules the proxy does not serve (see above).
  local missing=() m
  while read -r m; do
    [ -d "$tmp/$m" ] || missing+=("$m")
  done < <(sed -n 's/^replace github.com\/hashicorp\/terraform\/[^ ]* => \.\/\(.*\)$/\1/p' "$tmp/go.mod")
  for m in "${missing[@]}"; do
    sed -i "\#github.com/hashicorp/terraform/${m}[ \"]#d" "$tmp/go.mod" "$tmp/internal/backend/init/init.go"
    case "$m" in
      internal/backend/remote-state/*)
        # The registration line names the import alias, e.g. backendS3.New().
        local alias
        alias="$(sed -n "s#^[[:space:]]*\(backend[A-Za-z0-9]*\) \"github.com/hashicorp/terraform/${m}\"#\1#p" "$dir/internal/backend/init/init.go")"
        [ -z "$alias" ] || sed -i "/${alias}\.New()/d" "$tmp/internal/backend/init/init.go"
        ;;
    esac
  done
  (cd "$tmp" && go build -trimpath -ldflags "-s -w -X github.com/hashicorp/terraform/version.dev=no" -o "$out.tmp" .)
  rm -rf "$tmp"
  mv "$out.tmp" "$out"
  mkdir -p "$(dirname "$cache")" && cp "$out" "$cache" || true
  has_version "$out" "$version" || { echo "bin/terraform-${version#v} does not report ${version}" >&2; return 1; }
  echo "built Terraform ${version}" >&2
}

for v in "$@"; do
  build_one "$v"
done
