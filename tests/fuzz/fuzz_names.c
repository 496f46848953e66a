// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness: names the kernel and drivers give, read by pattern.
 * The first byte picks the parser (its value modulo 3):
 *   0  driver counter names of ethtool -S (nt_drvstat_parse and the
 *      ring, drop and link-copy tests, lib/model/drvstat.c)
 *   1  IRQ action names of /proc/interrupts (nt_irq_parse_name), with and
 *      without an interface name to find in them
 *   2  tc handles "1:", "ffff:0" (nt_tc_handle_parse); what parses must
 *      print and parse back to the same handle
 */
#include <stdlib.h>
#include <string.h>

#include "model/drvstat.h"
#include "sys/irq.h"
#include "util/tc.h"

#include "fuzzlib.h"

static void drvstat(const char *name)
{
	struct nt_drvstat_id id;

	nt_drvstat_parse(name, &id);
	if (strnlen(id.dir, sizeof(id.dir)) == sizeof(id.dir))
		abort();
	nt_drvstat_ring(name);
	nt_drvstat_drop(name);
	nt_drvstat_link_copy(name);
}

static void irq_name(const char *action)
{
	static const char *const ifnames[] = { "", "eth0", "ens1f0" };

	for (size_t i = 0; i < sizeof(ifnames) / sizeof(ifnames[0]); i++) {
		struct nt_iface_irq irq = { 0 };

		nt_irq_parse_name(action, ifnames[i], &irq);
		if (strnlen(irq.pattern, sizeof(irq.pattern)) ==
		    sizeof(irq.pattern))
			abort();
	}
}

static void tc_handle(const char *s)
{
	uint32_t h, back;
	char buf[32];

	if (nt_tc_handle_parse(s, &h))
		return;
	nt_tc_handle_format(h, buf, sizeof(buf));
	if (nt_tc_handle_parse(buf, &back) || back != h)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static void (*const parsers[])(const char *) = { drvstat, irq_name,
							 tc_handle };
	char *text;

	if (!size)
		return 0;
	text = fuzz_text(data + 1, size - 1);
	parsers[data[0] % 3](text);
	free(text);
	return 0;
}
