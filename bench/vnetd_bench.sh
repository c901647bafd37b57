#!/bin/sh
# vnetd_bench.sh - vnetd beside its peers, in one run (issue 8):
#   tx:  64-byte testpmd txonly on virtio-user into vnetd without a tap (a
#        drop sink) vs into DPDK's vhost PMD (testpmd rxonly), split/packed;
#   rx:  testpmd rxonly on virtio-user fed by vnetd --null-rx 64 vs DPDK's
#        vhost PMD in txonly, split/packed;
#   tap: tap -> guest drain rate and CPU per frame, vnetd vs a BASE vnetd
#        (optional), a UDP flood from a netns into the tap;
#   rss: VmRSS of vnetd with 1 and 4 queue pairs, connected;
#   tcp: iperf3 from netns A to netns B through a loop, tap A <-> vnetd A
#        <-> bench/guest_bridge (one frontend of both devices: a frame
#        device A received goes, header and offload flags as they are, to
#        device B's transmit queue, through shared guest memory, no copy)
#        <-> vnetd B <-> tap B, vs a veth pair between the same namespaces
#        in the same round; offloads on (the bridge negotiates CSUM, TSO,
#        USO, ECN both ways) and off (bridge and vnetd --no-offloads, veth
#        with ethtool -K ... off).
# The device side runs on CPU 0, the virtio-user client on CPU 1.
# Usage: vnetd_bench.sh PATH/TO/vnetd [ROUNDS] [SECONDS] [BASE-vnetd]
#        (VB_PARTS="tx rx tap rss tcp" selects parts; VB_BRIDGE the
#        guest_bridge binary, default BUILD/bench/guest_bridge)
# Needs root (network namespaces), iperf3, and dpdk-testpmd except for
# VB_PARTS=tcp.
set -u
vnetd=$1 rounds=${2:-3} secs=${3:-6} base=${4:-}
parts=${VB_PARTS:-tx rx tap rss tcp}
has() { case " $parts " in *" $1 "*) return 0 ;; esac; return 1; }
pmd=$(command -v dpdk-testpmd)
[ -n "$pmd" ] || [ "$parts" = tcp ] || { echo "no dpdk-testpmd"; exit 77; }
bridge=${VB_BRIDGE:-$(dirname "$vnetd")/../../bench/guest_bridge}
dir=$(mktemp -d)
ns="vb-$$"
pids=""
cleanup() {
	for p in $pids; do kill -INT "$p" 2>/dev/null; done
	sleep 0.5
	for p in $pids; do kill -KILL "$p" 2>/dev/null; done
	ip netns del "$ns" 2>/dev/null
	ip netns del "$ns-a" 2>/dev/null
	ip netns del "$ns-b" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# client NAME MODE VDEV-EXTRA [EXTRA]: virtio-user testpmd on CPU 1
client() {
	timeout -s INT "$secs" "$pmd" --no-huge -m 512 --no-pci \
		--lcores '0@1,1@1' --file-prefix="vbc$$" \
		--vdev "net_virtio_user0,path=$dir/vu.sock$3" -- \
		--total-num-mbufs=8192 --forward-mode="$2" --stats-period 1 \
		${4:-} >"$dir/$1.log" 2>&1
}

# peer MODE: DPDK's vhost PMD in testpmd on CPU 0 (the device)
peer() {
	"$pmd" --no-huge -m 512 --no-pci --lcores '0@0,1@0' \
		--file-prefix="vbp$$" \
		--vdev "net_vhost0,iface=$dir/vu.sock,queues=1" -- \
		--total-num-mbufs=8192 --forward-mode="$1" --txpkts=64 \
		--stats-period 100 >"$dir/peer.log" 2>&1 &
	dpid=$!
	pids="$pids $dpid"
	wait_sock
}

# dut OPTIONS: vnetd on CPU 0
dut() {
	taskset -c 0 "$vnetd" --socket-path "$dir/vu.sock" "$@" \
		>"$dir/vnetd.log" 2>&1 &
	dpid=$!
	pids="$pids $dpid"
	wait_sock
}

wait_sock() {
	i=0
	while [ ! -S "$dir/vu.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ -S "$dir/vu.sock" ] || { echo "device did not start"; cat "$dir"/*.log; exit 1; }
}

stop_dev() {
	kill -INT "$dpid" 2>/dev/null
	kill -TERM "$dpid" 2>/dev/null
	wait "$dpid" 2>/dev/null
	rm -f "$dir/vu.sock"
	sleep 0.3
}

# pps LOG FIELD: mean of testpmd's per-second rates, the first and the
# idle seconds (0: before the link came up) left out
pps() {
	sed -n "s/.*$2: *\([0-9]*\).*/\1/p" "$1" | awk '$1 > 0' | tail -n +2 |
		awk '{ s += $1 } END { printf "%.0f\n", NR ? s / NR : 0 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b ? a / b : 0 }'; }

# total LOG FIELD: testpmd's accumulated count
total() {
	sed -n '/Accumulated forward statistics/,/+++++*$/p' "$1" |
		sed -n "s/.*$2: *\([0-9]*\).*/\1/p" | head -n 1
}

# measure NAME MODE VDEV-EXTRA FIELD [EXTRA]: run the client against the
# device in $dpid; sets rate (median per-second pps seen by the client) and
# cpps (packets per CPU-second the device process used: the rate it would
# reach on a core of its own, whatever share the shared machine gave it)
measure() {
	t0=$(cpu_ticks "$dpid")
	client "$1" "$2" "$3" "${5:-}"
	t1=$(cpu_ticks "$dpid")
	rate=$(pps "$dir/$1.log" "$(echo "$4" | sed 's/-packets/-pps/; s/^TX/Tx/; s/^RX/Rx/')")
	cpps=$(awk -v n="$(total "$dir/$1.log" "$4")" -v t=$((t1 - t0)) \
		-v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", t ? n / (t / hz) : 0 }')
}

# one_tx RING VDEV-EXTRA VNETD-EXTRA: guest txonly into each device
one_tx() {
	peer rxonly
	measure tx-dpdk txonly "$2" TX-packets --txpkts=64
	d=$rate dc=$cpps
	stop_dev
	dut --busy-poll $3
	measure tx-vnetd txonly "$2" TX-packets --txpkts=64
	v=$rate vc=$cpps
	stop_dev
	echo "tx $1: dpdk-vhost $d pps ($dc per CPU-s), vnetd --busy-poll $v pps ($vc per CPU-s): $(ratio "$v" "$d")x, per CPU $(ratio "$vc" "$dc")x"
}

# one_rx RING VDEV-EXTRA VNETD-EXTRA: each device sends 64-byte frames
one_rx() {
	peer txonly
	measure rx-dpdk rxonly "$2" RX-packets
	d=$rate dc=$cpps
	stop_dev
	dut --null-rx 64 $3
	measure rx-vnetd rxonly "$2" RX-packets
	v=$rate vc=$cpps
	stop_dev
	echo "rx $1: dpdk-vhost $d pps ($dc per CPU-s), vnetd --null-rx 64 $v pps ($vc per CPU-s): $(ratio "$v" "$d")x, per CPU $(ratio "$vc" "$dc")x"
}

# rss PAIRS: VmRSS of a connected vnetd
rss() {
	dut --queues "$1"
	cq=""
	[ "$1" -gt 1 ] && cq=",cq=1"
	client rss-$1 rxonly ",queues=$1$cq" "--rxq=$1 --txq=$1" &
	cpid=$!
	sleep $((secs / 2))
	kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$dpid/status")
	wait $cpid
	stop_dev
	echo "rss $1 pair(s): VmRSS $kb kB ($(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }') MiB)"
}

# cpu_ticks PID: utime + stime, in clock ticks
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

stat_rx() { /usr/bin/python3 "$(dirname "$0")/../tests/interop/vnetd_stats.py" "$dir/stats.sock" rx_frames; }

# one_tap LABEL BINARY RING-EXTRA VNETD-EXTRA: a UDP flood from the
# netns into the tap (udp_flood.c, 18-byte payloads: 60-byte frames), testpmd rxonly as the guest; vnetd's delivery rate
# and its CPU time per delivered frame
one_tap() {
	taskset -c 0 ip netns exec "$ns" "$2" --socket-path "$dir/vu.sock" \
		--tap vt0 --tap-transient --stats "$dir/stats.sock" $4 >"$dir/vnetd.log" 2>&1 &
	dpid=$!
	pids="$pids $dpid"
	wait_sock
	ip -n "$ns" link set vt0 up
	ip -n "$ns" addr replace 192.0.2.1/24 dev vt0
	ip -n "$ns" neigh replace 192.0.2.2 lladdr 52:54:00:12:34:56 dev vt0
	client tap-$1 rxonly "$3" &
	cpid=$!
	sleep 2
	r0=$(stat_rx); t0=$(cpu_ticks "$dpid")
	ip netns exec "$ns" taskset -c 0 "$dir/udp_flood" 192.0.2.2 9 18 \
		$((secs - 4)) >/dev/null
	r1=$(stat_rx); t1=$(cpu_ticks "$dpid")
	wait $cpid
	drop=$(ip netns exec "$ns" cat /sys/class/net/vt0/statistics/tx_dropped)
	stop_dev
	n=$((r1 - r0))
	echo "tap $1: delivered $n frames in $((secs - 4)) s ($((n / (secs - 4))) pps), tap dropped $drop, vnetd CPU $(awk -v t=$((t1 - t0)) -v n=$n -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", n ? t / hz * 1e9 / n : 0 }') ns/frame"
}

# iperf3 A -> B for secs - 2 seconds: Gbit/s
iperf() {
	ip netns exec "$ns-b" iperf3 -s -1 -B "$1" >/dev/null 2>&1 &
	spid=$!
	sleep 0.5
	ip netns exec "$ns-a" timeout $((secs + 10)) iperf3 -c "$1" -t $((secs - 2)) -J \
		>"$dir/iperf.json" 2>/dev/null
	wait $spid 2>/dev/null
	/usr/bin/python3 -c "import json
try:
    d=json.load(open('$dir/iperf.json')); print('%.2f' % (d['end']['sum_received']['bits_per_second'] / 1e9))
except Exception: print('0')"
}

veth_offloads() { # on|off
	for x in "a va" "b vb"; do
		set -- $x
		ip netns exec "$ns-$1" ethtool -K "$2" tso "$offl" gso "$offl" \
			gro "$offl" tx "$offl" rx "$offl" >/dev/null 2>&1
	done
}

# one_tcp: the loop, then veth, iperf3 A -> B; $offl on|off, $extra
# vnetd's options, $bextra the bridge's
one_tcp() {
	for x in "a sa ta 02:00:00:00:00:0b" "b sb tb 02:00:00:00:00:0a"; do
		set -- $x
		ip netns exec "$ns-$1" "$vnetd" --socket-path "$dir/$2.sock" \
			--tap "$3" --tap-transient --mac "$4" --stats "$dir/st-$1.sock" $extra \
			>"$dir/vnetd-$1.log" 2>&1 &
		pids="$pids $!"
		eval "vpid_$1=$!"
	done
	i=0
	while { [ ! -S "$dir/sa.sock" ] || [ ! -S "$dir/sb.sock" ]; } &&
		[ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	"$bridge" "$dir/sa.sock" "$dir/sb.sock" $bextra \
		--stats "$dir/bridge.txt" 2>"$dir/bridge.log" &
	bpid=$!
	pids="$pids $bpid"
	sleep 0.5
	ip -n "$ns-a" link set ta address 02:00:00:00:00:0a up
	ip -n "$ns-b" link set tb address 02:00:00:00:00:0b up
	ip -n "$ns-a" addr replace 10.9.0.1/24 dev ta
	ip -n "$ns-b" addr replace 10.9.0.2/24 dev tb
	ip -n "$ns-a" neigh replace 10.9.0.2 lladdr 02:00:00:00:00:0b dev ta
	ip -n "$ns-b" neigh replace 10.9.0.1 lladdr 02:00:00:00:00:0a dev tb
	c0=$(($(cpu_ticks "$vpid_a") + $(cpu_ticks "$vpid_b"))) b0=$(cpu_ticks "$bpid")
	g=$(iperf 10.9.0.2)
	c1=$(($(cpu_ticks "$vpid_a") + $(cpu_ticks "$vpid_b"))) b1=$(cpu_ticks "$bpid")
	kill -TERM $bpid
	wait $bpid
	kill -TERM $vpid_a $vpid_b 2>/dev/null
	wait $vpid_a $vpid_b 2>/dev/null
	rm -f "$dir/sa.sock" "$dir/sb.sock"
	gso=$(awk '$1 == "a_to_b_gso" { print $2 }' "$dir/bridge.txt")
	fr=$(awk '$1 == "a_to_b_frames" { print $2 }' "$dir/bridge.txt")
	veth_offloads
	v=$(iperf 10.9.1.2)
	hz=$(getconf CLK_TCK)
	echo "tcp offloads $offl: loop (vnetd, guest_bridge, vnetd) $g Gbit/s, veth $v Gbit/s ($(ratio "$g" "$v")x); A->B frames $fr, GSO $gso; CPU s: 2 vnetd $(awk -v t=$((c1 - c0)) -v hz="$hz" 'BEGIN { printf "%.1f", t / hz }'), bridge $(awk -v t=$((b1 - b0)) -v hz="$hz" 'BEGIN { printf "%.1f", t / hz }')"
}

tcp_setup() {
	ip netns add "$ns-a" && ip netns add "$ns-b" || exit 1
	ip -n "$ns-a" link set lo up
	ip -n "$ns-b" link set lo up
	ip link add va netns "$ns-a" type veth peer name vb netns "$ns-b"
	ip -n "$ns-a" addr add 10.9.1.1/24 dev va
	ip -n "$ns-b" addr add 10.9.1.2/24 dev vb
	ip -n "$ns-a" link set va up
	ip -n "$ns-b" link set vb up
}

cc -O2 -o "$dir/udp_flood" "$(dirname "$0")/udp_flood.c" || exit 1
ip netns add "$ns" && ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
has tcp && tcp_setup
for r in $(seq "$rounds"); do
	echo "== round $r"
	if has tx; then
		one_tx split "" ""
		one_tx packed ",packed_vq=1" --packed
	fi
	if has rx; then
		one_rx split "" ""
		one_rx packed ",packed_vq=1" --packed
	fi
	if has tap; then
		[ -n "$base" ] && one_tap base-split "$base" "" ""
		one_tap split "$vnetd" "" ""
	fi
	if has tcp; then
		offl=on extra="" bextra="" one_tcp
		offl=off extra=--no-offloads bextra=--no-offloads one_tcp
	fi
done
if has rss; then
	rss 1
	rss 4
fi
