#!/bin/sh
# Install the Debian packages mmreview builds and tests with; idempotent.
# As root it runs apt-get; otherwise it prints the command and fails.
set -eu

PKGS="gcc make pkg-config ca-certificates git xz-utils perl man-db bc
libgit2-dev libcurl4-openssl-dev libxml2-dev libtree-sitter-dev
libsqlite3-dev zlib1g-dev libjansson-dev libcmocka-dev
clang libclang-rt-14-dev npm
public-inbox python3-aiosmtpd b4
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
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "deps: done"
