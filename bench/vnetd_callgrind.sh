#!/bin/sh
# vnetd_callgrind.sh - instructions per delivered frame of vnetd's receive
# descriptor path, counted by callgrind (exact, unlike rates on a shared
# machine): vnetd --null-rx 64 under valgrind, DPDK's virtio-user
# (testpmd rxonly) as the guest for SECONDS; prints the program's
# instructions per frame (idle polling included, so it varies with the
# rate) and those of the per-descriptor functions (which do not).
# VCG_DIR=tx counts the transmit path instead: testpmd txonly (64-byte
# frames) into vnetd without a tap (a drop sink), per frame vnetd took,
# and the 15 functions that cost the most per frame.
# Usage: vnetd_callgrind.sh PATH/TO/vnetd [split|packed] [SECONDS]
set -u
vnetd=$1 ring=${2:-split} secs=${3:-12}
command -v valgrind >/dev/null || { echo "no valgrind"; exit 77; }
pmd=$(command -v dpdk-testpmd) || { echo "no dpdk-testpmd"; exit 77; }
extra="" vopt=""
[ "$ring" = packed ] && extra=",packed_vq=1" && vopt="--packed"
dir=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] && cp "$dir/cg.out" "$KEEP"; rm -rf "$dir"' EXIT
vdir=${VCG_DIR:-rx}
mode=rxonly vargs="--null-rx 64" counter=vnetd_rx_frames_total
[ "$vdir" = tx ] && mode="txonly --txpkts=64" vargs="" counter=vnetd_tx_frames_total
valgrind --tool=callgrind --callgrind-out-file="$dir/cg.out" "$vnetd" \
	--socket-path "$dir/vu.sock" $vargs $vopt >"$dir/vnetd.log" 2>&1 &
pid=$!
i=0
while [ ! -S "$dir/vu.sock" ] && [ $i -lt 100 ]; do sleep 0.2; i=$((i + 1)); done
timeout -s INT "$secs" "$pmd" --no-huge -m 512 --no-pci --lcores '0@1,1@1' \
	--file-prefix="vcg$$" --vdev "net_virtio_user0,path=$dir/vu.sock$extra" -- \
	--total-num-mbufs=8192 --forward-mode=$mode --stats-period 1 \
	>"$dir/pmd.log" 2>&1
kill -TERM $pid
wait $pid
frames=$(awk -v c="$counter" '$0 ~ c { s += $NF } END { print s + 0 }' "$dir/vnetd.log")
echo "$ring $vdir: $frames frames"
[ "$frames" -gt 0 ] || exit 1
if [ "$vdir" = tx ]; then
	callgrind_annotate "$dir/cg.out" 2>/dev/null | awk -v n="$frames" '
		/PROGRAM TOTALS/ { x = $1; gsub(",", "", x); printf "  %8.1f Ir/frame  program total\n", x / n; on = 1; next }
		on && /^ *[0-9,]+ \(/ && k < 15 { x = $1; gsub(",", "", x); f = $NF; if (f ~ /^\[/) f = $(NF - 1)
			printf "  %8.1f Ir/frame  %s\n", x / n, f; k++ }'
	exit 0
fi
callgrind_annotate "$dir/cg.out" 2>/dev/null | awk -v n="$frames" '
	/PROGRAM TOTALS/ { x = $1; gsub(",", "", x); printf "  %8.1f Ir/frame  program total\n", x / n }
	/vnet_mem|virtq_add_buf|virtq_split_pop|virtq_packed_pop|vnet_virtq_net_rx/ {
		x = $1; gsub(",", "", x); f = $NF; if (f ~ /^\[/) f = $(NF - 1)
		printf "  %8.1f Ir/frame  %s\n", x / n, f }'
