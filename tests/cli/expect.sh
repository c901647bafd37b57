# expect.sh - sourced by the CLI tests: run a program ($vnet), check its
# exit code, stdout and stderr; count in $passes and $fails.
# expect NAME WANT_RC WANT_STDOUT WANT_STDERR_SUBSTRING -- ARGS...
expect() {
	name=$1 want_rc=$2 want_out=$3 want_err=$4; shift 5
	out=$("$vnet" "$@" 2>/tmp/vnet-cli-err.$$); rc=$?
	err=$(cat /tmp/vnet-cli-err.$$)
	ok=1
	[ "$rc" = "$want_rc" ] || ok=0
	[ "$want_out" = "*" ] || [ "$out" = "$want_out" ] || ok=0
	[ -z "$want_err" ] || printf '%s' "$err" | grep -qF -- "$want_err" || ok=0
	if [ $ok = 1 ]; then
		passes=$((passes + 1)); echo "ok - $name"
	else
		fails=$((fails + 1))
		echo "not ok - $name: rc=$rc (want $want_rc)"
		echo "  stdout: $out"; echo "  stderr: $err"
	fi
}

