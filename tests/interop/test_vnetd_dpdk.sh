#!/bin/sh
# test_vnetd_dpdk.sh - vnetd between DPDK's virtio-user (dpdk-testpmd, the
# guest's driver) and a tap in a network namespace (the host):
#   guest -> host: testpmd txonly; every frame it sent arrives on the tap;
#   host -> guest: UDP datagrams sent out of the tap arrive in testpmd;
# for split and packed rings; then SIGTERM, and vnetd exits 0. Every frame
# is accounted for: what the tap's queue cannot hold the kernel counts.
# Usage: test_vnetd_dpdk.sh PATH/TO/vnetd PATH/TO/vnet
set -u
vnetd=$1 vnet=$2
here=$(dirname "$0")
. "$here/netns.sh"
ns_require_root_and_netns
pmd=$(command -v dpdk-testpmd) || need "dpdk-testpmd not installed (scripts/install-deps.sh interop)"

ns="vnetd-dpdk-$$"
dir=$(mktemp -d)
vpid=""
cleanup() {
	[ -n "$vpid" ] && kill -TERM "$vpid" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM
ip netns add "$ns" || need "cannot create a namespace"
ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	net.ipv6.conf.default.disable_ipv6=1

# stat NAME: a counter from vnetd's stats socket (totals)
stat() { /usr/bin/python3 "$here/vnetd_stats.py" "$dir/stats.sock" "$1"; }

start_vnetd() { # extra options
	ip netns exec "$ns" "$vnetd" --socket-path "$dir/vu.sock" --tap vt0 \
		--tap-transient --stats "$dir/stats.sock" "$@" >"$dir/vnetd.log" 2>&1 &
	vpid=$!
	i=0
	while [ ! -S "$dir/vu.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	[ -S "$dir/vu.sock" ] || fail "vnetd did not start: $(cat "$dir/vnetd.log")"
	ip -n "$ns" link set vt0 up
	ip -n "$ns" addr replace 192.0.2.1/24 dev vt0
	ip -n "$ns" neigh replace 192.0.2.2 lladdr 52:54:00:12:34:56 dev vt0
}

stop_vnetd() {
	kill -TERM "$vpid"
	wait "$vpid"; rc=$?
	vpid=""
	[ $rc = 0 ] || fail "vnetd exited $rc after SIGTERM"
}

# testpmd MODE SECONDS VDEV-EXTRA [PAIRS]: run the guest's driver
testpmd() {
	pairs=${4:-1}
	timeout -s INT "$2" "$pmd" --no-huge -m 512 --no-pci -l 0-1 \
		--file-prefix="vnetd$$" \
		--vdev "net_virtio_user0,path=$dir/vu.sock,queues=$pairs$3" -- \
		--total-num-mbufs=8192 --rxq="$pairs" --txq="$pairs" \
		--forward-mode="$1" --stats-period 1 >"$dir/pmd.log" 2>&1
	grep -q "EAL: FATAL\|Cannot init EAL" "$dir/pmd.log" &&
		need "testpmd cannot initialise its EAL: $(grep EAL "$dir/pmd.log" | tail -1)"
}

total() { # NAME: testpmd's accumulated total
	sed -n '/Accumulated forward statistics/,/+++++*$/p' "$dir/pmd.log" |
		sed -n "s/.*$1: *\([0-9]*\).*/\1/p" | head -n 1
}

one_ring() { # LABEL VNETD-OPTIONS VDEV-EXTRA PAIRS
	start_vnetd $2
	# 8 s: on a loaded machine testpmd's start-up alone can take most of 5
	testpmd txonly 8 "$3" "$4"
	sent=$(total TX-packets)
	tap_rx=$(ip netns exec "$ns" cat /sys/class/net/vt0/statistics/rx_packets)
	dev_tx=$(stat tx_frames)
	echo "$1 guest->host: testpmd sent $sent, vnetd took $dev_tx, the tap got $tap_rx"
	[ "${sent:-0}" -gt 1000 ] || fail "$1: testpmd sent only ${sent:-0} frames"
	# testpmd counts a frame sent once it is in the ring; what is still
	# there when it quits leaves with the connection: at most a ring (256)
	# per pair
	ring=$((256 * $4))
	[ "$dev_tx" -le "$sent" ] && [ $((sent - dev_tx)) -le $ring ] ||
		fail "$1: vnetd took $dev_tx of $sent frames"
	[ "$tap_rx" = "$dev_tx" ] || fail "$1: the tap got $tap_rx of $dev_tx frames"
	shown=$("$vnet" stats "$dir/stats.sock" | awk '$1 == "tx_frames" { n += $3 } END { print n + 0 }')
	[ "$shown" = "$dev_tx" ] || fail "$1: vnet stats shows tx_frames $shown, not $dev_tx"

	testpmd rxonly 8 "$3" "$4" &
	pmd_pid=$!
	sleep 3
	blasted=$(ip netns exec "$ns" /usr/bin/python3 "$here/udp_blast.py" 192.0.2.2 9 20000)
	wait $pmd_pid
	got=$(total RX-packets)
	dev_rx=$(stat rx_frames)
	kdrop=$(ip netns exec "$ns" cat /sys/class/net/vt0/statistics/tx_dropped)
	echo "$1 host->guest: sent $blasted datagrams, the tap's queue dropped $kdrop, vnetd delivered $dev_rx, testpmd got $got"
	direct=$(stat rx_direct) copied=$(stat rx_copied_bytes) rx_bytes=$(stat rx_bytes)
	echo "$1 host->guest: $direct frames read straight into guest buffers, $copied of $rx_bytes bytes copied in user space"
	# no coalescing of UDP here: the tap is read straight into the
	# guest's buffers, frames go back to the bounce buffer only when the
	# ring is short of buffers for the largest frame
	[ "${direct:-0}" -gt 0 ] || fail "$1: no frame read straight into the guest's buffers"
	# what vnetd delivers, testpmd receives; what the tap's queue did not
	# hold (vnetd slower than the burst: backpressure) the kernel counts
	# frames put in the rings after testpmd stopped polling: at most a
	# ring per pair
	[ "${got:-0}" -le "$dev_rx" ] && [ $((dev_rx - got)) -le $ring ] ||
		fail "$1: vnetd delivered $dev_rx, testpmd got ${got:-0}"
	[ $((dev_rx + kdrop)) -ge "$blasted" ] ||
		fail "$1: $((blasted - dev_rx - kdrop)) of $blasted datagrams lost unaccounted"
	[ "$got" -gt 0 ] || fail "$1: nothing delivered"
	stop_vnetd
}

one_ring split "" "" 1
one_ring packed --packed ",packed_vq=1" 1
# DPDK needs its control queue (cq=1) for more than one pair; without it,
# it accepts ctrl_rx without ctrl_vq, a set vnetd refuses ("Feature bit requirements")
one_ring "2 pairs, busy-poll" "--queues 2 --busy-poll" ",cq=1" 2
echo "PASS: both directions, split and packed, 1 and 2 queue pairs, every frame accounted for"
