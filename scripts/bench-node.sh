#!/usr/bin/env bash
# bench-node.sh: paired wall-clock timings of `intact node` against plain
# node, A and B alternating, medians of N runs (default 15).
#
#   scripts/bench-node.sh NODE INTACT POLICY CATALOG DIR SCRIPT [N]
#
# SCRIPT runs in DIR, under POLICY and CATALOG for `intact node`.
set -euo pipefail
node=$1 intact=$2 policy=$3 catalog=$4 dir=$5 script=$6 runs=${7:-15}
cd "$dir"
ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N); echo $(((t1 - t0) / 1000)); }
a=() b=()
for _ in $(seq "$runs"); do
	a+=("$(ms env INTACT_NODE="$node" "$intact" node --policy "$policy" --catalog "$catalog" "$script")")
	b+=("$(ms "$node" "$script")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
echo "$script: intact node $(median "${a[@]}") µs, node $(median "${b[@]}") µs (medians of $runs)"
