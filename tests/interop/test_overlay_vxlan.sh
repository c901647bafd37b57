#!/bin/sh
# test_overlay_vxlan.sh BRIDGE - the overlay port against the kernel's VXLAN.
#
# NG (guest side: tap g0, its kernel plays the guest) -- overlay_bridge --
# NU (underlay host: tap u0 192.0.2.1, router) -- veth -- NR (198.51.100.2,
# the kernel's vxlan devices, inner 10.x.0.2). Over an IPv4 underlay, with
# tunnel GSO on the tap and then forced off; over an IPv6 underlay with
# outer checksums, then with zero ones both ways (RFC 6935: the kernel's
# udp6zerocsumtx/rx, our zerocsum6rx=on), then refused (zerocsum6rx=off:
# counted drops): ping, TCP and UDP both ways with sha256 compared, iperf3
# when installed, outer and inner checksums validated by tshark on a
# capture of the wire, and the port's counters: super-frames written as
# single writes when the tap takes TUN_F_UDP_TUNNEL_GSO (and seen on a
# capture of the tap), software segments when it does not, tunnel
# super-frames received, the host's ARP/ND for the port answered.
set -u
here=$(dirname "$0")
. "$here/netns.sh"
BRIDGE=${1:?usage: test_overlay_vxlan.sh PATH/TO/overlay_bridge}
XFER="$here/tcp_transfer.py"
ns_require_root_and_netns
for t in tcpdump tshark python3; do
	command -v $t >/dev/null || need "$t is not installed (scripts/install-deps.sh interop)"
done
P="vovl$$"; NG="$P-g"; NU="$P-u"; NR="$P-r"
tmp=$(mktemp -d)
BPID=
cleanup() {
	[ -n "$BPID" ] && kill "$BPID" 2>/dev/null && wait "$BPID" 2>/dev/null
	for n in "$NG" "$NU" "$NR"; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
[ -n "${KEEP:-}" ] && trap "cp -r \"\$tmp\" /tmp/ovl-keep; cleanup" EXIT
nsx() { n=$1; shift; ip netns exec "$n" "$@"; }

# Namespaces, the underlay link, routing and the kernel's VXLAN devices.
ip netns add "$NG" || need "cannot create namespaces"
ip -n "$NG" link set lo up
ns_underlay "$NU" "$NR"
ip -n "$NR" link add vx4 type vxlan id 42 local 198.51.100.2 \
	remote 192.0.2.2 dstport 4789 dev vr || skip "no vxlan device"
ip -n "$NR" link add vx6 type vxlan id 43 local 2001:db8:2::2 \
	remote 2001:db8:1::2 dstport 4789 dev vr
# and one that sends zero UDP checksums over IPv6 (RFC 6935), on a port of
# its own (a VXLAN socket's checksum flags are per port): Linux's old 8472
ip -n "$NR" link add vx6z type vxlan id 44 local 2001:db8:2::2 \
	remote 2001:db8:1::2 dstport 8472 dev vr udp6zerocsumtx udp6zerocsumrx
ip -n "$NR" addr add 10.10.0.2/24 dev vx4
ip -n "$NR" addr add 10.60.0.2/24 dev vx6
ip -n "$NR" addr add 10.70.0.2/24 dev vx6z
for d in vx4 vx6 vx6z; do ip -n "$NR" link set $d up; done

# start_bridge SPEC INNER_NET [OPTS]: the port, its taps configured.
PORT=4789	# the tunnel's UDP port, for captures and tshark
# Each phase has taps of its own names: a tap of the previous phase may
# take the kernel a while to unregister.
PH=0
start_bridge() {
	PH=$((PH + 1)); G=g$PH; U=u$PH
	rm -f "$tmp/bridge.out"	# else the last phase's "ready" is read
	"$BRIDGE" --guest-ns "$NG" --guest-tap $G --underlay-ns "$NU" \
		--underlay-tap $U --vxlan "$1" --stats "$tmp/stats" $3 \
		>"$tmp/bridge.out" 2>&1 &
	BPID=$!
	# creating a tap waits for the RTNL lock, which a namespace being
	# torn down (ours of a previous run, or anyone's) may hold for seconds
	for i in $(seq 1500); do
		grep -q ready "$tmp/bridge.out" 2>/dev/null && break
		sleep 0.1
	done
	grep -q ready "$tmp/bridge.out" 2>/dev/null || {
		kill -0 "$BPID" 2>/dev/null && echo "bridge still starting" ||
			{ wait "$BPID"; echo "bridge exited with $?"; }
		fail "bridge: $(cat "$tmp/bridge.out")"
	}
	mtu=$(sed -n 's/.*guest_mtu \([0-9]*\).*/\1/p' "$tmp/bridge.out")
	ip -n "$NU" addr add 192.0.2.1/24 dev $U
	ip -n "$NU" addr add 2001:db8:1::1/64 dev $U nodad
	ip -n "$NU" link set $U up
	ip -n "$NG" link set $G mtu "$mtu" up
	ip -n "$NG" addr add "$2.1/24" dev $G
	PEER="$2.2"
}

stop_bridge() {
	kill "$BPID"; wait "$BPID" 2>/dev/null; BPID=
	ip -n "$NR" neigh flush dev vx4 2>/dev/null
	ip -n "$NR" neigh flush dev vx6 2>/dev/null
	ip -n "$NR" neigh flush dev vx6z 2>/dev/null
}

stat() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/stats"; }

# transfer PROTO FROM TO ADDR BYTES: sha256 on both sides must agree.
transfer() {
	ip netns exec "$3" python3 "$XFER" serve "$1" "$4" 5201 "$5" >"$tmp/srv" 2>&1 &
	spid=$!
	sleep 0.5
	nsx "$2" python3 "$XFER" send "$1" "$4" 5201 "$5" >"$tmp/cli" 2>&1
	wait $spid
	[ "$(cat "$tmp/srv")" = "$(cat "$tmp/cli")" ] ||
		fail "$1 $2 -> $3: sent $(cat "$tmp/cli"), got $(cat "$tmp/srv")"
	echo "  $1 $(echo "$2" | sed 's/.*-//') -> $(echo "$3" | sed 's/.*-//'): $5 bytes, sha256 equal"
}

# iperf TO_SERVER_NS CLIENT_NS ADDR: TCP throughput, reported.
iperf() {
	command -v iperf3 >/dev/null || fail "iperf3 is not installed (scripts/install-deps.sh interop)"
	ip netns exec "$1" iperf3 -s -1 -B "$3" >/dev/null 2>&1 &
	ipid=$!
	sleep 0.5
	r=$(nsx "$2" iperf3 -c "$3" -t 3 -f m 2>&1 | awk '/receiver/ { print $7, $8 }')
	wait $ipid
	[ -n "$r" ] || fail "iperf3 $2 -> $1 moved nothing"
	echo "  iperf3 TCP $(echo "$2" | sed 's/.*-//') -> $(echo "$1" | sed 's/.*-//'): $r"
}

# checksums PCAP: tshark finds no bad checksum, outer or inner, and
# verifies some inner TCP ones.
checksums() {
	tshark -r "$1" -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
		-o udp.check_checksum:TRUE -d udp.port==$PORT,vxlan -T fields \
		-e frame.number -e ip.checksum.status -e udp.checksum.status \
		-e tcp.checksum.status 2>/dev/null >"$tmp/tshark.out"
	# A TCP checksum that sums to zero goes as 0xffff when Linux completes
	# it (skb_checksum_help's CSUM_MANGLED_0); tshark calls that bad per
	# RFC 1624, yet it verifies: not counted.
	bad=$(tshark -r "$1" -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
		-o udp.check_checksum:TRUE -d udp.port==$PORT,vxlan \
		-Y 'ip.checksum.status == 0 || udp.checksum.status == 0 || (tcp.checksum.status == 0 && tcp.checksum != 0xffff)' \
		2>/dev/null | wc -l)
	good=$(awk -F'\t' '$4 ~ /1/ { n++ } END { print n + 0 }' "$tmp/tshark.out")
	vx=$(tshark -r "$1" -d udp.port==$PORT,vxlan -Y "vxlan.vni == $2" 2>/dev/null | wc -l)
	[ "$bad" = 0 ] || {
		awk -F'\t' '{ for (i = 2; i <= NF; i++) if ($i ~ /(^|,)0(,|$)/) { print; break } }' "$tmp/tshark.out" | head -5
		n=$(awk -F'\t' '{ for (i = 2; i <= NF; i++) if ($i ~ /(^|,)0(,|$)/) { print $1; exit } }' "$tmp/tshark.out")
		tshark -r "$1" -d udp.port==$PORT,vxlan -o tcp.check_checksum:TRUE \
			-o udp.check_checksum:TRUE -Y "frame.number == $n" -V 2>/dev/null |
			grep -E "Frame Length|Total Length|Length:|Checksum|Src|Dst|Flags|Seq" | head -40
		fail "$1: $bad frames with a bad checksum (tshark)"
	}
	[ "$good" -gt 0 ] && [ "$vx" -gt 0 ] ||
		fail "$1: tshark saw $vx VXLAN frames, $good good inner TCP checksums"
	echo "  tshark: $vx VXLAN frames (VNI $2) on the wire, $good inner TCP checksums good, none bad"
}

# phase NAME SPEC INNER_NET VNI [OPTS]
phase() {
	echo "== $1"
	start_bridge "$2" "$3" "${5:-}"
	ip netns exec "$NR" tcpdump -i vr -s 0 -w "$tmp/wire.pcap" udp port $PORT \
		>/dev/null 2>&1 &
	dpid=$!
	ip netns exec "$NU" tcpdump -i $U -s 128 -w "$tmp/u0.pcap" udp port $PORT \
		>/dev/null 2>&1 &
	upid=$!
	sleep 1
	# the first exchange resolves ARP three times over (NG through the
	# tunnel, NU for the port): allow it some seconds on a busy machine
	for i in 1 2 3 4 5 6 7 8; do
		nsx "$NG" ping -c 1 -W 1 "$PEER" >/dev/null && break
	done
	nsx "$NG" ping -c 3 -i 0.2 -W 2 "$PEER" >/dev/null || {
		kill -USR1 "$BPID"; sleep 0.3
		echo "stats: $(grep -v ' 0$' "$tmp/stats" | tr '\n' ' ')"
		ip -n "$NU" neigh; ip -n "$NU" -s link show $U
		ip -n "$NR" neigh; ip -n "$NR" route
		fail "$1: no ping through the overlay"
	}
	transfer tcp "$NG" "$NR" "$PEER" 4000000
	transfer tcp "$NR" "$NG" "$3.1" 4000000
	transfer udp "$NG" "$NR" "$PEER" 120000
	transfer udp "$NR" "$NG" "$3.1" 120000
	sleep 0.5
	kill $dpid $upid; wait $dpid $upid 2>/dev/null
	iperf "$NR" "$NG" "$PEER"
	iperf "$NG" "$NR" "$3.1"
	kill -USR1 "$BPID"; sleep 0.3
	checksums "$tmp/wire.pcap" "$4"
	# frames longer than the underlay MTU on u0: super-frames the tap took
	big=$(tshark -r "$tmp/u0.pcap" -Y "frame.len > 1514" 2>/dev/null | wc -l)
	echo "  port: guest_tx_gso $(stat guest_tx_gso) tx_writes $(stat tx_writes) tx_super $(stat tx_super) tx_segmented $(stat tx_segmented) tx_segments $(stat tx_segments)"
	echo "        rx_inner $(stat rx_inner) rx_super $(stat rx_super) rx_csum_ok $(stat rx_csum_ok) gro_merged $(stat gro_merged) guest_rx_gso $(stat guest_rx_gso) drops $(stat drops) learned $(stat learned) neigh_replies $(stat neigh_replies); u0 capture: $big frames > 1514 bytes"
	[ "$(stat drops)" = 0 ] || fail "$1: drops: $(grep '^drop_' "$tmp/stats" | grep -v ' 0$')"
	# NU found the port's MAC by ARP / neighbour solicitation
	[ "$(stat neigh_replies)" -gt 0 ] || fail "$1: no ARP/NS answered"
	PHASE_BIG=$big
	stop_bridge
}

phase "VXLAN over IPv4, tunnel GSO on the tap" \
	"vni=42,local=192.0.2.2,remote=198.51.100.2" 10.10.0 42
[ "$(stat tx_super)" -gt 0 ] || fail "no tunnel super-frame written"
[ "$PHASE_BIG" -gt 0 ] || fail "the u0 capture shows no super-frame"
[ "$(stat rx_super)" -gt 0 ] || fail "no tunnel super-frame received"

phase "VXLAN over IPv4, tunnel GSO refused: software segmentation" \
	"vni=42,local=192.0.2.2,remote=198.51.100.2" 10.10.0 42 --no-tunnel-gso
[ "$(stat tx_super)" = 0 ] || fail "super-frames written without the offload"
[ "$(stat tx_segments)" -gt "$(stat tx_segmented)" ] ||
	fail "no frame segmented in software"
[ "$PHASE_BIG" = 0 ] || fail "the u0 capture shows frames > 1500 bytes"

phase "VXLAN over IPv6 (outer UDP checksum on), tunnel GSO on the tap" \
	"vni=43,local=2001:db8:1::2,remote=2001:db8:2::2" 10.60.0 43
[ "$(stat tx_super)" -gt 0 ] || fail "no tunnel super-frame written over IPv6"
[ "$PHASE_BIG" -gt 0 ] || fail "the u0 capture shows no super-frame over IPv6"

PORT=8472
phase "VXLAN over IPv6, zero UDP checksums both ways (RFC 6935, zerocsum6rx=on)" \
	"vni=44,local=2001:db8:1::2,remote=2001:db8:2::2,csum=off,zerocsum6rx=on,port=8472" \
	10.70.0 44

echo "== VXLAN over IPv6, zero UDP checksums refused (zerocsum6rx=off)"
start_bridge "vni=44,local=2001:db8:1::2,remote=2001:db8:2::2,csum=off,port=8472" 10.70.0 ""
nsx "$NG" ping -c 6 -i 0.5 -W 1 "$PEER" >/dev/null 2>&1 &&
	fail "a reply came through with a zero IPv6 UDP checksum refused"
sleep 1
kill -USR1 "$BPID"; sleep 0.3
[ "$(stat drop_rx-zero-csum6)" -gt 0 ] ||
	fail "no zero-checksum drop counted: $(grep -v ' 0$' "$tmp/stats" | tr '\n' ' ')"
echo "  port: $(stat drop_rx-zero-csum6) frames dropped as rx-zero-csum6, no reply delivered"
stop_bridge
echo "PASS"
