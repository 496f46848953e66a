#!/bin/bash
# bench/top.sh [host|PAIRS|synthetic]: what one tick of `nettune top`
# costs, against the standard tools reading the same counters and against
# prometheus-node-exporter's scrape of them, all in the same run:
#   host       this machine's own namespace;
#   PAIRS      a namespace with PAIRS veth pairs (default 1000), every link
#              up (so each has its noqueue qdisc, as on a real host);
#   synthetic  a --root tree of 256 CPUs and 2000 NIC IRQ lines made by
#              bench/mkroot.py, plus the same at 64 x 500 and 128 x 1000 to
#              check that a tick costs ~ CPUs x IRQs, not worse.
# CPU per tick = (CPU of -n 110 - CPU of -n 10) / 100 at -d 0.1: the
# start-up (the one full look at the configuration) cancels out; median of
# REPS runs (default 3).  Prints Markdown.  Needs root, hyperfine, strace,
# curl, jq, python3, prometheus-node-exporter; valgrind is optional.
set -euo pipefail
what=${1:-1000}
reps=${REPS:-3}
dir=
case $what in
host | synthetic) pairs=host ;;
*[!0-9]* | '')
	echo "usage: bench/top.sh [host|PAIRS|synthetic]" >&2
	exit 2 ;;
*) pairs=$what ;;
esac
# A scrape of the synthetic tree takes seconds: 5 are enough there.
scrapes=${SCRAPES:-$([ "$what" = synthetic ] && echo 5 || echo 20)}
. "$(dirname "$0")/lib.sh"
nt=${NETTUNE:-$nt}

# lib.sh's trap, and the exporter and the synthetic trees besides.
ne_pid= trees=()
cleanup() {
	[ -n "$ne_pid" ] && kill "$ne_pid" 2>/dev/null && wait "$ne_pid" 2>/dev/null
	[ "$pairs" = host ] || ip netns del "$ns" 2>/dev/null || true
	rm -rf "$out" "${trees[@]}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The namespace of lib.sh, every link up, lo too (for the exporter).
pre=()
if [ "$pairs" != host ]; then
	pre=(ip netns exec "$ns")
	{
		echo "link set lo up"
		for ((i = 0; i < pairs; i++)); do
			echo "link set b$i up"
			echo "link set c$i up"
		done
	} | ip -n "$ns" -batch -
fi

# rusage CMD...: run CMD in the namespace under GNU time, output to
# /dev/null; prints "user_ms sys_ms maxrss_kib": CPU from wait4(2) in
# microseconds (GNU time prints hundredths; its own few hundred µs are in
# it), peak RSS as GNU time's %M.
rusage() {
	"${pre[@]}" python3 -c '
import os, sys
out, argv = sys.argv[1], sys.argv[2:]
err = open(out + ".err", "w")
pid = os.fork()
if pid == 0:
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.dup2(err.fileno(), 2)
    os.execv("/usr/bin/time", ["time", "-f", "%M", "-o", out + ".rss"] + argv)
_, status, ru = os.wait4(pid, 0)
code = os.waitstatus_to_exitcode(status)
if code:
    sys.exit(f"{argv}: exit {code}: " + open(out + ".err").read())
rss = open(out + ".rss").read().split()[-1]
print(f"{ru.ru_utime * 1e3:.3f} {ru.ru_stime * 1e3:.3f} {rss}")
' "$out/ru" "$@"
}

# tick_cost NAME ARGS...: CPU ms per tick of `nettune top -b ARGS` (median
# of $reps pairs of runs), peak RSS of the short and the long run; keeps
# "ms min max rss10 rss110" in $out/tick.NAME.
tick_cost() {
	local name=$1 r u s rss short long rs rl
	shift
	: > "$out/ticks"
	for ((r = 0; r < reps; r++)); do
		read -r u s rs < <(rusage "$nt" top -b -n 10 -d 0.1 "$@")
		short=$(awk -v u="$u" -v s="$s" 'BEGIN{print u + s}')
		read -r u s rl < <(rusage "$nt" top -b -n 110 -d 0.1 "$@")
		long=$(awk -v u="$u" -v s="$s" 'BEGIN{print u + s}')
		awk -v a="$long" -v b="$short" 'BEGIN{print (a - b) / 100}' \
			>> "$out/ticks"
	done
	sort -g "$out/ticks" | awk -v rs="$rs" -v rl="$rl" '
		{ v[NR] = $1 }
		END { printf "%.3f %.3f %.3f %s %s\n", v[int((NR + 1) / 2)],
			     v[1], v[NR], rs, rl }' > "$out/tick.$name"
}

# tick_row NAME LABEL: a table row from tick_cost's figures.
tick_row() {
	local ms lo hi rs rl
	read -r ms lo hi rs rl < "$out/tick.$1"
	printf '| %s | %s (%s–%s) | %s (-n 10: %s) |\n' "$2" "$ms" "$lo" "$hi" \
		"$rl" "$rs"
	echo "$ms" > "$out/cpu.$1"
}

# std_row NAME CMD...: hyperfine mean CPU (user + sys) of CMD, 20 runs in
# the namespace, and its peak RSS; keeps the CPU ms in $out/cpu.NAME.
std_row() {
	local name=$1 ms u s rss
	shift
	"${pre[@]}" hyperfine -N -w 3 -r 20 --export-json "$out/h.json" \
		"$*" > /dev/null 2>&1
	ms=$(jq -r '.results[0] | (.user + .system) * 1000 | . * 100 | round / 100' \
		"$out/h.json")
	read -r u s rss < <(rusage "$@")
	label=$*
	[ -z "$dir" ] || label=${label//$dir/DIR}
	printf '| `%s` | %s | %s |\n' "$label" "$ms" "$rss"
	echo "$ms" > "$out/cpu.$name"
}

# per_tick_line ARGS...: what one tick of `nettune top -b -d 0.1 ARGS` does,
# from runs of 3 and 13 ticks: syscalls and opens (strace -c) and, on the
# host, heap allocations (valgrind; it is slow).
strace_run() {	# strace_run N ARGS...: strace -c of N ticks in $out/strace.N
	"${pre[@]}" strace -f -c -o "$out/strace.$1" "$nt" top -b -n "$1" \
		-d 0.1 "${@:2}" > /dev/null 2>&1
}
calls() {	# calls SYSCALL: (calls in 13 ticks - calls in 3) / 10
	local n3 n13
	n3=$(awk -v w="$1" '$NF == w {n = $4} END {print n + 0}' "$out/strace.3")
	n13=$(awk -v w="$1" '$NF == w {n = $4} END {print n + 0}' "$out/strace.13")
	awk -v a="$n13" -v b="$n3" 'BEGIN{print (a - b) / 10}'
}
allocs() {	# allocs N ARGS...: valgrind's count of heap allocations
	"${pre[@]}" valgrind --tool=memcheck "$nt" top -b -n "$1" -d 0.1 \
		"${@:2}" 2>&1 > /dev/null |
		sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p' | tr -d ,
}
per_tick_line() {
	local a3 a13
	strace_run 3 "$@"
	strace_run 13 "$@"
	printf 'Per tick (strace -f -c, -n 13 minus -n 3, / 10): %s syscalls, of which %s openat, %s read, %s pread64' \
		"$(calls total)" "$(calls openat)" "$(calls read)" "$(calls pread64)"
	if [ "$what" = host ] && command -v valgrind > /dev/null; then
		a3=$(allocs 3 "$@")
		a13=$(allocs 13 "$@")
		printf '; heap allocations (valgrind memcheck, "total heap usage"): %s at -n 3, %s at -n 13, so %s per tick' \
			"$a3" "$a13" \
			"$(awk -v a="$a13" -v b="$a3" 'BEGIN{print (a - b) / 10}')"
	fi
	echo
}

# exporter_row [FLAGS...]: prometheus-node-exporter with the collectors of
# the same counters, in the namespace on 127.0.0.1; CPU per scrape from its
# /proc/PID/stat utime + stime over $scrapes scrapes after 3 warm-ups, and
# its VmHWM.  Keeps the CPU ms in $out/cpu.exporter.
exporter_row() {
	local port=$((19100 + $$ % 800)) url t0 t1 hz ms hwm lines i
	url=http://127.0.0.1:$port/metrics
	"${pre[@]}" prometheus-node-exporter \
		--web.listen-address="127.0.0.1:$port" \
		--collector.disable-defaults --collector.netdev \
		--collector.softnet --collector.netstat --collector.sockstat \
		--collector.interrupts "$@" > "$out/ne.log" 2>&1 &
	ne_pid=$!
	for ((i = 0; i < 100; i++)); do
		"${pre[@]}" curl -sf -o /dev/null "$url" && break
		sleep 0.1
	done
	for ((i = 0; i < 2; i++)); do	# with the one above and below: 4
		"${pre[@]}" curl -sf -o /dev/null "$url"
	done
	lines=$("${pre[@]}" curl -sf "$url" | grep -vc '^#')
	sleep 1
	hz=$(getconf CLK_TCK)
	t0=$(awk '{print $14 + $15}' "/proc/$ne_pid/stat")
	for ((i = 0; i < scrapes; i++)); do
		"${pre[@]}" curl -sf -o /dev/null "$url"
	done
	sleep 1	# the garbage collection after the last scrape
	t1=$(awk '{print $14 + $15}' "/proc/$ne_pid/stat")
	hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$ne_pid/status")
	kill "$ne_pid"
	wait "$ne_pid" 2>/dev/null || true
	ne_pid=
	ms=$(awk -v a="$t0" -v b="$t1" -v hz="$hz" -v n="$scrapes" \
		'BEGIN{printf "%.1f", (b - a) * 1000 / hz / n}')
	printf '| prometheus-node-exporter, one scrape (%s samples) | %s | %s |\n' \
		"$lines" "$ms" "$hwm"
	echo "$ms" > "$out/cpu.exporter"
}

sum_std() {
	cat "$@" | awk '{s += $1} END {printf "%.2f", s}'
}

ratio_to() {	# ratio A B, two decimals when small
	awk -v a="$(cat "$out/cpu.$1")" -v b="$(cat "$out/cpu.$2")" \
		'BEGIN{ if (b <= 0) print "inf"; else if (a / b < 10)
			printf "%.2f", a / b; else printf "%.0f", a / b }'
}

check_top() {	# nettune top must run before anything is measured
	if ! "${pre[@]}" "$nt" top -b -n 2 -d 0.1 "$@" > "$out/first" 2>&1; then
		echo "bench/top.sh: \`nettune top -b -n 2 -d 0.1 $*\` fails:" >&2
		cat "$out/first" >&2
		exit 1
	fi
}

header='| what | CPU ms per tick | peak RSS KiB |'
rule='|---|---|---|'
files=(/proc/net/softnet_stat /proc/interrupts /proc/softirqs /proc/net/snmp
       /proc/net/netstat)

if [ "$what" != synthetic ]; then
	[ "${SKIP_TOP:-}" ] || check_top
	where=$([ "$pairs" = host ] && echo "this machine's namespace" ||
		echo "$pairs veth pairs, every link up")
	ncpu=$(nproc)
	nirq=$(grep -c '^ *[0-9]*:' /proc/interrupts)
	echo "### nettune top, one tick: $n_if interfaces ($where), $ncpu CPUs, $nirq IRQ lines, $(date -u +%F)"
	echo
	echo "$header"
	echo "$rule"
	if [ -z "${SKIP_TOP:-}" ]; then
		tick_cost top
		tick_cost json --json
		tick_cost idle -z
		tick_row top "nettune top -b, one tick (median, min–max of $reps)"
		tick_row json "nettune top -b --json, one tick"
		tick_row idle "nettune top -b -z (idle rows hidden), one tick"
	fi
	std_row ip ip -s link show
	std_row tc tc -s qdisc show
	std_row nstat nstat -az
	std_row cat cat "${files[@]}"
	std_row dev cat /proc/net/dev
	std_row ss ss -lnt
	echo "| standard tools, sum | $(sum_std "$out"/cpu.{ip,tc,nstat,cat,dev,ss}) | |"
	sum_std "$out"/cpu.{ip,tc,nstat,cat,dev,ss} > "$out/cpu.std"
	exporter_row
	echo
	echo "(CPU = user + sys. nettune top: (CPU of \`-b -n 110 -d 0.1\` − CPU of"
	echo "\`-n 10\`) / 100, so its start-up, the one full look, cancels out;"
	echo "peak RSS of the 110-tick run (of the 10-tick run in brackets). Standard"
	echo "tools: hyperfine mean of 20 runs each. node-exporter: its own CPU"
	echo "(/proc/PID/stat) per scrape, mean of $scrapes after 4 warm-up scrapes;"
	echo "collectors netdev (by netlink, its default), softnet, netstat,"
	echo "sockstat, interrupts; its peak RSS is VmHWM.)"
	echo
	if [ -z "${SKIP_TOP:-}" ]; then
		echo "CPU ratio standard tools (sum) / nettune top: $(ratio_to std top)x;" \
		     "node-exporter / nettune top: $(ratio_to exporter top)x;" \
		     "--json / text: $(ratio_to json top)x;" \
		     "standard tools / top -z: $(ratio_to std idle)x"
		echo
		per_tick_line
	fi
	exit 0
fi

# synthetic: trees of CPUS x IRQS; the largest is the case itself.
sizes=("64 500" "128 1000" "256 2000")
for size in "${sizes[@]}"; do
	read -r c i <<< "$size"
	dir=$(mktemp -d "/tmp/nt-bench-root-$c-$i.XXXXXX")
	trees+=("$dir")
	python3 "$top/bench/mkroot.py" "$dir" "$c" "$i"
	got=$("$nt" show --json --root "$dir" |
	      jq '[.interfaces[] | .irqs | length] | add')
	if [ "$got" != "$i" ]; then
		echo "bench/top.sh: nettune show --root $dir sees $got NIC IRQs, not $i" >&2
		exit 1
	fi
done
dir=${trees[-1]}
nirq=$(grep -c '^ *[0-9]*:' "$dir/proc/interrupts")
[ "${SKIP_TOP:-}" ] || check_top --root "$dir"
echo "### nettune top, one tick: synthetic --root tree of 256 CPUs, 8 NICs with 2000 queue IRQs ($nirq IRQ lines), $(date -u +%F)"
echo
echo "$header"
echo "$rule"
if [ -z "${SKIP_TOP:-}" ]; then
	tick_cost top --root "$dir"
	tick_cost json --json --root "$dir"
	tick_row top "nettune top -b --root, one tick (median, min–max of $reps)"
	tick_row json "nettune top -b --json --root, one tick"
fi
std_row cat cat "${files[@]/#/$dir}"
std_row dev cat "$dir/proc/net/dev"
sum_std "$out"/cpu.{cat,dev} > "$out/cpu.std"
exporter_row --path.procfs "$dir/proc" --path.sysfs "$dir/sys" \
	--no-collector.netdev.netlink
echo
echo "(CPU = user + sys. nettune top: (CPU of \`-b -n 110 -d 0.1 --root DIR\`"
echo "− CPU of \`-n 10\`) / 100; peak RSS of the 110-tick run (of the 10-tick"
echo "run in brackets). The tree never changes, so every rate is 0: this is"
echo "the cost of reading and parsing. Standard tools here: only the \`cat\`"
echo "of the tree's files (hyperfine, 20 runs), regular files, so the"
echo "kernel's cost of printing a real /proc file is in neither figure."
echo "node-exporter reads the same tree (--path.procfs, --path.sysfs, netdev"
echo "from proc/net/dev): its own CPU per scrape, mean of $scrapes after 4"
echo "warm-up scrapes; VmHWM.)"
echo
if [ -z "${SKIP_TOP:-}" ]; then
	echo "CPU ratio cat of the files / nettune top: $(ratio_to std top)x;" \
	     "node-exporter / nettune top: $(ratio_to exporter top)x;" \
	     "--json / text: $(ratio_to json top)x"
	echo
	per_tick_line --root "$dir"
	echo
	echo "Linearity: one tick (text) against CPUs × IRQ lines:"
	echo
	echo '| CPUs × NIC IRQs | cells | CPU ms per tick | µs per 1000 cells | peak RSS KiB |'
	echo '|---|---|---|---|---|'
	for k in "${!sizes[@]}"; do
		read -r c i <<< "${sizes[$k]}"
		if [ "$k" -eq $((${#sizes[@]} - 1)) ]; then
			cp "$out/tick.top" "$out/tick.lin$k"
		else
			tick_cost "lin$k" --root "${trees[$k]}"
		fi
		read -r ms lo hi rs rl < "$out/tick.lin$k"
		printf '| %s × %s | %s | %s | %s | %s |\n' "$c" "$i" $((c * i)) \
			"$ms" "$(awk -v m="$ms" -v n=$((c * i)) \
				'BEGIN{printf "%.3f", m * 1e6 / n}')" "$rl"
	done
fi
