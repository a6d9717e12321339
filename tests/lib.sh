# TAP helpers for mmreview's end-to-end tests (sourced; POSIX sh).
# Each test gets a scratch directory, removed at exit.
: "${MMREVIEW:?set MMREVIEW to the binary}"
: "${SRCDIR:?set SRCDIR to the source tree}"

T=$(mktemp -d "${TMPDIR:-/tmp}/mmreview-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
export HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config"
export MMREVIEW_SYSTEM_CONFIG="$T/no-system-config"
mkdir -p "$HOME"
_n=0
_fail=0

ok() { # ok CONDITION-EXIT-CODE DESCRIPTION
	_n=$((_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_n - $2"
	else
		echo "not ok $_n - $2"
		_fail=$((_fail + 1))
	fi
}

# run CMD...: runs it, keeps stdout in $T/out, stderr in $T/err, status in $rc
run() {
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
}

is() { # is GOT WANT DESCRIPTION
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '# got:  %s\n# want: %s\n' "$1" "$2"
	fi
}

contains() { # contains FILE FIXED-STRING DESCRIPTION
	if grep -qF -- "$2" "$1"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		echo "# '$2' not in $1:"
		sed 's/^/#   /' "$1" | head -20
	fi
}

lacks() { # lacks FILE FIXED-STRING DESCRIPTION
	if grep -qF -- "$2" "$1"; then
		ok 1 "$3"
		echo "# '$2' unexpectedly in $1"
	else
		ok 0 "$3"
	fi
}

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

done_testing() {
	echo "1..$_n"
	[ "$_fail" -eq 0 ]
}

# seed_repo DIR K: a git repository at DIR of the 6.1 files (from the
# kernel sources K) the seed patch touches, the seed patch applied on a
# "base" commit; returns git am's status. The current directory is DIR.
seed_repo() {
	mkdir -p "$1/mm" "$1/include/linux"
	cp "$2/mm/memory.c" "$1/mm/"
	cp "$2/include/linux/mm.h" "$2/include/linux/userfaultfd_k.h" \
		"$1/include/linux/"
	cd "$1" || return 1
	git init -q . && git config user.name T &&
		git config user.email t@example.org &&
		git add -A && git commit -qm base &&
		git am -q "$SRCDIR/tests/fixtures/seed-case/patch.mbox"
}

# kernel_repo K FILE...: a git repository at $T/repo ($G) of the files
# FILE... (paths in the kernel sources K), one commit ($BASE).
kernel_repo() {
	_k=$1
	shift
	G="$T/repo"
	for _f in "$@"; do
		mkdir -p "$G/${_f%/*}"
		cp "$_k/$_f" "$G/$_f"
	done
	git -C "$G" init -q . && git -C "$G" config user.name T &&
		git -C "$G" config user.email t@example.org &&
		git -C "$G" add -A && git -C "$G" commit -qm "kernel files"
	BASE=$(git -C "$G" rev-parse HEAD)
}

# kernel_change FILE SED-SCRIPT MESSAGE: a commit on $BASE of $G with
# the script applied to FILE; the script must change it.
kernel_change() {
	git -C "$G" checkout -q -f "$BASE"
	sed -i "$2" "$G/$1"
	git -C "$G" diff --quiet
	ok $((1 - $?)) "${3%%
*}: the change applies"
	git -C "$G" commit -qam "$3"
}

line_of() { # line_of FILE FIXED-STRING: its first line in $G's FILE
	grep -nF -- "$2" "$G/$1" | head -1 | cut -d: -f1
}
