#!/usr/bin/env bats
# The interactive view of nettune top, driven through tmux: the real binary
# runs live (in a private namespace, so the panes are small and the same on
# every host) in a detached session of a private tmux server; the test reads
# the screen with capture-pane, types keys with send-keys, and checks that q,
# SIGINT and SIGTERM end it with status 0 and leave the terminal sane.
#
# The strings looked for are the view's own (cmd/nettune/top/view.c): the
# header starts "nettune top" and shows "sort: KEY" and "idle hidden"; the
# panes are titled "CPU (1)", "NIC (2)", "qdisc (3)", "Sockets (4)"; the
# help box is titled "nettune top: keys".

bats_require_minimum_version 1.5.0

load helpers

setup_file() {
	export NS=$(nt_ns_name)
	nt_ns_create "$NS"
}

teardown_file() {
	nt_ns_destroy "$NS"
}

setup() {
	T=$BATS_TEST_TMPDIR
	# the pane keeps its exit status after the command ends; no status
	# bar, so the pane is exactly the size asked for
	printf '%s\n' 'set -g remain-on-exit on' 'set -g status off' \
		'set -g default-terminal screen' >"$T/tmux.conf"
	# The command of the pane: nettune top in the namespace, then the
	# terminal's state and nettune's exit status.  bash runs a trap only
	# after its foreground command ends, so ^C reaches nettune and the
	# script still records what it left behind.
	cat >"$T/run.sh" <<-EOF
		#!/bin/bash
		trap true INT TERM
		echo \$\$ >"$T/sh.pid"
		[ -z "\${NT_TOP_STDOUT:-}" ] || exec >"\$NT_TOP_STDOUT"
		ip netns exec "$NS" "$NETTUNE" top "\$@"
		rc=\$?
		stty -a >"$T/stty"
		echo "\$rc" >"$T/rc"
		exit "\$rc"
	EOF
	chmod +x "$T/run.sh"
}

teardown() {
	tm kill-server 2>/dev/null || true
}

# tmux on a server of this test's own, its socket in the test's directory
tm() {
	tmux -S "$T/tmux.sock" -f "$T/tmux.conf" "$@"
}

# top_start COLS ROWS [ARGS...]: nettune top in a detached session.  The
# script is the pane's process itself (no shell between, which ^C would
# kill), so the pane's exit status is the script's.
top_start() {
	local cols=$1 rows=$2
	shift 2
	tm new-session -d -s top -x "$cols" -y "$rows" \
		-e NT_TOP_STDOUT="${NT_TOP_STDOUT:-}" "$T/run.sh" "$@"
}

top_screen() {
	tm capture-pane -p -t top
}

# top_wait_for TEXT: until the screen shows TEXT (a fixed string), 30 s at most
top_wait_for() {
	local i

	for ((i = 0; i < 300; i++)); do
		top_screen | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	echo "the screen never showed '$1':"
	top_screen
	return 1
}

# top_wait_gone TEXT: until TEXT is no longer on the screen, 30 s at most
top_wait_gone() {
	local i

	for ((i = 0; i < 300; i++)); do
		top_screen | grep -qF -- "$1" || return 0
		sleep 0.1
	done
	echo "the screen still shows '$1':"
	top_screen
	return 1
}

# top_sort: the sort key the header shows
top_sort() {
	top_screen | sed -n 's/.*sort: \([a-z]*\).*/\1/p' | head -n 1
}

# top_dead: 1 when the pane's script has ended
top_dead() {
	tm display-message -p -t top '#{pane_dead}'
}

# top_pid: nettune's process, the one child of the pane's script
top_pid() {
	pgrep -P "$(cat "$T/sh.pid")"
}

# top_assert_ended: nettune has ended with status 0, the pane's script
# after it, and the terminal is back in cooked mode with echo.  nettune's
# status is the one the script recorded: tmux 3.3 may mark a pane dead
# before it has read its status, and then never shows #{pane_dead_status}.
top_assert_ended() {
	local i

	for ((i = 0; i < 300; i++)); do
		[ -s "$T/rc" ] && [ "$(top_dead)" = 1 ] && break
		sleep 0.1
	done
	assert_equal "$(top_dead)" 1
	assert_equal "$(cat "$T/rc")" 0
	run cat "$T/stty"
	assert_output --regexp '(^|[ ;])icanon( |;|$)'
	assert_output --regexp '(^|[ ;])echo( |;|$)'
	refute_output --partial '-icanon'
	refute_output --regexp '(^|[ ;])-echo( |;|$)'
}

# top_first_frame: the header, then the panes of the first sample
top_first_frame() {
	top_wait_for "nettune top"
	top_wait_for "CPU (1)"
}

@test "view at 120x40: panes, column headers, keys s 2 z h and q" {
	top_start 120 40 -d 0.2
	top_first_frame
	run top_screen
	assert_output --partial "interval 0.2s"
	assert_output --partial "live"
	assert_output --partial "worst: "
	assert_output --partial "NIC (2)"
	assert_output --partial "qdisc (3)"
	assert_output --partial "Sockets (4)"
	for col in NET_RX/s NET_TX/s PROCESSED/s DROPPED/s SQUEEZED/s RPS/s \
		   NICIRQ/s IFACE DRIVER RX_PPS TX_PPS RX_MBIT DROPS/s \
		   MISSED/s ERRORS/s RING_RX KIND OVERLIMITS/s REQUEUES/s \
		   BACKLOG LISTEN ACCEPTQ "listen overflow/s" \
		   "udp rcvbuf err/s" "tcp retrans/s"; do
		assert_output --partial "$col"
	done
	assert_line --regexp '^nt0 '
	assert_output --partial "q quit  p pause  space refresh"
	refute_output --partial "idle hidden"

	before=$(top_sort)
	assert [ -n "$before" ]
	tm send-keys -t top s
	for ((i = 0; i < 300; i++)); do
		[ "$(top_sort)" != "$before" ] && break
		sleep 0.1
	done
	refute [ "$(top_sort)" = "$before" ]

	tm send-keys -t top 2
	top_wait_gone "NIC (2)"
	run top_screen
	assert_output --partial "CPU (1)"
	assert_output --partial "qdisc (3)"
	tm send-keys -t top 2
	top_wait_for "NIC (2)"

	tm send-keys -t top z
	top_wait_for "idle hidden"
	tm send-keys -t top z
	top_wait_gone "idle hidden"

	tm send-keys -t top h
	top_wait_for "nettune top: keys"
	tm send-keys -t top h
	top_wait_gone "nettune top: keys"

	tm send-keys -t top p
	top_wait_for "PAUSED"
	tm send-keys -t top p
	top_wait_gone "PAUSED"

	tm send-keys -t top +
	top_wait_for "interval 0.4s"

	tm send-keys -t top q
	top_assert_ended
}

@test "view at 80x24: every pane, no line wraps, q quits" {
	top_start 80 24 -d 0.2
	top_first_frame
	run top_screen
	for text in "NIC (2)" "qdisc (3)" "Sockets (4)" DROPPED/s IFACE \
		    DROPS/s DEV LISTEN "q quit"; do
		assert_output --partial "$text"
	done
	# 24 lines of at most 80 characters, the header on the first and the
	# keys on the last: nothing wrapped or scrolled
	mapfile -t screen < <(top_screen)
	assert_equal "${#screen[@]}" 24
	for line in "${screen[@]}"; do
		assert [ "${#line}" -le 80 ]
	done
	assert_equal "${screen[0]:0:11}" "nettune top"
	assert_equal "${screen[23]:0:6}" "q quit"

	tm send-keys -t top e
	top_wait_for "queues shown"
	tm send-keys -t top 3
	top_wait_gone "qdisc (3)"
	tm send-keys -t top q
	top_assert_ended
}

@test "view follows a resize from 120x40 to 80x24" {
	top_start 120 40 -d 0.2
	top_first_frame
	tm resize-window -t top -x 80 -y 24
	for ((i = 0; i < 300; i++)); do
		[ "$(top_screen | wc -l)" -eq 24 ] &&
			top_screen | tail -n 1 | grep -q "q quit" && break
		sleep 0.1
	done
	mapfile -t screen < <(top_screen)
	assert_equal "${#screen[@]}" 24
	assert_equal "${screen[23]:0:6}" "q quit"
	tm send-keys -t top q
	top_assert_ended
}

@test "SIGTERM ends the view cleanly" {
	top_start 120 40 -d 0.21
	top_first_frame
	pid=$(top_pid)
	assert [ -n "$pid" ]
	kill -TERM "$pid"
	top_assert_ended
}

@test "SIGINT (^C) ends the view cleanly" {
	top_start 80 24 -d 0.2
	top_first_frame
	tm send-keys -t top C-c
	top_assert_ended
}

@test "without a terminal: exit 3 and one line pointing at -b" {
	local msg="nettune: top: the view needs a terminal;"

	run bash -c '"$NETTUNE" top </dev/null 2>&1 >/dev/null'
	assert_failure 3
	assert_output "$msg use -b for batch mode"

	# a terminal on stdin but not on stdout is no better
	NT_TOP_STDOUT=$T/out top_start 80 24
	for ((i = 0; i < 300; i++)); do
		[ -s "$T/rc" ] && break
		sleep 0.1
	done
	assert_equal "$(cat "$T/rc")" 3
}

@test "view replays a recording and stays on its last frame until q" {
	top_start 120 40 --replay "$NT_FIXTURES/top/drops.jsonl" --speed 0
	top_wait_for "CPU (1)"
	top_wait_for "replay"
	# the recording's tbf drops, on the qdisc pane
	top_wait_for "tbf"
	top_screen | grep -E '^nt0 +tbf' || fail "no tbf row: $(top_screen)"
	# the end of the recording does not end the view
	sleep 0.5
	assert_equal "$(top_dead)" 0
	tm send-keys -t top q
	top_assert_ended
}
