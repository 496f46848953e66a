# Scenario 4: nettune audit during a flood from the host into a NIC whose
# receive ring is shrunk to the driver's minimum.  The host floods its
# loopback port, which QEMU's user-mode networking forwards to the guest
# (e1000e: 10.0.2.15:5555, vmxnet3: 10.0.3.15:5556).  When the driver
# counts no-buffer drops, the audit must name the ring: finding
# nic.rx_missed with a fix rings.rx -> the driver's maximum.  Then
# nettune top, during the same flood, must show the NIC's receive rate and
# its queue IRQs per second, on the queue rows and on the CPUs.
SCEN=audit
. ./lib.sh

FLOOD_SECONDS=14
AUDIT_INTERVAL=3

# Receive-ring overflow counters of IFACE's driver, summed.
no_buffer() {
	ethtool -S "$1" | awk -F: '
		$1 ~ /rx_missed_errors|rx_no_buffer_count|pkts rx OOB/ { s += $2 }
		END { print s + 0 }'
}
rx_packets() { cat "/sys/class/net/$1/statistics/rx_packets"; }

# top_case IFACE DRIVER STATUS: the frame top printed during the flood
top_case() {
	is "$1 ($2): top -b --json ran (exit $3)" "$3" 0
	[ "$3" = 0 ] || { diag "$(cat /tmp/top.err)"; return; }
	rx=$(jqr --arg i "$1" '.nics[] | select(.name == $i) | .rx_pps > 0' /tmp/top.json)
	is "$1 ($2): top shows its receive rate" "$rx" true
	q=$(jqr --arg i "$1" '[.nics[] | select(.name == $i) | .queues[] |
		select(.irq != null) | .irqs] | add // 0 | . > 0' /tmp/top.json)
	is "$1 ($2): top's queue rows count its IRQs per second" "$q" true
	[ "$q" = true ] || diag "$(jqr -c --arg i "$1" '.nics[] | select(.name == $i)' /tmp/top.json)"
	c=$(jqr '[.cpus[].nic_irqs] | add > 0' /tmp/top.json)
	is "$1 ($2): top's CPU rows count NIC queue IRQs" "$c" true
}

# flood_case DRIVER ADDR PORT
flood_case() {
	drv=$1 addr=$2 port=$3
	if=$(iface_of "$drv") || { nok "the guest has a $drv interface"; return; }
	ip addr add "$addr/24" dev "$if"
	ip link set "$if" up
	wait_for '[ "$(cat /sys/class/net/$if/carrier 2>/dev/null)" = 1 ]' 10 ||
		nok "$if ($drv): carrier up within 10 s"
	orig=$(ring "$if" rx cur) max=$(ring "$if" rx max)
	ethtool -G "$if" rx 1 2>/dev/null	# the driver clamps or rounds up
	min=$(ring "$if" rx cur)
	note "$if ($drv): rx ring $orig of max $max; shrunk to the driver's minimum $min"
	is "$if ($drv): nettune show reads the shrunk rx ring" \
		"$(show_iface "$if" '.rings.rx')" "$min"

	nb0=$(no_buffer "$if") rx0=$(rx_packets "$if")
	echo "VMLAB-FLOOD $port $FLOOD_SECONDS"
	if ! wait_for '[ "$(rx_packets "$if")" -gt $((rx0 + 1000)) ]' 10; then
		nok "$if ($drv): the host's flood reaches the guest"
		ethtool -G "$if" rx "$orig"
		return
	fi
	ok "$if ($drv): the host's flood reaches the guest"
	nettune audit --interval "$AUDIT_INTERVAL" --json > /tmp/audit.json 2> /tmp/audit.err
	arc=$?
	nettune top -b -n 1 -d 1 --json --expand > /tmp/top.json 2> /tmp/top.err
	top_case "$if" "$drv" $?
	nb1=$(no_buffer "$if") rx1=$(rx_packets "$if")
	# let the flood end before the next step
	wait_for '[ "$(rx_packets "$if")" = "$last" ] || { last=$(rx_packets "$if"); false; }' 20
	note "$if ($drv): from the flood's start to the audit's end: $((rx1 - rx0)) packets received, $((nb1 - nb0)) counted as no-buffer drops ($(ethtool -S "$if" | grep -E 'rx_missed_errors|rx_no_buffer_count|pkts rx OOB' | tr -s ' ' | paste -s -d ','))"
	is "$if ($drv): audit ran (exit 0, 1 or 2; got $arc)" "$([ "$arc" -le 2 ] && echo yes)" yes
	[ "$arc" -le 2 ] || diag "$(cat /tmp/audit.err)"
	findings=$(jqr --arg i "$if" '.findings[] | select(.subject == $i) | .id' /tmp/audit.json | paste -s -d ' ')
	note "$if ($drv): audit findings for $if: ${findings:-none}; exit $arc"
	if [ "$((nb1 - nb0))" -gt 0 ]; then
		missed=$(jqr --arg i "$if" '.findings[] | select(.id == "nic.rx_missed" and .subject == $i) | .severity' /tmp/audit.json)
		if [ -z "$missed" ]; then
			nok "$if ($drv): the driver counted no-buffer drops, so audit reports nic.rx_missed"
			diag "audit's findings on $if: ${findings:-none}" \
				"what nettune reads of the driver's counters (nettune snapshot save):"
			nettune snapshot save /tmp/snap.json 2>/dev/null
			diag "$(jqr --arg i "$if" '.interfaces[] | select(.name == $i) | .driver_stats |
				to_entries[] | select(.key | test("OOB|alloc|drop|miss|no_buf"; "i")) | "\"\(.key)\": \(.value)"' /tmp/snap.json)"
		else
			ok "$if ($drv): the driver counted no-buffer drops, so audit reports nic.rx_missed"
			case $missed in
			warning|critical) ok "$if ($drv): nic.rx_missed is a $missed" ;;
			*) nok "$if ($drv): nic.rx_missed is a warning or critical (got $missed)" ;;
			esac
			fix=$(jqr --arg i "$if" '.findings[] | select(.id == "nic.rx_missed" and .subject == $i) |
				.fix[] | select(.knob == "rings.rx") | "\(.subject) \(.current) -> \(.target)"' /tmp/audit.json)
			is "$if ($drv): its fix is rings.rx $min -> $max" "$fix" "$if $min -> $max"
		fi
	else
		skip "$if ($drv): the flood caused no no-buffer drop the driver counts (rx_missed_errors, rx_no_buffer_count, pkts rx OOB unchanged): nic.rx_missed not exercised on $drv"
		[ "$drv" = e1000e ] && note "QEMU's e1000e model stops taking packets while the guest's ring is full (e1000e_can_receive), so they wait or are lost in QEMU, and the emulated NIC never counts a missed packet"
		hasnt "$if ($drv): no nic.rx_missed without a counted drop" "$findings" "nic.rx_missed"
	fi
	ethtool -G "$if" rx "$orig"
	is "$if ($drv): rx ring restored to $orig" "$(ring "$if" rx cur)" "$orig"
}

flood_case e1000e 10.0.2.15 5555
flood_case vmxnet3 10.0.3.15 5556
finish
