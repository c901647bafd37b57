#!/bin/sh
# test_examples.sh BUILD_DIR - the examples as an embedder builds them:
# libvnet installed (meson install --destdir) into a scratch root, each
# example compiled there with nothing but the installed headers and
# `pkg-config --cflags --libs`, then run:
#   vhost_dgram     a complete vhost-user backend: DPDK's virtio-user
#                   (testpmd, io forwarding: every frame it receives goes
#                   back out) on its socket, frames from its datagram port
#                   to the guest and back, byte for byte, split and packed
#   offload_engine  the offload engine alone (its own checks, exit 0)
set -u
build=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
here=$src/tests/examples
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
export LD_LIBRARY_PATH="$tmp/root$(pkg-config --variable=libdir libvnet)"
build_example() { # NAME PKG: compile examples/NAME.c against PKG
	cc -std=gnu11 -O2 -Wall -Wextra -Werror -o "$tmp/$1" \
		"$src/examples/$1.c" $(pkg-config --cflags --libs "$2") ||
		fail "$1 does not build against the installed tree"
	echo "built $1 with $(pkg-config --cflags --libs "$2")"
}
build_example vhost_dgram libvnet-vhost
[ -f "$src/examples/offload_engine.c" ] && build_example offload_engine libvnet

# 2. vhost_dgram under DPDK's virtio-user
dgram() { # NAME VDEV-OPTIONS
	d="$tmp/$1"; mkdir -p "$d"
	"$tmp/vhost_dgram" "$d/vu.sock" "$d/port" "$d/peer" >"$d/ex.log" 2>&1 &
	ex_pid=$!
	i=0
	while [ ! -S "$d/vu.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	timeout -s INT 60 "$pmd" --no-huge -m 512 --no-pci -l 0-1 \
		--file-prefix="vnetex$$$1" \
		--vdev "net_virtio_user0,path=$d/vu.sock,queues=1$2" -- \
		--total-num-mbufs=4096 --forward-mode=io --stats-period 5 \
		>"$d/pmd.log" 2>&1 &
	pmd_pid=$!
	i=0	# forwarding starts once the device is up
	until grep -q "Press enter to exit\|Port 0: .*link" "$d/pmd.log" 2>/dev/null ||
	      [ $i -ge 100 ]; do sleep 0.2; i=$((i + 1)); done
	sleep 1
	$py "$here/dgram_peer.py" "$d/port" "$d/peer" 2000; rc=$?
	kill -INT "$pmd_pid"; wait "$pmd_pid"; pmd_pid=""
	kill -INT "$ex_pid"; wait "$ex_pid"; ex_pid=""
	echo "  $1: $(cat "$d/ex.log")"
	[ $rc = 0 ] || { tail -n 20 "$d/pmd.log"; fail "$1: frames lost or changed"; }
}
dgram split ""
dgram packed ",packed_vq=1"

# 3. the offload engine alone
if [ -x "$tmp/offload_engine" ]; then
	"$tmp/offload_engine" || fail "offload_engine"
fi
echo "PASS: examples built against the installed tree and ran"
