#!/bin/sh
# Run each cmocka unit-test binary: one line per program, then a count.
# The whole output of a program goes to build/test-logs/; it is shown
# when the program fails, or always with V=1.
label=$1
shift
logs=build/test-logs
mkdir -p "$logs"
pass=0
fail=0
for t in "$@"; do
	name=${t##*/}
	log="$logs/$name-$(echo "$label" | tr -c 'A-Za-z0-9\n' '-').log"
	"$t" >"$log" 2>&1
	rc=$?
	tests=$(sed -n 's/^\[==========\] \([0-9]*\) test(s) run\./\1/p' "$log" | tail -n 1)
	skipped=$(grep -c '^\[  SKIPPED \]' "$log")
	if [ "$rc" -eq 0 ]; then
		pass=$((pass + 1))
		printf 'ok    %-24s %-11s %4s tests' "$name" "$label" "${tests:-?}"
		[ "$skipped" -gt 0 ] && printf ', %s skipped' "$skipped"
		printf '\n'
	else
		fail=$((fail + 1))
		printf 'FAIL  %-24s %-11s (exit %s, log %s)\n' "$name" "$label" "$rc" "$log"
		[ "${V:-0}" = 1 ] || sed 's/^/    /' "$log" | grep -v '^    \[       OK \]\|^    \[ RUN      \]' | tail -n 40
	fi
	[ "${V:-0}" = 1 ] && sed 's/^/    /' "$log"
done
echo "unit test programs ($label): $pass passed, $fail failed"
[ "$fail" -eq 0 ]
