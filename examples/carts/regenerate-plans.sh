#!/usr/bin/env bash
# Regenerates examples/carts/quick-fix/{quick-fix,cleanup}.plan.json with a
# real plan (`plan` + `show -json`) against the test-only AWS provider in
# internal/testprovider (served as hashicorp/aws through dev_overrides; no
# registry access, no AWS account).
# Usage: examples/carts/regenerate-plans.sh   (TF=/path/to/terraform-or-tofu; default: terraform or tofu on PATH, else bin/tofu)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
export GOTOOLCHAIN=${GOTOOLCHAIN:-local}
TF="${TF:-$(command -v terraform || command -v tofu || echo "$root/bin/tofu")}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin"
(cd "$root" && go build -o "$work/bin/terraform-provider-aws" ./internal/testprovider/cmd/fake-aws)
cat >"$work/rc" <<CFG
provider_installation {
  dev_overrides {
    "registry.opentofu.org/hashicorp/aws" = "$work/bin"
    "registry.terraform.io/hashicorp/aws" = "$work/bin"
  }
  direct {}
}
CFG
export TF_CLI_CONFIG_FILE="$work/rc" TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
src="$root/examples/carts/quick-fix"
plan() { # name, apply vars..., --, plan vars...
  local name="$1"; shift
  local d="$work/$name"
  mkdir -p "$d/quick-fix" && cp "$src"/*.tf "$d/quick-fix/" && cp "$root/examples/carts/quick-fix-policy.json" "$d/"
  local applyv=() planv=()
  while [ "$1" != -- ]; do applyv+=(-var "$1"); shift; done; shift
  while [ $# -gt 0 ]; do planv+=(-var "$1"); shift; done
  (cd "$d/quick-fix" && "$TF" apply -auto-approve -no-color "${applyv[@]}" >apply.log 2>&1 || { cat apply.log >&2; exit 1; }
   "$TF" plan -no-color "${planv[@]}" -out=tfplan >plan.log 2>&1 || { cat plan.log >&2; exit 1; }
   "$TF" show -json tfplan >"$src/$name.plan.json")
  echo "wrote examples/carts/quick-fix/$name.plan.json"
}
plan quick-fix quick_fix=false hop_limit=1 --
plan cleanup -- quick_fix=false hop_limit=1
