#!/usr/bin/env bats
# Interface churn (the short form of bench/churn.sh): veth pairs created,
# brought up and deleted in a namespace while top and audit run against it
# under valgrind memcheck (or ASan in the sanitizer build).

load helpers

@test "churn: 100 veth pairs come and go under top and audit: no crash, no memory error, no leak" {
	command -v valgrind >/dev/null || ldd "$NETTUNE" | grep -q libasan ||
		fail "valgrind is missing (make deps installs it)"
	run bash "$BATS_TEST_DIRNAME/../../bench/churn.sh" -c 100 -p 0.05 -b "$NETTUNE"
	assert_success
	assert_output --regexp 'churn: 100 cycles .* top [1-9][0-9]* frames \(status 0\), [1-9][0-9]* audits \(0 could not run\), 0 errors, 0 bytes definitely lost'
}
