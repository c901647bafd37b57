# expect.sh - sourced by the CLI tests: count checks in $passes and $fails,
# print TAP-like lines, and run a program ($vnet) checking its exit code,
# stdout and stderr. A test ends with `summary`, its exit status.
passes=0; fails=0

# ok NAME, nok NAME: one check passed, one failed.
ok() { passes=$((passes + 1)); echo "ok - $1"; }
nok() { fails=$((fails + 1)); echo "not ok - $1"; }

# check NAME SHELL_CONDITION: ok when the condition holds.
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }

# expect NAME WANT_RC WANT_STDOUT WANT_STDERR_SUBSTRING -- ARGS...
expect() {
	name=$1 want_rc=$2 want_out=$3 want_err=$4; shift 5
	out=$("$vnet" "$@" 2>/tmp/vnet-cli-err.$$); rc=$?
	err=$(cat /tmp/vnet-cli-err.$$)
	good=1
	[ "$rc" = "$want_rc" ] || good=0
	[ "$want_out" = "*" ] || [ "$out" = "$want_out" ] || good=0
	[ -z "$want_err" ] || printf '%s' "$err" | grep -qF -- "$want_err" || good=0
	if [ $good = 1 ]; then
		ok "$name"
	else
		nok "$name: rc=$rc (want $want_rc)"
		echo "  stdout: $out"; echo "  stderr: $err"
	fi
}

# summary: the counts; fails when any check failed.
summary() {
	rm -f /tmp/vnet-cli-err.$$
	echo "$passes passed, $fails failed"
	[ $fails = 0 ]
}
