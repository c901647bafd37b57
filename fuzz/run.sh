#!/bin/sh
# run.sh FUZZER SEED_DIR SECONDS - run one libFuzzer target for SECONDS on a
# scratch copy of its seed corpus (the checked-in seeds are never written).
# Prints the fuzzer's closing statistics; a finding fails, with the input
# saved in the scratch directory named on the last line.
set -u
fuzzer=$1 seeds=$2 seconds=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/vnetd-fuzz.XXXXXX")
mkdir "$work/corpus"
[ -d "$seeds" ] && cp "$seeds"/* "$work/corpus/" 2>/dev/null
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	-artifact_prefix="$work/" -print_final_stats=1 "$work/corpus" \
	>"$work/log" 2>&1
rc=$?
grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss)' "$work/log"
if [ $rc -ne 0 ]; then
	tail -40 "$work/log"
	echo "finding kept in $work"
	exit 1
fi
rm -rf "$work"
