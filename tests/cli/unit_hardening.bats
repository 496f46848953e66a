#!/usr/bin/env bats
# The shipped boot unit (contrib/nettune.service.in) runs with least
# privilege (nettune(8), PRIVILEGES): systemd-analyze rates it, and its own
# ExecStart still works under its own CapabilityBoundingSet, read from the
# unit file so the two cannot drift apart, and fails with one clear line
# with one capability fewer.  Where systemd is not PID 1 (containers, this
# lab) the limits are set with setpriv; where it is, with systemd-run too.

bats_require_minimum_version 1.5.0

load helpers

UNIT_IN=$BATS_TEST_DIRNAME/../../contrib/nettune.service.in

setup() {
	NS="$(nt_ns_name)-$BATS_TEST_NUMBER"
	nt_ns_create "$NS"
	T=$BATS_TEST_TMPDIR
	D=$T/state
	BEFORE=$(nt_in "$NS" sysctl -n net.core.somaxconn)
	# above the current value: a sysctl below it may be left alone as a bound
	SOMAX=$((BEFORE + 1))
	printf '[sysctl]\nnet.core.somaxconn = %s\n' "$SOMAX" >"$T/boot.conf"
	# what 'apply --persist' records for the unit
	echo "$T/boot.conf" >"$T/active"
}

teardown() {
	nt_ns_destroy "$NS"
}

# unit_value KEY: the values of KEY= in the unit's [Service], one per line
unit_value() {
	sed -n "/^\[Service\]/,/^\[/s/^$1=//p" "$UNIT_IN"
}

# The unit's capabilities as setpriv names them: "net_admin,..." ("" none)
unit_caps() {
	unit_value CapabilityBoundingSet | tr ' ' '\n' | sed -n 's/^CAP_//p' |
		tr 'A-Z' 'a-z' | paste -sd, -
}

# setpriv_caps CAPS: setpriv's bounding set "-all,+a,+b" for CAPS "a,b"
setpriv_caps() {
	local c out=-all
	for c in ${1//,/ }; do
		out="$out,+$c"
	done
	echo "$out"
}

# exec_start: the unit's ExecStart, as words in the array CMD, with this
# build's binary and this test's "active" file in place of the installed
# ones
exec_start() {
	local line
	line=$(unit_value ExecStart)
	line=${line//@SBINDIR@\/nettune/$NETTUNE}
	line=${line//\/etc\/nettune\/active/$T/active}
	eval "CMD=($line)"
}

# under_unit_limits CAPS: the unit's command inside the namespace, as
# root with bounding set CAPS only, no new privileges, the unit's UMask
under_unit_limits() {
	local umask
	umask=$(unit_value UMask)
	exec_start
	run --separate-stderr ip netns exec "$NS" env NETTUNE_STATE_DIR="$D" \
		setpriv --bounding-set="$(setpriv_caps "$1")" --inh-caps=-all \
		--no-new-privs sh -c 'umask "$1"; shift; exec "$@"' sh "$umask" \
		"${CMD[@]}"
}

@test "systemd-analyze rates the boot unit 5.0 or better (make check)" {
	command -v systemd-analyze >/dev/null ||
		skip "needs systemd-analyze (the systemd package; make deps)"
	sed 's|@SBINDIR@|/usr/local/sbin|' "$UNIT_IN" >"$T/nettune.service"
	run systemd-analyze security --offline=yes --no-pager "$T/nettune.service"
	score=$(sed -n 's/.*Overall exposure level for nettune.service: \([0-9.]*\).*/\1/p' <<<"$output")
	[ -n "$score" ] || fail "no exposure level in: $output"
	echo "# exposure $score" >&3
	awk -v s="$score" 'BEGIN { exit !(s <= 5.0) }' ||
		fail "nettune.service exposure $score is above 5.0"
}

@test "the boot unit is confined as nettune(8) says" {
	assert_equal "$(unit_caps)" net_admin
	assert_equal "$(unit_value NoNewPrivileges)" yes
	assert_equal "$(unit_value ProtectSystem)" strict
	assert_equal "$(unit_value ReadWritePaths)" /var/lib/nettune
	assert_equal "$(unit_value ProtectHome)" yes
	assert_equal "$(unit_value PrivateTmp)" yes
	assert_equal "$(unit_value UMask)" 0077
	assert_equal "$(unit_value RestrictAddressFamilies)" \
		"AF_NETLINK AF_UNIX AF_INET AF_INET6"
	unit_value SystemCallFilter | grep -qx @system-service
	# kernel tunables are what apply writes: they must stay writable
	assert_equal "$(unit_value ProtectKernelTunables)" ""
	# the man page's table names the same capability set for apply
	grep -q 'CAP_NET_ADMIN' "$BATS_TEST_DIRNAME/../../man/nettune.8"
}

@test "the unit's command applies under exactly the unit's capabilities" {
	command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
	under_unit_limits "$(unit_caps)"
	assert_success
	assert_regex "$output" 'applied 1, skipped 0'
	assert_equal "$(nt_in "$NS" sysctl -n net.core.somaxconn)" "$SOMAX"
	# the unit's UMask: what it writes is nettune's alone
	for f in "$D"/journal/*.json; do
		assert_equal "$(stat -c %a "$f")" 600
	done
	run nt_in "$NS" "$NETTUNE" rollback --state-dir "$D"
	assert_success
	assert_equal "$(nt_in "$NS" sysctl -n net.core.somaxconn)" "$BEFORE"
}

@test "with one capability fewer the unit's command fails with one clear line" {
	command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
	local caps c fewer
	caps=$(unit_caps)
	for c in ${caps//,/ }; do
		fewer=$(tr ',' '\n' <<<"$caps" | grep -vx "$c" | paste -sd, -)
		under_unit_limits "$fewer"
		assert_failure 3
		assert_equal "${#stderr_lines[@]}" 1
		assert_regex "$stderr" "^nettune: apply: needs CAP_${c^^}"
		assert_equal "$(nt_in "$NS" sysctl -n net.core.somaxconn)" "$BEFORE"
		[ ! -e "$D/journal" ] || [ -z "$(ls "$D/journal")" ]
	done
}

@test "under systemd (PID 1): the unit's command in a transient unit with its properties" {
	[ "$(ps -p 1 -o comm=)" = systemd ] ||
		skip "systemd is not PID 1 here; the setpriv tests above cover it"
	command -v systemd-run >/dev/null || skip "needs systemd-run"
	local props=() line
	while IFS= read -r line; do
		case $line in
		ExecStart=* | Type=* | RemainAfterExit=* | StateDirectory* | '#'* | '')
			;;
		# the test's files live in its own directory, not under /tmp's
		# private copy or the real state directory
		PrivateTmp=* | ReadWritePaths=*)
			;;
		*)	props+=(-p "$line") ;;
		esac
	done < <(sed -n '/^\[Service\]/,/^\[/{/^\[/d;p}' "$UNIT_IN")
	exec_start
	run --separate-stderr systemd-run --wait --pipe --quiet \
		-p NetworkNamespacePath="/run/netns/$NS" \
		-p ReadWritePaths="$T" -p Environment=NETTUNE_STATE_DIR="$D" \
		"${props[@]}" "${CMD[@]}"
	assert_success
	assert_equal "$(nt_in "$NS" sysctl -n net.core.somaxconn)" "$SOMAX"
	run nt_in "$NS" "$NETTUNE" rollback --state-dir "$D"
	assert_success
}
