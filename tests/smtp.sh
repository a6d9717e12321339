# A real SMTP receiver for the end-to-end tests (sourced after lib.sh and
# pi.sh; POSIX sh): Debian's aiosmtpd on 127.0.0.1 with the handlers of
# tests/fixtures/smtp/picky.py, writing $SMTP_DIR/Maildir, stopped by PID.
#
#   smtp_start [CLASS]  start it (picky.ListMailbox by default: it also
#                       delivers what goes to the list into the inbox);
#                       $SMTP_URL is the URL for [smtp] url
#   smtp_stop           stop it at once
#   smtp_count          messages delivered

SMTP_DIR="$T/smtp"
SMTP_PID=
SMTP_PORT=
SMTP_URL=

smtp_start() {
	[ -n "$SMTP_PORT" ] || SMTP_PORT=$(pi_free_port)
	SMTP_URL="smtp://127.0.0.1:$SMTP_PORT/bot.example.org"
	mkdir -p "$SMTP_DIR"
	PYTHONPATH="$SRCDIR/tests/fixtures/smtp" /usr/bin/python3 -m aiosmtpd \
		-n -l "127.0.0.1:$SMTP_PORT" -c "${1:-picky.ListMailbox}" \
		"$SMTP_DIR/Maildir" >>"$SMTP_DIR/log" 2>&1 &
	SMTP_PID=$!
	i=0
	while [ $i -lt 300 ]; do
		/usr/bin/python3 -c "import socket
socket.create_connection(('127.0.0.1', $SMTP_PORT), 1).close()" \
			2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "# aiosmtpd did not start:"
	sed 's/^/#   /' "$SMTP_DIR/log"
	return 1
}

smtp_stop() {
	[ -n "$SMTP_PID" ] || return 0
	kill -KILL "$SMTP_PID" 2>/dev/null
	wait "$SMTP_PID" 2>/dev/null
	SMTP_PID=
}

smtp_count() { ls "$SMTP_DIR/Maildir/new" 2>/dev/null | wc -l; }

trap 'smtp_stop; pi_stop KILL; [ -z "$PI_PID2" ] || kill -KILL "$PI_PID2"; rm -rf "$T"' EXIT
