#!/bin/sh
# Wall time of mmreview check next to checkpatch.pl --no-tree (from the
# same Debian linux-source) on the same patches. Needs "make
# kernel-sources" and bench/corpus.sh's output for the large input.
set -eu
bin=$(cd "$(dirname "${1:-./mmreview}")" && pwd)/$(basename "${1:-./mmreview}")
out=${2:-build/bench}
cp_pl=build/kernel/6.12/scripts/checkpatch.pl
seed=tests/fixtures/seed-case/patch.mbox

# best of N runs of a command, in seconds
best() {
	n=$1
	shift
	b=""
	i=0
	while [ $i -lt "$n" ]; do
		s=$(date +%s.%N)
		"$@" >/dev/null 2>&1 || true
		e=$(date +%s.%N)
		t=$(echo "$e - $s" | bc)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then
			b=$t
		fi
		i=$((i + 1))
	done
	printf '%.3f' "$b"
}

# one file of the corpus commit as its own patch: mm/memory.c
git -C "$out/corpus" format-patch -q --stdout -1 HEAD -- mm/memory.c \
	>"$out/memory.patch"

printf '%-34s %8s %12s %14s\n' "input" "lines" "mmreview s" "checkpatch s"
for f in "$seed" "$out/memory.patch" "$out/corpus.mbox"; do
	runs=5
	[ "$f" = "$out/corpus.mbox" ] && runs=1
	printf '%-34s %8s %12s %14s\n' "$(basename "$f")" "$(wc -l <"$f")" \
		"$(best $runs "$bin" check "$f")" \
		"$(best $runs perl "$cp_pl" --no-tree -q "$f")"
done
