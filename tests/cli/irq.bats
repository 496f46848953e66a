#!/usr/bin/env bats
# IRQ ownership end to end: a captured tree (--root) with two ports of one
# PCI function (a ConnectX-3: mlx4_core names its EQs after the PCI
# address, mlx4_en of that era its own vectors after each port) and the
# function's msi_irqs.  Names as in docs/irq-naming.md.  Read-only: the
# tree is a copy; nothing on the host changes.

load helpers

FN=0000:07:00.0

# add_port NAME IFINDEX: a NIC on PCI function $FN in the tree $CAP
add_port() {
	local fn=$CAP/sys/devices/pci0000:00/$FN d
	d=$fn/net/$1
	mkdir -p "$d/queues/rx-0" "$d/queues/tx-0" "$fn/msi_irqs"
	echo "$2" > "$d/ifindex"
	echo 1500 > "$d/mtu"
	echo 1000 > "$d/tx_queue_len"
	echo up > "$d/operstate"
	echo 0 > "$d/queues/rx-0/rps_cpus"
	echo 0 > "$d/queues/rx-0/rps_flow_cnt"
	echo 0 > "$d/queues/tx-0/xps_cpus"
	ln -sfn "../../../$FN" "$d/device"
	ln -sfn ../../../bus/pci/drivers/mlx4_core "$fn/driver"
	ln -sfn "../../devices/pci0000:00/$FN/net/$1" "$CAP/sys/class/net/$1"
}

# add_irq N NAME: a row of /proc/interrupts, /proc/irq/N, msi_irqs/N
add_irq() {
	local ncpu all
	ncpu=$(head -1 "$CAP/proc/interrupts" | wc -w)
	all="0-$((ncpu - 1))"
	awk -v n="$1" -v name="$2" -v c="$ncpu" 'NR == 1 { print; next }
		!done && $1 !~ /^[0-9]+:$/ {
			printf " %d:", n
			for (i = 0; i < c; i++) printf " %10d", 1
			printf "   PCI-MSI-edge      %s\n", name
			done = 1
		} { print }' "$CAP/proc/interrupts" > "$CAP/interrupts.new"
	mv "$CAP/interrupts.new" "$CAP/proc/interrupts"
	mkdir -p "$CAP/proc/irq/$1"
	echo "$all" > "$CAP/proc/irq/$1/smp_affinity_list"
	touch "$CAP/sys/devices/pci0000:00/$FN/msi_irqs/$1"
}

setup_file() {
	export NS=$(nt_ns_name)
	nt_ns_create "$NS"
	export CAP=$(mktemp -d)
	nt_in "$NS" sh "$BATS_TEST_DIRNAME/../../tools/capture-root.sh" "$CAP"
	add_port eth2 20
	add_port eth3 21
	add_irq 900 "mlx4-comp-0@pci:$FN"
	add_irq 901 "mlx4-comp-1@pci:$FN"
	add_irq 902 "mlx4-async@pci:$FN"
	add_irq 903 eth2-0
	add_irq 904 eth2-1
	add_irq 905 eth3-0
	add_irq 906 eth3-1
}

teardown_file() {
	nt_ns_destroy "$NS"
	rm -rf "$CAP"
}

irqs_of() {	# irqs_of IF: "IRQ owner kind rule queue" per line
	jq -r --arg i "$1" '.interfaces[] | select(.name == $i) | .irqs[] |
		"\(.irq) \(.owner) \(.kind) \(.rule) \(.queue)"' <<<"$output"
}

@test "two ports of one PCI function: own queues, the device's vectors, none of the other's" {
	run "$NETTUNE" show --json --root "$CAP" eth2 eth3
	assert_success
	assert_equal "$(irqs_of eth2 | tr '\n' ,)" \
		"900 device data msi_irqs null,901 device data msi_irqs null,902 device async msi_irqs null,903 interface data msi_irqs 0,904 interface data msi_irqs 1,"
	assert_equal "$(irqs_of eth3 | tr '\n' ,)" \
		"900 device data msi_irqs null,901 device data msi_irqs null,902 device async msi_irqs null,905 interface data msi_irqs 0,906 interface data msi_irqs 1,"
	# no IRQ has two owning interfaces
	dup=$(jq '[.interfaces[].irqs[] | select(.owner == "interface") | .irq] |
		group_by(.) | map(select(length > 1)) | length' <<<"$output")
	assert_equal "$dup" 0
}

@test "show says which rule matched each IRQ and whose the device's vectors are" {
	run "$NETTUNE" show --root "$CAP" eth2
	assert_success
	assert_line --regexp '^    irq 903 +eth2-0 +rxtx 0 .* data, by msi_irqs \(IF-N\)$'
	assert_line --regexp "^    irq 900 +mlx4-comp-0@pci:$FN +- .* data, by msi_irqs \(mlx4-comp-N@pci:ADDR\), owner device $FN \(shared by its ports\)$"
	assert_line --regexp '^    irq 902 .* async, by msi_irqs .*owner device'
}

@test "without msi_irqs the names decide, with the same owners" {
	cp -a "$CAP" "$BATS_TEST_TMPDIR/t"
	rm -rf "$BATS_TEST_TMPDIR/t/sys/devices/pci0000:00/$FN/msi_irqs"
	run "$NETTUNE" show --json --root "$BATS_TEST_TMPDIR/t" eth2
	assert_success
	assert_equal "$(irqs_of eth2 | tr '\n' ,)" \
		"900 device data address null,901 device data address null,902 device async address null,903 interface data name 0,904 interface data name 1,"
}
