#!/usr/bin/env bats
# Every shipped profile, applied in a network namespace with a veth pair
# of 4 queues each way: apply exits 0, verify finds no drift right after,
# and rollback gives back byte for byte what the standard tools show
# (sysctl -a net.*, ethtool -l/-g/-k, RPS/XPS masks, tc -d qdisc show).
# No plan lowers a size-like knob the host already has more of.

bats_require_minimum_version 1.5.0

load helpers

PROFILES=$BATS_TEST_DIRNAME/../../profiles

setup() {
	NS="$(nt_ns_name)-$BATS_TEST_NUMBER"
	ip netns add "$NS"
	nt_in "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	nt_in "$NS" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	ip -n "$NS" link add nt0 numrxqueues 4 numtxqueues 4 type veth \
		peer name nt1 numrxqueues 4 numtxqueues 4
	ip -n "$NS" link set lo up
	ip -n "$NS" link set nt0 up
	ip -n "$NS" link set nt1 up
	D=$BATS_TEST_TMPDIR/state
}

teardown() {
	nt_ns_destroy "$NS"
}


# apply_verify_rollback PROFILE
apply_verify_rollback() {
	local before
	before=$(nt_ns_state "$NS")

	run nt apply "$1" --yes --state-dir "$D"
	assert_success
	assert_line --regexp '^applied [0-9]+, '
	run nt verify "$1" --state-dir "$D"
	assert_success
	run nt verify --state-dir "$D"
	assert_success

	run nt rollback --state-dir "$D"
	assert_success
	assert_equal "$(nt_ns_state "$NS")" "$before"
}

# Size-like knobs: a plan may raise them, never lower them.
never_lower() {
	run nt recommend "$1" --json
	assert_success
	run jq -r '.changes[] |
		select((.knob == "sysctl" and (.subject | test(
			"mem|backlog|budget|somaxconn|max_syn|max_tw|max_orphans|conntrack_max|conntrack_buckets|flow_entries|flow_limit|dev_weight")))
		       or .knob == "txqlen" or .knob == "rps.flow_cnt"
		       or (.knob | startswith("rings."))) |
		. as $c | [.current | splits(" +")] as $a |
		[.target | splits(" +")] as $b |
		select([range($a | length)] | any(. as $i |
			($a[$i] | test("^[0-9]+$")) and ($b[$i] | test("^[0-9]+$"))
			and ($b[$i] | tonumber) < ($a[$i] | tonumber))) |
		"\(.knob) \(.subject): \(.current) -> \(.target)"' <<<"$output"
	assert_success
	assert_output ""
}

@test "balanced: apply exits 0, no drift after, rollback restores all" {
	never_lower balanced
	apply_verify_rollback balanced
}

@test "latency: apply exits 0, no drift after, rollback restores all" {
	never_lower latency
	apply_verify_rollback latency
}

@test "many-connections: apply exits 0, no drift after, rollback restores all" {
	never_lower many-connections
	apply_verify_rollback many-connections
}

@test "throughput: apply exits 0, no drift after, rollback restores all" {
	never_lower throughput
	apply_verify_rollback throughput
}

@test "every shipped profile has a test here" {
	local p
	for p in "$PROFILES"/*.conf; do
		grep -q "^@test \"$(basename "$p" .conf):" "$BATS_TEST_FILENAME" ||
			fail "no test for $(basename "$p")"
	done
}
