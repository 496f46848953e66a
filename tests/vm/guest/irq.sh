# Scenario 2: queues, channels and IRQ affinity with 4 vCPUs.
# vmxnet3: 4 combined channels, one MSI-X IRQ per queue (ethN-rxtx-K) and
# an event IRQ; its driver cannot change channels.  virtio-net (when the
# host could give it a multi-queue tap): 4 combined channels that can be
# changed.
SCEN=irq
. ./lib.sh

vmx=$(iface_of vmxnet3) || { nok "the guest has a vmxnet3 interface"; finish; }
ip link set "$vmx" up
ncpu=$(nproc)
is "the guest has 4 online CPUs" "$ncpu" 4

# --- channels and IRQs as the kernel's tools show them
run nettune show --json
is "nettune show --json exits 0" "$rc" 0
got=$(echo "$out" | jqr --arg i "$vmx" '.interfaces[] | select(.name == $i) |
	.channels | "combined \(.combined)/\(.combined_max)"')
is "$vmx: channels equal ethtool -l" "$got" \
	"combined $(chan "$vmx" combined cur)/$(chan "$vmx" combined max)"
want=$(proc_irqs "$vmx")
is "$vmx: /proc/interrupts has one IRQ per queue and the event IRQ" \
	"$(echo "$want" | awk '{ print $2 }' | paste -s -d ' ')" \
	"$vmx-rxtx-0 $vmx-rxtx-1 $vmx-rxtx-2 $vmx-rxtx-3 $vmx-event-4"
got=$(echo "$out" | jqr --arg i "$vmx" '.interfaces[] | select(.name == $i) |
	.irqs[] | "\(.irq) \(.name)"' | sort -n)
is "$vmx: IRQs in nettune show equal /proc/interrupts" "$got" "$want"
got=$(echo "$out" | jqr --arg i "$vmx" '.interfaces[] | select(.name == $i) |
	.irqs[] | select(.queue != null) | "\(.name) \(.queue)"' | sort)
is "$vmx: nettune maps each rxtx IRQ to its queue" "$got" \
	"$(printf '%s\n' "$vmx-rxtx-0 0" "$vmx-rxtx-1 1" "$vmx-rxtx-2 2" "$vmx-rxtx-3 3")"
if [ -d "/sys/class/net/$vmx/device/msi_irqs" ]; then
	got=$(echo "$out" | jqr --arg i "$vmx" '.interfaces[] | select(.name == $i) |
		.irqs[] | "\(.name) \(.rule) \(.kind) \(.rx_queue) \(.tx_queue)"' | sort)
	is "$vmx: nettune show: rule msi_irqs, the event IRQ is no queue" "$got" \
		"$(printf '%s\n' "$vmx-event-4 msi_irqs misc null null" \
			"$vmx-rxtx-0 msi_irqs data 0 0" "$vmx-rxtx-1 msi_irqs data 1 1" \
			"$vmx-rxtx-2 msi_irqs data 2 2" "$vmx-rxtx-3 msi_irqs data 3 3")"
else
	skip "$vmx: no msi_irqs in this guest's sysfs: the msi_irqs rule is not tested"
fi

# --- a driver without set_channels: refused, nothing changed
cat > /tmp/chan2.conf <<'P'
[channels]
combined = 2
P
run nettune apply /tmp/chan2.conf --iface "$vmx" --yes
is "$vmx: apply combined = 2 exits 3 (vmxnet3 cannot change channels)" "$rc" 3
has "$vmx: the message says the driver cannot change channels" "$err" "cannot change channels"
note "apply said: $err"
is "$vmx: ethtool -l still reads combined 4" "$(chan "$vmx" combined cur)" 4

# --- [irq] affinity = spread-local: each queue IRQ on a CPU of its own
for k in 0 1 2 3; do eval "irq$k=\$(irq_named $vmx-rxtx-$k)"; done
event=$(irq_named "$vmx-event-4")
before=$(for n in $irq0 $irq1 $irq2 $irq3 $event; do echo "$n $(aff "$n")"; done)
note "before: $(echo "$before" | paste -s -d ';')"
cat > /tmp/spread.conf <<'P'
[irq]
affinity = spread-local
P
run nettune recommend /tmp/spread.conf --iface "$vmx" --json
is "$vmx: recommend spread-local exits 0" "$rc" 0
plan=$(echo "$out" | jqr '.changes[] | select(.knob == "irq.affinity") |
	"\(.subject | sub(".* irq "; "")) \(.target)"' | sort -n)
note "plan: $(echo "$plan" | paste -s -d ';')"
run nettune apply /tmp/spread.conf --iface "$vmx" --yes
is "$vmx: apply spread-local exits 0" "$rc" 0
[ "$rc" -eq 0 ] || diag "$out" "$err"
after=""
for k in 0 1 2 3; do
	eval "n=\$irq$k"
	after="$after${after:+ }$(aff "$n")"
done
note "after: smp_affinity_list of rxtx-0..3: $after"
is "$vmx: rxtx-K reads back CPU K in /proc/irq/N/smp_affinity_list" "$after" "0 1 2 3"
is "$vmx: the four queue IRQs are on four different CPUs" \
	"$(echo "$after" | tr ' ' '\n' | sort -u | wc -l)" 4
got=$(for n in $irq0 $irq1 $irq2 $irq3; do echo "$n $(aff "$n")"; done)
is "$vmx: /proc/irq reads back the plan's targets" \
	"$got" "$(echo "$plan" | grep -E "^($irq0|$irq1|$irq2|$irq3) ")"
got=$(show_iface "$vmx" '.irqs[] | select(.queue != null) | "\(.irq) \(.affinity)"' | sort -n)
is "$vmx: nettune show reads the same affinities" "$got" \
	"$(for n in $irq0 $irq1 $irq2 $irq3; do echo "$n $(aff "$n")"; done)"
run nettune verify --iface "$vmx"
is "$vmx: verify exits 0 after apply" "$rc" 0
run nettune rollback
is "$vmx: rollback exits 0" "$rc" 0
got=$(for n in $irq0 $irq1 $irq2 $irq3 $event; do echo "$n $(aff "$n")"; done)
is "$vmx: rollback restores every IRQ's original mask" "$got" "$before"

# --- channels that can change: virtio-net with 4 queue pairs
vio=$(iface_of virtio_net) || { skip "no multi-queue virtio-net in this guest: channels 4 -> 2 -> 4 not tested"; finish; }
ip link set "$vio" up
pci=$(readlink -f "/sys/class/net/$vio/device/..")
is "$vio: nettune show lists the IRQs of its PCI device (config, input.0-3, output.0-3)" \
	"$(show_iface "$vio" '.irqs[].irq' | sort -n | paste -s -d ' ')" \
	"$(ls "$pci/msi_irqs" | sort -n | paste -s -d ' ')"
is "$vio: ethtool -l reads combined 4 of 4" \
	"$(chan "$vio" combined cur)/$(chan "$vio" combined max)" "4/4"
run nettune apply /tmp/chan2.conf --iface "$vio" --yes
is "$vio: apply combined = 2 exits 0" "$rc" 0
[ "$rc" -eq 0 ] || diag "$out" "$err"
is "$vio: ethtool -l reads combined 2" "$(chan "$vio" combined cur)" 2
is "$vio: the kernel has 2 rx queues in sysfs" \
	"$(ls -d /sys/class/net/$vio/queues/rx-* | wc -l)" 2
is "$vio: nettune show reads combined 2" "$(show_iface "$vio" '.channels.combined')" 2
cat > /tmp/chanmax.conf <<'P'
[channels]
combined = max
P
run nettune apply /tmp/chanmax.conf --iface "$vio" --yes
is "$vio: apply combined = max exits 0" "$rc" 0
is "$vio: ethtool -l reads combined 4 again" "$(chan "$vio" combined cur)" 4
run nettune rollback
is "$vio: rollback of the last apply exits 0" "$rc" 0
is "$vio: it restores combined 2" "$(chan "$vio" combined cur)" 2
run nettune history
note "history:"; diag "$out"
run nettune rollback
is "$vio: a second rollback exits 0" "$rc" 0
[ "$rc" -eq 0 ] || diag "$out" "$err"
is "$vio: and restores combined 4" "$(chan "$vio" combined cur)" 4
finish
