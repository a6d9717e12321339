#!/bin/sh
# config/mmreview.service: "make install" puts it beside the binary, with
# the binary's path, and systemd-analyze verify accepts it (the man page
# it names included); the hardening the daemon needs is there.
. "$SRCDIR/tests/lib.sh"

command -v systemd-analyze >/dev/null 2>&1 ||
	skip_all "systemd-analyze is not installed (make deps)"

P="$T/prefix"
make -s -C "$SRCDIR" install PREFIX="$P" >"$T/install.log" 2>&1
ok $? "make install"
unit="$P/lib/systemd/system/mmreview.service"
test -f "$unit"
ok $? "the unit is installed"
contains "$unit" "ExecStart=$P/bin/mmreview daemon" "it runs the installed binary"
for k in DynamicUser=yes ProtectSystem=strict StateDirectory=mmreview \
	NoNewPrivileges=yes ProtectHome=yes "ExecReload=/bin/kill -HUP"; do
	contains "$unit" "$k" "hardened: $k"
done
MANPATH="$P/share/man" systemd-analyze verify "$unit" >"$T/verify" 2>&1
rc=$?
is "$rc" 0 "systemd-analyze verify accepts it"
[ "$rc" = 0 ] || sed 's/^/#   /' "$T/verify"
make -s -C "$SRCDIR" uninstall PREFIX="$P" >/dev/null 2>&1
test ! -e "$unit"
ok $? "make uninstall removes it"
done_testing
