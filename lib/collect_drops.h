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

#endif
