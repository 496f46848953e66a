// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness: /proc/net/softnet_stat (nt_procfs_parse_softnet,
 * and the walker the tick sampler uses).
 */
#include <stdlib.h>

#include "sys/procfs.h"

#include "fuzzlib.h"

static int count_row(const struct nt_softnet *row, void *arg)
{
	(void)row;
	++*(size_t *)arg;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct nt_err err = { 0 };
	struct nt_softnet *rows = NULL;
	size_t n = 0, walked = 0;
	int ret;

	ret = nt_procfs_parse_softnet(text, &rows, &n, &err);
	if (!ret) {
		free(rows);
		/* the walker is the parser's grammar: the same rows */
		if (nt_procfs_walk_softnet(text, count_row, &walked, &err) ||
		    walked != n)
			abort();
	}
	free(text);
	return 0;
}
