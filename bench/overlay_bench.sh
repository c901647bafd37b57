#!/bin/sh
# overlay_bench.sh - TCP across vnetd's overlay port (issue 9), in one run:
#
#   kept:     netns A (tap ta) <-> vnetd A <-> guest_bridge <-> vnetd B
#             --vxlan (tap u0 in U, the underlay) <-> U routes <-> veth <->
#             R (the kernel's VXLAN device): the guest's TSO super-frames
#             leave vnetd B as tunnel super-frames, tunnel traffic arrives
#             coalesced;
#   disabled: the same with guest_bridge --no-offloads (the guest side
#             negotiates no checksum or segmentation offload: MTU-sized
#             frames, checksums completed by the kernel before vnetd A);
#   kernel:   netns K (the kernel's own VXLAN device over a veth to U) <->
#             U routes <-> the same veth <-> R (a second VXLAN device): the
#             kernel-only path.
#
# iperf3 from the guest side to R's inner address, SECONDS each, ROUNDS
# rounds interleaving the three; the ratios per round and their medians.
# Goal (issue 9): kept >= 0.5x kernel, and kept >= 3x disabled.
# Usage: overlay_bench.sh PATH/TO/vnetd PATH/TO/guest_bridge [ROUNDS] [SECONDS]
# Needs root, iperf3; vnetd and guest_bridge from a release build.
set -u
vnetd=${1:?usage: overlay_bench.sh VNETD GUEST_BRIDGE [ROUNDS] [SECONDS]}
bridge=${2:?usage: overlay_bench.sh VNETD GUEST_BRIDGE [ROUNDS] [SECONDS]}
rounds=${3:-3} secs=${4:-8}
command -v iperf3 >/dev/null || { echo "iperf3 is missing (scripts/install-deps.sh interop)"; exit 77; }
P="ovb$$"; A="$P-a"; U="$P-u"; R="$P-r"; K="$P-k"
dir=$(mktemp -d)
pids=''
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	for n in "$A" "$U" "$R" "$K"; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

for n in "$A" "$U" "$R" "$K"; do
	ip netns add "$n" || exit 1
	ip -n "$n" link set lo up
done
# the underlay: U routes between vnetd B's tap u0 (192.0.2.0/24), K's
# veth (192.0.4.0/24) and R's veth (198.51.100.0/24)
ip link add vu netns "$U" type veth peer name vr netns "$R"
ip link add ku netns "$U" type veth peer name kk netns "$K"
ip -n "$U" addr add 198.51.100.1/24 dev vu
ip -n "$R" addr add 198.51.100.2/24 dev vr
ip -n "$U" addr add 192.0.4.1/24 dev ku
ip -n "$K" addr add 192.0.4.2/24 dev kk
for x in "$U vu" "$R vr" "$U ku" "$K kk"; do
	set -- $x
	ip -n "$1" link set "$2" up
done
ip netns exec "$U" sysctl -qw net.ipv4.ip_forward=1
ip -n "$R" route add 192.0.2.0/24 via 198.51.100.1
ip -n "$R" route add 192.0.4.0/24 via 198.51.100.1
ip -n "$K" route add 198.51.100.0/24 via 192.0.4.1
# R: one VXLAN device per path; K: the kernel-only path's guest side
ip -n "$R" link add vx type vxlan id 42 local 198.51.100.2 remote 192.0.2.2 \
	dstport 4789 dev vr
ip -n "$R" link set vx address 02:00:00:00:42:02
ip -n "$R" addr add 10.42.0.2/24 dev vx
ip -n "$R" link add vk type vxlan id 43 local 198.51.100.2 remote 192.0.4.2 \
	dstport 4789 dev vr
ip -n "$R" addr add 10.43.0.2/24 dev vk
ip -n "$K" link add vk type vxlan id 43 local 192.0.4.2 remote 198.51.100.2 \
	dstport 4789 dev kk
ip -n "$K" addr add 10.43.0.1/24 dev vk
for x in "$R vx" "$R vk" "$K vk"; do
	set -- $x
	ip -n "$1" link set "$2" up
done

# iperf NS_CLIENT ADDR: Gbit/s received
iperf() {
	ip netns exec "$R" iperf3 -s -1 -B "$2" >/dev/null 2>&1 &
	spid=$!
	sleep 0.5
	ip netns exec "$1" timeout $((secs + 10)) iperf3 -c "$2" -t "$secs" -J \
		>"$dir/iperf.json" 2>/dev/null
	wait $spid 2>/dev/null
	/usr/bin/python3 -c "import json
try:
    d = json.load(open('$dir/iperf.json'))
    print('%.2f' % (d['end']['sum_received']['bits_per_second'] / 1e9))
except Exception:
    print('0')"
}

# total LOG NAME: a vnetd counter at exit
total() {
	sed -n "s/.*total vnetd_$2_total{[^}]*} \([0-9]*\)$/\1/p" "$1" |
		awk '{ n += $1 } END { print n + 0 }'
}

# overlay BRIDGE_OPTS: the vnetd path, one iperf3; prints Gbit/s and
# vnetd B's tunnel super-frames written
overlay() {
	# vnetd A's address is R's inner MAC and vnetd B's is ta's, so each
	# device's receive filter takes what crosses the bridge
	ip netns exec "$A" "$vnetd" --socket-path "$dir/a.sock" --tap ta --tap-transient \
		--mac 02:00:00:00:42:02 >"$dir/a.log" 2>&1 &
	va=$!
	ip netns exec "$U" "$vnetd" --socket-path "$dir/b.sock" --tap u0 --tap-transient \
		--mac 02:00:00:00:42:01 \
		--vxlan vni=42,local=192.0.2.2,remote=198.51.100.2 \
		>"$dir/b.log" 2>&1 &
	vb=$!
	pids="$pids $va $vb"
	i=0
	while { [ ! -S "$dir/a.sock" ] || [ ! -S "$dir/b.sock" ]; } &&
		[ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	"$bridge" "$dir/a.sock" "$dir/b.sock" $1 --stats "$dir/bridge.txt" \
		2>"$dir/bridge.log" &
	bp=$!
	pids="$pids $bp"
	sleep 0.5
	ip -n "$U" addr replace 192.0.2.1/24 dev u0
	ip -n "$U" link set u0 up
	ip -n "$A" link set ta address 02:00:00:00:42:01 mtu 1450 up
	ip -n "$A" addr replace 10.42.0.1/24 dev ta
	g=$(iperf "$A" 10.42.0.2)
	kill -TERM $bp; wait $bp
	kill -TERM $va $vb; wait $va $vb
	pids=''
	rm -f "$dir/a.sock" "$dir/b.sock"
	echo "$g $(total "$dir/b.log" overlay_tx_super) $(total "$dir/b.log" overlay_tx_writes)"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "overlay_bench: $rounds rounds of ${secs} s, iperf3 TCP from the guest side to R's VXLAN address"
: >"$dir/r1"; : >"$dir/r2"
for r in $(seq "$rounds"); do
	set -- $(overlay "")
	kept=$1 ksup=$2 kwr=$3
	set -- $(overlay --no-offloads)
	off=$1 osup=$2 owr=$3
	kern=$(iperf "$K" 10.43.0.2)
	echo "round $r: offloads kept $kept Gbit/s (tunnel super-frames $ksup of $kwr writes), disabled $off Gbit/s ($osup of $owr), kernel-only $kern Gbit/s; kept/kernel $(ratio "$kept" "$kern")x, kept/disabled $(ratio "$kept" "$off")x"
	ratio "$kept" "$kern" >>"$dir/r1"; echo >>"$dir/r1"
	ratio "$kept" "$off" >>"$dir/r2"; echo >>"$dir/r2"
done
echo "median: kept/kernel $(grep . "$dir/r1" | median)x (goal 0.5x), kept/disabled $(grep . "$dir/r2" | median)x (goal 3x)"
