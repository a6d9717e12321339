#!/bin/sh
# The daemon killed with SIGKILL at each of its crash points, again and
# again, and started again each time: every reply expected arrives exactly
# once and no series is lost. The points are those of bot/fault.h, hit
# deterministically by the test build (build/mmreview-faults,
# $MMREVIEW_FAULT=POINT:N); each run says which points it reached.
#
# Replies go to the list (reply-to = list), whose archive settles the
# replies of unknown fate. Then reply-to = author, where the archive
# cannot: a reply whose fate is unknown stays sending, never sent twice.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/pi.sh"
. "$SRCDIR/tests/smtp.sh"
. "$SRCDIR/tests/daemon-fixtures.sh"

[ -x "${MMREVIEW_FAULTS:-}" ] ||
	skip_all "no test build with fault points (make build/mmreview-faults)"
DM_BIN=$MMREVIEW_FAULTS
RUNS=${CRASH_RUNS:-60}
POINTS="fetch-message fetch review reviewed claimed delivered"

pi_init && pi_start && smtp_start
ok $? "public-inbox-httpd and aiosmtpd on 127.0.0.1"
dm_config "$T/dm.cfg"
git config --file "$T/dm.cfg" post.reply-to list
dm_once
is "$rc" 0 "a first round starts from now"

# run_killed POINT N: one round that kills itself at the N-th POINT
run_killed() {
	MMREVIEW_FAULT="$1:$2" "$DM_BIN" --config "$T/dm.cfg" daemon --once \
		>"$T/run.out" 2>"$T/run.err"
	rc=$?
	cat "$T/run.err" >>"$T/all.err"
}

seeds=0
run=0
for p in $POINTS; do eval "kills_$(echo $p | tr - _)=0"; done
while [ $run -lt "$RUNS" ]; do
	# a new pair of patches with findings before each cycle of points
	if [ $((run % 6)) = 0 ]; then
		fx_seed "c$((seeds + 1))"
		fx_seed "c$((seeds + 2))"
		pi_deliver "$T/seed-c$((seeds + 1))" "$T/seed-c$((seeds + 2))" ||
			break
		seeds=$((seeds + 2))
	fi
	set -- $POINTS
	shift $((run % 6))
	point=$1
	# the first time a point is reached; a fetch also at its 2nd and
	# 3rd message (the replies fed back to the archive are messages too)
	n=1
	[ "$point" = fetch-message ] && n=$((1 + (run / 6) % 3))
	run_killed "$point" "$n"
	v=kills_$(echo "$point" | tr - _)
	if [ "$rc" = 137 ]; then
		eval "$v=\$(($v + 1))"
	elif [ "$rc" != 0 ]; then
		echo "# run $run ($point:$n) exited $rc:"
		sed 's/^/#   /' "$T/run.err" | tail -5
	fi
	run=$((run + 1))
done
is "$run" "$RUNS" "$RUNS runs, each killed at a point or ending by itself"

# Then rounds without a kill until nothing is left to send.
i=0
while [ $i -lt 5 ]; do
	dm_once
	cat "$T/dm.err" >>"$T/all.err"
	"$MMREVIEW" --config "$T/dm.cfg" status >"$T/status" 2>&1
	grep -q "replies pending:    0" "$T/status" &&
		grep -q "replies sending:    0" "$T/status" && break
	i=$((i + 1))
done
contains "$T/status" "replies pending:    0" "all replies went out"
contains "$T/status" "replies sending:    0" "no reply is left of unknown fate"
contains "$T/status" "series waiting:     0" "no series is left waiting"

arrived=0 dups=0 lost=0 k=1
while [ $k -le $seeds ]; do
	c=$(dm_replies "seed-c$k@example.org")
	[ "$c" -ge 1 ] && arrived=$((arrived + 1))
	[ "$c" -gt 1 ] && dups=$((dups + c - 1))
	[ "$c" = 0 ] && lost=$((lost + 1))
	k=$((k + 1))
done
reviewed=$(grep -c "series <seed-c[0-9]*@example.org> v1: reviewed" "$T/all.err")
echo "# runs: $RUNS; kills per point:$(for p in $POINTS; do
	eval "printf ' %s %s' $p \$kills_$(echo $p | tr - _)"; done)"
echo "# replies expected $seeds, arrived $arrived, duplicates $dups, lost $lost;" \
	"messages received by SMTP $(dm_total); series reviewed (logged) $reviewed"
is "$dups" 0 "no reply arrived twice"
is "$lost" 0 "no reply was lost"
is "$(dm_total)" "$seeds" "the SMTP server received exactly one message per patch"
is "$reviewed" "$seeds" "each series was reviewed (and recorded) exactly once"
for p in $POINTS; do
	eval "c=\$kills_$(echo $p | tr - _)"
	[ "$c" -ge $((RUNS / 6 - 1)) ]
	ok $? "killed at $p in (nearly) every cycle ($c)"
done
contains "$T/all.err" "is in the archive: marked sent" \
	"a reply sent before a kill was found in the archive"
contains "$T/all.err" "is not in the archive: sent again" \
	"a reply claimed before a kill was not in the archive: sent then"

# --- reply-to = author: the archive cannot tell -----------------------------------------
git config --file "$T/dm.cfg" --unset post.reply-to
git config --file "$T/dm.cfg" daemon.state-dir "$T/state-author"
dm_once
fx_seed a1
pi_deliver "$T/seed-a1"
run_killed delivered 1
is "$rc" 137 "author: killed after the send, before it was marked"
is "$(dm_replies seed-a1@example.org)" 1 "author: the reply went out"
dm_once
dm_once
is "$(dm_replies seed-a1@example.org)" 1 "author: restarted twice, never sent again"
"$MMREVIEW" --config "$T/dm.cfg" status >"$T/status" 2>&1
contains "$T/status" "replies sending:    1" "author: status counts it as sending"
contains "$T/status" "replies of unknown fate" "author: status lists it"
fx_seed a2
pi_deliver "$T/seed-a2"
run_killed claimed 1
is "$rc" 137 "author: killed after marking sending, before the send"
dm_once
contains "$T/dm.err" "<seed-a2@example.org>: reply <" "author: the log names it at start"
contains "$T/dm.err" "the archive cannot tell" "author: and says why it is not sent"
is "$(dm_replies seed-a2@example.org)" 0 "author: never sent (at most once)"
done_testing
