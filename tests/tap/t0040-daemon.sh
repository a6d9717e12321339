#!/bin/sh
# mmreview daemon against Debian's public-inbox-httpd and aiosmtpd on
# 127.0.0.1: series delivered in rounds with public-inbox-mda are reviewed
# once; one reply per patch with findings arrives, to the recipients of
# each post.reply-to mode, threaded under its patch; nothing for clean
# patches, nothing in none mode; outbox mode writes the Maildir and the
# mbox. The replies sent to the list land in the archive under their
# patches, and b4 am on such a thread still picks the patch. Then a
# running daemon: status while it runs, the lock, SIGHUP, SIGTERM; and
# the failures: SMTP down, a refused recipient, the archive unreachable,
# a damaged state database.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/pi.sh"
. "$SRCDIR/tests/smtp.sh"
. "$SRCDIR/tests/lore-fixtures.sh"
. "$SRCDIR/tests/daemon-fixtures.sh"

fx_make
pi_init && pi_start && smtp_start
ok $? "public-inbox-httpd and aiosmtpd on 127.0.0.1"
dm_config "$T/dm.cfg"

dm_once
is "$rc" 0 "a first round starts from now"

# --- reply-to = author (the default) ------------------------------------------
fx_seed 1
A1=$T/mail/A1
pi_deliver "$T/seed-1" "$T/mail/S" "$A1"/0000-* "$A1"/0001-* "$A1"/0002-* \
	"$A1"/0003-*
dm_once
is "$rc" 0 "round 1: exit 0"
is "$(dm_total)" 1 "round 1: one reply, for the one patch with findings"
f=$(dm_reply_file seed-1@example.org)
is "$(dm_header "$f" To)" "Ada Developer <ada@example.org>" \
	"author: To the author"
is "$(dm_header "$f" Cc)" "" "author: no Cc"
is "$(dm_header "$f" X-RcptTo)" "ada@example.org" "author: sent to the author only"
is "$(dm_header "$f" References)" "<seed-1@example.org>" \
	"References: the patch"
is "$(dm_header "$f" Subject)" "Re: [PATCH] mm: copy-on-fork VMAs (1)" \
	"Subject: Re: the patch's"
contains "$f" "Was the change from checking dst_vma to src_vma" \
	"the reply carries the finding"
contains "$T/dm.err" "series <seed-1@example.org> v1: reviewed, 1 patch, 2 findings, 1 reply queued" \
	"the log names the series"
contains "$T/dm.err" "$(msgid_of "$T/mail/S")> v1: reviewed, 1 patch, 0 findings, 0 replies" \
	"a clean patch is reviewed, no reply"
contains "$T/dm.err" "v1: reviewed, 3 patches, 0 findings, 0 replies" \
	"a clean series is reviewed, no reply"

dm_once
is "$(dm_total)" 1 "round 2, nothing new: no reply again"
lacks "$T/dm.err" "reviewed" "round 2: nothing reviewed again"

# --- reply-to = all and list ------------------------------------------------------
fx_seed 2
pi_deliver "$T/seed-2"
dm_once -c post.reply-to=all
f=$(dm_reply_file seed-2@example.org)
is "$(dm_replies seed-2@example.org)" 1 "all: one reply"
is "$(dm_header "$f" To)" "Ada Developer <ada@example.org>" "all: To the author"
is "$(dm_header "$f" Cc)" "Maintainer One <maint@example.org>, Reviewer Two <rev2@example.org>, <linux-mm@kvack.org>" \
	"all: Cc the patch's To and Cc"
is "$(dm_header "$f" X-RcptTo | tr -d ' ' | tr ',' '\n' | sort | tr '\n' ' ')" \
	"ada@example.org linux-mm@kvack.org maint@example.org rev2@example.org " \
	"all: sent to each of them"

fx_seed 3
pi_deliver "$T/seed-3"
dm_once -c post.reply-to=list
f=$(dm_reply_file seed-3@example.org)
is "$(dm_replies seed-3@example.org)" 1 "list: one reply"
is "$(dm_header "$f" To)" "<linux-mm@kvack.org>" "list: To the list"
is "$(dm_header "$f" X-RcptTo)" "linux-mm@kvack.org" "list: sent to the list only"

# --- none and outbox ------------------------------------------------------------------
fx_seed 4
pi_deliver "$T/seed-4"
dm_once -c post.mode=none
is "$(dm_total)" 3 "none: reviewed, nothing sent"
contains "$T/dm.err" "series <seed-4@example.org> v1: reviewed" "none: reviewed"
"$MMREVIEW" --config "$T/dm.cfg" status >"$T/status" 2>&1
contains "$T/status" "replies sent:       3" "status counts the replies sent"

fx_seed 5
pi_deliver "$T/seed-5"
dm_once -c post.mode=outbox -c post.outbox="$T/outbox/"
is "$(ls "$T/outbox/new" | wc -l)" 1 "outbox: the reply is in the Maildir"
grep -q "^In-Reply-To: <seed-5@example.org>" "$T"/outbox/new/*
ok $? "outbox: the Maildir has the reply to the patch"
fx_seed 6
pi_deliver "$T/seed-6"
dm_once -c post.mode=outbox -c post.outbox="$T/replies.mbox"
is "$(grep -c '^From ' "$T/replies.mbox")" 1 "outbox: one reply in the mbox"
contains "$T/replies.mbox" "In-Reply-To: <seed-6@example.org>" \
	"outbox: the mbox has the reply to the patch"
is "$(dm_total)" 3 "outbox: nothing through SMTP"

# --- an incomplete series, reviewed after lore.settle ------------------------------------
seed=5d41b24e7bc6.1763460113.git.ada@example.org
pi_deliver "$SEED"
dm_once
"$MMREVIEW" --config "$T/dm.cfg" status >"$T/status" 2>&1
contains "$T/status" "<$seed> v4: 1 of 9 parts" "status: the series waits for its parts"
sleep 3
dm_once
f=$(dm_reply_file "$seed")
is "$(dm_replies "$seed")" 1 "settled: one reply"
tr '\n' ' ' <"$f" >"$T/flat"
contains "$T/flat" "reviewed without patches 1/9 2/9 3/9 4/9 6/9 7/9 8/9 9/9, which had not reached the list 2 seconds after its latest part" \
	"settled: the reply says which parts were missing"
contains "$T/dm.err" "(parts missing)" "settled: the log says so"

# --- a new version gets its own review ---------------------------------------------------
fx_seed 1v2 "Ada Developer <ada@example.org>" 2
sed -i 's/ (1v2)$/ (1)/' "$T/seed-1v2"
pi_deliver "$T/seed-1v2"
dm_once
is "$(dm_replies seed-1v2@example.org)" 1 "v2: its own reply"
is "$(dm_replies seed-1@example.org)" 1 "v1: still one reply"

# --- the archive threads the replies that went to the list --------------------------------
for id in seed-2 seed-3; do
	r=$(dm_header "$(dm_reply_file $id@example.org)" Message-ID | tr -d '<>')
	curl -s "$PI_URL/$id@example.org/t.mbox.gz" | gunzip >"$T/thread.$id"
	is "$(grep -c -i "^Message-ID: <$r>" "$T/thread.$id")" 1 \
		"archive: the reply to $id is in its patch's thread"
	curl -s "$PI_URL/$r/raw" >"$T/raw.$id"
	contains "$T/raw.$id" "In-Reply-To: <$id@example.org>" \
		"archive: the archived reply answers $id"
done
if command -v b4 >/dev/null 2>&1; then
	git config --global b4.midmask "$PI_URL/%s"
	git config --global b4.linkmask "$PI_URL/%s"
	git config --global user.name "Test Reviewer"
	git config --global user.email reviewer@example.org
	for id in seed-2 seed-3; do
		mkdir -p "$T/b4.$id"
		(cd "$T/b4.$id" && b4 -q am -o . "$id@example.org") \
			>"$T/b4.$id.log" 2>&1
		ok $? "b4 am $id: exit 0"
		box=$(ls "$T/b4.$id"/*.mbx 2>/dev/null | head -1)
		is "$(sed -n 's/^[Mm]essage-[Ii][Dd]: *<\(.*\)>.*/\1/p' "${box:-/dev/null}")" \
			"$id@example.org" "b4 am $id: the patch, not the reply"
	done
else
	ok 0 "# SKIP b4 is not installed"
fi

# --- a running daemon: status, the lock, SIGHUP, SIGTERM --------------------------------
# wait_for COMMAND...: up to 30 s until it succeeds
wait_for() {
	i=0
	while [ $i -lt 300 ]; do
		"$@" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
has_replies() { [ "$(dm_replies "$1")" -ge 1 ]; }
in_log() { grep -qsF -- "$1" "$T/run.err"; }

"$MMREVIEW" --config "$T/dm.cfg" daemon >"$T/run.out" 2>"$T/run.err" &
DPID=$!
wait_for in_log "started (pid $DPID)"
ok $? "the daemon starts"
fx_seed 7
pi_deliver "$T/seed-7"
wait_for has_replies seed-7@example.org
ok $? "the running daemon replies to a new patch"
run "$MMREVIEW" --config "$T/dm.cfg" status
is "$rc" 0 "status while the daemon runs: exit 0"
contains "$T/out" "reviewed today:" "status while the daemon runs: the counts"
dm_once
is "$rc" 2 "a second daemon on the same state: exit 2"
contains "$T/dm.err" "in use by another mmreview daemon (pid $DPID" \
	"a second daemon: refused, naming the first"
git config --file "$T/dm.cfg" post.reply-to list
kill -HUP "$DPID"
wait_for in_log "config reloaded"
ok $? "SIGHUP: the config is read again"
fx_seed 8
pi_deliver "$T/seed-8"
wait_for has_replies seed-8@example.org
is "$(dm_header "$(dm_reply_file seed-8@example.org)" To)" \
	"<linux-mm@kvack.org>" "SIGHUP: the new reply-to is used"
kill -TERM "$DPID"
wait "$DPID"
is "$?" 0 "SIGTERM: exit 0"
contains "$T/run.err" "stopping on a signal" "SIGTERM: said"
git config --file "$T/dm.cfg" --unset post.reply-to
is "$(dm_replies seed-7@example.org)$(dm_replies seed-8@example.org)" 11 \
	"the running daemon sent each reply once"

# --- the SMTP server down: the reply waits, and goes when it is back ------------------------
smtp_stop
fx_seed 9
pi_deliver "$T/seed-9"
dm_once
is "$rc" 2 "SMTP down: exit 2"
contains "$T/dm.err" "reply <" "SMTP down: the reply is named"
contains "$T/dm.err" "waits:" "SMTP down: it waits"
run "$MMREVIEW" --config "$T/dm.cfg" status
contains "$T/out" "replies pending:    1" "SMTP down: status shows it pending"
smtp_start
dm_once
is "$rc" 0 "SMTP back: exit 0"
is "$(dm_replies seed-9@example.org)" 1 "SMTP back: the reply went, once"

# --- a recipient refused for good -------------------------------------------------------
fx_seed 10 "Refused Author <refused@example.org>"
pi_deliver "$T/seed-10"
dm_once
contains "$T/dm.err" "<seed-10@example.org>: reply <" "refused: the reply is named"
contains "$T/dm.err" "refused: recipient <refused@example.org> refused" \
	"refused: the recipient and the server's answer"
is "$(dm_replies seed-10@example.org)" 0 "refused: nothing delivered"
run "$MMREVIEW" --config "$T/dm.cfg" status
contains "$T/out" "replies refused:    1" "refused: status counts it"
dm_once
lacks "$T/dm.err" "seed-10" "refused: not tried again"

# --- the archive unreachable ------------------------------------------------------------------
pi_stop
dm_once
is "$rc" 2 "archive down: exit 2"
contains "$T/dm.err" "$PI_URL" "archive down: the error names the inbox"
run "$MMREVIEW" --config "$T/dm.cfg" status
contains "$T/out" "fetch: 1 of 1 inboxes could not be read" \
	"archive down: status shows the last error"
pi_start
fx_seed 11
pi_deliver "$T/seed-11"
dm_once
is "$rc" 0 "archive back: exit 0"
is "$(dm_replies seed-11@example.org)" 1 "archive back: the new patch is answered"

# --- a damaged state database ------------------------------------------------------------------
cp -r "$T/state" "$T/bad"
rm -f "$T/bad/state.db-wal" "$T/bad/state.db-shm"
printf 'this is not a database, it was overwritten by mistake....' |
	dd of="$T/bad/state.db" bs=1 seek=0 conv=notrunc 2>/dev/null
sum=$(md5sum <"$T/bad/state.db")
dm_once -c daemon.state-dir="$T/bad"
is "$rc" 2 "damaged database: exit 2"
contains "$T/dm.err" "state database '$T/bad/state.db'" \
	"damaged database: the error names it"
is "$(md5sum <"$T/bad/state.db")" "$sum" "damaged database: left as it was"
run "$MMREVIEW" status --state-dir "$T/bad"
is "$rc" 2 "damaged database: status exits 2"
done_testing
