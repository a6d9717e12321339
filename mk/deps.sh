#!/bin/sh
# Install the Debian packages mmreview builds and tests with; idempotent.
# As root it runs apt-get and says what it installs and how big; otherwise
# it prints the command and fails.
set -eu

PKGS="gcc make pkg-config ca-certificates git xz-utils perl man-db bc
clang-format
libgit2-dev libcurl4-openssl-dev libxml2-dev libtree-sitter-dev
libsqlite3-dev zlib1g-dev libjansson-dev libcmocka-dev
clang libclang-rt-14-dev npm
public-inbox python3-aiosmtpd b4 systemd codespell
linux-source-6.1 linux-source-6.12"

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
# npm may come from elsewhere (nodesource); any working npm will do.
case " $missing " in
*" npm "*) command -v npm >/dev/null 2>&1 && missing=$(echo "$missing" | sed 's/ npm//') ;;
esac

if [ -z "$(echo $missing)" ]; then
	echo "deps: all packages present"
	exit 0
fi

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing" >&2
	echo "deps: run as root: apt-get update && $cmd" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "deps: missing:$missing"
echo "deps: apt-get update"
apt-get update -qq
# What apt will fetch, with the dependencies it pulls in: count and size.
# shellcheck disable=SC2086
apt-get install -y --no-install-recommends --print-uris -qq $missing |
	awk '/^'"'"'/ { n++; b += $3 }
	     END { printf "deps: downloading %d packages, %.0f MB\n", n, b / 1048576 }'
# One line a package as it is set up, so a long install is seen moving.
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing 2>&1 |
	grep --line-buffered -E '^(Setting up|E:)' | sed 's/^/deps: /'
# The pipe hides apt-get's status: ask dpkg whether everything is there.
for p in $missing; do
	[ "$p" = npm ] && command -v npm >/dev/null 2>&1 && continue
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*" installed") ;;
	*) echo "deps: $p did not install" >&2; exit 1 ;;
	esac
done
echo "deps: done"
