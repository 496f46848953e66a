// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness: /proc/interrupts (nt_procfs_parse_interrupts, and the
 * cursor the tick sampler reads it with), and the matching of its rows to
 * an interface (nt_irq_match_iface: action names, chips, PCI addresses).
 */
#include <stdlib.h>
#include <string.h>

#include "sys/irq.h"
#include "sys/procfs.h"

#include "fuzzlib.h"

/* As lib/sample/sampler.c reads a tick: room for a few columns, then more. */
static void cursor(const char *text)
{
	struct nt_procfs_cursor c;
	struct nt_err err = { 0 };
	uint32_t ids[4], *more = NULL;
	const char *rest, *rest_end;
	uint64_t *counts;
	char id[32];
	int irq, ret, row = 0;

	if (nt_procfs_table_begin(&c, text, strlen(text), ids, 4, &err))
		return;
	if (c.ncols > 4) {
		more = malloc(c.ncols * sizeof(*more));
		if (!more ||
		    nt_procfs_table_begin(&c, text, strlen(text), more,
					  c.ncols, &err))
			abort();
	}
	counts = malloc((c.ncols ? c.ncols : 1) * sizeof(*counts));
	if (!counts)
		abort();
	/* every other row is skipped unread, as the sampler skips rows */
	while ((ret = nt_procfs_irq_row(&c, id, sizeof(id), &irq, &err)) > 0)
		if (row++ % 2 &&
		    nt_procfs_irq_counts(&c, counts, &rest, &rest_end, &err))
			break;
	free(counts);
	free(more);
}

/* The IRQs of a plain NIC and of one port of a two-port PCI function. */
static void match(const struct nt_interrupts *t)
{
	static const uint32_t msi[] = { 24, 25, 26, 30 };
	static const char *const siblings[] = { "eth1", NULL };
	static const struct nt_irq_port ports[] = {
		{ .ifname = "eth0", .bus_info = "" },
		{ .ifname = "ens1f0", .bus_info = "0000:3b:00.0", .msi = msi,
		  .n_msi = 4, .siblings = siblings },
		{ .ifname = "ens1f0", .bus_info = "0000:3b:00.0",
		  .siblings = siblings },
	};

	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		struct nt_iface ifc = { 0 };

		if (nt_irq_match_iface(t, &ports[i], &ifc.irqs, &ifc.n_irqs))
			abort();
		nt_iface_free(&ifc);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct nt_interrupts t = { 0 };
	struct nt_err err = { 0 };

	if (!nt_procfs_parse_interrupts(text, &t, &err)) {
		match(&t);
		nt_interrupts_free(&t);
	}
	cursor(text);
	free(text);
	return 0;
}
