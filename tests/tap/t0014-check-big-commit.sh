#!/bin/sh
# A commit too large to review (such as the initial commit of a tree) is
# refused from its objects' sizes, before anything is read: one message,
# on stderr only, exit 2; the other commits of the range are reviewed.
# Time and memory are measured by bench/bigcommit.sh, not here.
. "$SRCDIR/tests/lib.sh"
PY=/usr/bin/python3
G() { git -c user.name=T -c user.email=t@e.org "$@"; }

R="$T/many"
mkdir -p "$R/mm"
(cd "$R" && git init -q . && printf 'int x;\n' >mm/a.c && G add -A && G commit -qm base)
"$PY" - "$R" <<'PYEOF'
import os, sys
for i in range(5000):
    d = "%s/mm/d%02d" % (sys.argv[1], i % 50)
    os.makedirs(d, exist_ok=True)
    open("%s/f%d.c" % (d, i), "w").write("int f%d(void)\n{\n\treturn %d;\n}\n" % (i, i))
PYEOF
(cd "$R" && G add -A && G commit -qm "5000 files" &&
	sed -i 's/return 0;/return 1;/' mm/d00/f0.c && G commit -qam "a small change")
cd "$R"
run "$MMREVIEW" check HEAD~1
is "$rc" 2 "5000 files in one commit: exit 2"
contains "$T/err" "is too large to review: it changes 5000 files, more than the 4096 one patch may have" \
	"saying what is too large"
is "$(wc -l <"$T/err" | tr -d ' ')" 1 "one message on stderr"
lacks "$T/out" "too large" "and none on stdout"
run "$MMREVIEW" check HEAD~1..HEAD
is "$rc" 0 "the small commit after it is reviewed"
run "$MMREVIEW" check HEAD~2..HEAD
is "$rc" 2 "a range holding both: exit 2"
contains "$T/out" "in 0 of 1 patch" "the small one reviewed, the large one refused"
run "$MMREVIEW" check --format json "HEAD~1^!"
"$PY" - "$T/out" >"$T/py" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
print(len(d["patches"]), d["patches"][0]["commit"] is not None, "too large" in d["patches"][0]["skipped"])
PYEOF
is "$(cat "$T/py")" "1 True True" "json: the refused commit is listed as skipped, with why"
cd "$T"

# A few large files: refused from their sizes.
R="$T/large"
mkdir -p "$R/mm"
(cd "$R" && git init -q . && printf 'int x;\n' >mm/a.c && G add -A && G commit -qm base &&
	head -c 18000000 /dev/zero | tr '\0' 'x' | fold -w 100 >mm/big1.c &&
	cp mm/big1.c mm/big2.c && echo y >>mm/big2.c && G add -A && G commit -qm "two big files")
cd "$R"
run "$MMREVIEW" check HEAD^..HEAD
is "$rc" 2 "36 MB of new files in one commit: exit 2"
contains "$T/err" "its added and deleted files alone pass the 33554432 bytes one patch may have" \
	"saying the files are too large"
is "$(wc -l <"$T/err" | tr -d ' ')" 1 "one message on stderr"
cd "$T"

done_testing
