#!/bin/sh
# wine-test.sh runs the Windows tests of enforcer/wldp under Wine, so that the
# generated wldp.dll bindings are exercised by a real Windows loader:
#
#   1. with no wldp.dll at all (Wine 8 ships none): the missing-DLL path;
#   2. with scripts/wine/wldpstub.c built "full": every export, arguments
#      checked by the stub (GUID, BOOL, UNICODE_STRING, WLDP_HOST_INFORMATION,
#      the audit info, and that intact's handle forbids writers);
#   3. with the stub built -DLEGACY: Windows 10's exports only, so settings
#      come from legacy Settings and every file is refused.
#
# Each time it also runs the Windows build of intact itself (status, and run
# on an allowed and on a blocked file) and checks what it prints.
#
# Needs wine64 and the MinGW-w64 C compiler (Debian: apt-get install
# --no-install-recommends wine wine64 gcc-mingw-w64-x86-64-win32). The
# compiler also builds bcryptprimitives.dll, which Wine 8 lacks and Go 1.22+
# programs need. Without either tool the script says SKIP and exits 0.
set -eu

cd "$(dirname "$0")/.."
wine=$(command -v wine64 || true)
[ -n "$wine" ] || [ ! -x /usr/lib/wine/wine64 ] || wine=/usr/lib/wine/wine64
if [ -z "$wine" ]; then
	echo "SKIP wine-test: wine64 is not installed"
	exit 0
fi
cc=x86_64-w64-mingw32-gcc
if ! command -v "$cc" >/dev/null; then
	echo "SKIP wine-test: $cc is not installed"
	exit 0
fi
wineserver=$(dirname "$wine")/wineserver
command -v wineserver >/dev/null && wineserver=$(command -v wineserver)

tmp=$(mktemp -d)
export WINEPREFIX="$tmp/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
cleanup() {
	"$wineserver" -k 2>/dev/null || true # this prefix's server only
	rm -rf "$tmp"
}
trap cleanup EXIT

dlls=scripts/wine
"$cc" -O2 -Wall -Werror -shared -nostartfiles -Wl,--entry,0 -o "$tmp/bcryptprimitives.dll" \
	"$dlls/bcryptprimitives.c" "$dlls/bcryptprimitives.def" -ladvapi32
"$cc" -O2 -Wall -Werror -shared -nostartfiles -Wl,--entry,0 -o "$tmp/wldp-full.dll" \
	"$dlls/wldpstub.c" "$dlls/wldp-full.def"
"$cc" -O2 -Wall -Werror -shared -nostartfiles -Wl,--entry,0 -DLEGACY -o "$tmp/wldp-legacy.dll" \
	"$dlls/wldpstub.c" "$dlls/wldp-legacy.def"
GOOS=windows GOARCH=amd64 go test -c -o "$tmp/wldp.test.exe" ./enforcer/wldp
GOOS=windows GOARCH=amd64 go build -o "$tmp/intact.exe" ./cmd/intact

mkdir "$WINEPREFIX"
"$wineserver" -p # keep this prefix's server up between runs: much faster
"$wine" wineboot --init >/dev/null 2>&1
system32="$WINEPREFIX/drive_c/windows/system32"
cp "$tmp/bcryptprimitives.dll" "$system32/"
app="$WINEPREFIX/drive_c/apps/contoso"
mkdir -p "$app"
echo 'console.log("allowed ran")' >"$app/main.js"
echo 'console.log("CANARY: blocked ran")' >"$app/blocked.js"

status=0
run() { # run VARIANT: the tests with wldp.dll from VARIANT ("none": no DLL)
	rm -f "$system32/wldp.dll"
	[ "$1" = none ] || cp "$tmp/wldp-$1.dll" "$system32/wldp.dll"
	echo "--- wine: wldp.dll $1"
	stub=$1
	[ "$1" != none ] || stub=
	if ! INTACT_WLDP_STUB=$stub "$wine" "$tmp/wldp.test.exe" -test.v -test.count=1 >"$tmp/out" 2>&1; then
		status=1
	fi
	grep -E '^(--- |ok|PASS|FAIL|panic)|_test\.go:' "$tmp/out" || cat "$tmp/out"

	"$wine" "$tmp/intact.exe" status >"$tmp/status" 2>&1 || true
	"$wine" "$tmp/intact.exe" run 'C:\apps\contoso\main.js' >"$tmp/main" 2>&1 && main=0 || main=$?
	"$wine" "$tmp/intact.exe" run 'C:\apps\contoso\blocked.js' >"$tmp/blocked" 2>&1 && blocked=0 || blocked=$?
	case $1 in
	none) expect 'not in force:' status && expect 'wldp.dll cannot be loaded' status &&
		expect 'allowed ran' main && [ "$main" = 0 ] && expect 'CANARY' blocked ;;
	full) expect 'WDAC lockdown state: enforce' status &&
		expect 'EnforceCodeIntegrity:   on (wldp: AppSettings' status &&
		expect 'allowed ran' main && [ "$main" = 0 ] &&
		expect 'ERR_CODE_INTEGRITY_VIOLATION' blocked && [ "$blocked" != 0 ] && ! grep -q CANARY "$tmp/blocked" ;;
	legacy) expect 'EnforceCodeIntegrity:   on (wldp: legacy Settings' status &&
		expect 'ERR_CODE_INTEGRITY_VIOLATION' main && [ "$main" != 0 ] && ! grep -q 'allowed ran' "$tmp/main" ;;
	esac || { status=1; echo "FAIL intact.exe with wldp.dll $1:"; cat "$tmp/status" "$tmp/main" "$tmp/blocked"; return; }
	echo "ok   intact.exe status and run with wldp.dll $1"
}
expect() { # expect TEXT FILE: FILE ($tmp/FILE) contains TEXT
	grep -qF -- "$1" "$tmp/$2" || { echo "missing in $2: $1"; return 1; }
}
run none
run full
run legacy
exit $status
