#!/usr/bin/env bash
# Benchmarks the plan review (called by `make bench`):
#   1. Go benchmarks of leastpriv.ReviewPlan at 1k, 5k and 20k resources
#      (time, bytes and allocations per op: these should grow linearly);
#   2. the podidentity-check CLI on a generated 20,000-resource (~50 MB)
#      plan: wall and CPU time, peak RSS (/usr/bin/time -v);
#   3. conftest running bench/policy/node_role_dynamodb.rego (the node-role
#      DynamoDB rule only) on the same plan, and the ratio of the two.
#
# Environment: CONFTEST (path to conftest; default: conftest on PATH, else
# bin/conftest, else it is built there with go install), BENCH_RUNS (runs
# of each command, best kept; default 3), BENCH_N (plan size; 20000),
# BENCH_SKIP_GO=1 to skip the Go benchmarks.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export GOTOOLCHAIN=${GOTOOLCHAIN:-local}
runs=${BENCH_RUNS:-3}
n=${BENCH_N:-20000}
conftest_version=v0.71.1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ "${BENCH_SKIP_GO:-}" != 1 ]; then
	echo "== go test -bench BenchmarkReviewPlan ./leastpriv"
	go test ./leastpriv -run '^$' -bench 'BenchmarkReviewPlan$' -benchmem -count=1
	echo
fi

go build -o "$work/podidentity-check" ./cmd/podidentity-check
go run ./bench/genplan -n "$n" -o "$work/plan.json"
size=$(wc -c <"$work/plan.json")

CONFTEST=${CONFTEST:-$(command -v conftest || true)}
if [ -z "$CONFTEST" ]; then
	CONFTEST="$root/bin/conftest"
	if [ ! -x "$CONFTEST" ]; then
		echo "building conftest $conftest_version into bin/ ..."
		GOBIN="$root/bin" go install "github.com/open-policy-agent/conftest@$conftest_version" || true
	fi
fi

# measure NAME CMD...: runs CMD $runs times and keeps the fastest run's wall
# time, CPU time (user+sys) and peak RSS.
measure() {
	local name=$1
	shift
	local best_wall="" best_cpu="" best_rss=""
	for _ in $(seq "$runs"); do
		/usr/bin/time -v -o "$work/time.txt" "$@" >"$work/$name.out" 2>"$work/$name.err" || true
		local wall cpu rss
		wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$work/time.txt")
		cpu=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {print u + s}' "$work/time.txt")
		rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
		if [ -z "$best_wall" ] || awk -v a="$wall" -v b="$best_wall" 'BEGIN {exit !(a < b)}'; then
			best_wall=$wall best_cpu=$cpu best_rss=$rss
		fi
	done
	printf '%-18s wall %7.2f s   cpu %7.2f s   peak RSS %7.1f MB (%.2fx the plan)\n' \
		"$name" "$best_wall" "$best_cpu" "$(awk -v k="$best_rss" 'BEGIN {print k / 1024}')" \
		"$(awk -v k="$best_rss" -v s="$size" 'BEGIN {print k * 1024 / s}')"
	eval "${name//-/_}_wall=$best_wall ${name//-/_}_cpu=$best_cpu"
}

echo "== CLI on a generated plan: $n resources, $(awk -v s="$size" 'BEGIN {printf "%.1f MB", s / 1048576}'), best of $runs"
measure podidentity-check "$work/podidentity-check" --format json "$work/plan.json"
check_pi001=$(grep -c '"rule": "PI001"' "$work/podidentity-check.out" || true)

if [ -x "$CONFTEST" ]; then
	measure conftest "$CONFTEST" test --no-color --output json --policy bench/policy --namespace main "$work/plan.json"
	conftest_pi001=$(grep -o '"msg": "PI001' "$work/conftest.out" | wc -l || true)
	echo
	echo "PI001 findings: podidentity-check $check_pi001, conftest $conftest_pi001"
	awk -v a="$conftest_wall" -v b="$podidentity_check_wall" -v c="$conftest_cpu" -v d="$podidentity_check_cpu" \
		'BEGIN {printf "conftest / podidentity-check: %.1fx wall time, %.1fx CPU time\n", a / b, c / d}'
else
	echo "conftest not available (set CONFTEST=/path/to/conftest); skipped the comparison"
fi
