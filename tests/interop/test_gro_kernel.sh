#!/bin/sh
# test_gro_kernel.sh - the kernel's GRO (tun with IFF_NAPI) as the oracle for
# where `vnet gro` cuts runs of TCP segments; see gro_kernel.py for what the
# comparison covers. Runs in a network namespace of its own.
# Usage: test_gro_kernel.sh PATH/TO/vnet
set -u
vnet=$1
here=$(dirname "$0")
. "$here/netns.sh"

ns_require_root_and_netns
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
py=/usr/bin/python3
[ -x $py ] || need "/usr/bin/python3 is not installed"
tmp=$(mktemp -d)
ns="vnetd-grok-$$"
trap 'ip netns del "$ns" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
ip netns add "$ns" || fail "could not create a namespace"
ip netns exec "$ns" test -w /sys/class/net/lo/gro_flush_timeout ||
	skip "gro_flush_timeout is not writable here"
ip netns exec "$ns" timeout 120 $py "$here/gro_kernel.py" "$vnet" "$tmp" ||
	fail "the engine cuts differently from the kernel (above)"
echo "PASS: every cut agrees with Linux $(uname -r) GRO"
