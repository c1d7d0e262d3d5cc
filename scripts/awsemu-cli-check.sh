#!/usr/bin/env bash
# Checks the AWS emulator with plain curl SigV4 requests, the way any AWS
# client would reach it:
#   1. IAM GetRole of an unknown role      => HTTP 404, <Code>NoSuchEntity</Code>
#   2. EKS DescribeCluster of an unknown cluster => HTTP 404,
#      header x-amzn-ErrorType: ResourceNotFoundException
#
# Usage: scripts/awsemu-cli-check.sh
#   Without AWSEMU_URL it starts `go run ./cmd/awsemu` on a free loopback port
#   and stops it at the end. With AWSEMU_URL=http://127.0.0.1:PORT it checks
#   that running emulator instead (the Go test does this).
# Needs curl >= 7.75 (--aws-sigv4).
set -euo pipefail

cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local

# The help text is captured first: `curl ... | grep -q` under pipefail fails
# with curl's SIGPIPE (141) when grep stops reading at the first match.
curl_help="$(curl --help all 2>/dev/null || true)"
if [[ "$curl_help" != *--aws-sigv4* ]]; then
	echo "curl does not support --aws-sigv4 (need curl >= 7.75)" >&2
	exit 2
fi

tmp=$(mktemp -d)
emu_pid=""
cleanup() {
	if [ -n "$emu_pid" ]; then
		# go run was started in its own process group: stop that group only.
		kill -TERM -- "-$emu_pid" 2>/dev/null || true
		wait "$emu_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

url=${AWSEMU_URL:-}
if [ -z "$url" ]; then
	set -m # background jobs get their own process group
	go run ./cmd/awsemu --listen 127.0.0.1:0 >"$tmp/out" 2>&1 &
	emu_pid=$!
	set +m
	for _ in $(seq 1 600); do
		url=$(sed -n 's/^awsemu listening on \(http:[^ ]*\).*/\1/p' "$tmp/out")
		[ -n "$url" ] && break
		if ! kill -0 "$emu_pid" 2>/dev/null; then
			cat "$tmp/out" >&2
			echo "awsemu exited early" >&2
			exit 1
		fi
		sleep 0.1
	done
	[ -n "$url" ] || { echo "awsemu did not start" >&2; cat "$tmp/out" >&2; exit 1; }
fi
echo "awsemu at $url"

creds=(--user "AKIAAWSEMUCLICHECK01:secret")
fail=0

# 1. IAM GetRole (query protocol, form-encoded POST, signed for service iam)
code=$(curl -sS -o "$tmp/iam.body" -w '%{http_code}' "${creds[@]}" \
	--aws-sigv4 "aws:amz:us-west-2:iam" \
	-H 'Content-Type: application/x-www-form-urlencoded' \
	--data 'Action=GetRole&RoleName=awsemu-no-such-role&Version=2010-05-08' \
	"$url/")
echo "IAM GetRole unknown role: HTTP $code"
cat "$tmp/iam.body"; echo
if [ "$code" != 404 ] || ! grep -q '<Code>NoSuchEntity</Code>' "$tmp/iam.body"; then
	echo "FAIL: want HTTP 404 with <Code>NoSuchEntity</Code>" >&2
	fail=1
fi

# 2. EKS DescribeCluster (REST-JSON, signed for service eks)
code=$(curl -sS -D "$tmp/eks.headers" -o "$tmp/eks.body" -w '%{http_code}' "${creds[@]}" \
	--aws-sigv4 "aws:amz:us-west-2:eks" \
	"$url/clusters/awsemu-no-such-cluster")
echo "EKS DescribeCluster unknown cluster: HTTP $code"
grep -i '^x-amzn-errortype:' "$tmp/eks.headers" || true
cat "$tmp/eks.body"; echo
if [ "$code" != 404 ] || ! grep -qi '^x-amzn-errortype: ResourceNotFoundException' "$tmp/eks.headers"; then
	echo "FAIL: want HTTP 404 with x-amzn-ErrorType: ResourceNotFoundException" >&2
	fail=1
fi

if [ "$fail" = 0 ]; then
	echo "awsemu-cli-check: OK"
fi
exit "$fail"
