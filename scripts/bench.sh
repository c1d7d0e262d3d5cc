#!/usr/bin/env bash
# Benchmarks the plan review (called by `make bench`):
#   1. Go benchmarks of tfplan.Review at 1k, 5k and 20k resources,
#      from memory and from plan files as the CLI reads them
#      (time, bytes and allocations per op: these should grow linearly);
#   2. the podidentity-check CLI on generated plans of 1k, 5k and 20k
#      resources (20k is ~50 MB): wall and CPU time, peak RSS
#      (/usr/bin/time), best and median of BENCH_RUNS runs;
#   3. the podidentity_least_privilege resource at scale: BENCH_LOAD_N
#      resources (default 200) created, refreshed and destroyed through
#      OpenTofu with the emulator throttling at BENCH_LOAD_RPS requests/s
#      (default 20): wall time and AWS calls per resource of each phase
#      (TestAccLeastPrivilege_loadThrottled; BENCH_SKIP_LOAD=1 skips it);
#   4. conftest running bench/policy/node_role_dynamodb.rego (the node-role
#      DynamoDB rule only) on the 20k plan, in the same run, its runs
#      interleaved with podidentity-check's so that both see the same load,
#      and the ratio of the two (the goal is at least 10x).
#
# Environment: CONFTEST (path to conftest; default: conftest on PATH, else
# /work/cache/bin/conftest, else bin/conftest, else it is built there with
# go install), BENCH_RUNS (runs of each command; default 5), BENCH_SIZES
# (plan sizes; default "1000 5000 20000", the last one is compared with
# conftest), BENCH_SKIP_GO=1 to skip the Go benchmarks.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export GOTOOLCHAIN=${GOTOOLCHAIN:-local}
runs=${BENCH_RUNS:-5}
sizes=${BENCH_SIZES:-1000 5000 20000}
conftest_version=v0.71.1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ "${BENCH_SKIP_GO:-}" != 1 ]; then
	echo "== go test -bench 'BenchmarkReview(File)?' ./leastpriv/tfplan"
	go test ./leastpriv/tfplan -run '^$' -bench 'BenchmarkReview(File)?$' -benchmem -count=1
	echo
fi

if [ "${BENCH_SKIP_LOAD:-}" != 1 ]; then
	echo "== podidentity_least_privilege: ${BENCH_LOAD_N:-200} resources, emulator throttling at ${BENCH_LOAD_RPS:-20} requests/s"
	[ -x bin/tofu ] || make tofu >/dev/null
	TF_ACC=1 TF_ACC_TERRAFORM_PATH="$root/bin/tofu" PODIDENTITY_BENCH_OUT="$work/load.txt" \
		PODIDENTITY_LOAD_N="${BENCH_LOAD_N:-200}" PODIDENTITY_LOAD_RPS="${BENCH_LOAD_RPS:-20}" \
		go test ./internal/provider -count=1 -timeout 30m -run '^TestAccLeastPrivilege_loadThrottled$' >"$work/load.log" 2>&1 ||
		{ cat "$work/load.log"; exit 1; }
	cat "$work/load.txt"
	echo
fi

go build -o "$work/podidentity-check" ./cmd/podidentity-check
for n in $sizes; do
	go run ./bench/genplan -n "$n" -o "$work/plan-$n.json"
done
big=${sizes##* }

CONFTEST=${CONFTEST:-$(command -v conftest || true)}
if [ -z "$CONFTEST" ] && [ -x /work/cache/bin/conftest ]; then
	CONFTEST=/work/cache/bin/conftest
fi
if [ -z "$CONFTEST" ]; then
	CONFTEST="$root/bin/conftest"
	if [ ! -x "$CONFTEST" ]; then
		echo "building conftest $conftest_version into bin/ ..."
		GOBIN="$root/bin" go install "github.com/open-policy-agent/conftest@$conftest_version" || true
	fi
fi
have_conftest=false
[ -x "$CONFTEST" ] && have_conftest=true

# run1 NAME CMD...: runs CMD once and appends "wall cpu rss_kb" to
# $work/NAME.runs.
run1() {
	local name=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$work/time.txt" "$@" >"$work/$name.out" 2>"$work/$name.err" || true
	tail -n 1 "$work/time.txt" | awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' >>"$work/$name.runs"
}

# report NAME SIZE_BYTES: best (lowest wall) and median of the runs.
report() {
	local name=$1 size=$2
	sort -n -k1,1 "$work/$name.runs" | awk -v name="$name" -v size="$size" '
		{ w[NR] = $1; c[NR] = $2; m[NR] = $3 }
		END {
			mid = int((NR + 1) / 2)
			printf "%-24s best: wall %6.2f s  cpu %6.2f s  RSS %6.1f MB (%.2fx plan)   median: wall %6.2f s  cpu %6.2f s  RSS %6.1f MB\n",
				name, w[1], c[1], m[1] / 1024, m[1] * 1024 / size, w[mid], c[mid], m[mid] / 1024
		}'
}

# stat NAME FIELD best|median
stat() {
	sort -n -k"$2","$2" "$work/$1.runs" | awk -v f="$2" -v which="$3" '
		{ v[NR] = $f }
		END { print (which == "best") ? v[1] : v[int((NR + 1) / 2)] }'
}

echo "== podidentity-check CLI$($have_conftest && echo ' and conftest'), $runs runs each, interleaved"
for n in $sizes; do
	printf '   %6d resources: %5.1f MB\n' "$n" "$(awk -v s="$(wc -c <"$work/plan-$n.json")" 'BEGIN {print s / 1048576}')"
done
for _ in $(seq "$runs"); do
	for n in $sizes; do
		run1 "check-$n" "$work/podidentity-check" --format json "$work/plan-$n.json"
	done
	# The same without transparent huge pages for the heap (see
	# cmd/podidentity-check/heap_linux.go), for comparison.
	run1 "check-$big-nohugepages" env PODIDENTITY_CHECK_HUGEPAGES=0 "$work/podidentity-check" --format json "$work/plan-$big.json"
	if $have_conftest; then
		run1 conftest "$CONFTEST" test --no-color --output json --policy bench/policy --namespace main "$work/plan-$big.json"
	fi
done
echo
for n in $sizes; do
	report "check-$n" "$(wc -c <"$work/plan-$n.json")"
done
report "check-$big-nohugepages" "$(wc -c <"$work/plan-$big.json")"
if ! $have_conftest; then
	echo "conftest not available (set CONFTEST=/path/to/conftest); skipped the comparison"
	exit 0
fi
mv "$work/conftest.runs" "$work/conftest-$big.runs"
report "conftest-$big" "$(wc -c <"$work/plan-$big.json")"

check_pi001=$(grep -c '"rule": "PI001"' "$work/check-$big.out" || true)
conftest_pi001=$(grep -o '"msg": "PI001' "$work/conftest.out" | wc -l || true)
echo
echo "PI001 findings on the $big-resource plan: podidentity-check $check_pi001, conftest $conftest_pi001"
for which in best median; do
	awk -v a="$(stat "conftest-$big" 1 "$which")" -v b="$(stat "check-$big" 1 "$which")" \
		-v c="$(stat "conftest-$big" 2 "$which")" -v d="$(stat "check-$big" 2 "$which")" -v which="$which" \
		'BEGIN {printf "conftest / podidentity-check (%s of %s): %.1fx wall time, %.1fx CPU time\n", which, "'"$runs"'", a / b, c / d}'
done
for which in best median; do
	awk -v a="$(stat "conftest-$big" 1 "$which")" -v b="$(stat "check-$big-nohugepages" 1 "$which")" \
		-v c="$(stat "conftest-$big" 2 "$which")" -v d="$(stat "check-$big-nohugepages" 2 "$which")" -v which="$which" \
		'BEGIN {printf "conftest / podidentity-check without huge pages (%s of %s): %.1fx wall time, %.1fx CPU time\n", which, "'"$runs"'", a / b, c / d}'
done
