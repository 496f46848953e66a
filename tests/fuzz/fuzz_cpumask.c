// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness: CPU lists and masks (lib/model/cpumask.c), the
 * parsers of every sysfs and procfs CPU file (present, online, node
 * cpulist, thread_siblings_list, rps_cpus, xps_cpus, smp_affinity).
 *
 * The first byte picks the form (even: list "0-3,8", odd: hex "ff,0");
 * what parses must print and parse back to the same set.
 */
#include <stdlib.h>

#include "model/cpumask.h"

#include "fuzzlib.h"

typedef int (*format_fn)(const struct nt_cpumask *mask, char *buf,
			 size_t size);

static int format_hex(const struct nt_cpumask *mask, char *buf, size_t size)
{
	return nt_cpumask_format_hex(mask, 0, buf, size);
}

/* Print with a buffer that grows until the text fits. */
static char *format(const struct nt_cpumask *mask, format_fn fn)
{
	size_t size = 16;
	char *buf = NULL;
	int len;

	for (;;) {
		free(buf);
		buf = malloc(size);
		if (!buf)
			abort();
		len = fn(mask, buf, size);
		if (len >= 0)
			return buf;
		size *= 4;
	}
}

static void round_trip(const struct nt_cpumask *mask, format_fn fn,
		       int (*parse)(struct nt_cpumask *, const char *))
{
	struct nt_cpumask back = { 0 };
	char *text = format(mask, fn);

	if (parse(&back, text) || !nt_cpumask_equal(mask, &back))
		abort();
	nt_cpumask_free(&back);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nt_cpumask mask = { 0 };
	bool hex;
	char *text;
	int ret;

	if (!size)
		return 0;
	hex = data[0] & 1;
	text = fuzz_text(data + 1, size - 1);
	ret = hex ? nt_cpumask_parse_hex(&mask, text) :
		    nt_cpumask_parse_list(&mask, text);
	if (!ret) {
		round_trip(&mask, nt_cpumask_format_list,
			   nt_cpumask_parse_list);
		round_trip(&mask, format_hex, nt_cpumask_parse_hex);
		if (nt_cpumask_weight(&mask) && nt_cpumask_next(&mask, 0) < 0)
			abort();
	}
	nt_cpumask_free(&mask);
	free(text);
	return 0;
}
