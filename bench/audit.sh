#!/bin/bash
# bench/audit.sh [PAIRS|host]: cost of one `nettune audit` excluding its
# interval (two looks 10 ms apart plus the checks: the sleep costs no CPU)
# against the standard tools gathering the same counters once, in a
# namespace with PAIRS veth pairs (default 1000) or, with "host", in this
# machine's own namespace.  Prints Markdown.
set -euo pipefail
pairs=${1:-1000}
. "$(dirname "$0")/lib.sh"

# What a person runs to get the same counters: nstat, ip -s, tc -s,
# ethtool -S per device and the /proc files.
cat > "$out/std.sh" <<'SH'
nstat -az > /dev/null
ip -s -j link show > /dev/null
tc -s -j qdisc show > /dev/null
cat /proc/net/softnet_stat /proc/interrupts /proc/softirqs \
    /proc/net/sockstat /proc/net/snmp /proc/net/netstat > /dev/null
ss -lnt > /dev/null
for d in /sys/class/net/*; do
	ethtool -S "${d##*/}" > /dev/null 2>&1
done
exit 0
SH

where=$([ "$pairs" = host ] && echo "this machine's namespace" || echo "$pairs veth pairs")
echo "### nettune audit, $n_if interfaces ($where), $(date -u +%F)"
echo
cpu_table "audit=$nt audit --json --interval 0.01" \
	  "audit0=$nt audit --json --interval 0" \
	  "standard=bash $out/std.sh"
echo
echo "(audit = two looks 10 ms apart and every check, the sleep excluded from"
echo "CPU; audit0 = one look, --interval 0; standard = nstat -az, ip -s -j link,"
echo "tc -s -j qdisc, ss -lnt, cat of six /proc files, ethtool -S per device,"
echo "once)"
echo
echo "CPU ratio standard / audit: $(ratio standard audit)x"
