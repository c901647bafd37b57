#!/bin/sh
# test_vnetd_dpdk_offload.sh - offload flags honoured between DPDK's
# virtio-user and the kernel, through vnetd (issue 8, "Real peers"):
#
#   netns A: tap ta <-> vnetd A <-> testpmd port 0
#                                     | csum forwarding engine
#   netns B: tap tb <-> vnetd B <-> testpmd port 1
#
# testpmd's virtio-user ports negotiate GUEST_CSUM/GUEST_TSO4 (receive
# offloads TCP_LRO, TCP/UDP_CKSUM) and CSUM/HOST_TSO4 (transmit offloads
# TCP_CKSUM, TCP_TSO; csum set tcp hw, tso set 1448; csum set ip hw too,
# which virtio-user refuses: it has no IPv4 header checksum offload):
# a TSO super-frame the kernel in A sends out of tap A reaches testpmd as
# one LRO mbuf with its checksum left to do, testpmd's csum engine sends it
# on with TX_TCP_SEG, vnetd B passes it to tap B untouched, and the kernel
# in B gets the stream. A TCP transfer each way, bytes checked by sha256;
# testpmd's verbose log shows the flags it saw and set; vnetd's counters
# show super-frames and NEEDS_CSUM both ways, everything passed through,
# nothing segmented. Split and packed rings.
# Usage: test_vnetd_dpdk_offload.sh PATH/TO/vnetd PATH/TO/vnet
set -u
vnetd=$1 vnet=$2
here=$(dirname "$0")
. "$here/netns.sh"
ns_require_root_and_netns
pmd=$(command -v dpdk-testpmd) || need "dpdk-testpmd not installed (scripts/install-deps.sh interop)"
command -v python3 >/dev/null || need "python3 not installed"

ns="vdo-$$"
dir=$(mktemp -d)
pids=""
cleanup() {
	for p in $pids; do kill -TERM "$p" 2>/dev/null; done
	sleep 0.3
	for p in $pids; do kill -KILL "$p" 2>/dev/null; done
	ip netns del "$ns-a" 2>/dev/null
	ip netns del "$ns-b" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ip netns add "$ns-a" && ip netns add "$ns-b" || need "cannot create a namespace"
for s in a b; do
	ip netns exec "$ns-$s" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	ip -n "$ns-$s" link set lo up
done

# The device's (testpmd's) and the tap's MAC on each side.
dev_a=02:00:00:00:0a:01 tap_a=02:00:00:00:0a:02
dev_b=02:00:00:00:0b:01 tap_b=02:00:00:00:0b:02

# stat SIDE NAME: a counter of vnetd SIDE (totals)
stat() { /usr/bin/python3 "$here/vnetd_stats.py" "$dir/st-$1.sock" "$2"; }

start_vnetd() { # SIDE TAP MAC EXTRA
	ip netns exec "$ns-$1" "$vnetd" --socket-path "$dir/s$1.sock" \
		--tap "$2" --tap-transient --mac "$3" --stats "$dir/st-$1.sock" $4 \
		>"$dir/vnetd-$1.log" 2>&1 &
	eval "vpid_$1=$!"
	pids="$pids $!"
}

wait_sock() { # PATH
	i=0
	while [ ! -S "$1" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	[ -S "$1" ] || fail "vnetd did not start: $(cat "$dir"/vnetd-*.log)"
}

stop_vnetd() { # SIDE
	eval "p=\$vpid_$1"
	kill -TERM "$p"
	wait "$p"; rc=$?
	[ $rc = 0 ] || fail "vnetd $1 exited $rc after SIGTERM"
}

# testpmd's commands: hardware checksums and TSO on both ports, csum
# forwarding, a log line per packet; stopped after SECONDS
pmd_script() { # SECONDS
	sleep 2
	echo "port stop all"
	for p in 0 1; do
		echo "csum set ip hw $p"
		echo "csum set tcp hw $p"
		echo "tso set 1448 $p"
	done
	echo "port start all"
	sleep 2
	echo "set fwd csum"
	echo "set verbose 1"
	echo "start"
	sleep "$1"
	echo "stop"
	sleep 1
	echo "quit"
}

start_testpmd() { # SECONDS VDEV-EXTRA MBUFS
	pmd_script "$1" | timeout -s INT $(($1 + 20)) stdbuf -oL "$pmd" --no-huge -m 1024 \
		--no-pci -l 0-1 --file-prefix="vdo$$" \
		--vdev "net_virtio_user0,path=$dir/sa.sock,mac=$dev_a$2" \
		--vdev "net_virtio_user1,path=$dir/sb.sock,mac=$dev_b$2" -- -i \
		$3 --rx-offloads=0x1c --tx-offloads=0x28 \
		--eth-peer=0,$tap_a --eth-peer=1,$tap_b \
		>"$dir/pmd.log" 2>&1 &
	ppid=$!
	pids="$pids $ppid"
}

# transfer FROM-SIDE TO-SIDE TO-ADDR BYTES: TCP, the bytes checked
transfer() {
	ip netns exec "$ns-$2" /usr/bin/python3 "$here/tcp_transfer.py" serve \
		tcp "$3" 5201 "$4" >"$dir/serve.out" 2>&1 &
	spid=$!
	sent=$(ip netns exec "$ns-$1" /usr/bin/python3 "$here/tcp_transfer.py" \
		send tcp "$3" 5201 "$4" 2>&1)
	wait $spid
	got=$(cat "$dir/serve.out")
	echo "$label $1->$2: sent $sent, got $got"
	[ "$sent" = "$got" ] || { diag; fail "$label $1->$2: the bytes differ"; }
}

# diag: what the devices said and counted, for a failure
diag() {
	for s in a b; do
		echo "--- vnetd $s:"
		cat "$dir/vnetd-$s.log"
		"$vnet" stats "$dir/st-$s.sock" | awk '$3 != 0'
	done
	echo "--- testpmd (last lines):"
	grep -v "^  \|^-----" "$dir/pmd.log" | tail -n 20
	if [ -n "${VDO_KEEP:-}" ]; then	# debugging: testpmd's whole log
		wait "$ppid"
		cp "$dir/pmd.log" "$VDO_KEEP"
	fi
}

check_stats() { # for the label in hand
	for s in a b; do
		eval "$s=\"\""
		for c in tx_frames tx_passthrough tx_segments tx_gso tx_needs_csum \
			rx_frames rx_gso rx_needs_csum; do
			eval "${s}_$c=$(stat "$s" "$c")"
		done
	done
	echo "$label vnetd A: tx frames $a_tx_frames (passthrough $a_tx_passthrough, segments $a_tx_segments, gso $a_tx_gso, needs_csum $a_tx_needs_csum), rx frames $a_rx_frames (gso $a_rx_gso, needs_csum $a_rx_needs_csum)"
	echo "$label vnetd B: tx frames $b_tx_frames (passthrough $b_tx_passthrough, segments $b_tx_segments, gso $b_tx_gso, needs_csum $b_tx_needs_csum), rx frames $b_rx_frames (gso $b_rx_gso, needs_csum $b_rx_needs_csum)"
	for s in a b; do
		eval "f=\$${s}_tx_frames p=\$${s}_tx_passthrough g=\$${s}_tx_gso"
		eval "c=\$${s}_tx_needs_csum sg=\$${s}_tx_segments"
		eval "rg=\$${s}_rx_gso rc=\$${s}_rx_needs_csum"
		[ "$g" -gt 0 ] || fail "$label: testpmd sent vnetd $s no GSO frame"
		[ "$c" -gt 0 ] || fail "$label: testpmd sent vnetd $s no NEEDS_CSUM frame"
		[ "$p" = "$f" ] && [ "$sg" = 0 ] ||
			fail "$label: vnetd $s passed $p of $f frames, segmented $sg"
		[ "$rg" -gt 0 ] || fail "$label: vnetd $s gave testpmd no super-frame"
		[ "$rc" -gt 0 ] || fail "$label: vnetd $s gave testpmd no NEEDS_CSUM frame"
		# each frame passed through is one packet for the kernel: the
		# super-frames reached it whole
		k=$(ip netns exec "$ns-$s" cat /sys/class/net/t$s/statistics/rx_packets)
		echo "$label tap t$s: the kernel received $k packets"
		[ "$k" = "$p" ] || fail "$label: tap t$s received $k packets, vnetd $s wrote $p"
	done
}

check_pmd_log() {
	grep -q "Please stop\|not supported\|Invalid" "$dir/pmd.log" &&
		grep "Please stop\|not supported\|Invalid" "$dir/pmd.log" | sort | uniq -c | sed "s/^/$label testpmd: /"
	lro=$(grep -c "RTE_MBUF_F_RX_LRO" "$dir/pmd.log")
	seg=$(grep -c "tx: .*RTE_MBUF_F_TX_TCP_SEG\|tx: flags=.*TCP_SEG" "$dir/pmd.log")
	cks=$(grep -c "RTE_MBUF_F_TX_TCP_CKSUM" "$dir/pmd.log")
	echo "$label testpmd: $lro packets received with RX_LRO, $seg sent with TX_TCP_SEG, $cks lines with TX_TCP_CKSUM"
	[ "$lro" -gt 0 ] || fail "$label: testpmd saw no LRO super-frame"
	[ "$seg" -gt 0 ] || fail "$label: testpmd sent nothing with TX_TCP_SEG"
}

# in_order SIDE: 1 if vnetd SIDE negotiated IN_ORDER (bit 35), else 0
in_order() {
	/usr/bin/python3 -c "import re
m = re.findall(r'features negotiated: 0x([0-9a-f]{32})',
               open('$dir/vnetd-$1.log').read())
print((int(m[-1], 16) >> 35) & 1 if m else 0)"
}

one_ring() { # LABEL VNETD-EXTRA VDEV-EXTRA TESTPMD-MBUFS IN-ORDER(0|1)
	label=$1
	start_vnetd a ta $dev_a "$2"
	start_vnetd b tb $dev_b "$2"
	wait_sock "$dir/sa.sock"
	wait_sock "$dir/sb.sock"
	ip -n "$ns-a" link set ta address $tap_a up
	ip -n "$ns-b" link set tb address $tap_b up
	ip -n "$ns-a" addr replace 192.0.2.1/24 dev ta
	ip -n "$ns-b" addr replace 192.0.2.2/24 dev tb
	ip -n "$ns-a" neigh replace 192.0.2.2 lladdr $dev_a dev ta
	ip -n "$ns-b" neigh replace 192.0.2.1 lladdr $dev_b dev tb
	start_testpmd 25 "$3" "$4"
	i=0
	until grep -q "csum packet forwarding - \|Not all ports" \
		"$dir/pmd.log" 2>/dev/null || [ $i -ge 150 ]; do
		sleep 0.2; i=$((i + 1))
	done
	grep -q "EAL: FATAL\|Cannot init EAL" "$dir/pmd.log" &&
		need "testpmd cannot initialise its EAL: $(grep EAL "$dir/pmd.log" | tail -1)"
	sleep 1
	transfer a b 192.0.2.2 4000000
	transfer b a 192.0.2.1 4000000
	[ "$(in_order a)$(in_order b)" = "$5$5" ] ||
		fail "$label: IN_ORDER negotiated $(in_order a)$(in_order b), want $5$5"
	check_stats
	wait $ppid
	check_pmd_log
	stop_vnetd a
	stop_vnetd b
	rm -f "$dir/sa.sock" "$dir/sb.sock"
}

# Mbufs of 2 KiB, so a super-frame is a chain of up to 32 mbufs, sent
# through an indirect table (under 8 segments) or a descriptor chain, on
# split and packed rings; DPDK's virtio-user negotiates IN_ORDER, which
# vnetd offers.
#
# VDO_RINGS=packed-no-in-order runs the packed round with IN_ORDER not
# offered, where DPDK 22.11's virtio PMD stalls: without IN_ORDER a frame
# of 2 to 7 mbufs goes out through an indirect table, and
# virtqueue_enqueue_xmit_packed writes its buffer ID into the table's last
# entry only; the ring descriptor keeps the id its slot had before. The
# spec makes the ring descriptor's id the buffer's and the table's
# "reserved and ... ignored by the device", so vnetd's used descriptor
# carries the slot's id; virtio_xmit_cleanup_normal_packed finds no list
# for it, never gets past it, and the ring fills within a lap. With
# IN_ORDER DPDK writes the ID into the ring descriptor too.
# test_virtq_packed.c's test_indirect_id_from_ring_not_table replays the
# ring sequence.
mbufs="--total-num-mbufs=32768"
no_in_order="--features speed_duplex,notf_coal,vq_notf_coal,guest_hdrlen,hash_tunnel,notification_data,device_stats"
rings=${VDO_RINGS:-split packed}
case " $rings " in *" split "*) one_ring split "" "" "$mbufs" 1 ;; esac
case " $rings " in *" packed "*) one_ring packed --packed ",packed_vq=1" "$mbufs" 1 ;; esac
case " $rings " in *" packed-no-in-order "*)
	one_ring packed-no-in-order "--packed $no_in_order" ",packed_vq=1" "$mbufs" 0 ;;
esac
echo "PASS: TSO and checksum offload flags honoured both ways between testpmd and the kernel ($rings)"
