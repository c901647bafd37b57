#!/bin/sh
# test_overlay_vnetd.sh - vnetd's overlay port with a real guest (issue 9).
#
# A Debian guest under QEMU (TCG) on vnetd over vhost-user; vnetd runs with
# --vxlan or --geneve, its tap u0 the underlay in NU (192.0.2.1, a router),
# a veth to NR (198.51.100.2) where the far end of the tunnel lives:
#   vxlan4  the kernel's VXLAN device, VNI 42, outer IPv4
#   vxlan6  the kernel's VXLAN device, VNI 43, outer IPv6 (UDP checksums)
#   geneve4 a Geneve endpoint built with scapy (geneve_peer.py: ARP, ICMP,
#           UDP echo; the kernel here has no Geneve device), VNI 77, one
#           option, outer IPv4
#   geneve2 a second vnetd (--geneve, its tap u1 in NR) with a second guest
#           serving UDP echo: vnetd to vnetd, VNI 77, one option
# The guest pings the far end's inner address; with VXLAN it moves 10 MiB
# of TCP each way (sha256 compared on both ends; the guest's TSO frames
# leave as tunnel super-frames) and, with every peer, echoes UDP datagrams
# of 64, 1000 and 1400 bytes (each checked byte for byte). Checked also:
# the MTU the device advertised (the underlay's less the encapsulation),
# tshark on a capture of the wire (the far end's view): outer and inner
# checksums, VNI (and Geneve option); vnetd's counters: tunnel super-frames
# written to the tap as single writes when the tap takes
# TUN_F_UDP_TUNNEL_GSO (and seen on a capture of u0), frames coalesced for
# the guest, nothing dropped.
#
# Usage: test_overlay_vnetd.sh PATH/TO/vnetd vxlan4|vxlan6|geneve4|geneve2
# Exit: 0 pass, 1 fail (a missing peer too), 77 skip (a kernel feature
# missing, saying why).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
. "$here/netns.sh"
vnetd=${1:?usage: test_overlay_vnetd.sh PATH/TO/vnetd vxlan4|vxlan6|geneve4}
phase=${2:?usage: test_overlay_vnetd.sh PATH/TO/vnetd vxlan4|vxlan6|geneve4}
PY=/usr/bin/python3
MEM=512
BYTES=10485760
QEMU_TIMEOUT=240
GUEST_IP=10.10.0.10

case $phase in
vxlan4)
	spec="vni=42,local=192.0.2.2,remote=198.51.100.2"
	port=4789 vni=42 peer=10.10.0.2 test=tcpudp want_mtu=1450 ;;
vxlan6)
	spec="vni=43,local=2001:db8:1::2,remote=2001:db8:2::2"
	port=4789 vni=43 peer=10.10.0.2 test=tcpudp want_mtu=1430 ;;
geneve4)
	spec="vni=77,local=192.0.2.2,remote=198.51.100.2,opt=0102:03:deadbeef"
	port=6081 vni=77 peer=10.10.0.2 test=udp want_mtu=1442 ;;
geneve2)
	spec="vni=77,local=192.0.2.2,remote=192.0.3.2,opt=0102:03:deadbeef"
	spec_b="vni=77,local=192.0.3.2,remote=192.0.2.2,opt=0102:03:deadbeef"
	port=6081 vni=77 peer=10.10.0.11 test=udp want_mtu=1442 ;;
*) fail "unknown phase '$phase' (vxlan4, vxlan6, geneve4, geneve2)" ;;
esac
ovl_opt=--vxlan
case $phase in geneve*) ovl_opt=--geneve ;; esac

ns_require_root_and_netns
qemu=$(command -v qemu-system-x86_64) ||
	need "qemu-system-x86_64 is missing (scripts/install-deps.sh guest)"
for t in tcpdump tshark ethtool; do
	command -v $t >/dev/null || need "$t is not installed (scripts/install-deps.sh interop)"
done
[ -x $PY ] || need "$PY is not installed"
[ "$phase" != geneve4 ] || $PY -c 'import scapy.contrib.geneve' 2>/dev/null ||
	need "scapy is not installed for $PY (python3-scapy)"

P="vovg$$"; NU="$P-u"; NR="$P-r"
tmp=$(mktemp -d)
pids=''
vnetd_pids=''
cleanup() {
	for f in "$tmp"/*.qemu.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
	for p in $pids $vnetd_pids; do kill "$p" 2>/dev/null; done
	for p in $pids $vnetd_pids; do wait "$p" 2>/dev/null; done
	for n in "$NU" "$NR"; do ip netns del "$n" 2>/dev/null; done
	[ -n "${KEEP:-}" ] && cp -r "$tmp" /tmp/ovg-keep
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
nsx() { n=$1; shift; ip netns exec "$n" "$@"; }

built=$("$top/scripts/guest/build-initramfs.sh" 2>"$tmp/build.log")
rc=$?
[ $rc = 77 ] && need "$(tail -n 1 "$tmp/build.log")"
[ $rc = 0 ] || fail "build-initramfs.sh: $(cat "$tmp/build.log")"
kernel=$(echo "$built" | awk '$1 == "kernel" { print $2 }')
initrd=$(echo "$built" | awk '$1 == "initrd" { print $2 }')

# The underlay: NU routes between vnetd's tap and the veth to NR.
ns_underlay "$NU" "$NR"

case $phase in
vxlan4)
	ip -n "$NR" link add vx type vxlan id 42 local 198.51.100.2 \
		remote 192.0.2.2 dstport 4789 dev vr || skip "no vxlan device" ;;
vxlan6)
	ip -n "$NR" link add vx type vxlan id 43 local 2001:db8:2::2 \
		remote 2001:db8:1::2 dstport 4789 dev vr || skip "no vxlan device" ;;
esac
if [ "$phase" = geneve2 ]; then
	:	# the far end is a second vnetd and its guest (below)
elif [ "$phase" != geneve4 ]; then
	ip -n "$NR" addr add $peer/24 dev vx
	ip -n "$NR" link set vx up
	ip netns exec "$NR" $PY "$here/guest_peer.py" $peer 5201 $BYTES $QEMU_TIMEOUT \
		>"$tmp/peer.out" 2>"$tmp/peer.err" &
	pids="$pids $!"
	ip netns exec "$NR" $PY "$here/udp_echo_server.py" $peer 7 \
		>"$tmp/echo.out" 2>&1 &
	pids="$pids $!"
	i=0
	until [ "$(grep -l listening "$tmp/peer.out" "$tmp/echo.out" 2>/dev/null |
		  wc -l)" = 2 ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && fail "the peers did not start: $(cat "$tmp/peer.err" "$tmp/echo.out")"
		sleep 0.1
	done
else
	ip netns exec "$NR" $PY "$here/geneve_peer.py" 198.51.100.2 77 0102 03 \
		deadbeef 02:00:00:00:20:02 $peer "$tmp/gpeer" 2>"$tmp/peer.err" &
	pids="$pids $!"
fi

# start_vnetd NS NAME TAP SPEC: vnetd in NS, its tap the underlay; sets
# VMTU to the guest MTU vnetd advertises
start_vnetd() {
	ns=$1; shift
	ip netns exec "$ns" "$vnetd" --socket-path "$tmp/$1.sock" --tap $2 \
		--tap-transient $ovl_opt "$3" --log-level info >"$tmp/$1.log" 2>&1 &
	eval "${1}_pid=$!"
	vnetd_pids="$vnetd_pids $!"
	i=0
	until [ -S "$tmp/$1.sock" ]; do
		i=$((i + 1))
		[ $i -gt 300 ] && fail "vnetd $1 did not listen: $(cat "$tmp/$1.log")"
		sleep 0.1
	done
	# QEMU puts its own host_mtu in the config space: it is given what
	# vnetd advertises (as docs/qemu.md tells users to)
	VMTU=$(sed -n 's/.*guest MTU \([0-9]*\).*/\1/p' "$tmp/$1.log")
	[ -n "$VMTU" ] || fail "vnetd did not say the guest's MTU: $(cat "$tmp/$1.log")"
}

# guest NAME MAC APPEND: QEMU on vnetd NAME's socket, until the guest
# powers off; its markers in $tmp/NAME.guest
guest() {
	timeout $QEMU_TIMEOUT ip netns exec "$NU" "$qemu" -accel tcg -m $MEM \
		-smp 1 -nographic -nodefaults -serial stdio -no-reboot \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 quiet panic=-1 no_timer_check $3" \
		-chardev socket,id=c0,path="$tmp/$1.sock" \
		-netdev vhost-user,id=n0,chardev=c0 \
		-object memory-backend-memfd,id=mem,size=${MEM}M,share=on \
		-numa node,memdev=mem -pidfile "$tmp/$1.qemu.pid" \
		-device virtio-net-pci,netdev=n0,vectors=0,romfile=,mac=$2,host_mtu=$VMTU \
		</dev/null >"$tmp/$1.console" 2>&1
	rc=$?
	tr -d '\r' <"$tmp/$1.console" | sed -n 's/^.*VNETD-GUEST: //p' >"$tmp/$1.guest"
	return $rc
}

vnetd_pids=''
start_vnetd "$NU" a u0 "$spec"
ip -n "$NU" addr add 192.0.2.1/24 dev u0
ip -n "$NU" addr add 2001:db8:1::1/64 dev u0 nodad
ip -n "$NU" link set u0 up
if [ "$phase" = geneve2 ]; then	# the far end: vnetd in NR, tap u1
	start_vnetd "$NR" b u1 "$spec_b"
	ip -n "$NR" addr add 192.0.3.1/24 dev u1
	ip -n "$NR" link set u1 up
	ip netns exec "$NR" sysctl -qw net.ipv4.ip_forward=1
	ip -n "$NU" route add 192.0.3.0/24 via 198.51.100.2
fi
ip netns exec "$NR" tcpdump -i vr -s 0 -w "$tmp/wire.pcap" udp port $port \
	>/dev/null 2>&1 &
pids="$pids $!"
ip netns exec "$NU" tcpdump -i u0 -s 128 -w "$tmp/u0.pcap" udp port $port \
	>/dev/null 2>&1 &
pids="$pids $!"
sleep 1

if [ "$phase" = geneve2 ]; then	# the far end: a second guest, serving
	guest b 52:54:00:12:34:57 "vnet.ip=$peer/24 vnet.test=serve vnet.serve=$((QEMU_TIMEOUT - 60)) vnet.timeout=$((QEMU_TIMEOUT - 10))" &
	guest_b=$!
	sleep 5
fi
t0=$(date +%s)
guest a 52:54:00:12:34:56 "vnet.ip=$GUEST_IP/24 vnet.peer=$peer vnet.bytes=$BYTES vnet.port=5201 vnet.test=$test vnet.timeout=$((QEMU_TIMEOUT - 10))"
qrc=$?
t1=$(date +%s)
if [ "$phase" = geneve2 ]; then	# the server stops 5 s after its last datagram
	wait $guest_b
fi
sleep 0.5
for p in $vnetd_pids; do kill "$p"; wait "$p"; done
vnetd_pids=''
for p in $pids; do kill "$p" 2>/dev/null; done
for p in $pids; do wait "$p" 2>/dev/null; done
pids=''
cp "$tmp/a.log" "$tmp/vnetd.log"
[ "$phase" = geneve2 ] && cat "$tmp/b.log" >>"$tmp/vnetd.log"
cp "$tmp/a.guest" "$tmp/guest"

show() {
	echo "--- guest console (last lines)"
	tr -d '\r' <"$tmp/a.console" | tail -n 30
	echo "--- peer"; cat "$tmp/peer.out" "$tmp/peer.err" 2>/dev/null | tail -n 10
	echo "--- vnetd"; tail -n 40 "$tmp/vnetd.log"
}
bad() { show; fail "$*"; }
g() { awk -v k="$1" -v f="${2:-}" '$1 == k && (f == "" || $2 == f)' "$tmp/guest"; }
# total NAME: vnetd's counter at exit (its log's "total" lines), 0 if none
total() {
	sed -n "s/.*total vnetd_$1_total{[^}]*} \([0-9]*\)$/\1/p" "$tmp/vnetd.log" |
		awk '{ n += $1 } END { print n + 0 }'
}
# drops: vnetd's drops at exit, by reason (a guest out of buffers makes
# frames wait, never drops them)
drops() { grep 'total vnetd_drops_total' "$tmp/vnetd.log" | sed 's/.*reason="//; s/"}//'; }

echo "== $phase: $ovl_opt $spec"
echo "qemu ran $((t1 - t0)) s (exit $qrc)"
[ $qrc = 124 ] && bad "QEMU did not finish within $QEMU_TIMEOUT s"
grep -q '^done' "$tmp/guest" || bad "the guest did not finish its test (QEMU exit $qrc)"
g result | grep -q . && bad "guest: $(g result)"
mtu=$(g mtu | cut -d' ' -f2)
[ "$mtu" = $want_mtu ] ||
	bad "the guest's MTU is $mtu, want $want_mtu (the underlay's 1500 less the encapsulation)"
echo "guest MTU $mtu: the underlay's less the encapsulation"
g ping | grep -q '^ping ok' || bad "the guest could not ping $peer through the tunnel"
echo "ping: $(g ping | cut -d' ' -f2-)"
[ "$(g udp | grep -c '^udp ok')" = 3 ] || bad "UDP echo: $(g udp)"
echo "UDP echo: $(g udp | cut -d' ' -f4 | tr '\n' ' ')byte datagrams, 20 each, byte for byte"

if [ "$test" = tcpudp ]; then
	set -- $(g sha256 sent); gsent=$3 gsent_n=$4
	set -- $(awk '$1 == "recv"' "$tmp/peer.out"); hrecv=${2:-} hrecv_n=${3:-0}
	[ "$gsent_n" -ge $BYTES ] && [ "$hrecv_n" = "$gsent_n" ] && [ "$gsent" = "$hrecv" ] ||
		bad "guest to peer: sent $gsent_n bytes ($gsent), received $hrecv_n ($hrecv)"
	set -- $(awk '$1 == "sent"' "$tmp/peer.out"); hsent=${2:-} hsent_n=${3:-0}
	set -- $(g sha256 recv); grecv=${3:-} grecv_n=${4:-0}
	[ "$hsent_n" -ge $BYTES ] && [ "$grecv_n" = "$hsent_n" ] && [ "$hsent" = "$grecv" ] ||
		bad "peer to guest: sent $hsent_n bytes ($hsent), received $grecv_n ($grecv)"
	echo "TCP: $gsent_n bytes each way, sha256 equal on both ends"
	for p in send:tx recv:rx; do
		set -- $(g phase ${p%:*})
		if [ ${p#*:} = tx ]; then b=$4 n=$5; else b=$7 n=$8; fi
		echo "during ${p%:*}: guest ${p#*:} $b bytes in $n frames, $((b / n)) on average"
		[ $((b / n)) -gt "$mtu" ] ||
			bad "${p%:*}: no super-frames crossed the device (TSO / coalescing)"
	done
fi

# The far end's view of the wire: every checksum good, outer and inner.
dec="-d udp.port==$port,vxlan"; [ $port = 6081 ] && dec=
nbad=$(tshark -r "$tmp/wire.pcap" $dec -o ip.check_checksum:TRUE \
	-o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE \
	-Y 'ip.checksum.status == 0 || udp.checksum.status == 0 || (tcp.checksum.status == 0 && tcp.checksum != 0xffff) || (icmp.checksum.status == 0 && icmp.checksum != 0xffff)' \
	2>/dev/null | wc -l)
if [ "$phase" = geneve2 ]; then
	nvni=$(tshark -r "$tmp/wire.pcap" -Y "geneve.vni == $vni && geneve.option.class == 0x0102 && geneve.option.type == 0x03" 2>/dev/null | wc -l)
	served=$(awk '$1 == "serve" && $2 == "echoed" { print $3 }' "$tmp/b.guest")
	[ "${served:-0}" -ge 60 ] || bad "the second guest echoed ${served:-no} datagrams"
	echo "the second guest (on the second vnetd) echoed $served datagrams"
elif [ "$phase" = geneve4 ]; then
	nvni=$(tshark -r "$tmp/wire.pcap" -Y "geneve.vni == $vni && geneve.option.class == 0x0102 && geneve.option.type == 0x03" 2>/dev/null | wc -l)
	bad_peer=$(awk '$1 == "bad" { print $2 }' "$tmp/gpeer")
	[ "${bad_peer:-1}" = 0 ] || bad "the scapy peer found ${bad_peer:-?} malformed Geneve frames"
else
	nvni=$(tshark -r "$tmp/wire.pcap" $dec -Y "vxlan.vni == $vni" 2>/dev/null | wc -l)
fi
ngood=$(tshark -r "$tmp/wire.pcap" $dec -o tcp.check_checksum:TRUE \
	-o udp.check_checksum:TRUE -Y 'tcp.checksum.status == 1 || udp.checksum.status == 1 || icmp.checksum.status == 1' \
	2>/dev/null | wc -l)
[ "$nbad" = 0 ] || bad "tshark: $nbad frames on the wire with a bad checksum"
[ "$nvni" -gt 0 ] && [ "$ngood" -gt 0 ] ||
	bad "tshark: $nvni tunnel frames with VNI $vni, $ngood with good checksums"
echo "tshark: $nvni tunnel frames with VNI $vni on the wire, $ngood with TCP/UDP/ICMP checksums verified, none bad"

# vnetd's counters.
big=$(tshark -r "$tmp/u0.pcap" -Y "frame.len > 1514" 2>/dev/null | wc -l)
echo "vnetd: overlay_tx_writes $(total overlay_tx_writes) overlay_tx_super $(total overlay_tx_super)" \
	"overlay_tx_segmented $(total overlay_tx_segmented) overlay_rx_inner $(total overlay_rx_inner)" \
	"overlay_rx_super $(total overlay_rx_super) overlay_rx_csum_ok $(total overlay_rx_csum_ok)" \
	"rx_gro_frames $(total rx_gro_frames) rx_coalesced $(total rx_coalesced)" \
	"overlay_neigh_replies $(total overlay_neigh_replies);" \
	"u0 capture: $big frames > 1514 bytes"
[ -z "$(drops)" ] || bad "vnetd dropped frames: $(drops | tr '\n' ' ')"
[ "$(total overlay_neigh_replies)" -gt 0 ] || bad "no ARP/ND for the local address answered"
grep -q 'tunnel GSO on' "$tmp/vnetd.log" ||
	{ echo "the tap did not take TUN_F_UDP_TUNNEL_GSO: no super-frame check"; echo PASS; exit 0; }
if [ "$test" = tcpudp ]; then
	[ "$(total overlay_tx_super)" -gt 0 ] || bad "no tunnel super-frame written to the tap"
	[ "$big" -gt 0 ] || bad "the u0 capture shows no frame larger than 1514 bytes"
	[ "$(total overlay_tx_segmented)" = 0 ] ||
		bad "$(total overlay_tx_segmented) frames segmented in software with tunnel GSO on the tap"
fi
echo PASS