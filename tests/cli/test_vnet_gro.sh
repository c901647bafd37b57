#!/bin/sh
# test_vnet_gro.sh - `vnet gro` on a small capture: super-frames, headers,
# the guest's features, RSC, exit codes. The input is written by
# tests/interop/gro_kernel.py's segment builder (plain Python, no libvnet).
# Usage: test_vnet_gro.sh PATH/TO/vnet
set -u
vnet=$1
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$here/expect.sh"

command -v python3 >/dev/null || { echo "FAIL: python3 is needed to write the input"; exit 1; }
# 8 segments of 1000 bytes, PSH on the 6th, then 3 more, then a duplicate
# ACK; all at one time stamp.
python3 - "$here/../interop" "$tmp/in.pcap" <<'PY' || { echo "FAIL: writing the input"; exit 1; }
import sys
sys.path.insert(0, sys.argv[1])
import gro_kernel as g
segs = []
for i in range(9):
    segs.append(g.segment(False, 1000 + i * 1000, 77, 0x18 if i == 5 else 0x10,
                          502, i + 1, bytes([i]) * 1000))
segs.append(g.segment(False, 10000, 77, 0x10, 502, 10, b""))
g.write_pcap(sys.argv[2], segs)
PY

tso="version_1,guest_csum,guest_tso4"
"$vnet" gro --features "$tso" "$tmp/in.pcap" "$tmp/out.pcap" >"$tmp/o"
check "gro exit 0" '[ $? = 0 ]'
check "three frames out (6 + 3 segments, the ACK)" '[ "$(grep -c "^[0-9]* len=" "$tmp/o")" = 3 ]'
check "first is TSO, gso_size 1000, 6 segments long" \
	'grep -q "^1 len=6054 hdr=[0-9a-f]* flags=0x01 gso_type=0x01 hdr_len=54 gso_size=1000 csum_start=34 csum_offset=16 num_buffers=1" "$tmp/o"'
hex=$(sed -n 's/^1 len=[0-9]* hdr=\([0-9a-f]*\) .*/\1/p' "$tmp/o")
check "its hex decodes to the same header (vnet hdr)" \
	'"$vnet" hdr --features "$tso" "$hex" | grep -q "gso_size 1000"'
check "counters printed" 'grep -q "^stats: in=10 merged=7 held=2 passed=1" "$tmp/o"'
check "the output is a capture vnet csum reads" \
	'"$vnet" csum "$tmp/out.pcap" >/dev/null; [ $? -le 1 ]'

"$vnet" gro --features "version_1,guest_csum" "$tmp/in.pcap" "$tmp/out2.pcap" >"$tmp/o2"
check "without GUEST_TSO4: 10 plain frames, DATA_VALID" \
	'[ "$(grep -c "flags=0x02 gso_type=0x00" "$tmp/o2")" = 10 ]'
check "and every checksum complete" \
	'"$vnet" csum "$tmp/out2.pcap" | tail -1 | grep -q "10 ok"'

"$vnet" gro --features "version_1" "$tmp/in.pcap" "$tmp/out3.pcap" >"$tmp/o3"
check "without GUEST_CSUM: flags zero" '[ "$(grep -c "flags=0x00 gso_type=0x00" "$tmp/o3")" = 10 ]'

"$vnet" gro --rsc --features "$tso,ctrl_guest_offloads" "$tmp/in.pcap" "$tmp/out4.pcap" >"$tmp/o4"
check "RSC: PSH joins, the duplicate ACK counted: one frame, RSC_INFO, 9 segments, 1 dup" \
	'grep -q "^1 len=9054 .*flags=0x05 gso_type=0x01 .*csum_start=9 csum_offset=1" "$tmp/o4"'
check "RSC: dup-ack counter" 'grep -q "dup-ack=1" "$tmp/o4"'

"$vnet" gro --timeout-us x "$tmp/in.pcap" "$tmp/o5.pcap" >/dev/null 2>&1
check "bad --timeout-us: exit 2" '[ $? = 2 ]'
"$vnet" gro "$tmp/in.pcap" >/dev/null 2>&1
check "one file: exit 2" '[ $? = 2 ]'
"$vnet" gro "$tmp/none.pcap" "$tmp/o6.pcap" >/dev/null 2>&1
check "missing input: exit 2" '[ $? = 2 ]'

summary
