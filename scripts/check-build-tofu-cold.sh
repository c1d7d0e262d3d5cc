#!/usr/bin/env bash
# CI check of scripts/build-tofu.sh's cold path (nothing in bin/, nothing in
# the cache), which a machine with a cached build never takes: a stub `go`
# on PATH fakes `go mod download -json` and `go build` (writing a fake tofu
# that prints a long version text, so an early-exiting reader would SIGPIPE
# it), and the script must exit 0 with the built binary in place and cached.
# Also fails if any pipefail script under scripts/ pipes into head or grep -q.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
version=v9.8.7

bad="$(grep -nE '\|[[:space:]]*(head|grep[[:space:]]+(-[a-zA-Z]*q|--quiet))' "$root"/scripts/*.sh "$root"/.ci/run | grep -v '^[^:]*:[0-9]*:[[:space:]]*#' || true)"
if [ -n "$bad" ]; then
  echo "pipelines that end in a reader which stops early (SIGPIPE under pipefail):" >&2
  echo "$bad" >&2
  exit 1
fi

mkdir -p "$tmp/stub" "$tmp/mod/cmd/tofu" "$tmp/cache" "$tmp/out"
cat >"$tmp/stub/go" <<STUB
#!/usr/bin/env bash
# stub go for check-build-tofu-cold.sh
set -euo pipefail
case "\$1 \${2:-}" in
"mod download")
  printf '{\n\t"Path": "github.com/opentofu/opentofu",\n\t"Version": "$version",\n\t"Dir": "$tmp/mod",\n\t"GoMod": "x"\n}\n' ;;
"build "*)
  o=""; while [ \$# -gt 0 ]; do [ "\$1" = -o ] && o="\$2"; shift; done
  cat >"\$o" <<'TOFU'
#!/usr/bin/env bash
if [ "\${1:-}" = version ] && [ "\${2:-}" = -json ]; then
  printf '{\n  "terraform_version": "${version#v}",\n  "platform": "linux_amd64"\n}\n'
  exit 0
fi
echo "OpenTofu $version"
echo "on linux_amd64"
# a long tail: a reader that stops after the first line makes this writer die of SIGPIPE
for i in \$(seq 20000); do echo "provider registry.opentofu.org/example/p\$i v1.0.0"; done
TOFU
  chmod +x "\$o" ;;
*) echo "stub go: unexpected \$*" >&2; exit 2 ;;
esac
STUB
chmod +x "$tmp/stub/go"

set +e
PATH="$tmp/stub:$PATH" TOFU_VERSION=$version XDG_CACHE_HOME="$tmp/cache" BUILD_TOFU_OUT="$tmp/out/tofu" \
  "$root/scripts/build-tofu.sh" 2>"$tmp/log"
rc=$?
set -e
cached="$tmp/cache/terraform-provider-podidentity/tofu-$version"
if [ "$rc" != 0 ] || [ ! -x "$tmp/out/tofu" ] || [ ! -x "$cached" ] || ! grep -q "built: OpenTofu $version" "$tmp/log"; then
  cat "$tmp/log" >&2
  echo "build-tofu.sh cold path: exit $rc (want 0, bin and cache filled, a 'built:' line)" >&2
  exit 1
fi
# Warm paths: the output and the cache are reused without building.
rm "$tmp/stub/go"
PATH="$tmp/stub:$PATH" TOFU_VERSION=$version XDG_CACHE_HOME="$tmp/cache" BUILD_TOFU_OUT="$tmp/out/tofu" "$root/scripts/build-tofu.sh"
rm "$tmp/out/tofu"
PATH="$tmp/stub:$PATH" TOFU_VERSION=$version XDG_CACHE_HOME="$tmp/cache" BUILD_TOFU_OUT="$tmp/out/tofu" "$root/scripts/build-tofu.sh"
[ -x "$tmp/out/tofu" ] || { echo "build-tofu.sh did not copy the cached build" >&2; exit 1; }
echo "build-tofu.sh cold and warm paths: ok"
