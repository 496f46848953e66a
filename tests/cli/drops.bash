# Recipes that make the kernel drop packets inside a test's own namespace,
# for the audit tests.  Each generator is bounded: it stops after COUNT
# packets/connections or MAX seconds, or earlier when the stop file exists.
# It writes the ready file once its sockets are set up, so a test can wait
# for it before taking the audit's first sample.
#
#   nt_gen NS MODE [--count N] [--seconds S] [--stop FILE] [--ready FILE] ...
#
# MODE listen: a listener on 10.77.0.1:PORT with --backlog (default 1; the
#   kernel takes the smaller of it and net.core.somaxconn) that never
#   accepts, and a client opening non-blocking connections to it; the accept
#   queue fills after backlog + 1, then every SYN (retransmissions too)
#   counts in TcpExt ListenOverflows.
# MODE udp: a socket on 10.77.0.1:PORT with SO_RCVBUF 1024 that never reads,
#   and a sender; all but the first datagram or two count in Udp
#   RcvbufErrors.
# MODE flood: datagrams to DST port 9 (10.77.0.3 crosses the veth pair, see
#   helpers.bash), send errors (ENOBUFS from a full qdisc) ignored.  With
#   --gso SEG each datagram is sent as one UDP GSO super-packet (UDP_SEGMENT)
#   that the kernel cuts into SIZE/SEG datagrams.
#
# Sends go out in batches of --batch every --pace seconds, so a run covers
# its duration instead of finishing in the first few milliseconds.

NT_GEN_PY='
import argparse, os, socket, time

p = argparse.ArgumentParser()
p.add_argument("mode", choices=["listen", "udp", "flood"])
p.add_argument("--port", type=int, default=7777)
p.add_argument("--backlog", type=int, default=1)
p.add_argument("--dst", default="10.77.0.3")
p.add_argument("--size", type=int, default=200)
p.add_argument("--count", type=int, default=1000)
p.add_argument("--seconds", type=float, default=3.0)
p.add_argument("--batch", type=int, default=1)
p.add_argument("--pace", type=float, default=0.01)
p.add_argument("--stop", default="")
p.add_argument("--ready", default="")
p.add_argument("--gso", type=int, default=0)
a = p.parse_args()

keep = []
if a.mode == "listen":
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("10.77.0.1", a.port))
    srv.listen(a.backlog)
    def one():
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.setblocking(False)
        c.connect_ex(("10.77.0.1", a.port))
        keep.append(c)
elif a.mode == "udp":
    rcv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rcv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
    rcv.bind(("10.77.0.1", a.port))
    snd = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    msg = b"u" * a.size
    def one():
        snd.sendto(msg, ("10.77.0.1", a.port))
else:
    snd = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if a.gso:
        snd.setsockopt(socket.IPPROTO_UDP, 103, a.gso)  # UDP_SEGMENT
    msg = b"f" * a.size
    def one():
        try:
            snd.sendto(msg, (a.dst, 9))
        except OSError:
            pass

if a.ready:
    open(a.ready, "w").close()
end = time.monotonic() + a.seconds
sent = 0
while sent < a.count and time.monotonic() < end:
    if a.stop and os.path.exists(a.stop):
        break
    for _ in range(min(a.batch, a.count - sent)):
        one()
        sent += 1
    time.sleep(a.pace)
print(sent)
'

nt_gen() {
	local ns=$1
	shift
	ip netns exec "$ns" python3 -c "$NT_GEN_PY" "$@"
}

# nt_gen_bg NAME NS MODE ARGS...: start nt_gen in the background, with
# BATS_TEST_TMPDIR/NAME.{ready,stop,out} and its pid in NT_GEN_PIDS; then
# wait (at most 30 s) until it is ready.  fd 3 is closed so bats does not wait
# for it.
NT_GEN_PIDS=()
nt_gen_bg() {
	local name=$1 dir=$BATS_TEST_TMPDIR
	shift
	rm -f "$dir/$name.ready" "$dir/$name.stop"
	local ns=$1
	shift
	# ip netns exec execs python3 itself: $! is the generator's pid
	ip netns exec "$ns" python3 -c "$NT_GEN_PY" "$@" \
		--ready "$dir/$name.ready" --stop "$dir/$name.stop" \
		>"$dir/$name.out" 2>&1 3>&- &
	NT_GEN_PIDS+=($!)
	local _
	for _ in $(seq 300); do
		[ -e "$dir/$name.ready" ] && return 0
		sleep 0.1
	done
	echo "generator $name did not start: $(cat "$dir/$name.out")" >&2
	return 1
}

# nt_gen_stop NAME: ask a background generator to stop and wait for all of
# them (each ends by itself at its --seconds anyway).
nt_gen_stop() {
	touch "$BATS_TEST_TMPDIR/$1.stop"
	nt_gen_reap
}

nt_gen_reap() {
	local pid
	for pid in "${NT_GEN_PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	NT_GEN_PIDS=()
}

# nt_gen_kill: for teardown, kill what is still running, then reap.
nt_gen_kill() {
	local pid
	for pid in "${NT_GEN_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	nt_gen_reap
}

# nt_nstat NS NAME: a kernel counter (absolute, since the namespace began)
nt_nstat() {
	ip netns exec "$1" nstat -az "$2" | awk -v n="$2" '$1 == n { print $2 }'
}

# nt_softnet_dropped CPU: column 2 of /proc/net/softnet_stat for CPU (the
# 13th column is the CPU index from 5.10 on; see REFERENCE.md)
nt_softnet_dropped() {
	local f line=0
	while read -ra f; do
		if { [ "${#f[@]}" -ge 13 ] && [ $((16#${f[12]})) = "$1" ]; } ||
		   { [ "${#f[@]}" -lt 13 ] && [ "$line" = "$1" ]; }; then
			echo $((16#${f[1]}))
			return 0
		fi
		line=$((line + 1))
	done </proc/net/softnet_stat
	return 1
}

# The softnet recipe lowers net.core.netdev_max_backlog for the whole host
# (it is global, absent inside a namespace).  Every read or write of it by
# the tests is made under this lock, so two suites running at once (a
# developer's and CI's) never see each other's lowered value.
NT_BACKLOG_LOCK=/tmp/nettune-netdev-backlog.lock

# nt_backlog_locked CMD...: CMD with the lock held (2 minutes at most)
nt_backlog_locked() (
	exec 8>"$NT_BACKLOG_LOCK"
	flock -w 120 8 || { echo "the netdev_max_backlog lock stayed taken" >&2; exit 1; }
	"$@" 8>&-
)

# nt_backlog_save: for setup_file of a file that uses the softnet recipe:
# keep net.core.netdev_max_backlog in NT_SAVED_BACKLOG, refusing a value a
# killed run left lowered
nt_backlog_save() {
	NT_SAVED_BACKLOG=$(nt_backlog_locked sysctl -n net.core.netdev_max_backlog)
	export NT_SAVED_BACKLOG
	[ "$NT_SAVED_BACKLOG" -gt 1 ] ||
		fail "net.core.netdev_max_backlog is $NT_SAVED_BACKLOG before the tests: a killed run left it lowered?"
}

# nt_backlog_restored: put it back and check it is
nt_backlog_restored() {
	[ -n "${NT_SAVED_BACKLOG-}" ] || return 0
	assert_equal "$(nt_backlog_locked nt_backlog_restore_read)" "$NT_SAVED_BACKLOG"
}

# nt_backlog_restore_read: (under the lock) back to NT_SAVED_BACKLOG, and
# the value the kernel then holds
nt_backlog_restore_read() {
	sysctl -qw net.core.netdev_max_backlog="$NT_SAVED_BACKLOG"
	sysctl -n net.core.netdev_max_backlog
}

# nt_with_softnet_flood NS CMD...: run CMD (its status is returned) while
# net.core.netdev_max_backlog is 1 and a UDP flood sent from CPU 0 crosses
# nt0 -> nt1.  With RPS steering nt1's receive queues to CPU 1 (the caller
# sets rps_cpus), every datagram is queued to CPU 1's backlog, which holds
# next to nothing: softnet_stat's dropped climbs on CPU 1.
#
# The flood is of UDP GSO super-packets that nt0 must cut in software
# (tx-udp-segmentation off): the 30 datagrams of one are queued to the
# backlog in one go, with bottom halves off, before CPU 1 is even told, so
# all but the first two are dropped whatever the machine is doing.  Plain
# datagrams arrive one at a time, and an idle CPU 1 answering each IPI at
# once took them all on a busy machine (a run of make check-repeat).
#
# netdev_max_backlog is global, so the whole thing runs in a subshell whose
# EXIT trap puts NT_SAVED_BACKLOG back (also on INT/TERM/HUP); a watchdog in
# its own session puts it back after 30 s should the shell be killed
# outright (SIGKILL), and is killed itself on the normal way out.  The value
# read back after the restore, still under the lock, is left in
# BATS_TEST_TMPDIR/softnet.restored.
nt_with_softnet_flood() (
	ns=$1
	shift
	dir=$BATS_TEST_TMPDIR
	# one recipe at a time on this host: two runs lowering the global
	# value at once would each save the other's 1 as the value to restore
	exec 8>"$NT_BACKLOG_LOCK"
	flock -w 120 8 || return 1
	saved=$(sysctl -n net.core.netdev_max_backlog)
	[ "$saved" -gt 1 ] || saved=${NT_SAVED_BACKLOG:?}
	gen=
	dog=
	cmd=
	# shellcheck disable=SC2317
	out() {
		sysctl -qw net.core.netdev_max_backlog="$saved"
		# read back while the lock is still held: softnet.restored
		sysctl -n net.core.netdev_max_backlog >"$dir/softnet.restored"
		[ -z "$cmd" ] || kill "$cmd" 2>/dev/null
		[ -z "$gen" ] || kill "$gen" 2>/dev/null
		[ -z "$dog" ] || kill -- "-$dog" 2>/dev/null
		wait 2>/dev/null
	}
	trap out EXIT
	trap 'exit 130' INT TERM HUP
	# shellcheck disable=SC2016 # expanded by the watchdog's sh
	setsid sh -c 'sleep 30
		[ "$(sysctl -n net.core.netdev_max_backlog)" = 1 ] &&
		sysctl -qw net.core.netdev_max_backlog="$1"' sh "$saved" \
		</dev/null >/dev/null 2>&1 3>&- 8>&- &
	dog=$!
	rm -f "$dir/softnet.ready" "$dir/softnet.stop"
	ip netns exec "$ns" ethtool -K nt0 tx-udp-segmentation off >/dev/null || exit 3
	sysctl -qw net.core.netdev_max_backlog=1
	taskset -c 0 ip netns exec "$ns" python3 -c "$NT_GEN_PY" flood \
		--size 30000 --gso 1000 --count 100000 --seconds 8 --batch 2 --pace 0.01 \
		--ready "$dir/softnet.ready" --stop "$dir/softnet.stop" \
		>"$dir/softnet.out" 2>&1 3>&- &
	gen=$!
	for _ in $(seq 300); do
		[ -e "$dir/softnet.ready" ] && break
		sleep 0.1
	done
	[ -e "$dir/softnet.ready" ] || { echo "flood did not start" >&2; exit 3; }
	# in the background, so a signal's trap runs at once, not after CMD
	"$@" 3>&- &
	cmd=$!
	wait "$cmd"
	rc=$?
	cmd=
	touch "$dir/softnet.stop"
	wait "$gen"
	gen=
	exit $rc
)
