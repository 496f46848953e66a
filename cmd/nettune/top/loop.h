/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_TOP_LOOP_H
#define NT_TOP_LOOP_H

/*
 * The control loop of `nettune top`, one struct in the manner of
 * util-linux irqtop: an epoll set over a timerfd (the clock), a signalfd
 * (SIGINT, SIGTERM, SIGWINCH) and, with the view, stdin.  Live samples come
 * from lib/sample/sampler, replayed ones from lib/sample/record; either way
 * two hosts of one shape take turns as the newer look, the frame is filled
 * from the pair, the audit judges the same pair, and the frame goes to the
 * view or to the batch printers.
 */

#include <stdbool.h>

#include "output/top.h"
#include "sample/frame.h"

struct top_opts {
	double interval;		/* -d, seconds */
	bool batch;			/* -b */
	bool json;			/* --json (implies -b) */
	long frames;			/* -n, 0: until stopped */
	const char *record;		/* --record FILE */
	const char *replay;		/* --replay FILE */
	double speed;			/* --speed, 0: as fast as possible */
	const char *root;		/* --root DIR */
	bool step;			/* --step: a sample per line of stdin */
	enum nt_top_sort sort;		/* --sort */
	bool no_drop_reasons;		/* --no-drop-reasons */
	struct nt_top_show show;	/* --expand, --hide-idle, --panes */
};

/**
 * top_run() - run `nettune top` with parsed options until -n frames, the
 * end of a replay, q, SIGINT or SIGTERM
 * Return: NT_EXIT_OK, or NT_EXIT_FAIL with the message printed once.
 */
int top_run(const struct top_opts *o);

#endif
