#!/bin/sh
# check.sh - build and run every test, in the normal and the sanitizer
# (address + undefined) configurations. Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."

setup() { # dir, extra meson args...
	dir=$1; shift
	[ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 ||
		{ cat "$dir.setup.log"; return 1; }
}

pass=0; fail=0
run() { # dir, label
	if ! ninja -C "$1" >"$1.ninja.log" 2>&1; then
		cat "$1.ninja.log"; fail=$((fail + 1)); return
	fi
	meson test -C "$1" --print-errorlogs --num-processes 2 >"$1.test.log" 2>&1
	rc=$?
	grep -E '^ *[0-9]+/[0-9]+ ' "$1.test.log" | sed "s/^/[$2] /"
	[ $rc -ne 0 ] && sed -n '/Summary of Failures/,$p;/stderr:/,/^---/p' "$1.test.log" | head -200
	ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$1.test.log" | tail -1)
	bad=$(sed -n 's/^Fail: *\([0-9]*\).*/\1/p' "$1.test.log" | tail -1)
	to=$(sed -n 's/^Timeout: *\([0-9]*\).*/\1/p' "$1.test.log" | tail -1)
	pass=$((pass + ${ok:-0})); fail=$((fail + ${bad:-0} + ${to:-0}))
	if [ $rc -ne 0 ] && [ "${bad:-0}" = 0 ] && [ "${to:-0}" = 0 ]; then
		fail=$((fail + 1))
	fi
	return 0
}

setup build && run build normal || fail=$((fail + 1))
setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
	-Dbuildtype=debug -Dc_args=-fno-sanitize-recover=all &&
	run build-asan sanitize || fail=$((fail + 1))

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
