#!/bin/sh
# test_qemu_migrate.sh - a guest's network survives live migration (issue 15).
#
# In a network namespace: a Linux bridge holding the host end (192.0.2.1)
# and two taps, each its own vnetd's (A on tapa, B on tapb). The test guest
# (scripts/guest/, Debian's kernel under QEMU TCG, 1 vCPU) boots on a QEMU
# on vnetd A and runs two TCP streams at once with the host end: random
# bytes each way, the host sending continuously. While they run, the guest
# is live-migrated three times, A -> B -> A -> B, each time to a new QEMU
# started with -incoming on the other vnetd (guest memory in a shared
# memfd, as vhost-user needs). After each migration:
#   - QEMU's reported total time and downtime are printed (query-migrate);
#   - the destination runs, the source is quit;
#   - the guest's MAC was announced from the destination at once: a RARP
#     from it left the destination's tap (captured there; vhost-user.rst,
#     VHOST_USER_SEND_RARP: "Ask vhost user backend to broadcast a fake
#     RARP to notify the migration is terminated for guest that does not
#     support GUEST_ANNOUNCE"), and
#     the bridge's forwarding table (bridge fdb) points at that tap;
#   - the host pings the guest.
# Then the host ends its stream, the guest ends its own, and each stream's
# sha256 and length must be the same at both ends (at least BYTES each way):
# a receive buffer the device wrote during a migration but did not mark
# dirty reaches the destination stale, and the host-to-guest sum differs.
#
# With VNETD_MIGRATE_OVERLAY=1 the guest's network is vnetd's overlay port
# instead (issue 15: "the migration run again with the overlay port"):
# the namespace's bridge br0 is the underlay (198.51.100.1, the kernel's
# VTEP), each vnetd runs with --vxlan on its tap (A's tunnel endpoint
# 198.51.100.11, B's 198.51.100.12, VNI 42, towards 198.51.100.1), and the
# host end (192.0.2.1) lives on the kernel's VXLAN device vxlan0 (learning
# on; its broadcasts to both endpoints). After each migration the RARP must
# leave the destination's tap inside the tunnel (VXLAN, inner source the
# guest's MAC), and vxlan0's forwarding table must send the guest's MAC to
# the destination's endpoint (bridge fdb show dev vxlan0: the kernel
# learned it from the outer source address of what the destination sent);
# ping, streams and sums as above.
#
# Usage: test_qemu_migrate.sh PATH/TO/vnetd [VNETD_ARGS...]
#        test_qemu_migrate.sh tap
#            QEMU's own tap backend (-netdev tap, vhost=off) on the same
#            two taps, the same checks: the harness proved, and the
#            reference for bench/migrate_bench.sh.
# Environment: VNETD_MIGRATE_QUEUES=N (N queue pairs), VNETD_MIGRATE_PACKED=1
# (packed rings), VNETD_MIGRATE_BYTES (each stream's least length, default
# 32 MiB), VNETD_MIGRATE_GUEST_ANNOUNCE=1 (the guest may negotiate
# GUEST_ANNOUNCE: QEMU then asks it to announce itself and sends no
# SEND_RARP; the RARP capture is not checked), VNETD_MIGRATE_ROUNDS=N
# (migrations, default 3), VNETD_MIGRATE_IDLE=1 (no streams: the guest
# idles, answering pings), VNETD_MIGRATE_MEMCMP=1 (the destination held
# paused after each migration, its guest memory compared with the
# stopped source's page for page: they must be equal; mem_diff.py),
# VNETD_MIGRATE_TCG_FASTPATH=1 (guest memory of exactly 256 MiB: QEMU 7.2's
# TCG then loses guest stores in migrations, see QMEM below), VNETD_MIGRATE_OVERLAY=1 (the overlay port, as
# above), VNETD_GUEST_KEEP=1 (keep the run directory: every QEMU's whole
# console, console-N.log, and every log; a failed run keeps it anyway),
# VNETD_GUEST_DIR (the guest's cache).
# Exit: 0 pass, 1 fail (no root or namespaces, no QEMU, no kernel package
# too), 77 skip (a kernel feature missing: a bridge), saying why.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/netns.sh"
. "$here/qemu_guest.sh"

[ $# -ge 1 ] || fail "usage: $0 PATH/TO/vnetd [VNETD_ARGS...] | tap"
vnetd=$1
shift
vnetd_args="$*"
[ "$vnetd" = tap ] || [ -x "$vnetd" ] || fail "$vnetd is not an executable"

MEM=256
# QEMU's guest memory: 256 MiB and 8 KiB, unless VNETD_MIGRATE_TCG_FASTPATH=1.
# QEMU 7.2 under TCG loses guest stores during a migration when the RAM
# block's size is a multiple of 64 pages: cpu_physical_memory_sync_dirty_
# bitmap() then takes its 64-pages-a-word fast path, which clears dirty bits
# without re-arming the TCG TLB's dirty tracking, so the vCPU's later
# stores to those pages set no dirty bit and reach the destination stale
# (QEMU commit 03bfc2188f, "physmem: Fix migration dirty bitmap coherency
# with TCG memory access", in QEMU 9.0; Debian 12's 7.2 lacks it). The
# destination's guest then oopses on stale kernel pages (a slab freelist,
# a stack) right after the migration, with vnetd or QEMU's own tap alike.
# A size that is not a multiple of 64 pages takes the page-by-page path,
# which re-arms the TLB.
QMEM=$((MEM * 1024 + 8))K
[ "${VNETD_MIGRATE_TCG_FASTPATH:-0}" = 1 ] && QMEM=$MEM
PORT=5201
HOST_IP=192.0.2.1
GUEST_IP=192.0.2.10
MAC=52:54:00:12:34:56
BYTES=${VNETD_MIGRATE_BYTES:-33554432}
QUEUES=${VNETD_MIGRATE_QUEUES:-1}
PACKED=${VNETD_MIGRATE_PACKED:-0}
ANNOUNCE=${VNETD_MIGRATE_GUEST_ANNOUNCE:-0}
ROUNDS=${VNETD_MIGRATE_ROUNDS:-3}
IDLE=${VNETD_MIGRATE_IDLE:-0}
MEMCMP=${VNETD_MIGRATE_MEMCMP:-0}
OVERLAY=${VNETD_MIGRATE_OVERLAY:-0}
UL_IP=198.51.100.1	# overlay: the underlay's bridge, the kernel's VTEP
VNI=42
BUDGET=420		# seconds for the whole run; every wait is bounded
MIGRATE_TIMEOUT=90	# one migration

case $QUEUES in
''|*[!0-9]*|0) fail "VNETD_MIGRATE_QUEUES=$QUEUES: a number of queue pairs" ;;
esac
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
[ "$ANNOUNCE" = 1 ] || device_opts="$device_opts,guest_announce=off"
if [ "$vnetd" = tap ] && { [ "$QUEUES" != 1 ] || [ "$PACKED" != 0 ]; }; then
	fail "VNETD_MIGRATE_QUEUES and VNETD_MIGRATE_PACKED are for vnetd"
fi
[ "$vnetd" = tap ] && [ "$OVERLAY" = 1 ] &&
	fail "VNETD_MIGRATE_OVERLAY is for vnetd"

# vtep SIDE: vnetd SIDE's tunnel endpoint (overlay)
vtep() { [ "$1" = a ] && echo 198.51.100.11 || echo 198.51.100.12; }

ns_require_root_and_netns
qemu=$(command -v qemu-system-x86_64) ||
	need "qemu-system-x86_64 is missing (scripts/install-deps.sh guest)"
py=/usr/bin/python3
[ -x $py ] || need "/usr/bin/python3 is not installed"
command -v tcpdump >/dev/null || fail "tcpdump is missing (scripts/install-deps.sh)"
command -v bridge >/dev/null || fail "bridge (iproute2) is missing"

tmp=$(mktemp -d)
ns="vnetd-mig-$$"
pids=''		# every process started, killed at exit
cleanup() {
	rc=$?
	for p in $pids; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	ip netns del "$ns" 2>/dev/null
	# a failed run keeps its directory: the whole console of every QEMU
	# (a guest's panic on a destination, say) is there to read
	if [ "${VNETD_GUEST_KEEP:-0}" = 1 ] || [ "$rc" != 0 ]; then
		echo "kept $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
t_start=$(date +%s)

show() {
	for f in "$tmp"/console-*.log; do
		[ -f "$f" ] || continue
		echo "--- $(basename "$f") (last lines of $f)"
		tr -d '\r' <"$f" | tail -n 60
	done
	# a guest's oops or panic, named: its whole console stays in $tmp
	grep -l -e 'Kernel panic' -e 'BUG:' -e 'general protection' -e 'Oops:' \
		"$tmp"/console-*.log 2>/dev/null | sed 's/^/--- the guest oopsed: /'
	echo "--- host peer"
	cat "$tmp/peer.out" "$tmp/peer.err" 2>/dev/null
	tail -n 2 "$tmp/progress" 2>/dev/null
	for s in a b; do
		[ -f "$tmp/vnetd-$s.log" ] || continue
		echo "--- vnetd $s"
		tail -n 15 "$tmp/vnetd-$s.log"
	done
}
bad() { show; fail "$*"; }
# left: seconds of the budget left (at least 1)
left() {
	l=$((BUDGET - ($(date +%s) - t_start)))
	[ $l -gt 0 ] && echo $l || echo 1
}

guest_build "$tmp"

if [ "$OVERLAY" = 1 ]; then
	# br0 the underlay; the host end on the kernel's VXLAN device, which
	# floods (ARP) to both endpoints and learns where the guest's MAC is
	guest_ns_bridge "$UL_IP"
	ip -n "$ns" link add vxlan0 type vxlan id $VNI local $UL_IP \
		dstport 4789 dev br0 || skip "no vxlan device"
	for s in a b; do
		bridge -n "$ns" fdb append 00:00:00:00:00:00 dev vxlan0 \
			dst "$(vtep $s)" || fail "cannot add vxlan0's flooding to $(vtep $s)"
	done
	ip -n "$ns" addr add "$HOST_IP/24" dev vxlan0
	ip -n "$ns" link set vxlan0 up
else
	guest_ns_bridge "$HOST_IP"
fi

# vnetd A and B, each creating its tap, which then joins the bridge (or
# the two taps for QEMU's own backend). With the overlay port each has its
# own tunnel endpoint and underlay MAC (both on br0).
n=0
for s in a b; do
	[ "$vnetd" = tap ] && continue
	n=$((n + 1))
	ovl=''
	[ "$OVERLAY" = 1 ] &&
		ovl="--vxlan vni=$VNI,local=$(vtep $s),remote=$UL_IP,mac=02:00:00:00:00:0$n"
	ip netns exec "$ns" "$vnetd" --socket-path "$tmp/$s.sock" --tap tap$s \
		$ovl $vnetd_args >"$tmp/vnetd-$s.log" 2>&1 &
	pids="$pids $!"
done
for s in a b; do
	[ "$vnetd" = tap ] && ip -n "$ns" tuntap add dev tap$s mode tap
	i=0
	until [ "$vnetd" = tap ] || [ -S "$tmp/$s.sock" ]; do
		i=$((i + 1))
		[ $i -gt 50 ] && bad "vnetd $s did not listen"
		sleep 0.1
	done
	ip -n "$ns" link set tap$s master br0 && ip -n "$ns" link set tap$s up ||
		bad "tap$s cannot join the bridge"
done
if [ "$OVERLAY" = 1 ]; then
	# QEMU puts host_mtu in the config space: what vnetd advertises, the
	# underlay's MTU less the encapsulation (docs/qemu.md)
	vmtu=$(sed -n 's/.*guest MTU \([0-9]*\).*/\1/p' "$tmp/vnetd-a.log")
	[ -n "$vmtu" ] || bad "vnetd a did not say the guest's MTU"
	device_opts="$device_opts,host_mtu=$vmtu"
fi

# The host end: both streams, its own sending until $tmp/stop exists.
guest_test=both
if [ "$IDLE" = 1 ]; then
	guest_test="serve vnet.serve=$BUDGET"
else
	guest_peer_start "$HOST_IP" $PORT "$BYTES" $BUDGET
fi

# no_timer_check: under TCG on a loaded host the kernel's check of the
# IO-APIC timer can miss its ticks and panic ("IO-APIC + timer doesn't work")
# loglevel=5: quiet, yet the kernel's warnings reach the console (a WARN
# or a bad page state before an oops is what tells its cause)
append="console=ttyS0 quiet loglevel=5 panic=-1 no_timer_check vnet.ip=$GUEST_IP/24 vnet.peer=$HOST_IP"
append="$append vnet.port=$PORT vnet.test=$guest_test vnet.queues=$QUEUES"
append="$append vnet.timeout=$((BUDGET - 20))"

# netdev SIDE: the device's backend on side a or b
netdev() {
	if [ "$vnetd" = tap ]; then
		echo "-netdev tap,id=n0,ifname=tap$1,script=no,downscript=no,vhost=off" \
			"-object memory-backend-memfd,id=mem,size=$(guest_mem_size $QMEM),share=on" \
			"-numa node,memdev=mem"
	else
		guest_vhost_user "$tmp/$1.sock" $QMEM "$netdev_opts"
	fi
}

# start_qemu N SIDE [ARGS...]: QEMU number N on side SIDE (a or b), its
# console in console-N.log, QMP on qmp-N.sock; its pid in qemu_N
start_qemu() {
	n=$1 side=$2
	shift 2
	timeout "$(left)" ip netns exec "$ns" "$qemu" $(guest_qemu_args $QMEM) \
		-append "$append" $(netdev $side) \
		$(guest_device $MAC "$device_opts") \
		-qmp "unix:$tmp/qmp-$n.sock,server=on,wait=off" "$@" \
		</dev/null >"$tmp/console-$n.log" 2>&1 &
	eval "qemu_$n=$!"
	pids="$pids $!"
	$py "$here/qmp.py" "$tmp/qmp-$n.sock" wait 30 ||
		bad "QEMU $n did not start"
}

start_qemu 1 a
if [ "$IDLE" = 1 ]; then
	i=0
	until grep -q 'VNETD-GUEST: serving' "$tmp/console-1.log" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 1200 ] && bad "the guest did not come up in 120 s"
		sleep 0.1
	done
	echo "guest up, idle"
else
	guest_wait_up "$tmp/console-1.log"
fi

if [ "$OVERLAY" = 1 ]; then
	# where the moves start: the kernel learned the guest behind A
	fdb=$(bridge -n "$ns" fdb show dev vxlan0 | grep -i "^$MAC ")
	echo "$fdb" | grep -q " dst $(vtep a) " ||
		bad "vxlan0 did not learn $MAC behind vnetd a: $fdb"
	echo "before: $fdb"
fi

# mem_compare: the guest's memory, as the stopped source holds it and as
# the destination received it (held paused by -S), must be the same page
# for page: a page a device wrote after the last pass of the dirty log, or
# wrote without marking it, differs. Then the destination runs.
hold=''
[ "$MEMCMP" = 1 ] && hold=-S
# mem_bytes: the guest memory's size in bytes
mem_bytes() {
	case $QMEM in
	*K) echo $((${QMEM%K} * 1024)) ;;
	*) echo $((QMEM << 20)) ;;
	esac
}
mem_compare() {
	i=0
	until [ "$($py "$here/qmp.py" "$tmp/qmp-$dst.sock" status)" = paused ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && bad "migration $m: the destination QEMU $dst did not pause"
		sleep 0.1
	done
	for q in $src $dst; do
		$py "$here/qmp.py" "$tmp/qmp-$q.sock" run pmemsave \
			"{\"val\": 0, \"size\": $(mem_bytes), \"filename\": \"$tmp/mem-$q\"}" \
			>/dev/null || bad "migration $m: pmemsave on QEMU $q failed"
	done
	$py "$here/mem_diff.py" "$tmp/mem-$src" "$tmp/mem-$dst" "$tmp/memdiff-$m" \
		>"$tmp/memdiff-$m.txt"
	diff_rc=$?
	rm -f "$tmp/mem-$src" "$tmp/mem-$dst"
	echo "migration $m: guest memory, source and destination: $(head -n 1 "$tmp/memdiff-$m.txt")"
	[ $diff_rc = 0 ] || { head -n 20 "$tmp/memdiff-$m.txt"; bad "migration $m: the destination's guest memory differs from the source's ($tmp/memdiff-$m)"; }
	$py "$here/qmp.py" "$tmp/qmp-$dst.sock" run cont >/dev/null
}

src=1 from=a
downtimes=''
m=0
while [ $m -lt "$ROUNDS" ]; do
	m=$((m + 1))
	to=$([ $from = a ] && echo b || echo a)
	dst=$((src + 1))
	sleep 2		# the streams run between migrations too
	start_qemu $dst $to $hold -incoming "unix:$tmp/mig-$m.sock"
	# the RARP as it leaves the destination's tap: a frame, or with the
	# overlay port a VXLAN datagram whose inner frame is a RARP (UDP
	# header 8, VXLAN header 8, inner MACs 12: the inner type at 28)
	rarp_filter="ether proto 0x8035 and ether src $MAC"
	[ "$OVERLAY" = 1 ] &&
		rarp_filter="udp dst port 4789 and src host $(vtep $to) and udp[28:2] = 0x8035"
	timeout 60 ip netns exec "$ns" tcpdump -i tap$to -nn -e -c 1 -l \
		"$rarp_filter" >"$tmp/rarp-$m.txt" 2>"$tmp/rarp-$m.err" &
	dump=$!
	pids="$pids $dump"
	i=0
	until grep -qs 'listening on' "$tmp/rarp-$m.err"; do
		i=$((i + 1))
		[ $i -gt 100 ] && bad "tcpdump did not start: $(cat "$tmp/rarp-$m.err")"
		sleep 0.1
	done
	res=$($py "$here/qmp.py" "$tmp/qmp-$src.sock" migrate \
		"unix:$tmp/mig-$m.sock" $MIGRATE_TIMEOUT) ||
		bad "migration $m ($from -> $to): $res"
	set -- $res
	echo "migration $m: $from -> $to: total $4 ms, downtime $6 ms, setup $8 ms, ${10} bytes"
	downtimes="$downtimes $6"
	[ "$MEMCMP" = 1 ] && mem_compare
	i=0
	until [ "$($py "$here/qmp.py" "$tmp/qmp-$dst.sock" status)" = running ]; do
		i=$((i + 1))
		[ $i -gt 50 ] && bad "the destination QEMU $dst does not run"
		sleep 0.1
	done
	$py "$here/qmp.py" "$tmp/qmp-$src.sock" run quit >/dev/null
	eval "wait \$qemu_$src"
	# the announcement: a RARP from the guest's MAC out of the new tap
	if [ "$ANNOUNCE" != 1 ]; then
		i=0
		while kill -0 $dump 2>/dev/null && [ $i -lt 50 ]; do
			i=$((i + 1))
			sleep 0.1
		done
		grep -qi "$MAC" "$tmp/rarp-$m.txt" ||
			bad "migration $m: no RARP from $MAC left tap$to"
		# (the last line: the inner frame in the overlay's datagram)
		echo "migration $m: RARP from tap$to: $(tail -n 1 "$tmp/rarp-$m.txt" | cut -c1-100)"
	fi
	kill $dump 2>/dev/null
	if [ "$OVERLAY" = 1 ]; then
		# the kernel's VTEP learned the guest at the destination's
		# endpoint (a dynamic entry: it moved from the source's)
		fdb=$(bridge -n "$ns" fdb show dev vxlan0 | grep -i "^$MAC ")
		echo "$fdb" | grep -q " dst $(vtep $to) " ||
			bad "migration $m: vxlan0 sends $MAC elsewhere: $fdb"
	else
		fdb=$(bridge -n "$ns" fdb show br br0 | grep -i "^$MAC ")
		echo "$fdb" | grep -q " dev tap$to " ||
			bad "migration $m: the bridge sends $MAC elsewhere: $fdb"
	fi
	ip netns exec "$ns" ping -c 3 -w 20 -q "$GUEST_IP" >"$tmp/ping-$m" 2>&1 ||
		bad "migration $m: the host cannot ping the guest: $(cat "$tmp/ping-$m")"
	echo "migration $m: ping $(grep -o '[0-9]* received' "$tmp/ping-$m"), fdb: $fdb"
	[ "$IDLE" = 1 ] || guest_streams_moving 30 ||
		bad "migration $m: the streams stopped"
	src=$dst from=$to
done

eval "last=\$qemu_$src"
if [ "$IDLE" = 1 ]; then
	$py "$here/qmp.py" "$tmp/qmp-$src.sock" run quit >/dev/null
	wait "$last"
	echo "downtimes (ms):$downtimes"
	echo "PASS: $ROUNDS migrations, idle ($(basename "$vnetd")) in $(($(date +%s) - t_start)) s"
	exit 0
fi
# Both streams to at least BYTES, then the host ends its own, the guest
# its own, and the sums are compared.
guest_streams_end "$BYTES" "$last" $(i=1; while [ $i -le $((ROUNDS + 1)) ]; do
	echo "$tmp/console-$i.log"; i=$((i + 1)); done)
g() { awk -v k="$1" '$1 == k' "$tmp/guest"; }
feat=$(g features | cut -d' ' -f2)
[ "$PACKED" = 1 ] && [ "$(echo "$feat" | cut -c35)" != 1 ] &&
	bad "RING_PACKED was not negotiated"
[ "$QUEUES" -gt 1 ] && [ "$(g channels | cut -d' ' -f2)" != "$QUEUES" ] &&
	bad "the guest has $(g channels | cut -d' ' -f2) channels, not $QUEUES"
if [ "$ANNOUNCE" != 1 ] && [ "$(echo "$feat" | cut -c22)" = 1 ]; then
	bad "GUEST_ANNOUNCE was negotiated: SEND_RARP was not what announced"
fi
echo "downtimes (ms):$downtimes"
echo "PASS: $ROUNDS migrations ($(basename "$vnetd"), queue pairs $QUEUES, packed $PACKED, guest announce $ANNOUNCE, overlay $OVERLAY) in $(($(date +%s) - t_start)) s"
