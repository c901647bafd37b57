#!/bin/sh
# test_install.sh - the installed tree as an embedder and an administrator
# find it (issue 17): `meson install --destdir` into a temporary directory,
# then
#  - every installed header compiles alone and every function it declares
#    links, through pkg-config against the destdir tree, from one of the
#    installed libraries (libvnet, libvnet-vhost, libvnet-ports), and the
#    program runs against the installed .so files;
#  - the .pc files are there and valid, the man pages render without a
#    warning, the API reference has a page per header and a section per
#    exported function, the README and docs/ are where the systemd unit's
#    Documentation= points;
#  - each installed example builds through pkg-config, runs and prints
#    what it must (NAME.expected beside this script).
#   test_install.sh BUILD_DIR GCC "CC [FLAGS]"
# GCC lists the declarations (-aux-info); CC, the build's compiler with its
# sanitizer flags, compiles and links.
set -u
build=$1 gcc=$2 cc=$3
tmp=$(mktemp -d /tmp/vnet-install.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest
fails=0; passes=0
ok() { passes=$((passes + 1)); echo "ok - $*"; }
nok() { fails=$((fails + 1)); echo "not ok - $*"; }

meson install -C "$build" --destdir "$dest" --no-rebuild --quiet >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; echo "not ok - meson install"; exit 1; }

pcdir=$(dirname "$(find "$dest" -name libvnet.pc | head -1)")
[ -f "$pcdir/libvnet.pc" ] || { echo "not ok - no libvnet.pc installed"; exit 1; }
# Only the destdir tree: its .pc files, their paths under the sysroot.
export PKG_CONFIG_LIBDIR="$pcdir" PKG_CONFIG_PATH="" PKG_CONFIG_SYSROOT_DIR="$dest"
# The variables as written (pkgconf would prefix them with the sysroot).
var() { PKG_CONFIG_SYSROOT_DIR="" pkg-config --variable="$1" libvnet; }
prefix=$(var prefix)
libdir=$dest$(var libdir)
incdir=$dest$(var includedir)
share=$dest$prefix/share
libs="libvnet libvnet-vhost libvnet-ports"

for pc in $libs; do
	if [ -f "$pcdir/$pc.pc" ] && pkg-config --validate "$pc" &&
	   pkg-config --exists "$pc"; then
		ok "$pc.pc installed and valid"
	else
		nok "$pc.pc missing or invalid"
	fi
done

# Each header: a program that includes it alone and takes the address of
# every function it declares (gcc -aux-info lists them), linked with the
# first library whose pkg-config flags resolve them all, then run.
for h in "$incdir"/vnet/*.h; do
	name=$(basename "$h" .h)
	printf '#include <vnet/%s.h>\n' "$name" >"$tmp/$name.c"
	# shellcheck disable=SC2046 # the flags are words
	"$gcc" $(pkg-config --cflags libvnet) -aux-info "$tmp/$name.aux" \
		-fsyntax-only "$tmp/$name.c" 2>"$tmp/$name.err" ||
		{ nok "vnet/$name.h does not compile alone"; cat "$tmp/$name.err"; continue; }
	fns=$(grep -F "/* $h:" "$tmp/$name.aux" | grep -v '\*/ static ' |
		sed 's/ *(.*//; s/.*[ *]//' | sort -u)
	{
		echo "typedef void (*any_fn)(void);"
		echo "static const any_fn fns[] = {"
		for f in $fns; do echo "	(any_fn)$f,"; done
		echo "	0 };"
		echo "int main(void) { return (int)(sizeof(fns) / sizeof(fns[0])) - 1 - $(echo "$fns" | grep -c .); }"
	} >>"$tmp/$name.c"
	linked=""
	for pc in $libs; do
		# shellcheck disable=SC2046 # the flags are words
		if $cc -Wall -Werror $(pkg-config --cflags "$pc") "$tmp/$name.c" \
			-o "$tmp/$name" $(pkg-config --libs "$pc") 2>"$tmp/$name.err"; then
			linked=$pc; break
		fi
	done
	if [ -z "$linked" ]; then
		nok "vnet/$name.h: its functions link with none of $libs"
		head -5 "$tmp/$name.err"
	elif LD_LIBRARY_PATH="$libdir" "$tmp/$name"; then
		ok "vnet/$name.h: $(echo "$fns" | grep -c .) functions, linked with $linked, runs"
	else
		nok "vnet/$name.h: the program linked with $linked does not run"
	fi
done

for page in man8/vnetd.8 man1/vnet.1; do
	f=$share/man/$page
	if [ ! -f "$f" ]; then
		nok "man page $page missing"
	elif [ -n "$(MANWIDTH=80 man --warnings -l "$f" 2>&1 >/dev/null)" ] ||
	     ! MANWIDTH=80 man -l "$f" 2>/dev/null | grep -q '^NAME'; then
		nok "man page $page: $(MANWIDTH=80 man --warnings -l "$f" 2>&1 >/dev/null | head -3)"
	else
		ok "man page $page renders"
	fi
done

# The API reference: an index, a page per installed header, a section per
# function the installed libraries export.
api=$share/doc/vnetd/api
missing=""
[ -f "$api/index.md" ] || missing="index.md"
for h in "$incdir"/vnet/*.h; do
	[ -f "$api/$(basename "$h" .h).md" ] || missing="$missing $(basename "$h" .h).md"
done
for pc in $libs; do
	nm -D --defined-only "$libdir/$pc.so" | awk '$2 != "A" { print $3 }' | sed 's/@.*//'
done | sort -u >"$tmp/exported"
sed -n 's/^## \([a-z_0-9]*\)()$/\1/p' "$api"/*.md 2>/dev/null | sort -u >"$tmp/documented"
undocumented=$(comm -23 "$tmp/exported" "$tmp/documented")
if [ -n "$missing" ]; then
	nok "API reference pages missing:$missing"
else
	ok "API reference: a page per header"
fi
if [ -s "$tmp/exported" ] && [ -z "$undocumented" ]; then
	ok "API reference: every one of $(wc -l <"$tmp/exported") exported functions has its section"
else
	nok "API reference: exported functions without a section: $undocumented"
fi

# Documentation= of the installed unit: each file:// and man: target there.
unit=$(find "$dest" -name 'vnetd@.service' | head -1)
docs=$(sed -n 's/^Documentation=//p' "$unit")
[ -n "$docs" ] || nok "the unit has no Documentation="
for d in $docs; do
	case $d in
	file://*) f=$dest${d#file://} ;;
	man:*) n=${d#man:}; sec=${n#*(}; sec=${sec%)}; f=$share/man/man$sec/${n%(*}.$sec ;;
	*) f="" ;;
	esac
	if [ -n "$f" ] && [ -f "$f" ]; then
		ok "Documentation=$d is installed"
	else
		nok "Documentation=$d is not installed"
	fi
done
for f in README.md qemu.md; do
	if [ -f "$share/doc/vnetd/$f" ]; then ok "doc $f installed"; else nok "doc $f missing"; fi
done

# The examples, from the installed copy, built as an embedder builds them;
# those that run alone run, their output compared with the figures worked
# out by hand in tests/api/NAME.expected (lines starting with # are
# comments); a backend that needs its peers (vhost_dgram) runs with them
# in tests/examples/test_examples.sh.
examples=$share/doc/vnetd/examples
[ -n "$(ls "$examples"/*.c 2>/dev/null)" ] || nok "no example installed"
for src in "$examples"/*.c; do
	[ -f "$src" ] || continue
	name=$(basename "$src" .c)
	# shellcheck disable=SC2046,SC2086 # the flags and the names are words
	if ! $cc -Wall -Wextra -Werror "$src" -o "$tmp/$name" \
		$(pkg-config --cflags --libs $libs) 2>"$tmp/$name.err"; then
		nok "example $name does not build against the installed tree"
		head -20 "$tmp/$name.err"
		continue
	fi
	if [ ! -f "$(dirname "$0")/$name.expected" ]; then
		ok "example $name: built through pkg-config (it runs with its peer in tests/examples/)"
		continue
	fi
	grep -v '^#' "$(dirname "$0")/$name.expected" >"$tmp/$name.want"
	LD_LIBRARY_PATH="$libdir" timeout 60 "$tmp/$name" >"$tmp/$name.out" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && diff -u "$tmp/$name.want" "$tmp/$name.out"; then
		ok "example $name: built through pkg-config, ran, printed what it must"
	else
		nok "example $name: exit $rc"
		cat "$tmp/$name.out"
	fi
done

echo "$passes passed, $fails failed"
[ $fails = 0 ]
