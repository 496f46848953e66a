#!/usr/bin/env bats
# The kernel's own drop reasons as evidence in audit (and its JSON and
# Prometheus output) and in top's drop-reason pane.  Each test gets a fresh
# namespace (nt_ns_create) and makes one kind of drop on purpose with the
# recipes of drops.bash.  audit counts drop reasons from before its first
# look to after its second, so the generator runs across the whole
# interval: it is started, the test waits until its sockets are up, audits,
# then stops it; the kernel's own counter must have moved (else the recipe,
# not nettune, is broken).  No sleep decides anything.

bats_require_minimum_version 1.5.0

load helpers
load drops

setup() {
	NS=$(nt_ns_name)-$BATS_TEST_NUMBER
	nt_ns_create "$NS"
}

teardown() {
	nt_gen_kill
	[ -z "${SND_PID-}" ] || kill "$SND_PID" 2>/dev/null || true
	wait 2>/dev/null || true
	nt_ns_destroy "$NS"
	[ -z "${NS_B-}" ] || nt_ns_destroy "$NS_B"
}

# audit ARGS...: nettune audit inside $NS, stdout in $output (stderr apart,
# so the JSON parses), status in $status
audit() {
	run --separate-stderr nt_in "$NS" "$NETTUNE" audit "$@"
}

# finding ID [SUBJECT]: the first finding with that id (and subject) in
# $output, compact JSON ("" if none)
finding() {
	jq -c --arg id "$1" --arg s "${2-}" \
		'[.findings[] | select(.id == $id and ($s == "" or .subject == $s))] | first // empty' \
		<<<"$output"
}

# observed_rate F: evidence observed_per_s of finding F is > 0
observed_rate() {
	jq -e '.evidence.observed_per_s > 0 and .evidence.observed_count > 0' \
		<<<"$1" >/dev/null || fail "no observed drops in: $1"
}

# row REASON DEVICE: the JSON drop_reasons row, "" if none
row() {
	jq -c --arg r "$1" --arg d "$2" \
		'[.drop_reasons.drops[] | select(.reason == $r and .device == $d)] | first // empty' \
		<<<"$output"
}

@test "SOCKET_RCVBUFF: joins udp.rcvbuf_errors, with the socket's fix" {
	before=$(nt_nstat "$NS" UdpRcvbufErrors)
	nt_gen_bg udp "$NS" udp --port 7002 --count 8000 --seconds 8 --batch 5 --pace 0.01
	audit --json --interval 1
	nt_gen_stop udp
	[ "$(nt_nstat "$NS" UdpRcvbufErrors)" -gt "$before" ]
	[ "$status" -ge 1 ] && [ "$status" -le 2 ] || fail "status $status: $output $stderr"
	assert_equal "$stderr" ""
	r=$(row SOCKET_RCVBUFF lo)
	[ -n "$r" ] || fail "no SOCKET_RCVBUFF row on lo in: $output"
	jq -e '.count > 0 and .per_s > 0 and (.location | test("udp"))' <<<"$r" >/dev/null ||
		fail "row: $r"
	f=$(finding udp.rcvbuf_errors)
	[ -n "$f" ] || fail "no udp.rcvbuf_errors in: $output"
	observed_rate "$f"
	jq -e '.summary | test("the kernel says SOCKET_RCVBUFF at [a-z_0-9]*udp[a-z_0-9]* on lo")' \
		<<<"$f" >/dev/null || fail "summary: $f"
	jq -e 'any(.fix[]; .knob == "app.so_rcvbuf" and .subject == "udp on lo")' \
		<<<"$f" >/dev/null || fail "no app.so_rcvbuf fix for the socket in: $f"
}

@test "QDISC_DROP: joins qdisc.drops of nt0's tbf, fix names the device; Prometheus gauge" {
	nt_in "$NS" tc qdisc add dev nt0 root tbf rate 1mbit burst 4k limit 8k
	nt_gen_bg flood "$NS" flood --size 1000 --count 10000 --seconds 10 --batch 10 --pace 0.01
	audit --json --interval 1
	json=$output
	audit --prometheus --interval 0.5
	prom=$output
	nt_gen_stop flood
	[ "$(nt_in "$NS" tc -s -j qdisc show dev nt0 | jq '.[0].drops')" -gt 0 ]
	output=$json
	f=$(jq -c '[.findings[] | select(.id == "qdisc.drops" and (.subject | startswith("nt0 qdisc tbf")))] | first // empty' <<<"$output")
	[ -n "$f" ] || fail "no qdisc.drops on nt0 in: $output"
	observed_rate "$f"
	jq -e '.summary | test("the kernel says QDISC_DROP at [a-z_0-9]+ on nt0")' \
		<<<"$f" >/dev/null || fail "summary: $f"
	jq -e 'any(.fix[]; .knob == "qdisc limit" and .subject == "nt0" and
		(.reason | test("root qdisc of nt0")))' <<<"$f" >/dev/null ||
		fail "no qdisc limit fix for nt0 in: $f"
	# the gauge, per second over the interval, passing promtool
	run promtool check metrics <<<"$prom"
	assert_success
	assert_output ""
	run grep -E '^nettune_drop_reason_rate\{reason="QDISC_DROP",location="[a-z_0-9]+",device="nt0"\} [0-9.e+]+$' <<<"$prom"
	assert_success
	v=$(awk '{ print $2 }' <<<"${lines[0]}")
	awk -v v="$v" 'BEGIN { exit !(v > 0) }' || fail "rate $v is not > 0"
	run grep -c '^# TYPE nettune_drop_reason_rate gauge$' <<<"$prom"
	assert_output 1
	run grep -x 'nettune_drop_reasons_available 1' <<<"$prom"
	assert_success
}

@test "NO_SOCKET: no knob acts on it, it appears as drops.observed with its location" {
	before=$(nt_nstat "$NS" UdpNoPorts)
	nt_gen_bg flood "$NS" flood --dst 10.77.0.1 --size 100 --count 10000 --seconds 8 --batch 5 --pace 0.01
	audit --json --interval 1
	nt_gen_stop flood
	[ "$(nt_nstat "$NS" UdpNoPorts)" -gt "$before" ]
	f=$(finding drops.observed "NO_SOCKET on lo")
	[ -n "$f" ] || fail "no drops.observed for NO_SOCKET in: $output"
	assert_equal "$(jq -r .severity <<<"$f")" info
	observed_rate "$f"
	jq -e '(.summary | test("as NO_SOCKET at [a-z_0-9]*udp[a-z_0-9]* on lo")) and
		(.fix == [])' <<<"$f" >/dev/null || fail "finding: $f"
}

@test "IP_RPFILTER: drops.rp_filter names the device and its rp_filter sysctl" {
	NS_B=$NS-b
	ip netns add "$NS_B"
	ip -n "$NS_B" link set lo up
	ip -n "$NS" link add va type veth peer name vb netns "$NS_B"
	ip -n "$NS" addr add 10.78.0.2/24 dev va
	ip -n "$NS_B" addr add 10.78.0.1/24 dev vb
	ip -n "$NS_B" addr add 192.0.2.1/32 dev vb
	ip -n "$NS" link set va up
	ip -n "$NS_B" link set vb up
	ip -n "$NS_B" neigh add 10.78.0.2 dev vb nud permanent \
		lladdr "$(nt_in "$NS" cat /sys/class/net/va/address)"
	nt_in "$NS" sysctl -qw net.ipv4.conf.all.rp_filter=1
	nt_in "$NS" sysctl -qw net.ipv4.conf.va.rp_filter=1
	before=$(nt_nstat "$NS" TcpExtIPReversePathFilter)
	# from an address $NS has no route back to, across the interval
	ip netns exec "$NS_B" python3 -c '
import os, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("192.0.2.1", 0))
open(sys.argv[1], "w").close()
end = time.monotonic() + 8
while time.monotonic() < end and not os.path.exists(sys.argv[2]):
    for _ in range(5):
        s.sendto(b"r" * 100, ("10.78.0.2", 9))
    time.sleep(0.01)
' "$BATS_TEST_TMPDIR/rp.ready" "$BATS_TEST_TMPDIR/rp.stop" 3>&- &
	SND_PID=$!
	wait_for_file "$BATS_TEST_TMPDIR/rp.ready"
	audit --json --interval 1
	touch "$BATS_TEST_TMPDIR/rp.stop"
	wait "$SND_PID"
	SND_PID=
	[ "$(nt_nstat "$NS" TcpExtIPReversePathFilter)" -gt "$before" ]
	[ "$status" -ge 1 ] && [ "$status" -le 2 ] || fail "status $status: $output $stderr"
	f=$(finding drops.rp_filter va)
	[ -n "$f" ] || fail "no drops.rp_filter on va in: $output"
	observed_rate "$f"
	jq -e '.severity == "warning" or .severity == "critical"' <<<"$f" >/dev/null ||
		fail "severity: $f"
	# (the per-device sysctl is not one nettune reads: current unknown)
	jq -e 'any(.fix[]; .knob == "sysctl" and .subject == "net.ipv4.conf.va.rp_filter" and
		.target == "2")' <<<"$f" >/dev/null ||
		fail "no rp_filter fix in: $f"
}

# wait_for_file FILE: until FILE exists (30 s at most)
wait_for_file() {
	local _
	for _ in $(seq 300); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	fail "$1 never appeared"
}

@test "without CAP_BPF/CAP_PERFMON audit carries on and says why once" {
	command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
	run --separate-stderr nt_in "$NS" setpriv \
		--bounding-set=-bpf,-perfmon,-sys_admin \
		--inh-caps=-bpf,-perfmon,-sys_admin \
		"$NETTUNE" audit --interval 0.2
	[ "$status" -le 2 ] || fail "status $status: $output $stderr"
	assert_output --partial "audit of "
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "${stderr_lines[0]}" "nettune: audit: drop reasons unavailable, auditing without them: loading the BPF drop counter needs CAP_BPF and CAP_PERFMON (or root): Operation not permitted"
	run --separate-stderr nt_in "$NS" setpriv \
		--bounding-set=-bpf,-perfmon,-sys_admin \
		--inh-caps=-bpf,-perfmon,-sys_admin \
		"$NETTUNE" audit --interval 0.2 --json
	[ "$status" -le 2 ] || fail "status $status: $output $stderr"
	assert_equal "$stderr" ""
	jq -e '(.drop_reasons == null) and
		(.drop_reasons_unavailable | test("CAP_BPF and CAP_PERFMON")) and
		(.findings | type == "array")' <<<"$output" >/dev/null ||
		fail "JSON: $output"
}

@test "--no-drop-reasons, --interval 0 and --from leave drop reasons out" {
	nt_gen_bg flood "$NS" flood --dst 10.77.0.1 --size 100 --count 10000 --seconds 8 --batch 5 --pace 0.01
	audit --json --interval 0.5 --no-drop-reasons
	assert_equal "$stderr" ""
	jq -e 'has("drop_reasons") | not' <<<"$output" >/dev/null || fail "JSON: $output"
	assert_equal "$(finding drops.observed)" ""
	audit --prometheus --interval 0.3 --no-drop-reasons
	refute_output --partial nettune_drop_reason
	audit --json --interval 0
	jq -e 'has("drop_reasons") | not' <<<"$output" >/dev/null || fail "JSON: $output"
	nt_in "$NS" "$NETTUNE" snapshot save "$BATS_TEST_TMPDIR/a.json" >/dev/null
	nt_gen_stop flood
	audit --json --from "$BATS_TEST_TMPDIR/a.json"
	jq -e 'has("drop_reasons") | not' <<<"$output" >/dev/null || fail "JSON: $output"
	# and without the option the same flood is there
	nt_gen_bg flood "$NS" flood --dst 10.77.0.1 --size 100 --count 10000 --seconds 8 --batch 5 --pace 0.01
	audit --json --interval 0.5
	nt_gen_stop flood
	[ -n "$(finding drops.observed "NO_SOCKET on lo")" ] || fail "no NO_SOCKET in: $output"
}

# the count of REASON on DEVICE in the pane of top frame $1 (0 if none)
pane_count() {
	jq --arg r "$2" --arg d "$3" \
		'[.drop_reasons.rows[] | select(.reason == $r and .device == $d) | .count] | add // 0' \
		<<<"$1"
}

@test "top --step --json: the drop-reason pane holds the drops between two looks, recorded and replayed" {
	before=$(nt_nstat "$NS" UdpNoPorts)
	rec=$BATS_TEST_TMPDIR/r.jsonl
	# --step: a look per line written, so the test decides what falls
	# between the two looks of the second frame, not the clock
	coproc TOP { exec ip netns exec "$NS" "$NETTUNE" top --step -n 2 --json \
		--record "$rec" 2>"$BATS_TEST_TMPDIR/top.err" 3>&-; }
	pid=$TOP_PID
	exec {to_top}>&"${TOP[1]}" {from_top}<&"${TOP[0]}"
	echo >&"$to_top"
	read -r -t 60 first <&"$from_top" || fail "no first frame: $(cat "$BATS_TEST_TMPDIR/top.err")"
	# datagrams to a closed port of a local address: NO_SOCKET on lo
	nt_udp_flood "$NS" 10.77.0.1 500 100
	for _ in $(seq 300); do
		[ "$(nt_nstat "$NS" UdpNoPorts)" -ge $((before + 500)) ] && break
		sleep 0.1
	done
	[ "$(nt_nstat "$NS" UdpNoPorts)" -ge $((before + 500)) ] || fail "the kernel saw no NoPorts"
	echo >&"$to_top"
	read -r -t 60 second <&"$from_top" || fail "no second frame: $(cat "$BATS_TEST_TMPDIR/top.err")"
	exec {to_top}>&- {from_top}<&-
	wait "$pid" || fail "top: status $?: $(cat "$BATS_TEST_TMPDIR/top.err")"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/top.err")" ""
	assert_equal "$(pane_count "$first" NO_SOCKET lo)" 0
	assert_equal "$(pane_count "$second" NO_SOCKET lo)" 500
	jq -e '[.drop_reasons.rows[] | select(.reason == "NO_SOCKET")] | first |
		(.location | test("udp")) and .per_s > 0' <<<"$second" >/dev/null ||
		fail "row: $second"
	# the recording holds the rows: its replay gives the same pane
	run --separate-stderr "$NETTUNE" top -b --replay "$rec" --speed 0 --json
	assert_success
	assert_equal "$(jq -c .drop_reasons <<<"${lines[1]}")" "$(jq -c .drop_reasons <<<"$second")"
	# and the text frame has the pane
	run --separate-stderr "$NETTUNE" top -b --replay "$rec" --speed 0
	assert_success
	assert_line --regexp '^Drop reasons \(5\): [0-9]+$'
	assert_line --regexp '^NO_SOCKET +[a-z_0-9]*udp[a-z_0-9]* +lo +500 '
}

@test "top: without CAP_BPF/CAP_PERFMON it carries on and says why; --no-drop-reasons leaves the pane out" {
	command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
	run --separate-stderr nt_in "$NS" setpriv \
		--bounding-set=-bpf,-perfmon,-sys_admin \
		--inh-caps=-bpf,-perfmon,-sys_admin \
		"$NETTUNE" top -b -n 2 -d 0.1
	assert_success
	assert_equal "${#stderr_lines[@]}" 1
	[[ ${stderr_lines[0]} == "nettune: top: drop reasons unavailable, showing the rest: loading the BPF drop counter needs CAP_BPF and CAP_PERFMON"* ]] ||
		fail "stderr: $stderr"
	assert_line --regexp '^Drop reasons \(5\): unavailable: .*CAP_BPF and CAP_PERFMON'
	assert_line --regexp '^CPU \(1\)'
	run --separate-stderr nt_in "$NS" setpriv \
		--bounding-set=-bpf,-perfmon,-sys_admin \
		--inh-caps=-bpf,-perfmon,-sys_admin \
		"$NETTUNE" top -b -n 1 -d 0.1 --json
	assert_success
	assert_equal "$stderr" ""
	jq -e '(.drop_reasons == null) and
		(.drop_reasons_unavailable | test("CAP_BPF and CAP_PERFMON")) and
		(.cpus | length > 0)' <<<"$output" >/dev/null || fail "frame: $output"

	run --separate-stderr nt_in "$NS" "$NETTUNE" top -b -n 1 -d 0.1 --json --no-drop-reasons
	assert_success
	jq -e 'has("drop_reasons") or has("drop_reasons_unavailable") | not' <<<"$output" >/dev/null ||
		fail "frame: $output"
	run --separate-stderr nt_in "$NS" "$NETTUNE" top -b -n 1 -d 0.1 --no-drop-reasons
	refute_line --partial "Drop reasons"
	# and by default the pane is there
	run --separate-stderr nt_in "$NS" "$NETTUNE" top -b -n 1 -d 0.1 --json
	jq -e '.drop_reasons.rows | type == "array"' <<<"$output" >/dev/null || fail "frame: $output"
}
