#!/bin/sh
# install-deps.sh - install what building and testing vnetd needs, if missing.
# Idempotent: apt-get runs only when a package is absent. Debian 12.
#   scripts/install-deps.sh [GROUP...]   build and unit-test dependencies,
#                                        plus those of each GROUP:
#     interop   the real peers used by interop tests (dpdk-testpmd is in
#               dpdk-dev)
#     fuzz      clang and its libFuzzer runtime
#     lint      cppcheck and clang-tidy (scripts/lint.sh)
#     bench     the peers the benchmarks compare with
#     guest     QEMU and busybox for the real-guest test (the guest kernel
#               is fetched, not installed, by scripts/guest/build-initramfs.sh)
set -eu

build="gcc pkg-config meson ninja-build libcmocka-dev libpcap-dev"
interop="iproute2 tcpdump tshark ethtool iputils-ping python3 dpdk dpdk-dev iperf3 python3-scapy"
bench="dpdk-dev"
fuzz="clang libclang-rt-14-dev"
lint="cppcheck clang-tidy clang"
guest="qemu-system-x86 busybox-static kmod cpio ethtool python3"

want=$build
for group in "$@"; do
	case $group in
	interop) want="$want $interop" ;;
	fuzz) want="$want $fuzz" ;;
	lint) want="$want $lint" ;;
	bench) want="$want $bench" ;;
	guest) want="$want $guest" ;;
	*) echo "install-deps: unknown group '$group'" >&2; exit 2 ;;
	esac
done

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing$missing"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >/dev/null
# tshark asks whether non-root users may capture: answer no, quietly.
echo "wireshark-common wireshark-common/install-setuid boolean false" |
	$sudo debconf-set-selections 2>/dev/null || true
$sudo apt-get install -y -q --no-install-recommends $missing >/dev/null
