# Scenario 1: NIC rings on the e1000e driver (rings 256 of max 4096;
# MSI-X IRQs ethN-rx-0, ethN-tx-0, ethN).
SCEN=e1000e
. ./lib.sh

if=$(iface_of e1000e) || { nok "the guest has an e1000e interface"; finish; }
ip link set "$if" up
max_rx=$(ring "$if" rx max) max_tx=$(ring "$if" tx max)
orig=$(rings "$if")
note "$if: ethtool -g: $orig, maximum rx $max_rx tx $max_tx"

# --- what nettune reads equals what the kernel's tools read
run nettune show --json
is "nettune show --json exits 0" "$rc" 0
got=$(echo "$out" | jqr --arg i "$if" '.interfaces[] | select(.name == $i) |
	.rings | "rx \(.rx) tx \(.tx) max \(.rx_max) \(.tx_max)"')
is "rings equal ethtool -g" "$got" "$orig max $max_rx $max_tx"
got=$(echo "$out" | jqr --arg i "$if" '.interfaces[] | select(.name == $i) |
	.irqs[] | "\(.irq) \(.name)"' | sort -n)
is "IRQs equal /proc/interrupts ($(proc_irqs "$if" | awk '{print $2}' | paste -s -d ' '))" \
	"$got" "$(proc_irqs "$if")"
got=$(echo "$out" | jqr --arg i "$if" '.interfaces[] | select(.name == $i) |
	.irqs[] | "\(.irq) \(.affinity)"' | sort -n)
want=$(proc_irqs "$if" | while read -r n _; do echo "$n $(aff "$n")"; done)
is "IRQ affinities equal /proc/irq/N/smp_affinity_list" "$got" "$want"
got=$(echo "$out" | jqr --arg i "$if" '.interfaces[] | select(.name == $i) |
	.irqs[] | "\(.name) \(.queue_type) \(.queue)"' | sort)
is "IRQ queues: rx 0, tx 0 and the other vector" "$got" \
	"$(printf '%s\n' "$if null null" "$if-rx-0 rx 0" "$if-tx-0 tx 0")"
# msi_irqs of the PCI function decide whose IRQs they are (lib/sys/irq.c)
if [ -d "/sys/class/net/$if/device/msi_irqs" ]; then
	got=$(echo "$out" | jqr --arg i "$if" '.interfaces[] | select(.name == $i) |
		.irqs[] | "\(.name) \(.rule) \(.kind) \(.owner)"' | sort)
	is "IRQ rule msi_irqs, kinds and owner in nettune show" "$got" \
		"$(printf '%s\n' "$if msi_irqs other interface" \
			"$if-rx-0 msi_irqs data interface" \
			"$if-tx-0 msi_irqs data interface")"
else
	skip "no msi_irqs in this guest's sysfs: the msi_irqs rule is not tested"
fi

# --- apply rings = max, verify, drift, rollback
cat > /tmp/rings-max.conf <<'P'
[main]
summary = VM lab: deepest rings
[rings]
rx = max
tx = max
P
run nettune apply /tmp/rings-max.conf --iface "$if" --yes
is "apply [rings] rx = max, tx = max exits 0" "$rc" 0
[ "$rc" -eq 0 ] || diag "$out" "$err"
is "after apply, ethtool -g reads the maximum" "$(rings "$if")" "rx $max_rx tx $max_tx"
is "the maximum is 4096" "$max_rx $max_tx" "4096 4096"
run nettune verify --iface "$if"
is "verify right after apply exits 0 (no drift)" "$rc" 0
ethtool -G "$if" rx 512
run nettune verify --iface "$if"
is "verify exits 1 after ethtool -G rx 512 behind nettune's back" "$rc" 1
has "verify names the drifted rings.rx" "$out" "rings.rx"
run nettune rollback
is "rollback exits 0" "$rc" 0
[ "$rc" -eq 0 ] || diag "$out" "$err"
is "rollback restores ethtool -g to $orig" "$(rings "$if")" "$orig"

# --- above the driver's maximum: refused when planned, with FILE:LINE
cat > /tmp/rings-8192.conf <<'P'
[main]
summary = VM lab: more than the NIC has
[rings]
rx = 8192
P
run nettune recommend /tmp/rings-8192.conf --iface "$if"
is "recommend rx = 8192 exits 3" "$rc" 3
has "the message names the driver maximum 4096" "$err" "4096"
has "the message names the profile line (rings-8192.conf:4)" "$err" "rings-8192.conf:4"
note "recommend said: $err"
run nettune apply /tmp/rings-8192.conf --iface "$if" --yes
is "apply rx = 8192 exits 3" "$rc" 3
has "apply's message names the driver maximum 4096" "$err" "4096"
is "rings unchanged after the refused profile" "$(rings "$if")" "$orig"

# --- a hand-made plan the planner would never write: the kernel refuses
run nettune recommend /tmp/rings-max.conf --iface "$if" -o /tmp/max.json
is "recommend -o saves a plan" "$rc" 0
jq -M '.changes |= [.[] | select(.knob == "rings.rx") | .target = "8192"]' \
	/tmp/max.json > /tmp/rx-8192.json
is "hand-made plan: rings.rx 256 -> 8192" \
	"$(jqr '.changes[] | "\(.knob) \(.current) \(.target)"' /tmp/rx-8192.json)" \
	"rings.rx 256 8192"
run nettune apply /tmp/rx-8192.json --yes
is "apply of the plan exits 3" "$rc" 3
has "the message carries the kernel's extack text" "$err" "exceeds maximum"
note "apply said: $err"
is "rings unchanged after the refused plan" "$(rings "$if")" "$orig"

# tx written first, then rx refused: the transaction undoes tx
jq -M '.changes |= [(.[] | select(.knob == "rings.tx") | .target = "1024"),
	(.[] | select(.knob == "rings.rx") | .target = "8192")]' \
	/tmp/max.json > /tmp/tx-then-rx.json
run nettune apply /tmp/tx-then-rx.json --yes
is "plan tx 1024 then rx 8192: apply exits 3" "$rc" 3
progress=$(echo "$out" | awk '$1 == "applied" || $1 == "failed" || $1 == "undone" { print $1, $2, $NF }' | paste -s -d ';')
is "its progress: tx 1024 applied, rx failed, tx undone" "$progress" \
	"applied rings.tx 1024;failed rings.rx 8192;undone rings.tx 1024"
is "tx is undone: ethtool -g reads $orig" "$(rings "$if")" "$orig"

# the driver rounds to a multiple of 8: the read-back catches it
cat > /tmp/rings-1001.conf <<'P'
[rings]
rx = 1001
P
run nettune apply /tmp/rings-1001.conf --iface "$if" --yes
is "apply rx = 1001 exits 3 (e1000e rounds it to 1008)" "$rc" 3
has "the message says what the driver made of it" "$err" "1008"
note "apply said: $err"
is "rings unchanged after the rounded write" "$(rings "$if")" "$orig"

finish
