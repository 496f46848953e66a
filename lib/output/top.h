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

/* What is shown: the same switches as the view's keys 1-4, e and z. */
struct nt_top_show {
	bool pane[NT_PANE_COUNT];	/* 1-4 */
	bool expand;			/* e: a row per NIC queue */
	bool hide_idle;			/* z: no rows of idle CPUs, NICs, qdiscs */
};

/** nt_top_show_default() - every pane, queues collapsed, idle rows shown */
void nt_top_show_default(struct nt_top_show *show);

/**
 * nt_top_print_text() - one frame as text, ending with a blank line
 *
 * A header line, then each pane shown as a titled table; a row with a
 * non-zero drop rate ends in " <" so it can be found with grep.
 */
void nt_top_print_text(FILE *out, const struct nt_top_frame *f,
		       const struct nt_top_show *show);

/**
 * nt_top_print_json() - one frame as one line of compact JSON
 *
 * {"time":..,"host":..,"interval":..,"totals":{..},"worst":{..}|null,
 *  "cpus":[..],"nics":[{..,"queues":[..]}],"qdiscs":[..],"sockets":{..}}
 * Every pane is printed whatever @show says but hidden idle rows are left
 * out; unknown rates are null.
 */
void nt_top_print_json(FILE *out, const struct nt_top_frame *f,
		       const struct nt_top_show *show);

#endif
