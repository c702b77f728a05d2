#!/usr/bin/env bash
# What `intact node` costs against plain node: start-up (an empty script),
# a generated app of 2,000 CommonJS modules across npm-like packages, and
# Express 5 serving one request on loopback, each signed with a catalog of
# its own (TEST-ONLY keys) and run under an enforcing policy. Variants
# alternate in every round; the report gives medians, the median of the
# round-by-round ratios to plain node, and peak memory (node plus broker).
#
#   bench/node.sh [-n ROUNDS] [-mem ROUNDS] [-node PATH] [-intact PATH] [-intact-node PATH]
#                 [-baseline PATH] [-baseline-slim PATH] [-keep DIR]
#
# Both entry points are timed: `intact node` and the slim intact-node.
# -baseline times another intact binary (as `intact node`), -baseline-slim
# another intact-node, in the same rounds (before/after).
# Node is -node, else node on PATH (scripts/install-node.sh caches 22, 24
# and 26 under ~/.cache/intact/node). See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./bench/node "$@"
