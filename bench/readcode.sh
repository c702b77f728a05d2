#!/usr/bin/env bash
# The cost of ReadCode through the catalogs enforcer against the work no
# enforcement can avoid (os.ReadFile + SHA-256 of the same 10 KB file),
# alternated in one benchmark so that both see the same machine; and the
# first-use cost of a signed catalog of 100,000 files (bench/catalog-load.sh
# measures 10,000 to 1,000,000). Prints every run and
# the medians.
#
#   bench/readcode.sh [COUNT]      (default 10 runs of each)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-10}
out=$(go test -run '^$' -bench 'BenchmarkReadCode/paired|BenchmarkCatalogLoad/files=100000$' -benchtime 2s -count "$count" .)
echo "$out" | grep -E '^(Benchmark|goos|goarch|cpu)'
echo "$out" | awk '
	function median(key,   n, i, j, t, a) {
		n = cnt[key]
		for (i = 1; i <= n; i++) a[i] = v[key, i]
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	/^Benchmark/ {
		name = $1; sub(/-[0-9]+$/, "", name)
		# Fields after the iteration count come in value-unit pairs.
		for (i = 3; i < NF; i += 2) { key = name " " $(i + 1); cnt[key]++; v[key, cnt[key]] = $i }
	}
	END {
		p = "BenchmarkReadCode/paired"
		printf "\nmedians of %d runs, 10 KB file:\n", cnt[p " ratio"]
		printf "  wall: ReadFile+SHA256 %.1f µs, ReadCode %.1f µs, ratio %.2fx\n", median(p " baseline-ns/op") / 1000, median(p " ReadCode-ns/op") / 1000, median(p " ratio")
		if (cnt[p " cpu-ratio"])
			printf "  CPU:  ReadFile+SHA256 %.1f µs, ReadCode %.1f µs, ratio %.2fx\n", median(p " baseline-cpu-ns/op") / 1000, median(p " ReadCode-cpu-ns/op") / 1000, median(p " cpu-ratio")
		l = "BenchmarkCatalogLoad/files=100000"
		printf "first use of a signed catalog of 100,000 files: %.0f ms wall", median(l " ns/op") / 1e6
		if (cnt[l " cpu-ms/op"])
			printf ", %.0f ms CPU", median(l " cpu-ms/op")
		printf "\n"
	}'
