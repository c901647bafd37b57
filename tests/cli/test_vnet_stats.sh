#!/bin/sh
# test_vnet_stats.sh - `vnet stats` against a real, idle vnetd (no
# frontend, no tap): every counter is zero, and the tool says so rather
# than printing nothing (issue 17); the raw formats pass through; a socket
# that is not there is a usage error.
# Usage: test_vnet_stats.sh PATH/TO/vnet PATH/TO/vnetd
set -u
vnet=$1 vnetd=$2
fails=0; passes=0
. "$(dirname "$0")/expect.sh"

tmp=$(mktemp -d /tmp/vnet-stats.XXXXXX) || exit 1
"$vnetd" --socket-path "$tmp/vu.sock" --stats "$tmp/stats.sock" \
	--log-level warn 2>"$tmp/vnetd.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
i=0
while [ ! -S "$tmp/stats.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$tmp/stats.sock" ] || { echo "not ok - vnetd did not start"; cat "$tmp/vnetd.log"; exit 1; }

# How many counters the daemon serves, read from its Prometheus text.
n=$("$vnet" stats --prometheus "$tmp/stats.sock" | grep -c '^vnetd_')
if [ "$n" -gt 0 ]; then
	passes=$((passes + 1)); echo "ok - $n counters served"
else
	fails=$((fails + 1)); echo "not ok - no counter in the Prometheus text"
fi
expect "an idle device: all counters zero, said once" 0 \
	"all $n counters zero" "" -- stats "$tmp/stats.sock"
expect "JSON passes through" 0 "*" "" -- stats --json "$tmp/stats.sock"
expect "no socket: usage error" 2 "" "$tmp/none.sock" -- stats "$tmp/none.sock"

echo "$passes passed, $fails failed"
[ $fails = 0 ]
