// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness: /proc/net/sockstat and sockstat6
 * (nt_procfs_parse_sockstat) and /proc/uptime (nt_procfs_parse_uptime).
 */
#include <stdlib.h>

#include "sys/procfs.h"

#include "fuzzlib.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct nt_counters c = { 0 };
	struct nt_err err = { 0 };
	int64_t ns;

	nt_procfs_parse_sockstat(text, &c, &err);
	nt_counters_free(&c);
	nt_procfs_parse_uptime(text, &ns);
	free(text);
	return 0;
}
