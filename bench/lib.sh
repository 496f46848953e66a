# Shared by the benchmarks: a namespace with PAIRS veth pairs and a
# GNU-time measurement.  Source it after setting `pairs`; needs root,
# hyperfine, GNU time and strace.
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

# measure NAME CMD...: one run under GNU time inside the namespace; prints a
# Markdown row (wall, CPU = user + sys, peak RSS) and keeps the CPU seconds
# in $out/cpu.NAME for ratios.
measure() {
	local name=$1
	shift
	in_ns /usr/bin/time -f '%e %U %S %M' -o "$out/t" "$@" > /dev/null 2>&1 || true
	read -r wall user sys rss < "$out/t"
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.3f", u+s}')
	printf '| %s | %s | %s | %s |\n' "$name" "$wall" "$cpu" "$rss"
	echo "$cpu" > "$out/cpu.$name"
}

# ratio A B: CPU of measurement A divided by that of B
ratio() {
	awk -v a="$(cat "$out/cpu.$1")" -v b="$(cat "$out/cpu.$2")" \
		'BEGIN{ if (b > 0) printf "%.1f", a/b; else print "inf" }'
}

# hyperfine_table CMD...: mean and σ of 20 runs inside the namespace
hyperfine_table() {
	in_ns hyperfine -N -w 3 -r 20 --export-json "$out/h.json" "$@" \
		> /dev/null 2>&1
	echo '| command | mean ms | σ ms |'
	echo '|---|---|---|'
	jq -r '.results[] | "| `\(.command | sub("^.*/nettune"; "nettune"))` | \(.mean*1000 | .*10|round/10) | \(.stddev*1000 | .*10|round/10) |"' "$out/h.json"
}
