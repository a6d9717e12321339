#!/bin/sh
# mmreview check on real-world mail shapes and bad input: encodings, CRLF,
# a series with a cover letter and a reply, a patch that does not apply to
# the tree, and a 5 MB patch.
. "$SRCDIR/tests/lib.sh"
SEED="$SRCDIR/tests/fixtures/seed-case/patch.mbox"
K="${KERNEL_DIR:-$SRCDIR/build/kernel}/6.1"
PY=/usr/bin/python3

two_findings() { # two_findings DESCRIPTION
	contains "$T/out" "mm/memory.c:1253:6: warning: Was the change from checking dst_vma to src_vma for VM_UFFD_WP intentional? [role-swap]" "$1: role-swap"
	contains "$T/out" "include/linux/mm.h:430:59: warning: The comment says \"dst_vma\"" "$1: comment-mismatch"
}

# The same patch as base64, as quoted-printable, and with CRLF endings.
"$PY" - "$SEED" "$T" <<'PYEOF'
import base64, quopri, sys
raw = open(sys.argv[1], "rb").read()
head, body = raw.split(b"\n\n", 1)
head = head.replace(b"Content-Transfer-Encoding: 8bit", b"")
def out(name, h, b):
    open(sys.argv[2] + "/" + name, "wb").write(h + b"\n\n" + b)
out("b64.mbox", head + b"Content-Transfer-Encoding: base64",
    base64.encodebytes(body))
out("qp.mbox", head + b"Content-Transfer-Encoding: quoted-printable",
    quopri.encodestring(body))
open(sys.argv[2] + "/crlf.mbox", "wb").write(raw.replace(b"\n", b"\r\n"))
PYEOF
for enc in b64 qp crlf; do
	run "$MMREVIEW" check "$T/$enc.mbox"
	is "$rc" 1 "$enc: exit 1"
	two_findings "$enc"
done

# A series: cover letter, the seed split in two patches, a reply quoting
# a diff. The mask is added in 1/2 and used in 2/2.
"$PY" - "$SEED" "$T/series.mbox" <<'PYEOF'
import sys
raw = open(sys.argv[1]).read()
head, body = raw.split("\n\n", 1)
msg, diff = body.split("\ndiff --git ", 1)
files = ["diff --git " + p for p in diff.split("\ndiff --git ")]
def mail(n, subj, text, irt="cover.1@example.org"):
    h = head.replace("[PATCH v4 5/9] mm: introduce copy-on-fork VMAs", subj)
    h = h.replace("5d41b24e7bc6.1763460113.git.ada@example.org", "p%d@example.org" % n)
    return h + "\n\n" + text + "\n"
out = [mail(0, "[PATCH v4 0/2] cover", "A cover letter.\n"),
       mail(2, "[PATCH v4 2/2] mm: use the mask", msg + "\n" + files[1]),
       mail(1, "[PATCH v4 1/2] mm: add the mask", msg + "\n" + files[0]),
       mail(3, "Re: [PATCH v4 2/2] mm: use the mask",
            "> " + files[1].replace("\n", "\n> ") + "\nLooks fine.\n")]
open(sys.argv[2], "w").write("\n".join(out))
PYEOF
run "$MMREVIEW" check -v "$T/series.mbox"
is "$rc" 1 "series: exit 1"
contains "$T/out" "mm/memory.c:1253:6: warning: Was the change from checking dst_vma to src_vma for VM_UFFD_WP intentional? [role-swap]" \
	"series: role-swap in 2/2 through the mask added by 1/2"
is "$(grep -c '^\[PATCH' "$T/out" | tr -d ' ')" 2 "series: the two patches, not the cover letter or the reply"
is "$(grep '^\[PATCH' "$T/out" | head -1 | cut -c1-16)" "[PATCH v4 1/2] m" "series: in part order"

if [ -f "$K/mm/memory.c" ]; then
	# A tree where the hunk's context is not there: the hunks alone, and why.
	mkdir -p "$T/tree/mm" "$T/tree/include/linux"
	cp "$K/include/linux/mm.h" "$T/tree/include/linux/"
	sed 's/^vma_needs_copy(/vma_needs_copy_renamed(/' "$K/mm/memory.c" >"$T/tree/mm/memory.c"
	run "$MMREVIEW" check -v --tree "$T/tree" "$SEED"
	is "$rc" 1 "a hunk that does not apply: still reviewed"
	contains "$T/out" "mm/memory.c: images from hunks: hunk 1 of 'mm/memory.c'" "and -v names the file and hunk"
	contains "$T/out" "include/linux/mm.h: images from blob" "the other file still uses the tree"
	two_findings "not applying"
fi

# A 5 MB patch: two new files of 1100 functions each, reviewed, nothing
# found (each file under the 4 MiB a C file may have).
"$PY" - "$T/big.mbox" <<'PYEOF'
import sys
body = "".join("\tif (src_vma->vm_flags & VM_LOCKED_%d)\n\t\tcount += %d;\n" % (j, j)
               for j in range(40))
out = ["From: A <a@example.org>\nSubject: [PATCH] big\nMessage-ID: <big@example.org>\n\nmsg\n---\n"]
for name in ("big1", "big2"):
    fns = ["static int %s_function_%d(struct vm_area_struct *src_vma)\n{\n"
           "\tint count = 0;\n\n%s\treturn count;\n}\n\n" % (name, i, body)
           for i in range(1100)]
    lines = "".join("+" + l + "\n" for l in "".join(fns).splitlines())
    out.append("diff --git a/mm/%s.c b/mm/%s.c\nnew file mode 100644\n"
               "--- /dev/null\n+++ b/mm/%s.c\n@@ -0,0 +1,%d @@\n%s"
               % (name, name, name, lines.count("\n"), lines))
open(sys.argv[1], "w").write("".join(out))
PYEOF
run timeout 300 "$MMREVIEW" check "$T/big.mbox"
is "$rc" 0 "a 5 MB patch is reviewed, nothing found ($(wc -c <"$T/big.mbox") bytes)"

# Past a bound (100000 declarations: 20000 changes a patch): a clear error.
"$PY" - "$T/decls.mbox" <<'PYEOF'
import sys
n = 100000
lines = "".join("+int big_variable_number_%d;\n" % i for i in range(n))
open(sys.argv[1], "w").write(
    "From: A <a@example.org>\nSubject: [PATCH] decls\nMessage-ID: <decls@example.org>\n\n"
    "msg\n---\ndiff --git a/mm/big.c b/mm/big.c\nnew file mode 100644\n"
    "--- /dev/null\n+++ b/mm/big.c\n@@ -0,0 +1,%d @@\n%s" % (n, lines))
PYEOF
run timeout 300 "$MMREVIEW" check "$T/decls.mbox"
is "$rc" 2 "100000 declarations: exit 2"
contains "$T/err" "decls@example.org: mm/big.c: more than 20000 changes in one patch" \
	"naming the message, the file and the bound"

# A mail whose diff is broken: exit 2, the message named, others reviewed.
{
	cat "$SEED"
	echo
	sed -e 's/^Message-ID: .*/Message-ID: <broken@example.org>/' \
	    -e 's/^@@ -415,6 +415,27 @@/@@ -415,6 +415,29 @@/' "$SEED"
} >"$T/mixed.mbox"
run "$MMREVIEW" check "$T/mixed.mbox"
is "$rc" 2 "a broken diff: exit 2"
contains "$T/err" "broken@example.org" "naming the message"
contains "$T/err" "include/linux/mm.h" "and the file"
contains "$T/out" "[role-swap]" "the good patch is still reviewed"

# A run of 70000 comments (tree-sitter 0.20.7 crashes past 65535): the
# patch is refused, naming it and the file; the rest is still reviewed.
R="$T/comments"
mkdir -p "$R/mm"
(cd "$R" && git init -q . && echo x >mm/a.c &&
	git -c user.name=T -c user.email=t@e.org add -A &&
	git -c user.name=T -c user.email=t@e.org commit -qm base &&
	"$PY" -c "open('mm/big.c', 'w').write('/* c */\n' * 70000)" &&
	git add mm/big.c &&
	git -c user.name=T -c user.email=t@e.org commit -qm "mm: comments" &&
	git format-patch -q --stdout -1 HEAD) >"$T/comments.mbox"
cat "$SEED" >>"$T/comments.mbox"
run "$MMREVIEW" check "$T/comments.mbox"
is "$rc" 2 "70000 comments in a row: exit 2, no crash"
contains "$T/err" "mm/big.c (post image): more than 60000 comments in a row at line 60001" \
	"naming the file, the bound and the line"
contains "$T/err" "mm: comments" "and the patch"
contains "$T/out" "[role-swap]" "the other patch is still reviewed"

# A stray byte (not UTF-8) in the old code: the JSON still carries the
# finding, the byte replaced.
R="$T/utf8"
mkdir -p "$R/mm"
printf 'static bool f(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma)\n{\n\tif (dst_vma->vm_flags & VM_A && s("\377"))\n\t\treturn true;\n\treturn src_vma != NULL;\n}\n' >"$R/mm/x.c"
(cd "$R" && git init -q . && git -c user.name=T -c user.email=t@e.org add -A &&
	git -c user.name=T -c user.email=t@e.org commit -qm base &&
	sed -i 's/if (dst_vma->vm_flags \& VM_A \&\& s("\o377"))/if (src_vma->vm_flags \& VM_A)/' mm/x.c &&
	git -c user.name=T -c user.email=t@e.org commit -qam change)
cd "$R"
run "$MMREVIEW" check --format json HEAD^..HEAD
cd - >/dev/null
is "$rc" 1 "stray byte: exit 1"
"$PY" - "$T/out" >"$T/py" 2>&1 <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
print(len(d["findings"]), "\ufffd" in d["findings"][0]["old_code"])
PYEOF
is "$(cat "$T/py")" "1 True" "stray byte: the JSON keeps the finding, with U+FFFD"

# A FIFO named like a kernel file in the tree: refused, no hang.
mkdir -p "$T/fifotree/mm" "$T/fifotree/include/linux"
mkfifo "$T/fifotree/mm/memory.c" "$T/fifotree/include/linux/zzz.h"
run timeout 60 "$MMREVIEW" check -v --tree "$T/fifotree" "$SEED"
is "$rc" 1 "a FIFO in the tree: reviewed from the hunks, no hang"
contains "$T/out" "is not a regular file" "and -v says why"

# An unreadable message makes the exit status 2, even with nothing found.
{
	printf 'From a@b Mon Jan  1 00:00:00 2024\nFrom: a@b\nSubject: '
	head -c 300000 /dev/zero | tr '\0' 'x'
	printf '\nMessage-ID: <long@example.org>\n\nbody\n'
} >"$T/skip.mbox"
run "$MMREVIEW" check "$T/skip.mbox"
is "$rc" 2 "a skipped message: exit 2"
contains "$T/err" "long@example.org" "naming it"

run "$MMREVIEW" check "$T/no-such.mbox"
is "$rc" 2 "a missing mbox: exit 2"
contains "$T/err" "cannot open '$T/no-such.mbox'" "named as a file, not taken for a git range"

run "$MMREVIEW" check --format email -o /dev/full "$SEED"
is "$rc" 2 "a report that cannot be written: exit 2"
contains "$T/err" "cannot write" "and says so"

# A long non-ASCII subject: encoded words of at most 75 characters, lines
# of at most 78.
sed 's/^Subject: .*/Subject: [PATCH v4 5\/9] mm: très long très long très long très long très long très long très long très long très long/' \
	"$SEED" >"$T/subj.mbox"
run "$MMREVIEW" check --format email "$T/subj.mbox"
awk '/^Subject:/,/^[^ S]/' "$T/out" | grep -v '^Message-ID' >"$T/subj"
[ "$(awk '{ if (length($0) > 78) n++ } END { print n + 0 }' "$T/subj")" = 0 ]
ok $? "subject: folded to 78 columns"
[ "$(grep -o '=?UTF-8?B?[^?]*?=' "$T/subj" | awk '{ if (length($0) > 75) n++ } END { print n + 0 }')" = 0 ]
ok $? "subject: encoded words of at most 75 characters"
"$PY" - "$T/out" >"$T/py" 2>&1 <<'PYEOF'
import email, email.header, sys
m = email.message_from_string(open(sys.argv[1]).read().split("\n", 1)[1])
print(str(email.header.make_header(email.header.decode_header(m["Subject"]))))
PYEOF
contains "$T/py" "Re: [PATCH v4 5/9] mm: très long très long" "subject: decodes back to the text"

done_testing
