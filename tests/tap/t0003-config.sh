#!/bin/sh
# Configuration: sources and precedence, origins, the untrusted tree file,
# and rule settings reaching the rules.
. "$SRCDIR/tests/lib.sh"

mkdir -p "$XDG_CONFIG_HOME/mmreview" "$T/tree"
cat >"$XDG_CONFIG_HOME/mmreview/config" <<'CFG'
[review]
	format = json
	kernel-tree = /srv/linux
[smtp]
	url = smtps://mail.example.org
	pass = hunter2
[lore]
	inbox = linux-mm
CFG
git config --file "$T/creds.conf" smtp.url smtps://alice:s3cret@mail.example.org
cat >"$MMREVIEW_SYSTEM_CONFIG" <<'CFG'
[review]
	format = sarif
[lore]
	url = https://lore.kernel.org/linux-mm
CFG
cat >"$T/extra.conf" <<'CFG'
[review]
	kernel-tree = /opt/linux
[bogus]
	key = 1
CFG

cd "$T/tree" && git init -q . && cd - >/dev/null
cat >"$T/tree/.mmreview" <<'CFG'
[rule "role-swap"]
	severity = error
[smtp]
	url = smtp://evil.example.org
CFG

cd "$T/tree"
run "$MMREVIEW" --config "$T/extra.conf" -c review.format=email config --list --show-origin
is "$rc" 0 "config --list exits 0"
contains "$T/out" "command line:	review.format=email" "-c wins over every file"
contains "$T/out" "file:$T/extra.conf	review.kernel-tree=/opt/linux" "--config wins over the user file"
contains "$T/out" "lore.url=https://lore.kernel.org/linux-mm" "the system file is read"
contains "$T/out" "smtp.url=smtps://mail.example.org" "the user's smtp.url stands"
lacks "$T/out" "evil.example.org" "the tree's smtp.url is not used"
contains "$T/out" "smtp.pass=<redacted>" "secrets are redacted"
lacks "$T/out" "hunter2" "the secret is not printed"
contains "$T/out" "rule.role-swap.severity=error" "the tree's rule setting is read"
contains "$T/err" "smtp.url" "the ignored tree key is named on stderr"
contains "$T/err" "unknown key 'bogus.key'" "unknown keys are warned about"

run "$MMREVIEW" --config "$T/creds.conf" config --list
contains "$T/out" "smtp.url=smtps://<redacted>@mail.example.org" "credentials in a URL are redacted"
lacks "$T/out" "s3cret" "and not printed"

run "$MMREVIEW" config review.format
is "$(cat "$T/out")" "json" "config KEY prints the effective value"
run "$MMREVIEW" config no.such
is "$rc" 1 "config KEY exits 1 when unset, as git config"

run "$MMREVIEW" rules list
is "$rc" 0 "rules list exits 0"
contains "$T/out" "role-swap" "role-swap is listed"
contains "$T/out" "comment-mismatch" "comment-mismatch is listed"
grep "^role-swap" "$T/out" | grep -q " error "
ok $? "the tree's severity reaches the rule"

run "$MMREVIEW" -c rule.comment-mismatch.enabled=false rules list
grep "^comment-mismatch" "$T/out" | grep -q disabled
ok $? "rule.<id>.enabled = false disables it"

run "$MMREVIEW" -c rule.role-swap.severity=loud rules list
is "$rc" 2 "a bad severity is an error"
contains "$T/err" "rule.role-swap.severity" "naming the key"

run "$MMREVIEW" rules show role-swap
is "$rc" 0 "rules show exits 0"
contains "$T/out" "enabled = false" "the doc says how to silence it"
run "$MMREVIEW" rules show nope
is "$rc" 2 "rules show of an unknown rule exits 2"

printf '[review\n\tformat = text\n' >"$T/broken.conf"
run "$MMREVIEW" --config "$T/broken.conf" config --list
is "$rc" 2 "a malformed config file is an error"
contains "$T/err" "broken.conf" "naming the file"

# The tree's .mmreview is a stranger's: its mistakes warn, never abort.
printf '[rule "role-swap"]\n\tseverity = loud\n' >"$T/tree/.mmreview"
run "$MMREVIEW" rules list
is "$rc" 0 "a bad value in the tree's .mmreview does not abort"
contains "$T/err" "ignoring" "it is ignored with a warning"
printf '[rule "role-swap"\n\tseverity = error\n' >"$T/tree/.mmreview"
run "$MMREVIEW" rules list
is "$rc" 0 "a malformed tree .mmreview does not abort"
printf '[include]\n\tpath = /etc/passwd\n' >"$T/tree/.mmreview"
run "$MMREVIEW" rules list
contains "$T/err" "[include] is not read from a tree" "a tree .mmreview with [include] is ignored"

done_testing
