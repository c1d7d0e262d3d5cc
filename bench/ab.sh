#!/usr/bin/env bash
# A/B comparison of two podidentity-check binaries on one plan, in the same
# run: the two are alternated N times (so that both see the same load) and
# the median and best wall and CPU (user + sys) times are printed.
#
# Usage: bench/ab.sh N BINARY_A BINARY_B PLAN_JSON
#   go build -o /tmp/a ./cmd/podidentity-check   # at the baseline commit
#   go build -o /tmp/b ./cmd/podidentity-check   # with the change
#   go run ./bench/genplan -n 20000 -o /tmp/plan.json
#   bench/ab.sh 10 /tmp/a /tmp/b /tmp/plan.json
set -euo pipefail
[ $# -eq 4 ] || { sed -n '2,10p' "$0" >&2; exit 2; }
n=$1 a=$2 b=$3 plan=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for _ in $(seq "$n"); do
	for which in a b; do
		bin=$a
		[ "$which" = b ] && bin=$b
		/usr/bin/time -f '%e %U %S' -o "$work/t" "$bin" --format json "$plan" >/dev/null 2>&1 || true
		tail -n 1 "$work/t" | awk '{print $1, $2 + $3}' >>"$work/$which"
	done
done
for which in a b; do
	wall=$(sort -n -k1,1 "$work/$which" | awk '{ v[NR] = $1 } END { printf "median %.2f s best %.2f s", v[int((NR + 1) / 2)], v[1] }')
	cpu=$(sort -n -k2,2 "$work/$which" | awk '{ v[NR] = $2 } END { printf "median %.2f s best %.2f s", v[int((NR + 1) / 2)], v[1] }')
	echo "$which: wall $wall | CPU $cpu"
done
