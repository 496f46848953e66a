#!/usr/bin/env bats
# --root: a captured procfs/sysfs tree read like the live host; what only
# netlink knows stays unknown and is never taken from the host we run on.

load helpers

setup_file() {
	export NS=$(nt_ns_name)
	nt_ns_create "$NS"
	nt_in "$NS" sh -c 'echo 3 > /sys/class/net/nt0/queues/rx-0/rps_cpus'
	nt_in "$NS" sysctl -qw net.core.somaxconn=555
	export CAP=$(mktemp -d)
	nt_in "$NS" sh "$BATS_TEST_DIRNAME/../../tools/capture-root.sh" "$CAP"
}

teardown_file() {
	nt_ns_destroy "$NS"
	rm -rf "$CAP"
}

@test "--root reads the captured tree, not the host" {
	run "$NETTUNE" show --json --root "$CAP"
	assert_success
	names=$(jq -r '[.interfaces[].name] | sort | join(" ")' <<<"$output")
	assert_equal "$names" "lo nt0 nt1"
	assert_equal "$(jq -r '.sysctls["net.core.somaxconn"]' <<<"$output")" 555
	assert_equal "$(jq -r '.interfaces[] | select(.name=="nt0") | .queues.rx[0].rps_cpus' <<<"$output")" 0-1
	assert_equal "$(jq -r '.sources | index("netlink")' <<<"$output")" null
	assert_equal "$(jq -r '.root' <<<"$output")" "$(realpath "$CAP")"
}

@test "--root leaves netlink facts unknown: keys absent, text says so" {
	run "$NETTUNE" show --json --root "$CAP" nt0
	assert_success
	assert_equal "$(jq -r '.interfaces[0] | has("rings")' <<<"$output")" false
	assert_equal "$(jq -r '.interfaces[0] | has("channels")' <<<"$output")" false
	assert_equal "$(jq -r '.interfaces[0] | has("stats")' <<<"$output")" false
	assert_equal "$(jq -r '.interfaces[0].mtu' <<<"$output")" 1500
	run "$NETTUNE" show --root "$CAP" nt0
	assert_success
	assert_output --partial "without netlink"
	assert_output --partial "unknown (netlink not read: --root)"
}

@test "--root equals the live namespace on what sysfs and procfs say" {
	live=$(nt_in "$NS" "$NETTUNE" show --json)
	cap=$("$NETTUNE" show --json --root "$CAP")
	q='[.interfaces[] | {name, ifindex, mtu, txqlen, numa_node, virtual, queues}]'
	assert_equal "$(jq -c "$q" <<<"$cap")" "$(jq -c "$q" <<<"$live")"
	s='.sysctls | del(.["net.netfilter.nf_conntrack_count"])'
	assert_equal "$(jq -c "$s" <<<"$cap")" "$(jq -c "$s" <<<"$live")"
	assert_equal "$(jq -c '.cpus' <<<"$cap")" "$(jq -c '.cpus' <<<"$live")"
}

@test "--root on a directory that does not exist exits 3" {
	run "$NETTUNE" show --root /nonexistent/capture
	assert_failure 3
	assert_output --partial "/nonexistent/capture"
}
