#!/usr/bin/env bash
# Interface churn: CYCLES veth pairs are created, brought up and deleted in
# a namespace of this script's while `top -b --json` runs against it and
# `audit --interval` runs back to back, both under valgrind memcheck (or,
# when the binary is a sanitizer build, under its own ASan and UBSan).
#
#   bench/churn.sh [-c CYCLES] [-p PACE] [-b BINARY] [-o REPORT.md]
#
# -c  cycles (default 1000); -p seconds between cycles (default 0.02);
# -b  the nettune binary (default build/nettune);
# -o  append the figures as a Markdown section to REPORT.md.
# Exit 0 only when no run crashed or could not run (status 3 or above), the
# checker found 0 errors, 0 definitely lost bytes, and the namespace ended
# with the churned interfaces all gone.  Needs root, iproute2, valgrind.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cycles=1000 pace=0.02 nt=$top/build/nettune report=
while getopts c:p:b:o: opt; do
	case $opt in
	c) cycles=$OPTARG ;;
	p) pace=$OPTARG ;;
	b) nt=$OPTARG ;;
	o) report=$OPTARG ;;
	*) echo "usage: $0 [-c CYCLES] [-p PACE] [-b BINARY] [-o REPORT.md]" >&2; exit 3 ;;
	esac
done
[ -x "$nt" ] || { echo "churn: $nt: not built (make)" >&2; exit 3; }

ns=nt-churn-$$
dir=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
ip netns add "$ns" || exit 3
ip -n "$ns" link set lo up

# checked LOG CMD...: exec CMD under the memory checker (so a background
# job's pid is the program's own).  valgrind counts definite
# leaks as errors (exit 99); a sanitizer build halts on its first report
# with the same status.
if ldd "$nt" | grep -q libasan; then
	checker=asan
	export ASAN_OPTIONS=detect_leaks=1:exitcode=99 UBSAN_OPTIONS=halt_on_error=1:exitcode=99
	checked() { shift; exec ip netns exec "$ns" "$@"; }
else
	checker=valgrind
	checked() {
		local log=$1
		shift
		exec ip netns exec "$ns" valgrind --quiet --error-exitcode=99 \
			--suppressions="$(dirname "$0")/../tests/valgrind/libbpf.supp" \
			--leak-check=full --errors-for-leak-kinds=definite \
			--show-leak-kinds=definite --log-file="$log" "$@"
	}
fi

# top until the churn is over (SIGTERM ends it cleanly), frames counted
checked "$dir/top.vg" "$nt" top -b --json -d 0.2 >"$dir/top.out" 2>"$dir/top.err" &
top_pid=$!
pids+=("$top_pid")

# audits back to back until the churn is over
(
	n=0 bad=0
	while [ ! -e "$dir/stop" ]; do
		n=$((n + 1))
		( checked "$dir/audit.$n.vg" "$nt" audit --interval 0.2 --json \
			>/dev/null 2>"$dir/audit.$n.err" )
		st=$?
		if [ "$st" -ge 3 ]; then
			bad=$((bad + 1))
			echo "audit run $n: status $st: $(head -c 300 "$dir/audit.$n.err")" >&2
		fi
	done
	echo "$n $bad" >"$dir/audits"
) &
audits_pid=$!
pids+=("$audits_pid")

# the churn starts once top has shown a frame: its first look holds the
# namespace as it was, every later tick sees interfaces come and go
for _ in $(seq 600); do
	[ -s "$dir/top.out" ] && break
	kill -0 "$top_pid" 2>/dev/null || break
	sleep 0.1
done
[ -s "$dir/top.out" ] || { echo "churn: top showed no frame: $(head -c 300 "$dir/top.err")" >&2; exit 3; }
start=$(date +%s.%N)
for ((i = 1; i <= cycles; i++)); do
	printf 'link add c%d type veth peer name d%d\nlink set c%d up\nlink set d%d up\nlink del c%d\n' \
		"$i" "$i" "$i" "$i" "$i"
	sleep "$pace"
done | ip -n "$ns" -batch - || { echo "churn: ip -batch failed" >&2; exit 3; }
churn_s=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
touch "$dir/stop"
wait "$audits_pid"
kill -TERM "$top_pid"
wait "$top_pid"
top_st=$?
pids=()

left=$(ip -n "$ns" -o link show | grep -c ' [cd][0-9]*[@:]')
read -r audits audits_bad <"$dir/audits"
frames=$(wc -l <"$dir/top.out")
bad_frames=$(jq -c . <"$dir/top.out" 2>&1 >/dev/null | wc -l)
errors=0 lost=0
if [ "$checker" = valgrind ]; then
	# --quiet: a log holds nothing but what memcheck found
	errors=$(cat "$dir"/*.vg | grep -c '^==[0-9]*== [A-Z0-9]')
	lost=$(cat "$dir"/*.vg | sed -n 's/^==[0-9]*== \([0-9,]*\) bytes in .* definitely lost.*/\1/p' |
		tr -d , | awk '{ s += $1 } END { print s + 0 }')
fi

fail=0
[ "$top_st" -lt 3 ] || { echo "top: status $top_st: $(head -c 300 "$dir/top.err")" >&2; fail=1; }
[ "$audits_bad" -eq 0 ] || fail=1
[ "$errors" -eq 0 ] && [ "$lost" -eq 0 ] || { cat "$dir"/*.vg >&2; fail=1; }
[ "$bad_frames" -eq 0 ] || { echo "top wrote $bad_frames lines that are not JSON" >&2; fail=1; }
[ "$left" -eq 0 ] || { echo "$left churned interfaces left in $ns" >&2; fail=1; }
[ "$frames" -gt 0 ] && [ "$audits" -gt 0 ] || { echo "no frames or no audits ran" >&2; fail=1; }

summary="$cycles cycles in ${churn_s} s under $checker: top $frames frames (status $top_st), $audits audits ($audits_bad could not run), $errors errors, $lost bytes definitely lost"
echo "churn: $summary"
if [ -n "$report" ]; then
	{
		echo
		echo "### Interface churn ($(date -u +%Y-%m-%d), \`bash bench/churn.sh -c $cycles -p $pace -b ${nt#"$top"/}\`)"
		echo
		echo "| cycles | seconds | checker | top frames | top status | audits | could not run | errors | definitely lost |"
		echo "|---|---|---|---|---|---|---|---|---|"
		echo "| $cycles | $churn_s | $checker | $frames | $top_st | $audits | $audits_bad | $errors | $lost |"
	} >>"$report"
fi
exit "$fail"
