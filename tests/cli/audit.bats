#!/usr/bin/env bats
# nettune audit against the real kernel.  Each test gets a fresh namespace
# (counters start at zero) and makes one kind of drop on purpose in it, with
# the recipes of drops.bash (REFERENCE.md says how each was found).  The
# audit judges rates between two samples --interval apart, so a generator
# runs in the background across the interval: it is started, the test waits
# until its sockets are up, audits, then tells it to stop and waits for it.
# Every generator also stops by itself (bounded count and duration).

bats_require_minimum_version 1.5.0

load helpers
load drops

setup_file() {
	nt_backlog_save
}

setup() {
	NS=$(nt_ns_name)-$BATS_TEST_NUMBER
	nt_ns_create "$NS"
}

teardown() {
	nt_gen_kill
	nt_ns_destroy "$NS"
	nt_backlog_restored
}

teardown_file() {
	nt_backlog_restored
}

# audit NS ARGS...: nettune audit inside the namespace, stdout in $output
# (stderr apart, so the JSON parses), status in $status.
audit() {
	local ns=$1
	shift
	run --separate-stderr nt_in "$ns" "$NETTUNE" audit "$@"
}

# finding ID: the finding with that id in $output, compact JSON ("" if none)
finding() {
	jq -c --arg id "$1" '[.findings[] | select(.id == $id)] | first // empty' <<<"$output"
}

# assert_finding_rate ID NAME: the finding exists, is a warning or worse,
# and its evidence NAME is a number > 0; the finding is left in $f.
assert_finding_rate() {
	f=$(finding "$1")
	[ -n "$f" ] || fail "no finding $1 in: $output"
	jq -e --arg n "$2" '.evidence[$n] | type == "number" and . > 0' <<<"$f" >/dev/null ||
		fail "$1: evidence $2 is not > 0: $f"
	jq -e '.severity == "warning" or .severity == "critical"' <<<"$f" >/dev/null ||
		fail "$1: severity is not warning or critical: $f"
}

# assert_fix F KNOB [SUBJECT]: finding F (JSON) has a fix with that knob
# (and subject)
assert_fix() {
	jq -e --arg k "$2" --arg s "${3-}" \
		'any(.fix[]; .knob == $k and ($s == "" or .subject == $s))' <<<"$1" >/dev/null ||
		fail "no fix $2 ${3-} in: $1"
}

# exit status matches the worst finding: 1 warning, 2 critical
assert_status_is_worst() {
	local worst
	worst=$(jq -r '[.findings[].severity] |
		if index("critical") then 2 elif index("warning") then 1 else 0 end' <<<"$output")
	assert_equal "status $status" "status $worst"
}

@test "a quiet namespace: nothing of its own worse than info, the status is the worst finding" {
	audit "$NS" --json --interval 0.5
	[ "$status" -lt 3 ] || fail "status $status: $output $stderr"
	# softirqs, softnet_stat and interrupts are the whole machine's: what
	# other work on it does at the same time (another test suite's flood)
	# may show on a CPU.  Everything else is this namespace's and quiet.
	assert_status_is_worst
	output=$(jq '.findings |= map(select(.subject | test("^cpu[0-9]+$") | not))' <<<"$output")
	jq -e '.host.hostname and .host.kernel and .host.taken' <<<"$output" >/dev/null
	# the interval measured between the two samples: at least the one asked
	jq -e '.interval >= 0.5' <<<"$output" >/dev/null || fail "interval: $output"
	assert_equal "$(jq -r '.findings | type' <<<"$output")" array
	bad=$(jq -c '[.findings[] | select(.severity == "warning" or .severity == "critical")]' <<<"$output")
	assert_equal "$bad" "[]"
	assert_equal "$(jq -r '[.findings[].severity | select(. != "info")] | length' <<<"$output")" 0
}

@test "listen overflow: tcp.listen_overflows names the port, rate > 0" {
	# somaxconn (per namespace) caps the backlog the application asks for
	nt_in "$NS" sysctl -qw net.core.somaxconn=1
	before=$(nt_nstat "$NS" TcpExtListenOverflows)
	nt_gen_bg listen "$NS" listen --port 7001 --backlog 128 --count 400 --seconds 8 --pace 0.02
	audit "$NS" --json --interval 1
	nt_gen_stop listen
	# the kernel saw it (else the recipe, not nettune, is broken)
	[ "$(nt_nstat "$NS" TcpExtListenOverflows)" -gt "$before" ]
	[ "$status" -ge 1 ] && [ "$status" -le 2 ] || fail "status $status: $output $stderr"
	assert_status_is_worst
	# the interval measured between the two samples: at least the one asked
	jq -e '.interval >= 1' <<<"$output" >/dev/null || fail "interval: $output"
	assert_finding_rate tcp.listen_overflows listen_overflows_per_s
	assert_equal "$(jq -r '.subject' <<<"$f")" "tcp :7001"
	assert_fix "$f" sysctl net.core.somaxconn
	assert_fix "$f" app.listen_backlog "tcp :7001"
	assert_equal "$(jq -r '.fix[] | select(.subject == "net.core.somaxconn") | .current' <<<"$f")" 1
}

@test "listen overflow with the application's backlog the limit: fix its backlog" {
	# somaxconn stays at its default, far above the listen(1) of the service
	nt_gen_bg listen "$NS" listen --port 7005 --backlog 1 --count 400 --seconds 8 --pace 0.02
	audit "$NS" --json --interval 0.5
	nt_gen_stop listen
	[ "$(nt_nstat "$NS" TcpExtListenOverflows)" -gt 0 ]
	[ "$status" -ge 1 ] && [ "$status" -le 2 ] || fail "status $status: $output $stderr"
	assert_finding_rate tcp.listen_overflows listen_overflows_per_s
	assert_equal "$(jq -r '.subject' <<<"$f")" "tcp :7005"
	assert_fix "$f" app.listen_backlog "tcp :7005"
	assert_equal "$(jq -r '.fix[] | select(.knob == "app.listen_backlog") | .current' <<<"$f")" 1
}

@test "UDP receive buffer errors: udp.rcvbuf_errors, rate > 0" {
	nt_gen_bg udp "$NS" udp --port 7002 --count 8000 --seconds 8 --batch 5 --pace 0.01
	audit "$NS" --json --interval 1
	nt_gen_stop udp
	[ "$(nt_nstat "$NS" UdpRcvbufErrors)" -gt 0 ]
	[ "$status" -ge 1 ] && [ "$status" -le 2 ] || fail "status $status: $output $stderr"
	assert_status_is_worst
	assert_finding_rate udp.rcvbuf_errors rcvbuf_errors_per_s
	assert_equal "$(jq -r '.subject' <<<"$f")" udp
	jq -e 'any(.fix[]; .knob == "sysctl" and
		(.subject == "net.core.rmem_default" or .subject == "net.core.rmem_max"))' \
		<<<"$f" >/dev/null || fail "no rmem fix in: $f"
}

@test "qdisc drops: qdisc.drops on nt0's tbf, rate > 0, text names nt0 and tbf" {
	nt_in "$NS" tc qdisc add dev nt0 root tbf rate 1mbit burst 4k limit 8k
	nt_gen_bg flood "$NS" flood --size 1000 --count 10000 --seconds 10 --batch 10 --pace 0.01
	audit "$NS" --json --interval 1
	json_status=$status
	json=$output
	json_stderr=$stderr
	audit "$NS" --interval 0.5
	nt_gen_stop flood
	[ "$(nt_in "$NS" tc -s -j qdisc show dev nt0 | jq '.[0].drops')" -gt 0 ]
	text=$output
	output=$json
	status=$json_status
	[ "$status" -ge 1 ] && [ "$status" -le 2 ] || fail "status $status: $output $json_stderr"
	assert_status_is_worst
	f=$(jq -c '[.findings[] | select(.id == "qdisc.drops" and (.subject | startswith("nt0 qdisc tbf")))] | first // empty' <<<"$output")
	[ -n "$f" ] || fail "no qdisc.drops on nt0 qdisc tbf in: $output"
	jq -e '.evidence.drops_per_s > 0' <<<"$f" >/dev/null || fail "drops_per_s not > 0: $f"
	jq -e '.severity == "warning" or .severity == "critical"' <<<"$f" >/dev/null ||
		fail "severity not warning or critical: $f"
	# nt1 has no qdisc drops: no finding for it
	assert_equal "$(jq '[.findings[] | select(.id == "qdisc.drops" and (.subject | startswith("nt1")))] | length' <<<"$output")" 0
	output=$text
	assert_line --regexp 'nt0.*tbf'
}

@test "softnet backlog drops: softnet.backlog_drops on the RPS target CPU, rate > 0" {
	# RPS steers nt1's receive queues to CPU 1; the flood is sent from CPU 0
	for q in 0 1; do
		nt_in "$NS" sh -c "echo 2 > /sys/class/net/nt1/queues/rx-$q/rps_cpus"
	done
	before=$(nt_softnet_dropped 1)
	# softnet_stat and netdev_max_backlog are global: audit from the host
	run --separate-stderr nt_with_softnet_flood "$NS" "$NETTUNE" audit --json --interval 1
	assert_equal "$(cat "$BATS_TEST_TMPDIR/softnet.restored")" "$NT_SAVED_BACKLOG"
	[ "$(nt_softnet_dropped 1)" -gt "$before" ]
	[ "$status" -ge 1 ] && [ "$status" -le 2 ] || fail "status $status: $output $stderr"
	assert_status_is_worst
	f=$(jq -c '[.findings[] | select(.id == "softnet.backlog_drops" and .subject == "cpu1")] | first // empty' <<<"$output")
	[ -n "$f" ] || fail "no softnet.backlog_drops on cpu1 in: $output"
	jq -e '.evidence.dropped_per_s > 0' <<<"$f" >/dev/null || fail "dropped_per_s not > 0: $f"
	jq -e '.severity == "warning" or .severity == "critical"' <<<"$f" >/dev/null ||
		fail "severity not warning or critical: $f"
	assert_fix "$f" sysctl net.core.netdev_max_backlog
	# read while the audit ran: the lowered value
	assert_equal "$(jq -r '.fix[] | select(.subject == "net.core.netdev_max_backlog") | .current | tostring' <<<"$f")" 1
	# every softnet finding is named cpuN
	jq -e 'all(.findings[] | select(.id == "softnet.backlog_drops"); .subject | test("^cpu[0-9]+$"))' \
		<<<"$output" >/dev/null
}

@test "--interval 0 after drops stopped: only info (a total never warns alone)" {
	n=$(nt_gen "$NS" udp --port 7003 --count 500 --seconds 2 --batch 50 --pace 0.001)
	assert_equal "$n" 500
	[ "$(nt_nstat "$NS" UdpRcvbufErrors)" -gt 0 ]
	audit "$NS" --json --interval 0
	[ "$status" -eq 0 ] || fail "status $status: $output $stderr"
	assert_equal "$(jq -r '.interval' <<<"$output")" 0
	f=$(finding udp.rcvbuf_errors)
	[ -n "$f" ] || fail "no udp.rcvbuf_errors in: $output"
	assert_equal "$(jq -r '.severity' <<<"$f")" info
	assert_equal "$(jq -r '.subject' <<<"$f")" udp
	assert_equal "$(jq -r '[.findings[].severity | select(. != "info")] | length' <<<"$output")" 0
}

@test "audit --from A --from B: offline, udp.rcvbuf_errors with a rate" {
	a=$BATS_TEST_TMPDIR/a.json
	b=$BATS_TEST_TMPDIR/b.json
	run nt_in "$NS" "$NETTUNE" snapshot save "$a"
	assert_success
	n=$(nt_gen "$NS" udp --port 7004 --count 500 --seconds 2 --batch 50 --pace 0.001)
	assert_equal "$n" 500
	run nt_in "$NS" "$NETTUNE" snapshot save "$b"
	assert_success
	# the namespace is gone for this part: the files are all it has
	nt_ns_destroy "$NS"
	run --separate-stderr "$NETTUNE" audit --json --from "$a" --from "$b"
	[ "$status" -ge 1 ] && [ "$status" -le 2 ] || fail "status $status: $output $stderr"
	assert_status_is_worst
	assert_finding_rate udp.rcvbuf_errors rcvbuf_errors_per_s
	assert_equal "$(jq -r '.subject' <<<"$f")" udp
	jq -e '.interval > 0' <<<"$output" >/dev/null || fail "interval not > 0: $output"
}
