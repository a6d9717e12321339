#!/bin/sh
# The command line: help, version, usage errors, exit codes.
. "$SRCDIR/tests/lib.sh"

run "$MMREVIEW" --version
is "$rc" 0 "--version exits 0"
contains "$T/out" "mmreview 0.1.0" "--version prints the version"

run "$MMREVIEW" --help
is "$rc" 0 "--help exits 0"
contains "$T/out" "check" "--help lists check"

for cmd in check show rules config; do
	run "$MMREVIEW" $cmd --help
	is "$rc" 0 "$cmd --help exits 0"
	contains "$T/out" "usage: mmreview $cmd" "$cmd --help prints its usage"
done

run "$MMREVIEW"
is "$rc" 2 "no command is a usage error"

run "$MMREVIEW" frobnicate
is "$rc" 2 "an unknown command exits 2"
contains "$T/err" "'frobnicate' is not a command" "and says so"

run "$MMREVIEW" show --bogus x
is "$rc" 2 "an unknown option exits 2"

run "$MMREVIEW" show "$T/missing.mbox"
is "$rc" 2 "a missing file exits 2"
contains "$T/err" "cannot open '$T/missing.mbox'" "naming the file"

run "$MMREVIEW" check --format nope "$SRCDIR/tests/fixtures/seed-case/patch.mbox"
is "$rc" 2 "an unknown format exits 2"
contains "$T/err" "unknown format 'nope'" "naming the format"

run man -l "$SRCDIR/mmreview.1"
is "$rc" 0 "the man page renders"

run make -s -C "$SRCDIR" install PREFIX=/usr DESTDIR="$T/dest"
is "$rc" 0 "make install PREFIX= DESTDIR= works"
for f in usr/bin/mmreview usr/share/man/man1/mmreview.1 \
	usr/share/mmreview/mmreview.conf.example; do
	[ -f "$T/dest/$f" ]
	ok $? "installed $f"
done
run "$T/dest/usr/bin/mmreview" --version
is "$rc" 0 "the installed binary runs"

done_testing
