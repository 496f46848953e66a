# Shared set-up for the CLI tests: the built binary, bats-assert, and a
# private network namespace with a veth pair per test file.
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

: "${NETTUNE:=$BATS_TEST_DIRNAME/../../build/nettune}"
export NETTUNE

# Namespace names are unique per test file run, so parallel runs and left-
# overs of a killed run never collide.
nt_ns_name() {
	echo "nt-$(basename "$BATS_TEST_FILENAME" .bats)-$$"
}

# nt_ns_create NS: a namespace with veth pair nt0 <-> nt1 (2 queues each),
# 10.77.0.1/24 on nt0, 10.77.0.2/24 on nt1, IPv6 off so nothing talks on
# its own and counters stay still between two reads.  Both ends are local
# addresses of the one namespace, so traffic to them never crosses the
# pair: 10.77.0.3 is a permanent neighbour at nt1's MAC, so datagrams to it
# leave through nt0's qdisc and arrive on nt1 (which then discards them).
nt_ns_create() {
	local ns=$1
	ip netns add "$ns"
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	ip -n "$ns" link add nt0 numrxqueues 2 numtxqueues 2 type veth \
		peer name nt1 numrxqueues 2 numtxqueues 2
	ip -n "$ns" addr add 10.77.0.1/24 dev nt0
	ip -n "$ns" addr add 10.77.0.2/24 dev nt1
	ip -n "$ns" link set lo up
	ip -n "$ns" link set nt0 up
	ip -n "$ns" link set nt1 up
	ip -n "$ns" neigh add 10.77.0.3 dev nt0 nud permanent \
		lladdr "$(ip netns exec "$ns" cat /sys/class/net/nt1/address)"
}

nt_ns_destroy() {
	ip netns del "$1" 2>/dev/null || true
}

# nt_in NS CMD...: run a command inside the namespace.
nt_in() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# nt ARGS...: nettune inside the test's own namespace ($NS)
nt() {
	nt_in "$NS" "$NETTUNE" "$@"
}

# sc KEY: a sysctl of the test's own namespace ($NS)
sc() {
	nt_in "$NS" sysctl -n "$1"
}

# nt_udp_flood NS DST COUNT [SIZE]: send COUNT datagrams of SIZE bytes to
# DST port 9 from inside the namespace; send errors (a full qdisc answers
# ENOBUFS) are expected and ignored.
nt_udp_flood() {
	ip netns exec "$1" python3 -c '
import socket, sys
dst, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(count):
    try:
        s.sendto(b"x" * size, (dst, 9))
    except OSError:
        pass
' "$2" "$3" "${4:-1000}"
}

# nt_ns_state NS: everything of the namespace an apply may touch, as the
# standard tools print it, for byte-for-byte comparisons before and after:
# every net.* sysctl (the conntrack entry count is a counter, not a
# setting), channels, rings and features of nt0 and nt1, every queue's
# RPS, flow table and XPS values, txqlen, the links, and the qdiscs with
# their parameters.
nt_ns_state() {
	local ns=$1 dev
	nt_in "$ns" sysctl -a -r '^net\.' 2>/dev/null |
		grep -v -e '^net\.netfilter\.nf_conntrack_count ' | sort
	for dev in nt0 nt1; do
		nt_in "$ns" ethtool -l "$dev" 2>&1
		nt_in "$ns" ethtool -g "$dev" 2>&1
		nt_in "$ns" ethtool -k "$dev" 2>&1
	done
	nt_in "$ns" sh -c '
		for f in /sys/class/net/nt*/queues/*/rps_cpus \
			 /sys/class/net/nt*/queues/*/rps_flow_cnt \
			 /sys/class/net/nt*/queues/*/xps_cpus \
			 /sys/class/net/nt*/tx_queue_len; do
			printf "%s=%s\n" "$f" "$(cat "$f" 2>&1)"
		done'
	nt_in "$ns" ip -o link show | sed 's/^[0-9]*: //; s/ link\/.*//'
	nt_in "$ns" tc -d qdisc show
}
