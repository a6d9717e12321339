#!/bin/sh
# Review Debian's linux-source-6.1 -> linux-source-6.12 changes of mm/*.c as
# one commit with exact images, and print a table: files, findings per rule,
# time. Needs "make kernel-sources". Usage: bench/corpus.sh [MMREVIEW] [OUT]
set -eu
bin=${1:-./mmreview}
out=${2:-build/bench}
K=build/kernel
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

repo=$out/corpus
if [ ! -f "$repo/.ok" ]; then
	rm -rf "$repo"
	mkdir -p "$repo/mm" "$repo/include"
	cp -r "$K/6.1/include/linux" "$repo/include/"
	cp "$K/6.1/mm/"*.c "$K/6.1/mm/"*.h "$repo/mm/"
	(
		cd "$repo" && git init -q . && git config user.name bench &&
		git config user.email bench@example.org && git add -A &&
		git commit -qm "linux 6.1 mm" &&
		for f in mm/*.c; do
			[ -f "../../../$K/6.12/$f" ] || git rm -q "$f"
		done &&
		cp "../../../$K/6.12/mm/"*.c mm/ && git add -A mm &&
		git commit -qm "linux 6.12 mm/*.c"
	)
	touch "$repo/.ok"
fi

cd "$repo"
files=$(git diff --name-only HEAD^ HEAD -- 'mm/*.c' | wc -l)
stat=$(git diff --shortstat HEAD^ HEAD -- 'mm/*.c')
start=$(date +%s.%N)
set +e
"$bin" check --format json HEAD^..HEAD >../findings.json 2>../stderr.log
rc=$?
set -e
end=$(date +%s.%N)
cd - >/dev/null

echo "corpus: linux-source 6.1 -> 6.12, mm/*.c: $files files,$stat"
printf '%-20s %8s\n' "rule" "findings"
/usr/bin/python3 - "$out/findings.json" <<'PY'
import json, sys, collections
d = json.load(open(sys.argv[1]))
c = collections.Counter(f["rule"] for f in d["findings"])
for r in sorted(c):
    print("%-20s %8d" % (r, c[r]))
print("%-20s %8d" % ("total", sum(c.values())))
PY
printf 'exit status %s, wall time %.2f s\n' "$rc" "$(echo "$end - $start" | bc)"
