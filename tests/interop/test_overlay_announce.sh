#!/bin/sh
# test_overlay_announce.sh - after a migration, vnetd's overlay port moves
# the guest's MAC on the tunnel's remote endpoints (issue 15).
#
# The kernel's VXLAN device is the remote endpoint (NR, 198.51.100.2, VNI
# 42, learning on); its forwarding table says the guest's MAC lives behind
# another endpoint, 192.0.2.99 (the migration's source; a dynamic entry,
# as learning made it). vnetd runs with --vxlan, its tap u0 the underlay in
# NU (192.0.2.2, NU routing to NR). A test frontend (vnetd_announce_send)
# does what QEMU does on the destination for a guest without
# GUEST_ANNOUNCE: starts the device and sends SEND_RARP with the MAC.
# vnetd must send the announcement into the tunnel, so that the VXLAN
# device's fdb entry for the MAC now points at 192.0.2.2 (bridge fdb show;
# the kernel learns the inner source MAC's endpoint from the outer source
# address of what it receives).
#
# Usage: test_overlay_announce.sh PATH/TO/vnetd PATH/TO/vnetd_announce_send
# Exit: 0 pass, 1 fail, 77 skip (a kernel feature missing, saying why).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/netns.sh"
vnetd=${1:?usage: test_overlay_announce.sh VNETD ANNOUNCE_SEND}
send=${2:?usage: test_overlay_announce.sh VNETD ANNOUNCE_SEND}
MAC=52:54:00:12:34:57
OLD=192.0.2.99

ns_require_root_and_netns
command -v bridge >/dev/null || need "bridge (iproute2) is missing"
command -v ethtool >/dev/null || need "ethtool is not installed"

P="voan$$"; NU="$P-u"; NR="$P-r"
tmp=$(mktemp -d)
pid=''
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	for n in "$NU" "$NR"; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
bad() { echo "--- vnetd"; cat "$tmp/vnetd.log"; fail "$*"; }

ns_underlay "$NU" "$NR"
ip -n "$NR" link add vx type vxlan id 42 local 198.51.100.2 dstport 4789 \
	dev vr || skip "no vxlan device"
ip -n "$NR" link set vx up
bridge -n "$NR" fdb add $MAC dev vx dst $OLD dynamic ||
	fail "cannot add the source's fdb entry"
fdb() { bridge -n "$NR" fdb show dev vx | grep -i "^$MAC "; }
fdb | grep -q "dst $OLD" || fail "the fdb does not start at $OLD: $(fdb)"

ip netns exec "$NU" "$vnetd" --socket-path "$tmp/v.sock" --tap u0 \
	--tap-transient --vxlan "vni=42,local=192.0.2.2,remote=198.51.100.2" \
	>"$tmp/vnetd.log" 2>&1 &
pid=$!
i=0
until [ -S "$tmp/v.sock" ]; do
	i=$((i + 1))
	[ $i -gt 100 ] && bad "vnetd did not listen"
	sleep 0.1
done
ip -n "$NU" addr add 192.0.2.1/24 dev u0
ip -n "$NU" link set u0 up

# QEMU sends SEND_RARP five times; so does this, a round each 100 ms, until
# the fdb moves (the first may find the underlay's next hop unresolved)
i=0
while [ $i -lt 10 ]; do
	i=$((i + 1))
	"$send" "$tmp/v.sock" $MAC || bad "the frontend failed"
	sleep 0.2
	fdb | grep -q "dst 192.0.2.2 " && break
done
entry=$(fdb)
echo "$entry" | grep -q "dst 192.0.2.2 " ||
	bad "the remote endpoint still sends $MAC elsewhere: $entry"
grep -q "announced.*overlay" "$tmp/vnetd.log" || bad "vnetd did not say it announced"
echo "fdb: $entry"
echo "PASS: the remote VXLAN endpoint moved $MAC from $OLD to 192.0.2.2"
