# netns.sh - shared helpers for tests that need network namespaces.
# Source it; it defines: need, skip, fail, ns_setup_pair, ns_cleanup,
# ns_underlay.
# Addresses are documentation ranges (192.0.2.0/24, 2001:db8::/64) inside
# namespaces the test creates and removes; nothing leaves them.

SKIP=77	# meson's "skipped" exit code

# A peer, a package or a namespace the test needs is installed or made by
# the repo's own scripts (scripts/install-deps.sh): when it is missing the
# test fails (need), so a missing install step cannot hide as a skip. A
# test skips (skip) only for what the machine cannot change, a kernel
# feature, saying which; make check lists every skip with its reason.
need() { echo "FAIL: $* (not a skip: the repo installs and sets up what its tests need)"; exit 1; }
skip() { echo "SKIP: $*"; exit $SKIP; }
fail() { echo "FAIL: $*"; exit 1; }

# ns_require_root_and_netns: fail (saying why) where namespaces cannot be made.
ns_require_root_and_netns() {
	[ "$(id -u)" = 0 ] || need "needs root to create network namespaces"
	command -v ip >/dev/null || need "iproute2 (ip) is not installed"
	probe="vnetd-probe-$$"
	ip netns add "$probe" 2>/dev/null || need "cannot create a network namespace here"
	ip netns del "$probe"
}

# ns_setup_pair PREFIX: namespaces PREFIX-a and PREFIX-b joined by a veth
# pair (va in a, vb in b): 192.0.2.1/2001:db8::1 and 192.0.2.2/2001:db8::2.
ns_setup_pair() {
	NS_A="$1-a"; NS_B="$1-b"
	ip netns add "$NS_A" && ip netns add "$NS_B" || return 1
	ip link add va netns "$NS_A" type veth peer name vb netns "$NS_B" || return 1
	ip -n "$NS_A" addr add 192.0.2.1/24 dev va
	ip -n "$NS_B" addr add 192.0.2.2/24 dev vb
	ip -n "$NS_A" addr add 2001:db8::1/64 dev va nodad
	ip -n "$NS_B" addr add 2001:db8::2/64 dev vb nodad
	for ns in "$NS_A" "$NS_B"; do
		ip -n "$ns" link set lo up
	done
	ip -n "$NS_A" link set va up && ip -n "$NS_B" link set vb up
}

ns_cleanup() {
	[ -n "${NS_A:-}" ] && ip netns del "$NS_A" 2>/dev/null
	[ -n "${NS_B:-}" ] && ip netns del "$NS_B" 2>/dev/null
	return 0
}

# ns_underlay NU NR: the overlay tests' underlay. Namespaces NU (a router:
# 198.51.100.1, 2001:db8:2::1) and NR (the far end: 198.51.100.2,
# 2001:db8:2::2), created and joined by a veth (vu in NU, vr in NR); NR
# routes 192.0.2.0/24 and 2001:db8:1::/64 (the port's side) through NU.
# The wire NU -> NR carries real frames (veth segmentation and checksum
# offloads off, so the kernel completes both before a capture on vr),
# and NU coalesces what comes from NR (veth GRO, made tunnel-aware by a
# VXLAN socket of its own on 4789), so the port's tap is offered tunnel
# super-frames. Skips (saying why) where the kernel cannot make it.
ns_underlay() {
	for n in "$1" "$2"; do
		ip netns add "$n" || need "cannot create namespaces"
		ip -n "$n" link set lo up
	done
	ip link add vu netns "$1" type veth peer name vr netns "$2" ||
		skip "cannot create a veth pair"
	ip -n "$1" addr add 198.51.100.1/24 dev vu
	ip -n "$1" addr add 2001:db8:2::1/64 dev vu nodad
	ip -n "$2" addr add 198.51.100.2/24 dev vr
	ip -n "$2" addr add 2001:db8:2::2/64 dev vr nodad
	ip -n "$1" link set vu up
	ip -n "$2" link set vr up
	ip netns exec "$1" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1
	ip -n "$2" route add 192.0.2.0/24 via 198.51.100.1
	ip -n "$2" route add 2001:db8:1::/64 via 2001:db8:2::1
	ip netns exec "$1" ethtool -K vu tso off gso off tx off >/dev/null 2>&1 ||
		skip "ethtool cannot turn veth offloads off"
	ip netns exec "$2" ethtool -K vr tso off gso off tx off >/dev/null 2>&1
	ip netns exec "$1" ethtool -K vu gro on >/dev/null 2>&1
	ip -n "$1" link add vxgro type vxlan id 999 local 198.51.100.1 \
		dstport 4789 && ip -n "$1" link set vxgro up
}
