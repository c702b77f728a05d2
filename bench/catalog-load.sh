#!/usr/bin/env bash
# First use of a signed catalog of 10,000, 100,000 and 1,000,000 files
# (BenchmarkCatalogLoad: read, verify, index, decide trust): prints every
# run, a Markdown table of the medians (wall, CPU, memory allocated and
# kept, against the catalog's size) and plots them into
# bench/catalog-load.png. The 1,000,000-file catalog takes a minute to
# build and sign.
#
#   bench/catalog-load.sh [COUNT]      (default 3 runs of each size)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-3}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
out=$(go test -run '^$' -bench BenchmarkCatalogLoad -benchtime 2s -count "$count" -timeout 30m .)
echo "$out" | grep -E '^(Benchmark|cpu)'
echo
echo "$out" | go run ./bench/catalogload -o bench/catalog-load.png
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
