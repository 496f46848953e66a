#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Make the seed corpus tests/fuzz/corpus/HARNESS/ (committed; run again only
# to refresh it): the real-host captures of tests/fuzz/../fixtures, the
# shipped profiles, and what this host and a private network namespace give
# (/proc files, a snapshot, a plan and a recording made with the built
# binary, raw netlink replies of netlink-seeds.py).  As root.
#   sh tests/fuzz/seeds.sh [BUILD]        (default build)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
bin="$top/${1:-build}/nettune"
fx=tests/fixtures/real-hosts
out=tests/fuzz/corpus
ns="nt-fuzz-seeds-$$"
tmp=$(mktemp -d)
lpid=
cleanup() {
	[ -z "$lpid" ] || kill "$lpid" 2>/dev/null
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

if [ ! -x "$bin" ]; then
	echo "seeds.sh: $bin: build it first (make all)" >&2
	exit 3
fi
rm -rf "$out"
for h in softnet interrupts softirqs snmp sockstat cpumask snapshot plan \
	 recording profile names ethtool rtstats sockdiag; do
	mkdir -p "$out/fuzz_$h"
done

# put HARNESS NAME: standard input as one seed
put() { cat > "$out/fuzz_$1/$2"; }

# A namespace with veth pairs, a bridge, qdiscs with classes, listeners.
ip netns add "$ns"
in_ns() { ip netns exec "$ns" "$@"; }
ip -n "$ns" link set lo up
ip -n "$ns" link add nt0 numrxqueues 4 numtxqueues 4 type veth peer name nt1
ip -n "$ns" link add br0 type bridge
ip -n "$ns" link add nt2 type veth peer name nt3
ip -n "$ns" link set nt2 master br0
for d in nt0 nt1 nt2 nt3 br0; do ip -n "$ns" link set "$d" up; done
ip -n "$ns" addr add 10.78.0.1/24 dev nt0
in_ns tc qdisc replace dev nt0 root fq_codel 2>/dev/null || true
# (kinds this kernel lacks are left out)
in_ns tc qdisc replace dev nt1 root handle 1: htb default 10 2>/dev/null &&
	in_ns tc class add dev nt1 parent 1: classid 1:10 htb rate 10mbit
in_ns tc qdisc replace dev nt2 root tbf rate 1mbit burst 32k latency 50ms \
	2>/dev/null || true
in_ns tc qdisc add dev nt0 ingress 2>/dev/null || true
in_ns python3 -c '
import socket, time
s4 = socket.socket(); s4.bind(("127.0.0.1", 8080)); s4.listen(16)
s6 = socket.socket(socket.AF_INET6); s6.bind(("::1", 8443)); s6.listen(4)
open("'"$tmp"'/listening", "w").close()
time.sleep(60)' >/dev/null 2>&1 &
lpid=$!
while [ ! -e "$tmp/listening" ]; do sleep 0.1; done

# /proc text: fixtures, this host, the namespace
i=0
for f in $fx/softnet_stat/* /proc/net/softnet_stat; do
	i=$((i + 1)); put softnet "$i" < "$f"
done
i=0
for f in $fx/interrupts/*/interrupts1 $fx/interrupts/*/interrupts_short \
	 $fx/irq-layouts/*/interrupts $fx/servers/*/interrupts /proc/interrupts; do
	[ -f "$f" ] || continue
	i=$((i + 1)); put interrupts "$i" < "$f"
done
i=0
for f in $fx/softirqs/*/softirqs1 $fx/softirqs/*/softirqs3 /proc/softirqs; do
	i=$((i + 1)); put softirqs "$i" < "$f"
done
i=0
for f in $fx/proc_net_snmp/* /proc/net/snmp /proc/net/netstat \
	 /proc/net/snmp6; do
	i=$((i + 1)); put snmp "$i" < "$f"
done
in_ns cat /proc/net/snmp | put snmp ns-snmp
for f in sockstat sockstat6; do put sockstat "$f" < /proc/net/$f; done
put sockstat uptime < /proc/uptime

# CPU lists and masks: selector byte 0 list, 1 hex
for f in /sys/devices/system/cpu/present /sys/devices/system/cpu/online \
	 /sys/devices/system/cpu/cpu0/topology/thread_siblings_list \
	 /sys/devices/system/node/node0/cpulist; do
	[ -f "$f" ] || continue
	{ printf '\000'; cat "$f"; } | put cpumask "list-$(basename "$f")"
done
i=0
for l in "0-3,8,10-11" "" "0,2,4,6" "1023" " 0-1 "; do
	i=$((i + 1)); printf '\000%s' "$l" | put cpumask "list-$i"
done
for f in $(ls /proc/irq/*/smp_affinity | head -n 3) \
	 /sys/class/net/lo/queues/rx-0/rps_cpus; do
	{ printf '\001'; cat "$f"; } | put cpumask "hex-$(echo "$f" | tr / _)"
done
i=0
for m in "ff,ffffffff" "0" "00000001,00000000,00000000" " f "; do
	i=$((i + 1)); printf '\001%s' "$m" | put cpumask "hex-$i"
done

# names: selector 0 driver counters, 1 IRQ actions, 2 tc handles
i=0
for n in rx_queue_3_drops rx3_packets rx-3.packets tx_queue_0_drops \
	 queue_0_rx_drops "[3]: rx_discards" "rx_drops#2" rx_xdp_drop \
	 rx_missed_errors rx_no_buffer_count rx_ucast_packets; do
	i=$((i + 1)); printf '\000%s' "$n" | put names "drvstat-$i"
done
i=0
for n in eth0-TxRx-3 i40e-eth0-TxRx-1 mlx5_comp3@pci:0000:81:00.0 \
	 virtio2-input.0 eth0-tx-0-rx-3 i40e-0000:3b:00.0:fdir-TxRx-0 \
	 ens1f0-rx-2 "eth0, eth1" ens1f0-fp-7; do
	i=$((i + 1)); printf '\001%s' "$n" | put names "irq-$i"
done
i=0
for n in 1: ffff:0 8001:1 0:0 abcd:ef01; do
	i=$((i + 1)); printf '\002%s' "$n" | put names "tc-$i"
done

# documents the binary writes
in_ns "$bin" snapshot save "$tmp/ns.json" >/dev/null
put snapshot ns.json < "$tmp/ns.json"
# small ones too: the fuzzer runs many more of them a second
small='.snmp |= (to_entries[:10] | from_entries)
	| .sysctls |= (to_entries[:5] | from_entries)
	| .interrupts.lines |= .[:3] | .interfaces |= .[:3]'
jq -c "$small" "$tmp/ns.json" | put snapshot ns-small.json
jq -c "$small | .interfaces |= .[1:2]" "$tmp/ns.json" |
	put snapshot one-iface.json
"$bin" snapshot save "$tmp/host.json" --no-driver-stats >/dev/null
jq -c "$small" "$tmp/host.json" | put snapshot host-small.json
for p in profiles/*.conf; do
	put profile "$(basename "$p")" < "$p"
	name=$(basename "$p" .conf)
	in_ns "$bin" recommend "$name" -o "$tmp/$name.plan" >/dev/null || true
	[ -f "$tmp/$name.plan" ] && put plan "$name.json" < "$tmp/$name.plan"
done
printf '[main]\ninclude = throughput\n[rings nt*]\nrx = max 512\n' |
	put profile include.conf
printf '[sysctl driver=veth]\nnet.core.somaxconn = 4096\n' |
	put profile bad-match.conf
printf 'x\n' | in_ns "$bin" top --step --record "$tmp/rec.jsonl" \
	>/dev/null 2>&1 || true
[ -s "$tmp/rec.jsonl" ] && put recording ns.jsonl < "$tmp/rec.jsonl"
# the first look made small as above, with a few sample lines after it
{ head -n 1 "$tmp/rec.jsonl" | jq -c ".host |= ($small)"
  printf '%s\n' '{"t":1,"w":2,"u":3,"d":[1,5,2,-1]}' \
	'{"t":2,"w":3,"u":4,"d":[],"L":[[4,"127.0.0.1",80,0,128]]}'
} | put recording small.jsonl
head -n 1 "$out/fuzz_recording/small.jsonl" | put recording first-only.jsonl
jq -c '.host |= (.interfaces |= .[:1] | .interrupts.lines |= .[:1])' \
	"$out/fuzz_recording/first-only.jsonl" | put recording one-iface.jsonl
put recording drops.jsonl < tests/fixtures/top/drops.jsonl

# raw netlink replies
in_ns python3 tests/fuzz/netlink-seeds.py "$out"
# run.sh fuzzes with -max_len=16384 and would cut longer seeds anyway
find "$out" -type f -size +16k -delete
for h in "$out"/*; do echo "$(basename "$h"): $(ls "$h" | wc -l) seeds"; done
