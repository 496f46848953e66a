/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_SAMPLE_DROPSAMPLE_H
#define NT_SAMPLE_DROPSAMPLE_H

/*
 * The drop reasons of a `nettune top` tick: the drop-reason aggregator
 * (lib/sys/dropmon.c) of nettune's own netns, attached at the open, read
 * each tick into buffers sized at the open, the drops since the tick
 * before summed per key in a table that only grows (the aggregator never
 * forgets a key either), and the most frequent keys written into the
 * pane's fixed rows.  A tick allocates nothing and opens nothing; only a
 * key that reaches the pane for the first time has its location looked up
 * in /proc/kallsyms, once.
 */

#include "model/host.h"
#include "sample/frame.h"
#include "util/err.h"

struct nt_drop_sampler;

/**
 * nt_drop_sampler_open() - load the reason names, attach the aggregator
 * @err: why drop reasons are unavailable (no BTF, CAP_BPF/CAP_PERFMON,
 *	lockdown, the tracepoint), one line
 *
 * Return: 0 or negative errno.
 */
int nt_drop_sampler_open(struct nt_drop_sampler **out, struct nt_err *err);

/**
 * nt_drop_sampler_read() - the drops since the last read (or the open)
 * @host: the look of this tick, for device names by ifindex
 * @out: the pane's rows (counts; nt_top_frame_drops() makes the rates)
 *
 * Return: 0 or negative errno (the map could not be read).
 */
int nt_drop_sampler_read(struct nt_drop_sampler *s, const struct nt_host *host,
			 struct nt_top_drops *out, struct nt_err *err);

/** nt_drop_sampler_close() - detach and free; NULL is fine */
void nt_drop_sampler_close(struct nt_drop_sampler *s);

#endif
