#!/bin/bash
# bench/drops.sh: what watching drops costs.  bench/udpflood (sendmmsg of
# 64, THREADS threads) sends COUNT datagrams to a closed port on loopback
# inside a namespace this script makes: every one is a NO_SOCKET drop that
# the sender's own CPU frees.  The sender's CPU (user + system, getrusage)
# is measured REPS times each, interleaved:
#   none     nothing watches;
#   nettune  `nettune drops` attached (its BPF aggregator);
#   perf     `perf record -e skb:kfree_skb -a` (needs tracefs: mounted here
#            when it is not, and unmounted after).
# Added ns per drop = (median CPU with - median CPU without) / COUNT.  Also
# checks that no count is lost: the aggregator's total = datagrams sent =
# the kernel's Udp NoPorts, and reports the map's memory (bpftool).
# Prints Markdown.  Needs root, cc, jq, bpftool, perf (linux-perf).
#
#   COUNT=2000000 THREADS=2 REPS=3 NETTUNE=build/nettune bench/drops.sh
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
nt=${NETTUNE:-$top/build/nettune}
count=${COUNT:-2000000}
threads=${THREADS:-2}
reps=${REPS:-3}
ns=nt-bench-drops-$$
out=$(mktemp -d)
mounted_tracefs=
bg=
saved_stats=$(sysctl -n kernel.bpf_stats_enabled)

cleanup() {
	[ -z "$bg" ] || kill "$bg" 2>/dev/null || true
	wait 2>/dev/null || true
	ip netns del "$ns" 2>/dev/null || true
	[ -z "$mounted_tracefs" ] || umount /sys/kernel/tracing || true
	sysctl -qw kernel.bpf_stats_enabled="$saved_stats" || true
	rm -rf "$out"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cc -O2 -Wall -Wextra -Werror -pthread -o "$out/udpflood" "$top/bench/udpflood.c"
ip netns add "$ns"
ip -n "$ns" link set lo up
in_ns() { ip netns exec "$ns" "$@"; }

noports() { in_ns nstat -az UdpNoPorts | awk '$1 == "UdpNoPorts" { print $2 }'; }

# wait_for CMD...: until CMD succeeds (60 s at most)
wait_for() {
	local _
	for _ in $(seq 1200); do
		"$@" && return 0
		sleep 0.05
	done
	echo "bench/drops.sh: timed out waiting for: $*" >&2
	return 1
}

noports_reached() { [ "$(noports)" -ge "$1" ]; }

# The receive path runs in the sender's context (softirq on return from
# the send), unless the kernel defers it to ksoftirqd: their CPU counts too.
ksoftirqd=()
for p in /proc/[0-9]*; do
	case $(cat "$p/comm" 2>/dev/null) in
	ksoftirqd/*) ksoftirqd+=("$p/stat") ;;
	esac
done
hz=$(getconf CLK_TCK)
ksoftirqd_s() { cat "${ksoftirqd[@]}" | awk -v hz="$hz" '{ t += $14 + $15 } END { printf "%.2f", t / hz }'; }

# flood NAME: one run of the sender; its CPU seconds (user + system, plus
# ksoftirqd's during the run) go to $out/NAME.cpu
flood() {
	local line k0 k1
	k0=$(ksoftirqd_s)
	line=$(in_ns "$out/udpflood" 127.0.0.1 9 "$count" "$threads")
	k1=$(ksoftirqd_s)
	[ "$(awk '{ print $2 }' <<<"$line")" = "$count" ] ||
		{ echo "bench/drops.sh: sender: $line" >&2; exit 1; }
	awk -v k="$k0 $k1" '{ split(k, a, " "); printf "%.3f %.3f\n", $4 + $6 + a[2] - a[1], a[2] - a[1] }' \
		<<<"$line" >>"$out/$1.cpu"
}

run_none() { flood none; }

ready() { grep -qx ready "$out/ready" 2>/dev/null; }

run_nettune() {
	local before
	before=$(noports)
	: >"$out/ready"
	# ip netns exec execs nettune: $! is its pid
	ip netns exec "$ns" "$nt" drops --interval 3600 --json --ready-fd 5 \
		5>"$out/ready" >"$out/drops.json" 2>"$out/drops.err" &
	bg=$!
	wait_for ready
	bpftool -j map show name nt_drops >"$out/map.json"
	flood "${1:-nettune}"
	wait_for noports_reached $((before + count))
	[ -z "${2-}" ] || prog_ns nt_kfree_skb >"$2"
	# its own CPU (clock ticks) and peak RSS, before it ends
	awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f ", ($14 + $15) / hz }' \
		"/proc/$bg/stat" >>"$out/nt.self"
	awk '/^VmHWM:/ { print $2 }' "/proc/$bg/status" >>"$out/nt.self"
	kill -TERM "$bg"
	wait "$bg" || { echo "bench/drops.sh: nettune drops failed ($?): $(cat "$out/drops.err")" >&2; exit 1; }
	bg=
	jq -r --argjson sent "$count" --argjson kernel "$(($(noports) - before))" \
		'"\([.drops[] | select(.reason == "NO_SOCKET") | .count] | add // 0) \($sent) \($kernel) \(.overflow) \(.missed) \([.drops[].count] | add // 0)"' \
		"$out/drops.json" >>"$out/counts"
}

run_perf() {
	local ctl=$out/perf.ctl ack=$out/perf.ack
	rm -f "$ctl" "$ack" "$out/perf.data"
	mkfifo "$ctl" "$ack"
	perf record -q -e skb:kfree_skb -a -D -1 \
		--control "fifo:$ctl,$ack" -o "$out/perf.data" \
		>/dev/null 2>"$out/perf.err" &
	bg=$!
	# enabled (and acknowledged) before the sender starts
	exec 6>"$ctl" 7<"$ack"
	echo enable >&6
	read -r -t 60 _ <&7
	flood perf
	echo disable >&6
	read -r -t 60 _ <&7
	exec 6>&- 7<&-
	# perf's own CPU so far (it has written every sample by now)
	awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f\n", ($14 + $15) / hz }' \
		"/proc/$bg/stat" >>"$out/perf.self"
	kill -INT "$bg" 2>/dev/null || true
	wait "$bg" || true
	bg=
	stat -c %s "$out/perf.data" >>"$out/perf.bytes"
	perf report -i "$out/perf.data" --stats 2>/dev/null |
		awk '/SAMPLE events:/ { s = $3 } /LOST/ { l += $3 } END { print s + 0, l + 0 }' \
		>>"$out/perf.samples"
	rm -f "$out/perf.data"
}

if [ -z "$(ls -A /sys/kernel/tracing 2>/dev/null)" ]; then
	mount -t tracefs tracefs /sys/kernel/tracing
	mounted_tracefs=1
fi

for ((r = 0; r < reps; r++)); do
	run_none
	run_nettune
	run_perf
done
# The program's own time per run, from the kernel's BPF statistics (on
# only for these extra runs: they cost two clock reads per run, so an
# empty program on the same tracepoint is measured too, as the floor):
# with its per-CPU slots, with the hash map only, and the empty one.
prog_ns() {
	bpftool -j prog show name "$1" |
		jq -r '(if type == "array" then .[0] else . end) | "\(.run_cnt) \(.run_time_ns) \(.recursion_misses // 0)"'
}
cat >"$out/empty.bpf.c" <<'BPF'
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
char LICENSE[] SEC("license") = "GPL";
SEC("tp_btf/kfree_skb")
int BPF_PROG(nt_empty, void *skb, void *location, unsigned int reason)
{
	return 0;
}
BPF
cat >"$out/load.c" <<'C'
#include <bpf/libbpf.h>
#include <stdio.h>
#include <unistd.h>
/* load and attach every program of argv[1], say "ready", wait for a signal */
int main(int argc, char **argv)
{
	struct bpf_object *o = argc > 1 ? bpf_object__open_file(argv[1], NULL) : NULL;
	struct bpf_program *p;

	if (!o || bpf_object__load(o))
		return 1;
	bpf_object__for_each_program(p, o)
		if (!bpf_program__attach(p))
			return 1;
	puts("ready");
	fflush(stdout);
	pause();
	return 0;
}
C
clang -g -O2 -target bpf -I"/usr/include/$(clang -print-multiarch)" -c \
	-o "$out/empty.bpf.o" "$out/empty.bpf.c"
cc -O2 -o "$out/load" "$out/load.c" -lbpf
run_empty() {
	"$out/load" "$out/empty.bpf.o" >"$out/ready" &
	bg=$!
	wait_for ready
	flood empty
	prog_ns nt_empty >"$out/stats.empty"
	kill "$bg"
	wait "$bg" 2>/dev/null || true
	bg=
}
sysctl -qw kernel.bpf_stats_enabled=1
run_nettune stats "$out/stats.slots"
NETTUNE_DROPS_SLOTS=0 run_nettune stats "$out/stats.hash"
run_empty
sysctl -qw kernel.bpf_stats_enabled="$saved_stats"

median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
per_drop() { awk -v a="$1" -v b="$2" -v n="$count" 'BEGIN { printf "%.0f", (a - b) / n * 1e9 }'; }

none=$(median "$out/none.cpu")
with_nt=$(median "$out/nettune.cpu")
with_perf=$(median "$out/perf.cpu")
nt_ns=$(per_drop "$with_nt" "$none")
perf_ns=$(per_drop "$with_perf" "$none")

echo "Sender: $count datagrams to a closed port on loopback, $threads threads,"
echo "sendmmsg of 64; median of $reps interleaved runs; kernel $(uname -r), $(nproc) CPUs."
echo
echo 'CPU = the sender'"'"'s user + system time plus ksoftirqd'"'"'s during the run'
echo "(ksoftirqd share per run: $(awk '{ print $2 }' "$out"/*.cpu | paste -sd' ') s)."
echo
echo '| watcher | CPU s (runs) | per datagram ns | added per drop ns | watcher own CPU s |'
echo '|---|---|---|---|---|'
runs() { awk '{ printf "%s%s", sep, $1; sep = " " }' "$1"; }
printf '| none | %s (%s) | %.0f | - | - |\n' "$none" "$(runs "$out/none.cpu")" \
	"$(awk -v a="$none" -v n="$count" 'BEGIN { print a / n * 1e9 }')"
printf '| nettune drops | %s (%s) | %.0f | %s | %s |\n' "$with_nt" \
	"$(runs "$out/nettune.cpu")" \
	"$(awk -v a="$with_nt" -v n="$count" 'BEGIN { print a / n * 1e9 }')" \
	"$nt_ns" "$(awk '{ print $1 }' "$out/nt.self" | paste -sd' ')"
printf '| perf record -e skb:kfree_skb -a | %s (%s) | %.0f | %s | %s |\n' "$with_perf" \
	"$(runs "$out/perf.cpu")" \
	"$(awk -v a="$with_perf" -v n="$count" 'BEGIN { print a / n * 1e9 }')" \
	"$perf_ns" "$(paste -sd' ' "$out/perf.self")"
echo
awk -v a="$perf_ns" -v b="$nt_ns" 'BEGIN {
	if (b > 0) printf "perf adds %.1fx what the aggregator adds per drop.\n", a / b
	else printf "the aggregator adds nothing measurable (%d ns); perf adds %d ns.\n", b, a }'
echo
echo 'Counts (per nettune run): NO_SOCKET counted, datagrams sent, Udp NoPorts'
echo 'delta, overflow, missed, all rows:'
echo
sed 's/^/    /' "$out/counts"
awk '$1 != $2 || $2 != $3 || $4 != 0 || $5 != 0 { bad = 1 } END {
	print bad ? "\nLOST COUNTS: the aggregator total differs" : "\n0 counts lost in every run." }' "$out/counts"
echo
echo "perf samples (SAMPLE events, LOST events) and perf.data bytes per run:"
paste -d' ' "$out/perf.samples" "$out/perf.bytes" | sed 's/^/    /'
echo
jq -r '(if type == "array" then .[0] else . end) | "Aggregator memory: hash map of \(.max_entries) keys, \(.bytes_memlock) bytes (bpftool bytes_memlock), preallocated, plus 2 KiB of slots per CPU: bounded."' \
	"$out/map.json"
echo
echo 'BPF program time per drop (kernel.bpf_stats_enabled, one extra run each;'
echo 'the empty program is the floor: the statistics'"'"' own clock reads and the'
echo 'dispatch to a tp_btf program):'
echo
echo '| program | runs | ns per drop | above the empty program | recursion misses |'
echo '|---|---|---|---|---|'
e=$(awk '{ printf "%.1f", $2 / $1 }' "$out/stats.empty")
for k in slots hash empty; do
	awk -v k="$k" -v e="$e" '{ v = $2 / $1; printf "| %s | %d | %.1f | %s | %d |\n", k, $1, v, k == "empty" ? "-" : sprintf("%.1f", v - e), $3 }' \
		"$out/stats.$k"
done
echo
echo "nettune drops peak RSS KiB: $(awk '{ print $2 }' "$out/nt.self" | sort -n | tail -1)"
