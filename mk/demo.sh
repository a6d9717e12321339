#!/bin/sh
# make demo: what mmreview parses from the bundled example, then its review
# of it as the reply email it would post.
set -u
bin=${1:-./mmreview}
example=tests/fixtures/seed-case/patch.mbox

echo "== mmreview show $example"
"$bin" show "$example" || exit 1
echo
echo "== mmreview check $example"
"$bin" check "$example"
echo
echo "== mmreview check --format email $example"
"$bin" check --format email "$example"
rc=$?
# 1 means "findings", which is what the example is for.
[ "$rc" -le 1 ] || exit "$rc"
exit 0
