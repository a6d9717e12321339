#!/bin/sh
# Fetch the tree-sitter C grammar from the npm registry into an ignored
# build folder and check it speaks ABI 14 (libtree-sitter 0.20.7).
set -eu

VERSION=0.23.6
dir=${1:-build/grammar}
src=$dir/package/src

if [ -f "$src/parser.c" ] && [ -f "$dir/.ok-$VERSION" ]; then
	exit 0
fi
mkdir -p "$dir"
rm -rf "$dir/package"
echo "grammar: fetching tree-sitter-c@$VERSION"
(cd "$dir" && npm pack --silent "tree-sitter-c@$VERSION" >/dev/null)
tar -xzf "$dir/tree-sitter-c-$VERSION.tgz" -C "$dir"
abi=$(sed -n 's/^#define LANGUAGE_VERSION \([0-9]*\).*/\1/p' "$src/parser.c")
if [ "$abi" != 14 ]; then
	echo "grammar: $src/parser.c is ABI '$abi', need 14" >&2
	exit 1
fi
touch "$dir/.ok-$VERSION"
echo "grammar: tree-sitter-c@$VERSION, ABI $abi"
