# Shared by the benchmarks: a namespace with PAIRS veth pairs (or, with
# pairs=host, this machine's own namespace) and the measurements.  Source it
# after setting `pairs`; needs root, hyperfine, GNU time and strace.
top=$(cd "$(dirname "$0")/.." && pwd)
nt=$top/build/nettune
ns=nt-bench-$$
out=$(mktemp -d)
trap 'ip netns del "$ns" 2>/dev/null || true; rm -rf "$out"' EXIT

if [ "$pairs" = host ]; then
	in_ns() { "$@"; }
else
	ip netns add "$ns"
	for ((i = 0; i < pairs; i++)); do
		echo "link add b$i type veth peer name c$i"
	done | ip -n "$ns" -batch -
	in_ns() { ip netns exec "$ns" "$@"; }
fi
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

# cpu_table NAME=CMD...: wall and CPU (user + system) means of 20 runs by
# hyperfine (finer than GNU time's 10 ms), peak RSS of one run by GNU time;
# keeps the CPU milliseconds in $out/cpu.NAME for ratio.
cpu_table() {
	local spec names=() cmds=()
	for spec in "$@"; do
		names+=("${spec%%=*}")
		cmds+=("${spec#*=}")
	done
	in_ns hyperfine -N -w 2 -r 20 --export-json "$out/c.json" "${cmds[@]}" \
		> /dev/null 2>&1
	echo '| what | wall ms | CPU ms (user+sys) | peak RSS KiB |'
	echo '|---|---|---|---|'
	for i in "${!names[@]}"; do
		in_ns /usr/bin/time -f '%M' -o "$out/rss" ${cmds[$i]} > /dev/null 2>&1 || true
		jq -r --argjson i "$i" --arg name "${names[$i]}" --arg rss "$(tail -n 1 "$out/rss")" \
			'.results[$i] | "| \($name) | \(.mean*1000*10|round/10) | \((.user+.system)*1000*10|round/10) | \($rss) |"' \
			"$out/c.json"
		jq -r --argjson i "$i" '.results[$i] | (.user+.system)*1000' \
			"$out/c.json" > "$out/cpu.${names[$i]}"
	done
}
