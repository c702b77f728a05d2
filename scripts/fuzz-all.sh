#!/usr/bin/env bash
# fuzz-all.sh runs every fuzz target of the module for a while and sums up
# each run in one line.
#
# Usage: scripts/fuzz-all.sh [DURATION [JOBS]]
#
#   DURATION  how long each target runs, as go test -fuzztime takes it:
#             10m, 30s, 1h, or 100000x for a number of executions.
#             Default 10m.
#   JOBS      how many targets run at once, each with one fuzzing worker
#             (-parallel 1), so about the number of cores used. Default
#             $FUZZ_JOBS, else 2.
#
# Environment:
#   FUZZ_JOBS      JOBS when it is not given as an argument.
#   FUZZ_LOGDIR    the folder for the logs (default $TMPDIR/fuzz-all.<time>):
#                  <pkg>.<Target>.log, go test's output, and list.log, the
#                  targets found.
#   FUZZ_MINIMIZE  go test -fuzzminimizetime: how long go may spend
#                  minimising each new input (default go's, 60s). That time
#                  grows with the square of the input's length.
#
# Targets are found with go test -list, so new ones are included. At the end
# one line per target gives its package, name, executions, executions per
# second over the run, new interesting inputs and PASS or FAIL. A FAIL
# names the crasher, <package dir>/testdata/fuzz/<Target>/<hash>: commit it
# as a regression seed. The exit status is 1 when a target failed.
set -u

duration=${1:-10m}
jobs=${2:-${FUZZ_JOBS:-2}}
logdir=${FUZZ_LOGDIR:-${TMPDIR:-/tmp}/fuzz-all.$(date -u +%Y%m%dT%H%M%SZ)}
minimize=()
if [ -n "${FUZZ_MINIMIZE:-}" ]; then
	minimize=(-fuzzminimizetime "$FUZZ_MINIMIZE")
fi
mkdir -p "$logdir" && logdir=$(cd "$logdir" && pwd) || exit 2
cd "$(dirname "$0")/.." || exit 2
module=$(go list -m) || exit 2

# The targets as "<package> <Target>" lines: go test -list prints the
# matching tests of a package, then "ok <package> <time>".
go test -list '^Fuzz' ./... >"$logdir/list.log" 2>&1 ||
	echo "fuzz-all: go test -list failed for some packages, see $logdir/list.log" >&2
targets=$(awk '/^Fuzz/ { names = names " " $1 }
	/^ok / { n = split(names, a, " "); for (i = 1; i <= n; i++) print $2, a[i]; names = "" }' "$logdir/list.log")
if [ -z "$targets" ]; then
	echo "fuzz-all: no fuzz targets found" >&2
	exit 2
fi
echo "fuzz-all: $(echo "$targets" | wc -l) targets, $duration each, $jobs at a time, logs in $logdir"

# logname PACKAGE TARGET: the log's path without .log, from the package's
# path in the module with / turned into _ (the module's own package is .).
logname() {
	local dir=${1#"$module"}
	dir=${dir#/}
	echo "$logdir/$(echo "${dir:-.}" | tr / _).$2"
}

while read -r pkg target; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	echo "fuzz-all: $pkg $target"
	log=$(logname "$pkg" "$target")
	(
		go test -run '^$' -fuzz "^$target\$" -fuzztime "$duration" -parallel 1 \
			${minimize[@]+"${minimize[@]}"} "$pkg" >"$log.log" 2>&1
		echo $? >"$log.rc"
	) &
done <<<"$targets"
wait

# One line per target, from the last "fuzz: elapsed: 3m0s, execs: 123
# (40/sec), new interesting: 5 (total: 20)" line of its log.
failed=0
printf '%-28s %-20s %10s %8s %5s  %s\n' PACKAGE TARGET EXECS EXECS/S NEW RESULT
while read -r pkg target; do
	log=$(logname "$pkg" "$target")
	stats=$(awk '/^fuzz: elapsed: .*execs: / {
			e = $3; secs = 0
			if (match(e, /[0-9.]+h/)) secs += 3600 * substr(e, RSTART, RLENGTH - 1)
			if (match(e, /[0-9.]+m/)) secs += 60 * substr(e, RSTART, RLENGTH - 1)
			if (match(e, /[0-9.]+s/)) secs += substr(e, RSTART, RLENGTH - 1)
			execs = $5; new = "-"
			if (match($0, /new interesting: [0-9]+/)) new = substr($0, RSTART + 17, RLENGTH - 17)
		}
		END {
			if (execs == "") print "- - -"
			else printf "%d %d %s\n", execs, (secs > 0 ? execs / secs : 0), new
		}' "$log.log")
	result=PASS
	if [ "$(cat "$log.rc" 2>/dev/null)" != 0 ]; then
		failed=1
		crasher=$(sed -n 's/^ *Failing input written to //p' "$log.log" | head -n 1)
		if [ -n "$crasher" ]; then
			dir=$(go list -f '{{.Dir}}' "$pkg")
			result="FAIL crasher ${dir#"$PWD"/}/$crasher"
		else
			result="FAIL see $log.log"
		fi
	fi
	# shellcheck disable=SC2086 # stats is three words
	printf '%-28s %-20s %10s %8s %5s  %s\n' "${pkg#"$module"/}" "$target" $stats "$result"
done <<<"$targets"
exit $failed
