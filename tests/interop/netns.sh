# netns.sh - shared helpers for tests that need network namespaces.
# Source it; it defines: skip, fail, ns_setup_pair, ns_cleanup.
# Addresses are documentation ranges (192.0.2.0/24, 2001:db8::/64) inside
# namespaces the test creates and removes; nothing leaves them.

SKIP=77	# meson's "skipped" exit code

skip() { echo "SKIP: $*"; exit $SKIP; }
fail() { echo "FAIL: $*"; exit 1; }

# ns_require_root_and_netns: skip (saying why) where namespaces cannot be made.
ns_require_root_and_netns() {
	[ "$(id -u)" = 0 ] || skip "needs root to create network namespaces"
	command -v ip >/dev/null || skip "iproute2 (ip) is not installed"
	probe="vnetd-probe-$$"
	ip netns add "$probe" 2>/dev/null || skip "cannot create a network namespace here"
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
