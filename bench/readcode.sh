#!/usr/bin/env bash
# The cost of ReadCode through the catalogs enforcer, against the work no
# enforcement can avoid (os.ReadFile + SHA-256 of the same 10 KB), measured
# side by side in one run; and the first-use cost of a signed catalog of
# 100,000 members. Prints the medians and the ratio.
#
#   bench/readcode.sh [COUNT]      (default 10 runs of each)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-10}
out=$(go test -run '^$' -bench 'BenchmarkReadCode|BenchmarkCatalogLoad' -count "$count" .)
echo "$out" | grep -E '^(Benchmark|goos|goarch|cpu)'
echo "$out" | awk '
	function median(name,   n, i, j, t, a) {
		n = cnt[name]
		for (i = 1; i <= n; i++) a[i] = v[name, i]
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	/^Benchmark/ { name = $1; sub(/-[0-9]+$/, "", name); cnt[name]++; v[name, cnt[name]] = $3 }
	END {
		base = median("BenchmarkReadCode/baseline=ReadFile+SHA256")
		rc = median("BenchmarkReadCode/ReadCode=catalogs")
		load = median("BenchmarkCatalogLoad")
		printf "\nmedian ReadFile+SHA256: %.1f µs   ReadCode (catalogs): %.1f µs   ratio %.2fx\n", base / 1000, rc / 1000, rc / base
		printf "median first use of a 100,000-member signed catalog: %.0f ms\n", load / 1e6
	}'
