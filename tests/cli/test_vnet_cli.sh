#!/bin/sh
# test_vnet_cli.sh - the vnet tool as a user runs it: outputs and exit codes.
# Usage: test_vnet_cli.sh PATH/TO/vnet
set -u
vnet=$1

. "$(dirname "$0")/expect.sh"

tunnel="version_1,csum,host_tso4,host_tso6,host_uso,host_udp_tunnel_gso"

# Issue 2, "Done when": the tunnel set is valid...
expect "features tunnel set valid" 0 "0 csum
11 host_tso4
12 host_tso6
32 version_1
56 host_uso
67 host_udp_tunnel_gso" "" -- features "$tunnel"
# ...and without host_uso the AND rule names host_udp_tunnel_gso.
expect "features tunnel without host_uso" 1 "*" \
	"error: host_udp_tunnel_gso requires host_tso4, host_tso6 and host_uso" \
	-- features version_1,csum,host_tso4,host_tso6,host_udp_tunnel_gso
expect "features one line per violation" 1 "*" "error: host_tso4 requires csum" \
	-- features host_tso4
n=$("$vnet" features host_tso4,mq 2>&1 >/dev/null | grep -c '^error: ')
[ "$n" = 2 ] && { passes=$((passes + 1)); echo "ok - two violations, two lines"; } ||
	{ fails=$((fails + 1)); echo "not ok - two violations gave $n lines"; }
expect "features unknown name exits 2 naming it" 2 "" "host_tos4" \
	-- features csum,host_tos4
# bits 0, 11, 12, 56 in the low word and 67 (bit 3 of the high word)
expect "features hex 128-bit" 0 "0 csum
11 host_tso4
12 host_tso6
56 host_uso
67 host_udp_tunnel_gso" "" -- features 0x80100000000001801
expect "features hex unnamed bit" 2 "" "unknown feature" -- features 0x10
expect "features draft profile" 0 "1 guest_csum
7 guest_tso4
49 guest_udp_tunnel_gso" "" -- features --profile draft-v3 guest_csum,guest_tso4,guest_udp_tunnel_gso
expect "features no argument" 2 "" "usage" -- features
expect "features --help" 0 "*" "" -- features --help

# Header sizes from the feature set.
expect "hdr size tunnel" 0 24 "" -- hdr --features "$tunnel" --size
expect "hdr size hash_report" 0 20 "" -- hdr --features version_1,ctrl_vq,hash_report --size
expect "hdr size version_1" 0 12 "" -- hdr --features version_1 --size
expect "hdr size nothing (empty list)" 0 10 "" -- hdr --features "" --size
expect "hdr size nothing (no option)" 0 10 "" -- hdr --size
expect "hdr size draft-v3" 0 28 "" -- hdr --profile draft-v3 --features version_1,csum,host_tso4,host_udp_tunnel_gso --size

# Decoding: the standard's worked example (TCPv4 in Geneve over IPv4).
expect "hdr decode tunnel example" 0 "size 24
flags 0x01 needs_csum
gso_type 0x21 tcpv4 udp_tunnel_ipv4
hdr_len 116
gso_size 1448
csum_start 84
csum_offset 16
num_buffers 0
hash_value 0x00000000
hash_report 0
outer_th_offset 42
inner_nh_offset 62" "" -- hdr --features "$tunnel" \
	"01 21 7400 a805 5400 1000 0000 00000000 0000 0000 2a00 3e00"
expect "hdr decode legacy big endian" 0 "size 10
flags 0x01 needs_csum
gso_type 0x04 tcpv6
hdr_len 74
gso_size 1440
csum_start 54
csum_offset 16" "" -- hdr --legacy-endian big 01:04:00:4a:05:a0:00:36:00:10
expect "hdr decode short buffer" 1 "" "the header is 12 bytes, got 10" \
	-- hdr --features version_1 01040000000000000000
expect "hdr bad hex" 2 "" "not hex" -- hdr --features version_1 0g
expect "hdr bad endian" 2 "" "usage" -- hdr --legacy-endian middle 00
expect "hdr --help" 0 "*" "" -- hdr --help
expect "unknown command" 2 "" "unknown command" -- frobnicate
expect "top-level --help" 0 "*" "" -- --help

summary
