#!/usr/bin/env bats
# Plans name only what the running kernel has: qdisc kinds and congestion
# control algorithms it has built in or can load (a fallback from the
# profile's ordered list, else left alone with the reason), and sysctls
# only where they can be written (a network namespace sees host-wide keys
# read-only).  What the kernel takes is asked of the kernel itself (tc,
# sysctl), never of nettune.

bats_require_minimum_version 1.5.0

load helpers

PROFILES=$BATS_TEST_DIRNAME/../../profiles

setup() {
	NS="$(nt_ns_name)-$BATS_TEST_NUMBER"
	nt_ns_create "$NS"
	D=$BATS_TEST_TMPDIR/state
	T=$BATS_TEST_TMPDIR
}

teardown() {
	nt_ns_destroy "$NS"
}

# kind_ok KIND: the kernel takes KIND with its defaults as a root qdisc
# (tried on a scratch veth pair of the test's namespace).
kind_ok() {
	if ! nt_in "$NS" ip link show ntk0 >/dev/null 2>&1; then
		nt_in "$NS" ip link add ntk0 type veth peer name ntk1
	fi
	# shellcheck disable=SC2086 # "tbf rate 1mbit ...": words for tc
	nt_in "$NS" tc qdisc add dev ntk0 root $1 2>/dev/null || return 1
	nt_in "$NS" tc qdisc del dev ntk0 root
}

# cc_ok ALG: the namespace's own tcp_congestion_control takes ALG (the
# kernel loads a module it has); put back afterwards.
cc_ok() {
	local cur ok=0
	cur=$(sc net.ipv4.tcp_congestion_control)
	nt_in "$NS" sysctl -qw net.ipv4.tcp_congestion_control="$1" \
		2>/dev/null || ok=1
	nt_in "$NS" sysctl -qw net.ipv4.tcp_congestion_control="$cur"
	return $ok
}

# check_plan JSON: every qdisc and congestion control a change names is
# one the kernel takes.
check_plan() {
	local kind alg
	for kind in $(jq -r '.changes[] | select(.knob == "qdisc" or
			(.knob == "sysctl" and .subject == "net.core.default_qdisc"))
			| .target | split(" ")[0]' <<<"$1"); do
		kind_ok "$kind" || fail "the plan names qdisc $kind, which this kernel refuses"
	done
	for alg in $(jq -r '.changes[] | select(.knob == "sysctl" and
			.subject == "net.ipv4.tcp_congestion_control") | .target' <<<"$1"); do
		cc_ok "$alg" || fail "the plan names congestion control $alg, which this kernel refuses"
	done
}

@test "no shipped profile's plan names a qdisc or congestion control the kernel lacks, in a namespace and on the host" {
	local p
	for p in "$PROFILES"/*.conf; do
		run nt recommend "$p" --json
		assert_success
		check_plan "$output"
		# the host's namespace has net.core.default_qdisc; reading is safe
		run "$NETTUNE" recommend "$p" --json
		assert_success
		check_plan "$output"
	done
}

@test "show --json lists what the kernel has; every kind listed is one tc takes" {
	run nt show --json
	assert_success
	jq -e '.kernel_has.qdiscs | index("pfifo_fast") and index("mq")' \
		<<<"$output" >/dev/null
	for kind in $(jq -r '.kernel_has.qdiscs[] |
			select(. != "noop" and . != "ingress" and . != "clsact" and
			       . != "mq" and . != "noqueue")' <<<"$output"); do
		# htb and tbf exist but will not start without parameters
		case $kind in
		htb) nt_in "$NS" ip link add ntk0 type veth peer name ntk1 2>/dev/null || true
		     nt_in "$NS" tc qdisc add dev ntk0 root htb ||
			fail "kernel_has lists htb, tc refuses it"
		     nt_in "$NS" tc qdisc del dev ntk0 root ;;
		tbf) kind_ok "tbf rate 1mbit burst 10k limit 1000" ||
			fail "kernel_has lists tbf, tc refuses it" ;;
		*) kind_ok "$kind" || fail "kernel_has lists $kind, tc refuses it" ;;
		esac
	done
	# the initial namespace may pick any; a namespace only the allowed
	for alg in $(jq -r '.kernel_has.congestion[]' <<<"$output"); do
		grep -qw "$alg" /proc/sys/net/ipv4/tcp_available_congestion_control ||
			modprobe -qn "tcp_$alg" ||
			fail "kernel_has lists $alg, the kernel has it not"
	done
}

@test "[qdisc] root takes the first kind of the list the kernel has" {
	local want=pfifo
	kind_ok fq && want=fq
	printf '[qdisc nt0]\nroot = nosuchqdisc, fq, pfifo\n' >"$T/q.conf"

	run nt recommend "$T/q.conf"
	assert_success
	assert_line --regexp "^qdisc +nt0 +noqueue +$want +.*q.conf:2: qdisc root = nosuchqdisc, fq, pfifo: $want is the first this kernel has$"
	run nt apply "$T/q.conf" --yes --state-dir "$D"
	assert_success
	run nt_in "$NS" tc qdisc show dev nt0 root
	assert_output --regexp "^qdisc $want "
	run nt rollback --state-dir "$D"
	assert_success
}

@test "none of the kinds: left alone with the reason, apply exits 0 and changes nothing" {
	before=$(nt_in "$NS" tc -d qdisc show)
	printf '[qdisc nt0]\nroot = nosuchqdisc, nosuchtoo\n' >"$T/q.conf"

	run nt recommend "$T/q.conf" --json
	assert_success
	assert_equal "$(jq '.changes | length' <<<"$output")" 0
	assert_equal "$(jq -r '.left_alone[0] | "\(.knob) \(.subject)"' <<<"$output")" "qdisc nt0"
	jq -r '.left_alone[0].reason' <<<"$output" |
		grep -q 'left alone: this kernel has none of nosuchqdisc, nosuchtoo'

	run nt apply "$T/q.conf" --yes --state-dir "$D"
	assert_success
	assert_equal "$(nt_in "$NS" tc -d qdisc show)" "$before"
}

@test "[congestion] qdisc on the host: a kind the kernel lacks is never planned" {
	# read only: recommend on the host's namespace, which has the key
	printf '[congestion]\nqdisc = nosuchqdisc\n' >"$T/c.conf"
	run "$NETTUNE" recommend "$T/c.conf" --json
	assert_success
	refute_output --partial '"target":"nosuchqdisc"'
	assert_equal "$(jq -r '.left_alone[0].subject' <<<"$output")" net.core.default_qdisc
}

@test "[congestion] algorithm falls back to one the kernel has" {
	local cur other=""
	cur=$(sc net.ipv4.tcp_congestion_control)
	for a in $(sc net.ipv4.tcp_allowed_congestion_control); do
		[ "$a" != "$cur" ] && other=$a && break
	done
	[ -n "$other" ] || skip "one congestion control only"
	printf '[congestion]\nalgorithm = nosuchcc, %s\n' "$other" >"$T/c.conf"
	run nt recommend "$T/c.conf"
	assert_success
	assert_line --regexp "^sysctl +net\.ipv4\.tcp_congestion_control +$cur +$other "
}

@test "a sysctl read-only in this namespace is left alone with the note; apply exits 0" {
	mode=$(nt_in "$NS" stat -c %a /proc/sys/net/core/rmem_max)
	[ "$mode" = 444 ] || skip "net.core.rmem_max is writable in a namespace here ($mode)"
	rmem=$(sc net.core.rmem_max)
	somax=$(sc net.core.somaxconn)
	printf '[sysctl]\nnet.core.rmem_max = %s\nnet.core.somaxconn = %s\n' \
		$((rmem + 4096)) $((somax + 1)) >"$T/s.conf"

	run nt recommend "$T/s.conf"
	assert_success
	assert_line --regexp "^sysctl +net\.core\.somaxconn +$somax +$((somax + 1)) "
	assert_line --regexp "^sysctl +net\.core\.rmem_max +$rmem +$((rmem + 4096)) .*left alone: read-only in this network namespace, set from the host's namespace$"

	run nt apply "$T/s.conf" --yes --state-dir "$D"
	assert_success
	assert_line --regexp '^applied 1, '
	assert_equal "$(sc net.core.rmem_max)" "$rmem"
	assert_equal "$(sc net.core.somaxconn)" $((somax + 1))
	run nt verify "$T/s.conf" --state-dir "$D"
	assert_success
	run nt rollback --state-dir "$D"
	assert_success
	assert_equal "$(sc net.core.somaxconn)" "$somax"
}

@test "a snapshot carries what the kernel has and the read-only sysctls" {
	run nt snapshot save "$T/snap.json"
	assert_success
	jq -e '.kernel_has.qdiscs | index("pfifo_fast")' "$T/snap.json" >/dev/null
	jq -e '.kernel_has | has("modules")' "$T/snap.json" >/dev/null
	if [ "$(nt_in "$NS" stat -c %a /proc/sys/net/core/rmem_max)" = 444 ]; then
		jq -e '.sysctls_read_only | index("net.core.rmem_max")' \
			"$T/snap.json" >/dev/null
	fi
	run "$NETTUNE" snapshot show "$T/snap.json"
	assert_success
}

@test "in a namespace, an algorithm the host does not allow is passed over" {
	local cur banned="" ok=""
	cur=$(sc net.ipv4.tcp_congestion_control)
	for a in $(sc net.ipv4.tcp_available_congestion_control); do
		if ! grep -qw "$a" <<<"$(sc net.ipv4.tcp_allowed_congestion_control)"; then
			banned=$a
		elif [ "$a" != "$cur" ]; then
			ok=$a
		fi
	done
	[ -n "$banned" ] && [ -n "$ok" ] ||
		skip "needs an available algorithm the namespace may not pick"
	# the kernel itself refuses it here
	run nt_in "$NS" sysctl -w net.ipv4.tcp_congestion_control="$banned"
	assert_failure
	printf '[congestion]\nalgorithm = %s, %s\n' "$banned" "$ok" >"$T/c.conf"
	run nt recommend "$T/c.conf"
	assert_success
	assert_line --regexp "^sysctl +net\.ipv4\.tcp_congestion_control +$cur +$ok "
	run nt apply "$T/c.conf" --yes --state-dir "$D"
	assert_success
	assert_equal "$(sc net.ipv4.tcp_congestion_control)" "$ok"
}
