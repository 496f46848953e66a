/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_COLLECT_DROPS_H
#define NT_COLLECT_DROPS_H

#include "model/drops.h"
#include "sys/dropnames.h"
#include "util/err.h"

/**
 * nt_drop_table_name() - name every row of @t from the running kernel
 * @t: rows of nt_drop_table_build()
 * @reasons: enum skb_drop_reason names (nt_drop_reasons_load())
 * @kallsyms: "/proc/kallsyms", or a fixture
 * @ns: device names by netns (nt_netns_names_init()), or NULL to leave
 *	devices as "IFINDEX@NETNS"
 *
 * A reason the table does not know is named by its value ("0x10002": a
 * subsystem's reason); a location kallsyms does not show stays "" and sets
 * @t->symbols_restricted when kallsyms hides every address.
 * Return: 0 or negative errno (kallsyms unreadable, out of memory).
 */
int nt_drop_table_name(struct nt_drop_table *t,
		       const struct nt_drop_reasons *reasons,
		       const char *kallsyms, struct nt_netns_names *ns,
		       struct nt_err *err);

/*
 * Observed drops for a verb that looks at the host twice (audit, top):
 * the aggregator of nettune's own netns, attached at open, and the drops
 * since the last table.
 */
struct nt_drop_watch {
	struct nt_dropmon *mon;
	struct nt_drop_reasons reasons;
	struct nt_drop_samples prev, cur;
	bool have_prev;
	struct nt_netns_names ns;
};

/**
 * nt_drop_watch_open() - load the reason names and attach the aggregator
 * @w: out
 * @err: why drop reasons are unavailable (no BTF, CAP_BPF/CAP_PERFMON,
 *	lockdown, the tracepoint): one line
 *
 * Return: 0, or negative errno with @w zeroed.
 */
int nt_drop_watch_open(struct nt_drop_watch *w, struct nt_err *err);

/**
 * nt_drop_watch_table() - the drops since the last call (or the open)
 * @t: zeroed or reused: named, sorted rows of nettune's netns
 * @seconds: the interval, for the rates (@t->seconds)
 *
 * Return: 0 or negative errno.
 */
int nt_drop_watch_table(struct nt_drop_watch *w, struct nt_drop_table *t,
			double seconds, struct nt_err *err);

/** nt_drop_watch_close() - detach and free; a zeroed @w is fine */
void nt_drop_watch_close(struct nt_drop_watch *w);

#endif
