#!/bin/sh
# test_vnet_rss.sh - `vnet rss` reproduces Microsoft's RSS tables from pcaps.
# Usage: test_vnet_rss.sh PATH/TO/vnet PATH/TO/mkpcap_rss DATA_DIR
#
# The pcaps are written by mkpcap_rss (no libvnet code) from the tables in
# DATA_DIR; the expected hashes are the tables' columns, and the expected
# queues are computed here from them, never from vnet's output.
set -u
vnet=$1 mkpcap=$2 data=$3
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/expect.sh"

key=$(sed -n 's/^# key: //p' "$data/rss-toeplitz-ipv4.tsv")
[ ${#key} = 80 ] || { echo "not ok - no key in the table"; exit 1; }

# want_lines TABLE COLUMN REPORT QUEUE_EXPR: the lines vnet must print,
# QUEUE_EXPR an arithmetic expression of h (the hash), e.g. '0'.
want_lines() {
	n=0
	grep -v '^#' "$1" | while read -r _ _ _ _ h3 h4; do
		n=$((n + 1))
		[ "$2" = 5 ] && h=$h3 || h=$h4
		q=$(( $4 ))
		printf '%d hash 0x%08x report %s queue %d\n' "$n" "$((h))" "$3" "$q"
	done
}

# check_table NAME TABLE PROTO COLUMN REPORT QUEUE_EXPR -- VNET_RSS_ARGS...
check_table() {
	name=$1 table=$2 proto=$3 col=$4 report=$5 qexpr=$6; shift 7
	"$mkpcap" "$data/$table" "$tmp/in.pcap" "$proto" ||
		{ nok "$name: mkpcap"; return; }
	want_lines "$data/$table" "$col" "$report" "$qexpr" >"$tmp/want"
	"$vnet" rss --key "$key" "$@" "$tmp/in.pcap" >"$tmp/got" 2>"$tmp/err"
	rc=$?
	if [ $rc = 0 ] && cmp -s "$tmp/want" "$tmp/got"; then
		ok "$name"
	else
		nok "$name (rc $rc)"
		diff "$tmp/want" "$tmp/got" | sed 's/^/  /'
		sed 's/^/  stderr: /' "$tmp/err"
	fi
}

v4=rss-toeplitz-ipv4.tsv
v6=rss-toeplitz-ipv6.tsv

# Issue 6 "Done when": both columns of the IPv4 table, from TCP frames.
check_table "ipv4 tcp column" $v4 tcp 6 tcpv4 0 -- --types ipv4,tcpv4
check_table "ipv4-only column" $v4 tcp 5 ipv4 0 -- --types ipv4
check_table "udpv4 hashes the same fields" $v4 udp 6 udpv4 0 -- --types ipv4,udpv4
check_table "udp frame, tcp type: ipv4" $v4 udp 5 ipv4 0 -- --types ipv4,tcpv4
check_table "ipv6 tcp column" $v6 tcp 6 tcpv6 0 -- --types ipv6,tcpv6
check_table "ipv6-only column" $v6 tcp 5 ipv6 0 -- --types ipv6
check_table "udpv6" $v6 udp 6 udpv6 0 -- --types all
# Queues: default table of 128 entries, entry i = i % N.
check_table "queues 4" $v4 tcp 6 tcpv4 '(h & 127) % 4' -- --types all --queues 4
check_table "queues 3" $v4 tcp 6 tcpv4 '(h & 127) % 3' -- --types all --queues 3
check_table "explicit indirection" $v4 tcp 5 ipv4 '3 - (h & 3)' -- \
	--types ipv4 --indir 3,2,1,0
check_table "ipv6 indirection of 8" $v6 tcp 6 tcpv6 '(h & 7) >> 1' -- \
	--types tcpv6 --indir 0,0,1,1,2,2,3,3

# No type applies, and a non-IP frame: report none, unclassified queue 0.
"$mkpcap" "$data/$v4" "$tmp/in.pcap" tcp
out=$("$vnet" rss --key "$key" --types ipv6 --queues 4 "$tmp/in.pcap")
[ "$(echo "$out" | grep -c 'hash 0x00000000 report none queue 0')" = 5 ] &&
	ok "no applicable type" || nok "no applicable type: $out"
"$mkpcap" "$data/$v4" "$tmp/arp.pcap" arp
out=$("$vnet" rss --key "$key" --types all --queues 2 "$tmp/arp.pcap")
[ "$out" = "1 hash 0x00000000 report none queue 0" ] &&
	ok "arp: no hash" || nok "arp: $out"

# Usage errors exit 2 and say why.
"$vnet" rss --key "$key" --types all --indir 0,1,2 "$tmp/in.pcap" \
	>/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q 'power of two' "$tmp/err" &&
	ok "indirection of 3 refused" || nok "indirection of 3"
"$vnet" rss --key "$key" --types tcpv7 "$tmp/in.pcap" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "unknown hash type 'tcpv7'" "$tmp/err" &&
	ok "unknown type" || nok "unknown type"
"$vnet" rss --key zz --types all "$tmp/in.pcap" >/dev/null 2>&1
[ $? = 2 ] && ok "nok key" || nok "nok key"
"$vnet" rss --key "$key" --types all --queues 2 --indir 0,1 "$tmp/in.pcap" \
	>/dev/null 2>&1
[ $? = 2 ] && ok "--queues with --indir" || nok "--queues with --indir"
"$vnet" rss --key "$key" --types all "$tmp/none.pcap" >/dev/null 2>&1
[ $? = 2 ] && ok "missing file" || nok "missing file"
"$vnet" rss --help >/dev/null 2>&1
[ $? = 0 ] && ok "--help" || nok "--help"

summary
