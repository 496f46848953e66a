#!/bin/sh
# nettune VM lab: what a network namespace cannot show (resizable NIC
# rings, one MSI-X IRQ per queue, several queues, several NUMA nodes), on
# real kernel drivers in throwaway QEMU guests (software emulation, TCG).
#
#   sh tests/vm/run.sh [--keep] [SCENARIO...]   run the lab (default: all)
#   sh tests/vm/run.sh --check-deps             0 when the lab can run,
#                                               else 1 and the reason on stdout
#   sh tests/vm/run.sh --list                   the scenarios
#
# Scenarios: e1000e irq numa audit (see tests/vm/README.md).  Each boots
# Debian's packaged kernel with a busybox initramfs (tests/vm/initramfs.sh)
# that holds build/nettune; the guest prints TAP on its second serial port,
# which this script renumbers and prints, so tests/run.sh counts the lines.
# The last line is "# VM lab: N ok, N not ok, ...".  Exit status 0 when
# every test passed, 1 otherwise, 3 when the lab cannot run at all.
#
# Installs what it needs when missing and run as root (tools/deps.sh --vm).
# Environment: NETTUNE (the binary, default build/nettune),
# NETTUNE_VM_TIMEOUT (seconds per guest, default 150), NETTUNE_VM_KERNEL
# (a version under /lib/modules, default the newest with a /boot/vmlinuz),
# NETTUNE_VM_APPEND (more kernel parameters, e.g. quiet).  The kernel's
# console (ttyS0) goes to a file whose last lines are printed when a guest
# fails to finish; --keep keeps it, with the initramfs.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/vm
BUILD=${BUILD:-build}
NETTUNE=${NETTUNE:-$top/$BUILD/nettune}
guest_timeout=${NETTUNE_VM_TIMEOUT:-150}
scenarios_all="e1000e irq numa audit"
cr=$(printf '\r')

# ---- dependencies ----

# The newest kernel that has both a vmlinuz and a module tree with the
# drivers the guests need.
find_kernel() {
	if [ -n "${NETTUNE_VM_KERNEL:-}" ]; then
		set -- "/boot/vmlinuz-$NETTUNE_VM_KERNEL"
	else
		set -- $(ls /boot/vmlinuz-* 2>/dev/null | sort -rV)
	fi
	for k in "$@"; do
		v=${k#/boot/vmlinuz-}
		[ -r "$k" ] && [ -f "/lib/modules/$v/modules.dep" ] &&
			grep -q '/e1000e\.ko' "/lib/modules/$v/modules.dep" &&
			grep -q '/vmxnet3\.ko' "/lib/modules/$v/modules.dep" &&
			{ echo "$v"; return 0; }
	done
	return 1
}

# What is missing, as one line; empty when nothing is.
missing_deps() {
	m=""
	command -v qemu-system-x86_64 >/dev/null 2>&1 || m="$m qemu-system-x86_64 (qemu-system-x86)"
	[ -x /bin/busybox ] || m="$m /bin/busybox (busybox-static)"
	find_kernel >/dev/null || m="$m a kernel with e1000e and vmxnet3 modules (linux-image-amd64)"
	for p in cpio gzip timeout ethtool jq ldd python3; do
		command -v "$p" >/dev/null 2>&1 || m="$m $p"
	done
	echo "${m# }"
}

check_deps() {
	m=$(missing_deps)
	if [ -n "$m" ] && [ "$(id -u)" -eq 0 ]; then
		sh "$top/tools/deps.sh" --vm >&2
		m=$(missing_deps)
	fi
	if [ -n "$m" ]; then
		if [ "$(id -u)" -eq 0 ]; then
			echo "missing $m (still, after tools/deps.sh --vm)"
		else
			echo "missing $m (run tools/deps.sh --vm as root)"
		fi
		return 1
	fi
	return 0
}

# ---- output ----

count=0		# TAP lines printed so far, all guests
failed=0

tap_line() {	# "ok"|"not ok" DESCRIPTION
	count=$((count + 1))
	[ "$1" = ok ] || failed=$((failed + 1))
	echo "$1 $count - $2"
}

ms_now() { date +%s%3N; }
secs() { printf '%d.%d' $(($1 / 1000)) $(($1 % 1000 / 100)); }

# ---- one guest ----

# run_guest NAME SMP MEMORY-MB QEMU-ARGS...: boots the guest for scenario
# NAME, prints its TAP lines renumbered, starts the host's side of a flood
# when the guest asks for one ("VMLAB-FLOOD PORT SECONDS").
run_guest() {
	name=$1 smp=$2 mem=$3
	shift 3
	state=$work/$name.state
	echo "$count 0 - -" > "$state"	# count, failed, boot ms, exit status
	echo "# $name: booting ($smp vCPUs, $mem MiB, TCG)"
	t0=$(ms_now)
	{
		$nsexec timeout -k 5 "$guest_timeout" qemu-system-x86_64 \
			-accel tcg -nodefaults -no-reboot -display none \
			-monitor none -smp "$smp" -m "$mem" \
			-kernel "$vmlinuz" -initrd "$work/initramfs.cpio.gz" \
			-append "console=ttyS0 panic=-1 ${NETTUNE_VM_APPEND-} nt_scenario=$name" \
			-serial "file:$work/$name.console" -serial stdio \
			"$@" < /dev/null 2> "$work/$name.qemu.err"
		echo $? > "$work/$name.rc"
	} |
	{
		read -r n f boot st < "$state"
		while IFS= read -r line; do
			line=${line%"$cr"}
			case $line in
			"ok "*|"not ok "*)
				case $line in
				ok*) res=ok; rest=${line#ok } ;;
				*) res="not ok"; rest=${line#not ok }; f=$((f + 1)) ;;
				esac
				rest=${rest#"${rest%%[!0-9]*}"}
				n=$((n + 1))
				echo "$res $n$rest" ;;
			"VMLAB-BOOTED"*)
				boot=$(($(ms_now) - t0))
				echo "# $name: guest up after $(secs "$boot") s (${line#VMLAB-BOOTED })" ;;
			"VMLAB-FLOOD "*)
				set -- $line
				if command -v python3 >/dev/null 2>&1; then
					$nsexec python3 "$here/flood.py" 127.0.0.1 "$2" "$3" < /dev/null &
				else
					echo "# host: no python3, no flood"
				fi ;;
			"VMLAB-EXIT "*)
				st=${line#VMLAB-EXIT } ;;
			"#"*) echo "$line" ;;
			"") ;;
			*) echo "# $name: $line" ;;
			esac
		done
		wait
		echo "$n $f $boot $st" > "$state"
	}
	rc_ms=$(($(ms_now) - t0))
	read -r count failed_guest boot st < "$state"
	failed=$((failed + failed_guest))
	drops=$(grep -c 'Failed to send packet' "$work/$name.qemu.err" 2>/dev/null)
	[ "${drops:-0}" -gt 0 ] &&
		echo "# host: QEMU could not hand $drops packets to the guest NIC (\"Slirp: Failed to send packet\": the NIC had no free receive buffer)"
	grep -v 'Failed to send packet' "$work/$name.qemu.err" | head -n 5 |
		sed "s/^/# $name: qemu: /"
	if [ "$st" = - ]; then
		case $(cat "$work/$name.rc") in 124|137) hung=1 ;; *) hung=0 ;; esac
		if [ "$hung" = 1 ]; then
			tap_line "not ok" "$name: guest finished within ${guest_timeout} s (killed: hung?)"
		else
			tap_line "not ok" "$name: guest ran its scenario to the end (qemu exited $(cat "$work/$name.rc") without VMLAB-EXIT: crashed?)"
		fi
		tail -n 20 "$work/$name.console" | sed "s/$cr//; s/^/# console: /"
	elif [ "$st" != 0 ] && [ "$failed_guest" -eq 0 ]; then
		tap_line "not ok" "$name: guest scenario exited $st"
	fi
	if [ "$boot" = - ]; then
		echo "# $name: total $(secs "$rc_ms") s"
	else
		echo "# $name: boot $(secs "$boot") s + test $(secs $((rc_ms - boot))) s = $(secs "$rc_ms") s"
	fi
}

# ---- scenarios: the QEMU machine of each ----

# 1. e1000e: rings 256 of 4096, MSI-X rx/tx/other.
guest_e1000e() {
	run_guest e1000e 2 512 \
		-netdev user,id=n0,restrict=on -device e1000e,netdev=n0
}

# 2. 4 vCPUs: vmxnet3 (4 queues, one MSI-X IRQ each, channels fixed) and,
# when a tap can be made in our namespace, a multi-queue virtio-net whose
# channels can be changed.
guest_irq() {
	if [ -n "$nsexec" ]; then
		set -- -netdev tap,id=t0,ifname=nttap0,script=no,downscript=no,queues=4,vhost=off \
			-device virtio-net-pci,netdev=t0,mq=on,vectors=10,bus=pcie.0
	else
		echo "# SKIPPED: irq: virtio-net channels 4 -> 2 -> 4 need a tap in a network namespace (root): $ns_reason"
		set --
	fi
	run_guest irq 4 512 -M q35 \
		-netdev user,id=n0,restrict=on -device vmxnet3,netdev=n0,bus=pcie.0 "$@"
}

# 3. Two NUMA nodes (CPUs 0-1, 2-3); vmxnet3 and e1000e behind a PCIe
# expander bridge on node 1.
guest_numa() {
	run_guest numa 4 1024 -M q35 \
		-object memory-backend-ram,id=m0,size=512M \
		-object memory-backend-ram,id=m1,size=512M \
		-numa node,nodeid=0,cpus=0-1,memdev=m0 \
		-numa node,nodeid=1,cpus=2-3,memdev=m1 \
		-device pxb-pcie,id=pxb1,bus_nr=64,numa_node=1,bus=pcie.0 \
		-device pcie-root-port,id=rp1,bus=pxb1,chassis=1,slot=1 \
		-device pcie-root-port,id=rp2,bus=pxb1,chassis=1,slot=2 \
		-netdev user,id=n0,restrict=on -device vmxnet3,netdev=n0,bus=rp1 \
		-netdev user,id=n1,restrict=on -device e1000e,netdev=n1,bus=rp2
}

# 4. Floods from the host's loopback into the guest through user-mode
# networking: e1000e on 10.0.2.15:5555, vmxnet3 on 10.0.3.15:5556.
guest_audit() {
	run_guest audit 2 512 -M q35 \
		-netdev user,id=n0,restrict=on,hostfwd=udp:127.0.0.1:5555-10.0.2.15:5555 \
		-device e1000e,netdev=n0,bus=pcie.0 \
		-netdev user,id=n1,restrict=on,net=10.0.3.0/24,hostfwd=udp:127.0.0.1:5556-10.0.3.15:5556 \
		-device vmxnet3,netdev=n1,bus=pcie.0
}

# ---- main ----

keep=0
scenarios=""
for a in "$@"; do
	case $a in
	--check-deps) check_deps; exit $? ;;
	--list) echo "$scenarios_all"; exit 0 ;;
	--keep) keep=1 ;;
	-h|--help) sed -n '2,/^[^#]/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	-*) echo "usage: tests/vm/run.sh [--check-deps | --list | --keep] [SCENARIO...]" >&2; exit 3 ;;
	*)
		case " $scenarios_all " in
		*" $a "*) scenarios="$scenarios $a" ;;
		*) echo "tests/vm/run.sh: no scenario \"$a\" (have: $scenarios_all)" >&2; exit 3 ;;
		esac ;;
	esac
done
[ -n "$scenarios" ] || scenarios=$scenarios_all

start=$(ms_now)
if ! reason=$(check_deps); then
	echo "not ok 1 - VM lab: $reason"
	echo "# VM lab: 0 ok, 1 not ok"
	exit 3
fi
if [ ! -x "$NETTUNE" ]; then
	echo "not ok 1 - VM lab: $NETTUNE is not built (make all)"
	echo "# VM lab: 0 ok, 1 not ok"
	exit 3
fi
kver=$(find_kernel)
vmlinuz=/boot/vmlinuz-$kver
work=$(mktemp -d "${TMPDIR:-/tmp}/nettune-vm.XXXXXX")
ns=""
nsexec=""
ns_reason="not root"
cleanup() {
	[ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
	if [ "$keep" -eq 1 ]; then echo "# VM lab: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Every guest runs in a network namespace of its own when we may make one:
# the taps, the user-mode networking's loopback ports and the flood stay
# there, away from the host's interfaces.
if [ "$(id -u)" -eq 0 ]; then
	ns=nettune-vm-$$
	if ip netns add "$ns" 2>"$work/netns.err" && ip -n "$ns" link set lo up 2>>"$work/netns.err"; then
		nsexec="ip netns exec $ns"
	else
		ns_reason=$(head -n 1 "$work/netns.err")
		ns=""
	fi
fi

echo "# VM lab: kernel $kver, $(qemu-system-x86_64 --version | head -n 1), nettune $NETTUNE"
t=$(ms_now)
if ! NETTUNE=$NETTUNE sh "$here/initramfs.sh" "$kver" "$work/initramfs.cpio.gz" > "$work/initramfs.log" 2>&1; then
	tap_line "not ok" "VM lab: initramfs built"
	sed 's/^/# /' "$work/initramfs.log"
	echo "# VM lab: $((count - failed)) ok, $failed not ok"
	exit 1
fi
echo "# VM lab: initramfs $(($(wc -c < "$work/initramfs.cpio.gz") / 1024)) KiB in $(secs $(($(ms_now) - t))) s"

for s in $scenarios; do
	"guest_$s"
done

total=$(($(ms_now) - start))
echo "1..$count"
echo "# VM lab: $((count - failed)) ok, $failed not ok, $(echo "$scenarios" | wc -w) guests, $(secs "$total") s"
[ "$failed" -eq 0 ] && [ "$count" -gt 0 ]
