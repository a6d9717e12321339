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

# Every command's options take "--opt VALUE" and "--opt=VALUE" alike.
run "$MMREVIEW" check --format=json --output="$T/o.json" \
	"$SRCDIR/tests/fixtures/seed-case/patch.mbox"
is "$rc" 1 "check --format=json --output=FILE"
contains "$T/o.json" '"rule": "role-swap"' "writes JSON to FILE"
for cmd in check am "lore fetch" "rules list"; do
	run "$MMREVIEW" $cmd --bogus
	is "$rc" 2 "$cmd: an unknown option exits 2"
	contains "$T/err" "unknown option '--bogus'" "$cmd: and names it"
done
run "$MMREVIEW" am --url
contains "$T/err" "'--url' needs a value" "a missing value is named"
run "$MMREVIEW" am -vx msgid
contains "$T/err" "bad version 'x'" "am -vN takes its value attached"

run "$MMREVIEW" --help
contains "$T/out" "list, show and test the rules" "--help names 'rules test'"
run "$MMREVIEW" rules --help
contains "$T/out" "mmreview rules test" "and so does 'rules --help'"

run "$MMREVIEW" -c
is "$rc" 2 "-c without a value exits 2"
contains "$T/err" "'-c' needs a value (-c key=value)" "and says a value is missing"
lacks "$T/err" "unknown option" "not an unknown option"
run "$MMREVIEW" --config
contains "$T/err" "'--config' needs a value" "--config without a value says so"
run "$MMREVIEW" check -c
is "$rc" 2 "check -c without a value exits 2"

SEED="$SRCDIR/tests/fixtures/seed-case/patch.mbox"
run "$MMREVIEW" check -c rule.role-swap.severity=error "$SEED"
is "$rc" 1 "check -c key=value is taken after the command"
contains "$T/out" "mm/memory.c:1253:6: error:" "and applied"
run "$MMREVIEW" check "$SEED" -c rule.role-swap.enabled=false
lacks "$T/out" "[role-swap]" "also after the input"

run "$MMREVIEW" -c rule.nope.enabled=false rules list
contains "$T/err" "no rule 'nope' (set in command line" "an unknown rule names where it was set"
lacks "$T/err" "::" "without a double colon"

run "$MMREVIEW" -c rules.plugin=/x.so rules list
contains "$T/err" "/x.so: cannot load the plugin" \
	"rules.plugin is acted on: a missing plugin is named"
lacks "$T/err" "not yet supported" "and not said to do nothing"
run "$MMREVIEW" -c post.from=a@example.org rules list
lacks "$T/err" "post.from" "a key that works does not"

run "$MMREVIEW" rules frob
is "$rc" 2 "rules frob exits 2"
contains "$T/err" "'frob' is not a rules command" "naming the bad word"

mkdir -p "$T/adir"
run "$MMREVIEW" check "$T/adir"
is "$rc" 2 "a directory given as a file exits 2"
contains "$T/err" "'$T/adir' is a directory" "and says it is a directory"
lacks "$T/err" "No such file" "not that it is missing"
run "$MMREVIEW" show "$T/adir"
contains "$T/err" "is a directory" "show says so too"

# The example config names real rules and documents every key it sets.
grep '^\[rule "' "$SRCDIR/config/mmreview.conf.example" | sed 's/.*"\(.*\)".*/\1/' >"$T/ids"
"$MMREVIEW" rules list | awk '{ print $1 }' >"$T/real"
[ -s "$T/ids" ] && ! grep -vxFf "$T/real" "$T/ids" >/dev/null
ok $? "the example config's rules exist"

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
