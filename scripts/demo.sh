#!/usr/bin/env bash
# make demo: the EKS workshop's carts story, end to end, against the bundled
# AWS API emulator. No AWS account is used: everything stays on 127.0.0.1.
#
# The carts program (cmd/carts) is an ordinary AWS SDK for Go v2 program with
# the default credential chain; a "pod" is that program run with the
# environment EKS would give it (`awsemu pod-env`): the Pod Identity agent's
# variables when its service account has an association, and the node's
# instance metadata service as a pod reaches it. Every step is asserted; the
# script exits 0 only if each behaved as told. DEMO_VERBOSE=1 shows the
# full plan/apply output.
#
# Terraform CLI: a terraform (>= 1.8) or tofu (>= 1.7) on PATH, else the
# pinned OpenTofu that `make tofu` builds (built here if missing). Set
# DEMO_TF=/path/to/terraform-or-tofu to choose, DEMO_BIN to use binaries
# other than bin/ (make build). DEMO_BREAK_GENERATOR=1 replaces the carts
# role's policy, right after the apply, by what a policy generator emitting
# dynamodb:* would write: step 4 must then fail (internal/cartsstory runs
# the demo both ways).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export GOTOOLCHAIN=local CHECKPOINT_DISABLE=1
bin="${DEMO_BIN:-$root/bin}"
verbose="${DEMO_VERBOSE:-}"
tmp="$(mktemp -d)"
emu_pid=""
cleanup() {
  if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

bold=$'\033[1m' green=$'\033[32m' red=$'\033[31m' off=$'\033[0m'
if [ ! -t 1 ]; then bold="" green="" red="" off=""; fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$off"; }
say() { printf '   %s\n' "$*"; }
ok() { printf '   %s✓%s %s\n' "$green" "$off" "$*"; }
die() { printf '   %s✗ %s%s\n' "$red" "$*" "$off" >&2; exit 1; }
# first_line TEXT: its first line (no pipeline: see scripts/build-tofu.sh).
first_line() { printf '%s' "${1%%$'\n'*}"; }

# --- the Terraform CLI -------------------------------------------------------
# version_ok BIN MIN_MINOR: BIN's `version -json` reports 1.MIN_MINOR or later.
version_ok() {
  local v
  v="$(TF_CLI_CONFIG_FILE=/dev/null "$1" version -json 2>/dev/null)" || return 1
  v="$(sed -n 's/.*"terraform_version": *"\([0-9]*\)\.\([0-9]*\)\..*/\1 \2/p' <<<"$v")"
  [ -n "$v" ] || return 1
  set -- $v "$2"
  [ "$1" -gt 1 ] || { [ "$1" -eq 1 ] && [ "$2" -ge "$3" ]; }
}
tf_bin="${DEMO_TF:-}"
if [ -n "$tf_bin" ]; then
  tf_why="DEMO_TF"
elif command -v terraform >/dev/null && version_ok "$(command -v terraform)" 8; then
  tf_bin="$(command -v terraform)" tf_why="found on PATH"
elif command -v tofu >/dev/null && version_ok "$(command -v tofu)" 7; then
  tf_bin="$(command -v tofu)" tf_why="found on PATH"
else
  # build-tofu.sh reuses bin/tofu or its cache; when it must build, it says
  # so and how long that takes.
  echo "No terraform (>= 1.8) or tofu (>= 1.7) on PATH: using the pinned OpenTofu (make tofu)."
  ./scripts/build-tofu.sh
  tf_bin="$root/bin/tofu" tf_why="the pinned build (make tofu)"
fi
tf_version="$(TF_CLI_CONFIG_FILE=/dev/null "$tf_bin" version 2>/dev/null)"

for b in terraform-provider-podidentity podidentity-check awsemu; do
  [ -x "$bin/$b" ] || { echo "missing $bin/$b: run make build" >&2; exit 1; }
done
mkdir -p "$tmp/bin"
go build -o "$tmp/bin/" ./cmd/carts ./examples/carts/aws-iam

step "The setting: cluster eks-workshop, node group default, DynamoDB tables Items (the carts) and Orders"
"$bin/awsemu" --listen 127.0.0.1:0 --seed examples/carts/seed.json >"$tmp/emu.log" 2>&1 &
emu_pid=$!
url=""
for _ in $(seq 100); do
  url="$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$tmp/emu.log")"
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { cat "$tmp/emu.log" >&2; die "the emulator did not start"; }
say "AWS API emulator: $url (IAM, STS, EKS, EKS Auth, DynamoDB, the Pod Identity agent, the node's IMDS)"
say "Terraform CLI: $(first_line "$tf_version") ($tf_why: $tf_bin)"

# The administrator (provider, aws-iam, awsemu pod-env): the SDK's default
# chain with static keys; AWS_ENDPOINT_URL is read by the SDK itself.
export AWS_ENDPOINT_URL="$url" AWS_REGION=us-west-2 AWS_ACCESS_KEY_ID=AKIADEMO0000000000 AWS_SECRET_ACCESS_KEY=demo AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE="$tmp/none" AWS_SHARED_CREDENTIALS_FILE="$tmp/none"
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE || true
cat >"$tmp/tf.rc" <<RC
disable_checkpoint = true
provider_installation {
  dev_overrides {
    "registry.opentofu.org/eks-podidentity/podidentity" = "$bin"
    "registry.terraform.io/eks-podidentity/podidentity" = "$bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$tmp/tf.rc" TF_IN_AUTOMATION=1
table_arn="arn:aws:dynamodb:us-west-2:123456789012:table/Items"
# tf DIR ARGS...: runs the CLI in DIR; output in $tmp/tf.log (shown with DEMO_VERBOSE=1).
tf() {
  local dir="$1" rc=0; shift
  (cd "$dir" && "$tf_bin" "$@" -no-color -input=false -var "carts_table_arn=$table_arn") >"$tmp/tf.log" 2>&1 || rc=$?
  if [ -n "$verbose" ]; then sed 's/^/   | /' "$tmp/tf.log"; fi
  return "$rc"
}
# run_pod NS SA ARGS...: the carts program in a pod of service account NS/SA
# (only the environment EKS gives a pod; none of the administrator's).
run_pod() {
  local ns="$1" sa="$2" envs; shift 2
  envs="$("$bin/awsemu" pod-env -endpoint "$url" -namespace "$ns" -service-account "$sa" -token-dir "$tmp/tokens")"
  mapfile -t envs <<<"$envs"
  mkdir -p "$tmp/home-$ns"
  env -i PATH="$PATH" HOME="$tmp/home-$ns" "${envs[@]}" "$tmp/bin/carts" "$@" 2>&1
}
# run_node ARGS...: the carts program on the node itself (its IMDS, no pod hop).
run_node() {
  env -i PATH="$PATH" HOME="$tmp" AWS_REGION=us-west-2 AWS_ENDPOINT_URL="$url" \
    AWS_EC2_METADATA_SERVICE_ENDPOINT="$url/?node=eks-workshop/default&from=node" "$tmp/bin/carts" "$@" 2>&1
}
# expect_ok WHAT CMD...: CMD succeeds; print its one line.
expect_ok() {
  local what="$1" out; shift
  out="$("$@")" || die "$what: expected success, got: $out"
  ok "$what: $out"
}
# expect_err WHAT PATTERN CMD...: CMD fails with PATTERN in its output.
expect_err() {
  local what="$1" pat="$2" out; shift 2
  if out="$("$@")"; then die "$what: expected it to fail ($pat), but it succeeded: $out"; fi
  [[ "$out" == *"$pat"* ]] || die "$what: expected an error with \"$pat\", got: $out"
  out="${out#carts: }"
  ok "$what: ${out#*api error }"
}
set_hop_limit() {
  "$bin/awsemu" hop-limit -endpoint "$url" -cluster eks-workshop -nodegroup default -hops "$1" >/dev/null || die "could not set the hop limit"
}
state() { "$bin/awsemu" state -endpoint "$url"; }

step "1. The carts pod starts with no AWS identity"
say "No Pod Identity association, and the launch template's hop limit (1) keeps pods away from the node's metadata service."
say "The SDK looks everywhere it knows (env, files, container endpoint, IMDS; ~5 s for IMDS to time out) and gives up:"
expect_err "carts get alice" "failed to refresh cached credentials" run_pod carts carts get alice

step "2. The quick fix: DynamoDB on the node role, and pods let through to IMDS"
say "aws iam put-role-policy --role-name eks-workshop-node --policy-name carts-dynamodb --policy-document file://examples/carts/quick-fix-policy.json"
"$tmp/bin/aws-iam" put-role-policy eks-workshop-node carts-dynamodb examples/carts/quick-fix-policy.json
say "launch template eks-workshop-default: http_put_response_hop_limit = 2"
set_hop_limit 2
expect_ok "carts add alice tea" run_pod carts carts add alice tea
expect_ok "carts is now" run_pod carts carts whoami
say "...and so is every other pod on those nodes. The orders pod, in another namespace:"
expect_ok "orders pod reads carts' table" run_pod orders orders list
expect_ok "orders pod deletes alice's cart" run_pod orders orders delete alice
say "In review, podidentity-check fails the plan that makes this change (examples/carts/quick-fix/quick-fix.plan.json):"
rc=0
"$bin/podidentity-check" examples/carts/quick-fix/quick-fix.plan.json >"$tmp/check.log" 2>&1 || rc=$?
[ -n "$verbose" ] && sed 's/^/   | /' "$tmp/check.log"
[ "$rc" = 1 ] || { cat "$tmp/check.log" >&2; die "expected podidentity-check to fail the quick fix (exit 1), got exit $rc"; }
pi001="$(grep -m1 'error PI001' "$tmp/check.log" || true)"
[ -n "$pi001" ] || { cat "$tmp/check.log" >&2; die "expected finding PI001 (DynamoDB data access on a node role)"; }
ok "podidentity-check exit 1:${pi001#*error}"

step "3. The same quick fix through this provider: existing_role_name = the node role"
cp -r examples/carts/unsafe-existing-node-role "$tmp/unsafe"
rc=0
tf "$tmp/unsafe" plan || rc=$?
[ "$rc" != 0 ] || die "expected the plan to be refused"
err="$(grep -m1 'Error: ' "$tmp/tf.log" || true)"
[ -n "$err" ] || { cat "$tmp/tf.log" >&2; die "the plan failed without an error diagnostic"; }
ok "plan refused: ${err#*Error: }"
st="$(state)"
[[ "$st" != *'"pod_identity_associations"'* ]] || die "an association was created"
ok "nothing created: no association, no new role"

step "4. The right fix"
say "Remove the quick fix; its cleanup plan passes podidentity-check (examples/carts/quick-fix/cleanup.plan.json):"
rc=0
"$bin/podidentity-check" examples/carts/quick-fix/cleanup.plan.json >"$tmp/check.log" 2>&1 || rc=$?
[ -n "$verbose" ] && sed 's/^/   | /' "$tmp/check.log"
[ "$rc" = 0 ] || { sed 's/^/   | /' "$tmp/check.log" >&2; die "expected podidentity-check to pass the cleanup plan (exit 0), got exit $rc"; }
ok "podidentity-check exit 0: $(first_line "$(cat "$tmp/check.log")")"
"$tmp/bin/aws-iam" delete-role-policy eks-workshop-node carts-dynamodb
set_hop_limit 1
ok "node role back to its EKS policies; hop limit 1"
say "podidentity_least_privilege (examples/carts/safe): a role only carts/carts can assume, one table, the association:"
cp -r examples/carts/safe "$tmp/safe"
tf "$tmp/safe" apply -auto-approve || { cat "$tmp/tf.log" >&2; die "apply failed"; }
ok "$(grep -m1 'Apply complete' "$tmp/tf.log" || echo applied)"
role_arn="$(cd "$tmp/safe" && "$tf_bin" output -raw role_arn)"
role_name="${role_arn##*/}"
if [ -n "${DEMO_BREAK_GENERATOR:-}" ]; then
  say "DEMO_BREAK_GENERATOR=1: the role's policy becomes what a generator emitting dynamodb:* would write."
  printf '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:*","Resource":["%s","%s/index/*"]}]}' "$table_arn" "$table_arn" >"$tmp/broken.json"
  names="$("$tmp/bin/aws-iam" list-role-policies "$role_name")"
  [ -n "$names" ] || die "the carts role has no inline policy"
  while read -r n; do "$tmp/bin/aws-iam" put-role-policy "$role_name" "$n" "$tmp/broken.json"; done <<<"$names"
fi
say "carts is restarted; EKS now injects the Pod Identity agent's variables into its pod."
expect_ok "carts is now" run_pod carts carts whoami
expect_ok "carts add alice tea (UpdateItem)" run_pod carts carts add alice tea
expect_ok "carts get alice (GetItem)" run_pod carts carts get alice
expect_err "carts reads another table" "AccessDeniedException" run_pod carts carts -table Orders get alice
expect_err "carts deletes its table" "AccessDeniedException" run_pod carts carts drop-table
expect_err "the orders pod gets no credentials" "failed to refresh cached credentials" run_pod orders orders list
expect_err "the node role reads the table" "AccessDeniedException" run_node get alice

step "5. A second plan is empty; destroy leaves nothing of ours"
tf "$tmp/safe" plan -detailed-exitcode || die "expected an empty plan (exit 0), got exit $? (see DEMO_VERBOSE=1)"
ok "no changes"
tf "$tmp/safe" destroy -auto-approve || { cat "$tmp/tf.log" >&2; die "destroy failed"; }
ok "$(grep -m1 'Destroy complete' "$tmp/tf.log" || echo destroyed)"
st="$(state)"
[[ "$st" != *"\"$role_name\""* ]] || die "role $role_name is still in the emulator"
[[ "$st" != *'"pod_identity_associations"'* ]] || die "an association is still in the emulator"
[[ "$st" != *'carts-dynamodb'* ]] || die "the quick fix's policy is still on the node role"
ok "the emulator holds no $role_name role, no association, no quick-fix policy"
printf '\n%sThe carts story behaved as told.%s\n' "$bold" "$off"
