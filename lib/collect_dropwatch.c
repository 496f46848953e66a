// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Observed drops for audit and top: the aggregator attached for the
 * verb's run, and each look's drops since the previous one, named.  Apart
 * from collect_drops.c so that what links the names alone (the fuzz
 * harnesses) does not need the BPF skeleton.
 */
#include <errno.h>
#include <string.h>

#include "collect_drops.h"

#define KALLSYMS	"/proc/kallsyms"

int nt_drop_watch_open(struct nt_drop_watch *w, struct nt_err *err)
{
	struct nt_dropmon_opts mo = { 0 };
	int ret;

	memset(w, 0, sizeof(*w));
	nt_netns_names_init(&w->ns);
	mo.netns_only = w->ns.self;
	if (!mo.netns_only)
		return nt_err_set(err, EIO, "cannot read /proc/self/ns/net");
	ret = nt_drop_reasons_load(&w->reasons, err);
	if (ret)
		return ret;
	mo.consumed = w->reasons.consumed;
	ret = nt_dropmon_open(&w->mon, &mo, err);
	if (ret)
		nt_drop_watch_close(w);
	return ret;
}

int nt_drop_watch_table(struct nt_drop_watch *w, struct nt_drop_table *t,
			double seconds, struct nt_err *err)
{
	struct nt_drop_samples tmp;
	int ret;

	ret = nt_dropmon_read(w->mon, &w->cur, err);
	if (!ret) {
		t->netns = w->ns.self;
		ret = nt_drop_table_build(t, &w->cur,
					  w->have_prev ? &w->prev : NULL, 0,
					  err);
	}
	if (!ret)
		ret = nt_drop_table_name(t, &w->reasons, KALLSYMS, &w->ns,
					 err);
	if (ret)
		return ret;
	t->seconds = seconds;
	nt_drop_table_sort(t);
	/* the later snapshot is the next one's earlier: swap, keep both */
	tmp = w->prev;
	w->prev = w->cur;
	w->cur = tmp;
	w->have_prev = true;
	return 0;
}

void nt_drop_watch_close(struct nt_drop_watch *w)
{
	nt_dropmon_close(w->mon);
	nt_drop_reasons_free(&w->reasons);
	nt_drop_samples_free(&w->prev);
	nt_drop_samples_free(&w->cur);
	nt_netns_names_free(&w->ns);
	memset(w, 0, sizeof(*w));
}
