/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_OUTPUT_TOP_H
#define NT_OUTPUT_TOP_H

/*
 * Printers of a `nettune top` frame for batch mode: plain text frames and
 * JSON lines (one compact object per frame).  Both write straight to the
 * stream and allocate nothing, so a batch run that lasts for days stays the
 * size it had after its first frame.  The ncurses view
 * (cmd/nettune/top/view.c) draws the same frame with the same choices.
 */

#include <stdbool.h>
#include <stdio.h>

#include "sample/frame.h"

/* What is shown: the same switches as the view's keys 1-5, e and z. */
struct nt_top_show {
	bool pane[NT_PANE_COUNT];	/* 1-5 */
	bool expand;			/* e: a row per NIC queue */
	bool hide_idle;			/* z: no rows of idle CPUs, NICs, qdiscs */
};

/** nt_top_show_default() - every pane, queues collapsed, idle rows shown */
void nt_top_show_default(struct nt_top_show *show);

/**
 * nt_top_print_text() - one frame as text, ending with a blank line
 *
 * Two header lines (host, uptime, interval and totals; the worst finding
 * of lib/audit), then each pane shown as a title line ("NICs: 3 (1 idle
 * hidden)"), a line of column names and the rows, each pane after a blank
 * line; the drop-reason pane only when they were counted (or one line
 * saying why they could not be).  Expanded, a NIC's queues that have an IRQ or driver counters
 * follow it, indented.  Rates are compact ("1.2k"), "-" when the host has
 * no such counter.  A row with a non-zero drop rate ends in " <" so it
 * can be found with grep; no line is longer than 120 columns.  Control
 * characters in names are printed as '?'; an offline CPU's number is
 * followed by '*'.
 */
void nt_top_print_text(FILE *out, const struct nt_top_frame *f,
		       const struct nt_top_show *show);

/**
 * nt_top_print_json() - one frame as one line of compact JSON
 *
 * {"time":..,"host":..,"kernel":..,"uptime":..,"interval":..,"sort":..,
 *  "totals":{"rx_pps","tx_pps","drops"},
 *  "worst":{"severity","id","subject","summary"}|null,
 *  "cpus":[{"cpu","node","online","net_rx","net_tx","processed","dropped",
 *           "squeezed","rps","nic_irqs","idle"}],
 *  "nics":[{"name","driver","numa_node","rx_pps","tx_pps","rx_mbps",
 *           "tx_mbps","drops","missed","errors","ring_rx","ring_rx_max",
 *           "driver_drops","idle","queues":[{"queue","type","irq","cpus",
 *           "irqs","rx_pps","tx_pps","drops"}]}],
 *  "qdiscs":[{"dev","kind","handle","parent","pps","drops","overlimits",
 *             "requeues","backlog_bytes","backlog_packets","idle"}],
 *  "sockets":{"listen_overflows","listen_drops","udp_rcvbuf_errors",
 *             "udp_inerrors","tcp_retrans","prune_called","rcv_pruned",
 *             "backlog_drops","listeners":[{"family","addr","port",
 *             "accept_queue","backlog"}]|null},
 *  "drop_reasons":{"rows":[{"reason","location","device","count",
 *                  "per_s"}],"other","other_per_s"}}
 * "drop_reasons" is there only when they were counted; when they could
 * not be it is null and "drop_reasons_unavailable" says why.
 * "time" is seconds since the epoch (CLOCK_REALTIME, milliseconds),
 * rates are per second.  Every pane is printed whatever @show says (and
 * the queues of every NIC) but hidden idle rows are left out, and so are
 * queues with neither an IRQ nor a driver counter; unknown values
 * are null; names are escaped, bytes that are not UTF-8 become U+FFFD.
 */
void nt_top_print_json(FILE *out, const struct nt_top_frame *f,
		       const struct nt_top_show *show);

#endif
