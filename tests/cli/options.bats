#!/usr/bin/env bats
# Option errors of every verb go through one helper (nt_getopt in
# cmd/nettune/common.c): an unknown option, a missing value, a value for an
# option that takes none and a bad value are one line on stderr that names
# the option and points at the verb's --help, exit 3, nothing on stdout
# and nothing changed.  One test per verb; each table row is
# "EXPECTED-TEXT | ARGUMENTS".

bats_require_minimum_version 1.5.0

load helpers

setup() {
	# journals and locks of the tuning verbs stay in the test's directory
	export NETTUNE_STATE_DIR=$BATS_TEST_TMPDIR/state
}

# refuses VERB EXPECTED ARGS...: `nettune ARGS` fails as a usage error of
# VERB whose one line contains EXPECTED
refuses() {
	local verb=$1 expected=$2
	shift 2
	run --separate-stderr "$NETTUNE" "$@"
	[ "$status" -eq 3 ] || fail "nettune $*: status $status, stderr: $stderr"
	assert_equal "$output" ""
	[ "$(wc -l <<<"$stderr")" -eq 1 ] || fail "nettune $*: not one line: $stderr"
	[[ $stderr == "nettune: $verb: "*"; see 'nettune $verb --help'" ]] ||
		fail "nettune $*: $stderr"
	[[ $stderr == *"$expected"* ]] || fail "nettune $*: '$expected' not in: $stderr"
}

# table VERB <<< ROWS: refuses VERB for every "EXPECTED | ARGS" row
table() {
	local verb=$1 expected args
	while IFS='|' read -r expected args; do
		[ -n "$expected" ] || continue
		expected=${expected% }
		# shellcheck disable=SC2086
		eval "refuses \"\$verb\" \"\$expected\" $args"
	done
}

# helps VERB [ARGS...]: --help of VERB prints its usage, exit 0
helps() {
	run --separate-stderr "$NETTUNE" "$@" --help
	assert_success
	assert_line --partial "Usage: nettune $1"
	assert_equal "$stderr" ""
}

@test "audit: unknown option, missing value, bad value name the option" {
	table audit <<-'EOF'
	unknown option '--frob' | audit --frob
	unknown option '--frob' | audit --frob=3
	unknown option '-Q' | audit -Q
	unknown option '-Q' | audit -jQ
	option '--interval' needs a value | audit --interval
	option '-i' needs a value | audit -i
	option '--json' takes no value | audit --json=yes
	--interval abc | audit --interval abc
	--color=pink | audit --color=pink
	EOF
	helps audit
}

@test "show: unknown option, missing value name the option" {
	table show <<-'EOF'
	unknown option '--frob' | show --frob
	unknown option '-Q' | show -Q
	unknown option '-Q' | show -jQ
	option '--root' needs a value | show --root
	option '-f' needs a value | show -f
	option '--json' takes no value | show --json=1
	EOF
	helps show
}

@test "snapshot save and show: unknown option, missing value; no file written" {
	local f=$BATS_TEST_TMPDIR/s.json
	table snapshot <<-EOF
	unknown option '--frob' | snapshot save $f --frob
	unknown option '--frob' | snapshot show $f --frob
	unknown option '-S' | snapshot save $f -S
	option '--root' needs a value | snapshot save $f --root
	option '--no-driver-stats' takes no value | snapshot save $f --no-driver-stats=1
	EOF
	[ ! -e "$f" ] || fail "a refused snapshot save wrote $f"
	helps snapshot
}

@test "recommend: unknown option, missing value name the option" {
	table recommend <<-'EOF'
	unknown option '--frob' | recommend throughput --frob
	unknown option '-Q' | recommend -Q throughput
	option '--output' needs a value | recommend throughput --output
	option '--iface' needs a value | recommend throughput --iface
	EOF
	helps recommend
}

@test "apply: unknown option, missing value, bad value; nothing applied" {
	table apply <<-'EOF'
	unknown option '--frob' | apply no-such-profile --frob
	unknown option '-Q' | apply -nQ no-such-profile
	option '--irqbalance' needs a value | apply no-such-profile --irqbalance
	option '--state-dir' needs a value | apply no-such-profile --state-dir
	option '--yes' takes no value | apply no-such-profile --yes=1
	--irqbalance | apply no-such-profile --irqbalance maybe
	EOF
	[ ! -e "$NETTUNE_STATE_DIR" ] || fail "a refused apply left $NETTUNE_STATE_DIR"
	helps apply
}

@test "verify: unknown option, missing value name the option" {
	table verify <<-'EOF'
	unknown option '--frob' | verify --frob
	unknown option '-Q' | verify -Q
	option '--state-dir' needs a value | verify --state-dir
	option '--profile-dir' needs a value | verify --profile-dir
	EOF
	helps verify
}

@test "rollback: unknown option, missing value name the option" {
	table rollback <<-'EOF'
	unknown option '--frob' | rollback --frob
	unknown option '-Q' | rollback -Q
	option '--state-dir' needs a value | rollback --state-dir
	EOF
	helps rollback
}

@test "history: unknown option, missing value name the option" {
	table history <<-'EOF'
	unknown option '--frob' | history --frob
	unknown option '-Q' | history -jQ
	option '--state-dir' needs a value | history --state-dir
	EOF
	helps history
}

@test "profile list and show: unknown option, missing value name the option" {
	table profile <<-'EOF'
	unknown option '--frob' | profile list --frob
	unknown option '--frob' | profile show throughput --frob
	unknown option '-Q' | profile -Q list
	option '--profile-dir' needs a value | profile list --profile-dir
	EOF
	helps profile
}

@test "top: unknown option, missing value, ambiguous abbreviation, bad value" {
	table top <<-'EOF'
	unknown option '--frob' | top -b --frob
	unknown option '-Q' | top -bQ
	option '--delay' needs a value | top -b --delay
	option '-n' needs a value | top -b -n
	option '--step' takes no value | top --step=1
	option '--s' is ambiguous | top -b --s drops
	-d abc | top -b -d abc
	--sort size | top -b --sort size
	EOF
	helps top
}

@test "drops: unknown option, missing value name the option" {
	table drops <<-'EOF2'
	unknown option '--frob' | drops --frob
	option '--interval' needs a value | drops --interval
	EOF2
	helps drops
}

@test "every verb of 'nettune --help' names an unknown option, exit 3" {
	run "$NETTUNE" --help
	assert_success
	verbs=$(sed -n '/^Verbs:/,/^$/s/^  \([a-z]*\) .*/\1/p' <<<"$output")
	[ "$(wc -w <<<"$verbs")" -ge 10 ] || fail "verbs: $verbs"
	for verb in $verbs; do
		refuses "$verb" "unknown option '--frob'" "$verb" --frob
		refuses "$verb" "unknown option '-Q'" "$verb" -Q
		helps "$verb"
	done
}
