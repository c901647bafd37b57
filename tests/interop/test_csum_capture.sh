#!/bin/sh
# test_csum_capture.sh - `vnet csum` on a capture of the kernel's own traffic.
# Two namespaces joined by veth; ping (v4, v6), a TCP transfer and UDP
# datagrams (v4, v6), captured with tcpdump. With the kernel's transmit
# offloads on, the sender's TCP/UDP checksums are partial (pseudo-header
# only, as captured on a host with offloads); with them off (ethtool), every
# checksum is complete. A corrupted copy must be reported bad, exit 1.
# Usage: test_csum_capture.sh PATH/TO/vnet
set -u
vnet=$1
here=$(dirname "$0")
. "$here/netns.sh"

ns_require_root_and_netns
command -v tcpdump >/dev/null || need "tcpdump is not installed"
command -v ethtool >/dev/null || need "ethtool is not installed"
py=/usr/bin/python3
[ -x $py ] || need "/usr/bin/python3 is not installed"

tmp=$(mktemp -d)
trap 'ns_cleanup; kill $dump 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
ns_setup_pair "vnetd-csum-$$" || fail "could not build the namespaces"

# settled PCAP: wait (up to 10 s) until tcpdump has written every frame it
# saw, the file no longer growing for a second: on a busy machine it lags
# seconds behind the wire, and an early stop loses the last transfer.
settled() {
	last=-1 i=0
	while [ $i -lt 10 ]; do
		now=$(stat -c %s "$1" 2>/dev/null || echo 0)
		[ "$now" = "$last" ] && return 0
		last=$now i=$((i + 1))
		sleep 1
	done
}

# traffic PCAP: capture on vb while A talks to B.
traffic() {
	ip netns exec "$NS_B" timeout 60 tcpdump -i vb -U -s 0 -w "$1" \
		2>"$tmp/tcpdump.log" &
	dump=$!
	sleep 1
	ip netns exec "$NS_A" timeout 10 ping -c 2 -i 0.2 192.0.2.2 >/dev/null ||
		fail "ping v4"
	ip netns exec "$NS_A" timeout 10 ping -6 -c 2 -i 0.2 2001:db8::2 >/dev/null ||
		fail "ping v6"
	for proto_addr in "tcp 192.0.2.2" "tcp 2001:db8::2" "udp 192.0.2.2" "udp 2001:db8::2"; do
		set -- $proto_addr
		ip netns exec "$NS_B" timeout 30 $py "$here/tcp_transfer.py" \
			serve "$1" "$2" 5201 200000 >"$tmp/got" &
		srv=$!
		sleep 0.5
		ip netns exec "$NS_A" timeout 30 $py "$here/tcp_transfer.py" \
			send "$1" "$2" 5201 200000 >"$tmp/sent" || fail "send $1 $2"
		wait $srv
		[ "$1" = udp ] || cmp -s "$tmp/got" "$tmp/sent" ||
			fail "the $1 bytes differ across the veth"
	done
	settled "$1"
	kill -INT $dump; wait $dump
}

# count VERDICT OUTPUT: how many frames got that verdict
count() { grep -c "^[0-9]* $1 " "$2"; }

# same_bad_as_tshark PCAP OUT: the frames we call bad are exactly those
# where tshark's checksum validation finds a bad checksum (status 0).
same_bad_as_tshark() {
	command -v tshark >/dev/null || fail "tshark is not installed (scripts/install-deps.sh interop)"
	tshark -r "$1" -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
		-o udp.check_checksum:TRUE -T fields -e frame.number \
		-e ip.checksum.status -e icmp.checksum.status \
		-e icmpv6.checksum.status -e tcp.checksum.status \
		-e udp.checksum.status 2>/dev/null |
		awk -F'\t' '{ for (i = 2; i <= NF; i++) if ($i ~ /(^|,)0(,|$)/) { print $1; break } }' \
		>"$tmp/tshark.bad"
	grep '^[0-9]* bad ' "$2" | cut -d' ' -f1 >"$tmp/ours.bad"
	cmp -s "$tmp/tshark.bad" "$tmp/ours.bad" ||
		fail "$1: bad frames differ from tshark's: ours $(tr '\n' ' ' <"$tmp/ours.bad"), tshark's $(tr '\n' ' ' <"$tmp/tshark.bad")"
}

# 1. offloads on: TCP/UDP from A carry partial checksums, nothing is bad.
traffic "$tmp/offload.pcap"
"$vnet" csum "$tmp/offload.pcap" >"$tmp/offload.out"; rc=$?
tail -1 "$tmp/offload.out"
[ $rc = 0 ] || { cat "$tmp/offload.out"; fail "offload capture: exit $rc, want 0"; }
[ "$(count partial "$tmp/offload.out")" -gt 0 ] ||
	fail "offload capture: no partial checksum reported"
grep -q ' icmp=ok' "$tmp/offload.out" || fail "no ICMP checksum checked"
grep -q ' ipv6=.* icmpv6=ok' "$tmp/offload.out" || grep -q ' icmpv6=ok' "$tmp/offload.out" ||
	fail "no ICMPv6 checksum checked"

# 2. offloads off on both ends: every checksum complete and correct.
ip netns exec "$NS_A" ethtool -K va tx off >/dev/null 2>&1 || need "ethtool -K failed"
ip netns exec "$NS_B" ethtool -K vb tx off >/dev/null 2>&1
traffic "$tmp/full.pcap"
"$vnet" csum "$tmp/full.pcap" >"$tmp/full.out"; rc=$?
tail -1 "$tmp/full.out"
[ $rc = 0 ] || { cat "$tmp/full.out"; fail "full capture: exit $rc"; }
[ "$(count partial "$tmp/full.out")" = 0 ] || fail "full capture: partial reported"
for l in "ipv4=ok tcp=ok" "ipv6 tcp=ok" "ipv4=ok udp=ok" "ipv6 udp=ok"; do
	grep -q " $l" "$tmp/full.out" || fail "full capture: no frame with '$l'"
done
same_bad_as_tshark "$tmp/full.pcap" "$tmp/full.out"
ok=$(count ok "$tmp/full.out")
[ "$ok" -gt 100 ] || fail "full capture: only $ok frames ok"

# 3. one byte of a TCP payload, then of a UDP payload, flipped: bad, exit 1.
for proto in tcp udp; do
	n=$($py "$here/pcap_corrupt.py" "$tmp/full.pcap" "$tmp/bad.pcap" $proto) ||
		fail "could not corrupt a $proto frame"
	"$vnet" csum "$tmp/bad.pcap" >"$tmp/bad.out"; rc=$?
	[ $rc = 1 ] || fail "corrupted $proto: exit $rc, want 1"
	grep -q "^$n bad .*$proto=bad" "$tmp/bad.out" ||
		fail "corrupted $proto frame $n not reported: $(grep "^$n " "$tmp/bad.out")"
	[ "$(count bad "$tmp/bad.out")" = 1 ] || fail "more than one bad frame"
	same_bad_as_tshark "$tmp/bad.pcap" "$tmp/bad.out"
done
echo "PASS: offload capture, full capture, corrupted tcp and udp (bad frames as tshark finds them)"
