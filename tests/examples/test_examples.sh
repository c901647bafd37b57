#!/bin/sh
# test_examples.sh BUILD_DIR - examples/vhost_dgram.c as an embedder builds
# and runs it: libvnet installed (meson install --destdir) into a scratch
# root, the installed copy of the example compiled with nothing but the
# installed headers and `pkg-config --cflags --libs libvnet-vhost`, then
# DPDK's virtio-user (testpmd, io forwarding: every frame it receives goes
# back out) on its socket: 2000 frames from its datagram port to the guest
# and back, byte for byte, split and packed rings. (The examples that run
# alone are run by tests/api/test_install.sh.) CC (default cc) is the
# build's compiler with its sanitizer flags: an example linked against an
# instrumented library must be instrumented too (ASan's runtime first).
#   test_examples.sh BUILD_DIR [CC [FLAGS]]
set -u
build=$1 cc=${2:-cc}
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
pmd=$(command -v dpdk-testpmd) ||
	{ echo "FAIL: dpdk-testpmd is not installed (scripts/install-deps.sh interop)"; exit 1; }

tmp=$(mktemp -d /tmp/vnet-examples.XXXXXX)
ex_pid="" pmd_pid=""
cleanup() {
	[ -n "$pmd_pid" ] && kill -INT "$pmd_pid" 2>/dev/null
	[ -n "$ex_pid" ] && kill "$ex_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

# 1. installed into a scratch root, found through pkg-config only
meson install -C "$build" --destdir "$tmp/root" --no-rebuild --quiet ||
	fail "meson install"
pcdir=$(find "$tmp/root" -name libvnet.pc -printf '%h\n' | head -n 1)
[ -n "$pcdir" ] || fail "no libvnet.pc installed"
export PKG_CONFIG_PATH="$pcdir" PKG_CONFIG_SYSROOT_DIR="$tmp/root"
example=$(find "$tmp/root" -path '*/doc/vnetd/examples/vhost_dgram.c' | head -n 1)
[ -n "$example" ] || fail "examples/vhost_dgram.c is not installed"
# shellcheck disable=SC2046,SC2086 # CC and the flags are words
$cc -std=gnu11 -O2 -Wall -Wextra -Werror -o "$tmp/vhost_dgram" "$example" \
	$(pkg-config --cflags --libs libvnet-vhost) ||
	fail "vhost_dgram does not build against the installed tree"
echo "built vhost_dgram with $(pkg-config --cflags --libs libvnet-vhost)"
# the installed libraries, where the linker found them
LD_LIBRARY_PATH=$(pkg-config --libs-only-L libvnet-vhost | sed 's/-L//g; s/  */:/g; s/:$//')
export LD_LIBRARY_PATH

# 2. vhost_dgram under DPDK's virtio-user
dgram() { # NAME VDEV-OPTIONS
	d="$tmp/$1"; mkdir -p "$d"
	"$tmp/vhost_dgram" "$d/vu.sock" "$d/port" "$d/peer" >"$d/ex.log" 2>&1 &
	ex_pid=$!
	i=0
	while [ ! -S "$d/vu.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	[ -S "$d/vu.sock" ] || { cat "$d/ex.log"; fail "$1: vhost_dgram did not start"; }
	timeout -s INT 120 "$pmd" --no-huge -m 512 --no-pci -l 0-1 \
		--file-prefix="vnetex$$$1" \
		--vdev "net_virtio_user0,path=$d/vu.sock,queues=1$2" -- \
		--total-num-mbufs=4096 --forward-mode=io --stats-period 5 \
		>"$d/pmd.log" 2>&1 &
	pmd_pid=$!
	i=0	# testpmd says so once it forwards (slow on a loaded machine)
	until grep -q "packet forwarding - ports" "$d/pmd.log" 2>/dev/null ||
	      [ $i -ge 300 ]; do sleep 0.2; i=$((i + 1)); done
	grep -q "packet forwarding - ports" "$d/pmd.log" ||
		{ tail -n 20 "$d/pmd.log"; fail "$1: testpmd did not start forwarding in 60 s"; }
	sleep 1
	$py "$here/dgram_peer.py" "$d/port" "$d/peer" 2000; rc=$?
	kill -INT "$pmd_pid"; wait "$pmd_pid"; pmd_pid=""
	kill -INT "$ex_pid"; wait "$ex_pid"; ex_pid=""
	echo "  $1: $(cat "$d/ex.log")"
	[ $rc = 0 ] || { tail -n 20 "$d/pmd.log"; fail "$1: frames lost or changed"; }
}
dgram split ""
dgram packed ",packed_vq=1"
echo "PASS: vhost_dgram built against the installed tree, traffic both ways"
