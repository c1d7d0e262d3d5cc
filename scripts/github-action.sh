#!/usr/bin/env bash
# The GitHub Action's step (action.yml): install podidentity-check, review
# the plan, write the SARIF report, the job summary and the step outputs.
# The step itself succeeds; action.yml's last step exits with the checker's
# status, after the SARIF upload. Tested by cmd/podidentity-check's
# TestGitHubAction, which runs this script as a runner would.
set -euo pipefail
: "${INPUT_PLAN:?the plan input is required}"
action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}"
tmp="${RUNNER_TEMP:-$(mktemp -d)}"
repo=eks-podidentity/terraform-provider-podidentity

# 1. podidentity-check: a release, or built from the action's own source.
bin="$tmp/podidentity-check/podidentity-check"
mkdir -p "$(dirname "$bin")"
if [ -n "${INPUT_VERSION:-}" ]; then
  v="${INPUT_VERSION#v}"
  case "${RUNNER_OS:-Linux}" in Linux) os=linux ;; macOS) os=darwin ;; Windows) os=windows ;; *) echo "unsupported runner OS ${RUNNER_OS}" >&2; exit 2 ;; esac
  case "${RUNNER_ARCH:-X64}" in X64) arch=amd64 ;; ARM64) arch=arm64 ;; *) echo "unsupported runner architecture ${RUNNER_ARCH}" >&2; exit 2 ;; esac
  ext=tar.gz
  [ "$os" != windows ] || ext=zip
  archive="podidentity-check_${v}_${os}_${arch}.${ext}"
  base="${PODIDENTITY_CHECK_DOWNLOAD_URL:-https://github.com/$repo/releases/download}/v${v}"
  echo "::group::Installing podidentity-check ${v}"
  (cd "$tmp/podidentity-check" &&
    curl -fsSLO "$base/$archive" &&
    curl -fsSLO "$base/$archive.sha256" &&
    sha256sum -c "$archive.sha256" &&
    if [ "$ext" = zip ]; then unzip -oq "$archive"; else tar -xzf "$archive"; fi)
  [ "$os" != windows ] || bin="$bin.exe"
  echo "::endgroup::"
else
  echo "::group::Building podidentity-check from source"
  (cd "$action_path" && go build -trimpath -o "$bin" ./cmd/podidentity-check)
  echo "::endgroup::"
fi
"$bin" --version

# 2. The review: SARIF for code scanning, text for the summary.
args=(--fail-on "${INPUT_FAIL_ON:-error}")
[ -z "${INPUT_CONFIG:-}" ] || args+=(--config "$INPUT_CONFIG")
[ -z "${INPUT_BASELINE:-}" ] || args+=(--baseline "$INPUT_BASELINE")
[ -z "${INPUT_DISABLE:-}" ] || args+=(--disable "$INPUT_DISABLE")
sarif="${INPUT_SARIF_FILE:-podidentity-check.sarif}"
code=0
"$bin" "${args[@]}" --format sarif "$INPUT_PLAN" >"$sarif" || code=$?
report="$tmp/podidentity-check/report.txt"
"$bin" "${args[@]}" --format text "$INPUT_PLAN" >"$report" 2>&1 || true
if [ "$code" -ge 2 ]; then
  rm -f "$sarif"
  sarif=""
fi

# 3. The job summary and the step outputs.
case "$code" in
  0) verdict="passed" ;;
  1) verdict="failed: findings at or above \`${INPUT_FAIL_ON:-error}\`" ;;
  *) verdict="could not review the plan" ;;
esac
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  {
    echo "### podidentity-check: ${verdict}"
    echo
    echo "Plan \`${INPUT_PLAN}\`. Run \`podidentity-check --explain RULE\` for a rule's full help."
    echo
    echo '```'
    cat "$report"
    echo '```'
  } >>"$GITHUB_STEP_SUMMARY"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "sarif-file=${sarif}"
    echo "exit-code=${code}"
  } >>"$GITHUB_OUTPUT"
fi
cat "$report"
