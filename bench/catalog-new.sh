#!/usr/bin/env bash
# "intact catalog new" on a real npm dependency tree, against
#   find TREE -type f -print0 | xargs -0 -P2 sha256sum
# on the same warm tree, side by side, alternating, several rounds. Prints
# each round's wall-clock and CPU time, the medians and the ratios.
#
#   bench/catalog-new.sh [ROUNDS] [PACKAGE...]
#       ROUNDS    default 7
#       PACKAGES  default: typescript eslint webpack (installed with npm)
#
# INTACT_BENCH_TREE=DIR reuses an installed tree instead of installing one;
# INTACT_BENCH_FILES=N generates a tree of N files instead (bench/gentree:
# node_modules-like folders, 100 B to 16 KiB a file). The tree must hold at
# least 5,000 files. After the rounds, intact's peak memory (RSS, from GNU
# time) and the catalog's size are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-7}
shift || true
packages=("$@")
[ ${#packages[@]} -gt 0 ] || packages=(typescript eslint webpack)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/intact" ./cmd/intact

tree=${INTACT_BENCH_TREE:-}
if [ -z "$tree" ] && [ -n "${INTACT_BENCH_FILES:-}" ]; then
	tree=$work/generated
	echo "generating $INTACT_BENCH_FILES files..." >&2
	go run ./bench/gentree -files "$INTACT_BENCH_FILES" "$tree"
elif [ -z "$tree" ]; then
	tree=$work/npm
	mkdir -p "$tree"
	echo "installing ${packages[*]} with npm..." >&2
	npm install --silent --no-audit --no-fund --ignore-scripts --prefix "$tree" "${packages[@]}" >&2
fi
files=$(find "$tree" -type f | wc -l)
bytes=$(find "$tree" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
if [ "$files" -lt 5000 ]; then
	echo "only $files files in $tree: want at least 5,000" >&2
	exit 1
fi
cpus=$(nproc)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "tree: $tree: $files files, $((bytes / 1000000)) MB; $cpus CPUs; $(go version | cut -d' ' -f3)"
echo "intact:    $work/intact catalog new TREE -o OUT.cat --time 2024-01-01T00:00:00Z   (v2: SHA-256 and SHA-1 of every file)"
echo "baseline:  find TREE -type f -print0 | xargs -0 -P2 sha256sum > /dev/null"

intact_run() { "$work/intact" catalog new "$tree" -o "$work/out.cat" --time 2024-01-01T00:00:00Z 2>/dev/null; }
baseline_run() { find "$tree" -type f -print0 | xargs -0 -P2 sha256sum > /dev/null; }
# measure prints the wall-clock and CPU (user + system, children included)
# seconds of a command.
measure() {
	local TIMEFORMAT='%R %U %S' t
	t=$( { time "$@" > /dev/null 2>&1; } 2>&1 )
	echo "$t" | awk '{ printf "%s %.3f\n", $1, $2 + $3 }'
}

# Warm the page cache and check that intact succeeds on this tree.
baseline_run
"$work/intact" catalog new "$tree" -o "$work/out.cat" --time 2024-01-01T00:00:00Z

wi=() wb=() ci=() cb=()
for r in $(seq "$rounds"); do
	read -r w c < <(measure intact_run); wi+=("$w") ci+=("$c")
	read -r w2 c2 < <(measure baseline_run); wb+=("$w2") cb+=("$c2")
	printf 'round %d: wall intact %.3f s, baseline %.3f s (%.2fx)   CPU intact %.3f s, baseline %.3f s (%.2fx)\n' \
		"$r" "$w" "$w2" "$(echo "$w2 / $w" | bc -l)" "$c" "$c2" "$(echo "$c2 / $c" | bc -l)"
done

median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
mwi=$(median "${wi[@]}") mwb=$(median "${wb[@]}") mci=$(median "${ci[@]}") mcb=$(median "${cb[@]}")
printf '\nmedian wall: intact %.3f s, baseline %.3f s: intact is %.2fx faster\n' "$mwi" "$mwb" "$(echo "$mwb / $mwi" | bc -l)"
printf 'median CPU:  intact %.3f s, baseline %.3f s: intact uses %.2fx less CPU\n' "$mci" "$mcb" "$(echo "$mcb / $mci" | bc -l)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -x /usr/bin/time ]; then
	rss=$(/usr/bin/time -f '%M' "$work/intact" catalog new "$tree" -o "$work/out.cat" --time 2024-01-01T00:00:00Z 2>&1 >/dev/null | tail -1)
	echo "intact peak RSS: $((rss / 1024)) MB; catalog: $(($(stat -c %s "$work/out.cat") / 1000000)) MB"
fi
