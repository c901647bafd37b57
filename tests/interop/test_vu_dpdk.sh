#!/bin/sh
# test_vu_dpdk.sh - DPDK 22.11's virtio-user against the vhost-user backend (vnet-vu-echo):
# split and packed rings, 1 and 2 queue pairs, frames in both directions. Exit 77 (skip) only on a machine of one CPU; a testpmd that cannot run fails.
#   test_vu_dpdk.sh PATH/TO/vnet-vu-echo
set -u

echo_bin=$1
pmd=$(command -v dpdk-testpmd || true)
[ -n "$pmd" ] || { echo "FAIL: dpdk-testpmd not installed (scripts/install-deps.sh interop)"; exit 1; }

[ "$(nproc)" -ge 2 ] || { echo "SKIP: testpmd needs 2 CPUs (a main and a forwarding lcore)"; exit 77; }

dir=$(mktemp -d /tmp/vnet-vu-dpdk.XXXXXX)
echo_pid=""
cleanup() {
	[ -n "$echo_pid" ] && kill "$echo_pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

# field LOG NAME: the number after "NAME:" in testpmd's accumulated totals
total() {
	sed -n '/Accumulated forward statistics/,/+++++*$/p' "$1" |
		sed -n "s/.*$2: *\([0-9]*\).*/\1/p" | head -n 1
}

# run NAME VDEV-OPTIONS QUEUE-PAIRS
run() {
	mode=$1 extra=$2 pairs=$3
	sock="$dir/$mode.sock"
	"$echo_bin" --pairs "$pairs" --inject 32 --inject-every 20 "$sock" \
		>"$dir/$mode.echo" 2>&1 &
	echo_pid=$!
	i=0
	while [ ! -S "$sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	# io forwarding: what the device injects comes back on the port's TX.
	timeout -s INT 20 "$pmd" --no-huge -m 512 --no-pci -l 0-1 \
		--file-prefix="vnetvu$$$mode" \
		--vdev "net_virtio_user0,path=$sock,queues=$pairs$extra" -- \
		--total-num-mbufs=4096 --rxq="$pairs" --txq="$pairs" \
		--forward-mode=io --stats-period 2 \
		>"$dir/$mode.pmd" 2>&1 &
	pmd_pid=$!
	sleep 6
	kill -INT $pmd_pid 2>/dev/null
	wait $pmd_pid
	kill -INT "$echo_pid"
	wait "$echo_pid"
	echo_pid=""
	if grep -q "EAL: FATAL\|Cannot init EAL\|EAL: Error" "$dir/$mode.pmd"; then
		echo "FAIL: testpmd cannot initialise its EAL here:"
		grep "EAL" "$dir/$mode.pmd" | tail -n 3
		exit 1
	fi
	rx=$(total "$dir/$mode.pmd" RX-packets)
	tx=$(total "$dir/$mode.pmd" TX-packets)
	from=$(sed -n 's/.*from_guest=\([0-9]*\).*/\1/p' "$dir/$mode.echo")
	to=$(sed -n 's/.*to_guest=\([0-9]*\).*/\1/p' "$dir/$mode.echo")
	echo "$mode: testpmd rx=$rx tx=$tx; backend from_guest=$from to_guest=$to"
	if [ "${rx:-0}" -gt 0 ] && [ "${tx:-0}" -gt 0 ] &&
	   [ "${from:-0}" -gt 0 ] && [ "${to:-0}" -gt 0 ]; then
		return 0
	fi
	echo "FAIL: $mode: no traffic in one direction"
	tail -n 30 "$dir/$mode.pmd"
	cat "$dir/$mode.echo"
	return 1
}

fail=0
run split "" 1 || fail=1
run packed ",packed_vq=1" 1 || fail=1
run split-no-mrg ",mrg_rxbuf=0" 1 || fail=1
run split-2-pairs "" 2 || fail=1
run packed-2-pairs ",packed_vq=1" 2 || fail=1
exit $fail
