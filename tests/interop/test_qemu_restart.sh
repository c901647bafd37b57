#!/bin/sh
# test_qemu_restart.sh - a guest's connections survive vnetd's restart (issue 15).
#
# In a network namespace: vnetd creates its tap (tapr), which the host then
# sets up as an operator would: a port of bridge br0 (the host end,
# 192.0.2.1, is on the bridge), an address of its own, MTU 9000. The test
# guest (scripts/guest/, QEMU TCG, 1 vCPU) runs on vnetd with QEMU's
# `-chardev socket,...,reconnect=1`, and two TCP streams run at once with
# the host end, the host sending continuously. Then, while they run, vnetd
# is stopped with SIGTERM and started again on the same socket and tap;
# later it is killed with SIGKILL and started again. Each time:
#   - with no vnetd, the tap is still there with the host's set-up (vnetd
#     made the tap it created persistent);
#   - QEMU reconnects by itself and both streams move again; the time from
#     the signal until they do is printed;
#   - after the new vnetd has its guest again, the tap's addresses, bridge
#     port, MTU and offloads (ethtool -k) are what they were.
# Then the host ends its stream, the guest its own, and each stream's
# sha256 and length must be the same at both ends: nothing lost, nothing
# duplicated or corrupted across the restarts.
#
# Usage: test_qemu_restart.sh PATH/TO/vnetd [VNETD_ARGS...]
# Environment: VNETD_RESTART_BYTES (each stream's least length, default
# 16 MiB), VNETD_GUEST_KEEP=1 (keep the logs), VNETD_GUEST_DIR.
# Exit: 0 pass, 1 fail (no root or namespaces, no QEMU, no kernel package
# too), 77 skip (a kernel feature missing: a bridge), saying why.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/netns.sh"
. "$here/qemu_guest.sh"

[ $# -ge 1 ] || fail "usage: $0 PATH/TO/vnetd [VNETD_ARGS...]"
vnetd=$1
shift
vnetd_args="$*"
[ -x "$vnetd" ] || fail "$vnetd is not an executable"

MEM=256
PORT=5201
HOST_IP=192.0.2.1
TAP_IP=198.51.100.1/32
GUEST_IP=192.0.2.10
MAC=52:54:00:12:34:56
TAP=tapr
BYTES=${VNETD_RESTART_BYTES:-16777216}
BUDGET=300

ns_require_root_and_netns
qemu=$(command -v qemu-system-x86_64) ||
	need "qemu-system-x86_64 is missing (scripts/install-deps.sh guest)"
py=/usr/bin/python3
[ -x $py ] || need "/usr/bin/python3 is not installed"
command -v ethtool >/dev/null || fail "ethtool is missing (scripts/install-deps.sh)"

tmp=$(mktemp -d)
ns="vnetd-rst-$$"
pids=''
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	ip netns del "$ns" 2>/dev/null
	if [ "${VNETD_GUEST_KEEP:-0}" = 1 ]; then
		echo "kept $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
t_start=$(date +%s)

show() {
	echo "--- guest console (last lines)"
	tr -d '\r' <"$tmp/console.log" 2>/dev/null | tail -n 20
	echo "--- host peer"
	cat "$tmp/peer.out" "$tmp/peer.err" 2>/dev/null
	tail -n 2 "$tmp/progress" 2>/dev/null
	echo "--- vnetd"
	tail -n 30 "$tmp/vnetd.log"
}
bad() { show; fail "$*"; }

guest_build "$tmp"
guest_ns_bridge "$HOST_IP"
sock=$tmp/vnetd.sock

# start_vnetd: vnetd on $sock and $TAP (appending to its log), in $vnetd_pid
start_vnetd() {
	# a killed vnetd leaves its socket file: wait for the new one's word
	_n=$(grep -c serving "$tmp/vnetd.log")
	ip netns exec "$ns" "$vnetd" --socket-path "$sock" --tap $TAP \
		$vnetd_args >>"$tmp/vnetd.log" 2>&1 &
	vnetd_pid=$!
	pids="$pids $vnetd_pid"
	i=0
	until [ "$(grep -c serving "$tmp/vnetd.log")" -gt "$_n" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && bad "vnetd did not start"
		sleep 0.05
	done
}

# tap_state: what the host set on the tap, and its offloads
tap_state() {
	ip -n "$ns" -o addr show dev $TAP | awk '{ print "addr", $3, $4 }'
	ip -n "$ns" -d link show dev $TAP | tr ' ' '\n' |
		awk 'p { print prev, $0 } { p = ($0 == "mtu" || $0 == "master"); prev = $0 }'
	ip netns exec "$ns" ethtool -k $TAP | grep -v '^Features' | sed 's/ \[fixed\]//'
}

# The tap does not exist: vnetd creates it.
ip -n "$ns" link show $TAP >/dev/null 2>&1 && bad "$TAP exists already"
: >"$tmp/vnetd.log"
start_vnetd
ip -n "$ns" link set $TAP master br0 mtu 9000 up &&
	ip -n "$ns" addr add $TAP_IP dev $TAP || bad "cannot set $TAP up"

guest_peer_start "$HOST_IP" $PORT "$BYTES" $BUDGET
# no_timer_check: under TCG on a loaded host the kernel's check of the
# IO-APIC timer can miss its ticks and panic ("IO-APIC + timer doesn't work")
append="console=ttyS0 quiet panic=-1 no_timer_check vnet.ip=$GUEST_IP/24 vnet.peer=$HOST_IP"
append="$append vnet.port=$PORT vnet.test=both vnet.timeout=$((BUDGET - 20))"
timeout $BUDGET ip netns exec "$ns" "$qemu" $(guest_qemu_args $MEM) \
	-append "$append" $(guest_vhost_user "$sock" $MEM "" ",reconnect=1") \
	$(guest_device $MAC "") </dev/null >"$tmp/console.log" 2>&1 &
qemu_pid=$!
pids="$pids $qemu_pid"
guest_wait_up "$tmp/console.log"
sleep 1
tap_state >"$tmp/tap.before"
grep -q "master br0" "$tmp/tap.before" && grep -q "mtu 9000" "$tmp/tap.before" &&
	grep -q "addr inet $TAP_IP" "$tmp/tap.before" ||
	bad "the tap's set-up is not as made: $(cat "$tmp/tap.before")"

for sig in TERM KILL; do
	sleep 2		# the streams run a while
	t0=$(date +%s.%N)
	kill -$sig $vnetd_pid
	wait $vnetd_pid 2>/dev/null
	# no vnetd: the tap and the host's set-up on it stay
	tap_state >"$tmp/tap.down" 2>&1
	for what in "master br0" "mtu 9000" "addr inet $TAP_IP"; do
		grep -q "$what" "$tmp/tap.down" ||
			bad "SIG$sig: with vnetd gone the tap lost '$what': $(cat "$tmp/tap.down")"
	done
	start_vnetd
	grep -q "tap $TAP attached" "$tmp/vnetd.log" ||
		bad "SIG$sig: the new vnetd did not attach to $TAP"
	guest_streams_moving 60 ||
		bad "SIG$sig: the streams did not move again within 60 s"
	t1=$(date +%s.%N)
	echo "SIG$sig: both streams moving again" \
		"$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s after the signal"
	sleep 1
	tap_state >"$tmp/tap.after"
	diff "$tmp/tap.before" "$tmp/tap.after" >"$tmp/tap.diff" ||
		bad "SIG$sig: the tap is not as it was: $(cat "$tmp/tap.diff")"
done
echo "tap after both restarts: $(grep -E '^(addr|master|mtu)' "$tmp/tap.after" | tr '\n' ' ')," \
	"$(grep -c ': on' "$tmp/tap.after") offloads on, as before"

guest_streams_end "$BYTES" $qemu_pid "$tmp/console.log"
echo "PASS: vnetd restarted after SIGTERM and SIGKILL, streams intact, tap kept, in $(($(date +%s) - t_start)) s"
