#!/bin/sh
# check.sh - build and run every test, in the normal and the sanitizer
# (address + undefined) configurations, then each libFuzzer target for a
# short smoke run (clang, FUZZ_SECONDS each, default 10). Ends with
# "N passed, N failed".
set -u
cd "$(dirname "$0")/.."

setup() { # dir, extra meson args...
	dir=$1; shift
	[ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 ||
		{ cat "$dir.setup.log"; return 1; }
}

pass=0; fail=0
run() { # dir, label, [meson test args...]
	dir=$1 label=$2; shift 2
	if ! ninja -C "$dir" >"$dir.ninja.log" 2>&1; then
		cat "$dir.ninja.log"; fail=$((fail + 1)); return 0
	fi
	meson test -C "$dir" --print-errorlogs --num-processes 2 "$@" >"$dir.test.log" 2>&1
	rc=$?
	grep -E '^ *[0-9]+/[0-9]+ ' "$dir.test.log" | sed "s/^/[$label] /"
	[ $rc -ne 0 ] && sed -n '/Summary of Failures/,$p;/stderr:/,/^---/p' "$dir.test.log" | head -200
	ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$dir.test.log" | tail -1)
	bad=$(sed -n 's/^Fail: *\([0-9]*\).*/\1/p' "$dir.test.log" | tail -1)
	to=$(sed -n 's/^Timeout: *\([0-9]*\).*/\1/p' "$dir.test.log" | tail -1)
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
CC=clang setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined \
	-Db_lundef=false -Dbuildtype=debug -Dbenchmarks=false \
	-Dfuzz_seconds="${FUZZ_SECONDS:-10}" &&
	meson configure build-fuzz -Dfuzz_seconds="${FUZZ_SECONDS:-10}" >/dev/null &&
	run build-fuzz fuzz --suite fuzz || fail=$((fail + 1))

# Static analysis (cppcheck, clang-tidy): one result, its findings shown.
if scripts/lint.sh >build-lint.log 2>&1; then
	echo "[lint] clean"; pass=$((pass + 1))
else
	sed -n '/: \(error\|warning\): /p' build-lint.log | head -50
	echo "[lint] FAIL (build-lint.log)"; fail=$((fail + 1))
fi

# Every skipped test with its reason: a skip is allowed only for what the
# machine cannot change (a kernel feature), never for a missing package.
skipped=$(scripts/skipped-tests.py build build-asan build-fuzz)
if [ -n "$skipped" ]; then
	echo "Skipped (machine-bound):"; echo "$skipped"
fi
echo "$pass passed, $fail failed, $(printf '%s' "$skipped" | grep -c .) skipped"
[ "$fail" -eq 0 ]
