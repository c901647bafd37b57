# qemu_guest.sh - the real-guest tests' shared parts. Source it after
# netns.sh; it defines:
#   guest_build TMP        the kernel and initramfs (scripts/guest/), into
#                          GUEST_KERNEL and GUEST_INITRD; skips (77) where
#                          the kernel package or busybox cannot be had
#   guest_qemu_args MEM APPEND
#                          QEMU's arguments for the test guest under TCG:
#                          1 vCPU, MEM MiB, console on stdout, no reboot
#   guest_vhost_user SOCK MEM NETDEV_OPTS [CHARDEV_OPTS]
#                          the -chardev/-netdev/memory arguments for a
#                          vhost-user device on SOCK (shared memfd memory)
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
	[ $_rc = 77 ] && skip "$(tail -n 1 "$1/build.log")"
	[ $_rc = 0 ] || fail "build-initramfs.sh: $(cat "$1/build.log")"
	GUEST_KERNEL=$(echo "$_built" | awk '$1 == "kernel" { print $2 }')
	GUEST_INITRD=$(echo "$_built" | awk '$1 == "initrd" { print $2 }')
}

guest_qemu_args() {
	echo "-accel tcg -m $1 -smp 1 -nographic -nodefaults -serial stdio" \
		"-no-reboot -kernel $GUEST_KERNEL -initrd $GUEST_INITRD"
}

guest_vhost_user() {
	echo "-chardev socket,id=c0,path=$1${4:-}" \
		"-netdev vhost-user,id=n0,chardev=c0$3" \
		"-object memory-backend-memfd,id=mem,size=${2}M,share=on" \
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
