// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness: /proc/net/snmp, netstat and snmp6
 * (nt_procfs_parse_snmp and its walker).
 */
#include <stdlib.h>

#include "sys/procfs.h"

#include "fuzzlib.h"

static int count(const char *name, int64_t value, void *arg)
{
	(void)name;
	(void)value;
	++*(size_t *)arg;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct nt_counters c = { 0 };
	struct nt_err err = { 0 };
	size_t walked = 0;
	int ret;

	ret = nt_procfs_parse_snmp(text, &c, &err);
	if (!ret && (nt_procfs_walk_snmp(text, count, &walked, &err) ||
		     walked < c.n))
		abort();
	nt_counters_free(&c);
	free(text);
	return 0;
}
