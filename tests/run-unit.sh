#!/bin/sh
# Run each cmocka unit-test binary; close with a count line.
label=$1
shift
pass=0
fail=0
for t in "$@"; do
	if "$t"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "unit ($label): FAILED: $t"
	fi
done
echo "unit test programs ($label): $pass passed, $fail failed"
[ "$fail" -eq 0 ]
