#!/bin/sh
# Run every unit test (cmocka, TAP output) and every CLI test (bats, real
# kernel, needs root for network namespaces), then print one closing line
# "N passed, N failed".  Exit status 1 when anything failed.
set -u
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 3
export NT_FIXTURES="$top/tests/fixtures"
export NETTUNE="$top/$BUILD/nettune"
export CMOCKA_MESSAGE_OUTPUT=TAP
log=$(mktemp)
trap 'rm -f "$log"' EXIT

status=0
# ASAN_UNIT=DIR: the unit tests of a sanitizer build too (make check)
units="$BUILD"
[ -n "${ASAN_UNIT:-}" ] && [ "$ASAN_UNIT" != "$BUILD" ] && units="$units $ASAN_UNIT"
for dir in $units; do
	for t in "$dir"/tests/test_*; do
		[ -x "$t" ] || continue
		echo "# unit: $t"
		"$t" 2>&1 | tee -a "$log" || status=1
	done
done

if [ "$(id -u)" -ne 0 ]; then
	echo "not ok - CLI tests need root (they create network namespaces); run make check as root" | tee -a "$log"
else
	bats --tap tests/cli 2>&1 | tee -a "$log" || status=1
fi

# The fuzz harnesses (tests/fuzz/, built by make check): each one a few
# seconds (FUZZ_CHECK_SECONDS, default 2) and every kept crash input.
if ls build-fuzz/fuzz_* >/dev/null 2>&1; then
	FUZZ_SECONDS=${FUZZ_CHECK_SECONDS:-2} sh tests/fuzz/run.sh 2>&1 |
		tee -a "$log" || status=1
else
	echo "# SKIPPED: fuzz harnesses not built (make fuzz-build)" | tee -a "$log"
fi

# The VM lab (tests/vm/): real NIC drivers in QEMU guests, when QEMU and
# Debian's kernel are installed or can be; a visible skip when not.
if vm_skip=$(sh tests/vm/run.sh --check-deps); then
	sh tests/vm/run.sh 2>&1 | tee -a "$log" || status=1
else
	echo "# SKIPPED: VM lab: $vm_skip" | tee -a "$log"
fi

passed=$(grep -c '^ok ' "$log")
failed=$(grep -c '^not ok' "$log")
[ "$failed" -eq 0 ] || status=1
[ "$passed" -gt 0 ] || status=1
echo "$passed passed, $failed failed"
exit $status
