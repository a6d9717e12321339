#!/bin/sh
# mmreview check on inputs as users give them: git diff and git show
# output, several patch files, a DEP-3 patch, a patch sent as a reply,
# empty and patch-less files, the kernel tree around the current
# directory, a branch without upstream; and partial reviews said in
# every format.
. "$SRCDIR/tests/lib.sh"
SEED="$SRCDIR/tests/fixtures/seed-case/patch.mbox"
K="${KERNEL_DIR:-$SRCDIR/build/kernel}/6.1"
PY=/usr/bin/python3
ROLE="mm/memory.c:1253:6: warning: Was the change from checking dst_vma to src_vma for VM_UFFD_WP intentional? [role-swap]"

# The seed cut into the shapes below.
"$PY" - "$SEED" "$T" <<'PYEOF'
import sys
raw = open(sys.argv[1]).read()
d = sys.argv[2]
head, body = raw.split("\n\n", 1)
msg, diff = body.split("\ndiff --git ", 1)
diff = "diff --git " + diff
files = ["diff --git " + p for p in diff.split("\ndiff --git ")[0:] if p]
files = [files[0]] + ["diff --git " + p for p in diff.split("\ndiff --git ")[1:]]
files[0] = files[0][len("diff --git "):] if files[0].startswith("diff --git diff --git ") else files[0]
def w(name, text):
    open(d + "/" + name, "w").write(text)
w("plain.diff", diff)
w("show.diff", "commit 0123456789abcdef0123456789abcdef01234567\n"
  "Author: Ada Lovelace <ada@example.org>\nDate:   Tue Nov 18 10:00:00 2025 +0000\n\n"
  "    mm: introduce copy-on-fork VMAs\n\n    More words.\n\n" + diff)
w("dep3.patch", "Description: mm: make copy-on-fork a mask\n"
  " Gather the flags that force a copy on fork into one mask, as\n"
  " upstream does.\n"
  "Author: Ada Lovelace <ada@example.org>\nForwarded: not-needed\n\n" + diff)
def fp(subj, text):
    h = head.replace("[PATCH v4 5/9] mm: introduce copy-on-fork VMAs", subj)
    return "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n" + \
        h + "\n\n" + msg + "\n" + text
w("0001-mask.patch", fp("[PATCH] mm: add the mask", files[0]))
w("0002-use.patch", fp("[PATCH] mm: use the mask", files[1]))
w("reply.eml", fp("Re: [PATCH v4 5/9] mm: introduce copy-on-fork VMAs", diff))
w("thread.mbox", raw + "\n" + fp("Re: [PATCH v4 5/9] mm: introduce copy-on-fork VMAs", diff).replace(
    "5d41b24e7bc6.1763460113.git.ada@example.org", "reply.1@example.org") + "\n" +
    fp("[PATCH v4 0/9] cover", "A cover letter.\n").replace(
    "5d41b24e7bc6.1763460113.git.ada@example.org", "cover.1@example.org"))
PYEOF

cd "$T"
run "$MMREVIEW" check plain.diff
is "$rc" 1 "git diff output: reviewed as one patch"
contains "$T/out" "$ROLE" "git diff output: the role swap"
contains "$T/out" "in 1 of 1 patch" "git diff output: one patch"

run sh -c '"$1" check - <plain.diff' sh "$MMREVIEW"
is "$rc" 1 "git diff output on standard input: reviewed"
contains "$T/out" "$ROLE" "standard input: the role swap"

run "$MMREVIEW" check --format json show.diff
is "$rc" 1 "git show output: reviewed"
"$PY" - "$T/out" >"$T/py" <<'PYEOF'
import json, sys
p = json.load(open(sys.argv[1]))["patches"][0]
print(p["subject"], p["commit"], p["message_id"])
PYEOF
is "$(cat "$T/py")" "mm: introduce copy-on-fork VMAs 0123456789abcdef0123456789abcdef01234567 None" \
	"git show output: subject and commit from its header"

run "$MMREVIEW" check --format json dep3.patch
"$PY" - "$T/out" >"$T/py" <<'PYEOF'
import json, sys
p = json.load(open(sys.argv[1]))["patches"][0]
print(p["subject"])
PYEOF
is "$(cat "$T/py")" "mm: make copy-on-fork a mask" \
	"DEP-3: the subject is the Description's first line, not its paragraph"
run "$MMREVIEW" check dep3.patch
is "$rc" 1 "a DEP-3 patch (Description:, Author:, no Subject or From): reviewed"
contains "$T/out" "mm: make copy-on-fork a mask" "DEP-3: the Description is the subject"
contains "$T/out" "$ROLE" "DEP-3: the role swap"

run "$MMREVIEW" check reply.eml
is "$rc" 1 "a patch sent as a Re: reply, named alone: reviewed"
contains "$T/out" "$ROLE" "the reply's patch: the role swap"

run "$MMREVIEW" check thread.mbox
is "$rc" 1 "a thread: the patch reviewed"
contains "$T/out" "in 1 of 1 patch" "only the patch, not the reply or the cover letter"
contains "$T/err" "thread.mbox: skipped 2 messages (" "what was skipped is said without -v"
contains "$T/err" "cover letter: 1" "with why: the cover letter"
contains "$T/err" "reply next to the patches of its thread: 1" "with why: the reply"
run "$MMREVIEW" check -v thread.mbox
contains "$T/err" "skipped 'Re: [PATCH v4 5/9] mm: introduce copy-on-fork VMAs' <reply.1@example.org>: reply next" \
	"-v names each skipped message"
run "$MMREVIEW" check --format json thread.mbox
"$PY" - "$T/out" >"$T/py" <<'PYEOF'
import json, sys
for p in json.load(open(sys.argv[1]))["patches"]:
    print(p.get("message_id"), p.get("skipped", "-"))
PYEOF
cat >"$T/want" <<'W'
5d41b24e7bc6.1763460113.git.ada@example.org -
cover.1@example.org cover letter
reply.1@example.org reply next to the patches of its thread
W
cmp -s "$T/py" "$T/want"
ok $? "json: patches, then each skipped message with why"
[ $? -eq 0 ] || sed 's/^/# /' "$T/py"

# Several files: in the order given, one series (the mask of 1 and its
# comment are seen by 2, though neither subject is numbered).
run "$MMREVIEW" check --format json 0001-mask.patch 0002-use.patch
is "$rc" 1 "several files: reviewed"
"$PY" - "$T/out" >"$T/py" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
print([p["subject"] for p in d["patches"]], sorted(f["rule"] for f in d["findings"]))
PYEOF
is "$(cat "$T/py")" "['[PATCH] mm: add the mask', '[PATCH] mm: use the mask'] ['comment-mismatch', 'role-swap']" \
	"several files: in order, one series (2/2 sees 1/2's mask and its comment)"
run "$MMREVIEW" check --format json 0002-use.patch 0001-mask.patch
"$PY" - "$T/out" >"$T/py" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
print([p["subject"] for p in d["patches"]], len(d["findings"]))
PYEOF
is "$(cat "$T/py")" "['[PATCH] mm: use the mask', '[PATCH] mm: add the mask'] 0" \
	"several files: the order given is kept (the mask comes too late)"

# The same stale comment in a header and its copy under tools/testing/:
# two findings, one question in the reply naming both places.
"$PY" - "$SEED" "$T/dup.mbox" <<'PYEOF'
import sys
raw = open(sys.argv[1]).read()
head, body = raw.split("\n\n", 1)
msg, diff = body.split("\ndiff --git ", 1)
files = ["diff --git " + p for p in diff.split("\ndiff --git ")]
mmh = [f for f in files if "include/linux/mm.h" in f.split("\n")[0]][0]
copy = mmh.replace("include/linux/mm.h", "tools/testing/vma/vma_internal.h")
copy = "\n".join(l for l in copy.split("\n") if not l.startswith("index "))
open(sys.argv[2], "w").write(head + "\n\n" + msg + "\n" + "\n".join(files).rstrip("\n") + "\n" + copy.rstrip("\n") + "\n")
PYEOF
run "$MMREVIEW" check dup.mbox
is "$(grep -c 'comment-mismatch' "$T/out" | tr -d ' ')" 2 "the same comment twice: two findings in the text"
run "$MMREVIEW" check --format email dup.mbox
is "$(grep -c '^The comment says "dst_vma"' "$T/out" | tr -d ' ')" 1 "one question in the reply"
contains "$T/out" "The same question applies to tools/testing/vma/vma_internal.h, line 430," "naming the other place"
lacks "$T/out" "> diff --git a/tools/testing" "which is not quoted again"

# Nothing to review is an error that says what was expected.
: >empty.mbox
run "$MMREVIEW" check empty.mbox
is "$rc" 2 "an empty mbox: exit 2"
contains "$T/err" "'empty.mbox' is empty: expected an mbox of patches" "saying what was expected"
printf 'From: a@example.org\nSubject: hello\nMessage-ID: <hi@example.org>\n\nJust words.\n' >words.eml
run "$MMREVIEW" check words.eml
is "$rc" 2 "a mail with no patch: exit 2"
contains "$T/err" "no patch in 'words.eml'" "saying there is no patch"
printf 'Just words, no diff.\n' >words.txt
run "$MMREVIEW" check words.txt
is "$rc" 2 "a text file with no patch: exit 2"
contains "$T/err" "expected an mbox of patches, a patch file" "saying what was expected"
run "$MMREVIEW" check 0001-mask.patch 0002-use.patch words.txt
is "$rc" 2 "good files and one without a patch: exit 2"
contains "$T/out" "$ROLE" "the good ones are still reviewed"

mkdir -p notkernel/mm
run "$MMREVIEW" check --tree notkernel "$SEED"
is "$rc" 2 "a --tree that is not a kernel tree: exit 2"
contains "$T/err" "'notkernel' is not a kernel tree: expected a directory with mm/ and include/linux/" \
	"saying what a kernel tree is"
run "$MMREVIEW" -c review.kernel-tree="$T/notkernel" check "$SEED"
is "$rc" 2 "review.kernel-tree that is not a kernel tree: exit 2"

# Partial reviews are visible in every format.
run "$MMREVIEW" check "$SEED"
contains "$T/out" "2 files reviewed from the hunks alone (no kernel tree: 2)" "text: partial files counted, with why"
run "$MMREVIEW" check --format json "$SEED"
"$PY" - "$T/out" >"$T/py" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
for f in d["patches"][0]["files"]:
    print(f["path"], f["origin"], f["partial"], "no kernel tree" in f["reason"])
rs = [f for f in d["findings"] if f["rule"] == "role-swap"][0]
print("\n" in rs["message"], rs["note"].startswith("userfaultfd_wp(dst_vma) tests"))
PYEOF
cat >"$T/want" <<'W'
include/linux/mm.h hunks True True
mm/memory.c hunks True True
False True
W
cmp -s "$T/py" "$T/want"
ok $? "json: each file's origin and reason; the explanation in note, the question in message"
[ $? -eq 0 ] || sed 's/^/# /' "$T/py"
run "$MMREVIEW" check --format sarif "$SEED"
"$PY" - "$T/out" >"$T/py" <<'PYEOF'
import json, sys
inv = json.load(open(sys.argv[1]))["runs"][0]["invocations"][0]
print(inv["executionSuccessful"], len(inv["toolExecutionNotifications"]),
      len(inv["properties"]["patches"][0]["files"]))
PYEOF
is "$(cat "$T/py")" "True 2 2" "sarif: the partial files as notifications, the patches in properties"

# A clean patch still lists its files.
printf 'diff --git a/mm/x.c b/mm/x.c\n--- a/mm/x.c\n+++ b/mm/x.c\n@@ -1,3 +1,3 @@\n int f(void)\n {\n-\treturn 1;\n+\treturn 2;\n' >clean.diff
printf 'diff --git a/Documentation/x.rst b/Documentation/x.rst\n--- a/Documentation/x.rst\n+++ b/Documentation/x.rst\n@@ -1 +1 @@\n-a\n+b\n' >>clean.diff
run "$MMREVIEW" check --format json clean.diff
is "$rc" 0 "a clean patch: exit 0"
"$PY" - "$T/out" >"$T/py" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
print(len(d["findings"]), [(f["path"], f["origin"], f["reason"]) for f in d["patches"][0]["files"]][1])
PYEOF
is "$(cat "$T/py")" "0 ('Documentation/x.rst', None, 'not C source')" "json: files of a clean patch, not-C ones said"

if [ -f "$K/mm/memory.c" ]; then
	# Inside a kernel tree, its files are read, unless the config says
	# otherwise.
	cd "$K/mm"
	run "$MMREVIEW" check --format json "$SEED"
	cd "$T"
	"$PY" - "$T/out" >"$T/py" <<'PYEOF'
import json, sys
print(sorted(set(f["origin"] for f in json.load(open(sys.argv[1]))["patches"][0]["files"])))
PYEOF
	is "$(cat "$T/py")" "['blob']" "inside a kernel tree: that tree's blobs"
	cd "$K"
	run "$MMREVIEW" -c review.kernel-tree="$T/notkernel" check "$SEED"
	cd "$T"
	is "$rc" 2 "inside a kernel tree, review.kernel-tree still wins"
fi

# A branch without an upstream: only HEAD, and how to give a range.
R="$T/repo"
mkdir -p "$R/mm"
printf 'int f(void)\n{\n\treturn 0;\n}\n' >"$R/mm/x.c"
(cd "$R" && git init -q -b work . && git -c user.name=T -c user.email=t@e.org add -A &&
	git -c user.name=T -c user.email=t@e.org commit -qm base &&
	sed -i 's/return 0/return 1/' mm/x.c &&
	git -c user.name=T -c user.email=t@e.org commit -qam change)
cd "$R"
run "$MMREVIEW" check
is "$rc" 0 "no upstream: HEAD reviewed"
contains "$T/err" "work has no upstream: only HEAD is reviewed; give a range (mmreview check origin/master..HEAD)" \
	"and says so on stderr, with how to give a range"
contains "$T/out" "in 0 of 1 patch" "one commit"
git branch -q base HEAD^ && git branch -q --set-upstream-to=base
run "$MMREVIEW" check
lacks "$T/err" "no upstream" "with an upstream: nothing said"
cd "$T"

done_testing
