#!/bin/sh
# Peak memory and time of mmreview check on many commits and on one patch
# of many files, from Debian's linux-source 6.1 -> 6.12 mm/*.c changes
# (bench/corpus.sh builds them): the corpus as one commit per file, its
# first quarter, half and all of it (memory must not grow with the
# commits), the corpus as one commit, and a patch of 144 files that each
# lose one log line, reviewed with and without the 6.1 tree.
# Usage: bench/memory.sh [MMREVIEW] [OUT]
set -eu
bin=${1:-./mmreview}
out=${2:-build/bench}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
mkdir -p "$out"
out=$(cd "$out" && pwd)
K=$(pwd)/build/kernel
[ -f "$out/corpus/.ok" ] || sh bench/corpus.sh "$bin" "$out" >/dev/null

# The corpus as a series: one commit per file changed from 6.1 to 6.12.
if [ ! -f "$out/series/.ok" ]; then
	rm -rf "$out/series"
	git clone -q "$out/corpus" "$out/series"
	(
		cd "$out/series" && git reset -q --hard HEAD^ &&
		git config user.name bench &&
		git config user.email bench@example.org &&
		for f in $(git -C ../corpus diff --name-only HEAD^ HEAD -- 'mm/*.c'); do
			if [ -f "$K/6.12/$f" ]; then
				cp "$K/6.12/$f" "$f"
			else
				git rm -q "$f"
			fi
			git add -A && git commit -qm "mm: $f as in 6.12"
		done
	)
	touch "$out/series/.ok"
fi

# One patch of 144 files, each losing its first one-line log call
# (pr_*(), printk(), pr_*_once(), WARN*()), else its first one-line
# comment, as a log clean-up across drivers does.
LOG='^[ 	]+(pr_[a-z_]+|printk|WARN[A-Z_]*)\(.*\);$'
NOTE='^[ 	]+/\* .* \*/$'
if [ ! -f "$out/logs.patch" ]; then
	rm -rf "$out/logs"
	git clone -q "$out/corpus" "$out/logs"
	(
		cd "$out/logs" && git reset -q --hard HEAD^ &&
		git config user.name bench &&
		git config user.email bench@example.org && n=0 &&
		for f in $(grep -l -E "$LOG|$NOTE" mm/*.c mm/*.h \
			include/linux/*.h | head -n 144); do
			LOG=$LOG NOTE=$NOTE perl -0777 -pi -e '
				s/$ENV{LOG}\n//m or s/$ENV{NOTE}\n//m' "$f"
			n=$((n + 1))
		done &&
		git commit -qam "treewide: drop redundant log messages" &&
		echo "$n" >../logs.files
	)
	git -C "$out/logs" format-patch -q --stdout -1 HEAD >"$out/logs.patch"
fi

# row LABEL DIR ARGS...: peak RSS and wall time of one run
row() {
	label=$1
	dir=$2
	shift 2
	(cd "$dir" && /usr/bin/time -f "%M %e" "$bin" check "$@" \
		>/dev/null 2>"$out/time.txt") || true
	set -- $(tail -n 1 "$out/time.txt")
	printf '%-44s %10s %9s\n' "$label" "$(($1 / 1024)) MB" "$2 s"
}

n=$(git -C "$out/series" rev-list --count HEAD)
n=$((n - 1))
printf '%-44s %10s %9s\n' "input" "peak RSS" "time"
for k in $((n / 4)) $((n / 2)) "$n"; do
	row "series, $k commits (exact blobs)" "$out/series" "HEAD~$k..HEAD"
done
row "one commit of $n files (exact blobs)" "$out/corpus" "HEAD^..HEAD"
row "$(cat "$out/logs.files")-file patch, --tree 6.1" "$out" --tree "$K/6.1" logs.patch
row "$(cat "$out/logs.files")-file patch, no tree" "$out" logs.patch
