#!/usr/bin/env bats
# The bad-input matrix (issue 17 item 5), table-driven: every row is a
# command given one bad input and what it must do: the exit code (3, could
# not run, unless the row says otherwise), exactly one line on stderr that
# names the input (file, interface, option or value), nothing on stdout,
# and nothing written: the state directory, the input files and the
# namespace's settings are the same after as before.
#
# A row is one line: EXIT<TAB>STDOUT<TAB>REGEX<TAB>RUNNER ARGS...
#   STDOUT  "-" stdout must be empty, "*" the command may print (a row
#           that says why)
#   RUNNER  nt (nettune in the namespace), nobody (the same without any
#           privilege: setpriv to nobody), rosys (in a private mount
#           namespace whose /proc/sys is a read-only bind mount), rostate
#           (the state directory's parent a read-only bind mount)

bats_require_minimum_version 1.5.0

load helpers

setup_file() {
	export NS="$(nt_ns_name)"
	export IN="$BATS_FILE_TMPDIR/in"
	nt_ns_create "$NS"
	mkdir -p "$IN"
	cd "$IN"
	printf '[sysctl]\nnet.core.somaxconn = = 1234\n' >good.conf
	printf '[sysctl]\nnet.core.soma' >trunc.conf
	head -c 4096 /dev/urandom >garbage.conf
	{ printf '[sysctl]\nnet.core.somaxconn = '
	  head -c 100000 /dev/zero | tr '\0' 1; echo; } >hugeline.conf
	# 1 GiB that costs no disk: a hole
	truncate -s 1G big.conf
	printf '[sysctl]\nnet.core.somaxconn = = 99999999999\n' >range.conf
	printf '[sysctl]\nnet.core.somaxconn = = abc\n' >nonnum.conf
	printf '[channels nt0]\nrx = abc\n' >chan_word.conf
	printf '[channels nt0]\nrx = 99\n' >chan_big.conf
	printf '[rps nt0]\ncpus = 99\n' >cpu_big.conf
	printf '[qdisc nt0]\ntxqlen = = -5\n' >txq_neg.conf
	printf '[qdisc nt0]\ntxqlen = = abc\n' >txq_word.conf

	nt_in "$NS" "$NETTUNE" recommend good.conf -o plan.json >/dev/null
	head -c 100 plan.json >trunc.plan.json
	jq '.nettune_plan = 99' plan.json >ver.plan.json
	head -c 4096 /dev/urandom >garbage.plan.json
	truncate -s 1G big.plan.json

	nt_in "$NS" "$NETTUNE" snapshot save snap.json >/dev/null
	head -c 100 snap.json >trunc.snap.json
	jq '.nettune_snapshot = 99' snap.json >ver.snap.json
	head -c 4096 /dev/urandom >garbage.snap.json
	truncate -s 1G big.snap.json

	nt_in "$NS" "$NETTUNE" top -b -n 2 -d 0.1 --record rec.ntr >/dev/null
	head -c 100 rec.ntr >trunc.ntr
	{ head -1 rec.ntr | jq -c '.nettune_recording = 99'
	  tail -n +2 rec.ntr; } >ver.ntr
	head -c 4096 /dev/urandom >garbage.ntr
	truncate -s 1G big.ntr
	: >afile
}

teardown_file() {
	nt_ns_destroy "$NS"
}

setup() {
	D=$BATS_TEST_TMPDIR/state
	T=$BATS_TEST_TMPDIR
	BG=
	cd "$IN"
}

teardown() {
	if [ -n "$BG" ]; then
		kill -9 "$BG" 2>/dev/null || true
		wait "$BG" 2>/dev/null || true
	fi
}

# Everything a row must leave alone: the files (names, sizes, contents),
# the state directories, the namespace's settings.
fingerprint() {
	# (bats keeps run's stderr in the test's directory)
	find "$IN" "$T" -path "$T/out" -prune -o ! -name 'separate-stderr-*' \
		-printf '%p %s %m\n' | sort
	find "$IN" "$T" -path "$T/out" -prune -o -type f -size -2M \
		! -name 'separate-stderr-*' -print0 | sort -z | xargs -0r md5sum
	nt_in "$NS" sysctl net.core.somaxconn net.ipv4.tcp_rmem \
		net.ipv4.tcp_congestion_control
	nt_in "$NS" ethtool -l nt0
	nt_in "$NS" sh -c 'cat /sys/class/net/nt*/queues/*/rps_cpus \
		/sys/class/net/nt*/queues/*/xps_cpus /sys/class/net/nt*/tx_queue_len'
	nt_in "$NS" tc -d qdisc show
}

# runner NAME ARGS...: nettune with ARGS the way the row says
runner() {
	local how=$1
	shift
	case $how in
	nt)	nt_in "$NS" "$NETTUNE" "$@" ;;
	nobody)	nt_in "$NS" setpriv --reuid nobody --regid nogroup \
			--clear-groups -- "$NETTUNE" "$@" ;;
	rosys)	nt_in "$NS" unshare -m sh -c 'mount --bind /proc/sys /proc/sys &&
			mount -o remount,bind,ro /proc/sys && exec "$@"' sh \
			"$NETTUNE" "$@" ;;
	rostate) nt_in "$NS" unshare -m sh -c 'mount --bind "$0" "$0" &&
			mount -o remount,bind,ro "$0" && exec "$@"' "$T/ro" \
			"$NETTUNE" "$@" ;;
	*)	fail "unknown runner $how" ;;
	esac
}

# check_rows: every row read from stdin; a failure names the row
check_rows() {
	local want want_out re how args before n=0
	while IFS=$'\t' read -r want want_out re how args; do
		[ -n "$want" ] || continue
		# shellcheck disable=SC2086 # the arguments are words
		set -- $args
		before=$(fingerprint)
		run --separate-stderr runner "$how" "$@"
		[ "$status" = "$want" ] ||
			fail "row '$how $args': exit $status, expected $want; stderr: $stderr"
		[ "${#stderr_lines[@]}" = 1 ] ||
			fail "row '$how $args': ${#stderr_lines[@]} lines on stderr: $stderr"
		[[ $stderr =~ $re ]] ||
			fail "row '$how $args': stderr '$stderr' does not match '$re'"
		[ "$want_out" = '*' ] || [ -z "$output" ] ||
			fail "row '$how $args': printed on stdout: $output"
		[ "$(fingerprint)" = "$before" ] ||
			fail "row '$how $args': something was written: $(diff <(echo "$before") <(fingerprint))"
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || fail "no rows"
	echo "# $n rows" >&3
}

@test "unknown interface: show, recommend, apply, verify, drops" {
	check_rows <<-EOF
	3	-	nope0: no such interface	nt	show nope0
	3	-	nope0: no such interface	nt	show nope0 --json
	3	-	nope0: no such interface	nt	recommend good.conf --iface nope0
	3	-	nope0: no such interface	nt	recommend good.conf --iface nope0 -o $T/out
	3	-	nope0: no such interface	nt	apply good.conf --yes --iface nope0 --state-dir $D
	3	-	nope0: no such interface	nt	verify good.conf --iface nope0
	3	-	drops: nope0: no such interface	nt	drops -i nope0 --interval 0.1
	3	-	drops: nope0: no such interface	nt	drops -i nope0 --interval 0.1 --json
	EOF
}

@test "out-of-range and non-numeric values: options and profile values" {
	check_rows <<-EOF
	3	-	top: -d abc: expected a number	nt	top -b -n 1 -d abc
	3	-	top: -d 0: expected a number	nt	top -b -n 1 -d 0
	3	-	top: -d 99999: expected a number	nt	top -b -n 1 -d 99999
	3	-	top: -n abc: expected a number	nt	top -b -n abc
	3	-	top: -n 0: expected a number	nt	top -b -n 0
	3	-	top: -n -1: expected a number	nt	top -b -n -1
	3	-	top: --speed abc: expected a number	nt	top -b -n 1 --replay rec.ntr --speed abc
	3	-	drops: --interval abc: expected seconds	nt	drops --interval abc
	3	-	drops: --interval -1: expected seconds	nt	drops --interval -1
	3	-	drops: --interval 1e9: expected seconds	nt	drops --interval 1e9
	3	-	audit: --interval abc: expected seconds	nt	audit --interval abc
	3	-	audit: --interval 99999: expected seconds	nt	audit --interval 99999
	3	-	range.conf:2: .sysctl. net.core.somaxconn = "= 99999999999": expected one to three integers	nt	recommend range.conf
	3	-	range.conf:2: .sysctl. net.core.somaxconn	nt	apply range.conf --yes --state-dir $D
	3	-	nonnum.conf:2: .sysctl. net.core.somaxconn = "= abc": expected	nt	recommend nonnum.conf
	3	-	nonnum.conf:2: .sysctl. net.core.somaxconn	nt	apply nonnum.conf --yes --state-dir $D
	3	-	chan_word.conf:2: .channels. rx = "abc": expected a number	nt	recommend chan_word.conf
	3	-	chan_big.conf:2: nt0: channels rx 99 exceeds driver maximum	nt	apply chan_big.conf --yes --state-dir $D
	3	-	cpu_big.conf:2: .rps. cpus: CPU 99 is not online	nt	apply cpu_big.conf --yes --state-dir $D
	3	-	txq_neg.conf:2: .qdisc. txqlen = "= -5": expected a number	nt	recommend txq_neg.conf
	3	-	txq_word.conf:2: .qdisc. txqlen = "= abc": expected a number	nt	apply txq_word.conf --yes --state-dir $D
	EOF
}

@test "malformed profiles: truncated, binary garbage, a 100 KB line, 1 GiB" {
	check_rows <<-EOF
	3	-	trunc.conf:2: "net.core.soma": expected KEY = VALUE	nt	recommend trunc.conf
	3	-	trunc.conf:2: 	nt	apply trunc.conf --yes --state-dir $D
	3	-	garbage.conf:[0-9]+: line contains (control characters|a NUL byte)	nt	recommend garbage.conf
	3	-	garbage.conf:[0-9]+: line contains	nt	apply garbage.conf --yes --state-dir $D
	3	-	hugeline.conf:2: line is longer than [0-9]+ characters	nt	recommend hugeline.conf
	3	-	hugeline.conf:2: line is longer	nt	verify hugeline.conf
	3	-	big.conf: 1073741824 bytes, too big for a profile	nt	recommend big.conf
	3	-	big.conf: 1073741824 bytes, too big for a profile	nt	apply big.conf --yes --state-dir $D
	EOF
}

@test "malformed plans: truncated JSON, wrong version, garbage, 1 GiB" {
	check_rows <<-EOF
	3	-	trunc.plan.json: not valid JSON	nt	apply trunc.plan.json --yes --state-dir $D
	3	-	trunc.plan.json: not valid JSON	nt	verify trunc.plan.json
	3	-	ver.plan.json: nettune_plan: unsupported version 99	nt	apply ver.plan.json --yes --state-dir $D
	3	-	garbage.plan.json: not valid JSON	nt	apply garbage.plan.json --yes --state-dir $D
	3	-	big.plan.json: too big for a plan	nt	apply big.plan.json --yes --state-dir $D
	3	-	big.plan.json: too big for a plan	nt	verify big.plan.json
	EOF
}

@test "malformed snapshots: truncated JSON, wrong version, garbage, 1 GiB" {
	check_rows <<-EOF
	3	-	trunc.snap.json: not valid JSON	nt	show --from trunc.snap.json
	3	-	trunc.snap.json: not valid JSON	nt	snapshot show trunc.snap.json
	3	-	trunc.snap.json: not valid JSON	nt	audit --from trunc.snap.json
	3	-	ver.snap.json: snapshot version 99	nt	show --from ver.snap.json
	3	-	ver.snap.json: snapshot version 99	nt	audit --from ver.snap.json --json
	3	-	garbage.snap.json: not valid JSON	nt	show --from garbage.snap.json
	3	-	big.snap.json: too big for a snapshot	nt	show --from big.snap.json
	3	-	big.snap.json: too big for a snapshot	nt	audit --from big.snap.json
	EOF
}

@test "malformed recordings: truncated, wrong version, garbage, 1 GiB without a newline" {
	check_rows <<-EOF
	3	-	trunc.ntr:1: not valid JSON	nt	top -b -n 1 --replay trunc.ntr
	3	-	ver.ntr:1: recording version 99	nt	top -b -n 1 --replay ver.ntr
	3	-	garbage.ntr:1: not valid JSON	nt	top -b -n 1 --replay garbage.ntr
	3	-	big.ntr:1: line longer than 64 MiB	nt	top -b -n 1 --replay big.ntr
	EOF
}

@test "the 1 GiB inputs are refused by their size, without being read into memory" {
	# the limit is by size: the big files' rows above would take seconds
	# and a GiB of memory otherwise; here the memory is checked
	for args in "recommend big.conf" "show --from big.snap.json" \
		    "apply big.plan.json --yes --state-dir $D"; do
		# shellcheck disable=SC2086
		run --separate-stderr nt_in "$NS" /usr/bin/time -f '%M' \
			"$NETTUNE" $args
		assert_failure 3
		# max resident set in KiB, well below the file's size
		[ "${stderr_lines[-1]}" -lt 100000 ] ||
			fail "$args: $(echo "${stderr_lines[-1]}") KiB resident"
	done
}

# (a state directory yet to be made is made by apply itself, after the plan
# is printed: the read-only mount's row prints it)
@test "unusable state directory: a file in its place, a read-only mount" {
	mkdir -p "$T/ro"
	check_rows <<-EOF
	3	-	$IN/afile: not a directory	nt	apply good.conf --yes --state-dir $IN/afile
	3	-	$IN/afile/lock: cannot open the lock	nt	rollback --state-dir $IN/afile
	3	-	$IN/afile/journal: cannot read	nt	history --state-dir $IN/afile
	3	-	$IN/afile/journal: cannot read	nt	verify --state-dir $IN/afile
	3	*	$T/ro/s: cannot create the state directory: Read-only file system	rostate	apply good.conf --yes --state-dir $T/ro/s
	EOF
}

@test "no privilege: apply, rollback and history as nobody" {
	# a journal of root's to refuse access to
	nt_in "$NS" "$NETTUNE" apply good.conf --yes --state-dir "$T/priv" >/dev/null
	nt_in "$NS" "$NETTUNE" rollback --state-dir "$T/priv" >/dev/null
	chmod 755 "$T"
	check_rows <<-EOF
	3	-	apply: needs CAP_NET_ADMIN	nobody	apply good.conf --yes --state-dir $T/priv
	3	-	$T/priv/lock: cannot open the lock: Permission denied	nobody	rollback --state-dir $T/priv
	3	-	$T/priv/journal: cannot read: Permission denied	nobody	history --state-dir $T/priv
	EOF
}

@test "two applies at once: the second is refused naming the first's pid" {
	printf '[sysctl]\nnet.core.somaxconn = = 1235\n' >"$T/one.conf"
	NETTUNE_TEST_PAUSE=30 ip netns exec "$NS" "$NETTUNE" apply "$T/one.conf" --yes \
		--state-dir "$D" >"$T/out" 2>&1 3>&- &
	BG=$!
	# its change is made: it holds the lock and sleeps
	for _ in $(seq 100); do
		[ "$(nt_in "$NS" sysctl -n net.core.somaxconn)" = 1235 ] && break
		sleep 0.1
	done
	assert_equal "$(nt_in "$NS" sysctl -n net.core.somaxconn)" 1235
	check_rows <<-EOF
	3	-	another apply is running \(pid $BG\)	nt	apply good.conf --yes --state-dir $D
	3	-	another apply is running \(pid $BG\)	nt	rollback --state-dir $D
	EOF
	kill -9 "$BG"
	wait "$BG" || true
	BG=
	nt_in "$NS" "$NETTUNE" rollback --state-dir "$D" >/dev/null
}

@test "read-only /proc/sys in a private mount namespace: refused, undone, the host's stays writable" {
	somax=$(nt_in "$NS" sysctl -n net.core.somaxconn)
	# the plan is printed and the write fails: stdout has the plan and the
	# undo; the journal says undone (documented in RELIABILITY.md)
	run --separate-stderr runner rosys apply good.conf --yes --state-dir "$D"
	assert_failure 3
	assert_equal "${#stderr_lines[@]}" 1
	assert_regex "$stderr" 'net\.core\.somaxconn: cannot set to 1234: Read-only file system'
	assert_equal "$(nt_in "$NS" sysctl -n net.core.somaxconn)" "$somax"
	run nt_in "$NS" "$NETTUNE" history --state-dir "$D" --json
	assert_equal "$(jq -r '.[-1].state' <<<"$output")" undone
	# the bind mount was private: /proc/sys is writable here and on the host
	[ -w /proc/sys/net/core/somaxconn ]
	nt_in "$NS" sh -c '[ -w /proc/sys/net/core/somaxconn ]'
	run findmnt -n -o OPTIONS /proc/sys
	refute_output --regexp '(^|,)ro(,|$)'
}
