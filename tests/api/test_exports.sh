#!/bin/sh
# test_exports.sh - a library exports exactly the functions its installed
# headers declare: every dynamic symbol it defines is declared in one of
# them, and every function they declare (static inline ones aside) is
# exported. The declarations come from the compiler (gcc -aux-info on a
# file including every header), the exports from `nm -D --defined-only`.
#   test_exports.sh GCC LIB.so INCLUDE_DIR HEADER...
set -u
gcc=$1 lib=$2 incdir=$3; shift 3
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

for h in "$@"; do
	echo "#include \"vnet/$(basename "$h")\""
done >"$tmp/all.c"
"$gcc" -std=gnu11 -I"$incdir" -aux-info "$tmp/aux" -fsyntax-only "$tmp/all.c" ||
	{ echo "FAIL: the headers do not compile on their own"; exit 1; }

# Lines of -aux-info: /* FILE:LINE:NC */ extern TYPE NAME (ARGS); keep the
# declarations made in the installed headers, not the static ones.
for h in "$@"; do
	grep -F "/* $incdir/vnet/$(basename "$h"):" "$tmp/aux"
done | grep -v '\*/ static ' | sed 's/ *(.*//; s/.*[ *]//' | sort -u >"$tmp/declared"
# The version nodes (type A) are not functions.
nm -D --defined-only "$lib" | awk '$2 != "A" { print $3 }' | sed 's/@.*//' |
	sort -u >"$tmp/exported"

rc=0
undeclared=$(comm -23 "$tmp/exported" "$tmp/declared")
unexported=$(comm -13 "$tmp/exported" "$tmp/declared")
if [ -n "$undeclared" ]; then
	echo "FAIL: $(basename "$lib") exports what no installed header declares:"
	echo "$undeclared" | sed 's/^/  /'
	rc=1
fi
if [ -n "$unexported" ]; then
	echo "FAIL: declared in an installed header, not exported by $(basename "$lib"):"
	echo "$unexported" | sed 's/^/  /'
	rc=1
fi
[ -s "$tmp/declared" ] || { echo "FAIL: no declaration found"; rc=1; }
[ $rc -eq 0 ] && echo "ok: $(basename "$lib") exports the $(wc -l <"$tmp/declared") functions its $# headers declare, nothing else"
exit $rc
