#!/bin/sh
# mmreview am against Debian's public-inbox-httpd on 127.0.0.1: on every
# thread it picks the same version and the same patches, in the same
# order, as Debian's b4 am run against the same server, and the mbox it
# saves applies with git am onto the base tree.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/pi.sh"
. "$SRCDIR/tests/lore-fixtures.sh"

command -v b4 >/dev/null 2>&1 || skip_all "b4 is not installed (make deps)"

fx_make
pi_init && pi_start
ok $? "public-inbox-httpd serves a v2 inbox on 127.0.0.1:$PI_PORT"
A1=$T/mail/A1 A2=$T/mail/A2 C=$T/mail/C
pi_deliver "$A1"/0000-* "$A1"/0001-* "$A1"/0002-* "$A1"/0003-* \
	"$A2"/v2-0000-* "$A2"/v2-0001-* "$A2"/v2-0002-* "$A2"/v2-0003-* \
	"$C"/0000-* "$C"/0001-* "$C"/0003-* "$T/mail/S" "$T/mail/B64" \
	"$T/mail/MAL" "$T/mail/ODD" "$T/mail/RE1" "$T/mail/RE0" "$T/mail/N"
ok $? "the threads are delivered"

# b4 reads its settings from git config: the scratch HOME's.
git config --global b4.midmask "$PI_URL/%s"
git config --global b4.linkmask "$PI_URL/%s"
git config --global user.name "Test Reviewer"
git config --global user.email reviewer@example.org

ids_in() { sed -n 's/^[Mm]essage-[Ii][Dd]: *<\(.*\)>.*/\1/p' "$1"; }

# compare NAME MSGID [ARGS]: b4 am and mmreview am --save pick the same
# patches, in the same order; $T/mm.NAME is ours.
compare() {
	name=$1 id=$2
	shift 2
	mkdir -p "$T/b4.$name"
	(cd "$T/b4.$name" && b4 -q am -o . "$@" "$id") >"$T/b4.$name.log" 2>&1
	b4rc=$?
	"$MMREVIEW" -c lore.url="$PI_URL" -c lore.retries=0 am "$@" \
		--save "$T/mm.$name" "$id" >"$T/am.$name.out" 2>"$T/am.$name.err"
	rc=$?
	# the fixtures have no finding; the seed case has two
	case $name in
	seed) is "$rc" 1 "am $name: exit 1 (findings)" ;;
	*) is "$rc" 0 "am $name: exit 0 (reviewed, nothing found)" ;;
	esac
	ok $((b4rc)) "b4 am $name: exit 0"
	b4box=$(ls "$T/b4.$name"/*.mbx 2>/dev/null | head -1)
	is "$(ids_in "$T/mm.$name" | tr '\n' ' ')" \
		"$(ids_in "${b4box:-/dev/null}" | tr '\n' ' ')" \
		"am $name: the patches b4 am picks, in its order"
}

# applies NAME BRANCH [FILES]: our mbox applies on the base with git am,
# and gives BRANCH's files (all of them, or those named).
applies() {
	name=$1 branch=$2
	shift 2
	rm -rf "$T/apply"
	git clone -q "$T/base" "$T/apply" 2>/dev/null
	git -C "$T/apply" am -q "$T/mm.$name" >"$T/gitam.$name" 2>&1
	ok $? "am $name: git am applies the saved mbox"
	if [ $# -eq 0 ]; then
		git -C "$T/apply" diff --quiet "origin/$branch" -- .
	else
		git -C "$T/apply" diff --quiet "origin/$branch" -- "$@"
	fi
	ok $? "am $name: the tree is $branch's"
}

a1=$(msgid_of "$A1/0000-cover-letter.patch")
compare A "$a1"
contains "$T/am.A.err" "v2, 3 patches" "am A: the newest complete version"
applies A a2
n=$(git -C "$T/apply" rev-list --count origin/master..HEAD)
is "$n" 3 "am A: three commits"
compare A-part2 "$(msgid_of "$A2/v2-0002-mm-beta-one-more-v2.patch")"
compare A-v1 "$a1" -v 1
applies A-v1 a1

compare S "$(msgid_of "$T/mail/S")"
applies S s
compare C "$(msgid_of "$C/0000-cover-letter.patch")"
contains "$T/am.C.err" "missing 2/3" "am C: the missing part is said"
applies C c mm/eps.c mm/delta.c
compare B64 "$(msgid_of "$T/mail/B64")"
applies B64 b64
compare MAL "$(msgid_of "$T/mail/MAL")"
applies MAL mal mm/gamma.c
compare ODD "odd/id+with%chars@example.org"
applies ODD odd

# the review: as check reviews the mbox am saved
seed=5d41b24e7bc6.1763460113.git.ada@example.org
pi_deliver "$SRCDIR/tests/fixtures/seed-case/patch.mbox"
compare seed "$seed"
run "$MMREVIEW" check "$T/mm.seed"
cp "$T/out" "$T/check.seed"
is "$(cat "$T/am.seed.out")" "$(cat "$T/check.seed")" \
	"am seed: the report check gives on the saved mbox"
contains "$T/am.seed.out" "[role-swap]" "am seed: the finding"
contains "$T/am.seed.err" "missing 1/9 2/9 3/9 4/9 6/9 7/9 8/9 9/9" \
	"am seed: a part alone, the others said missing"
run "$MMREVIEW" -c lore.url="$PI_URL" am --format email -o "$T/replies" \
	"$seed"
is "$rc" 1 "am --format email -o: exit 1 (findings)"
contains "$T/replies" "In-Reply-To: <$seed>" "the reply, threaded under the patch"
is "$(wc -c <"$T/out")" 0 "-o: nothing on standard output"
run "$MMREVIEW" -c lore.url="$PI_URL" am --format sarif "$seed"
contains "$T/out" '"version": "2.1.0"' "am --format sarif"
run "$MMREVIEW" -c lore.url="$PI_URL" am --format nope "$seed"
is "$rc" 2 "am: an unknown format exits 2"

# the same thread named by its URL, the message-id percent-encoded
"$MMREVIEW" -c lore.retries=0 am --save "$T/mm.url" \
	"$PI_URL/odd%2Fid%2Bwith%25chars@example.org/T/#u" >/dev/null 2>&1
is "$?" 0 "am URL: exit 0"
is "$(ids_in "$T/mm.url")" "odd/id+with%chars@example.org" \
	"am URL: the message of the URL"

run "$MMREVIEW" -c lore.url="$PI_URL" -c lore.retries=0 am nope/x@example.org
is "$rc" 2 "an unknown message-id exits 2"
contains "$T/err" "no message <nope/x@example.org> in $PI_URL" "naming it"
run "$MMREVIEW" -c lore.url="$PI_URL" -c lore.retries=0 am \
	"$(msgid_of "$T/mail/N")"
is "$rc" 2 "a thread without a patch exits 2"
contains "$T/err" "has no patch" "and says so"
run "$MMREVIEW" -c lore.url="$PI_URL" -c lore.retries=0 am -v 7 "$a1"
is "$rc" 2 "a version the thread does not have exits 2"
contains "$T/err" "has no v7 (the newest is v2)" "and says which it has"
run "$MMREVIEW" am
is "$rc" 2 "am without a message exits 2"
run "$MMREVIEW" am --help
is "$rc" 0 "am --help exits 0"
contains "$T/out" "usage: mmreview am" "and prints the usage"

pi_stop
run "$MMREVIEW" -c lore.url="$PI_URL" -c lore.retries=0 am "$a1"
is "$rc" 2 "a server that is down: exit 2"
contains "$T/err" "$PI_PORT" "naming it"
done_testing
