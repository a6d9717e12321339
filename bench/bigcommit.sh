#!/bin/sh
# How fast and in how much memory a commit too large to review is
# refused: an initial commit of three copies of Debian's 6.1 sources
# (mm/, include/linux, include/uapi/linux: some 10,600 files, as a stand
# for a whole tree's 75,000), and one of 5000 small files; then, for
# comparison, one copy (3546 files), which is under the bounds and
# reviewed.
# Usage: sh bench/bigcommit.sh MMREVIEW KERNEL_DIR WORKDIR
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
kernel=$2
work=$(mkdir -p "$3" && cd "$3" && pwd)
G() { git -c user.name=B -c user.email=b@e.org "$@"; }

rm -rf "$work/bigcommit"

mkdir -p "$work/bigcommit"
: >"$work/bigcommit/msgs"
tree="$work/bigcommit/kernel-x3"
for c in a b c; do
	mkdir -p "$tree/$c"
	cp -r "$kernel/." "$tree/$c/"
done
(cd "$tree" && git init -q . && G add -A && G commit -qm initial)
one="$work/bigcommit/kernel"
cp -r "$kernel" "$one"
(cd "$one" && git init -q . && G add -A && G commit -qm initial)
many="$work/bigcommit/many"
mkdir -p "$many/mm"
i=0
while [ $i -lt 5000 ]; do
	printf 'int f%d;\n' $i >"$many/mm/f$i.c"
	i=$((i + 1))
done
(cd "$many" && git init -q . && G add -A && G commit -qm initial)

printf '%-28s %8s %8s %10s %6s\n' "commit" "files" "seconds" "peak MB" "exit"
for repo in "$tree" "$many" "$one"; do
	files=$(cd "$repo" && git ls-files | wc -l)
	cd "$repo"
	/usr/bin/time -f '%e %M' -o "$work/bigcommit/time" "$bin" check HEAD \
		>/dev/null 2>"$work/bigcommit/err" && rc=0 || rc=$?
	cd - >/dev/null
	read -r secs kb <<EOT
$(tail -n 1 "$work/bigcommit/time")
EOT
	printf '%-28s %8s %8s %10s %6s\n' "initial of $(basename "$repo")" \
		"$files" "$secs" "$((kb / 1024))" "$rc"
	[ "$repo" = "$one" ] || echo "    $(cat "$work/bigcommit/err")" >>"$work/bigcommit/msgs"
done
cat "$work/bigcommit/msgs"
