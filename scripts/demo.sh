#!/usr/bin/env bash
# make demo: the EKS workshop's carts story, end to end, against the bundled
# AWS API emulator. No AWS account is used: everything stays on 127.0.0.1.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export GOTOOLCHAIN=local CHECKPOINT_DISABLE=1
bin="$root/bin"
tmp="$(mktemp -d)"
emu_pid=""
cleanup() {
  [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null && wait "$emu_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

for b in terraform-provider-podidentity podidentity-check awsemu tofu; do
  [ -x "$bin/$b" ] || { echo "missing $bin/$b: run make build tofu" >&2; exit 1; }
done

say "Start the AWS API emulator (cluster eks-workshop, node group default, table Items)"
"$bin/awsemu" --listen 127.0.0.1:0 --seed examples/carts/seed.json >"$tmp/emu.log" 2>&1 &
emu_pid=$!
for _ in $(seq 50); do grep -q 'listening on' "$tmp/emu.log" 2>/dev/null && break; sleep 0.1; done
url="$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$tmp/emu.log")"
[ -n "$url" ] || { cat "$tmp/emu.log" >&2; exit 1; }
echo "emulator: $url"

# The provider is used exactly as in production: AWS SDK default chain,
# only the endpoints differ (AWS_ENDPOINT_URL is read by the SDK itself).
export AWS_ENDPOINT_URL="$url" AWS_REGION=us-west-2 AWS_ACCESS_KEY_ID=AKIADEMO0000000000 AWS_SECRET_ACCESS_KEY=demo AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE="$tmp/none" AWS_SHARED_CREDENTIALS_FILE="$tmp/none"
unset AWS_PROFILE AWS_SESSION_TOKEN || true
cat >"$tmp/tofu.rc" <<RC
disable_checkpoint = true
provider_installation {
  dev_overrides {
    "registry.opentofu.org/eks-podidentity/podidentity" = "$bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$tmp/tofu.rc" TF_IN_AUTOMATION=1
table_arn="arn:aws:dynamodb:us-west-2:123456789012:table/Items"
tf() { "$bin/tofu" "$@" -no-color 2>&1 | grep -v -e 'Provider development overrides are in effect' -e 'The following provider development overrides' -e '^ - eks-podidentity' -e 'The behavior may therefore not match' -e 'applying changes may cause the state' -e 'from a released version' -e '^│ *$' -e '^╵$' -e '^╷$' -e 'Warning: Provider development overrides' -e '^configuration:$' -e '^releases\.$' | cat -s; return "${PIPESTATUS[0]}"; }

say "1. The quick fix, made with the AWS provider: DynamoDB on the node role"
echo "A reviewer runs podidentity-check on the plan (a real tofu plan of leastpriv/testdata/plans/root_inline_policy):"
set +e
"$bin/podidentity-check" leastpriv/testdata/plans/root_inline_policy/plan.json
rc=$?
set -e
echo "(exit status $rc: CI fails the change)"
[ "$rc" = 1 ] || { echo "expected the checker to fail the plan" >&2; exit 1; }

say "2. The quick fix, attempted through this provider: reuse the node role"
cp -r examples/carts/unsafe-existing-node-role "$tmp/unsafe"
set +e
(cd "$tmp/unsafe" && tf plan -input=false -var "carts_table_arn=$table_arn")
rc=$?
set -e
echo "(exit status $rc: nothing was created)"
[ "$rc" != 0 ] || { echo "expected the plan to fail" >&2; exit 1; }

say "3. The right fix: podidentity_least_privilege"
cp -r examples/carts/safe "$tmp/safe"
(cd "$tmp/safe" && tf apply -input=false -auto-approve -var "carts_table_arn=$table_arn")

say "4. The carts pod asks EKS Pod Identity for credentials"
for sa in carts:carts orders:orders; do
  body="$(curl -s --aws-sigv4 "aws:amz:us-west-2:eks-auth" --user "AKIADEMO0000000000:demo" \
    -H 'Content-Type: application/json' -d "{\"token\":\"awsemu:$sa\"}" \
    "$url/clusters/eks-workshop/assume-role-for-pod-identity")"
  role="$(printf '%s' "$body" | sed -n 's/.*"arn":"\([^"]*\)".*/\1/p')"
  if [ -n "$role" ]; then echo "$sa -> credentials for $role"; else echo "$sa -> refused: $body"; fi
done

say "5. The plan is empty on a second run; then destroy leaves nothing behind"
(cd "$tmp/safe" && tf plan -input=false -detailed-exitcode -var "carts_table_arn=$table_arn" >/dev/null) && echo "no changes"
(cd "$tmp/safe" && tf destroy -input=false -auto-approve -var "carts_table_arn=$table_arn" | tail -n 1)
state="$(curl -s "$url/_awsemu/state")"
printf '%s' "$state" > "$tmp/state.json"
if grep -q '"role_name": *"eks-workshop-carts-carts"\|"name": *"eks-workshop-carts-carts"' "$tmp/state.json"; then
  echo "the carts role is still in the emulator" >&2; exit 1
fi
echo "the emulator holds no carts role and no carts association"
