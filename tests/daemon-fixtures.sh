# What the daemon's tests share (sourced after lib.sh, pi.sh and smtp.sh;
# POSIX sh): mail with findings made from the seed case, the config of a
# daemon against the test's public-inbox and aiosmtpd, and counts of the
# replies the SMTP server received.
#
#   fx_seed NAME [FROM] [VERSION]  $T/seed-NAME: the seed patch as a single
#                       patch (two findings), Message-ID <seed-NAME@example.org>
#   dm_config FILE      a daemon config: [lore] url, settle 2, [post] smtp
#                       through $SMTP_URL, list linux-mm@kvack.org, state in
#                       $T/state; more with -c on the command line
#   dm_once [ARGS]      one round (--once); $rc, $T/dm.out, $T/dm.err
#   dm_replies MSGID    replies received for <MSGID> (In-Reply-To)
#   dm_total            replies received

SEED="$SRCDIR/tests/fixtures/seed-case/patch.mbox"

fx_seed() {
	from=${2:-Ada Developer <ada@example.org>}
	v=${3:+ v$3}
	sed -e "s/^Message-ID: .*/Message-ID: <seed-$1@example.org>/" \
		-e "s/^Subject: .*/Subject: [PATCH$v] mm: copy-on-fork VMAs ($1)/" \
		-e "s/^From: .*/From: $from/" \
		-e '/^In-Reply-To:/d' -e '/^References:/d' "$SEED" >"$T/seed-$1"
}

dm_config() {
	cat >"$1" <<-EOC
	[lore]
		url = $PI_URL
		settle = 2
		retries = 0
		timeout = 30
	[daemon]
		state-dir = $T/state
		interval = 1
	[post]
		mode = smtp
		from = Review Bot <bot@example.org>
		list = linux-mm@kvack.org
		archive-wait = 0
	[smtp]
		url = $SMTP_URL
		starttls = false
		timeout = 20
	EOC
}

dm_once() {
	"${DM_BIN:-$MMREVIEW}" --config "$T/dm.cfg" "$@" daemon --once \
		>"$T/dm.out" 2>"$T/dm.err"
	rc=$?
}

dm_replies() {
	grep -l -i "^In-Reply-To: <$1>" "$SMTP_DIR"/Maildir/new/* 2>/dev/null |
		wc -l
}

dm_total() { smtp_count; }

# The one reply to <MSGID>, its file name.
dm_reply_file() {
	grep -l -i "^In-Reply-To: <$1>" "$SMTP_DIR"/Maildir/new/* 2>/dev/null |
		head -1
}

# The headers of a file, unfolded, "Name: value" one a line.
dm_header() { # dm_header FILE NAME
	sed -n '1,/^$/p' "$1" | awk '/^[ \t]/ { sub(/^[ \t]+/, " "); l = l $0; next }
		{ if (l != "") print l; l = $0 } END { if (l != "") print l }' |
		grep -i "^$2:" | sed "s/^[^:]*: *//"
}
