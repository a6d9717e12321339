#!/bin/sh
# What CI checks of the sources besides the tests: formatting with the
# project's .clang-format (fixtures are inputs, left as they are), the
# one-way include rule (parsers/ include nothing of rules/, bot/ or
# config/; rules/ nothing of bot/) and functions the project bans.
set -u
cd "$(dirname "$0")/.."
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	files=$(git ls-files '*.c' '*.h' | grep -v '^tests/fixtures/')
else
	files=$(find . -name '*.c' -o -name '*.h' | sed 's|^\./||' |
		grep -v '^tests/fixtures/\|^build/')
fi
bad=0
say() { echo "style: $*"; bad=1; }

if ! command -v clang-format >/dev/null 2>&1; then
	say "clang-format is missing (make deps installs it)"
else
	for f in $files; do
		[ -f "$f" ] || continue
		clang-format --dry-run --Werror "$f" >/dev/null 2>&1 ||
			say "$f is not formatted (run: clang-format -i $f)"
	done
fi

for f in $files; do
	case "$f" in
	parsers/*) pat='#include "(\.\./)?(rules|bot|config)/|#include "(rule|role|config|cli|series|report|reply|review|source|lore|state|post|smtp)\.h"' ;;
	rules/*) pat='#include "(\.\./)?bot/|#include "(cli|series|report|reply|review|source|lore|state|post|smtp)\.h"' ;;
	*) continue ;;
	esac
	grep -nE "$pat" "$f" | sed "s|^|style: $f: includes a higher layer: |" | grep . && bad=1
done

# One module owns one foreign API: only parsers/ call tree-sitter.
for f in $files; do
	case "$f" in
	parsers/* | tests/*) continue ;;
	esac
	grep -nE '\bts_[a-z_]+\(' "$f" |
		sed "s|^|style: $f: calls tree-sitter outside parsers/: |" | grep . && bad=1
done

# curl's and git's banned list: unbounded or non-reentrant.
for f in $files; do
	grep -nwE 'strcpy|strcat|sprintf|vsprintf|strtok|atoi|gets' "$f" |
		grep -v '^\s*[0-9]*:\s*\(/\*\| \*\)' |
		sed "s|^|style: $f: banned function: |" | grep . && bad=1
done

n=$(echo "$files" | wc -w)
[ "$bad" -eq 0 ] && echo "style: $n files formatted, include rule kept, tree-sitter only in parsers/, no banned function"
exit "$bad"
