#!/usr/bin/env bats
# Rollback restores the whole root qdisc apply replaced: its kind, handle
# and parameters (tbf rate/burst/limit, htb defaults, fifo limits), read
# with tc before and after, byte for byte.  One test per kind this kernel
# has that nettune may find as a root and replace.

bats_require_minimum_version 1.5.0

load helpers

setup() {
	NS="$(nt_ns_name)-$BATS_TEST_NUMBER"
	nt_ns_create "$NS"
	D=$BATS_TEST_TMPDIR/state
	T=$BATS_TEST_TMPDIR
}

teardown() {
	nt_ns_destroy "$NS"
}

# The parameters, not the counters: a replaced qdisc starts at 0 sent.
qdisc_state() {
	nt_in "$NS" tc -d qdisc show dev nt0
}

# set_root ARGS...: "tc qdisc add dev nt0 root ARGS"; skip the test when
# this kernel has no such kind.
set_root() {
	nt_in "$NS" tc qdisc del dev nt0 root 2>/dev/null || true
	if ! nt_in "$NS" tc qdisc add dev nt0 root "$@" 2>"$T/tc.err"; then
		skip "this kernel refuses \"$*\": $(cat "$T/tc.err")"
	fi
}

# replace_and_restore KIND: apply a profile that sets KIND as nt0's root,
# check it took, roll back, and compare everything tc shows.
replace_and_restore() {
	local kind=$1 before
	before=$(qdisc_state)
	printf '[qdisc nt0]\nroot = %s\n' "$kind" >"$T/q.conf"

	run nt apply "$T/q.conf" --yes --state-dir "$D"
	assert_success
	assert_line --regexp "^applied 1, "
	run nt_in "$NS" tc -d qdisc show dev nt0 root
	assert_output --regexp "^qdisc $kind [0-9a-f]+: root "
	# the journal holds the whole qdisc, not only its kind
	run jq -r '.changes[0].before_full' "$D"/journal/*[0-9].json
	assert_output --regexp '^[a-z_]+ [0-9a-f]+ [0-9a-f]+$'

	run nt rollback --state-dir "$D"
	assert_success
	assert_equal "$(qdisc_state)" "$before"
}

@test "tbf: rate, burst, limit and handle come back" {
	set_root handle 1: tbf rate 1mbit burst 32k limit 10000
	replace_and_restore pfifo
}

@test "tbf with a peak rate and mtu" {
	set_root handle 9: tbf rate 2mbit burst 10k latency 70ms peakrate 3mbit \
		mtu 1600
	replace_and_restore pfifo
}

@test "htb: default class, r2q and direct_qlen come back" {
	set_root handle 1: htb default 10 r2q 5 direct_qlen 77
	replace_and_restore pfifo
}

@test "htb with its defaults" {
	set_root handle 3: htb
	replace_and_restore bfifo
}

@test "pfifo: limit comes back" {
	set_root handle 5: pfifo limit 123
	replace_and_restore bfifo
}

@test "bfifo: byte limit comes back" {
	set_root handle 6: bfifo limit 12345
	replace_and_restore pfifo
}

@test "pfifo_head_drop: limit comes back" {
	set_root handle 7: pfifo_head_drop limit 33
	replace_and_restore pfifo
}

@test "fq_codel: target, interval and limit come back (where the kernel has it)" {
	set_root handle 8: fq_codel limit 2000 target 2ms interval 50ms
	replace_and_restore pfifo
}

@test "fq: flow limits come back (where the kernel has it)" {
	set_root handle 4: fq limit 5000 flow_limit 50
	replace_and_restore pfifo
}

@test "an explicit pfifo_fast keeps its handle" {
	set_root handle 2: pfifo_fast
	replace_and_restore pfifo
}

@test "an explicit mq comes back with its per-queue children" {
	set_root handle 10: mq
	replace_and_restore pfifo
}

@test "the kernel's default root (noqueue on veth) comes back as the default" {
	[[ $(qdisc_state) == "qdisc noqueue 0: root"* ]]
	replace_and_restore pfifo
}

@test "rollback after rollback writes nothing and keeps the qdisc" {
	set_root handle 1: tbf rate 1mbit burst 32k limit 10000
	replace_and_restore pfifo
	before=$(qdisc_state)
	run nt rollback --state-dir "$D"
	assert_equal "$(qdisc_state)" "$before"
}
