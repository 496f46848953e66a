#!/usr/bin/env bats
# nettune audit --prometheus / --json against the real kernel, in a private
# namespace: the exposition passes promtool, its counters equal what tc and
# ip say, and bad usage fails in one line.

load helpers
bats_require_minimum_version 1.5.0

# The tbf bucket drains at 1 mbit: wait until it is empty and still.
tbf_drain() {
	local _
	for _ in $(seq 50); do
		[ "$(nt_in "$NS" tc -s -j qdisc show dev nt0 | jq '.[0].qlen')" = 0 ] &&
			return 0
		sleep 0.1
	done
}

# prom_value NAME LABELS: the value of one series of $output ("" if none)
prom_value() {
	awk -v s="$1{$2}" 'index($0, s " ") == 1 { print $2 }' <<<"$output"
}

setup_file() {
	export NS=$(nt_ns_name)
	nt_ns_create "$NS"
	nt_in "$NS" tc qdisc add dev nt0 root tbf rate 1mbit burst 4k limit 8k
	# a burst of datagrams the 1 mbit bucket cannot take: real qdisc drops
	nt_udp_flood "$NS" 10.77.0.3 300 1000
	tbf_drain
}

teardown_file() {
	nt_ns_destroy "$NS"
}

@test "promtool is installed (tools/deps.sh: prometheus)" {
	command -v promtool || fail "promtool missing: apt-get install prometheus"
}

@test "--prometheus passes promtool, one family block each, no repeated series" {
	run --separate-stderr nt_in "$NS" "$NETTUNE" audit --prometheus --interval 0.2
	[ "$status" -lt 3 ] || fail "exit $status: $stderr"
	assert_equal "$stderr" ""
	prom=$output
	run promtool check metrics <<<"$prom"
	assert_success
	assert_output ""
	# promtool takes both of these silently; a Prometheus scrape does not
	run awk '!/^#/ { sub(/ [^ ]*$/, ""); print }' <<<"$prom"
	assert_equal "$(sort <<<"$output" | uniq -d)" ""
	run awk '/^# TYPE/ { if (seen[$3]++) print "TYPE twice: " $3; next }
		 /^#/ { next }
		 { n = $1; sub(/\{.*/, "", n)
		   if (n != last && done[n]) print "split family: " n
		   if (n != last) done[last] = 1
		   last = n }' <<<"$prom"
	assert_output ""
}

@test "qdisc drops equal tc -s -j qdisc and make a qdisc.drops finding" {
	run --separate-stderr nt_in "$NS" "$NETTUNE" audit --prometheus --interval 0.2
	[ "$status" -lt 3 ] || fail "exit $status: $stderr"
	tcj=$(nt_in "$NS" tc -s -j qdisc show dev nt0)
	handle=$(jq -r '.[0].handle' <<<"$tcj")
	labels="device=\"nt0\",qdisc=\"tbf\",handle=\"$handle\",parent=\"root\""
	drops=$(prom_value nettune_qdisc_drops_total "$labels")
	[ -n "$drops" ] || fail "no nettune_qdisc_drops_total{$labels}"
	[ "$drops" -gt 0 ]
	assert_equal "$drops" "$(jq -r '.[0].drops' <<<"$tcj")"
	for f in overlimits requeues; do
		assert_equal "$f $(prom_value "nettune_qdisc_${f}_total" "$labels")" \
			"$f $(jq -r --arg f "$f" '.[0][$f]' <<<"$tcj")"
	done
	assert_equal "$(prom_value nettune_qdisc_backlog_bytes "$labels")" 0
	assert_line --regexp '^nettune_finding\{id="qdisc\.drops",severity="[a-z]+",subject="nt0[^"]*"\} 1$'
	assert_line --regexp '^nettune_audit_worst_severity [0-3]$'
}

@test "link and softnet counters equal ip -s -j link and softnet_stat" {
	run nt_in "$NS" "$NETTUNE" audit --prometheus --interval 0
	[ "$status" -lt 3 ]
	ipj=$(nt_in "$NS" ip -s -s -j link show)
	for dev in lo nt0 nt1; do
		for f in rx_dropped tx_dropped rx_missed_errors rx_fifo_errors \
			 rx_over_errors; do
			mine=$(prom_value "nettune_link_${f}_total" "device=\"$dev\"")
			theirs=$(jq -r --arg d "$dev" --arg dir "${f%%_*}" --arg k "${f#*_}" \
				'.[] | select(.ifname==$d) | .stats64[$dir][$k]' <<<"$ipj")
			assert_equal "$dev $f $mine" "$dev $f $theirs"
		done
	done
	assert_equal "$(grep -c '^nettune_softnet_processed_total{cpu="' <<<"$output")" \
		"$(wc -l </proc/net/softnet_stat)"
	# veth counts its XDP/peer drops per queue: ethtool -S names
	assert_line --regexp '^nettune_driver_drops_total\{device="nt0",counter="rx_queue_0_drops",queue="0"\} [0-9]+$'
	assert_line --regexp '^nettune_udp_rcvbuf_errors_total [0-9]+$'
	assert_line --regexp '^nettune_tcp_listen_overflows_total [0-9]+$'
}

@test "listeners: accept queue and backlog as gauges" {
	# listener, clients and audit in one process: nothing left running
	run nt_in "$NS" python3 -c '
import socket, subprocess, sys
srv = socket.socket()
srv.bind(("10.77.0.1", 7777))
srv.listen(7)
clients = [socket.create_connection(("10.77.0.1", 7777)) for _ in range(2)]
r = subprocess.run([sys.argv[1], "audit", "--prometheus", "--interval", "0"],
                   stdout=subprocess.PIPE)
sys.stdout.write(r.stdout.decode())
sys.exit(r.returncode)
' "$NETTUNE"
	[ "$status" -lt 3 ]
	assert_equal "$(prom_value nettune_listen_queue 'addr="10.77.0.1",port="7777"')" 2
	assert_equal "$(prom_value nettune_listen_backlog 'addr="10.77.0.1",port="7777"')" 7
}

@test "--json has the documented keys" {
	run --separate-stderr nt_in "$NS" "$NETTUNE" audit --json --interval 0.2
	[ "$status" -lt 3 ] || fail "exit $status: $stderr"
	jq -e '.host | (.hostname | type == "string") and
		(.kernel | type == "string") and
		(.taken | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T.*Z$"))' <<<"$output"
	jq -e '.interval >= 0.2 and .interval < 5' <<<"$output"
	jq -e '.findings | type == "array" and length >= 1' <<<"$output"
	jq -e 'all(.findings[];
		(keys == ["evidence", "fix", "id", "severity", "subject", "summary"]) and
		(.severity | IN("info", "warning", "critical")) and
		(.evidence | type == "object") and
		all(.evidence[]; type == "number") and
		all(.fix[]; (.knob | type == "string") and
			(.subject | type == "string") and
			(.current | type == "string" or type == "null") and
			(.target | type == "string")))' <<<"$output"
	jq -e '.findings | any(.id == "qdisc.drops")' <<<"$output"
	run nt_in "$NS" "$NETTUNE" audit --json --interval 0
	[ "$status" -lt 3 ]
	jq -e '.interval == 0' <<<"$output"
}

@test "text: header says how it was judged, no colour when not a terminal" {
	run nt_in "$NS" "$NETTUNE" audit --interval 0.2
	[ "$status" -lt 3 ]
	assert_line --index 0 --regexp '^audit of .*, kernel .*, judged over 0\.[2-9] s$'
	refute_output --partial $'\e['
	run nt_in "$NS" "$NETTUNE" audit --interval 0
	[ "$status" -lt 3 ]
	assert_line --index 1 \
		"--interval 0: totals only, no rates; old drops are info at most"
}

@test "exit status follows the worst finding" {
	run nt_in "$NS" "$NETTUNE" audit --prometheus --interval 0
	worst=$(awk '/^nettune_audit_worst_severity / { print $2 }' <<<"$output")
	case $worst in
	0|1) assert_equal "$status" 0 ;;
	2) assert_equal "$status" 1 ;;
	3) assert_equal "$status" 2 ;;
	*) fail "no nettune_audit_worst_severity" ;;
	esac
}

@test "--from two snapshots: judged over the time between them, order checked" {
	a=$BATS_TEST_TMPDIR/a.json
	b=$BATS_TEST_TMPDIR/b.json
	nt_in "$NS" "$NETTUNE" snapshot save "$a"
	sleep 0.3
	nt_in "$NS" "$NETTUNE" snapshot save "$b"
	run "$NETTUNE" audit --json --from "$a" --from "$b"
	[ "$status" -lt 3 ]
	jq -e '.interval >= 0.3' <<<"$output"
	run "$NETTUNE" audit --prometheus --from "$a"
	[ "$status" -lt 3 ]
	run promtool check metrics <<<"$output"
	assert_success
	run "$NETTUNE" audit --from "$b" --from "$a"
	assert_failure 3
	assert_output "nettune: $a was not taken after $b (wrong order, or the host rebooted in between)"
}

@test "--root: one look, said in the header; promtool takes it" {
	cap=$BATS_TEST_TMPDIR/cap
	nt_in "$NS" sh "$BATS_TEST_DIRNAME/../../tools/capture-root.sh" "$cap"
	run "$NETTUNE" audit --root "$cap"
	[ "$status" -lt 3 ]
	assert_line --index 1 --partial "one look only (--interval 0)"
	assert_output --partial "netlink not read"
	run "$NETTUNE" audit --root "$cap" --prometheus
	[ "$status" -lt 3 ]
	refute_output --partial nettune_qdisc_
	run promtool check metrics <<<"$output"
	assert_success
}

@test "bad usage exits 3 with one line" {
	run "$NETTUNE" audit --interval -1
	assert_failure 3
	assert_output "nettune: audit: --interval -1: expected seconds from 0 to 3600; see 'nettune audit --help'"
	run "$NETTUNE" audit --interval abc
	assert_failure 3
	assert_output --partial "--interval abc"
	assert_equal "${#lines[@]}" 1
	run "$NETTUNE" audit --interval 3601
	assert_failure 3
	assert_equal "${#lines[@]}" 1
	run "$NETTUNE" audit --from x --root y
	assert_failure 3
	assert_output --partial "see 'nettune audit --help'"
	assert_equal "${#lines[@]}" 1
	run "$NETTUNE" audit --from "$BATS_TEST_TMPDIR/missing.json"
	assert_failure 3
	assert_output --partial "missing.json"
	assert_equal "${#lines[@]}" 1
	run "$NETTUNE" audit --json --prometheus
	assert_failure 3
	assert_equal "${#lines[@]}" 1
	run "$NETTUNE" audit --root / --interval 1
	assert_failure 3
	assert_equal "${#lines[@]}" 1
	run "$NETTUNE" audit --help
	assert_success
	assert_output --partial "Usage: nettune audit"
	assert_output --partial "Exit status:"
}
