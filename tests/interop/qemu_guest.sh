# qemu_guest.sh - the real-guest tests' shared parts. Source it after
# netns.sh; it defines:
#   guest_build TMP        the kernel and initramfs (scripts/guest/), into
#                          GUEST_KERNEL and GUEST_INITRD; fails where
#                          the kernel package or busybox cannot be had
#   guest_qemu_args MEM APPEND
#                          QEMU's arguments for the test guest under TCG:
#                          1 vCPU, MEM MiB (or MEM as given when it ends
#                          with K), console on stdout, no reboot
#   guest_vhost_user SOCK MEM NETDEV_OPTS [CHARDEV_OPTS]
#                          the -chardev/-netdev/memory arguments for a
#                          vhost-user device on SOCK (shared memfd memory,
#                          MEM as for guest_qemu_args)
#   guest_device MAC OPTS  the -device argument (vectors=0: QEMU 7.2 with
#                          vhost-user under TCG needs INTx, docs/qemu.md)
#   guest_lines OUT LOG... the guest's "VNETD-GUEST:" lines, in order
#   guest_streams_check GUEST PEER_OUT MIN
#                          the two TCP streams equal byte for byte at both
#                          ends (sha256 and count, as guest_peer.py and the
#                          guest printed them), each at least MIN bytes;
#                          prints them, or calls bad with what differs
# The caller defines bad (print its logs, then fail).

GUEST_TOP=$(cd "$(dirname "$0")/../.." && pwd)

guest_build() {
	_built=$("$GUEST_TOP/scripts/guest/build-initramfs.sh" 2>"$1/build.log")
	_rc=$?
	[ $_rc = 77 ] && need "$(tail -n 1 "$1/build.log")"
	[ $_rc = 0 ] || fail "build-initramfs.sh: $(cat "$1/build.log")"
	GUEST_KERNEL=$(echo "$_built" | awk '$1 == "kernel" { print $2 }')
	GUEST_INITRD=$(echo "$_built" | awk '$1 == "initrd" { print $2 }')
}

# guest_mem_size MEM: MEM MiB, or MEM as it is when it ends with K
guest_mem_size() {
	case $1 in
	*K) echo "$1" ;;
	*) echo "${1}M" ;;
	esac
}

guest_qemu_args() {
	echo "-accel tcg -m $(guest_mem_size $1) -smp 1 -nographic -nodefaults -serial stdio" \
		"-no-reboot -kernel $GUEST_KERNEL -initrd $GUEST_INITRD"
}

guest_vhost_user() {
	echo "-chardev socket,id=c0,path=$1${4:-}" \
		"-netdev vhost-user,id=n0,chardev=c0$3" \
		"-object memory-backend-memfd,id=mem,size=$(guest_mem_size $2),share=on" \
		"-numa node,memdev=mem"
}

guest_device() {
	echo "-device virtio-net-pci,netdev=n0,vectors=0,romfile=,mac=$1$2"
}

guest_lines() {
	_out=$1
	shift
	cat "$@" 2>/dev/null | tr -d '\r' | sed -n 's/^.*VNETD-GUEST: //p' >"$_out"
}

guest_streams_check() {
	set -- "$1" "$2" "$3" $(awk '$1 == "sha256" && $2 == "sent" { print $3, $4 }' "$1")
	_gsent=${4:-} _gsent_n=${5:-0}
	set -- "$1" "$2" "$3" $(awk '$1 == "recv"' "$2")
	_hrecv=${5:-} _hrecv_n=${6:-0}
	[ -n "$_hrecv" ] || bad "the host received no stream from the guest"
	[ "$_gsent_n" -ge "$3" ] && [ "$_hrecv_n" = "$_gsent_n" ] ||
		bad "guest to host: guest sent $_gsent_n bytes, host received $_hrecv_n"
	[ "$_gsent" = "$_hrecv" ] ||
		bad "guest to host: sha256 differ ($_gsent, $_hrecv)"
	set -- "$1" "$2" "$3" $(awk '$1 == "sent"' "$2")
	_hsent=${5:-} _hsent_n=${6:-0}
	set -- "$1" "$2" "$3" $(awk '$1 == "sha256" && $2 == "recv" { print $3, $4 }' "$1")
	_grecv=${4:-} _grecv_n=${5:-0}
	[ "$_hsent_n" -ge "$3" ] && [ "$_grecv_n" = "$_hsent_n" ] ||
		bad "host to guest: host sent $_hsent_n bytes, guest received $_grecv_n"
	[ "$_hsent" = "$_grecv" ] ||
		bad "host to guest: sha256 differ ($_hsent, $_grecv)"
	echo "guest to host: $_gsent_n bytes, sha256 $_gsent on both ends"
	echo "host to guest: $_hsent_n bytes, sha256 $_hsent on both ends"
}

# The streams tests (migration, restart): the guest runs vnet.test=both
# against guest_peer.py, which sends until $tmp/stop exists and logs its
# counters to $tmp/progress. They use $tmp, $ns, $py, $here and pids (the
# processes to kill at exit).

# guest_ns_bridge IP: namespace $ns with br0 holding IP/24 (the host end),
# IPv6 off (a quiet wire), frames bridged without iptables, ports
# forwarding at once (no STP)
guest_ns_bridge() {
	ip netns add "$ns" || need "cannot create a network namespace"
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 2>/dev/null
	ip netns exec "$ns" sysctl -qw net.bridge.bridge-nf-call-iptables=0 2>/dev/null
	ip -n "$ns" link set lo up
	ip -n "$ns" link add br0 type bridge forward_delay 0 stp_state 0 ||
		skip "cannot create a bridge"
	ip -n "$ns" addr add "$1/24" dev br0
	ip -n "$ns" link set br0 up
}

# guest_peer_start IP PORT BYTES SECONDS: the host end, in $peer
guest_peer_start() {
	ip netns exec "$ns" $py "$here/guest_peer.py" "$1" "$2" "$3" "$4" \
		"$tmp/stop" "$tmp/progress" >"$tmp/peer.out" 2>"$tmp/peer.err" &
	peer=$!
	pids="$pids $peer"
	_i=0
	until grep -q listening "$tmp/peer.out" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -gt 50 ] && bad "the host end did not start"
		sleep 0.1
	done
}

# guest_progress: the host end's latest "TIME RECEIVED SENT"
guest_progress() { tail -n 1 "$tmp/progress" 2>/dev/null; }

# guest_streams_moving SECONDS: both streams grow within SECONDS
guest_streams_moving() {
	set -- "$1" $(guest_progress) 0 0 0
	_r0=$3 _s0=$4
	_i=0
	while [ $_i -lt $(($1 * 10)) ]; do
		set -- "$1" $(guest_progress) 0 0 0
		[ "$3" -gt "$_r0" ] && [ "$4" -gt "$_s0" ] && return 0
		_i=$((_i + 1))
		sleep 0.1
	done
	return 1
}

# guest_wait_up CONSOLE: the guest pinged the host, its streams run
guest_wait_up() {
	_i=0
	until grep -q 'VNETD-GUEST: ping ok' "$1" 2>/dev/null; do
		_i=$((_i + 1))
		grep -q 'VNETD-GUEST: ping fail' "$1" &&
			bad "the guest could not ping the host"
		[ $_i -gt 1200 ] && bad "the guest did not come up in 120 s"
		sleep 0.1
	done
	guest_streams_moving 30 || bad "the streams did not start"
	echo "guest up, streams running: $(guest_progress | cut -d' ' -f2-3) bytes (received, sent)"
}

# guest_streams_end BYTES QEMU_PID CONSOLE...: both streams past BYTES,
# the host ends its own, the guest ends the other and powers off; then
# every check of what it printed (guest_streams_check)
guest_streams_end() {
	_min=$1 _qemu=$2
	shift 2
	_i=0
	while :; do
		# the fewer of the bytes received and sent so far
		_least=$(guest_progress | awk '{ print ($2 < $3 ? $2 : $3) + 0 }')
		[ "${_least:-0}" -ge "$_min" ] && break
		_i=$((_i + 1))
		[ $_i -gt 1200 ] && bad "the streams did not reach $_min bytes in 120 s"
		sleep 0.1
	done
	touch "$tmp/stop"
	_i=0
	while kill -0 "$_qemu" 2>/dev/null && [ $_i -lt 600 ]; do
		_i=$((_i + 1))
		sleep 0.1
	done
	kill -0 "$_qemu" 2>/dev/null && bad "the guest did not finish its streams in 60 s"
	_i=0
	while kill -0 "$peer" 2>/dev/null && [ $_i -lt 50 ]; do
		_i=$((_i + 1))
		sleep 0.1
	done
	guest_lines "$tmp/guest" "$@"
	grep -q '^done' "$tmp/guest" || bad "the guest did not finish its test"
	awk '$1 == "result"' "$tmp/guest" | grep -q . &&
		bad "guest: $(awk '$1 == "result"' "$tmp/guest")"
	echo "guest: $(awk '$1 == "time"' "$tmp/guest" | cut -d' ' -f2-) of streams"
	guest_streams_check "$tmp/guest" "$tmp/peer.out" "$_min"
}
