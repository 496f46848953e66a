/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_TOP_VIEW_H
#define NT_TOP_VIEW_H

/*
 * The interactive ncurses view of `nettune top`.  The control loop
 * (top.c) owns the clock and the samples; the view only draws a frame and
 * turns keys into changes of its state or into actions for the loop.
 */

#include <stdbool.h>

#include "output/top.h"
#include "sample/frame.h"
#include "util/err.h"

struct nt_view_state {
	struct nt_top_show show;	/* panes 1-4, e, z */
	enum nt_top_sort sort;		/* s */
	bool paused;			/* p */
	bool help;			/* h: help screen over the panes */
	double interval_s;		/* + and - change it */
	const char *source;		/* "live" or "replay FILE" */
};

enum nt_view_action {
	NT_VIEW_NONE = 0,	/* nothing to do */
	NT_VIEW_REDRAW,		/* state changed: draw the last frame again */
	NT_VIEW_REFRESH,	/* space: take a sample now */
	NT_VIEW_INTERVAL,	/* + or -: interval_s changed, re-arm the timer */
	NT_VIEW_SORT,		/* s: sort changed, re-sort and redraw */
	NT_VIEW_QUIT,		/* q */
};

struct nt_view;

/**
 * nt_view_open() - take the terminal: curses mode, colours when the
 * terminal has them, keys without echo, getch() that never blocks
 * Return: 0, or -ENOTTY with a message when stdin/stdout is no terminal.
 */
int nt_view_open(struct nt_view **out, struct nt_err *err);

/** nt_view_draw() - draw @f (NULL: "waiting for the first sample") */
void nt_view_draw(struct nt_view *v, const struct nt_top_frame *f,
		  const struct nt_view_state *st);

/**
 * nt_view_key() - read one pending key and apply it to @st
 *
 * Keys that mean nothing are read and skipped, so a caller that calls
 * this until NT_VIEW_NONE leaves no input behind in curses' buffer.  + and
 * - keep interval_s within 0.1 to 60 s (a longer -d is left alone by +);
 * at a limit they give NT_VIEW_REDRAW.  KEY_RESIZE gives NT_VIEW_REDRAW.
 *
 * Return: what the loop must do; NT_VIEW_NONE when no key was pending.
 */
enum nt_view_action nt_view_key(struct nt_view *v, struct nt_view_state *st);

/**
 * nt_view_resize() - the terminal changed size (SIGWINCH taken by the
 * caller's signalfd): curses learns the new size; draw again after it
 */
void nt_view_resize(struct nt_view *v);

/** nt_view_close() - give the terminal back as it was; NULL is fine */
void nt_view_close(struct nt_view *v);

#endif
