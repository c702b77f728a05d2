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
# Then intact node with node.exe 22 (installed and cached by
# scripts/install-node.sh --win 22; node.exe 24 crashes under Wine 8), in
# a prefix that reports Windows 10, as node.exe requires: the nodeguard
# tests (TestWindowsNode: signed, unsigned and tampered scripts, workers,
# children through the shim, addons (scripts/wine/testaddon.c), node.exe
# itself checked, the job object) and
# intact.exe node, with no wldp.dll and a catalogs-only policy, then with
# each stand-in, whose verdicts then decide. Without npm or node.exe that
# part says SKIP.
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
mkdir "$tmp/addons"
for label in good evil; do
	"$cc" -O2 -Wall -Werror -shared "-DLABEL=L\"addon-$label\"" -o "$tmp/addons/$label.node" "$dlls/testaddon.c"
done
GOOS=windows GOARCH=amd64 go test -c -o "$tmp/wldp.test.exe" ./enforcer/wldp
GOOS=windows GOARCH=amd64 go test -c -o "$tmp/nodeguard.test.exe" ./nodeguard
GOOS=windows GOARCH=amd64 go build -o "$tmp/intact.exe" ./cmd/intact
nodeexe=
if command -v npm >/dev/null; then
	nodeexe=$(sh scripts/install-node.sh --win 22 | tail -1) || nodeexe=
fi
[ -f "$nodeexe" ] || echo "SKIP intact node under Wine: node.exe 22 cannot be installed (sh scripts/install-node.sh --win 22 needs npm)"
winpath() { printf 'Z:%s' "$1" | tr / '\\'; }

mkdir "$WINEPREFIX"
"$wineserver" -p # keep this prefix's server up between runs: much faster
"$wine" wineboot --init >/dev/null 2>&1
# node.exe refuses the Windows 7 that Wine 8 reports by default.
"$wine" reg add 'HKCU\Software\Wine' /v Version /d win10 /f >/dev/null 2>&1
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
	[ -z "$nodeexe" ] || node_run "$1"
}

# node_run VARIANT: intact node under each wldp.dll; with none, a
# catalogs-only policy, and the nodeguard tests.
node_run() {
	variant=$1 node=$(winpath "$nodeexe")
	if [ "$variant" = none ]; then
		if (cd nodeguard && INTACT_TEST_NODES=$node INTACT_TEST_ADDONS=$(winpath "$tmp/addons") \
			"$wine" "$tmp/nodeguard.test.exe" -test.v -test.count=1 >"$tmp/out" 2>&1); then :; else status=1; fi
		grep -E '^(--- |    --- [A-Z]+: TestWindowsNode/|ok|PASS|FAIL|panic)|_test\.go:' "$tmp/out" || cat "$tmp/out"
		nodeapp="$WINEPREFIX/drive_c/apps/node"
		mkdir -p "$nodeapp"
		cp examples/policy.xml "$WINEPREFIX/drive_c/apps/policy.xml"
		# main.js forks a child through intact.exe as the shim.
		cat >"$nodeapp/main.js" <<-'EOF'
			console.log("signed ran: " + require("./lib.js"));
			require("child_process").fork(__dirname + "/child.js").on("message", (m) => console.log("child said " + m));
		EOF
		echo 'process.send(require("./lib.js"))' >"$nodeapp/child.js"
		echo 'module.exports = "lib ok"' >"$nodeapp/lib.js"
		# The app, and node.exe: under a catalogs policy it is judged too.
		sign 'C:\apps\node' 'C:\apps\app.cat' && sign "$(winpath "$(dirname "$nodeexe")")" 'C:\apps\node.exe.cat' ||
			{ status=1; echo "FAIL signing the app and node.exe"; return; }
		echo 'require("fs").writeFileSync(__dirname + "/canary", "ran")' >"$nodeapp/evil.js"
		set -- --policy 'C:\apps\policy.xml' --catalog 'C:\apps\app.cat' --catalog 'C:\apps\node.exe.cat'
		main='C:\apps\node\main.js' blocked='C:\apps\node\evil.js'
	else
		set --
		main='C:\apps\contoso\main.js' blocked='C:\apps\contoso\blocked.js'
	fi
	"$wine" "$tmp/intact.exe" node "$@" --node "$node" "$main" >"$tmp/main" 2>&1 && main=0 || main=$?
	"$wine" "$tmp/intact.exe" node "$@" --node "$node" "$blocked" >"$tmp/blocked" 2>&1 && blocked=0 || blocked=$?
	case $variant in
	none) expect 'signed ran: lib ok' main && expect 'child said lib ok' main && [ "$main" = 0 ] &&
		expect 'ERR_CODE_INTEGRITY_VIOLATION' blocked && [ "$blocked" != 0 ] && [ ! -e "$WINEPREFIX/drive_c/apps/node/canary" ] ;;
	full) expect 'allowed ran' main && [ "$main" = 0 ] &&
		expect 'ERR_CODE_INTEGRITY_VIOLATION' blocked && [ "$blocked" != 0 ] && ! grep -q CANARY "$tmp/blocked" ;;
	legacy) expect 'node.exe did not pass OS Code Integrity validation' main && [ "$main" != 0 ] &&
		! grep -q 'allowed ran' "$tmp/main" ;;
	esac || { status=1; echo "FAIL intact.exe node with wldp.dll $variant:"; cat "$tmp/main" "$tmp/blocked"; return; }
	echo "ok   intact.exe node with wldp.dll $variant"
}
sign() { # sign FOLDER CATALOG: a catalog of FOLDER signed by the example's TEST-ONLY signer
	pki=$(winpath "$PWD/examples/pki")
	"$wine" "$tmp/intact.exe" catalog new "$1" -o "$2" --cert "$pki\\signer.pem" --key "$pki\\signer.key" \
		--chain "$pki\\ca.pem" >/dev/null 2>&1
}
expect() { # expect TEXT FILE: FILE ($tmp/FILE) contains TEXT
	grep -qF -- "$1" "$tmp/$2" || { echo "missing in $2: $1"; return 1; }
}
run none
run full
run legacy
exit $status
