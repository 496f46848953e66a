#!/usr/bin/env bats
# nettune top in batch mode against the real kernel: frames from a
# namespace the test makes, with drops induced on purpose (the recipes of
# drops.bash), JSON lines, recording and replay.  The interactive view is
# tested under tmux in top_view.bats.

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

# top NS ARGS...: run top inside the namespace, stderr apart
top_in() {
	local ns=$1
	shift
	run --separate-stderr nt_in "$ns" "$NETTUNE" top "$@"
}

# last_frame: the last JSON line of $output
last_frame() {
	tail -n 1 <<<"$output"
}

@test "top --help exits 0 and names every option" {
	run "$NETTUNE" top --help
	assert_success
	assert_line --partial "Usage: nettune top"
	for o in --delay --step --batch --iterations --json --record --replay --speed \
		 --root --sort --panes --expand --hide-idle; do
		assert_output --partial -- "$o"
	done
}

@test "bad usage: one line naming the option, exit 3" {
	for args in "-d 0" "-d abc" "-d 1e3" "-n 0" "-n x" "--sort size" \
		    "--panes 6" "--panes ''" "--speed 2" "--bogus" "extra" \
		    "--record a --replay b" "--replay a -d 2" "--replay a --root /"; do
		eval "run --separate-stderr \"\$NETTUNE\" top -b $args"
		[ "$status" -eq 3 ] || fail "top -b $args: status $status"
		[ "$(wc -l <<<"$stderr")" -eq 1 ] || fail "top -b $args: $stderr"
		assert_equal "$output" ""
		[[ $stderr == "nettune: top: "*"; see 'nettune top --help'" ]] ||
			fail "top -b $args: $stderr"
	done
}

@test "the view refuses a non-terminal with one line, exit 3" {
	run --separate-stderr "$NETTUNE" top < /dev/null
	assert_equal "$status" 3
	assert_equal "$(wc -l <<<"$stderr")" 1
	[[ $stderr == *"use -b"* ]] || fail "$stderr"
}

@test "a missing or malformed recording: one line with FILE:LINE, exit 3" {
	bad=$BATS_TEST_TMPDIR/bad.jsonl
	run --separate-stderr "$NETTUNE" top -b --replay "$BATS_TEST_TMPDIR/none.jsonl"
	assert_equal "$status" 3
	[[ $stderr == *none.jsonl* ]] || fail "$stderr"
	echo '{"nettune_recording":99,"host":{}}' > "$bad"
	run --separate-stderr "$NETTUNE" top -b --replay "$bad" --speed 0
	assert_equal "$status" 3
	[[ $stderr == *"bad.jsonl:1"* ]] || fail "$stderr"
	assert_equal "$output" ""
	# a good first line, then garbage
	head -n 2 "$NT_FIXTURES/top/drops.jsonl" > "$bad"
	echo '{"t":1,"d":[1]}' >> "$bad"
	run --separate-stderr "$NETTUNE" top -b --replay "$bad" --speed 0
	assert_equal "$status" 3
	[[ $stderr == *"bad.jsonl:3"* ]] || fail "$stderr"
}

@test "batch: -n frames of text with every pane title, exit 0" {
	top_in "$NS" -b -n 2 -d 0.2
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(grep -c '^nettune top' <<<"$output")" 2
	for title in "CPU (1)" "NIC (2)" "qdisc (3)" "Sockets (4)"; do
		assert_equal "$(grep -c "^$title" <<<"$output")" 2
	done
	assert_line --regexp '^nt0 '
	assert_line --regexp '^worst: '
}

@test "batch --panes and --hide-idle: only the panes asked for, no idle rows" {
	top_in "$NS" -b -n 1 -d 0.2 --panes 23 --hide-idle
	assert_success
	refute_line --regexp '^CPU \(1\)'
	refute_line --regexp '^Sockets \(4\)'
	assert_line --regexp '^NIC \(2\)'
	assert_line --regexp '^qdisc \(3\)'
	# nothing moves on nt0 and nt1: their rows are idle
	refute_line --regexp '^nt[01] '
}

@test "json: one object per frame, every pane, the veth pair as NICs" {
	top_in "$NS" -b -n 3 -d 0.2 --json
	assert_success
	assert_equal "$(wc -l <<<"$output")" 3
	while read -r line; do
		jq -e 'has("time") and has("totals") and has("worst") and
		       (.cpus | length > 0) and (.nics | type == "array") and
		       (.qdiscs | type == "array") and (.sockets | type == "object") and
		       .interval > 0' <<<"$line" >/dev/null || fail "bad frame: $line"
	done <<<"$output"
	f=$(last_frame)
	jq -e '[.nics[].name] | index("nt0") != null and index("nt1") != null' <<<"$f" >/dev/null ||
		fail "no nt0/nt1 in $f"
	# lo is not traffic of the host: the totals leave it out
	jq -e '.totals.rx_pps == 0 and .totals.drops == 0' <<<"$f" >/dev/null ||
		fail "an idle namespace with traffic or drops: $f"
}

@test "qdisc drops through tbf: nt0's tbf row shows drops/s, marked in text" {
	nt_in "$NS" tc qdisc add dev nt0 root tbf rate 1mbit burst 4k limit 8k
	nt_gen_bg flood "$NS" flood --size 1000 --count 20000 --seconds 10 --batch 10 --pace 0.01
	top_in "$NS" -b -n 2 -d 0.5 --json
	json=$output
	top_in "$NS" -b -n 1 -d 0.5
	nt_gen_stop flood
	assert_success
	assert_line --regexp '^nt0 +tbf .* <$'
	output=$json
	f=$(last_frame)
	jq -e '[.qdiscs[] | select(.dev == "nt0" and .kind == "tbf")] | first | .drops > 0 and .overlimits > 0' \
		<<<"$f" >/dev/null || fail "no tbf drops in $f"
	jq -e '[.qdiscs[] | select(.dev == "nt1")] | all(.drops == 0)' <<<"$f" >/dev/null ||
		fail "drops on nt1 in $f"
	jq -e '.totals.drops > 0 and .totals.tx_pps > 0' <<<"$f" >/dev/null || fail "totals: $f"
	# sorted by drops: the tbf is the first qdisc
	assert_equal "$(jq -r '.qdiscs[0].kind' <<<"$f")" tbf
}

@test "UDP receive-buffer errors: the sockets pane shows udp_rcvbuf_errors/s" {
	nt_gen_bg udp "$NS" udp --port 7011 --count 5000 --seconds 10 --batch 20 --pace 0.01
	top_in "$NS" -b -n 2 -d 0.5 --json
	nt_gen_stop udp
	assert_success
	f=$(last_frame)
	jq -e '.sockets.udp_rcvbuf_errors > 0 and .totals.drops > 0' <<<"$f" >/dev/null ||
		fail "no rcvbuf errors in $f"
	jq -e '.sockets.listen_overflows == 0' <<<"$f" >/dev/null || fail "$f"
}

@test "listen overflows: the rate and the full listener by port" {
	nt_gen_bg listen "$NS" listen --port 7012 --backlog 1 --count 3000 --seconds 10 --batch 20 --pace 0.01
	top_in "$NS" -b -n 2 -d 0.5 --json
	nt_gen_stop listen
	assert_success
	f=$(last_frame)
	jq -e '.sockets.listen_overflows > 0' <<<"$f" >/dev/null || fail "no overflows in $f"
	jq -e '.sockets.listeners[0].port == 7012 and .sockets.listeners[0].accept_queue >= 1' \
		<<<"$f" >/dev/null || fail "listener 7012 not first in $f"
}

@test "softnet backlog drops with RPS: the RPS target CPU's row shows dropped/s" {
	[ "$(nproc)" -ge 2 ] || fail "needs 2 CPUs, this machine has $(nproc)"
	for q in 0 1; do
		nt_in "$NS" sh -c "echo 2 > /sys/class/net/nt1/queues/rx-$q/rps_cpus"
	done
	out=$BATS_TEST_TMPDIR/top.json
	run --separate-stderr nt_with_softnet_flood "$NS" sh -c \
		"\"\$NETTUNE\" top -b -n 2 -d 0.5 --json > $out"
	assert_success
	assert_equal "$(cat "$BATS_TEST_TMPDIR/softnet.restored")" "$NT_SAVED_BACKLOG"
	f=$(tail -n 1 "$out")
	jq -e '[.cpus[] | select(.cpu == 1)] | first | .dropped > 0 and .rps > 0' <<<"$f" >/dev/null ||
		fail "no drops on cpu1 in $f"
	assert_equal "$(jq -r '.cpus[0].cpu' <<<"$f")" 1
}

@test "a recording replays to the very frames the live run printed" {
	rec=$BATS_TEST_TMPDIR/rec.jsonl
	nt_in "$NS" tc qdisc add dev nt0 root tbf rate 1mbit burst 4k limit 8k
	nt_gen_bg flood "$NS" flood --size 1000 --count 20000 --seconds 10 --batch 10 --pace 0.01
	top_in "$NS" -b -n 4 -d 0.2 --json --expand --record "$rec"
	nt_gen_stop flood
	assert_success
	live=$output
	head -n 1 "$rec" | jq -e '.nettune_recording == 1 and (.host.interfaces | length) == 3' >/dev/null ||
		fail "bad first line: $(head -c 300 "$rec")"
	assert_equal "$(wc -l < "$rec")" 5
	# the namespace is gone: the file is all the replay has
	nt_ns_destroy "$NS"
	run --separate-stderr "$NETTUNE" top -b --replay "$rec" --speed 0 --json --expand
	assert_success
	assert_equal "$output" "$live"
	run --separate-stderr "$NETTUNE" top -b --replay "$rec" --speed 0 -n 2 --json --expand
	assert_equal "$output" "$(head -n 2 <<<"$live")"
}

@test "an idle host's sample lines stay small" {
	rec=$BATS_TEST_TMPDIR/idle.jsonl
	top_in "$NS" -b -n 5 -d 0.1 --record "$rec"
	assert_success
	# the namespace's own counters do not move; the host-wide /proc rows
	# (softirqs, interrupts of eth0) may: a few hundred bytes at most
	tail -n +2 "$rec" | while read -r line; do
		[ "${#line}" -lt 600 ] || fail "sample line of ${#line} bytes: $line"
	done
}

@test "replay of the committed recording gives the committed golden frames" {
	# tests/fixtures/top/regen.sh remakes them after a deliberate change
	fx=$NT_FIXTURES/top
	out=$BATS_TEST_TMPDIR/out
	for run in 1 2; do
		"$NETTUNE" top -b --replay "$fx/drops.jsonl" --speed 0 --expand > "$out.txt"
		diff -u "$fx/drops.golden.txt" "$out.txt" || fail "text frames differ from the golden file (run $run)"
		"$NETTUNE" top -b --replay "$fx/drops.jsonl" --speed 0 --expand --json > "$out.jsonl"
		diff -u "$fx/drops.golden.jsonl" "$out.jsonl" || fail "JSON frames differ from the golden file (run $run)"
	done
	# the recording holds drops: the golden frames show them
	assert_equal "$(wc -l < "$fx/drops.golden.jsonl")" 5
	jq -se 'all(.[]; .totals.drops > 0 and .qdiscs[0].kind == "tbf" and .worst.id == "qdisc.drops")' \
		"$fx/drops.golden.jsonl" >/dev/null || fail "golden frames without the tbf drops"
}

# softnet_generation FILE GEN: rewrite a tree's softnet_stat in place (same
# inode and length: the sampler keeps its files open) as generation GEN,
# whose CPU 1 has processed 1000 * GEN and dropped 10 * GEN
softnet_generation() {
	python3 -c '
import sys
path, ncpu, gen = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = ["%08x %08x %08x" % (1000 * gen, 10 * gen if c == 1 else 0, 0) +
        " 00000000" * 6 + " %08x %08x %08x %08x" % (0, 0, 0, c)
        for c in range(ncpu)]
with open(path, "r+") as f:
    f.write("\n".join(rows) + "\n")
    f.truncate()
' "$1" "$(nproc)" "$2"
}

@test "--root: a captured tree is sampled from its /proc files, in place" {
	root=$BATS_TEST_TMPDIR/root
	sn=$root/proc/net/softnet_stat
	nt_in "$NS" sh "$BATS_TEST_DIRNAME/../../tools/capture-root.sh" "$root"
	softnet_generation "$sn" 1
	# --step: a look per line written, so the test decides which
	# generation each look sees, not the clock
	coproc TOP { exec "$NETTUNE" top --step -n 2 --root "$root" --json \
		2>"$BATS_TEST_TMPDIR/top.err" 3>&-; }
	# own copies: bash closes the coproc's descriptors once it is reaped
	pid=$TOP_PID
	exec {to_top}>&"${TOP[1]}" {from_top}<&"${TOP[0]}"
	echo >&"$to_top"
	read -r -t 60 first <&"$from_top" || fail "no first frame: $(cat "$BATS_TEST_TMPDIR/top.err")"
	softnet_generation "$sn" 2
	echo >&"$to_top"
	read -r -t 60 second <&"$from_top" || fail "no second frame: $(cat "$BATS_TEST_TMPDIR/top.err")"
	exec {to_top}>&- {from_top}<&-
	wait "$pid" || fail "top: status $?: $(cat "$BATS_TEST_TMPDIR/top.err")"
	assert_equal "$(jq '.cpus | length' <<<"$second")" "$(nproc)"
	# the first look and the first frame both saw generation 1
	jq -e 'all(.cpus[]; .dropped == 0 and .processed == 0)' <<<"$first" >/dev/null ||
		fail "a rate between two looks of one generation: $first"
	jq -e '[.cpus[] | select(.cpu == 1)] | first | .dropped > 0 and .processed > 0' <<<"$second" >/dev/null ||
		fail "no drops on cpu1 from the tree: $second"
	jq -e '[.cpus[] | select(.cpu == 0)] | first | .dropped == 0' <<<"$second" >/dev/null || fail "$second"
	# netlink facts are not read under --root: no link rates
	jq -e 'all(.nics[]; .rx_pps == null or .rx_pps == 0)' <<<"$second" >/dev/null || fail "$second"
}

@test "--step: a look per line of input; end of input ends; a file is refused" {
	run --separate-stderr nt_in "$NS" sh -c 'printf "\n\n\n" | "$1" top --step --json' sh "$NETTUNE"
	assert_success
	assert_equal "$(wc -l <<<"$output")" 3
	run --separate-stderr nt_in "$NS" "$NETTUNE" top --step < /dev/null
	assert_equal "$status" 3
	[[ $stderr == *"standard input"* ]] || fail "$stderr"
	run --separate-stderr "$NETTUNE" top --step -d 1
	assert_equal "$status" 3
}

# allocs N ARGS...: heap allocation calls of one `top -b -n N ARGS` run in
# the namespace: valgrind's count, or, in the sanitizer build (valgrind
# cannot run it), AddressSanitizer's own allocator statistics
allocs() {
	local n=$1
	shift
	if ldd "$NETTUNE" | grep -q libasan; then
		ASAN_OPTIONS=print_stats=1:atexit=1 nt_in "$NS" "$NETTUNE" top -b -n "$n" "$@" \
			2>&1 >/dev/null | sed -n 's/.* malloced .* by \([0-9]*\) calls.*/\1/p' | tail -n 1
	else
		nt_in "$NS" valgrind --tool=memcheck --error-exitcode=9 "$NETTUNE" top -b -n "$n" "$@" \
			2>&1 >/dev/null | sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p' | tr -d ,
	fi
}

@test "a tick allocates nothing: 3 and 13 frames make as many allocations" {
	nt_in "$NS" tc qdisc add dev nt0 root tbf rate 1mbit burst 4k limit 8k
	nt_gen_bg flood "$NS" flood --size 1000 --count 100000 --seconds 30 --batch 10 --pace 0.01
	for args in "-d 0.1" "-d 0.1 --json --expand" "-d 0.1 --record $BATS_TEST_TMPDIR/r.jsonl"; do
		# shellcheck disable=SC2086
		short=$(allocs 3 $args)
		# shellcheck disable=SC2086
		long=$(allocs 13 $args)
		[ -n "$short" ] && [ "$short" -gt 0 ] || fail "no allocation count ($args): '$short'"
		assert_equal "$long" "$short"
	done
	nt_gen_stop flood
}

# syscalls N ARGS...: "openat N socket N after-first-frame N" of one
# `top -b -n N ARGS` run.  The start's scan of /proc/PID/comm (is irqbalance
# running?) is left out: it opens one file per process of the host, which
# changes between two runs.
syscalls() {
	local n=$1 log=$BATS_TEST_TMPDIR/strace.$1
	shift
	nt_in "$NS" strace -f -qq -o "$log" -e trace=openat,open,socket,write \
		"$NETTUNE" top -b -n "$n" "$@" > /dev/null
	awk '/(openat|open)\(/ && !/"\/?proc\/[0-9]+\/comm"/ { o++ }
	     /socket\(/ { s++ }
	     /write\(1,/ { w = 1 }
	     w && /(openat|open|socket)\(/ { after++ }
	     END { printf "openat %d socket %d after-first-frame %d\n", o, s, after }' "$log"
}

@test "a tick reads no configuration: 3 and 13 frames open as many files and sockets" {
	short=$(syscalls 3 -d 0.1 --json)
	long=$(syscalls 13 -d 0.1 --json)
	[[ $short =~ ^openat\ [1-9][0-9]*\ socket\ [1-9] ]] || fail "no counts: $short"
	assert_equal "$long" "$short"
	[[ $long == *" after-first-frame 0" ]] || fail "ticks open files: $long"
}
