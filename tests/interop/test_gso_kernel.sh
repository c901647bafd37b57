#!/bin/sh
# test_gso_kernel.sh - the kernel as GSO oracle: tap A (offloads on) and tap B
# (offloads off) on a bridge in a namespace; what the kernel makes of each GSO
# frame written to A, read from B, must equal the engine's output byte for byte.
#   test_gso_kernel.sh PATH/TO/test_gso_kernel
set -u
here=$(dirname "$0")
. "$here/netns.sh"

bin=${1:?usage: test_gso_kernel.sh TEST_BINARY}
ns_require_root_and_netns
[ -c /dev/net/tun ] || skip "no /dev/net/tun"

NS="vnetd-gso-$$"
ip netns add "$NS" || need "cannot create a network namespace"
trap 'ip netns del "$NS" 2>/dev/null' EXIT INT TERM
# Nothing but our frames on B: no IPv6 (no DAD, no router solicitations).
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1

# Run by the test binary once it holds both taps: bridge them, MTU 9000 so
# that no segment meets an MTU check.
VNET_GSO_READY="ip link add br0 type bridge stp_state 0 &&
	ip link set ta mtu 9000 && ip link set tb mtu 9000 &&
	ip link set ta master br0 && ip link set tb master br0 &&
	ip link set br0 up && ip link set ta up && ip link set tb up"
export VNET_GSO_READY
ip netns exec "$NS" timeout 120 "$bin" ta tb
