#!/bin/sh
# lint.sh - static analysis of the tree: the layering of the includes
# (check_layers.py), cppcheck, then clang-tidy with the
# checks of .clang-tidy over the compile_commands.json of a clang build
# directory (set up here if missing: configuring is enough, nothing is
# compiled). Fails on any finding; a finding that is not a bug is
# suppressed where it is, with the reason beside it.
#   scripts/lint.sh [BUILD_DIR]      (default: build-lint)
set -u
cd "$(dirname "$0")/.."
dir=${1:-build-lint}
jobs=$(nproc 2>/dev/null || echo 2)
rc=0

echo "lint: layers"
python3 scripts/check_layers.py || rc=1

echo "lint: cppcheck"
cppcheck --enable=warning,portability,performance --error-exitcode=1 \
	--inline-suppr -q -j "$jobs" -I include src fuzz || rc=1

if [ ! -f "$dir/compile_commands.json" ]; then
	wipe=""
	[ -d "$dir/meson-private" ] && wipe=--wipe	# a setup that failed
	CC=clang meson setup $wipe "$dir" -Dfuzz=true -Dbenchmarks=false \
		>"$dir.setup.log" 2>&1 || { tail -5 "$dir.setup.log"; exit 1; }
fi
echo "lint: clang-tidy"
tidy=$(command -v run-clang-tidy || command -v run-clang-tidy-14)
[ -n "$tidy" ] || { echo "lint: run-clang-tidy not found"; exit 1; }
"$tidy" -p "$dir" -j "$jobs" -quiet "$(pwd)/(src|fuzz)/" \
	>"$dir.tidy.log" 2>&1 || rc=1
# The findings only: file:line: error: message [check]
grep -E '(warning|error): ' "$dir.tidy.log" | sed 's/\x1b\[[0-9;]*m//g' |
	sed "s|^.*$(pwd)/||" | sort -u
[ $rc -eq 0 ] && echo "lint: clean"
exit $rc
