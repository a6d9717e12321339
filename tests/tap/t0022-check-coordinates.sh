#!/bin/sh
# With a tree older or newer than the patch's base, a finding names the
# patch's own line, the one its author sees: Debian's 6.1 memory.c with
# lines added above the hunk, and with lines removed above it.
. "$SRCDIR/tests/lib.sh"
SEED="$SRCDIR/tests/fixtures/seed-case/patch.mbox"
K="${KERNEL_DIR:-$SRCDIR/build/kernel}/6.1"
[ -f "$K/mm/memory.c" ] || skip_all "$K missing: run 'make kernel-sources'"

# tree NAME PERL: a copy of the 6.1 files with memory.c edited by PERL
tree() {
	mkdir -p "$T/$1/mm" "$T/$1/include"
	cp -r "$K/include/linux" "$T/$1/include/"
	perl -pe "$2" "$K/mm/memory.c" >"$T/$1/mm/memory.c"
}
tree newer 'print "/* added above */\n" x 7 if $. == 1'
tree older '$_ = "" if $. >= 20 && $. < 31'

for t in newer older; do
	run "$MMREVIEW" check -v --tree "$T/$t" "$SEED"
	is "$rc" 1 "$t tree: exit 1"
	contains "$T/out" "mm/memory.c: images from applied" "$t tree: the blob is not there, the hunks are applied at an offset"
	contains "$T/out" "mm/memory.c:1253:6: warning: Was the change from checking dst_vma to src_vma" "$t tree: role-swap at the patch's line 1253"
	contains "$T/out" "include/linux/mm.h:430:59: warning:" "$t tree: comment-mismatch in the unchanged header as before"
	run "$MMREVIEW" check --format email --tree "$T/$t" "$SEED"
	contains "$T/out" "> +	if (src_vma->vm_flags & VM_COPY_ON_FORK)" "$t tree: the reply quotes the hunk line"
	lacks "$T/out" "which the patch does not change" "$t tree: not quoted as a line outside the patch"
done

done_testing
