# Scenario 3: two NUMA nodes (CPUs 0-1 and 2-3), both NICs behind a PCIe
# expander bridge on node 1: vmxnet3 (4 queues, one IRQ each) and e1000e
# (one receive queue).  NIC-local choices must pick node 1's CPUs first.
SCEN=numa
. ./lib.sh

vmx=$(iface_of vmxnet3) || { nok "the guest has a vmxnet3 interface"; finish; }
e1k=$(iface_of e1000e) || { nok "the guest has an e1000e interface"; finish; }
ip link set "$vmx" up
ip link set "$e1k" up
node1=$(cat /sys/devices/system/node/node1/cpulist 2>/dev/null)
is "the kernel sees node 1 with CPUs 2-3" "$node1" "2-3"

# --- topology as nettune reads it
run nettune show --json
is "nettune show --json exits 0" "$rc" 0
got=$(echo "$out" | jqr '.numa_nodes[] | "\(.id) \(.cpus)"')
want=$(for d in /sys/devices/system/node/node[0-9]*; do echo "${d##*node} $(cat "$d/cpulist")"; done | sort -n)
is "NUMA nodes equal /sys/devices/system/node" "$got" "$want"
got=$(echo "$out" | jqr '.cpus[] | "\(.id) \(.node)"' | paste -s -d ';')
is "each CPU's node: 0,1 on node 0, 2,3 on node 1" "$got" "0 0;1 0;2 1;3 1"
for i in "$vmx" "$e1k"; do
	got=$(echo "$out" | jqr --arg i "$i" '.interfaces[] | select(.name == $i) | .numa_node')
	is "$i: numa_node is 1 (sysfs says $(cat /sys/class/net/$i/device/numa_node))" "$got" 1
done

# --- spread-local: node 1 first
cat > /tmp/spread.conf <<'P'
[irq]
affinity = spread-local
P
run nettune recommend /tmp/spread.conf --iface "$vmx" --json
is "$vmx: recommend spread-local exits 0" "$rc" 0
targets=""
for k in 0 1 2 3; do
	n=$(irq_named "$vmx-rxtx-$k")
	t=$(echo "$out" | jqr --arg s "$vmx irq $n" '.changes[] | select(.knob == "irq.affinity" and .subject == $s) | .target')
	[ -n "$t" ] || t=$(aff "$n")	# already there: no change planned
	targets="$targets${targets:+ }$t"
done
note "plan for rxtx-0..3: $targets"
set -- $targets
in_list "$1" "$node1" && in_list "$2" "$node1" && first=yes || first=no
is "$vmx: queues 0 and 1 go to node 1's CPUs ($1, $2)" "$first" yes
is "$vmx: queues 2 and 3 then go to node 0 ($3, $4)" \
	"$(in_list "$3" 0-1 && in_list "$4" 0-1 && echo yes)" yes
is "$vmx: four different single CPUs" \
	"$(printf '%s\n' "$@" | grep -cx '[0-9]*' | tr -d ' ')/$(printf '%s\n' "$@" | sort -u | wc -l | tr -d ' ')" "4/4"
before=$(for k in 0 1 2 3; do aff "$(irq_named "$vmx-rxtx-$k")"; done | paste -s -d ' ')
run nettune apply /tmp/spread.conf --iface "$vmx" --yes
is "$vmx: apply spread-local exits 0" "$rc" 0
got=$(for k in 0 1 2 3; do aff "$(irq_named "$vmx-rxtx-$k")"; done | paste -s -d ' ')
is "$vmx: /proc/irq/N/smp_affinity_list reads back the plan" "$got" "$targets"
run nettune rollback
is "$vmx: rollback exits 0" "$rc" 0
got=$(for k in 0 1 2 3; do aff "$(irq_named "$vmx-rxtx-$k")"; done | paste -s -d ' ')
is "$vmx: rollback restores the masks ($before)" "$got" "$before"

# --- RPS auto: the one-queue e1000e gets node 1's CPUs
cat > /tmp/rps.conf <<'P'
[rps]
cpus = auto
P
run nettune recommend /tmp/rps.conf --iface "$e1k" --json
is "$e1k: recommend rps = auto exits 0" "$rc" 0
rps=$(echo "$out" | jqr --arg s "$e1k rx-0" '.changes[] | select(.knob == "rps.cpus" and .subject == $s) | .target')
note "rps target for $e1k rx-0: '$rps' (its IRQs: $(proc_irqs "$e1k" | while read -r n nm; do printf '%s ' "$nm=$(aff "$n")"; done))"
if [ -n "$rps" ]; then
	bad=$(cpus_of "$rps" | while read -r c; do in_list "$c" "$node1" || echo "$c"; done)
	is "$e1k: RPS CPUs ($rps) are all on node 1" "$bad" ""
else
	nok "$e1k: rps = auto plans RPS for a one-queue NIC"
	diag "$out" "$err"
fi
# with the IRQs spread first (balanced's pair), RPS avoids the IRQ's CPU
cat > /tmp/both.conf <<'P'
[irq]
affinity = spread-local
[rps]
cpus = auto
P
run nettune recommend /tmp/both.conf --iface "$e1k" --json
is "$e1k: recommend spread-local + rps auto exits 0" "$rc" 0
rxirq=$(irq_named "$e1k-rx-0")
irqt=$(echo "$out" | jqr --arg s "$e1k irq $rxirq" '.changes[] | select(.subject == $s) | .target')
rps2=$(echo "$out" | jqr --arg s "$e1k rx-0" '.changes[] | select(.knob == "rps.cpus" and .subject == $s) | .target')
note "plan: rx IRQ -> '$irqt', RPS -> '$rps2'"
is "$e1k: the rx IRQ goes to node 1 ($irqt)" "$(in_list "${irqt:-x}" "$node1" && echo yes)" yes
if [ -n "$rps2" ]; then
	bad=$(cpus_of "$rps2" | while read -r c; do in_list "$c" "$node1" && [ "$c" != "$irqt" ] || echo "$c"; done)
	is "$e1k: RPS goes to node 1's other CPU ($rps2)" "$bad" ""
else
	nok "$e1k: RPS planned next to the spread IRQs"
	diag "$out"
fi
run nettune apply /tmp/both.conf --iface "$e1k" --yes
is "$e1k: apply spread-local + rps auto exits 0" "$rc" 0
[ "$rc" -eq 0 ] || diag "$out" "$err"
got=$(mask_cpus "$(cat /sys/class/net/$e1k/queues/rx-0/rps_cpus)")
is "$e1k: rx-0/rps_cpus reads back $rps2" "$got" "$(cpus_of "$rps2" | paste -s -d ,)"
is "$e1k: the rx IRQ reads back $irqt" "$(aff "$rxirq")" "$irqt"
run nettune rollback
is "$e1k: rollback exits 0" "$rc" 0
is "$e1k: rollback clears rps_cpus" "$(mask_cpus "$(cat /sys/class/net/$e1k/queues/rx-0/rps_cpus)")" ""
finish
