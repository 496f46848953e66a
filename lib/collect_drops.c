// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Observed drops, named: the rows of the drop-reason aggregator get their
 * reason, location and device names from the running kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "collect_drops.h"

static void name_reason(struct nt_drop_row *r,
			const struct nt_drop_reasons *reasons)
{
	const char *name = nt_drop_reason_name(reasons, r->reason);

	if (name)
		snprintf(r->reason_name, sizeof(r->reason_name), "%s", name);
	else
		snprintf(r->reason_name, sizeof(r->reason_name), "0x%x",
			 r->reason);
	r->not_specified = r->reason == reasons->not_specified;
}

static void name_device(struct nt_drop_row *r, struct nt_netns_names *ns)
{
	if (!r->ifindex)
		r->device[0] = '\0';
	else if (ns)
		nt_netns_devname(ns, r->netns, r->ifindex, r->device,
				 sizeof(r->device));
	else
		snprintf(r->device, sizeof(r->device), "%u@%u", r->ifindex,
			 r->netns);
}

static int name_locations(struct nt_drop_table *t, const char *kallsyms,
			  struct nt_err *err)
{
	uint64_t *addrs = calloc(t->n, sizeof(*addrs));
	struct nt_ksym *syms = calloc(t->n, sizeof(*syms));
	int ret = -ENOMEM;

	if (!addrs || !syms) {
		nt_err_set(err, ENOMEM, "drops: out of memory");
		goto out;
	}
	for (size_t i = 0; i < t->n; i++)
		addrs[i] = t->v[i].location;
	ret = nt_ksyms_resolve(kallsyms, addrs, t->n, syms,
			       &t->symbols_restricted, err);
	if (ret)
		goto out;
	for (size_t i = 0; i < t->n; i++) {
		snprintf(t->v[i].location_name, sizeof(t->v[i].location_name),
			 "%s", syms[i].name);
		t->v[i].location_offset = syms[i].offset;
	}
out:
	free(addrs);
	free(syms);
	return ret;
}

int nt_drop_table_name(struct nt_drop_table *t,
		       const struct nt_drop_reasons *reasons,
		       const char *kallsyms, struct nt_netns_names *ns,
		       struct nt_err *err)
{
	for (size_t i = 0; i < t->n; i++) {
		name_reason(&t->v[i], reasons);
		name_device(&t->v[i], ns);
	}
	return t->n ? name_locations(t, kallsyms, err) : 0;
}
