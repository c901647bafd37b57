#!/bin/sh
# migrate_bench.sh - live migration and restart figures (issue 15), in one run:
#
#   migration: the test guest (QEMU TCG, 1 vCPU, 256 MiB) live-migrated
#              ROUNDS times between two QEMU on one machine, through
#              tests/interop/test_qemu_migrate.sh, four ways: on vnetd
#              (vhost-user) and on QEMU's own tap backend (-netdev tap,
#              vhost=off), each idle (the guest waits, answering pings) and
#              under traffic (TCP streams both ways, the host sending
#              continuously); QEMU's query-migrate total time and downtime
#              of every migration, and their medians;
#   restart:   tests/interop/test_qemu_restart.sh: the time from SIGTERM,
#              and from SIGKILL, until both TCP streams move again through
#              the new vnetd (QEMU reconnecting), RESTARTS times.
#
# Goal (issue 15): vnetd adds nothing measurable to QEMU's own downtime.
# Usage: migrate_bench.sh PATH/TO/vnetd [ROUNDS] [RESTARTS]
# Needs root and what the two tests need; prints a table and the medians.
set -u
here=$(cd "$(dirname "$0")" && pwd)
tests=$here/../tests/interop
vnetd=${1:?usage: migrate_bench.sh PATH/TO/vnetd [ROUNDS] [RESTARTS]}
rounds=${2:-4} restarts=${3:-2}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# median: of the numbers on stdin
median() {
	sort -n | awk '{ v[NR] = $1 } END {
		if (!NR) { print "-"; exit }
		if (NR % 2) print v[(NR + 1) / 2]
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# one BACKEND LOAD: a run of the migration test; its "migration k" lines
one() {
	b=$1 load=$2
	arg=$vnetd
	[ "$b" = tap ] && arg=tap
	idle=0
	[ "$load" = idle ] && idle=1
	VNETD_MIGRATE_ROUNDS=$rounds VNETD_MIGRATE_IDLE=$idle \
	VNETD_MIGRATE_BYTES=8388608 \
		"$tests/test_qemu_migrate.sh" "$arg" >"$out/$b-$load.log" 2>&1 ||
		{ echo "$b $load: the run failed:"; tail -n 5 "$out/$b-$load.log"; }
	# "migration 1: a -> b: total 2679 ms, downtime 14 ms, ..."
	awk -v b="$b" -v l="$load" '$1 == "migration" && $6 == "total" {
		print b, l, $7, $10 }' "$out/$b-$load.log" >>"$out/all"
}

echo "CPU: $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)," \
	"$(nproc) cores; QEMU $(qemu-system-x86_64 --version | awk 'NR == 1 { print $4 }')"
echo "migrations: $rounds per run, 256 MiB guest under TCG, 1 vCPU"
for load in idle traffic; do
	for b in vnetd tap; do
		one $b $load
	done
done
printf '%-6s %-8s %10s %10s   %s\n' backend load "total ms" "down ms" \
	"(median of $rounds; each migration's downtime)"
for load in idle traffic; do
	for b in vnetd tap; do
		t=$(awk -v b=$b -v l=$load '$1 == b && $2 == l { print $3 }' "$out/all" | median)
		d=$(awk -v b=$b -v l=$load '$1 == b && $2 == l { print $4 }' "$out/all" | median)
		all=$(awk -v b=$b -v l=$load '$1 == b && $2 == l { printf "%s ", $4 }' "$out/all")
		printf '%-6s %-8s %10s %10s   %s\n' $b $load "$t" "$d" "$all"
	done
done

i=0
while [ $i -lt "$restarts" ]; do
	i=$((i + 1))
	"$tests/test_qemu_restart.sh" "$vnetd" >"$out/restart-$i.log" 2>&1 ||
		{ echo "restart run $i failed:"; tail -n 5 "$out/restart-$i.log"; }
	# "SIGKILL: both streams moving again 6.27 s after the signal"
	awk '$3 == "streams" && $4 == "moving" { print $1, $6 }' \
		"$out/restart-$i.log" >>"$out/restarts"
done
for sig in SIGTERM: SIGKILL:; do
	echo "restart $sig kill to both streams moving: median" \
		"$(awk -v s=$sig '$1 == s { print $2 }' "$out/restarts" | median) s" \
		"(each: $(awk -v s=$sig '$1 == s { printf "%s ", $2 }' "$out/restarts")s)"
done
