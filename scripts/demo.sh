#!/bin/sh
# demo.sh - vnetd's main job on a default: a real Linux guest (Debian's
# kernel under QEMU, TCG) on a virtio-net device served by vnetd over
# vhost-user, bridged to a tap in a fresh network namespace. The guest pings
# the host side, moves 10 MiB of TCP each way through the kernel with TSO
# and checksum offload negotiated, and has UDP datagrams echoed by the
# host; then a short report, then a clean
# teardown (tests/interop/test_qemu_guest.sh does the work and the checks).
set -eu
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
vnetd=$top/$build/src/vnetd/vnetd
[ "$(id -u)" = 0 ] || { echo "demo: needs root (network namespaces, a tap)"; exit 1; }
"$top/scripts/install-deps.sh" interop guest

log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "vnetd demo: booting a Linux guest under QEMU (software emulation: ~20 s)"
VNETD_GUEST_KEEP=1 "$top/tests/interop/test_qemu_guest.sh" vhost-user "$vnetd" \
	>"$log" 2>&1 || { cat "$log"; echo "demo: FAILED"; exit 1; }
dir=$(sed -n 's/^kept //p' "$log" | tail -n 1)
vlog=$dir/vnetd.log

# total NAME: vnetd's counter at exit, summed over queues
total() {
	sed -n "s/.*total vnetd_$1_total{[^}]*} \([0-9]*\)$/\1/p" "$vlog" |
		awk '{ n += $1 } END { print n + 0 }'
}

echo
echo "== what happened"
grep -E '^(qemu ran|guest to host|host to guest|UDP echo|during)' "$log" | sed 's/^/  /'
secs=$(sed -n 's/.*, \([0-9.]*\) s send, \([0-9.]*\) s receive,.*/\1 \2/p' "$log")
set -- $secs
echo "  throughput (guest clock, TCG emulation): $(awk -v s="$1" -v r="$2" \
	'BEGIN { printf "%.0f Mbit/s out, %.0f Mbit/s in", 83.886 / s, 83.886 / r }')"
echo
echo "== offloads negotiated by the guest"
sed -n 's/^negotiated: \([A-Z].*\)/  \1/p' "$log" | fold -s -w 76 | sed '2,$s/^/  /'
echo
echo "== vnetd's counters"
printf '  %-44s %s\n' \
	"frames from the guest" "$(total tx_frames)" \
	"  passed to the tap whole, offloads kept" "$(total tx_passthrough)" \
	"  wire segments vnetd cut in software" "$(total tx_segments)" \
	"frames to the guest" "$(total rx_frames)" \
	"bytes from the guest" "$(total tx_bytes)" \
	"bytes to the guest" "$(total rx_bytes)"
echo
echo "TSO and the guest's receive offloads kept: 10 MiB crossed in a few"
echo "hundred frames of ~50 KB each way, not ~7,000 MTU-sized ones."
rm -rf "$dir"
echo "demo: done (namespace, tap, vnetd and QEMU are gone)"
