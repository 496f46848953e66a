#!/usr/bin/env bats
# Driver statistics after a channel change: a veth's ethtool -S set has
# per-queue counters (rx_queue_N_*), so `ethtool -L` changes the set while
# `top` runs.  The sampler must read the new set and go on: new queues'
# counters appear, removed queues' disappear, no rate jumps.  `top --step`
# takes a look per line written to it, so the test decides which looks
# come before and after the change; nothing here depends on the clock.

bats_require_minimum_version 1.5.0

load helpers

setup() {
	NS=$(nt_ns_name)-$BATS_TEST_NUMBER
	nt_ns_create "$NS"
	# room for 4 rx queues, 2 in use at the first look
	ip -n "$NS" link add ch0 numrxqueues 4 numtxqueues 4 type veth \
		peer name ch1 numrxqueues 4 numtxqueues 4
	ip -n "$NS" link set ch0 up
	ip -n "$NS" link set ch1 up
	channels rx 2 tx 2
}

teardown() {
	[ -z "${pid:-}" ] || kill "$pid" 2>/dev/null || true
	nt_ns_destroy "$NS"
}

# channels ARGS...: ethtool -L ch0 ARGS, in the namespace
channels() {
	nt_in "$NS" ethtool -L ch0 "$@"
}

# start_top [ARGS...]: `top --step --json ARGS` in the namespace as a
# coprocess, under $WRAP (valgrind) when set; stderr to top.err
start_top() {
	# shellcheck disable=SC2086
	coproc TOP { exec ip netns exec "$NS" ${WRAP:-} "$NETTUNE" top --step --json \
		"$@" 2>"$BATS_TEST_TMPDIR/top.err" 3>&-; }
	# own copies: bash closes the coproc's descriptors once it is reaped
	pid=$TOP_PID
	exec {to_top}>&"${TOP[1]}" {from_top}<&"${TOP[0]}"
	# and only those: top ends when the last writer of its input closes
	eval "exec ${TOP[1]}>&- ${TOP[0]}<&-"
}

# look: one more look; its frame in $frame
look() {
	echo >&"$to_top"
	read -r -t 120 frame <&"$from_top" ||
		fail "no frame: $(cat "$BATS_TEST_TMPDIR/top.err")"
}

stop_top() {
	exec {to_top}>&- {from_top}<&-
	wait "$pid" || fail "top: status $?: $(cat "$BATS_TEST_TMPDIR/top.err")"
	pid=
}

# queues: the queues of ch0 whose driver drop counters the frame shows
queues() {
	jq -c '[.nics[] | select(.name == "ch0") | .queues[] |
		select(.drops != null) | .queue]' <<<"$frame"
}

# sane: every driver rate of ch0 in the frame is 0 (nothing drops here):
# a counter that is new, or gone and back, gives no jump
sane() {
	jq -e '[.nics[] | select(.name == "ch0") |
		(.driver_drops, .queues[].drops)] | all(. == null or . == 0)' \
		<<<"$frame" >/dev/null || fail "a rate out of nowhere: $frame"
}

@test "top: ethtool -L between looks; the queues' driver counters follow" {
	start_top
	look
	assert_equal "$(queues)" "[0,1]"
	look
	channels rx 4
	look
	assert_equal "$(queues)" "[0,1,2,3]"
	sane
	look			# the other host of the pair takes the new set
	assert_equal "$(queues)" "[0,1,2,3]"
	sane
	channels rx 1
	look
	assert_equal "$(queues)" "[0]"
	sane
	channels rx 3
	look
	assert_equal "$(queues)" "[0,1,2]"
	sane
	look
	assert_equal "$(queues)" "[0,1,2]"
	sane
	stop_top
}

@test "top --record: the recording keeps its first shape across ethtool -L" {
	local r=$BATS_TEST_TMPDIR/r.jsonl
	start_top --record "$r"
	look
	channels rx 4
	look
	look
	# the shape of the first line: the first look's queues, their counters
	assert_equal "$(queues)" "[0,1]"
	channels rx 1
	look
	stop_top
	run --separate-stderr "$NETTUNE" top --replay "$r" --speed 0 --json
	assert_success
	assert_equal "$(wc -l <<<"$output")" 4
	frame=$(tail -n 1 <<<"$output")
	assert_equal "$(queues)" "[0,1]"
}

@test "top: a channel change allocates once, not on every later tick" {
	command -v valgrind >/dev/null || skip "no valgrind"
	ldd "$NETTUNE" | grep -q libasan && skip "valgrind cannot run ASan builds"
	local n counts=()
	for n in 2 12; do
		channels rx 2
		WRAP="valgrind --tool=memcheck --error-exitcode=9 --suppressions=$BATS_TEST_DIRNAME/../valgrind/libbpf.supp" start_top
		look
		look
		channels rx 4
		for _ in $(seq "$n"); do look; done
		assert_equal "$(queues)" "[0,1,2,3]"
		stop_top
		counts+=("$(sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p' \
			"$BATS_TEST_TMPDIR/top.err" | tr -d ,)")
	done
	[ -n "${counts[0]}" ] && [ "${counts[0]}" -gt 0 ] || fail "no count: ${counts[*]}"
	assert_equal "${counts[1]}" "${counts[0]}"
}

@test "audit --from two snapshots across a channel change" {
	local a=$BATS_TEST_TMPDIR/a.json b=$BATS_TEST_TMPDIR/b.json
	run --separate-stderr nt_in "$NS" "$NETTUNE" snapshot save "$a"
	assert_success
	channels rx 4
	run --separate-stderr nt_in "$NS" "$NETTUNE" snapshot save "$b"
	assert_success
	jq -e '.interfaces[] | select(.name == "ch0") |
		.driver_stats.rx_queue_3_drops != null' "$b" >/dev/null ||
		fail "no rx_queue_3 counters after ethtool -L"
	run --separate-stderr "$NETTUNE" audit --from "$a" --from "$b" --json
	[ "$status" -lt 3 ] || fail "audit: status $status: $stderr"
	# no finding about ch0's driver counters: nothing dropped
	jq -e '[.findings[] | select(.subject == "ch0")] | length == 0' \
		<<<"$output" >/dev/null || fail "$output"
}
