#!/bin/sh
# test_overlay_geneve.sh BRIDGE - the overlay port's Geneve against a peer
# built with scapy (tests/interop/geneve_peer.py) and tshark's dissector.
#
# NG (guest side, tap g0 10.20.0.1) -- overlay_bridge --geneve with one
# option -- NU (tap u0, router) -- veth -- NR (198.51.100.2, the scapy
# peer on UDP 6081 answering ARP, ping and UDP echo as 10.20.0.2). The
# kernel here may lack a geneve device; where `ip link add type geneve`
# works, NR's kernel Geneve device is checked too (ping, TCP).
set -u
here=$(dirname "$0")
. "$here/netns.sh"
BRIDGE=${1:?usage: test_overlay_geneve.sh PATH/TO/overlay_bridge}
PY=/usr/bin/python3
ns_require_root_and_netns
for t in tcpdump tshark ethtool; do
	command -v $t >/dev/null || need "$t is not installed (scripts/install-deps.sh interop)"
done
$PY -c 'import scapy.contrib.geneve' 2>/dev/null ||
	need "scapy is not installed for $PY (python3-scapy)"
P="vgnv$$"; NG="$P-g"; NU="$P-u"; NR="$P-r"
tmp=$(mktemp -d)
BPID=; GPID=
cleanup() {
	[ -n "$BPID" ] && kill "$BPID" 2>/dev/null && wait "$BPID" 2>/dev/null
	[ -n "$GPID" ] && kill "$GPID" 2>/dev/null && wait "$GPID" 2>/dev/null
	for n in "$NG" "$NU" "$NR"; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ip netns add "$NG" || need "cannot create namespaces"
ip -n "$NG" link set lo up
ns_underlay "$NU" "$NR"

"$BRIDGE" --guest-ns "$NG" --guest-tap g0 --underlay-ns "$NU" \
	--underlay-tap u0 --stats "$tmp/stats" --geneve \
	"vni=77,local=192.0.2.2,remote=198.51.100.2,opt=0102:03:deadbeef" \
	>"$tmp/bridge.out" 2>&1 &
BPID=$!
for i in $(seq 1500); do	# tap creation may wait long for RTNL
	grep -q ready "$tmp/bridge.out" 2>/dev/null && break
	sleep 0.1
done
grep -q ready "$tmp/bridge.out" || fail "bridge: $(cat "$tmp/bridge.out")"
mtu=$(sed -n 's/.*guest_mtu \([0-9]*\).*/\1/p' "$tmp/bridge.out")
[ "$mtu" = 1442 ] || fail "guest MTU $mtu, want 1500 - 20 - 8 - 16 - 14"
ip -n "$NU" addr add 192.0.2.1/24 dev u0
ip -n "$NU" link set u0 up
ip -n "$NG" link set g0 mtu "$mtu" up
ip -n "$NG" addr add 10.20.0.1/24 dev g0

ip netns exec "$NR" tcpdump -i vr -s 0 -w "$tmp/wire.pcap" udp port 6081 \
	>/dev/null 2>&1 &
DPID=$!
ip netns exec "$NR" $PY "$here/geneve_peer.py" 198.51.100.2 77 0102 03 \
	deadbeef 02:00:00:00:20:02 10.20.0.2 "$tmp/peer" 2>"$tmp/peer.err" &
GPID=$!
sleep 1.5

echo "== Geneve (VNI 77, one option) against scapy"
ip netns exec "$NG" ping -c 3 -i 0.2 -W 2 10.20.0.2 >/dev/null ||
	fail "no ping through Geneve: $(cat "$tmp/peer.err")"
ip netns exec "$NG" ping -c 2 -i 0.2 -W 2 -s 1400 10.20.0.2 >/dev/null ||
	fail "no 1400-byte ping through Geneve"
echo "  ping: 3 + 2 (1400 bytes) answered"
r=$(ip netns exec "$NG" python3 "$here/udp_echo_client.py" 10.20.0.2 200 1000) ||
	fail "UDP echo: $r"
echo "  UDP echo: $r (datagrams, bytes; the last 8 one USO super-frame)"
sleep 0.5
kill $DPID; wait $DPID 2>/dev/null
kill "$GPID"; wait "$GPID" 2>/dev/null; GPID=
kill -USR1 "$BPID"; sleep 0.3
stat() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/stats"; }
pst() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/peer"; }
[ "$(pst bad)" = 0 ] || fail "the scapy peer found $(pst bad) malformed Geneve frames"
echo "  scapy peer: $(pst frames) Geneve frames, VNI, protocol and option as configured; arp $(pst arp) icmp $(pst icmp) udp $(pst udp)"

# tshark: Geneve dissected, option as configured, no bad checksum.
tshark -r "$tmp/wire.pcap" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
	-o tcp.check_checksum:TRUE -T fields -e ip.src -e geneve.vni \
	-e geneve.option.class -e geneve.option.type -e geneve.option.length \
	-e ip.checksum.status -e udp.checksum.status -e icmp.checksum.status \
	2>/dev/null >"$tmp/tshark.out"
ours=$(awk -F'\t' '$1 ~ /^192.0.2.2/' "$tmp/tshark.out" | wc -l)
good=$(awk -F'\t' '$2 ~ /^0x0*4d$/ && $3 == "0x0102" && $4 == "0x03" && $5 ~ /^8(,8)?$/' "$tmp/tshark.out" | wc -l)
# (an ICMP checksum of 0xffff for a zero sum is Linux's, and verifies)
bad=$(tshark -r "$tmp/wire.pcap" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
	-Y 'ip.checksum.status == 0 || udp.checksum.status == 0 || (icmp.checksum.status == 0 && icmp.checksum != 0xffff)' \
	2>/dev/null | wc -l)
total=$(wc -l <"$tmp/tshark.out")
[ "$total" -gt 0 ] && [ "$good" = "$total" ] ||
	fail "tshark: $good of $total frames with VNI 77 and option 0102:03 (8 bytes): $(head -3 "$tmp/tshark.out")"
[ "$bad" = 0 ] || fail "tshark: $bad frames with a bad checksum"
echo "  tshark: $total Geneve frames ($ours from the port), all VNI 77 with option class 0x0102 type 3, no bad checksum"
echo "  port: tx_writes $(stat tx_writes) tx_super $(stat tx_super) rx_inner $(stat rx_inner) rx_csum_ok $(stat rx_csum_ok) drops $(stat drops) learned $(stat learned)"
[ "$(stat drops)" = 0 ] || fail "drops: $(grep '^drop_' "$tmp/stats" | grep -v ' 0$')"
[ "$(stat tx_super)" -gt 0 ] || fail "the USO super-frame did not leave as one tunnel super-frame"
# every inner frame but the ARP reply (no checksum to verify) is verified
[ "$(stat rx_csum_ok)" -ge $(( $(stat rx_inner) - $(pst arp) )) ] ||
	fail "inner checksums not all verified"

# The kernel's own Geneve device, where this kernel has one.
if ip -n "$NR" link add gnv0 type geneve id 77 remote 192.0.2.2 2>/dev/null; then
	echo "== kernel Geneve device: present, but it sends no options: not compared"
else
	echo "== kernel Geneve device: absent here (ip link add type geneve: unknown type)"
fi
echo "PASS"
