#!/bin/bash
# bench/show.sh [PAIRS]: cost of a whole-host read with `nettune show --json`
# against the standard tools gathering the same facts, in a namespace with
# PAIRS veth pairs (default 1000, so 2000 interfaces).  Prints a Markdown
# section for BENCHMARKS.md.
set -euo pipefail
pairs=${1:-1000}
. "$(dirname "$0")/lib.sh"

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

echo "### nettune show --json, $n_if interfaces ($pairs veth pairs), $(date -u +%F)"
echo
echo "hyperfine (wall, mean ± σ of 20 runs, run inside the namespace, so"
echo "\`ip netns exec\` is not timed):"
echo
hyperfine_table "$nt show --json" "ip -s -j link show" "tc -s -j qdisc show"
echo
echo "GNU time, one run each (CPU = user + sys):"
echo
echo '| what | wall s | CPU s | peak RSS KiB |'
echo '|---|---|---|---|'
measure nettune "$nt" show --json
measure standard bash "$out/std.sh"
in_ns strace -f -c -o "$out/strace" "$nt" show --json > /dev/null 2>&1
syscalls=$(awk '/total/ {print $4}' "$out/strace")
echo
echo "(standard = ip -s -j link, tc -s -j qdisc, ethtool -g and -l per device)"
echo
echo "CPU ratio standard / nettune: $(ratio standard nettune)x;" \
     "syscalls of one nettune show --json (strace -c): $syscalls"
