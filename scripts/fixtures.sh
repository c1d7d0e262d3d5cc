#!/usr/bin/env bash
# Regenerates leastpriv/tfplan/testdata/plans/<scenario>/plan.json with a real
# `tofu plan` + `tofu show -json` against the test-only provider in
# internal/testprovider (served as hashicorp/aws and
# eks-podidentity/podidentity through dev_overrides; no registry access).
#
# A scenario with apply.tfvars.json is applied first with those variables,
# then planned with its defaults, so that its plan has a prior state. A
# scenario with an apply/ directory is applied first with the .tf files of
# apply/ in place of its own (to plan a configuration change: moved or
# removed blocks, a renamed resource...), then planned with its own files.
# plan.args holds extra arguments for the plan, one a line (-destroy,
# -refresh-only...).
#
# The fake provider keeps the IAM attachments it applies in a file
# (FAKE_AWS_STATE, one per scenario), so that refreshing a role reports
# them in its computed managed_policy_arns as AWS does: a cleanup scenario
# (apply/ holds the first revision with the grant, the scenario's own .tf
# files the second without it) plans a no-op role whose refreshed
# attributes still show what the plan deletes.
#
# With TERRAFORM=/path/to/terraform, the plans are made with Terraform
# instead and written to plan-terraform.json beside plan.json (the tests
# check both against the same expect.json: the two CLIs' JSON differs in
# details). Terraform v1.5.7 (MPL) builds from the Go module proxy:
#   go mod download -json github.com/hashicorp/terraform@v1.5.7  # Dir
#   cp -r DIR /tmp/tf && chmod -R u+w /tmp/tf && cd /tmp/tf && go build -o terraform .
#
# Usage: scripts/fixtures.sh [scenario...]
# Environment: TOFU (default: tofu on PATH, else bin/tofu from `make tofu`,
# else /work/cache/tofu), TERRAFORM (see above).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
plans="$root/leastpriv/tfplan/testdata/plans"
export GOTOOLCHAIN=${GOTOOLCHAIN:-local}

if [ -z "${TOFU:-}" ]; then
	TOFU=$(command -v tofu || true)
	[ -n "$TOFU" ] || { [ -x "$root/bin/tofu" ] && TOFU="$root/bin/tofu"; } || TOFU=/work/cache/tofu
fi
out=plan.json
if [ -n "${TERRAFORM:-}" ]; then
	TOFU=$TERRAFORM
	out=plan-terraform.json
fi
if [ ! -x "$TOFU" ]; then
	echo "fixtures.sh: tofu not found (run make tofu, or set TOFU=/path/to/tofu)" >&2
	exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/bin"
(cd "$root" && go build -o "$work/bin/terraform-provider-aws" ./internal/testprovider/cmd/fake-aws)
cp "$work/bin/terraform-provider-aws" "$work/bin/terraform-provider-podidentity"

cat >"$work/tofurc" <<CFG
provider_installation {
  dev_overrides {
    "registry.opentofu.org/hashicorp/aws"               = "$work/bin"
    "registry.opentofu.org/eks-podidentity/podidentity" = "$work/bin"
    "registry.terraform.io/hashicorp/aws"               = "$work/bin"
    "registry.terraform.io/eks-podidentity/podidentity" = "$work/bin"
  }
  direct {}
}
CFG
export TF_CLI_CONFIG_FILE="$work/tofurc"
export TF_IN_AUTOMATION=1 TF_INPUT=0
unset TF_PLUGIN_CACHE_DIR

# Modules shared by several scenarios (leastpriv/tfplan/testdata/modules, sourced
# as ../../modules/... from a scenario) sit at the same place relative to
# the scenarios' copies.
cp -r "$root/leastpriv/tfplan/testdata/modules" "$work/modules"

if [ $# -gt 0 ]; then
	scenarios=("$@")
else
	scenarios=()
	for d in "$plans"/*/; do scenarios+=("$(basename "$d")"); done
fi

for s in "${scenarios[@]}"; do
	src="$plans/$s"
	dir="$work/scenarios/$s"
	mkdir -p "$dir"
	cp -r "$src"/. "$dir"/
	rm -f "$dir"/plan*.json "$dir/expect.json"
	(
		cd "$dir"
		# The fake provider's stand-in for AWS (internal/testprovider,
		# store.go): what the first revision attaches, a refresh reports.
		export FAKE_AWS_STATE="$dir/aws-state.json"
		if grep -qs "^module " *.tf; then "$TOFU" get -no-color >init.log 2>&1 || { cat init.log >&2; exit 1; }; fi
		if [ -d apply ]; then
			mkdir own && mv ./*.tf own/ && cp apply/*.tf .
			if grep -qs "^module " *.tf; then "$TOFU" get -no-color >init.log 2>&1 || { cat init.log >&2; exit 1; }; fi
			"$TOFU" apply -auto-approve -input=false -no-color >apply.log 2>&1 || { cat apply.log >&2; exit 1; }
			rm ./*.tf && mv own/*.tf . && rmdir own
		elif [ -f apply.tfvars.json ]; then
			"$TOFU" apply -auto-approve -input=false -no-color -var-file=apply.tfvars.json >apply.log 2>&1 ||
				{ cat apply.log >&2; exit 1; }
		fi
		args=()
		if [ -f plan.args ]; then mapfile -t args <plan.args; fi
		"$TOFU" plan -input=false -no-color "${args[@]}" -out=tfplan >plan.log 2>&1 || { cat plan.log >&2; exit 1; }
		"$TOFU" show -json tfplan >"$src/$out"
	)
	echo "fixtures.sh: $s"
done
