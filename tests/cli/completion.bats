#!/usr/bin/env bats
# The bash completion offers verbs, options and interface names.

load helpers

complete_words() {
	# complete_words WORD...: what the completion offers for the last word
	bash -c '
		source /usr/share/bash-completion/bash_completion
		source "$0"
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="${COMP_WORDS[*]}"
		COMP_POINT=${#COMP_LINE}
		_nettune
		printf "%s\n" "${COMPREPLY[@]}"
	' "$BATS_TEST_DIRNAME/../../completions/nettune.bash" "$@"
}

@test "completes verbs" {
	run complete_words nettune ""
	assert_success
	assert_line show
	assert_line snapshot
	assert_line audit
}

@test "completes audit options and --color values" {
	run complete_words nettune audit --
	assert_line --interval
	assert_line --prometheus
	assert_line --from
	run complete_words nettune audit --color ""
	assert_line auto
	assert_line never
}

@test "completes profile names for recommend, apply and profile show" {
	# the completion calls nettune from PATH, as an installed one would be
	PATH="$(dirname "$NETTUNE"):$PATH" run complete_words nettune recommend ""
	assert_line balanced
	assert_line throughput
	assert_line many-connections
	PATH="$(dirname "$NETTUNE"):$PATH" run complete_words nettune profile show l
	assert_line latency
	run complete_words nettune apply --irqbalance ""
	assert_line ban
	run complete_words nettune profile ""
	assert_line list
	assert_line show
}

@test "completes show options and interface names" {
	run complete_words nettune show --
	assert_line --json
	assert_line --root
	assert_line --from
	run complete_words nettune show l
	assert_line lo
}

@test "completes snapshot actions and options" {
	run complete_words nettune snapshot ""
	assert_line save
	assert_line show
	run complete_words nettune snapshot save --no
	assert_line --no-driver-stats
}

@test "every long option in --help is completed, and the man page names it" {
	for verb in show snapshot audit recommend apply verify rollback history profile top; do
		opts=$("$NETTUNE" "$verb" --help |
			grep -oE -- '^ +(-[a-zA-Z], )?--[a-z-]+' | grep -oE -- '--[a-z-]+' | sort -u)
		[ -n "$opts" ] || fail "no options found in $verb --help"
		offered=$(complete_words nettune "$verb" --)
		for o in $opts; do
			grep -qx -- "$o" <<<"$offered" || fail "$verb $o not completed"
			sed 's/\\//g' "$BATS_TEST_DIRNAME/../../man/nettune.8" |
				grep -q -- "$o" || fail "$o not in nettune.8"
		done
	done
}

@test "every man page is lint clean" {
	run mandoc -T lint -W warning "$BATS_TEST_DIRNAME"/../../man/*.[0-9]
	assert_success
	assert_output ""
	for page in nettune.8 nettune-checks.7 nettune-profile.5; do
		[ -f "$BATS_TEST_DIRNAME/../../man/$page" ] || fail "man/$page missing"
	done
}

@test "every finding id the checks emit is documented in nettune-checks.7" {
	top=$BATS_TEST_DIRNAME/../..
	ids=$(grep -ho '"\(softnet\|nic\|irq\|rps\|qdisc\|tcp\|udp\|conntrack\|config\|drops\)\.[a-z_]*"' \
		"$top"/lib/audit/check_*.c "$top"/lib/audit/reasons.c | tr -d '"' | grep -vxE 'irq\.affinity|rps\.(cpus|flow_cnt)' | sort -u)
	[ -n "$ids" ] || fail "no finding ids found in lib/audit"
	for id in $ids; do
		grep -qx "\.SS $id" "$top/man/nettune-checks.7" || fail "$id not in nettune-checks.7"
	done
}

@test "completes top options, sort keys and recording files" {
	run complete_words nettune top --
	assert_line --replay
	assert_line --record
	assert_line --hide-idle
	run complete_words nettune top --sort ""
	assert_line drops
	assert_line traffic
	assert_line name
}

@test "completes drops options, and interface names after -i" {
	run complete_words nettune drops --
	assert_line --all-netns
	assert_line --interval
	assert_line --ready-fd
	run complete_words nettune drops -i ""
	assert_line lo
	run complete_words nettune ""
	assert_line drops
}
