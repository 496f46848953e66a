#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run every libFuzzer harness in FUZZ_BUILD (default build-fuzz) for
# FUZZ_SECONDS (default 60) on its working corpus FUZZ_BUILD/corpus/NAME,
# which also reads the seeds (tests/fuzz/corpus/NAME) and the crash
# reproducers kept in tests/fuzz/regressions/NAME.  Each reproducer is
# first run once on its own.  Prints TAP ("ok N fuzz NAME ..."); a crash
# is "not ok" with the input it wrote and the command that replays it.
# FUZZ_RUNS=N also stops each harness after N executions (long runs).
# Exit status 1 when anything failed.
#   FUZZ_SECONDS=N [FUZZ_RUNS=N] sh tests/fuzz/run.sh [NAME...]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 3
out=${FUZZ_BUILD:-build-fuzz}
secs=${FUZZ_SECONDS:-60}
runs=${FUZZ_RUNS:+-runs=$FUZZ_RUNS}
n=0
status=0

if [ $# -eq 0 ]; then
	set -- $(cd "$out" 2>/dev/null && ls -d fuzz_* 2>/dev/null)
fi
if [ $# -eq 0 ]; then
	echo "not ok 1 fuzz: no harnesses in $out (make fuzz-build)"
	exit 1
fi

# not_ok NAME LOG WHAT: the TAP line and where the crash is
not_ok() {
	unit=$(sed -n 's/.*Test unit written to \([^ ]*\).*/\1/p' "$2" | head -n 1)
	why=$(grep -m 1 -E 'ERROR:|runtime error:|ERROR: libFuzzer' "$2" |
	      sed 's/^==[0-9]*==//')
	echo "not ok $n fuzz ${1#fuzz_}${3:+ $3}: ${why:-failed} (log: $2)"
	[ -z "$unit" ] || echo "# reproduce: $out/$1 $unit"
	status=1
}

mkdir -p "$out/logs"
for h in "$@"; do
	bin="$out/$h"
	name=${h#fuzz_}
	seeds="tests/fuzz/corpus/$h"
	regs="tests/fuzz/regressions/$h"
	work="$out/corpus/$h"
	log="$out/logs/$h.log"
	mkdir -p "$work" "$out/crashes/$h"
	if [ ! -x "$bin" ]; then
		n=$((n + 1))
		echo "not ok $n fuzz $name: $bin not built (make fuzz-build)"
		status=1
		continue
	fi
	if [ -n "$(ls "$regs" 2>/dev/null)" ]; then
		n=$((n + 1))
		if "$bin" "$regs"/* > "$log.regressions" 2>&1; then
			echo "ok $n fuzz $name regressions ($(ls "$regs" | wc -l) inputs)"
		else
			not_ok "$h" "$log.regressions" regressions
		fi
	fi
	dirs="$work"
	for d in "$seeds" "$regs"; do
		[ -d "$d" ] && dirs="$dirs $d"
	done
	n=$((n + 1))
	# -max_len: the fuzzer grows inputs up to it; longer seeds are cut
	if nice -n 10 "$bin" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
		-artifact_prefix="$out/crashes/$h/" $runs $dirs > "$log" 2>&1; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
		took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log")
		echo "ok $n fuzz $name (${execs:-?} executions in" \
		     "${took:-$secs} s, ${rate:-?}/s)"
	else
		not_ok "$h" "$log" ""
	fi
done
echo "1..$n"
exit $status
