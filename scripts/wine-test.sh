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

"$wine" wineboot --init >/dev/null 2>&1
system32="$WINEPREFIX/drive_c/windows/system32"
cp "$tmp/bcryptprimitives.dll" "$system32/"

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
}
run none
run full
run legacy
exit $status
