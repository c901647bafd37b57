#!/bin/sh
# in_netns.sh PROGRAM [ARGS...] - run PROGRAM as root inside a fresh network
# namespace (IPv6 off, so no router solicitation reaches the taps), removed
# afterwards. Fails, saying why, where no namespace can be made.
set -u
. "$(dirname "$0")/netns.sh"
ns_require_root_and_netns
ns="vnetd-t-$$"
ip netns add "$ns" || need "cannot create a network namespace"
trap 'ip netns del "$ns" 2>/dev/null' EXIT INT TERM
ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	net.ipv6.conf.default.disable_ipv6=1 2>/dev/null
# frames bridged in the namespace are not sent through iptables
ip netns exec "$ns" sysctl -qw net.bridge.bridge-nf-call-iptables=0 \
	net.bridge.bridge-nf-call-ip6tables=0 2>/dev/null
ip -n "$ns" link set lo up
timeout 120 ip netns exec "$ns" "$@"
