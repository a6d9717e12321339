#!/bin/sh
# Extract mm/, include/ and the scripts checkpatch reads of Debian's
# linux-source-6.1 and -6.12 packages for the rule tests and benchmarks
# (never committed). The .ok marker holds the list of what was extracted:
# a tree extracted with a shorter list gets the missing parts added in
# place (other runs may be reading it), one made with this list is kept.
set -eu

out=${1:-build/kernel}
parts="mm include/linux include/uapi/linux scripts/checkpatch.pl
scripts/spelling.txt"
want=$(echo $parts)
for v in 6.1 6.12; do
	ok="$out/$v/.ok"
	[ -f "$ok" ] && [ "$(cat "$ok")" = "$want" ] && continue
	tarball=/usr/src/linux-source-$v.tar.xz
	if [ ! -f "$tarball" ]; then
		echo "kernel: $tarball missing (make deps installs linux-source-$v)" >&2
		exit 1
	fi
	if [ -f "$ok" ]; then
		members=""
		for p in $parts; do
			[ -e "$out/$v/$p" ] || members="$members linux-source-$v/$p"
		done
	else
		rm -rf "$out/$v"
		mkdir -p "$out/$v"
		members=$(for p in $parts; do echo "linux-source-$v/$p"; done)
	fi
	if [ -n "$members" ]; then
		echo "kernel: extracting" $(echo "$members" | sed "s|linux-source-$v/||g") "of $v"
		# shellcheck disable=SC2086
		tar -I 'xz -T0' -xf "$tarball" -C "$out/$v" --strip-components=1 \
			$members
	fi
	echo "$want" >"$ok"
done
