// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness: /proc/softirqs (nt_procfs_parse_softirqs, and the
 * cursor the tick sampler reads it with).
 */
#include <stdlib.h>
#include <string.h>

#include "sys/procfs.h"

#include "fuzzlib.h"

static void cursor(const char *text)
{
	struct nt_procfs_cursor c;
	struct nt_err err = { 0 };
	uint32_t ids[4], *more = NULL;
	uint64_t *counts;
	char name[32];
	int ret, row = 0;

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
	while ((ret = nt_procfs_softirq_row(&c, name, sizeof(name), &err)) > 0)
		if (row++ % 2 && nt_procfs_softirq_counts(&c, counts, &err))
			break;
	free(counts);
	free(more);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct nt_softirqs t = { 0 };
	struct nt_err err = { 0 };

	if (!nt_procfs_parse_softirqs(text, &t, &err))
		nt_softirqs_free(&t);
	cursor(text);
	free(text);
	return 0;
}
