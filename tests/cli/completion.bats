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
	for verb in show snapshot; do
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

@test "the man page is lint clean" {
	run mandoc -T lint -W warning "$BATS_TEST_DIRNAME/../../man/nettune.8"
	assert_success
	assert_output ""
}
