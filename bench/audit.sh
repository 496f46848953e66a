#!/bin/bash
# bench/audit.sh [PAIRS]: cost of one `nettune audit` excluding its interval
# (two looks 10 ms apart plus the checks: the sleep costs no CPU) against the
# standard tools gathering the same counters once, in a namespace with PAIRS
# veth pairs (default 1000), and with no extra pairs.  Prints Markdown.
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

echo "### nettune audit, $n_if interfaces ($pairs veth pairs), $(date -u +%F)"
echo
echo '| what | wall s | CPU s | peak RSS KiB |'
echo '|---|---|---|---|'
measure audit "$nt" audit --json --interval 0.01
measure audit0 "$nt" audit --json --interval 0
measure standard bash "$out/std.sh"
echo
echo "(audit = two looks 10 ms apart and every check; audit0 = one look,"
echo "--interval 0; standard = nstat -az, ip -s -j link, tc -s -j qdisc, ss -lnt,"
echo "cat of six /proc files, ethtool -S per device, once)"
echo
echo "CPU ratio standard / audit: $(ratio standard audit)x"
