#!/bin/sh
# Extract mm/ and include/ of Debian's linux-source-6.1 and -6.12 packages
# for the rule tests and benchmarks (never committed).
set -eu

out=${1:-build/kernel}
for v in 6.1 6.12; do
	[ -f "$out/$v/.ok" ] && continue
	tarball=/usr/src/linux-source-$v.tar.xz
	if [ ! -f "$tarball" ]; then
		echo "kernel: $tarball missing (make deps installs linux-source-$v)" >&2
		exit 1
	fi
	echo "kernel: extracting mm/ and include/ of $v"
	rm -rf "$out/$v"
	mkdir -p "$out/$v"
	tar -I 'xz -T0' -xf "$tarball" -C "$out/$v" --strip-components=1 \
		"linux-source-$v/mm" "linux-source-$v/include/linux" \
		"linux-source-$v/include/uapi/linux" "linux-source-$v/scripts/checkpatch.pl"
	touch "$out/$v/.ok"
done
