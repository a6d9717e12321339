#!/bin/sh
# Review Debian's linux-source-6.1 -> linux-source-6.12 changes of mm/*.c as
# one commit with exact images, and print a table: files, findings per rule,
# time. Needs "make kernel-sources". Usage: bench/corpus.sh [MMREVIEW] [OUT]
set -eu
bin=${1:-./mmreview}
out=${2:-build/bench}
K=build/kernel
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
tree61=$(cd "$K/6.1" && pwd)
mkdir -p "$out"
outabs=$(cd "$out" && pwd)

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
git format-patch -q --stdout -1 HEAD >../corpus.mbox
cd - >/dev/null

# mode LABEL DIR ARGS...: review in DIR, keep the JSON, print a row per
# rule. (Inside the corpus, a kernel tree, an mbox is read with it.)
run_mode() {
	label=$1
	dir=$2
	shift 2
	start=$(date +%s.%N)
	set +e
	(cd "$dir" && "$bin" check --format json "$@" >"$outabs/findings-$label.json" \
		2>"$outabs/stderr-$label.log")
	rc=$?
	set -e
	end=$(date +%s.%N)
	/usr/bin/python3 - "$out/findings-$label.json" "$label" "$rc" \
		"$(echo "$end - $start" | bc)" <<'PY2'
import json, sys, collections
d = json.load(open(sys.argv[1]))
c = collections.Counter(f["rule"] for f in d["findings"])
print("%-28s exit %s  %6.2f s" % (sys.argv[2], sys.argv[3],
                                  float(sys.argv[4])))
for r in sorted(c):
    print("    %-26s %5d" % (r, c[r]))
PY2
}

echo "corpus: linux-source 6.1 -> 6.12, mm/*.c: $files files,$stat"
printf '%-28s %s\n' "mode, then findings per rule" "status, wall time"
run_mode "git (exact blobs)" "$repo" HEAD^..HEAD
run_mode "mbox, no tree (hunks only)" "$out" corpus.mbox
run_mode "mbox, --tree 6.1" "$out" --tree "$tree61" corpus.mbox
