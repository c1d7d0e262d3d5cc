#!/usr/bin/env bash
# CI's proof that a release builds: goreleaser check, then a --snapshot
# release of every target into dist/ (no publishing, a placeholder instead of
# the GPG signature), then checks of what a user and the registry get:
#   - one provider zip per target, listed with the registry manifest in
#     SHA256SUMS, and the signature file;
#   - podidentity-check and awsemu archives, each with a .sha256 that
#     sha256sum -c accepts;
#   - podidentity-check --version and the provider report the release version.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export GOTOOLCHAIN=local
goreleaser="$root/bin/goreleaser"
"$goreleaser" check
start=$(date +%s)
"$goreleaser" release --snapshot --clean --parallelism "$(nproc 2>/dev/null || echo 2)" >"$root/bin/release-check.log" 2>&1 || { cat "$root/bin/release-check.log" >&2; exit 1; }
echo "goreleaser --snapshot: $(( $(date +%s) - start ))s" >&2

fail() { echo "release-check: $*" >&2; exit 1; }
meta="$(cat dist/metadata.json)"
version="$(sed -n 's/.*"version":"\([^"]*\)".*/\1/p' <<<"$meta")"
[ -n "$version" ] || fail "no version in dist/metadata.json"
p=terraform-provider-podidentity

provider_targets="darwin_amd64 darwin_arm64 freebsd_386 freebsd_amd64 freebsd_arm freebsd_arm64 linux_386 linux_amd64 linux_arm linux_arm64 windows_386 windows_amd64 windows_arm64"
tool_targets="darwin_amd64 darwin_arm64 linux_amd64 linux_arm64 windows_amd64 windows_arm64"
sums="dist/${p}_${version}_SHA256SUMS"
[ -f "$sums" ] || fail "missing $sums"
[ -f "$sums.sig" ] || fail "missing $sums.sig"
grep -q " ${p}_${version}_manifest.json\$" "$sums" || fail "the manifest is not in $sums"
for t in $provider_targets; do
  z="${p}_${version}_${t}.zip"
  [ -f "dist/$z" ] || fail "missing dist/$z"
  grep -q " $z\$" "$sums" || fail "$z is not in $sums"
done
n="$(grep -c . "$sums")"
[ "$n" -eq "$(( $(wc -w <<<"$provider_targets") + 1 ))" ] || fail "$sums lists $n files, want the provider zips and the manifest only"
for tool in podidentity-check awsemu; do
  for t in $tool_targets; do
    case "$t" in windows_*) ext=zip ;; *) ext=tar.gz ;; esac
    a="${tool}_${version}_${t}.${ext}"
    [ -f "dist/$a" ] || fail "missing dist/$a"
    [ -f "dist/$a.sha256" ] || fail "missing dist/$a.sha256"
    (cd dist && sha256sum -c --quiet "$a.sha256") || fail "dist/$a.sha256 does not match"
  done
done

host="$(go env GOOS)_$(go env GOARCH)"
check_bin="$(find dist -path "*podidentity-check_${host}*" -name podidentity-check -type f -print -quit)"
[ -n "$check_bin" ] || fail "no podidentity-check build for $host in dist/"
got="$("$check_bin" --version)"
[ "$got" = "podidentity-check $version" ] || fail "podidentity-check --version printed \"$got\", want \"podidentity-check $version\""
prov_bin="$(find dist -path "*provider_${host}*" -name "${p}_v${version}" -type f -print -quit)"
[ -n "$prov_bin" ] || fail "no provider build for $host in dist/"
# -trimpath keeps -ldflags out of the build info: look for the version the
# provider reports to Terraform (main.version, set with -X) in its data.
grep -aq -- "$version" "$prov_bin" || fail "the provider was not built with -X main.version=${version}"
echo "release-check: $version: $(wc -w <<<"$provider_targets") provider targets, $(wc -w <<<"$tool_targets") targets each for podidentity-check and awsemu, checksums and versions verified" >&2
