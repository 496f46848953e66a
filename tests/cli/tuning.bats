#!/usr/bin/env bats
# nettune recommend / apply / verify / rollback / history / profile against
# the real kernel, in a private namespace per test.  Every value is read
# back with the standard tools (sysctl, ethtool, sysfs, tc), never with
# nettune itself.  Journals go to a fresh state directory per test, never
# to /var/lib/nettune; --persist goes to a directory of the test.

bats_require_minimum_version 1.5.0

load helpers

setup() {
	NS="$(nt_ns_name)-$BATS_TEST_NUMBER"
	nt_ns_create "$NS"
	D=$BATS_TEST_TMPDIR/state
	T=$BATS_TEST_TMPDIR
	BG=
}

teardown() {
	if [ -n "$BG" ]; then
		kill -9 "$BG" 2>/dev/null || true
		wait "$BG" 2>/dev/null || true
	fi
	nt_ns_destroy "$NS"
}

# ---- helpers -------------------------------------------------------------

# chan DEV: "RX TX" current channel counts as ethtool -l prints them
chan() {
	nt_in "$NS" ethtool -l "$1" |
		awk '/Current/{c=1} c&&/^RX:/{rx=$2} c&&/^TX:/{tx=$2} END{print rx, tx}'
}

# qfile DEV QUEUE FILE: a queue attribute from sysfs (rx-0 rps_cpus, ...)
qfile() {
	nt_in "$NS" cat "/sys/class/net/$1/queues/$2/$3"
}

# mask HEX: a sysfs CPU mask ("2", "00000000,00000002") as a number
mask() {
	local m=${1//,/}
	echo $((16#${m:-0}))
}

qdisc_kind() {
	nt_in "$NS" tc -j qdisc show dev "$1" root | jq -r '.[0].kind'
}

txqlen() {
	nt_in "$NS" ip -j link show dev "$1" | jq -r '.[0].txqlen'
}


# A congestion control the namespace offers other than the current one.
other_cc() {
	local cur a
	cur=$(sc net.ipv4.tcp_congestion_control)
	for a in $(sc net.ipv4.tcp_available_congestion_control); do
		if [ "$a" != "$cur" ]; then
			echo "$a"
			return
		fi
	done
}

need_cpus() {
	[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs for the RPS/XPS masks"
}

# A somaxconn the namespace does not have yet.
new_somaxconn() {
	local cur
	cur=$(sc net.core.somaxconn)
	echo $((cur == 1234 ? 1235 : 1234))
}

# journal_count: journals in the state directory (none when it is absent)
journal_count() {
	if [ -d "$D/journal" ]; then
		find "$D/journal" -name '*.json' ! -name '*.plan.json' | wc -l
	else
		echo 0
	fi
}

# wait_for CMD... : up to 10 s for CMD to succeed
wait_for() {
	for _ in $(seq 100); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

somaxconn_is() {
	[ "$(sc net.core.somaxconn)" = "$1" ]
}

# stderr_is_one_line: the command printed exactly one line on stderr
stderr_is_one_line() {
	assert_equal "${#stderr_lines[@]}" 1
}

# The profile of the first scenario: per-netns sysctls, veth channels,
# RPS on nt1, XPS on nt0, a root qdisc and txqlen on nt1.  nt0 starts with
# one rx channel, so raising it is a change; its two tx queues exist.
# Sizes say "= N" (exactly): they are below the namespace's own values,
# which a size-like knob otherwise keeps (at least, nettune-profile(5)).
write_main_profile() {
	SOMAX=$(new_somaxconn)
	CC=$(other_cc)
	[ -n "$CC" ] || skip "the namespace offers one congestion control only"
	nt_in "$NS" ethtool -L nt0 rx 1 tx 2
	cat >"$T/main.conf" <<-EOF
	[main]
	summary = tuning.bats: every kind of knob on the veth pair

	[sysctl]
	net.core.somaxconn = = $SOMAX
	net.ipv4.tcp_rmem = = 4096 65536 1048576
	net.ipv4.tcp_congestion_control = $CC

	[channels nt0]
	rx = 2
	tx = 2

	[rps nt1]
	cpus = 1

	[xps nt0]
	cpus = 0-1

	[qdisc nt1]
	root = pfifo
	txqlen = = 500
	EOF
}

# A smaller profile: sysctls and RPS on nt1 (5 changes).
write_small_profile() {
	SOMAX=$(new_somaxconn)
	CC=$(other_cc)
	[ -n "$CC" ] || skip "the namespace offers one congestion control only"
	cat >"$T/small.conf" <<-EOF
	[sysctl]
	net.core.somaxconn = = $SOMAX
	net.ipv4.tcp_rmem = = 4096 65536 1048576
	net.ipv4.tcp_congestion_control = $CC

	[rps nt1]
	cpus = 1
	EOF
}

# ---- 1. profile: recommend, apply, verify, drift, rollback, history ------

@test "apply a profile: every value reads back, verify, drift, rollback restores byte for byte" {
	need_cpus
	write_main_profile
	before=$(nt_ns_state "$NS")
	somax_before=$(sc net.core.somaxconn)

	run nt recommend "$T/main.conf"
	assert_success
	assert_line --regexp '^sysctl +net\.core\.somaxconn +[0-9]+ +'"$SOMAX"' '
	assert_line --regexp '^sysctl +net\.ipv4\.tcp_rmem .* 4096 65536 1048576 '
	assert_line --regexp '^sysctl +net\.ipv4\.tcp_congestion_control +[a-z0-9_]+ +'"$CC"' '
	assert_line --regexp '^channels\.rx +nt0 +1 +2 '
	assert_line --regexp '^rps\.cpus +nt1 rx-0 .* 1 '
	assert_line --regexp '^rps\.cpus +nt1 rx-1 .* 1 '
	assert_line --regexp '^xps\.cpus +nt0 tx-0 .* 0-1 '
	assert_line --regexp '^xps\.cpus +nt0 tx-1 .* 0-1 '
	assert_line --regexp '^qdisc +nt1 +noqueue +pfifo '
	assert_line --regexp '^txqlen +nt1 +[0-9]+ +500 '
	assert_line "10 changes from profile main"
	# tx is already 2: not a change
	refute_line --regexp '^channels\.tx '

	run nt recommend "$T/main.conf" --json
	assert_success
	got=$(jq -r '[.changes[] | "\(.knob) \(.subject) \(.target)"] | sort | join(",")' <<<"$output")
	want=$(printf '%s\n' "sysctl net.core.somaxconn $SOMAX" \
		"sysctl net.ipv4.tcp_rmem 4096 65536 1048576" \
		"sysctl net.ipv4.tcp_congestion_control $CC" \
		"channels.rx nt0 2" "rps.cpus nt1 rx-0 1" "rps.cpus nt1 rx-1 1" \
		"xps.cpus nt0 tx-0 0-1" "xps.cpus nt0 tx-1 0-1" \
		"qdisc nt1 pfifo" "txqlen nt1 500" |
		jq -R . | jq -rs 'sort | join(",")')
	assert_equal "$got" "$want"
	# recommend changes nothing
	assert_equal "$(nt_ns_state "$NS")" "$before"

	run nt apply "$T/main.conf" --yes --state-dir "$D"
	assert_success
	assert_line --regexp '^applied 10, skipped 0; journal [0-9]{8}T[0-9]{6}Z-[0-9]+ '
	id=$(sed -n 's/^applied .*; journal \([^ ]*\) .*/\1/p' <<<"$output")

	# every value is the target, read with the standard tools
	assert_equal "$(sc net.core.somaxconn)" "$SOMAX"
	assert_equal "$(sc net.ipv4.tcp_rmem)" "$(printf '4096\t65536\t1048576')"
	assert_equal "$(sc net.ipv4.tcp_congestion_control)" "$CC"
	assert_equal "$(chan nt0)" "2 2"
	assert_equal "$(mask "$(qfile nt1 rx-0 rps_cpus)")" 2
	assert_equal "$(mask "$(qfile nt1 rx-1 rps_cpus)")" 2
	assert_equal "$(mask "$(qfile nt0 tx-0 xps_cpus)")" 3
	assert_equal "$(mask "$(qfile nt0 tx-1 xps_cpus)")" 3
	assert_equal "$(qdisc_kind nt1)" pfifo
	assert_equal "$(txqlen nt1)" 500

	run nt verify "$T/main.conf"
	assert_success
	run nt verify --state-dir "$D"
	assert_success
	run nt verify --state-dir "$D" --json
	assert_success
	assert_equal "$(jq -c '.drift' <<<"$output")" "[]"

	# drift: somaxconn changed by hand
	nt_in "$NS" sysctl -qw net.core.somaxconn=$((SOMAX + 1))
	run nt verify --state-dir "$D"
	assert_failure 1
	assert_line --regexp '^sysctl +net\.core\.somaxconn +'"$SOMAX"' +'"$((SOMAX + 1))"'$'
	assert_equal "$(grep -c '^sysctl\|^channels\|^rps\|^xps\|^qdisc\|^txqlen' <<<"$output")" 1
	run nt verify --state-dir "$D" --json
	assert_failure 1
	assert_equal "$(jq -c '[.drift[] | [.knob, .subject, .expected, .actual]]' <<<"$output")" \
		"[[\"sysctl\",\"net.core.somaxconn\",\"$SOMAX\",\"$((SOMAX + 1))\"]]"
	run nt verify "$T/main.conf"
	assert_failure 1
	assert_output --partial net.core.somaxconn

	run nt rollback --state-dir "$D"
	assert_success
	assert_output --partial "$id"
	assert_equal "$(nt_ns_state "$NS")" "$before"
	assert_equal "$(sc net.core.somaxconn)" "$somax_before"

	run nt history --state-dir "$D" --json
	assert_success
	assert_equal "$(jq -r 'length' <<<"$output")" 1
	assert_equal "$(jq -r '.[0].id' <<<"$output")" "$id"
	assert_equal "$(jq -r '.[0].state' <<<"$output")" rolled-back
	assert_equal "$(jq -r '.[0].profile' <<<"$output")" main
	assert_equal "$(jq -r '.[0].changes' <<<"$output")" 10
	# the journal holds the before-values
	assert_equal "$(jq -r '.changes[] | select(.subject == "net.core.somaxconn") | .before' \
		"$D/journal/$id.json")" "$somax_before"
	assert_equal "$(jq -r '.state' "$D/journal/$id.json")" rolled-back

	# nothing left to roll back; the host stays as it is
	run nt rollback --state-dir "$D"
	assert_failure 3
	assert_equal "$(nt_ns_state "$NS")" "$before"
}

# ---- 2. saved plans ------------------------------------------------------

@test "recommend -o: apply applies exactly the plan; a host that changed since is refused" {
	need_cpus
	write_small_profile
	before=$(nt_ns_state "$NS")

	run nt recommend "$T/small.conf" -o "$T/plan.json"
	assert_success
	assert_equal "$(jq -r '.nettune_plan' "$T/plan.json")" 1
	assert_equal "$(jq -r '.profile' "$T/plan.json")" small
	assert_equal "$(jq -r '.changes | length' "$T/plan.json")" 5
	assert_equal "$(nt_ns_state "$NS")" "$before"

	run nt apply "$T/plan.json" --yes --state-dir "$D"
	assert_success
	assert_line --regexp '^applied 5, skipped 0; '
	id=$(sed -n 's/^applied .*; journal \([^ ]*\) .*/\1/p' <<<"$output")
	# the journal's plan is the saved plan, change for change
	assert_equal "$(jq -S -c '.changes' "$D/journal/$id.plan.json")" \
		"$(jq -S -c '.changes' "$T/plan.json")"
	assert_equal "$(sc net.core.somaxconn)" "$SOMAX"
	assert_equal "$(sc net.ipv4.tcp_congestion_control)" "$CC"
	assert_equal "$(mask "$(qfile nt1 rx-0 rps_cpus)")" 2
	run nt verify "$T/plan.json"
	assert_success

	run nt rollback --state-dir "$D"
	assert_success
	assert_equal "$(nt_ns_state "$NS")" "$before"

	# the host moves: the plan is stale
	nt_in "$NS" sysctl -qw net.core.somaxconn=$((SOMAX + 7))
	moved=$(nt_ns_state "$NS")
	run --separate-stderr nt apply "$T/plan.json" --yes --state-dir "$D"
	assert_failure 3
	stderr_is_one_line
	assert_regex "$stderr" "the host changed since the plan was made: sysctl net\.core\.somaxconn is $((SOMAX + 7)), the plan expected [0-9]+"
	assert_equal "$(nt_ns_state "$NS")" "$moved"
	assert_equal "$(journal_count)" 1
}

@test "a plan is refused when an RPS mask it saw empty was set by hand since" {
	need_cpus
	write_small_profile
	run nt recommend "$T/small.conf" -o "$T/plan.json"
	assert_success
	# the plan saw rx-0 without RPS
	assert_equal "$(mask "$(qfile nt1 rx-0 rps_cpus)")" 0
	# someone enables RPS on CPU 0 by hand
	nt_in "$NS" sh -c 'echo 1 > /sys/class/net/nt1/queues/rx-0/rps_cpus'
	moved=$(nt_ns_state "$NS")
	run --separate-stderr nt apply "$T/plan.json" --yes --state-dir "$D"
	assert_failure 3
	assert_regex "$stderr" "the host changed since the plan was made: rps\.cpus nt1 rx-0"
	assert_equal "$(nt_ns_state "$NS")" "$moved"
	assert_equal "$(journal_count)" 0
}

# ---- 3. a change the kernel rejects ---------------------------------------

@test "the kernel rejects the third change: exit 3 with its text, the first two undone" {
	need_cpus
	somax=$(sc net.core.somaxconn)
	rps=$(nt show --json nt1 | jq -r '.interfaces[0].queues.rx[0].rps_cpus')
	rx=$(chan nt0 | cut -d' ' -f1)
	jq -n --arg somax "$somax" --arg target $((somax + 7)) --arg rps "$rps" \
		--arg rx "$rx" '{
		nettune_plan: 1, profile: "handmade", hostname: "test",
		made: "2026-11-23T11:30:00Z", made_ns: 1795433400000000000,
		changes: [
		  {knob: "sysctl", subject: "net.core.somaxconn", current: $somax,
		   target: $target, reason: "test"},
		  {knob: "rps.cpus", subject: "nt1 rx-0", current: $rps,
		   target: "1", reason: "test"},
		  {knob: "channels.rx", subject: "nt0", current: $rx,
		   target: "64", reason: "above the maximum"}
		]}' >"$T/plan.json"
	before=$(nt_ns_state "$NS")

	run --separate-stderr nt apply "$T/plan.json" --yes --state-dir "$D"
	assert_failure 3
	stderr_is_one_line
	assert_regex "$stderr" '^nettune: change 3 of 3 \(channels\.rx nt0 -> 64\): .*exceeds maximum'
	# progress: the two were applied, then undone
	assert_line --regexp '^ +applied +sysctl +net\.core\.somaxconn '
	assert_line --regexp '^ +undone +sysctl +net\.core\.somaxconn '
	assert_line --regexp '^ +undone +rps\.cpus +nt1 rx-0 '

	assert_equal "$(nt_ns_state "$NS")" "$before"
	assert_equal "$(sc net.core.somaxconn)" "$somax"
	run nt history --state-dir "$D" --json
	assert_success
	assert_equal "$(jq -r 'length' <<<"$output")" 1
	assert_equal "$(jq -r '.[0].state' <<<"$output")" undone
	# an undone apply is neither the last applied plan nor to be rolled back
	run nt verify --state-dir "$D"
	assert_failure 3
	run nt rollback --state-dir "$D"
	assert_failure 3
	assert_equal "$(nt_ns_state "$NS")" "$before"
}

# ---- 4. kill -9 half-way ---------------------------------------------------

@test "apply killed with -9 half-way: rollback restores everything" {
	need_cpus
	write_small_profile
	before=$(nt_ns_state "$NS")
	NETTUNE_TEST_PAUSE=2 ip netns exec "$NS" "$NETTUNE" apply "$T/small.conf" \
		--yes --state-dir "$D" >"$T/bg.out" 2>&1 3>&- &
	BG=$!
	# the first change (somaxconn) is visible: the journal is on disk
	wait_for somaxconn_is "$SOMAX"
	kill -9 "$BG"
	st=0
	wait "$BG" || st=$?
	BG=
	assert_equal "$st" 137

	run nt history --state-dir "$D" --json
	assert_success
	assert_equal "$(jq -r 'length' <<<"$output")" 1
	assert_equal "$(jq -r '.[0].state' <<<"$output")" in-progress
	assert_equal "$(jq -r '.[0].changes' <<<"$output")" 5
	# a killed apply is not an applied plan
	run nt verify --state-dir "$D"
	assert_failure 3

	run nt rollback --state-dir "$D"
	assert_success
	assert_equal "$(nt_ns_state "$NS")" "$before"
	run nt history --state-dir "$D" --json
	assert_equal "$(jq -r '.[0].state' <<<"$output")" rolled-back
}

# ---- 5. two applies at once ----------------------------------------------

@test "a second apply while one runs is refused naming the first one's pid" {
	SOMAX=$(new_somaxconn)
	printf '[sysctl]\nnet.core.somaxconn = = %s\n' "$SOMAX" >"$T/one.conf"
	printf '[sysctl]\nnet.ipv4.tcp_rmem = = 4096 65536 1048576\n' >"$T/two.conf"
	rmem_before=$(sc net.ipv4.tcp_rmem)
	NETTUNE_TEST_PAUSE=2 ip netns exec "$NS" "$NETTUNE" apply "$T/one.conf" \
		--yes --state-dir "$D" >"$T/bg.out" 2>&1 3>&- &
	BG=$!
	# its change is made: it holds the lock and sleeps
	wait_for somaxconn_is "$SOMAX"

	run --separate-stderr nt apply "$T/two.conf" --yes --state-dir "$D"
	assert_failure 3
	stderr_is_one_line
	assert_regex "$stderr" "another apply is running \(pid $BG\)"
	assert_equal "$(sc net.ipv4.tcp_rmem)" "$rmem_before"

	st=0
	wait "$BG" || st=$?
	BG=
	assert_equal "$st" 0
	run nt history --state-dir "$D" --json
	assert_equal "$(jq -r 'length' <<<"$output")" 1
	assert_equal "$(jq -r '.[0].state' <<<"$output")" applied
	assert_equal "$(jq -r '.[0].profile' <<<"$output")" one
	# the lock went away with the process
	run nt apply "$T/two.conf" --yes --state-dir "$D"
	assert_success
}

# ---- 6. privilege ----------------------------------------------------------

@test "apply without privilege: exit 3, one line about CAP_NET_ADMIN, nothing written" {
	command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
	before=$(nt_ns_state "$NS")
	run --separate-stderr nt_in "$NS" setpriv --reuid=nobody \
		--regid="$(id -g nobody)" --clear-groups --inh-caps=-all \
		"$NETTUNE" apply many-connections --yes --state-dir "$D"
	assert_failure 3
	assert_equal "$output" ""
	stderr_is_one_line
	assert_regex "$stderr" 'CAP_NET_ADMIN'
	assert_regex "$stderr" 'root'
	assert_equal "$(nt_ns_state "$NS")" "$before"
	[ ! -e "$D" ]

	# root without CAP_NET_ADMIN is refused the same way
	run --separate-stderr nt_in "$NS" setpriv --inh-caps=-net_admin \
		--bounding-set=-net_admin \
		"$NETTUNE" apply many-connections --yes --state-dir "$D"
	assert_failure 3
	stderr_is_one_line
	assert_regex "$stderr" 'CAP_NET_ADMIN'
	assert_equal "$(nt_ns_state "$NS")" "$before"
	[ ! -e "$D" ]
}

# ---- 7. malformed profiles, profile list / show ---------------------------

# profile_error FILE LINE TEXT: recommend and apply both exit 3 with one
# line "nettune: FILE:LINE: ...TEXT..." and change nothing.
profile_error() {
	local file=$1 line=$2 text=$3 before
	before=$(nt_ns_state "$NS")
	run --separate-stderr nt recommend "$file"
	assert_failure 3
	assert_equal "$output" ""
	stderr_is_one_line
	assert_equal "${stderr:0:$((${#file} + ${#line} + 12))}" "nettune: $file:$line: "
	assert_regex "$stderr" "$text"
	run --separate-stderr nt apply "$file" --yes --state-dir "$D"
	assert_failure 3
	assert_equal "$output" ""
	stderr_is_one_line
	assert_equal "${stderr:0:$((${#file} + ${#line} + 12))}" "nettune: $file:$line: "
	assert_regex "$stderr" "$text"
	assert_equal "$(nt_ns_state "$NS")" "$before"
	[ ! -e "$D" ]
}

@test "malformed profile: unknown section" {
	printf '[main]\nsummary = x\n[sysctl]\nnet.core.somaxconn = 4321\n\n[ringz]\nrx = 1\n' >"$T/bad.conf"
	profile_error "$T/bad.conf" 6 'unknown section \[ringz\]'
}

@test "malformed profile: unknown key, also a sysctl nettune does not manage" {
	printf '[sysctl]\nnet.core.somaxconn = 4321\n\n[channels]\n  rxx = 2\n' >"$T/bad.conf"
	profile_error "$T/bad.conf" 5 'unknown key "rxx" in \[channels\]'
	printf '[sysctl]\nnet.core.somaxconn = 4321\n# typo\nnet.core.somaxcon = 5\n' >"$T/typo.conf"
	profile_error "$T/typo.conf" 4 'unknown key "net\.core\.somaxcon" in \[sysctl\]'
}

@test "malformed profile: bad value" {
	printf '[sysctl]\nnet.core.somaxconn = 4321\n[channels nt0]\n\nrx = lots\n' >"$T/bad.conf"
	profile_error "$T/bad.conf" 5 'rx = "lots"'
}

@test "malformed profile: include cycle" {
	printf '[main]\ninclude = cb.conf\n[sysctl]\nnet.core.somaxconn = 4321\n' >"$T/ca.conf"
	printf '# b\n[main]\ninclude = ca.conf\n' >"$T/cb.conf"
	before=$(nt_ns_state "$NS")
	run --separate-stderr nt recommend "$T/ca.conf"
	assert_failure 3
	stderr_is_one_line
	assert_equal "$stderr" "nettune: $T/cb.conf:3: include cycle: ca.conf -> cb.conf -> ca.conf"
	run --separate-stderr nt apply "$T/ca.conf" --yes --state-dir "$D"
	assert_failure 3
	assert_equal "$stderr" "nettune: $T/cb.conf:3: include cycle: ca.conf -> cb.conf -> ca.conf"
	assert_equal "$(nt_ns_state "$NS")" "$before"
	[ ! -e "$D" ]
}

@test "malformed profile: missing include" {
	printf '[sysctl]\nnet.core.somaxconn = 4321\n[main]\n\ninclude = nosuchprofile\n' >"$T/bad.conf"
	profile_error "$T/bad.conf" 5 'include "nosuchprofile": no such profile'
	printf '[main]\ninclude = ./nosuch.conf\n' >"$T/bad2.conf"
	profile_error "$T/bad2.conf" 2 'nosuch\.conf'
}

@test "a value above the driver's maximum is refused when planning, with FILE:LINE" {
	printf '[sysctl]\nnet.core.somaxconn = 4321\n\n[channels nt0]\nrx = 64\n' >"$T/big.conf"
	profile_error "$T/big.conf" 5 'exceeds'
}

@test "profile list shows the shipped profiles" {
	run "$NETTUNE" profile list
	assert_success
	for p in balanced throughput latency many-connections; do
		assert_line --regexp "^$p +[^ ]"
	done
}

@test "profile show flattens includes with each value's file and line" {
	run "$NETTUNE" profile show throughput
	assert_success
	bal=$BATS_TEST_DIRNAME/../../profiles/balanced.conf
	thr=$BATS_TEST_DIRNAME/../../profiles/throughput.conf
	n=$(grep -n '^net.core.somaxconn' "$bal" | cut -d: -f1)
	assert_output --regexp "net\.core\.somaxconn = 4096[[:space:]]+# [^ ]*/balanced\.conf:$n"
	n=$(grep -n '^net.core.rmem_max' "$thr" | cut -d: -f1)
	assert_output --regexp "net\.core\.rmem_max = 67108864[[:space:]]+# [^ ]*/throughput\.conf:$n"
	# flattened: no include line left
	refute_output --regexp '^include'
}

@test "a --profile-dir profile named like a shipped one wins" {
	mkdir "$T/pd"
	printf '[main]\nsummary = local throughput for tuning.bats\n[sysctl]\nnet.core.somaxconn = 7777\n' \
		>"$T/pd/throughput.conf"
	run "$NETTUNE" profile list --profile-dir "$T/pd"
	assert_success
	assert_line --regexp '^throughput +local throughput for tuning\.bats'
	assert_line --regexp '^balanced +'
	run "$NETTUNE" profile show throughput --profile-dir "$T/pd"
	assert_success
	assert_output --partial "net.core.somaxconn = 7777"
	refute_output --partial balanced.conf
	run nt recommend throughput --profile-dir "$T/pd" --json
	assert_success
	assert_equal "$(jq -r '[.changes[] | "\(.knob) \(.subject) \(.target)"] | join(",")' <<<"$output")" \
		"sysctl net.core.somaxconn 7777"
	assert_equal "$(jq -r '.profile' <<<"$output")" throughput
}

# ---- 8. confirmation, dry run, persist ------------------------------------

@test "apply without a terminal and without --yes: exit 3 asking for --yes, nothing written" {
	need_cpus
	write_small_profile
	before=$(nt_ns_state "$NS")
	run --separate-stderr nt apply "$T/small.conf" --state-dir "$D" </dev/null
	assert_failure 3
	stderr_is_one_line
	assert_regex "$stderr" '--yes'
	assert_equal "$(nt_ns_state "$NS")" "$before"
	[ ! -e "$D" ]
}

@test "apply --dry-run prints the plan and writes nothing" {
	need_cpus
	write_small_profile
	before=$(nt_ns_state "$NS")
	run nt apply "$T/small.conf" --dry-run --state-dir "$D"
	assert_success
	assert_line --regexp '^sysctl +net\.core\.somaxconn +[0-9]+ +'"$SOMAX"' '
	assert_line --regexp '^rps\.cpus +nt1 rx-1 '
	assert_line "5 changes from profile small"
	refute_output --partial applied
	assert_equal "$(nt_ns_state "$NS")" "$before"
	[ ! -e "$D" ]
}

@test "apply --persist writes sysctl.d and the active profile under NETTUNE_SYSCONFDIR" {
	need_cpus
	write_small_profile
	before=$(nt_ns_state "$NS")
	mkdir "$T/etc"
	run env NETTUNE_SYSCONFDIR="$T/etc" ip netns exec "$NS" "$NETTUNE" \
		apply "$T/small.conf" --yes --persist --state-dir "$D"
	assert_success
	id=$(sed -n 's/^applied .*; journal \([^ ]*\) .*/\1/p' <<<"$output")
	conf=$T/etc/sysctl.d/90-nettune.conf
	[ -f "$conf" ]
	# exactly the plan's sysctl targets, as "KEY = VALUE"
	got=$(grep -v '^#' "$conf" | sort)
	want=$(jq -r '.changes[] | select(.knob == "sysctl") | "\(.subject) = \(.target)"' \
		"$D/journal/$id.plan.json" | sort)
	assert_equal "$got" "$want"
	grep -qx "net.core.somaxconn = $SOMAX" "$conf"
	grep -qx "net.ipv4.tcp_rmem = 4096 65536 1048576" "$conf"
	grep -qx "net.ipv4.tcp_congestion_control = $CC" "$conf"
	assert_equal "$(cat "$T/etc/nettune/active")" "$(realpath "$T/small.conf")"
	[ ! -e "$T/etc/sysctl.d/90-nettune.conf.tmp" ]
	# the host's own /etc is left alone: values only in the namespace
	run nt rollback --state-dir "$D"
	assert_success
	assert_equal "$(nt_ns_state "$NS")" "$before"
}

@test "apply --persist that cannot write fails as a whole: exit 3 leaves nothing changed" {
	need_cpus
	write_small_profile
	before=$(nt_ns_state "$NS")
	# the configuration directory is a regular file: persisting must fail
	: >"$T/etc"
	run --separate-stderr env NETTUNE_SYSCONFDIR="$T/etc" ip netns exec "$NS" \
		"$NETTUNE" apply "$T/small.conf" --yes --persist --state-dir "$D"
	assert_failure 3
	assert_regex "$stderr" 'sysctl\.d'
	# exit 3 is "could not run or failed and undone (nothing left changed)"
	assert_equal "$(nt_ns_state "$NS")" "$before"
}

# ---- qdisc, queues a channel change adds ----------------------------------

@test "qdisc root: a kind is applied and rolled back; parameters are refused with FILE:LINE" {
	printf '[qdisc nt0]\nroot = pfifo limit 100\n' >"$T/q.conf"
	before=$(nt_ns_state "$NS")
	run --separate-stderr nt recommend "$T/q.conf"
	assert_failure 3
	assert_equal "$stderr" "nettune: $T/q.conf:2: [qdisc] root = \"pfifo limit 100\": expected a qdisc kind such as fq or fq_codel (it is set with its default parameters)"
	printf '[qdisc nt0]\nroot = pfifo\n' >"$T/q.conf"
	run nt recommend "$T/q.conf"
	assert_success
	assert_line --regexp '^qdisc +nt0 +noqueue +pfifo '
	run nt apply "$T/q.conf" --yes --state-dir "$D"
	assert_success
	assert_equal "$(qdisc_kind nt0)" pfifo
	run nt rollback --state-dir "$D"
	assert_success
	assert_equal "$(nt_ns_state "$NS")" "$before"
}

@test "queues a raised channel count adds: the same apply covers them, verify is clean" {
	need_cpus
	nt_in "$NS" ethtool -L nt0 rx 2 tx 1
	printf '[channels nt0]\ntx = 2\n[xps nt0]\ncpus = 0-1\n' >"$T/x.conf"
	run nt apply "$T/x.conf" --yes --state-dir "$D"
	assert_success
	assert_equal "$(chan nt0)" "2 2"
	assert_equal "$(mask "$(qfile nt0 tx-0 xps_cpus)")" 3
	# tx-1 exists only after the channel change: resolved then, in the
	# same apply (two phases, nettune-profile(5))
	assert_equal "$(mask "$(qfile nt0 tx-1 xps_cpus)")" 3
	run nt verify "$T/x.conf"
	assert_success
	run nt verify --state-dir "$D"
	assert_success
}

# ---- 9. help and usage ----------------------------------------------------

@test "--iface limits recommend, apply and verify to that interface; an unknown one exits 3" {
	printf '[qdisc]\ntxqlen = 4321\n' >"$T/i.conf"
	before1=$(nt_in "$NS" cat /sys/class/net/nt1/tx_queue_len)
	run nt recommend "$T/i.conf" --iface nt0
	assert_success
	assert_line --regexp '^txqlen +nt0 '
	refute_line --regexp '^txqlen +nt1 '
	run nt apply "$T/i.conf" --iface nt0 --yes --state-dir "$D"
	assert_success
	assert_equal "$(nt_in "$NS" cat /sys/class/net/nt0/tx_queue_len)" 4321
	assert_equal "$(nt_in "$NS" cat /sys/class/net/nt1/tx_queue_len)" "$before1"
	run nt verify "$T/i.conf" --iface nt0
	assert_success
	run nt verify "$T/i.conf" --iface nt1
	assert_failure 1
	assert_line --regexp '^txqlen +nt1 '
	run --separate-stderr nt recommend "$T/i.conf" --iface nosuch0
	assert_failure 3
	assert_equal "$stderr" "nettune: nosuch0: no such interface"
}

@test "every tuning verb's --help exits 0" {
	for verb in recommend apply verify rollback history profile; do
		run "$NETTUNE" "$verb" --help
		assert_success
		assert_line --index 0 --regexp "^Usage: nettune $verb "
	done
	run "$NETTUNE" apply -h
	assert_success
}

@test "bad usage of the tuning verbs exits 3 with one line" {
	while IFS= read -r args; do
		# shellcheck disable=SC2086
		run --separate-stderr "$NETTUNE" $args
		assert_equal "$args: $status" "$args: 3"
		assert_equal "$args: ${#stderr_lines[@]}" "$args: 1"
		assert_equal "$args: $output" "$args: "
	done <<-'EOF'
	recommend
	recommend a b
	recommend --bogus balanced
	recommend balanced -o
	apply
	apply a b
	apply --bogus balanced
	apply --irqbalance=maybe balanced
	verify a b
	verify --bogus
	rollback a b
	rollback --bogus
	history extra
	history --bogus
	profile
	profile frob
	profile show
	profile show a b
	EOF
	run --separate-stderr nt recommend nosuchprofile
	assert_failure 3
	assert_regex "$stderr" '^nettune: nosuchprofile: no such profile'
	run --separate-stderr nt rollback 20260101T000000Z-1 --state-dir "$D"
	assert_failure 3
	run --separate-stderr nt rollback --state-dir "$D"
	assert_failure 3
	assert_regex "$stderr" 'nothing to roll back'
	[ ! -e "$D" ]
	run nt history --state-dir "$D" --json
	assert_success
	assert_equal "$(jq -r 'length' <<<"$output")" 0
}
