# A real public-inbox server for the end-to-end tests (sourced after
# lib.sh; POSIX sh). Debian's public-inbox: a v2 inbox made with
# public-inbox-init, mail delivered with public-inbox-mda, served by
# public-inbox-httpd on 127.0.0.1 only, stopped by its PID.
#
#   pi_init          make the inbox (address linux-mm@kvack.org)
#   pi_start         start the server; $PI_URL is the inbox URL
#   pi_stop [SIG]    stop it (QUIT: finish what is in flight; KILL: not)
#   pi_deliver F...  deliver messages, each with a new Date, in order
#   pi_count         messages in the inbox
#   pi_new_epoch N   start epoch N, as public-inbox does past 1 GB
#   pi_start_mounted the same inbox from a second server, under /lists
#                    ($PI_URL2), where its manifest does not name it

command -v public-inbox-httpd >/dev/null 2>&1 ||
	skip_all "public-inbox is not installed (make deps)"

PI_DIR="$T/pi"
PI_ADDR=linux-mm@kvack.org
export PI_CONFIG="$PI_DIR/config"
PI_PID=
PI_PORT=
PI_URL=
# Each delivered message gets a Date one second after the one before, so
# new.atom (newest first by date) lists them in the order they came.
PI_CLOCK=$(date +%s)

pi_init() {
	mkdir -p "$PI_DIR"
	public-inbox-init -V2 -L full mm-test "$PI_DIR/inbox" \
		"http://127.0.0.1/mm-test" "$PI_ADDR" >"$PI_DIR/init.log" 2>&1 ||
		{ cat "$PI_DIR/init.log"; return 1; }
	# without this mda runs spamc and files everything as an emergency
	git config --file "$PI_CONFIG" publicinboxmda.spamcheck none
	git config --file "$PI_CONFIG" publicinbox.mm-test.feedmax 10
}

pi_free_port() {
	/usr/bin/python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# Start on $PI_PORT (a free one the first time) and wait until it answers.
pi_start() {
	[ -n "$PI_PORT" ] || PI_PORT=$(pi_free_port)
	PI_URL="http://127.0.0.1:$PI_PORT/mm-test"
	public-inbox-httpd -W0 -l "http://127.0.0.1:$PI_PORT" \
		-1 "$PI_DIR/httpd.out" -2 "$PI_DIR/httpd.err" \
		>>"$PI_DIR/httpd.log" 2>&1 &
	PI_PID=$!
	i=0
	while [ $i -lt 300 ]; do
		# an empty inbox has no feed: any answer will do
		code=$(curl -s -o /dev/null -w '%{http_code}' "$PI_URL/new.atom")
		[ "$code" = 000 ] || return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "# public-inbox-httpd did not start:"
	sed 's/^/#   /' "$PI_DIR/httpd.err"
	return 1
}

pi_stop() {
	[ -n "$PI_PID" ] || return 0
	kill "-${1:-QUIT}" "$PI_PID" 2>/dev/null
	wait "$PI_PID" 2>/dev/null
	PI_PID=
}

pi_count() {
	n=0
	for e in "$PI_DIR"/inbox/git/*.git; do
		c=$(git --git-dir="$e" rev-list --count HEAD 2>/dev/null || echo 0)
		n=$((n + c))
	done
	echo $n
}

# What public-inbox's V2Writable does when an epoch reaches its size: a
# new bare repository next to the others, in all.git's alternates. mda
# then writes to the newest epoch.
pi_new_epoch() {
	e="$PI_DIR/inbox/git/$1.git"
	git init -q --bare "$e"
	git config --file "$e/config" include.path ../../all.git/config
	echo "../../git/$1.git/objects" >>"$PI_DIR/inbox/all.git/objects/info/alternates"
}

PI_PID2=
PI_URL2=
pi_start_mounted() {
	cat >"$PI_DIR/mounted.psgi" <<-'EOF'
	use strict;
	use PublicInbox::WWW;
	use Plack::Builder;
	my $www = PublicInbox::WWW->new;
	$www->preload;
	builder { mount '/lists' => sub { $www->call(@_) } };
	EOF
	port=$(pi_free_port)
	PI_URL2="http://127.0.0.1:$port/lists/mm-test"
	public-inbox-httpd -W0 -l "http://127.0.0.1:$port" \
		-1 "$PI_DIR/httpd2.out" -2 "$PI_DIR/httpd2.err" \
		"$PI_DIR/mounted.psgi" >>"$PI_DIR/httpd.log" 2>&1 &
	PI_PID2=$!
	i=0
	while [ $i -lt 300 ]; do
		code=$(curl -s -o /dev/null -w '%{http_code}' "$PI_URL2/new.atom")
		[ "$code" = 000 ] || return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# Deliver each file (a From_ line first is dropped) and check it landed:
# mda exits 0 also when it refuses a message.
pi_deliver() {
	for f in "$@"; do
		before=$(pi_count)
		PI_CLOCK=$((PI_CLOCK + 1))
		d=$(date -R -u -d "@$PI_CLOCK")
		sed -e '1{/^From /d}' -e "1,/^\$/s/^Date: .*/Date: $d/" "$f" |
			ORIGINAL_RECIPIENT=$PI_ADDR public-inbox-mda ||
			{ echo "# mda failed on $f"; return 1; }
		if [ "$(pi_count)" -ne $((before + 1)) ]; then
			echo "# the inbox refused $f"
			return 1
		fi
	done
}

# The Message-ID of a message file, without the brackets.
msgid_of() {
	sed -n '1,/^$/{s/^[Mm]essage-[Ii][Dd]: *<\(.*\)>.*/\1/p}' "$1" | head -1
}

trap 'pi_stop KILL; [ -z "$PI_PID2" ] || kill -KILL "$PI_PID2"; rm -rf "$T"' EXIT
