#!/bin/sh
# test_qemu_guest.sh - a real Linux guest on a virtio-net device (issue 8).
# QEMU 7.2 under TCG boots Debian's kernel with a busybox initramfs
# (scripts/guest/build-initramfs.sh); the guest's eth0 comes up on the
# device, pings the host side of a tap in a network namespace this test
# makes, moves a TCP stream of BYTES (10 MiB) each way to and from a
# listener there, and has UDP datagrams echoed by the host (tcpio udp).
# Checked: the ping; the UDP echoes; the sha256 of each stream as the guest
# and the host saw it; the negotiated virtio features (CSUM, GUEST_CSUM,
# HOST_TSO4, GUEST_TSO4); that the guest sent and received frames larger
# than the MTU (TSO and the host's GSO really went through the device).
#
# Usage: test_qemu_guest.sh tap
#            QEMU's own tap backend (vhost=off): proves the harness.
#        test_qemu_guest.sh vhost-user PATH/TO/vnetd [VNETD_ARGS...]
#            vnetd on tap0 in the namespace, QEMU attached over vhost-user
#            (guest memory from a shared memfd).
# Environment: VNETD_GUEST_BYTES (stream size), VNETD_GUEST_DIR (cache of
# the kernel and initramfs), VNETD_GUEST_KEEP=1 (keep the console log),
# VNETD_GUEST_QUEUES=N (vhost-user: N queue pairs: mq=on on the device,
# queues=N on the netdev, --queues N to vnetd, and the guest turns them
# on with ethtool -L), VNETD_GUEST_PACKED=1 (vhost-user: packed rings:
# packed=on on the device, --packed to vnetd; checked negotiated),
# VNETD_GUEST_IOMMU=1 (vhost-user, issue 18: a q35 machine with a
# virtual Intel IOMMU, intel-iommu first, the device behind a PCIe root
# port with iommu_platform=on and ats=on, the guest's IOMMU on in strict
# mode, every unmap invalidated at once; checked: ACCESS_PLATFORM
# negotiated, the device in an IOMMU group of a translating domain, and
# the IOTLB traffic vnetd counted).
# vhost-user.rst, "IOMMU support": "When the VIRTIO_F_IOMMU_PLATFORM
# feature has been negotiated ... Guest addresses ... are translated to
# user addresses via the IOTLB".
# Exit: 0 pass, 1 fail (no root or namespaces, no QEMU, no kernel package
# too), 77 skip (no tap device in the kernel), saying why.
set -u
mode=${1:-tap}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/netns.sh"
. "$here/qemu_guest.sh"

MEM=512
BYTES=${VNETD_GUEST_BYTES:-10485760}
PORT=5201
HOST_IP=192.0.2.1
GUEST_IP=192.0.2.10
QEMU_TIMEOUT=210
QUEUES=${VNETD_GUEST_QUEUES:-1}
PACKED=${VNETD_GUEST_PACKED:-0}
IOMMU=${VNETD_GUEST_IOMMU:-0}

case $mode in
tap) ;;
vhost-user)
	[ $# -ge 2 ] || fail "usage: $0 vhost-user PATH/TO/vnetd [ARGS...]"
	vnetd=$2
	shift 2
	vnetd_args="$*"
	[ -x "$vnetd" ] || fail "$vnetd is not an executable" ;;
*) fail "unknown mode '$mode' (tap or vhost-user)" ;;
esac
case $QUEUES in
''|*[!0-9]*|0) fail "VNETD_GUEST_QUEUES=$QUEUES: a number of queue pairs" ;;
esac
if [ "$mode" = tap ] && { [ "$QUEUES" != 1 ] || [ "$PACKED" != 0 ] ||
			  [ "$IOMMU" != 0 ]; }; then
	fail "VNETD_GUEST_QUEUES, _PACKED and _IOMMU are for vhost-user"
fi

# What the knobs add to the device, the netdev and vnetd's arguments.
device_opts='' netdev_opts=''
if [ "$QUEUES" -gt 1 ]; then
	device_opts="$device_opts,mq=on"
	netdev_opts="$netdev_opts,queues=$QUEUES"
	vnetd_args="$vnetd_args --queues $QUEUES"
fi
if [ "$PACKED" = 1 ]; then
	device_opts="$device_opts,packed=on"
	vnetd_args="$vnetd_args --packed"
fi
# the IOMMU before any device it translates for; the root port for ATS
machine_opts='' iommu_append=''
if [ "$IOMMU" = 1 ]; then
	machine_opts="-machine q35 -device intel-iommu,intremap=off,device-iotlb=on"
	machine_opts="$machine_opts -device pcie-root-port,id=rp0,bus=pcie.0,chassis=1"
	device_opts="$device_opts,bus=rp0,disable-legacy=on,iommu_platform=on,ats=on"
	iommu_append="intel_iommu=on iommu.strict=1"
fi

ns_require_root_and_netns
qemu=$(command -v qemu-system-x86_64) ||
	need "qemu-system-x86_64 is missing (scripts/install-deps.sh guest)"
py=/usr/bin/python3
[ -x $py ] || need "/usr/bin/python3 is not installed"

tmp=$(mktemp -d)
ns="vnetd-qemu-$$"
peer='' vnetd_pid=''
echo_pid=''
cleanup() {
	[ -n "$echo_pid" ] && kill "$echo_pid" 2>/dev/null && wait "$echo_pid"
	[ -n "$peer" ] && kill "$peer" 2>/dev/null && wait "$peer"
	[ -n "$vnetd_pid" ] && kill "$vnetd_pid" 2>/dev/null && wait "$vnetd_pid"
	ip netns del "$ns" 2>/dev/null
	if [ "${VNETD_GUEST_KEEP:-0}" = 1 ]; then
		echo "kept $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

guest_build "$tmp"

# The namespace: tap0 addressed as the guest's peer, IPv6 off (quiet wire).
ip netns add "$ns" || need "cannot create a network namespace"
ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	net.ipv6.conf.default.disable_ipv6=1 2>/dev/null
ip -n "$ns" link set lo up
tap_mq=; [ "$QUEUES" -gt 1 ] && tap_mq=multi_queue
ip -n "$ns" tuntap add dev tap0 mode tap $tap_mq || skip "cannot create a tap (/dev/net/tun)"
ip -n "$ns" addr add "$HOST_IP/24" dev tap0
ip -n "$ns" link set tap0 up

ip netns exec "$ns" $py "$here/guest_peer.py" "$HOST_IP" $PORT "$BYTES" \
	$QEMU_TIMEOUT >"$tmp/peer.out" 2>"$tmp/peer.err" &
peer=$!
ip netns exec "$ns" $py "$here/udp_echo_server.py" "$HOST_IP" 7 \
	>"$tmp/echo.out" 2>&1 &
echo_pid=$!
i=0
until grep -q listening "$tmp/peer.out" 2>/dev/null &&
      grep -q listening "$tmp/echo.out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 50 ] && fail "the host-side listener did not start: $(cat "$tmp/peer.err")"
	sleep 0.1
done

# The one line that differs between the modes: the netdev.
case $mode in
tap)
	netdev="-netdev tap,id=n0,ifname=tap0,script=no,downscript=no,vhost=off" ;;
vhost-user)
	sock=$tmp/vnetd.sock
	ip netns exec "$ns" "$vnetd" --socket-path "$sock" --tap tap0 \
		--stats "$tmp/stats.sock" $vnetd_args >"$tmp/vnetd.log" 2>&1 &
	vnetd_pid=$!
	i=0
	until [ -S "$sock" ]; do
		i=$((i + 1))
		[ $i -gt 50 ] && fail "vnetd did not listen on $sock: $(cat "$tmp/vnetd.log")"
		sleep 0.1
	done
	netdev=$(guest_vhost_user "$sock" $MEM "$netdev_opts") ;;
esac

# no_timer_check: under TCG on a loaded host the kernel's check of the
# IO-APIC timer can miss its ticks and panic ("IO-APIC + timer doesn't work")
append="console=ttyS0 quiet panic=-1 no_timer_check vnet.ip=$GUEST_IP/24 vnet.peer=$HOST_IP"
append="$append vnet.bytes=$BYTES vnet.port=$PORT vnet.timeout=$((QEMU_TIMEOUT - 10))"
append="$append vnet.test=tcpudp"
append="$append vnet.queues=$QUEUES $iommu_append"
t0=$(date +%s)
timeout $QEMU_TIMEOUT ip netns exec "$ns" "$qemu" $machine_opts $(guest_qemu_args $MEM) \
	-append "$append" $netdev $(guest_device 52:54:00:12:34:56 "$device_opts") \
	</dev/null >"$tmp/console.log" 2>&1
qrc=$?
t1=$(date +%s)
# The guest's streams are over when it powers off: the peer ends at once,
# unless the guest never connected.
i=0
while kill -0 $peer 2>/dev/null && [ $i -lt 30 ]; do
	i=$((i + 1))
	sleep 0.1
done
kill $peer 2>/dev/null
wait $peer
peer=''
guest_lines "$tmp/guest" "$tmp/console.log"

show() {
	echo "--- guest console (last lines)"
	tr -d '\r' <"$tmp/console.log" | tail -n 40
	echo "--- host peer"
	cat "$tmp/peer.out" "$tmp/peer.err"
	[ -f "$tmp/vnetd.log" ] && { echo "--- vnetd"; tail -n 20 "$tmp/vnetd.log"; }
}
bad() { show; fail "$*"; }
g() { awk -v k="$1" -v f="${2:-}" '$1 == k && (f == "" || $2 == f)' "$tmp/guest"; }

echo "qemu ran $((t1 - t0)) s (exit $qrc); guest: $(g up | cut -d' ' -f2-)," \
	"$(g time send | cut -d' ' -f3-4) send, $(g time recv | cut -d' ' -f3-4) receive," \
	"$(g uptime | cut -d' ' -f2-3) uptime"
[ $qrc = 124 ] && bad "QEMU did not finish within $QEMU_TIMEOUT s"
grep -q '^done' "$tmp/guest" || bad "the guest did not finish its test (QEMU exit $qrc)"
g result | grep -q . && bad "guest: $(g result)"

# Features: a string of '0'/'1', the character at index i being bit i.
feat=$(g features | cut -d' ' -f2)
[ -n "$feat" ] || bad "the guest printed no virtio features"
echo "negotiated: $feat"
echo "$feat" | $py -c '
import sys
names = {0: "CSUM", 1: "GUEST_CSUM", 2: "CTRL_GUEST_OFFLOADS", 3: "MTU",
    5: "MAC", 7: "GUEST_TSO4", 8: "GUEST_TSO6", 9: "GUEST_ECN",
    10: "GUEST_UFO", 11: "HOST_TSO4", 12: "HOST_TSO6", 13: "HOST_ECN",
    14: "HOST_UFO", 15: "MRG_RXBUF", 16: "STATUS", 17: "CTRL_VQ",
    18: "CTRL_RX", 19: "CTRL_VLAN", 21: "GUEST_ANNOUNCE", 22: "MQ",
    23: "CTRL_MAC_ADDR", 28: "INDIRECT_DESC", 29: "EVENT_IDX",
    32: "VERSION_1", 33: "ACCESS_PLATFORM", 34: "RING_PACKED",
    35: "IN_ORDER", 36: "ORDER_PLATFORM", 37: "SR_IOV",
    38: "NOTIFICATION_DATA", 39: "NOTIF_CONFIG_DATA", 40: "RING_RESET",
    54: "GUEST_USO4", 55: "GUEST_USO6",
    56: "HOST_USO", 57: "HASH_REPORT", 59: "GUEST_HDRLEN", 60: "RSS",
    61: "RSC_EXT", 62: "STANDBY", 63: "SPEED_DUPLEX"}
bits = sys.stdin.read().strip()
print("negotiated:", " ".join(names.get(i, "bit%d" % i)
                              for i, c in enumerate(bits) if c == "1"))'
for bit in 0:CSUM 1:GUEST_CSUM 7:GUEST_TSO4 11:HOST_TSO4; do
	n=${bit%%:*}
	[ "$(echo "$feat" | cut -c$((n + 1)))" = 1 ] ||
		bad "feature ${bit#*:} (bit $n) was not negotiated"
done
g ethtool | sed 's/^/guest: /'
if [ "$PACKED" = 1 ]; then
	[ "$(echo "$feat" | cut -c35)" = 1 ] ||
		bad "feature RING_PACKED (bit 34) was not negotiated"
fi
if [ "$QUEUES" -gt 1 ]; then
	[ "$(echo "$feat" | cut -c23)" = 1 ] ||
		bad "feature MQ (bit 22) was not negotiated"
	[ "$(g channels | cut -d' ' -f2)" = "$QUEUES" ] ||
		bad "the guest has $(g channels | cut -d' ' -f2) combined channels, not $QUEUES"
fi

if [ "$IOMMU" = 1 ]; then
	[ "$(echo "$feat" | cut -c34)" = 1 ] ||
		bad "feature ACCESS_PLATFORM (bit 33) was not negotiated"
	grp=$(g iommu_group | cut -d' ' -f2)
	[ -n "$grp" ] || bad "eth0's PCI function is in no IOMMU group"
	set -- $(g dmar)
	[ "${2:-0}" -gt 0 ] || bad "the guest's kernel printed no DMAR line"
	case ${3:-} in DMA|DMA-FQ) ;; *) bad "IOMMU domain '${3:-}', not DMA (strict)";; esac
	echo "guest: eth0 in IOMMU group $grp, domain ${3:-}, $2 DMAR lines"
	# what vnetd saw: misses it asked, updates that woke a queue, and no
	# IOTLB message refused
	vu_stat() {
		$py -c 'import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.settimeout(10); s.connect(sys.argv[1])
s.sendall(b"json\n"); d = b""
while (c := s.recv(65536)): d += c
def find(o):
    if isinstance(o, dict):
        for k, v in o.items():
            if k == sys.argv[2]: return v
            r = find(v)
            if r is not None: return r
print(find(json.loads(d)))' "$tmp/stats.sock" "vhost_user_$1"
	}
	misses=$(vu_stat iotlb_misses) resumed=$(vu_stat iotlb_resumed)
	refused=$(vu_stat bad_iotlb)
	echo "vnetd: $misses IOTLB misses sent, $resumed queues resumed, $refused refused"
	[ "${misses:-0}" -gt 0 ] || bad "vnetd sent no IOTLB miss"
	[ "${refused:-x}" = 0 ] || bad "vnetd refused $refused IOTLB messages"
fi

g ping | grep -q '^ping ok' || bad "the guest could not ping $HOST_IP"

# The streams: what one end sent, the other received, byte for byte.
guest_streams_check "$tmp/guest" "$tmp/peer.out" "$BYTES"
# UDP: datagrams of 64, 1000 and 1400 bytes echoed by the host, each
# checked byte for byte by the guest
[ "$(g udp | grep -c '^udp ok')" = 3 ] || bad "UDP echo: $(g udp | tr '\n' ' ')"
echo "UDP echo: $(g udp | cut -d' ' -f4 | tr '\n' ' ')byte datagrams, 20 of each, byte for byte"

# Offloads in use: while each stream ran, its data crossed the device in
# frames larger than the MTU on average (TSO from the guest, GSO from the
# host's tap to the guest's GUEST_TSO4 buffers).
mtu=$(g mtu | cut -d' ' -f2)
for p in send:tx recv:rx; do
	# "phase send tx B P rx B P": fields 4/5 for tx, 7/8 for rx
	set -- $(g phase ${p%:*})
	[ $# -eq 8 ] || bad "the guest printed no counters for ${p%:*}"
	if [ ${p#*:} = tx ]; then b=$4 n=$5; else b=$7 n=$8; fi
	[ "$n" -gt 0 ] || bad "guest ${p#*:}: no packets during ${p%:*}"
	avg=$((b / n))
	echo "during ${p%:*}: guest ${p#*:} $b bytes in $n frames, $avg on average"
	[ $avg -gt "$mtu" ] && continue
	# busybox nc's 1 KiB writes may leave TSO nothing to do
	g client | grep -q tcpio ||
		{ echo "note: no tcpio in the guest, so no TSO check"; continue; }
	bad "${p%:*}: frames no larger than the MTU on average: TSO/GSO not used"
done
g queue | sed 's/^queue /guest: /'
echo "PASS: $mode (queue pairs $QUEUES, packed $PACKED)"
