#!/bin/sh
# mmreview show: what was parsed from an mbox, and bad input.
. "$SRCDIR/tests/lib.sh"
SEED="$SRCDIR/tests/fixtures/seed-case/patch.mbox"
PY=/usr/bin/python3

run "$MMREVIEW" show "$SEED"
is "$rc" 0 "show of the seed case exits 0"
contains "$T/out" "message 1: [PATCH v4 5/9] mm: introduce copy-on-fork VMAs" "subject"
contains "$T/out" "version:    4, part 5/9" "version and part"
contains "$T/out" "from:       Ada Developer <ada@example.org>" "from"
contains "$T/out" "message-id: <5d41b24e7bc6.1763460113.git.ada@example.org>" "message-id"
contains "$T/out" "patch: 2 files, 22 insertions(+), 10 deletions(-)" "the patch's counts"
contains "$T/out" "include/linux/mm.h (modified, index 279c121..04293c8)" "first file"
contains "$T/out" "@@ -415,6 +415,27 @@ +21 -0" "its hunk and counts"
contains "$T/out" "mm/memory.c (modified, index eba719e..0ab7dc0)" "second file"
contains "$T/out" "@@ -1250,16 +1250,7 @@ +1 -10" "its hunk and counts"
contains "$T/out" "trailer:    Signed-off-by: Ada Developer <ada@example.org>" "trailer"

run "$MMREVIEW" show - <"$SEED"
is "$rc" 0 "show reads standard input"
contains "$T/out" "[PATCH v4 5/9]" "from stdin too"

run "$MMREVIEW" show --format json "$SEED"
is "$rc" 0 "show --format json exits 0"
"$PY" - "$T/out" >"$T/py" 2>&1 <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
m = d["messages"][0]
f = m["files"]
print(m["subject_info"]["version"], m["subject_info"]["part"],
      m["subject_info"]["total"], len(f),
      f[0]["new_path"], f[0]["hunks"][0]["added"],
      f[1]["new_path"], f[1]["hunks"][0]["removed"],
      f[1]["hunks"][0]["added"], len(m["cc"]), m["from"]["addr"])
PYEOF
is "$(cat "$T/py")" "4 5 9 2 include/linux/mm.h 21 mm/memory.c 10 1 2 ada@example.org" \
	"the JSON carries the same counts"

# A bad message in the middle: the others are still read, the bad one named.
{
	cat "$SEED"
	echo
	sed -e 's/^Message-ID: .*/Message-ID: <bad-count@example.org>/' \
	    -e 's/^@@ -1250,16 +1250,7 @@/@@ -1250,17 +1250,7 @@/' "$SEED"
	echo
	sed -e 's/^Message-ID: .*/Message-ID: <third@example.org>/' "$SEED"
} >"$T/mixed.mbox"
run "$MMREVIEW" show "$T/mixed.mbox"
is "$rc" 2 "an mbox with a broken hunk exits 2"
contains "$T/err" "bad-count@example.org" "the error names the message"
contains "$T/err" "mm/memory.c" "and the file"
contains "$T/out" "message 3: [PATCH v4 5/9]" "the message after it is still read"

# Binary junk and a truncated message: no crash, the rest is read.
{
	head -c 3000 /dev/urandom
	printf '\n\n'
	head -n 20 "$SEED"
	printf '\n'
	cat "$SEED"
} >"$T/junk.mbox"
run "$MMREVIEW" show "$T/junk.mbox"
[ "$rc" -le 2 ]
ok $? "junk input exits 0 or 2, no crash (got $rc)"
contains "$T/out" "mm/memory.c (modified" "the good message after the junk is read"

# A lone message quoting a whole format-patch (stable's "FAILED:" mails)
# is one message.
run "$MMREVIEW" show "$SRCDIR/tests/fixtures/mail/stable-failed.eml"
is "$rc" 0 "a lone message that quotes an mbox exits 0"
contains "$T/out" "message 1: FAILED: patch" "it is read"
lacks "$T/out" "message 2:" "as one message"

# A header line of 1 MB: bounded, named, the next message still read.
{
	printf 'From x@y Mon Jan  1 00:00:00 2024\nFrom: x@y\nSubject: '
	head -c 1048576 /dev/zero | tr '\0' 'a'
	printf '\nMessage-ID: <huge@example.org>\n\nbody\n\n'
	cat "$SEED"
} >"$T/huge.mbox"
run "$MMREVIEW" show "$T/huge.mbox"
contains "$T/out" "[PATCH v4 5/9]" "a megabyte header does not stop the reading"
[ -s "$T/err" ]
ok $? "and it is reported on stderr"

# A 50 MB mbox streams in bounded memory.
i=0
: >"$T/one.mbox"
while [ $i -lt 64 ]; do
	cat "$SEED" >>"$T/one.mbox"
	echo >>"$T/one.mbox"
	i=$((i + 1))
done
: >"$T/big.mbox"
i=0
while [ $i -lt 320 ]; do
	cat "$T/one.mbox" >>"$T/big.mbox"
	i=$((i + 1))
done
size=$(wc -c <"$T/big.mbox")
[ "$size" -gt 50000000 ]
ok $? "the big mbox is over 50 MB ($size bytes)"
(ulimit -v 400000; "$MMREVIEW" show --format json "$T/big.mbox" >/dev/null 2>"$T/err")
is "$?" 0 "show reads it within 400 MB of address space"

done_testing
