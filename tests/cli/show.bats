#!/usr/bin/env bats
# nettune show / snapshot against the real kernel, in a private namespace.

load helpers

setup_file() {
	export NS=$(nt_ns_name)
	nt_ns_create "$NS"
	# some traffic, so link counters are not all zero
	nt_udp_flood "$NS" 10.77.0.3 20 200
}

teardown_file() {
	nt_ns_destroy "$NS"
}

@test "--help and --version exit 0" {
	run "$NETTUNE" --help
	assert_success
	assert_output --partial "show"
	run "$NETTUNE" show --help
	assert_success
	assert_output --partial "Usage: nettune show"
	run "$NETTUNE" snapshot --help
	assert_success
	run "$NETTUNE" --version
	assert_success
	assert_output --regexp '^nettune [0-9]+\.[0-9]+'
}

@test "bad usage exits 3 with one line" {
	run "$NETTUNE" frobnicate
	assert_failure 3
	assert_output "nettune: unknown verb 'frobnicate'; see 'nettune --help'"
	run "$NETTUNE" show --bogus
	assert_failure 3
	assert_output --partial "see 'nettune show --help'"
	run "$NETTUNE" show --root / --from x.json
	assert_failure 3
}

@test "unknown interface exits 3 naming it" {
	run nt_in "$NS" "$NETTUNE" show nosuch0
	assert_failure 3
	assert_output "nettune: nosuch0: no such interface"
	run nt_in "$NS" "$NETTUNE" show --json nt0 nosuch1
	assert_failure 3
	assert_output --partial "nosuch1"
}

@test "show lists the namespace's veth pair" {
	run nt_in "$NS" "$NETTUNE" show
	assert_success
	assert_output --partial "nt0: veth (veth), virtual"
	assert_output --partial "rings     not supported by this driver"
	assert_output --partial "net.core.somaxconn"
}

@test "channels equal ethtool -l" {
	for dev in nt0 nt1; do
		json=$(nt_in "$NS" "$NETTUNE" show --json "$dev")
		cur=$(nt_in "$NS" ethtool -l "$dev" |
			awk '/Current/{c=1} c&&/^RX:/{rx=$2} c&&/^TX:/{tx=$2} END{print rx, tx}')
		max=$(nt_in "$NS" ethtool -l "$dev" |
			awk '/Current/{exit} /^RX:/{rx=$2} /^TX:/{tx=$2} END{print rx, tx}')
		got=$(jq -r '.interfaces[0].channels | "\(.rx) \(.tx)"' <<<"$json")
		gotmax=$(jq -r '.interfaces[0].channels | "\(.rx_max) \(.tx_max)"' <<<"$json")
		assert_equal "$got" "$cur"
		assert_equal "$gotmax" "$max"
	done
}

@test "channels follow a change made with ethtool -L" {
	nt_in "$NS" ethtool -L nt0 rx 2 tx 2
	run nt_in "$NS" "$NETTUNE" show --json nt0
	assert_success
	assert_equal "$(jq -r '.interfaces[0].channels.rx' <<<"$output")" 2
	nt_in "$NS" ethtool -L nt0 rx 1 tx 1
	run nt_in "$NS" "$NETTUNE" show --json nt0
	assert_equal "$(jq -r '.interfaces[0].channels.rx' <<<"$output")" 1
}

@test "veth rings are null (driver has none) and kind is veth" {
	run nt_in "$NS" "$NETTUNE" show --json nt0
	assert_success
	assert_equal "$(jq -r '.interfaces[0].rings' <<<"$output")" null
	assert_equal "$(jq -r '.interfaces[0].kind' <<<"$output")" veth
	assert_equal "$(jq -r '.interfaces[0].driver' <<<"$output")" veth
	assert_equal "$(jq -r '.interfaces[0].virtual' <<<"$output")" true
}

@test "link counters equal ip -s -j link" {
	json=$(nt_in "$NS" "$NETTUNE" show --json)
	ipj=$(nt_in "$NS" ip -s -j link show)
	for dev in nt0 nt1 lo; do
		for f in rx_packets rx_bytes tx_packets tx_bytes rx_dropped tx_dropped rx_errors; do
			mine=$(jq -r --arg d "$dev" --arg f "$f" \
				'.interfaces[] | select(.name==$d) | .stats[$f]' <<<"$json")
			dir=${f%%_*}
			key=${f#*_}
			theirs=$(jq -r --arg d "$dev" --arg dir "$dir" --arg k "$key" \
				'.[] | select(.ifname==$d) | .stats64[$dir][$k]' <<<"$ipj")
			assert_equal "$dev $f $mine" "$dev $f $theirs"
		done
		mtu=$(jq -r --arg d "$dev" '.interfaces[] | select(.name==$d) | .mtu' <<<"$json")
		assert_equal "$mtu" "$(jq -r --arg d "$dev" '.[] | select(.ifname==$d) | .mtu' <<<"$ipj")"
	done
	nonzero=$(jq -r '.interfaces[] | select(.name=="nt0") | .stats.tx_packets' <<<"$json")
	[ "$nonzero" -gt 0 ]
}

@test "qdisc stats equal tc -s -j qdisc, tbf drops included" {
	nt_in "$NS" tc qdisc add dev nt0 root tbf rate 1mbit burst 4k limit 8k
	# a burst of datagrams the 1 mbit bucket cannot take: real qdisc drops
	nt_udp_flood "$NS" 10.77.0.3 300 1000
	# the bucket drains at 1 mbit: compare once it is empty and still
	for _ in $(seq 50); do
		[ "$(nt_in "$NS" tc -s -j qdisc show dev nt0 | jq '.[0].qlen')" = 0 ] && break
		sleep 0.1
	done
	json=$(nt_in "$NS" "$NETTUNE" show --json nt0)
	tcj=$(nt_in "$NS" tc -s -j qdisc show dev nt0)
	assert_equal "$(jq -r '.interfaces[0].qdiscs[0].kind' <<<"$json")" tbf
	assert_equal "$(jq -r '.interfaces[0].qdisc' <<<"$json")" tbf
	for f in drops packets bytes overlimits requeues qlen backlog; do
		mine=$(jq -r --arg f "$f" '.interfaces[0].qdiscs[0][$f]' <<<"$json")
		theirs=$(jq -r --arg f "$f" '.[0][$f]' <<<"$tcj")
		assert_equal "$f $mine" "$f $theirs"
	done
	[ "$(jq -r '.interfaces[0].qdiscs[0].drops' <<<"$json")" -gt 0 ]
	assert_equal "$(jq -r '.interfaces[0].qdiscs[0].handle' <<<"$json")" \
		"$(jq -r '.[0].handle' <<<"$tcj")"
	nt_in "$NS" tc qdisc del dev nt0 root
}

@test "sysctls equal sysctl -n, absent keys are null" {
	nt_in "$NS" sysctl -qw net.core.somaxconn=777
	json=$(nt_in "$NS" "$NETTUNE" show --json)
	for key in net.core.somaxconn net.ipv4.tcp_rmem net.ipv4.tcp_wmem \
		   net.ipv4.ip_local_port_range net.ipv4.tcp_congestion_control \
		   net.core.rmem_max net.ipv4.tcp_syncookies; do
		mine=$(jq -r --arg k "$key" '.sysctls[$k]' <<<"$json")
		assert_equal "$key=$mine" "$key=$(nt_in "$NS" sysctl -n "$key")"
	done
	assert_equal "$(jq -r '.sysctls["net.core.somaxconn"]' <<<"$json")" 777
	# global-only keys are not visible inside a namespace (REFERENCE.md)
	assert_equal "$(jq -r '.sysctls | has("net.core.netdev_max_backlog")' <<<"$json")" true
	assert_equal "$(jq -r '.sysctls["net.core.netdev_max_backlog"]' <<<"$json")" null
	cc=$(nt_in "$NS" sysctl -n net.ipv4.tcp_congestion_control)
	assert_equal "$(jq -r '.congestion_control.current' <<<"$json")" "$cc"
	avail=$(nt_in "$NS" sysctl -n net.ipv4.tcp_available_congestion_control)
	assert_equal "$(jq -r '.congestion_control.available | join(" ")' <<<"$json")" "$avail"
}

@test "an RPS mask written to a veth queue shows up" {
	nt_in "$NS" sh -c 'echo 2 > /sys/class/net/nt1/queues/rx-1/rps_cpus'
	nt_in "$NS" sh -c 'echo 64 > /sys/class/net/nt1/queues/rx-1/rps_flow_cnt'
	run nt_in "$NS" "$NETTUNE" show --json nt1
	assert_success
	assert_equal "$(jq -r '.interfaces[0].queues.rx[1].rps_cpus' <<<"$output")" 1
	assert_equal "$(jq -r '.interfaces[0].queues.rx[1].rps_flow_cnt' <<<"$output")" 64
	assert_equal "$(jq -r '.interfaces[0].queues.rx[0].rps_cpus' <<<"$output")" ""
	nt_in "$NS" sh -c 'echo 3 > /sys/class/net/nt1/queues/tx-0/xps_cpus'
	run nt_in "$NS" "$NETTUNE" show --json nt1
	assert_equal "$(jq -r '.interfaces[0].queues.tx[0].xps_cpus' <<<"$output")" 0-1
	run nt_in "$NS" "$NETTUNE" show nt1
	assert_output --regexp 'rx-1 +rps 1 +flows 64'
}

@test "the host NIC's rings equal ethtool -g (read only)" {
	dev=
	for d in /sys/class/net/*; do
		[ -e "$d/device" ] || continue
		ethtool -g "${d##*/}" >/dev/null 2>&1 || continue
		dev=${d##*/}
		break
	done
	[ -n "$dev" ] || fail "no NIC with rings on this host"
	g=$(ethtool -g "$dev")
	max_rx=$(awk '/Pre-set/{p=1} p&&/^RX:/{print $2; exit}' <<<"$g")
	max_tx=$(awk '/Pre-set/{p=1} p&&/^TX:/{print $2; exit}' <<<"$g")
	cur_rx=$(awk '/Current/{c=1} c&&/^RX:/{print $2; exit}' <<<"$g")
	cur_tx=$(awk '/Current/{c=1} c&&/^TX:/{print $2; exit}' <<<"$g")
	run "$NETTUNE" show --json "$dev"
	assert_success
	assert_equal "$(jq -r '.interfaces[0].rings | "\(.rx)/\(.rx_max) \(.tx)/\(.tx_max)"' <<<"$output")" \
		"$cur_rx/$max_rx $cur_tx/$max_tx"
	drv=$(ethtool -i "$dev" | awk '/^driver:/{print $2}')
	assert_equal "$(jq -r '.interfaces[0].driver' <<<"$output")" "$drv"
	# its queue IRQs are named after it in /proc/interrupts (virtioN-input.0 ...)
	nirq=$(jq -r '[.interfaces[0].irqs[] | select(.queue != null)] | length' <<<"$output")
	[ "$nirq" -ge 1 ]
	irq=$(jq -r '[.interfaces[0].irqs[] | select(.queue != null)][0].irq' <<<"$output")
	assert_equal "$(jq -r '[.interfaces[0].irqs[] | select(.queue != null)][0].affinity' <<<"$output")" \
		"$(cat /proc/irq/$irq/smp_affinity_list)"
}

@test "snapshot save, show --from: same document" {
	f=$BATS_TEST_TMPDIR/snap.json
	run nt_in "$NS" "$NETTUNE" snapshot save "$f"
	assert_success
	jq -e '.nettune_snapshot == 1' "$f"
	jq -e '.interfaces | map(.name) | index("nt0") != null' "$f"
	jq -e '.interfaces[] | select(.name=="nt0") | .driver_stats.rx_queue_0_drops != null' "$f"
	run "$NETTUNE" show --json --from "$f"
	assert_success
	assert_equal "$output" "$(cat "$f")"
	run "$NETTUNE" snapshot show "$f"
	assert_success
	assert_output --partial "nt0: veth"
	run "$NETTUNE" show --from "$f" nt1
	assert_success
	assert_output --partial "nt1: veth"
}

@test "truncated or malformed snapshot exits 3" {
	f=$BATS_TEST_TMPDIR/snap.json
	nt_in "$NS" "$NETTUNE" snapshot save "$f"
	head -c 300 "$f" > "$BATS_TEST_TMPDIR/cut.json"
	run "$NETTUNE" show --from "$BATS_TEST_TMPDIR/cut.json"
	assert_failure 3
	assert_output --partial "cut.json"
	assert_equal "${#lines[@]}" 1
	jq '.interfaces[0].mtu = "big"' "$f" > "$BATS_TEST_TMPDIR/bad.json"
	run "$NETTUNE" show --from "$BATS_TEST_TMPDIR/bad.json"
	assert_failure 3
	assert_output --partial "interfaces[0].mtu"
	run "$NETTUNE" show --from "$BATS_TEST_TMPDIR/missing.json"
	assert_failure 3
	assert_output --partial "missing.json"
	run "$NETTUNE" show --from "$f" nosuch9
	assert_failure 3
	assert_output --partial "nosuch9"
}

@test "show and audit work unprivileged and show says what root sees" {
	as_nobody() {
		setpriv --reuid=nobody --regid=nogroup --clear-groups \
			--inh-caps=-all "$@"
	}
	q='[.interfaces[] | {name, driver, rings, channels, queues, irqs}]'
	run as_nobody "$NETTUNE" show --json
	assert_success
	mine=$(jq -c "$q" <<<"$output")
	assert_equal "$mine" "$("$NETTUNE" show --json | jq -c "$q")"
	run as_nobody "$NETTUNE" audit --json --interval 0
	[ "$status" -lt 3 ] || fail "audit as nobody: $output"
}
