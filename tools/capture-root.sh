#!/bin/sh
# capture-root.sh DIR: copy what nettune reads from procfs and sysfs into
# DIR, keeping the paths, so `nettune show --root DIR` (or audit) can read
# this host later, elsewhere.  Read-only on the host; needs no privilege
# except for files only root may read.
set -eu
[ $# -eq 1 ] || { echo "usage: capture-root.sh DIR" >&2; exit 3; }
out=$1
mkdir -p "$out"

copy() {	# copy one file's contents, if it can be read
	[ -f "$1" ] || return 0
	mkdir -p "$out$(dirname "$1")"
	cat "$1" > "$out$1" 2>/dev/null || rm -f "$out$1"
}

relink() {	# recreate a symlink with the same (relative) target
	[ -L "$1" ] || return 0
	mkdir -p "$out$(dirname "$1")"
	ln -sfn "$(readlink "$1")" "$out$1"
}

for f in /proc/interrupts /proc/softirqs /proc/uptime \
	 /proc/sys/kernel/hostname /proc/sys/kernel/osrelease; do
	copy "$f"
done
for f in softnet_stat netstat snmp snmp6 sockstat sockstat6; do
	[ -f "/proc/net/$f" ] || continue
	mkdir -p "$out/proc/net"
	cat "/proc/net/$f" > "$out/proc/net/$f"
done
for d in /proc/sys/net/core /proc/sys/net/ipv4 /proc/sys/net/netfilter; do
	[ -d "$d" ] || continue
	for f in "$d"/*; do copy "$f"; done
done
for d in /proc/irq/[0-9]*; do
	for f in smp_affinity_list effective_affinity_list node; do
		copy "$d/$f"
	done
done
for p in $(pgrep -x irqbalance 2>/dev/null || true); do
	copy "/proc/$p/comm"
done

for f in present online possible; do copy "/sys/devices/system/cpu/$f"; done
for c in /sys/devices/system/cpu/cpu[0-9]*; do
	for f in core_id physical_package_id thread_siblings_list; do
		copy "$c/topology/$f"
	done
done
for n in /sys/devices/system/node/node[0-9]*; do copy "$n/cpulist"; done

for link in /sys/class/net/*; do
	[ -L "$link" ] || continue
	relink "$link"
	real=$(readlink -f "$link")
	for f in ifindex mtu tx_queue_len operstate speed duplex; do
		copy "$real/$f"
	done
	for q in "$real"/queues/*; do
		for f in rps_cpus rps_flow_cnt xps_cpus; do copy "$q/$f"; done
	done
	[ -L "$real/device" ] || continue
	relink "$real/device"
	dev=$(readlink -f "$real/device")
	for d in "$dev" "$(dirname "$dev")"; do
		copy "$d/numa_node"
		relink "$d/driver"
		[ -L "$d/driver" ] && mkdir -p "$out$(readlink -f "$d/driver")"
		[ -d "$d/msi_irqs" ] || continue
		mkdir -p "$out$d/msi_irqs"
		for i in "$d"/msi_irqs/*; do : > "$out$i"; done
	done
done
