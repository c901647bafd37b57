#!/bin/sh
# test_vnet_gso.sh - `vnet gso` on a capture: segments, checksums, refusals.
# Usage: test_vnet_gso.sh PATH/TO/vnet
set -u
vnet=$1
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$here/expect.sh"

command -v python3 >/dev/null || { echo "FAIL: python3 is needed to write the input"; exit 1; }
python3 "$here/gso_pcap.py" "$tmp/in.pcap" || { echo "FAIL: gso_pcap.py"; exit 1; }

# Derived headers, MSS 1400: 7 + 5 + 4 + 5 + 3 segments and the ARP frame.
"$vnet" gso --mss 1400 "$tmp/in.pcap" "$tmp/out.pcap" 2>"$tmp/err"
check "derived headers exit 0" '[ $? = 0 ]'
n=$("$vnet" csum "$tmp/out.pcap" | tail -1)
check "vnet csum: 25 frames, none bad" \
	'[ "$n" = "summary: 25 frames, 24 ok, 0 partial, 0 bad, 1 skipped" ]'
if command -v tshark >/dev/null; then
	bad=$(tshark -r "$tmp/out.pcap" -o ip.check_checksum:TRUE \
		-o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE \
		-Y 'ip.checksum.status == 0 || tcp.checksum.status == 0 || udp.checksum.status == 0' \
		2>/dev/null | wc -l)
	check "tshark: no bad checksum" '[ "$bad" = 0 ]'
	lens=$(tshark -r "$tmp/out.pcap" -T fields -e frame.len 2>/dev/null | head -7 | tr '\n' ' ')
	check "TSO segments of 1400 bytes, VLAN kept" \
		'[ "$lens" = "1458 1458 1458 1458 1458 1458 658 " ]'
else
	echo "# tshark not installed: its check skipped"
fi

# A header given with --hdr: TSO4, csum_start 38 (VLAN), gso_size 1400.
good="01 01 3a00 7805 2600 1000 0000 00000000 0000 0000 0000 0000"
zero="01 01 3a00 0000 2600 1000 0000 00000000 0000 0000 0000 0000"
"$vnet" gso --hdr "$zero" "$tmp/in.pcap" "$tmp/o2.pcap" 2>"$tmp/err"
check "gso_size 0 refused: exit 1" '[ $? = 1 ]'
check "names the frame and reason" 'grep -q "frame 1: gso-size-zero" "$tmp/err"'
"$vnet" gso --keep-going --hdr "$good" "$tmp/in.pcap" "$tmp/o3.pcap" 2>"$tmp/err"
check "--keep-going: exit 1" '[ $? = 1 ]'
check "--keep-going: frame 2 named" 'grep -q "frame 2: csum-start-short" "$tmp/err"'
check "--keep-going: frame 3 named" 'grep -q "frame 3: proto-mismatch" "$tmp/err"'
check "--keep-going: frame 6 named" 'grep -q "frame 6: " "$tmp/err"'
n=$("$vnet" csum "$tmp/o3.pcap" | tail -1)
check "--keep-going: frame 1's 7 segments written" \
	'[ "$n" = "summary: 7 frames, 7 ok, 0 partial, 0 bad, 0 skipped" ]'

"$vnet" gso --hdr 0101 "$tmp/in.pcap" "$tmp/o4.pcap" 2>/dev/null
check "--hdr of the wrong size: exit 2" '[ $? = 2 ]'
"$vnet" gso "$tmp/none.pcap" "$tmp/o5.pcap" 2>/dev/null
check "unreadable input: exit 2" '[ $? = 2 ]'
"$vnet" gso --mss 0 "$tmp/in.pcap" "$tmp/o5.pcap" 2>/dev/null
check "--mss 0: exit 2" '[ $? = 2 ]'

summary
