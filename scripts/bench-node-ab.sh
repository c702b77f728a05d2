#!/usr/bin/env bash
# bench-node-ab.sh: paired wall-clock timings of two builds of intact, A and
# B, running the same script under `intact node`, and of plain node: each
# round runs A and B back to back (in turn A first, then B first) and node.
# Prints the medians and the median of the per-round differences B - A,
# which the machine's load moves far less than either time.
#
#   scripts/bench-node-ab.sh NODE INTACT_A INTACT_B POLICY CATALOG DIR SCRIPT [N]
#
# SCRIPT runs in DIR, under POLICY and CATALOG; N rounds (default 31).
set -euo pipefail
node=$1 intact_a=$2 intact_b=$3 policy=$4 catalog=$5 dir=$6 script=$7 runs=${8:-31}
cd "$dir"
ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N); echo $(((t1 - t0) / 1000)); }
under() { ms env INTACT_NODE="$node" "$1" node --policy "$policy" --catalog "$catalog" "$script"; }
a=() b=() c=() d=()
for i in $(seq "$runs"); do
	if ((i % 2)); then
		x=$(under "$intact_a")
		y=$(under "$intact_b")
	else
		y=$(under "$intact_b")
		x=$(under "$intact_a")
	fi
	a+=("$x") b+=("$y") c+=("$(ms "$node" "$script")") d+=("$((y - x))")
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
echo "$script: A $(median "${a[@]}") µs, B $(median "${b[@]}") µs, node $(median "${c[@]}") µs;" \
	"median of B - A $(median "${d[@]}") µs ($runs rounds, load average $(cut -d' ' -f1 /proc/loadavg))"
