#!/usr/bin/env bats
# The tuning engine: two-phase apply (per-queue entries resolved after the
# channel change, in the same transaction and journal) and bounds (sizes
# are floors: a host that has more keeps it).  Each test makes its own
# namespace with a veth pair of 4 queues each way; values are read back
# with the standard tools.  Journals go to the test's own state directory.

bats_require_minimum_version 1.5.0

load helpers

setup() {
	NS="$(nt_ns_name)-$BATS_TEST_NUMBER"
	T=$BATS_TEST_TMPDIR
	D=$T/state
	ip netns add "$NS"
	ip -n "$NS" link add nt0 numrxqueues 4 numtxqueues 4 type veth \
		peer name nt1 numrxqueues 4 numtxqueues 4
	ip -n "$NS" link set nt0 up
	ip -n "$NS" link set nt1 up
}

teardown() {
	nt_ns_destroy "$NS"
}

need_cpus() {
	[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs for the RPS/XPS masks"
}

# mask DEV QUEUE FILE: a queue's sysfs CPU mask as a number
mask() {
	local m
	m=$(nt_in "$NS" cat "/sys/class/net/$1/queues/$2/$3")
	m=${m//,/}
	echo $((16#${m:-0}))
}


write_channels_profile() {
	cat >"$T/ch.conf" <<-EOF
	[channels nt0]
	rx = 2
	tx = 2

	[rps nt0]
	cpus = 1

	[xps nt0]
	cpus = 0-1
	EOF
}

# ---- two phases ------------------------------------------------------------

@test "channels raised with per-queue RPS/XPS: apply exits 0, verify is clean at once, rollback is byte-identical" {
	need_cpus
	nt_in "$NS" ethtool -L nt0 rx 1 tx 1
	write_channels_profile
	before=$(nt_ns_state "$NS")

	run nt apply "$T/ch.conf" --dry-run --state-dir "$D"
	assert_success
	assert_line "after the channel change of nt0: [rps] cpus = 1 (ch.conf:6) is resolved on its new queues"
	assert_line "after the channel change of nt0: [xps] cpus = 0-1 (ch.conf:9) is resolved on its new queues"
	assert_line --regexp '^rps\.cpus +nt0 rx-0 .*\(preview: resolved again after the channel change\)$'
	[ ! -e "$D" ]

	run nt apply "$T/ch.conf" --yes --state-dir "$D"
	assert_success
	assert_line --regexp '^ +applied +rps\.cpus +nt0 rx-1 '
	assert_line --regexp '^ +applied +xps\.cpus +nt0 tx-1 '
	assert_line --regexp '^applied 6, skipped 0; '
	for q in rx-0 rx-1; do
		assert_equal "$(mask nt0 $q rps_cpus)" 2
	done
	for q in tx-0 tx-1; do
		assert_equal "$(mask nt0 $q xps_cpus)" 3
	done

	run nt verify "$T/ch.conf"
	assert_success
	run nt verify --state-dir "$D"
	assert_success
	# the journal's plan holds the resolved queues, not the preview
	id=$(ls "$D/journal" | sed -n 's/\.plan\.json$//p')
	assert_equal "$(jq -r '[.changes[] | select(.knob == "rps.cpus") | .subject] | join(",")' \
		"$D/journal/$id.plan.json")" "nt0 rx-0,nt0 rx-1"
	assert_equal "$(jq -r '.later | length' "$D/journal/$id.plan.json")" 0
	assert_equal "$(jq -r '.changes | length' "$D/journal/$id.json")" 6

	run nt rollback --state-dir "$D"
	assert_success
	assert_equal "$(nt_ns_state "$NS")" "$before"
}

@test "channels lowered: the queues that stay get their masks, rollback gives the old queues back" {
	need_cpus
	nt_in "$NS" ethtool -L nt0 rx 4 tx 4
	nt_in "$NS" sh -c 'echo 1 > /sys/class/net/nt0/queues/rx-0/rps_cpus'
	write_channels_profile
	before=$(nt_ns_state "$NS")

	run nt apply "$T/ch.conf" --yes --state-dir "$D"
	assert_success
	assert_equal "$(mask nt0 rx-0 rps_cpus)" 2
	assert_equal "$(mask nt0 rx-1 rps_cpus)" 2
	run nt_in "$NS" test -e /sys/class/net/nt0/queues/rx-2
	assert_failure
	run nt verify "$T/ch.conf"
	assert_success

	run nt rollback --state-dir "$D"
	assert_success
	assert_equal "$(nt_ns_state "$NS")" "$before"
	assert_equal "$(mask nt0 rx-0 rps_cpus)" 1
}

@test "a saved plan with a channel change: apply PLAN.json resolves it after the change" {
	need_cpus
	nt_in "$NS" ethtool -L nt0 rx 1 tx 1
	write_channels_profile
	before=$(nt_ns_state "$NS")

	run nt recommend "$T/ch.conf" -o "$T/plan.json"
	assert_success
	assert_equal "$(jq -r '[.later[] | "\(.iface) \(.section) \(.key) \(.value)"] | join(",")' "$T/plan.json")" \
		"nt0 rps cpus 1,nt0 xps cpus 0-1"
	assert_equal "$(jq -r '[.changes[] | select(.later) | .subject] | join(",")' "$T/plan.json")" \
		"nt0 rx-0,nt0 tx-0"
	# verify of the saved plan before apply: the intents are drift too
	run nt verify "$T/plan.json"
	assert_failure 1
	assert_line --regexp '^rps\.cpus +nt0 rx-0 '

	run nt apply "$T/plan.json" --yes --state-dir "$D"
	assert_success
	assert_equal "$(mask nt0 rx-1 rps_cpus)" 2
	assert_equal "$(mask nt0 tx-1 xps_cpus)" 3
	run nt verify "$T/plan.json"
	assert_success
	run nt rollback --state-dir "$D"
	assert_success
	assert_equal "$(nt_ns_state "$NS")" "$before"
}

# ---- bounds ------------------------------------------------------------------

@test "recommend balanced on a tcp_rmem max of 33554432 plans no lowering and says why" {
	nt_in "$NS" sysctl -qw net.ipv4.tcp_rmem="4096 131072 33554432"
	run nt recommend balanced --json
	assert_success
	assert_equal "$(jq -r '[.changes[] | select(.subject == "net.ipv4.tcp_rmem")] | length' <<<"$output")" 0
	assert_equal "$(jq -r '.left_alone[] | select(.subject == "net.ipv4.tcp_rmem") | .current' <<<"$output")" \
		"4096 131072 33554432"
	assert_equal "$(jq -r '.left_alone[] | select(.subject == "net.ipv4.tcp_rmem") | .target' <<<"$output")" \
		"4096 131072 16777216"
	run nt recommend balanced
	assert_success
	assert_line "left alone (not written, each with the reason):"
	assert_line --regexp '^sysctl +net\.ipv4\.tcp_rmem +4096 131072 33554432 +4096 131072 16777216 +balanced balanced\.conf:[0-9]+: .*left alone'
}

@test "a vector with one field below the host's: that field is kept, the others raised" {
	nt_in "$NS" sysctl -qw net.ipv4.tcp_rmem="4096 65536 33554432"
	printf '[sysctl]\nnet.ipv4.tcp_rmem = 4096 131072 16777216\n' >"$T/v.conf"
	before=$(nt_ns_state "$NS")
	run nt recommend "$T/v.conf" --json
	assert_success
	assert_equal "$(jq -r '.changes[0].target' <<<"$output")" "4096 131072 33554432"
	run nt apply "$T/v.conf" --yes --state-dir "$D"
	assert_success
	assert_equal "$(sc net.ipv4.tcp_rmem)" "$(printf '4096\t131072\t33554432')"
	# more than the floor is no drift; less is
	nt_in "$NS" sysctl -qw net.ipv4.tcp_rmem="4096 262144 33554432"
	run nt verify --state-dir "$D"
	assert_success
	nt_in "$NS" sysctl -qw net.ipv4.tcp_rmem="4096 65536 33554432"
	run nt verify --state-dir "$D"
	assert_failure 1
	nt_in "$NS" sysctl -qw net.ipv4.tcp_rmem="4096 131072 33554432"
	run nt rollback --state-dir "$D"
	assert_success
	assert_equal "$(nt_ns_state "$NS")" "$before"
}

@test "'= N' lowers, '<= N' caps, '>= N' raises; a bound on a word is refused with FILE:LINE" {
	printf '[sysctl]\nnet.core.somaxconn = = 1024\n' >"$T/eq.conf"
	run nt recommend "$T/eq.conf" --json
	assert_success
	assert_equal "$(jq -r '.changes[0].target' <<<"$output")" 1024
	printf '[sysctl]\nnet.core.somaxconn = <= 2048\n' >"$T/le.conf"
	run nt recommend "$T/le.conf" --json
	assert_success
	assert_equal "$(jq -r '.changes[0].target' <<<"$output")" 2048
	assert_equal "$(jq -r '.changes[0].bound' <<<"$output")" "<="
	printf '[sysctl]\nnet.core.somaxconn = >= 8192\n' >"$T/ge.conf"
	run nt recommend "$T/ge.conf" --json
	assert_success
	assert_equal "$(jq -r '.changes[0].target' <<<"$output")" 8192
	printf '[sysctl]\nnet.ipv4.tcp_congestion_control = >= cubic\n' >"$T/bad.conf"
	run --separate-stderr nt recommend "$T/bad.conf"
	assert_failure 3
	assert_regex "$stderr" "bad\.conf:2: \[sysctl\] net\.ipv4\.tcp_congestion_control: bad value"
}

# The size-like sysctls of nettune-profile(5), BOUNDS: at least by default.
SIZE_LIKE='["net.core.dev_weight", "net.core.flow_limit_table_len",
	"net.core.netdev_budget", "net.core.netdev_budget_usecs",
	"net.core.netdev_max_backlog", "net.core.optmem_max",
	"net.core.rmem_default", "net.core.rmem_max",
	"net.core.rps_sock_flow_entries", "net.core.somaxconn",
	"net.core.wmem_default", "net.core.wmem_max",
	"net.ipv4.tcp_max_orphans", "net.ipv4.tcp_max_syn_backlog",
	"net.ipv4.tcp_max_tw_buckets", "net.ipv4.tcp_mem", "net.ipv4.tcp_rmem",
	"net.ipv4.tcp_wmem", "net.ipv4.udp_mem", "net.ipv4.udp_rmem_min",
	"net.ipv4.udp_wmem_min", "net.netfilter.nf_conntrack_buckets",
	"net.netfilter.nf_conntrack_max"]'

# The size-like sysctls the shipped profiles set that a namespace may
# write, each set above anything a shipped profile asks; txqlen and
# rps_flow_cnt on the veth too.  No shipped profile may lower any of them.
@test "no shipped profile lowers a size-like knob the host has larger" {
	local big_vec="8192 1048576 134217728" big=4194304 keys k p raised=()
	keys=$(sed -n 's/^\(net\.[a-z0-9_.]*\) *=.*/\1/p' "$BATS_TEST_DIRNAME"/../../profiles/*.conf | sort -u)
	for k in $keys; do
		case $k in
		net.ipv4.tcp_rmem|net.ipv4.tcp_wmem)
			nt_in "$NS" sysctl -qw "$k=$big_vec" 2>/dev/null && raised+=("$k") ;;
		net.core.somaxconn|net.ipv4.tcp_max_syn_backlog|net.ipv4.tcp_max_tw_buckets|net.netfilter.nf_conntrack_max)
			nt_in "$NS" sysctl -qw "$k=$big" 2>/dev/null && raised+=("$k") ;;
		esac
	done
	# the shipped profiles set these per-namespace sizes: all are raised
	for k in net.core.somaxconn net.ipv4.tcp_rmem net.ipv4.tcp_wmem \
		 net.ipv4.tcp_max_syn_backlog net.ipv4.tcp_max_tw_buckets; do
		[[ " ${raised[*]} " == *" $k "* ]]
	done
	nt_in "$NS" ip link set nt0 txqlen 100000
	nt_in "$NS" ip link set nt1 txqlen 100000
	nt_in "$NS" sh -c 'for f in /sys/class/net/nt*/queues/rx-*/rps_flow_cnt; do echo 65536 > $f; done'
	for p in balanced latency throughput many-connections; do
		run nt recommend "$p" --json
		assert_success
		# nothing planned lowers a field of any size-like knob
		lowered=$(jq -r --argjson sizes "$SIZE_LIKE" '.changes[] |
			select((.knob == "sysctl" and (.subject | IN($sizes[]))) or
			       .knob == "txqlen" or .knob == "rps.flow_cnt" or
			       (.knob | startswith("rings."))) |
			select(([.current | splits(" ")] | map(tonumber? // 0)) as $c |
				([.target | splits(" ")] | map(tonumber? // 0)) as $t |
				[range($t | length)] | any($t[.] < ($c[.] // 0))) |
			"\(.knob) \(.subject) \(.current) -> \(.target)"' <<<"$output")
		assert_equal "$lowered" ""
		# each raised knob the profile sets is left alone, with a reason
		for k in "${raised[@]}"; do
			if nt profile show "$p" | grep -q "^$k = "; then
				assert_equal "$(jq -r --arg k "$k" '[.left_alone[] | select(.subject == $k)] | length' <<<"$output")" 1
				assert_equal "$(jq -r --arg k "$k" '[.changes[] | select(.subject == $k)] | length' <<<"$output")" 0
			fi
		done
		if nt profile show "$p" | grep -q '^txqlen = '; then
			assert_equal "$(jq -r '[.left_alone[] | select(.knob == "txqlen")] | length' <<<"$output")" 2
		fi
		if nt profile show "$p" | grep -q '^flow_cnt = '; then
			assert_equal "$(jq -r '[.left_alone[] | select(.knob == "rps.flow_cnt")] | length' <<<"$output")" 8
		fi
	done
}

@test "channels lowered: the RPS/XPS masks of the queues that go away come back with rollback" {
	need_cpus
	nt_in "$NS" ethtool -L nt0 rx 4 tx 4
	nt_in "$NS" sh -c 'echo 2 > /sys/class/net/nt0/queues/rx-3/rps_cpus
		echo 64 > /sys/class/net/nt0/queues/rx-2/rps_flow_cnt
		echo 1 > /sys/class/net/nt0/queues/tx-3/xps_cpus'
	write_channels_profile
	before=$(nt_ns_state "$NS")
	run nt apply "$T/ch.conf" --yes --state-dir "$D"
	assert_success
	assert_equal "$(nt_in "$NS" ethtool -l nt0 | awk '/Current/{c=1} c&&/^RX:/{print $2}')" 2
	run nt history --state-dir "$D" --json
	assert_success
	# restore-only entries are not changes
	assert_equal "$(jq -r '.[0].changes' <<<"$output")" 6
	run nt rollback --state-dir "$D"
	assert_success
	assert_equal "$(nt_ns_state "$NS")" "$before"
	assert_equal "$(mask nt0 rx-3 rps_cpus)" 2
	assert_equal "$(mask nt0 tx-3 xps_cpus)" 1
}
