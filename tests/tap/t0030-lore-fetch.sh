#!/bin/sh
# mmreview lore fetch against Debian's public-inbox-httpd on 127.0.0.1, in
# git and atom modes: mail delivered in rounds with public-inbox-mda is
# seen exactly once and assembled into series (v2 supersedes v1, a series
# missing a part is reviewed after the settle time), and a server that is
# down or killed in the middle of a round is caught up with next round.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/pi.sh"
. "$SRCDIR/tests/lore-fixtures.sh"

SETTLE=3
fx_make
pi_init && pi_start
ok $? "public-inbox-httpd serves a v2 inbox on 127.0.0.1:$PI_PORT"

# fetch MODE ROUND [ARGS]: one round; $T/out.MODE.ROUND, $T/err.MODE.ROUND
fetch() {
	mode=$1 round=$2
	shift 2
	"$MMREVIEW" -c lore.url="$PI_URL" -c lore.settle=$SETTLE \
		-c lore.retries=0 -c lore.timeout=30 \
		lore fetch --mode "$mode" --state-dir "$T/state-$mode" "$@" \
		>"$T/out.$mode.$round" 2>"$T/err.$mode.$round"
	rc=$?
}

# The message-ids a round printed, sorted.
seen() { sed -n 's/^\([^ ]*\): [a-z ]*: .*/\1/p' "$T/out.$1.$2" | sort; }
ids() { for f in "$@"; do msgid_of "$f"; done | sort; }

# round MODE ROUND DESCRIPTION FILE...: a round must see exactly FILEs
# ($REVIEW: options of the fetch)
round() {
	mode=$1 r=$2 what=$3
	shift 3
	# shellcheck disable=SC2086
	fetch "$mode" "$r" ${REVIEW:-}
	is "$rc" 0 "$what ($mode): exit 0"
	is "$(seen "$mode" "$r" | tr '\n' ' ')" "$(ids "$@" | tr '\n' ' ')" \
		"$what ($mode): each new message once"
}

has() { contains "$T/out.$1.$2" "$3" "$4 ($1)"; }

A1=$T/mail/A1 A2=$T/mail/A2 C=$T/mail/C
a1=$(msgid_of "$A1/0000-cover-letter.patch")
a2=$(msgid_of "$A2/v2-0000-cover-letter.patch")
c=$(msgid_of "$C/0000-cover-letter.patch")

# --- round 0: a first run starts from now --------------------------------------
pi_deliver "$T/mail/OLD"
for m in git atom; do
	round $m 0 "a first round" # nothing: it starts from now
	contains "$T/err.$m.0" "following from now" "a first round says so ($m)"
done
"$MMREVIEW" -c lore.url="$PI_URL" lore fetch --state-dir "$T/since" \
	--since 2020-01-01 >"$T/out.since" 2>"$T/err.since"
is "$?" 0 "--since on a first run exits 0"
contains "$T/out.since" "old@example.org: not a patch: mm: an old message" \
	"--since reads the older mail"

# --- round 1 -------------------------------------------------------------------------
R1="$A1/0000-cover-letter.patch $A1/0001-* $A1/0002-* $T/mail/S $T/mail/N
$T/mail/RE1 $T/mail/RE0 $T/mail/MAL"
# shellcheck disable=SC2086
pi_deliver $R1
for m in git atom; do
	# shellcheck disable=SC2086
	round $m 1 "round 1" $R1
	has $m 1 "$a1: cover: [PATCH 0/3] mm: three small changes" \
		"a cover letter is a cover"
	has $m 1 "$(msgid_of "$T/mail/N"): not a patch:" "mail without a patch"
	has $m 1 "re1@example.org: reply: Re: [PATCH 1/3]" "a reply"
	has $m 1 "series $a1: waiting v1, 2 of 3 patches, missing 3/3:" \
		"a series still missing a part waits"
	has $m 1 "series $(msgid_of "$T/mail/S"): ready v1, 1 patch:" \
		"a single patch is a series of one"
	has $m 1 "series $(msgid_of "$T/mail/MAL"): ready v1, 1 patch: [PATCH] mm/gamma: from a broken mailer" \
		"a message with malformed headers is read"
done

# --- round 2 -------------------------------------------------------------------------
R2="$A1/0003-* $A2/v2-0000-* $A2/v2-0001-* $A2/v2-0002-* $A2/v2-0003-*
$C/0000-* $C/0001-* $C/0003-* $T/mail/B64"
# shellcheck disable=SC2086
pi_deliver $R2
for m in git atom; do
	# shellcheck disable=SC2086
	round $m 2 "round 2" $R2
	has $m 2 "series $a1: superseded v1, 3 patches (superseded by v2 $a2)" \
		"v2 supersedes v1 before v1 was reviewed"
	has $m 2 "series $a2: ready v2, 3 patches: [PATCH v2 0/3]" \
		"v2, a reply to v1's cover letter, is a series of its own"
	has $m 2 "series $c: waiting v1, 2 of 3 patches, missing 2/3:" \
		"a series missing its 2/3 waits"
	has $m 2 "series $(msgid_of "$T/mail/B64"): ready v1, 1 patch: [PATCH] mm/beta: sent in base64" \
		"a base64 patch is a series"
done

# --- round 3: after the settle time --------------------------------------------------
sleep $((SETTLE + 1))
for m in git atom; do
	REVIEW=--review round $m 3 "round 3, nothing new, --review"
	has $m 3 "series $c: settled v1, 2 of 3 patches, missing 2/3:" \
		"after the settle time it is taken out as it is, missing 2/3"
	# the fixtures have nothing to find: the summary counts the patches
	has $m 3 "total: 0 errors, 0 warnings, 0 info in 0 of 2 patches" \
		"and reviewed: its 1/3 and 3/3"
	has $m 3 "2 files reviewed from the hunks alone" "one file each"
	lacks "$T/out.$m.3" "series $a2" "a series is reported ready once ($m)"
done

# --- round 4: the server is down -----------------------------------------------------
pi_stop
pi_deliver "$T"/mail/burst/1 "$T"/mail/burst/2 "$T"/mail/burst/3 "$T"/mail/burst/4
for m in git atom; do
	fetch $m 4
	is "$rc" 2 "a server that is down: exit 2 ($m)"
	contains "$T/err.$m.4" "$PI_URL" "the error names the URL ($m)"
done
pi_start
for m in git atom; do
	round $m 4b "the round after" "$T"/mail/burst/1 "$T"/mail/burst/2 \
		"$T"/mail/burst/3 "$T"/mail/burst/4
done

# --- round 5: the server is killed in the middle of a round -----------------------
pi_deliver "$T"/mail/burst/5 "$T"/mail/burst/6 "$T"/mail/burst/7 "$T"/mail/burst/8
fetch git 5 &
g=$!
fetch atom 5 &
a=$!
sleep 0.1
pi_stop KILL
wait $g $a
pi_start
for m in git atom; do
	fetch $m 5b
	is "$rc" 0 "after the server is back: exit 0 ($m)"
	is "$( (seen $m 5; seen $m 5b) | sort | tr '\n' ' ')" \
		"$(ids "$T"/mail/burst/[5-8] | tr '\n' ' ')" \
		"a round cut short and the next see each message once ($m)"
done

# --- all rounds: every message delivered was seen exactly once -------------------------
for m in git atom; do
	cat "$T"/out.$m.* | sed -n 's/^\([^ ]*\): [a-z ]*: .*/\1/p' | sort >"$T/all.$m"
	is "$(uniq -d "$T/all.$m" | tr '\n' ' ')" "" "no message seen twice ($m)"
	# shellcheck disable=SC2086
	is "$(tr '\n' ' ' <"$T/all.$m")" \
		"$(ids $R1 $R2 "$T"/mail/burst/* | tr '\n' ' ')" \
		"every message delivered after the first round was seen ($m)"
	grep -h '^series ' "$T"/out.$m.* | grep -v ': waiting ' |
		sed 's/:.*//' | sort | uniq -d >"$T/twice.$m"
	is "$(cat "$T/twice.$m")" "" "no series taken out twice ($m)"
	lacks "$T/err.$m.2" "gap" "no gap while the feed holds each round ($m)"
done

# --- a burst larger than new.atom shows (feedmax 10) ----------------------------------
i=1
while [ $i -le 12 ]; do
	fx_message "$T/mail/flood$i" "flood$i@example.org" "Re: flood" \
		"question@example.org" </dev/null
	i=$((i + 1))
done
pi_deliver "$T"/mail/flood1 "$T"/mail/flood2 "$T"/mail/flood3 \
	"$T"/mail/flood4 "$T"/mail/flood5 "$T"/mail/flood6 "$T"/mail/flood7 \
	"$T"/mail/flood8 "$T"/mail/flood9 "$T"/mail/flood10 \
	"$T"/mail/flood11 "$T"/mail/flood12
fetch atom 6
is "$rc" 0 "atom: a burst larger than the feed: exit 0"
contains "$T/err.atom.6" "gap: the oldest entry of new.atom" \
	"atom: the gap is logged"
is "$(seen atom 6 | wc -l)" 10 "atom: the feed's messages are read"
fetch git 6
is "$(seen git 6 | wc -l)" 12 "git: every message of the burst is read"

# --- a broken message in the archive ----------------------------------------------------
epoch="$PI_DIR/inbox/git/0.git"
blob=$(printf '\n\nno header at all\n' | git --git-dir="$epoch" hash-object -w --stdin)
tree=$(printf '100644 blob %s\tm\n' "$blob" | git --git-dir="$epoch" mktree)
head=$(git --git-dir="$epoch" rev-parse HEAD)
new=$(git --git-dir="$epoch" commit-tree "$tree" -p "$head" -m broken)
git --git-dir="$epoch" update-ref refs/heads/master "$new"
fetch git 7
is "$rc" 0 "git: a broken message does not stop the round"
contains "$T/err.git.7" "commit $(echo "$new" | cut -c1-12): unreadable message skipped" \
	"git: it is logged with where it is"

# --- a new epoch ----------------------------------------------------------------------------
pi_new_epoch 1
fx_message "$T/mail/E1a" "epoch1a@example.org" "mm: in a new epoch" </dev/null
fx_message "$T/mail/E1b" "epoch1b@example.org" "mm: in a new epoch too" </dev/null
pi_deliver "$T/mail/E1a" "$T/mail/E1b"
ok $? "a new epoch 1 takes the next messages"
round git 8 "git: a new epoch, from the manifest" "$T/mail/E1a" "$T/mail/E1b"

# the same inbox where the manifest does not name it: epochs are probed
pi_start_mounted
ok $? "a second server has the inbox under /lists"
curl -s "$PI_URL2/manifest.js.gz" | gzip -dc >"$T/manifest2"
lacks "$T/manifest2" "/lists/" "its manifest.js.gz does not name /lists/mm-test"
"$MMREVIEW" -c lore.url="$PI_URL2" -c lore.retries=0 lore fetch \
	--since 2000-01-01 --state-dir "$T/state-probe" >"$T/out.probe.1" \
	2>"$T/err.probe.1"
is "$?" 0 "probing: exit 0"
# all of the inbox but the message without headers, read from each epoch
is "$(grep -c '^[^ ]*: [a-z ]*: ' "$T/out.probe.1")" "$(($(pi_count) - 1))" \
	"probing finds epochs 0 and 1 and reads every message"
pi_new_epoch 2
fx_message "$T/mail/E2" "epoch2@example.org" "mm: in epoch 2" </dev/null
pi_deliver "$T/mail/E2"
"$MMREVIEW" -c lore.url="$PI_URL2" -c lore.retries=0 lore fetch \
	--state-dir "$T/state-probe" >"$T/out.probe.2" 2>"$T/err.probe.2"
is "$?" 0 "probing again: exit 0"
is "$(sed -n 's/: [a-z ]*: .*//p' "$T/out.probe.2")" "epoch2@example.org" \
	"probing finds the new epoch 2 and reads what is new"
round git 9 "git: epoch 2 from the manifest" "$T/mail/E2"

# --- usage and bad inboxes ---------------------------------------------------------------
run "$MMREVIEW" lore fetch --help
is "$rc" 0 "lore fetch --help exits 0"
contains "$T/out" "usage: mmreview lore fetch" "and prints the usage"
run "$MMREVIEW" lore fetch --mode rss
is "$rc" 2 "an unknown mode exits 2"
run "$MMREVIEW" lore fetch --format json
is "$rc" 2 "--format without --review exits 2"
run "$MMREVIEW" -c lore.url=file:///etc lore fetch --state-dir "$T/x"
is "$rc" 2 "a URL that is not http(s) exits 2"
contains "$T/err" "file:///etc" "naming it"
run "$MMREVIEW" -c lore.url="http://127.0.0.1:$PI_PORT/nothing" \
	-c lore.retries=0 lore fetch --state-dir "$T/x"
is "$rc" 2 "an inbox the server does not have exits 2"
contains "$T/err" "http://127.0.0.1:$PI_PORT/nothing" "naming it"
run "$MMREVIEW" -c lore.url="http://127.0.0.1:$PI_PORT/nothing" \
	-c lore.url="$PI_URL" -c lore.retries=0 lore fetch --mode atom \
	--state-dir "$T/x"
is "$rc" 2 "one bad inbox of two: exit 2"
contains "$T/err" "following from now" "and the other is still read"

pi_stop
done_testing
