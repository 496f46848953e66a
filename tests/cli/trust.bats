#!/usr/bin/env bats
# Trust boundaries (nettune(8), FILES THAT STEER APPLY and STATE): files
# that steer a privileged apply are refused when anyone but root or the
# invoking user could have written them; the state directory must be
# nettune's own.  Real files with real owners and modes, made by the test;
# every refusal is one line naming the file, exit 3, and the namespace's
# kernel values left as they were.

bats_require_minimum_version 1.5.0

load helpers

setup() {
	NS="$(nt_ns_name)-$BATS_TEST_NUMBER"
	nt_ns_create "$NS"
	T=$BATS_TEST_TMPDIR
	D=$T/state
	unset NETTUNE_TRUST_ANY
	BEFORE=$(sc net.core.somaxconn)
	# above the current value: a sysctl below it may be left alone as a bound
	SOMAX=$((BEFORE + 1))
}

teardown() {
	nt_ns_destroy "$NS"
}

# profile FILE: a profile that changes somaxconn in the namespace
profile() {
	mkdir -p "$(dirname "$1")"
	printf '[sysctl]\nnet.core.somaxconn = %s\n' "$SOMAX" >"$1"
}

# journals: how many applies the state directory records
journals() {
	find "$D/journal" -name '*.json' ! -name '*.plan.json' 2>/dev/null |
		wc -l
}

# refused WHAT REGEX...: apply of WHAT (with the options in $OPTS) exits 3
# with one line on stderr matching every REGEX, prints nothing else (but
# the plan, with $PLANNED set: the state directory is checked after
# planning) and changes nothing.
refused() {
	local what=$1 re n
	shift
	n=$(journals)
	# shellcheck disable=SC2086
	run --separate-stderr nt apply "$what" --yes --state-dir "$D" $OPTS
	assert_failure 3
	if [ -z "${PLANNED:-}" ]; then
		assert_equal "$output" ""
	else
		refute_regex "$output" 'applied'
	fi
	assert_equal "${#stderr_lines[@]}" 1
	for re in "$@"; do
		assert_regex "$stderr" "$re"
	done
	assert_equal "$(sc net.core.somaxconn)" "$BEFORE"
	assert_equal "$(journals)" "$n"
}

# applied WHAT: apply of WHAT (and $OPTS) works, then it is rolled back
applied() {
	# shellcheck disable=SC2086
	run --separate-stderr nt apply "$1" --yes --state-dir "$D" $OPTS
	assert_success
	assert_equal "$(sc net.core.somaxconn)" "$SOMAX"
	run nt rollback --state-dir "$D"
	assert_success
	assert_equal "$(sc net.core.somaxconn)" "$BEFORE"
}

re() {
	printf '%s' "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g'
}

# ---- files that steer apply ------------------------------------------------

@test "the issue's case: a profile of nobody, mode 0666, in a 0777 directory is refused" {
	profile "$T/x/evil.conf"
	chown nobody "$T/x/evil.conf"
	chmod 0666 "$T/x/evil.conf"
	chmod 0777 "$T/x"
	refused "$T/x/evil.conf" "^nettune: $(re "$T/x/evil.conf"): not trusted: " \
		'owned by nobody' 'mode 0666' "chown root '$(re "$T/x/evil.conf")'" \
		'chmod go-w'
}

@test "a profile of root that group or others can write is refused" {
	profile "$T/p/w.conf"
	chmod 0646 "$T/p/w.conf"
	refused "$T/p/w.conf" "^nettune: $(re "$T/p/w.conf"): " 'owned by root' \
		'mode 0646' "chmod go-w '$(re "$T/p/w.conf")'"
	chmod 0664 "$T/p/w.conf"
	refused "$T/p/w.conf" "^nettune: $(re "$T/p/w.conf"): " 'mode 0664'
	# the same file, made safe, applies: the mode was the reason
	chmod 0644 "$T/p/w.conf"
	applied "$T/p/w.conf"
}

@test "a safe profile in a directory others can write is refused, naming both" {
	profile "$T/x/p.conf"
	chmod 0777 "$T/x"
	refused "$T/x/p.conf" "^nettune: $(re "$T/x/p.conf"): not trusted: its directory $(re "$T/x") is owned by root with mode 0777" \
		"chmod go-w '$(re "$T/x")'"
}

@test "a directory further up owned by another user is refused" {
	profile "$T/a/b/p.conf"
	chown nobody "$T/a"
	refused "$T/a/b/p.conf" "^nettune: $(re "$T/a/b/p.conf"): " \
		"its directory $(re "$T/a") is owned by nobody with mode 0755" \
		"chown root '$(re "$T/a")'"
}

@test "a sticky shared directory is fine for a file of ours, not for another user's" {
	mkdir "$T/s"
	chmod 1777 "$T/s"
	profile "$T/s/mine.conf"
	applied "$T/s/mine.conf"
	profile "$T/s/theirs.conf"
	chown nobody "$T/s/theirs.conf"
	refused "$T/s/theirs.conf" "^nettune: $(re "$T/s/theirs.conf"): " \
		'owned by nobody with mode 0644'
}

@test "an include others can write is refused, naming the include" {
	profile "$T/p/inc.conf"
	printf '[main]\ninclude = ./inc.conf\n' >"$T/p/top.conf"
	chmod 0666 "$T/p/inc.conf"
	refused "$T/p/top.conf" "^nettune: $(re "$T/p/")(\./)?inc\.conf: " \
		'mode 0666'
}

@test "a plan file others can write is refused" {
	profile "$T/p/p.conf"
	run nt recommend "$T/p/p.conf" -o "$T/p/plan.json"
	assert_success
	chmod 0666 "$T/p/plan.json"
	refused "$T/p/plan.json" "^nettune: $(re "$T/p/plan.json"): " 'mode 0666'
	chown nobody "$T/p/plan.json"
	chmod 0644 "$T/p/plan.json"
	refused "$T/p/plan.json" "^nettune: $(re "$T/p/plan.json"): " 'owned by nobody'
	chown root "$T/p/plan.json"
	applied "$T/p/plan.json"
}

@test "a profile directory searched that others can write is refused" {
	profile "$T/pd/mine.conf"
	chmod 0777 "$T/pd"
	OPTS="--profile-dir $T/pd" refused mine \
		"^nettune: $(re "$T/pd"): not trusted: owned by root with mode 0777"
	# searched before the shipped one: a name found later is refused too,
	# anyone could have put a file of that name in front of it
	OPTS="--profile-dir $T/pd" refused balanced \
		"^nettune: $(re "$T/pd"): not trusted"
	# even sticky: anyone could still add a file to it
	chmod 1777 "$T/pd"
	OPTS="--profile-dir $T/pd" refused mine 'mode 1777'
	# made safe, it is searched and used
	chmod 0755 "$T/pd"
	OPTS="--profile-dir $T/pd" applied mine
}

@test "recommend, profile show and verify of an untrusted profile warn and run" {
	profile "$T/x/evil.conf"
	chown nobody "$T/x/evil.conf"
	run --separate-stderr nt recommend "$T/x/evil.conf"
	assert_success
	assert_regex "$output" "net\.core\.somaxconn +$BEFORE +$SOMAX"
	assert_equal "${#stderr_lines[@]}" 1
	assert_regex "$stderr" "^nettune: warning: $(re "$T/x/evil.conf"): not trusted: owned by nobody"
	assert_regex "$stderr" 'apply refuses it'
	run --separate-stderr nt profile show "$T/x/evil.conf"
	assert_success
	assert_regex "$output" "net\.core\.somaxconn = $SOMAX"
	assert_regex "$stderr" "^nettune: warning: $(re "$T/x/evil.conf")"
	run --separate-stderr nt verify "$T/x/evil.conf" --state-dir "$D"
	assert_failure 1
	assert_regex "$stderr" "^nettune: warning: $(re "$T/x/evil.conf")"
	assert_equal "$(sc net.core.somaxconn)" "$BEFORE"
}

@test "NETTUNE_TRUST_ANY=1 applies with a warning; unset or any other value is strict" {
	profile "$T/x/evil.conf"
	chown nobody "$T/x/evil.conf"
	refused "$T/x/evil.conf" 'owned by nobody'
	NETTUNE_TRUST_ANY=yes refused "$T/x/evil.conf" 'owned by nobody'
	NETTUNE_TRUST_ANY=0 refused "$T/x/evil.conf" 'owned by nobody'
	run --separate-stderr env NETTUNE_TRUST_ANY=1 ip netns exec "$NS" \
		"$NETTUNE" apply "$T/x/evil.conf" --yes --state-dir "$D"
	assert_success
	assert_regex "$stderr" "^nettune: warning: $(re "$T/x/evil.conf"): not trusted: owned by nobody"
	assert_regex "$stderr" 'NETTUNE_TRUST_ANY=1'
	assert_equal "$(sc net.core.somaxconn)" "$SOMAX"
	run nt rollback --state-dir "$D"
	assert_success
	assert_equal "$(sc net.core.somaxconn)" "$BEFORE"
}

# ---- the state directory and what nettune writes -----------------------------

@test "a new state directory, journal, plan and lock are nettune's alone" {
	profile "$T/p/p.conf"
	applied "$T/p/p.conf"
	assert_equal "$(stat -c %a "$D")" 700
	assert_equal "$(stat -c %a "$D/journal")" 700
	assert_equal "$(stat -c %a "$D/lock")" 600
	for f in "$D"/journal/*.json; do
		case $f in
		*.plan.json)	refute_regex "$(stat -c '%U %A' "$f")" '^root .{5}w|w.$' ;;
		*)		assert_equal "$(stat -c '%U %a' "$f")" "root 600" ;;
		esac
	done
}

@test "a state directory that is a symlink, another user's, or writable by others is refused" {
	profile "$T/p/p.conf"
	mkdir "$T/real"
	ln -s "$T/real" "$D"
	PLANNED=1
	refused "$T/p/p.conf" "^nettune: $(re "$D"): is a symbolic link" '--state-dir'
	[ -z "$(ls "$T/real")" ]
	rm "$D"
	mkdir -m 0700 "$D"
	chown nobody "$D"
	refused "$T/p/p.conf" "^nettune: $(re "$D"): owned by nobody with mode 0700" \
		"chown root"
	chown root "$D"
	chmod 0777 "$D"
	refused "$T/p/p.conf" "^nettune: $(re "$D"): owned by root with mode 0777" \
		"chmod 0700 '$(re "$D")'"
	# its journal directory alike
	chmod 0700 "$D"
	mkdir -m 0777 "$D/journal"
	chmod 0777 "$D/journal"
	refused "$T/p/p.conf" "^nettune: $(re "$D/journal"): owned by root with mode 0777"
}

@test "a symlink planted as the lock is not followed" {
	profile "$T/p/p.conf"
	mkdir -m 0700 "$D"
	echo untouched >"$T/victim"
	ln -s "$T/victim" "$D/lock"
	PLANNED=1 refused "$T/p/p.conf" "^nettune: $(re "$D/lock"): cannot open the lock"
	assert_equal "$(cat "$T/victim")" untouched
}

@test "apply --persist writes through a new temp file: a planted symlink is not followed" {
	profile "$T/p/p.conf"
	mkdir -p "$T/etc/sysctl.d"
	echo untouched >"$T/victim"
	ln -s "$T/victim" "$T/etc/sysctl.d/90-nettune.conf.tmp"
	run --separate-stderr env NETTUNE_SYSCONFDIR="$T/etc" ip netns exec "$NS" \
		"$NETTUNE" apply "$T/p/p.conf" --yes --persist --state-dir "$D"
	assert_success
	assert_equal "$(cat "$T/victim")" untouched
	grep -qx "net.core.somaxconn = $SOMAX" "$T/etc/sysctl.d/90-nettune.conf"
	[ ! -L "$T/etc/sysctl.d/90-nettune.conf" ]
	[ ! -e "$T/etc/sysctl.d/90-nettune.conf.tmp" ]
	run nt rollback --state-dir "$D"
	assert_success
	assert_equal "$(sc net.core.somaxconn)" "$BEFORE"
}
