#!/bin/sh
# test_vnet_stats.sh - `vnet stats` against a real, idle vnetd (no
# frontend, no tap): every counter is zero at first, and the tool says so
# rather than printing nothing (issue 17); the raw formats pass through; a socket
# that is not there is a usage error.
# Usage: test_vnet_stats.sh PATH/TO/vnet PATH/TO/vnetd
set -u
vnet=$1 vnetd=$2
. "$(dirname "$0")/expect.sh"

tmp=$(mktemp -d /tmp/vnet-stats.XXXXXX) || exit 1
"$vnetd" --socket-path "$tmp/vu.sock" --stats "$tmp/stats.sock" \
	--log-level warn 2>"$tmp/vnetd.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
i=0
while [ ! -S "$tmp/stats.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$tmp/stats.sock" ] || { echo "not ok - vnetd did not start"; cat "$tmp/vnetd.log"; exit 1; }

# The first request finds every counter zero (the stats socket counts the
# requests it answered, after answering): the tool says so.
first=$("$vnet" stats "$tmp/stats.sock"); rc=$?
# How many counters the daemon serves, read from its Prometheus text.
n=$("$vnet" stats --prometheus "$tmp/stats.sock" | grep -c '^vnetd_')
check "$n counters served" '[ "$n" -gt 0 ]'
check "an idle device: all counters zero, said once" \
	'[ $rc = 0 ] && [ "$first" = "all $n counters zero" ]'
# Then the only counter not zero is the two requests answered.
expect "an idle device after two requests: the requests answered" 0 \
	"stats_answered - 2" "" -- stats "$tmp/stats.sock"
expect "JSON passes through" 0 "*" "" -- stats --json "$tmp/stats.sock"
expect "no socket: usage error" 2 "" "$tmp/none.sock" -- stats "$tmp/none.sock"

summary
