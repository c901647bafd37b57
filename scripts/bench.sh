#!/bin/sh
# bench.sh - `make bench`: every benchmark once, quickly, in a release
# build of its own (build-bench, with -Dbenchmarks=true); the figures, and
# the longer runs behind them, are in bench/RESULTS.md.
#   csum_bench, gso_bench, gro_bench, rss_bench: libvnet beside memcpy and
#     DPDK 22.11 (gso/gro/rss need DPDK's dev package: installed here);
#   vnetd_bench.sh (tcp part) and overlay_bench.sh: vnetd in network
#     namespaces beside veth and the kernel's VXLAN (root only).
set -u
cd "$(dirname "$0")/.."
scripts/install-deps.sh interop bench || exit 1
dir=build-bench
[ -f "$dir/build.ninja" ] || meson setup "$dir" --buildtype=release \
	-Dbenchmarks=true >/dev/null || exit 1
ninja -C "$dir" || exit 1
for b in csum_bench gso_bench gro_bench rss_bench; do
	[ -x "$dir/bench/$b" ] || { echo "== $b: not built (no libdpdk?)"; continue; }
	echo "== $b"
	case $b in
	csum_bench) "$dir/bench/$b" 3 64 ;;
	gro_bench) "$dir/bench/$b" 20000 ;;
	gso_bench) "$dir/bench/$b" 5 ;;
	*) "$dir/bench/$b" 3 ;;
	esac
done
if [ "$(id -u)" != 0 ]; then
	echo "== vnetd and overlay benchmarks: need root (network namespaces)"
	exit 0
fi
echo "== vnetd: TCP through two vnetd and a bridging guest vs veth"
VB_PARTS=tcp sh bench/vnetd_bench.sh "$dir/src/vnetd/vnetd" 1 8
echo "== overlay: TCP across vnetd's VXLAN port vs the kernel-only path"
sh bench/overlay_bench.sh "$dir/src/vnetd/vnetd" "$dir/bench/guest_bridge" 1 8
