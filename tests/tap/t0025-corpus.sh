#!/bin/sh
# Real reviewed code: Debian's linux-source 6.1 -> 6.12 changes of
# mm/*.c, as one commit of 117 files (exact blobs, under ASan+UBSan when
# that build is given) and as a patch reviewed from its hunks alone. mm
# maintainers reviewed these changes: the role rules must find nothing.
. "$SRCDIR/tests/lib.sh"
K="${KERNEL_DIR:-$SRCDIR/build/kernel}"
[ -f "$K/6.1/mm/memory.c" ] && [ -f "$K/6.12/mm/memory.c" ] ||
	skip_all "$K missing: run 'make kernel-sources'"

G="$T/corpus"
mkdir -p "$G/mm"
cp "$K/6.1/mm/"*.c "$K/6.1/mm/"*.h "$G/mm/"
cd "$G" || exit 1
git init -q . && git config user.name T && git config user.email t@example.org
git add -A && git commit -qm "linux 6.1 mm"
for f in mm/*.c; do
	[ -f "$K/6.12/$f" ] || git rm -q "$f"
done
cp "$K/6.12/mm/"*.c mm/ && git add -A mm && git commit -qm "linux 6.12 mm/*.c"
ok $? "the corpus commit is made"
git format-patch -q --stdout -1 HEAD >"$T/corpus.mbox"

# roles FILE: the findings of the role rules in a check's text output
roles() {
	grep -c '\[\(role-swap\|comment-mismatch\)\]$' "$1" | tr -d ' '
}

bin=${MMREVIEW_ASAN:-$MMREVIEW}
run env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 "$bin" check HEAD^..HEAD
# The mm rule pack may question some of it (bench/corpus.sh counts
# them); an error is never right.
[ "$rc" -le 1 ]
ok $? "exact blobs: no error$([ -n "${MMREVIEW_ASAN:-}" ] && echo ', under ASan+UBSan')"
is "$(roles "$T/out")" 0 "exact blobs: no role-swap or comment-mismatch"
grep -q "Sanitizer\|runtime error" "$T/err"
ok $((! $?)) "exact blobs: no sanitizer report"

cd "$T" || exit 1
run "$MMREVIEW" check corpus.mbox
is "$(roles "$T/out")" 0 "hunks alone: no role-swap or comment-mismatch"
[ "$rc" -le 1 ]
ok $? "hunks alone: no error"

done_testing
