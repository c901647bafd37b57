#!/bin/sh
# test_vnetd_rss.sh - vnetd honours the guest's RSS configuration (issue 8).
# virtio "Receive-side scaling (RSS) / RSS processing": "The device MUST
# determine the destination queue for a network packet as follows: ...
# Apply indirection_table_mask to the calculated hash and use the result as
# the index in the indirection table to get 0-based number of destination
# receiveq"; "Hash reporting for incoming packets": the device "fills
# hash_report with the report type of calculated hash and hash_value with
# the value of calculated hash".
# vnetd with 2 and 4 queue pairs on a tap in a fresh namespace; the test
# frontend (vnetd_rss_check) sets RSS (Microsoft's key, a table over every
# queue), injects frames of 384 flows into the tap from the namespace (the
# kernel spreads them over the tap's queues by its own hash) and checks
# each on the queue the table names for its Toeplitz hash, computed without
# libvnet, with that hash and report type in the header; then a second
# table, the same again; then all frames as one burst (the guest's buffers
# run out: what arrives is still right, drops are counted, nothing stays
# stuck) and a paced round after it. vnetd's counters must show frames moved
# between workers.
# Usage: test_vnetd_rss.sh PATH/TO/vnetd PATH/TO/vnetd_rss_check
set -u
vnetd=$1 check=$2
here=$(dirname "$0")
. "$here/netns.sh"
ns_require_root_and_netns

ns="vnetd-rss-$$"
dir=$(mktemp -d)
vpid=""
cleanup() {
	[ -n "$vpid" ] && kill -TERM "$vpid" 2>/dev/null && wait "$vpid"
	ip netns del "$ns" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM
ip netns add "$ns" || need "cannot create a namespace"
ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	net.ipv6.conf.default.disable_ipv6=1

stat() { # NAME: a counter from the stats socket, totals (a drop reason too)
	/usr/bin/python3 "$here/vnetd_stats.py" "$dir/stats.sock" "$1"
}

stat_queues() { # NAME: a counter per queue pair
	/usr/bin/python3 "$here/vnetd_stats.py" "$dir/stats.sock" "queues:$1"
}

vnetd_start() { # [VNETD-OPTIONS]: vnetd on vr0 with $pairs pairs
	rm -f "$dir/vu.sock" "$dir/stats.sock"
	ip netns exec "$ns" timeout 60 "$vnetd" --socket-path "$dir/vu.sock" \
		--tap vr0 --tap-transient --queues "$pairs" --stats "$dir/stats.sock" "$@" \
		>"$dir/vnetd.log" 2>&1 &
	vpid=$!
	i=0
	while [ ! -S "$dir/vu.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	[ -S "$dir/vu.sock" ] || fail "vnetd did not start: $(cat "$dir/vnetd.log")"
	ip -n "$ns" link set vr0 up
}

vnetd_stop() { # SIGTERM; its exit status in $vrc
	kill -TERM "$vpid"
	wait "$vpid"; vrc=$?
	vpid=""
}

# conformance: NET-RSS-01
one() { # PAIRS RING [VNETD-OPTIONS]
	pairs=$1 ring=$2
	shift 2
	vnetd_start "$@"
	ip netns exec "$ns" timeout 60 "$check" "$dir/vu.sock" "$pairs" vr0 "$ring"
	rc=$?
	[ $rc = 77 ] && need "the check program could not inject"
	steered=$(stat rx_steered)
	byq=$(stat_queues rx_steered)
	full=$(stat rx_steer_full)
	off=$(stat rx_queue_off)
	echo "$pairs pairs $ring $*: vnetd moved $steered frames between workers (from each pair: $byq); dropped: ring full $full, queue off $off"
	vnetd_stop
	[ $rc = 0 ] || fail "$pairs pairs $*: frames off their queue or hash (log: $(tail -5 "$dir/vnetd.log"))"
	[ $vrc = 0 ] || fail "vnetd exited $vrc after SIGTERM"
	[ "$steered" -gt 0 ] || fail "$pairs pairs: no frame changed worker: the tap's spread was never corrected?"
	[ "$off" = 0 ] || fail "$pairs pairs: frames dropped for a queue not running"
	ip netns exec "$ns" ip link del vr0 2>/dev/null
	return 0
}

# A receive queue being reset (stopped, as QEMU resets one): frames its
# table entries name are dropped, counted; every queue stopped: nothing.
# conformance: NET-RSS-02, NET-MQ-07
one_reset() { # PAIRS RING [VNETD-OPTIONS]
	pairs=$1 ring=$2
	shift 2
	vnetd_start "$@"
	ip netns exec "$ns" timeout 60 "$check" "$dir/vu.sock" "$pairs" vr0 "$ring" reset
	rc=$?
	[ $rc = 77 ] && need "the check program could not inject"
	off=$(stat rx_queue_off)
	echo "$pairs pairs $ring, a queue reset: dropped for a queue not running: $off"
	vnetd_stop
	[ $rc = 0 ] || fail "$pairs pairs, a queue reset: frames for it delivered, or none for the others (log: $(tail -5 "$dir/vnetd.log"))"
	[ $vrc = 0 ] || fail "vnetd exited $vrc after SIGTERM"
	[ "$off" -gt 0 ] || fail "$pairs pairs, a queue reset: no frame for it dropped and counted"
	ip netns exec "$ns" ip link del vr0 2>/dev/null
	return 0
}

one 2 split
one 4 split
one 4 split --busy-poll
one 2 packed --packed
one_reset 4 split
echo "PASS: RSS honoured by vnetd with 2 and 4 pairs (epoll, busy polling, packed): every frame on its indirection table's queue with the device's hash"
