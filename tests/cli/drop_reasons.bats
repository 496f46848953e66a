#!/usr/bin/env bats
# nettune drops: the kernel's own drop reasons, counted by the BPF
# aggregator.  Each test makes drops of one reason with a known count
# between two namespaces of this file (sender A, receiver B, veth va <-> vb),
# inside the interval of one `drops` run:
#
#   drops starts, attaches, writes "ready" to --ready-fd; the test then
#   sends, waits until the kernel's own counter for that drop (nstat, tc,
#   nft) has seen every packet, and ends the interval with SIGTERM.
#
# No sleep decides anything: every wait is for a condition.

load helpers
load drops

setup_file() {
	NS_A="$(nt_ns_name)-a"
	NS_B="$(nt_ns_name)-b"
	export NS_A NS_B
	local ns
	for ns in "$NS_A" "$NS_B"; do
		ip netns add "$ns"
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
		ip -n "$ns" link set lo up
	done
	ip -n "$NS_A" link add va type veth peer name vb netns "$NS_B"
	ip -n "$NS_A" addr add 10.78.0.1/24 dev va
	ip -n "$NS_A" addr add 192.0.2.1/32 dev va
	ip -n "$NS_B" addr add 10.78.0.2/24 dev vb
	ip -n "$NS_A" link set va up
	ip -n "$NS_B" link set vb up
	# resolved once, so no ARP is pending when a test counts
	ip -n "$NS_A" neigh add 10.78.0.2 dev va nud permanent \
		lladdr "$(ip netns exec "$NS_B" cat /sys/class/net/vb/address)"
	ip -n "$NS_B" neigh add 10.78.0.1 dev vb nud permanent \
		lladdr "$(ip netns exec "$NS_A" cat /sys/class/net/va/address)"
}

teardown_file() {
	nt_ns_destroy "$NS_A"
	nt_ns_destroy "$NS_B"
}

teardown() {
	[ -z "${DROPS_PID-}" ] || kill "$DROPS_PID" 2>/dev/null || true
	[ -z "${RCV_PID-}" ] || kill "$RCV_PID" 2>/dev/null || true
	wait 2>/dev/null || true
}

# wait_for CMD...: until CMD succeeds (30 s at most)
wait_for() {
	local _
	for _ in $(seq 600); do
		"$@" && return 0
		sleep 0.05
	done
	echo "timed out waiting for: $*" >&2
	return 1
}

ready_written() {
	grep -qx ready "$BATS_TEST_TMPDIR/ready" 2>/dev/null
}

# drops_start NS ARGS...: `nettune drops --json` in NS counting until
# drops_stop; returns once it is attached
drops_start() {
	local ns=$1
	shift
	: >"$BATS_TEST_TMPDIR/ready"
	ip netns exec "$ns" "$NETTUNE" drops --interval 600 --json \
		--ready-fd 5 "$@" 5>"$BATS_TEST_TMPDIR/ready" \
		>"$BATS_TEST_TMPDIR/drops.json" \
		2>"$BATS_TEST_TMPDIR/drops.err" 3>&- &
	DROPS_PID=$!
	wait_for ready_written
}

# drops_stop: end the interval, check the run went well
drops_stop() {
	local rc=0
	kill -TERM "$DROPS_PID"
	wait "$DROPS_PID" || rc=$?
	DROPS_PID=
	cat "$BATS_TEST_TMPDIR/drops.err" >&2
	[ "$rc" = 0 ] || fail "drops exited $rc"
	jq -e . "$BATS_TEST_TMPDIR/drops.json" >/dev/null
}

# drops_count REASON DEVICE: total count of the rows with both
drops_count() {
	jq --arg r "$1" --arg d "$2" \
		'[.drops[] | select(.reason == $r and .device == $d) | .count] | add // 0' \
		"$BATS_TEST_TMPDIR/drops.json"
}

# send NS SRC DST PORT COUNT [SIZE]: COUNT datagrams from SRC, send errors
# (a full qdisc) ignored; prints how many sendto() accepted
send() {
	ip netns exec "$1" python3 -c '
import socket, sys
src, dst, port, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
size = int(sys.argv[5])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 0))
ok = 0
for _ in range(count):
    try:
        s.sendto(b"d" * size, (dst, port))
        ok += 1
    except OSError:
        pass
print(ok)
' "$2" "$3" "$4" "$5" "${6:-100}"
}

# near GOT WANT: GOT within 3 % of WANT
near() {
	local got=$1 want=$2
	[ $((got * 100)) -ge $((want * 97)) ] && [ $((got * 100)) -le $((want * 103)) ] ||
		fail "count $got is not within 3 % of $want"
}

# counter_at_least NS NAME N: nstat counter NAME of NS is >= N
counter_at_least() {
	[ "$(nt_nstat "$1" "$2")" -ge "$3" ]
}

@test "drops: UDP to a closed port counts as NO_SOCKET on the receiving veth" {
	local before
	before=$(nt_nstat "$NS_B" UdpNoPorts)
	drops_start "$NS_B"
	send "$NS_A" 10.78.0.1 10.78.0.2 9 1000
	wait_for counter_at_least "$NS_B" UdpNoPorts $((before + 1000))
	drops_stop
	near "$(drops_count NO_SOCKET vb)" 1000
	run jq -r '.drops[] | select(.reason == "NO_SOCKET") | .location' \
		"$BATS_TEST_TMPDIR/drops.json"
	assert_output --partial udp
	# the document's keys
	run jq -e '.drops[0] | has("reason") and has("location") and
		has("location_offset") and has("device") and has("count") and
		has("per_s")' "$BATS_TEST_TMPDIR/drops.json"
	assert_success
	run jq -e '(.overflow == 0) and (.netns | type == "number")' \
		"$BATS_TEST_TMPDIR/drops.json"
	assert_success
}

@test "drops: a full SO_RCVBUF counts as SOCKET_RCVBUFF" {
	local before
	before=$(nt_nstat "$NS_B" UdpRcvbufErrors)
	rm -f "$BATS_TEST_TMPDIR/rcv.ready"
	ip netns exec "$NS_B" python3 -c '
import socket, sys, time
r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
r.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
r.bind(("10.78.0.2", 7777))
open(sys.argv[1], "w").close()
time.sleep(600)
' "$BATS_TEST_TMPDIR/rcv.ready" 3>&- &
	RCV_PID=$!
	wait_for test -e "$BATS_TEST_TMPDIR/rcv.ready"
	drops_start "$NS_B"
	send "$NS_A" 10.78.0.1 10.78.0.2 7777 1000
	# all but the first datagram or two overflow the buffer
	wait_for counter_at_least "$NS_B" UdpRcvbufErrors $((before + 990))
	drops_stop
	near "$(drops_count SOCKET_RCVBUFF vb)" \
		$(($(nt_nstat "$NS_B" UdpRcvbufErrors) - before))
	near "$(drops_count SOCKET_RCVBUFF vb)" 1000
}

@test "drops: reverse-path filtering counts as IP_RPFILTER on its device" {
	local before
	ip netns exec "$NS_B" sysctl -qw net.ipv4.conf.all.rp_filter=1
	ip netns exec "$NS_B" sysctl -qw net.ipv4.conf.vb.rp_filter=1
	before=$(nt_nstat "$NS_B" TcpExtIPReversePathFilter)
	drops_start "$NS_B"
	# B has no route back to 192.0.2.1
	send "$NS_A" 192.0.2.1 10.78.0.2 9 500
	wait_for counter_at_least "$NS_B" TcpExtIPReversePathFilter \
		$((before + 500))
	drops_stop
	ip netns exec "$NS_B" sysctl -qw net.ipv4.conf.all.rp_filter=0
	ip netns exec "$NS_B" sysctl -qw net.ipv4.conf.vb.rp_filter=0
	near "$(drops_count IP_RPFILTER vb)" 500
}

# dropped of the root qdisc of DEV in NS
qdisc_dropped() {
	tc -n "$1" -s -j qdisc show dev "$2" root | jq '.[0].drops'
}

qdisc_dropped_is() {
	[ "$(qdisc_dropped "$1" "$2")" = "$3" ]
}

@test "drops: a tbf qdisc overrun counts as QDISC_DROP on the sending veth" {
	local before dropped
	tc -n "$NS_A" qdisc add dev va root tbf rate 1mbit burst 2000 limit 2000
	before=$(nt_nstat "$NS_A" UdpSndbufErrors)
	drops_start "$NS_A"
	# the qdisc drops in the sender's own sendto(): done when it returns
	send "$NS_A" 10.78.0.1 10.78.0.2 9 2000 1000
	dropped=$(qdisc_dropped "$NS_A" va)
	drops_stop
	tc -n "$NS_A" qdisc del dev va root
	[ "$dropped" -ge 1000 ] || fail "the qdisc dropped only $dropped of 2000"
	near "$(drops_count QDISC_DROP va)" "$dropped"
	# UDP counts each datagram its qdisc refused as a send buffer error
	near "$(drops_count QDISC_DROP va)" \
		$(($(nt_nstat "$NS_A" UdpSndbufErrors) - before))
}

nft_dropped_at_least() {
	local n
	n=$(ip netns exec "$NS_B" nft -j list chain inet nettune_t input |
		jq '[.nftables[] | .rule? // empty | .expr[] | .counter? // empty | .packets] | add // 0')
	[ "$n" -ge "$1" ]
}

@test "drops: an nftables drop rule counts as NETFILTER_DROP" {
	command -v nft >/dev/null || skip "nft is not installed (tools/deps.sh)"
	ip netns exec "$NS_B" nft -f - <<-'EOF'
	table inet nettune_t {
		chain input {
			type filter hook input priority 0; policy accept;
			udp dport 9999 counter drop
		}
	}
	EOF
	drops_start "$NS_B"
	send "$NS_A" 10.78.0.1 10.78.0.2 9999 300
	wait_for nft_dropped_at_least 300
	drops_stop
	ip netns exec "$NS_B" nft delete table inet nettune_t
	near "$(drops_count NETFILTER_DROP vb)" 300
}

@test "drops: -i keeps one device, text output names the columns" {
	local before
	before=$(nt_nstat "$NS_B" UdpNoPorts)
	drops_start "$NS_B" -i lo
	send "$NS_A" 10.78.0.1 10.78.0.2 9 100
	send "$NS_B" 127.0.0.1 127.0.0.1 9 50
	wait_for counter_at_least "$NS_B" UdpNoPorts $((before + 150))
	drops_stop
	run drops_count NO_SOCKET vb
	assert_output 0
	near "$(drops_count NO_SOCKET lo)" 50

	run ip netns exec "$NS_B" "$NETTUNE" drops --interval 0.1
	assert_success
	assert_line --index 0 --regexp '^REASON +LOCATION +DEVICE +PROTO +COUNT +PER_S$'
}

@test "drops: the default scope is nettune's netns; --all-netns names the device in its own" {
	local ns_b_ino before
	ns_b_ino=$(ip netns exec "$NS_B" stat -L -c %i /proc/self/ns/net)
	before=$(nt_nstat "$NS_B" UdpNoPorts)
	# run in A: B's drops are out of scope
	drops_start "$NS_A"
	send "$NS_A" 10.78.0.1 10.78.0.2 9 100
	wait_for counter_at_least "$NS_B" UdpNoPorts $((before + 100))
	drops_stop
	run drops_count NO_SOCKET vb
	assert_output 0

	# from the host's netns, B's device is named inside B
	: >"$BATS_TEST_TMPDIR/ready"
	"$NETTUNE" drops --interval 600 --json --all-netns --ready-fd 5 \
		5>"$BATS_TEST_TMPDIR/ready" >"$BATS_TEST_TMPDIR/drops.json" \
		2>"$BATS_TEST_TMPDIR/drops.err" 3>&- &
	DROPS_PID=$!
	wait_for ready_written
	before=$(nt_nstat "$NS_B" UdpNoPorts)
	send "$NS_A" 10.78.0.1 10.78.0.2 9 200
	wait_for counter_at_least "$NS_B" UdpNoPorts $((before + 200))
	drops_stop
	run jq --argjson ns "$ns_b_ino" \
		'[.drops[] | select(.reason == "NO_SOCKET" and .netns == $ns and .device == "vb") | .count] | add // 0' \
		"$BATS_TEST_TMPDIR/drops.json"
	near "$output" 200
}

@test "drops: with the hash map only (NETTUNE_DROPS_SLOTS=0) the counts are the same" {
	local before
	before=$(nt_nstat "$NS_B" UdpNoPorts)
	NETTUNE_DROPS_SLOTS=0 drops_start "$NS_B"
	send "$NS_A" 10.78.0.1 10.78.0.2 9 1000
	wait_for counter_at_least "$NS_B" UdpNoPorts $((before + 1000))
	drops_stop
	near "$(drops_count NO_SOCKET vb)" 1000
}

@test "drops: a full map counts the rest as overflow, nothing lost" {
	local before
	before=$(nt_nstat "$NS_B" UdpNoPorts)
	NETTUNE_DROPS_KEYS=1 NETTUNE_DROPS_SLOTS=0 drops_start "$NS_B"
	send "$NS_A" 10.78.0.1 10.78.0.2 9 300
	wait_for counter_at_least "$NS_B" UdpNoPorts $((before + 300))
	# a second key (device lo) finds the map's one entry taken
	send "$NS_B" 127.0.0.1 127.0.0.1 9 200
	wait_for counter_at_least "$NS_B" UdpNoPorts $((before + 500))
	drops_stop
	run jq '.drops | length' "$BATS_TEST_TMPDIR/drops.json"
	assert_output 1
	run jq '([.drops[].count] | add) + .overflow' "$BATS_TEST_TMPDIR/drops.json"
	assert_output 500
	run jq '.overflow >= 200' "$BATS_TEST_TMPDIR/drops.json"
	assert_output true

	NETTUNE_DROPS_KEYS=0 run "$NETTUNE" drops
	assert_equal "$status" 3
	assert_output "nettune: drops: NETTUNE_DROPS_KEYS=0: expected 1 to 65536"
}

@test "drops: without privileges, one line naming what is missing, exit 3" {
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$NETTUNE" drops
	assert_equal "$status" 3
	assert_output --regexp '^nettune: drops: .*CAP_BPF and CAP_PERFMON'
	assert_equal "${#lines[@]}" 1
}

@test "drops: bad input is one line and exit 3" {
	run "$NETTUNE" drops -i nettune-nope0
	assert_equal "$status" 3
	assert_output "nettune: drops: nettune-nope0: no such interface; see 'ip link'"
	run "$NETTUNE" drops --interval 0
	assert_equal "$status" 3
	assert_output --partial "--interval 0"
	run "$NETTUNE" drops --ready-fd 99
	assert_equal "$status" 3
	assert_output --partial "--ready-fd 99"
	run "$NETTUNE" drops extra
	assert_equal "$status" 3
}

@test "drops --help" {
	run "$NETTUNE" drops --help
	assert_success
	assert_output --partial "Usage: nettune drops"
	assert_output --partial "--all-netns"
}
