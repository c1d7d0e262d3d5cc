#!/usr/bin/env bash
# goreleaser's signs (see .goreleaser.yml). Scripts rather than sh -c,
# because goreleaser expands $VAR and $1 in a sign's arguments itself.
#
#   release-sign.sh registry release|snapshot ARTIFACT SIGNATURE
#     the registry's detached GPG signature of SHA256SUMS, with the key
#     GPG_FINGERPRINT names; a snapshot (CI) writes a placeholder instead.
#   release-sign.sh sha256 ARTIFACT SIGNATURE
#     a sha256sum-format checksum file of ARTIFACT (sha256sum -c accepts it).
set -euo pipefail
case "$1" in
  registry)
    if [ "$2" = snapshot ]; then
      echo "unsigned snapshot" >"$4"
    else
      gpg --batch --local-user "${GPG_FINGERPRINT:?set GPG_FINGERPRINT to the release key}" --output "$4" --detach-sign "$3"
    fi
    ;;
  sha256)
    (cd "$(dirname "$2")" && sha256sum "$(basename "$2")") >"$3"
    ;;
  *)
    echo "release-sign.sh: unknown kind $1" >&2
    exit 2
    ;;
esac
