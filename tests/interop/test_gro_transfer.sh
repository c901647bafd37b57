#!/bin/sh
# test_gro_transfer.sh - `vnet gro` on the segments of a real kernel TCP
# transfer. Two namespaces joined by veth; the sender's TSO, GSO and
# checksum offload are off, so what tcpdump captures on its side is the
# MSS-sized segments with complete checksums, as a NIC would receive them.
# The capture goes through the engine (Linux GRO rules, then RSC rules);
# the super-frames it delivers must carry exactly the byte stream the
# sender sent (sha256), in fewer, larger frames. IPv4 and IPv6.
# Usage: test_gro_transfer.sh PATH/TO/vnet
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
dump=
trap 'ns_cleanup; [ -n "$dump" ] && kill $dump 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
ns_setup_pair "vnetd-gro-$$" || fail "could not build the namespaces"
ip netns exec "$NS_A" ethtool -K va tso off gso off tx off >/dev/null 2>&1 ||
	need "ethtool -K failed"
ip netns exec "$NS_B" ethtool -K vb tx off >/dev/null 2>&1

N=2000000
# capture ADDR: a transfer to ADDR captured on the sender's side into
# $tmp/in.pcap; sets sent (the sender's sha256). Returns 1 if tcpdump missed
# part of the stream (it may drop under load: the caller tries again).
capture() {
	ip netns exec "$NS_A" timeout 60 tcpdump -i va -U -B 65536 -s 0 \
		-w "$tmp/in.pcap" 2>"$tmp/tcpdump.log" &
	dump=$!
	sleep 1
	ip netns exec "$NS_B" timeout 30 $py "$here/tcp_transfer.py" \
		serve tcp "$1" 5201 $N >"$tmp/got" &
	srv=$!
	sleep 0.5
	ip netns exec "$NS_A" timeout 30 $py "$here/tcp_transfer.py" \
		send tcp "$1" 5201 $N >"$tmp/sent" || fail "send $1"
	wait $srv
	sleep 1
	kill -INT $dump; wait $dump; dump=
	sent=$(cut -d' ' -f1 "$tmp/sent")
	set -- $($py "$here/tcp_stream.py" "$tmp/in.pcap" "$1" 5201)
	[ "$1" = "$sent" ]
}

for addr in 192.0.2.2 2001:db8::2; do
	tries=0
	until capture "$addr"; do
		tries=$((tries + 1))
		[ $tries -lt 3 ] || fail "$addr: three captures missed part of the stream (tcpdump drops?)"
		echo "$addr: the capture missed part of the stream; again"
	done
	set -- $($py "$here/tcp_stream.py" "$tmp/in.pcap" "$addr" 5201)
	in_frames=$3; in_max=$4
	[ "$in_max" -le 1500 ] || fail "$addr: the sender's segments are larger than an MTU ($in_max): TSO still on?"
	for mode in "" "--rsc"; do
		"$vnet" gro $mode "$tmp/in.pcap" "$tmp/out.pcap" >"$tmp/gro.out" ||
			fail "$addr $mode: vnet gro exit $?"
		set -- $($py "$here/tcp_stream.py" "$tmp/out.pcap" "$addr" 5201)
		[ "$1" = "$sent" ] || fail "$addr $mode: delivered stream differs ($2 bytes of $N)"
		[ "$3" -lt "$in_frames" ] || fail "$addr $mode: nothing coalesced ($3 data frames of $in_frames)"
		[ "$4" -gt 1500 ] || fail "$addr $mode: no super-frame"
		grep -q "gso_type=0x0[14]" "$tmp/gro.out" || fail "$addr $mode: no TSO header printed"
		echo "$addr ${mode:-gro}: $in_frames segments -> $3 frames, largest payload $4; $(tail -1 "$tmp/gro.out")"
	done
done
echo "PASS: kernel TCP transfers (IPv4, IPv6) coalesced; byte streams identical"
