#!/bin/bash
# bench/show.sh [PAIRS]: cost of a whole-host read with `nettune show --json`
# against the standard tools gathering the same facts, in a namespace with
# PAIRS veth pairs (default 1000, so 2000 interfaces).  Prints a Markdown
# section; `make bench` appends nothing by itself: paste or redirect it into
# BENCHMARKS.md.  Needs root, hyperfine, GNU time and strace.
set -euo pipefail
pairs=${1:-1000}
top=$(cd "$(dirname "$0")/.." && pwd)
nt=$top/build/nettune
ns=nt-bench-$$
out=$(mktemp -d)
trap 'ip netns del "$ns" 2>/dev/null || true; rm -rf "$out"' EXIT

ip netns add "$ns"
for ((i = 0; i < pairs; i++)); do
	echo "link add b$i type veth peer name c$i"
done | ip -n "$ns" -batch -
in_ns() { ip netns exec "$ns" "$@"; }
n_if=$(in_ns ls /sys/class/net | wc -l)

# The standard tools: links with counters, qdiscs with counters, rings and
# channels per device (what `nettune show` reports besides sysfs/procfs).
cat > "$out/std.sh" <<'SH'
ip -s -j link show > /dev/null
tc -s -j qdisc show > /dev/null
for d in /sys/class/net/*; do
	ethtool -g "${d##*/}" > /dev/null 2>&1
	ethtool -l "${d##*/}" > /dev/null 2>&1
done
exit 0
SH

measure() {	# measure NAME CMD...: wall/user/sys/RSS by GNU time
	local name=$1
	shift
	in_ns /usr/bin/time -f '%e %U %S %M' -o "$out/t" "$@" > /dev/null 2>&1 || true
	read -r wall user sys rss < "$out/t"
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.3f", u+s}')
	printf '| %s | %s | %s | %s |\n' "$name" "$wall" "$cpu" "$rss"
	echo "$cpu" > "$out/cpu.$name"
}

# hyperfine itself runs inside the namespace, so `ip netns exec` (which
# remounts /sys) is not part of what is timed.
in_ns hyperfine -N -w 3 -r 20 --export-json "$out/h.json" \
	"$nt show --json" "ip -s -j link show" "tc -s -j qdisc show" \
	> /dev/null 2>&1
syscalls=$(in_ns strace -f -c -o "$out/strace" "$nt" show --json > /dev/null 2>&1;
	   awk '/^100.00/ || /total/ {print $4}' "$out/strace" | tail -1)

echo "### nettune show --json, $n_if interfaces ($pairs veth pairs), $(date -u +%F)"
echo
echo "hyperfine (wall, mean ± σ of 20 runs, run inside the namespace):"
echo
echo '| command | mean ms | σ ms |'
echo '|---|---|---|'
jq -r '.results[] | "| `\(.command | sub("^.*/nettune"; "nettune"))` | \(.mean*1000 | .*10|round/10) | \(.stddev*1000 | .*10|round/10) |"' "$out/h.json"
echo
echo "GNU time, one run each (CPU = user + sys):"
echo
echo '| what | wall s | CPU s | peak RSS KiB |'
echo '|---|---|---|---|'
measure "nettune show --json" "$nt" show --json
measure "standard tools (ip -s -j link, tc -s -j qdisc, ethtool -g and -l per device)" bash "$out/std.sh"
ratio=$(awk -v a="$(cat "$out/cpu.standard tools (ip -s -j link, tc -s -j qdisc, ethtool -g and -l per device)")" \
	-v b="$(cat "$out/cpu.nettune show --json")" 'BEGIN{ if (b > 0) printf "%.0f", a/b; else print "inf" }')
echo
echo "CPU ratio standard tools / nettune: ${ratio}x; syscalls of one nettune show --json (strace -c): $syscalls"
