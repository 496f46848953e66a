#!/usr/bin/env bats
# kill -9 at every step of an apply (issue 17 item 3).  A multi-step plan
# on a veth pair with 4 queues each way: per-namespace sysctls, channels
# raised on nt0 (its RPS/XPS entries resolved on the new queues in phase
# two) and lowered on nt1 (the masks of the queues that go away journaled
# restore-only), txqlen and a root qdisc replacing a tbf with parameters.
# For every write N, NETTUNE_TEST_KILL_AFTER=N (the journal is durable,
# write N made and read back) and NETTUNE_TEST_KILL_BEFORE=N (the journal
# holding write N is durable, nothing of it written) make apply SIGKILL
# itself there; then the journal must read, rollback must give back the
# before-state byte for byte, and a second apply must refuse naming the
# unfinished journal.  Rings and IRQ affinity do not exist on veth.

bats_require_minimum_version 1.5.0

load helpers

setup() {
	[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs for the RPS/XPS masks"
	NS="$(nt_ns_name)-$BATS_TEST_NUMBER"
	D=$BATS_TEST_TMPDIR/state
	T=$BATS_TEST_TMPDIR
	ip netns add "$NS"
	ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$NS" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	ip -n "$NS" link add nt0 numrxqueues 4 numtxqueues 4 type veth \
		peer name nt1 numrxqueues 4 numtxqueues 4
	ip -n "$NS" link set lo up
	ip -n "$NS" link set nt0 up
	ip -n "$NS" link set nt1 up
	nt_in "$NS" ethtool -L nt0 rx 2 tx 2
	nt_in "$NS" ethtool -L nt1 rx 4 tx 4
	# masks on the nt1 queues that the channel change removes
	q=/sys/class/net/nt1/queues
	nt_in "$NS" sh -c "echo 1 >$q/rx-2/rps_cpus; echo 2 >$q/rx-3/rps_cpus"
	nt_in "$NS" sh -c "echo 64 >$q/rx-3/rps_flow_cnt; echo 2 >$q/tx-3/xps_cpus"
	nt_in "$NS" tc qdisc add dev nt1 root handle 1: tbf rate 1mbit \
		burst 32k limit 10000
	write_profile
}

teardown() {
	nt_ns_destroy "$NS"
}


write_profile() {
	local cur cc a
	cur=$(sc net.core.somaxconn)
	SOMAX=$((cur == 1234 ? 1235 : 1234))
	cur=$(sc net.ipv4.tcp_congestion_control)
	cc=
	for a in $(sc net.ipv4.tcp_available_congestion_control); do
		[ "$a" != "$cur" ] && cc=$a && break
	done
	[ -n "$cc" ] || skip "the namespace offers one congestion control only"
	cat >"$T/p.conf" <<-EOF
	[main]
	summary = killsteps.bats: every kind of knob a veth has

	[sysctl]
	net.core.somaxconn = = $SOMAX
	net.ipv4.tcp_rmem = = 4096 65536 1048576
	net.ipv4.tcp_congestion_control = $cc

	[channels nt0]
	rx = 4
	tx = 4

	[channels nt1]
	rx = 2
	tx = 2

	[rps nt0]
	cpus = 1

	[xps nt0]
	cpus = 0-1

	[qdisc nt1]
	root = pfifo
	txqlen = = 500
	EOF
}

# journal_ok: history reads every journal, none is unreadable; prints the
# newest one's state
journal_ok() {
	local out
	out=$(nt history --state-dir "$D" --json) || return 1
	[ "$(jq '[.[] | select(.state == "unreadable")] | length' <<<"$out")" = 0 ] ||
		return 1
	jq -r '.[-1].state' <<<"$out"
}

# steps: the writes of a complete apply (and its rollback restores all)
count_steps() {
	local before
	before=$(nt_ns_state "$NS")
	run nt apply "$T/p.conf" --yes --state-dir "$D"
	assert_success
	STEPS=$(sed -n 's/^applied \([0-9]*\), .*/\1/p' <<<"$output")
	[ "$STEPS" -ge 12 ] || fail "only $STEPS steps: $output"
	run nt rollback --state-dir "$D"
	assert_success
	assert_equal "$(nt_ns_state "$NS")" "$before"
}

# killed_at VAR N: apply with VAR=N; it must die of SIGKILL (in a shell of
# its own, whose "Killed" notice goes nowhere)
killed_at() {
	local st=0
	bash -c '"$@" >"$0" 2>&1; exit $?' "$T/kill.out" env "$1=$2" \
		ip netns exec "$NS" "$NETTUNE" apply "$T/p.conf" --yes \
		--state-dir "$D" 2>/dev/null || st=$?
	[ "$st" = 137 ] || fail "$1=$2: exit $st, not killed: $(cat "$T/kill.out")"
}

# sweep VAR: for each step, kill there, the journal reads in-progress,
# rollback restores the before-state exactly
sweep_rollback() {
	local var=$1 n before restored=0
	count_steps
	before=$(nt_ns_state "$NS")
	for n in $(seq "$STEPS"); do
		killed_at "$var" "$n"
		assert_equal "$(journal_ok)" in-progress
		run nt rollback --state-dir "$D"
		assert_success
		assert_equal "$(journal_ok)" rolled-back
		assert_equal "$(nt_ns_state "$NS")" "$before"
		restored=$((restored + 1))
	done
	echo "# $var: $STEPS steps tried, $restored restored" >&3
}

# sweep VAR: for each step, kill there; a second apply refuses with one
# line naming the journal and changes nothing; rollback then restores
sweep_second_apply() {
	local var=$1 n before killed id refused=0
	count_steps
	before=$(nt_ns_state "$NS")
	for n in $(seq "$STEPS"); do
		killed_at "$var" "$n"
		killed=$(nt_ns_state "$NS")
		id=$(nt history --state-dir "$D" --json | jq -r '.[-1].id')
		run --separate-stderr nt apply "$T/p.conf" --yes --state-dir "$D"
		assert_failure 3
		assert_equal "${#stderr_lines[@]}" 1
		assert_regex "$stderr" "journal $id: an earlier apply did not finish .* run nettune rollback $id"
		assert_equal "$(nt_ns_state "$NS")" "$killed"
		assert_equal "$(journal_ok)" in-progress
		run nt rollback --state-dir "$D"
		assert_success
		assert_equal "$(nt_ns_state "$NS")" "$before"
		refused=$((refused + 1))
	done
	echo "# $var: $STEPS steps tried, $refused second applies refused, $refused restored" >&3
}

@test "the plan has sysctls, channels both ways, phase-two RPS/XPS, txqlen and a qdisc" {
	run nt apply "$T/p.conf" --dry-run --state-dir "$D"
	assert_success
	assert_line --regexp '^channels\.rx +nt0 +2 +4 '
	assert_line --regexp '^channels\.rx +nt1 +4 +2 '
	assert_line --regexp '^qdisc +nt1 +tbf +pfifo '
	assert_line --regexp '^txqlen +nt1 '
	count_steps
	# the restore-only masks of nt1's vanishing queues are in the journal
	run jq '[.changes[] | select(.restore_only)] | length' \
		"$(ls "$D"/journal/*[0-9].json)"
	assert_success
	[ "$output" -ge 4 ]
}

@test "kill -9 right after each write: rollback restores the before-state" {
	sweep_rollback NETTUNE_TEST_KILL_AFTER
}

@test "kill -9 right before each write (journal durable): rollback restores" {
	sweep_rollback NETTUNE_TEST_KILL_BEFORE
}

@test "kill -9 after each write: a second apply refuses naming the journal" {
	sweep_second_apply NETTUNE_TEST_KILL_AFTER
}

@test "kill -9 before each write: a second apply refuses naming the journal" {
	sweep_second_apply NETTUNE_TEST_KILL_BEFORE
}
