// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/cpumask.h"

#define BIG	65536

static char *fmt_hex(const struct nt_cpumask *m, unsigned int nbits)
{
	static char buf[BIG];

	assert_true(nt_cpumask_format_hex(m, nbits, buf, sizeof(buf)) >= 0);
	return buf;
}

static char *fmt_list(const struct nt_cpumask *m)
{
	static char buf[BIG];

	assert_true(nt_cpumask_format_list(m, buf, sizeof(buf)) >= 0);
	return buf;
}

static void mask_of(struct nt_cpumask *m, const unsigned int *cpus, size_t n)
{
	size_t i;

	nt_cpumask_free(m);
	for (i = 0; i < n; i++)
		assert_int_equal(nt_cpumask_set(m, cpus[i]), 0);
}

static void test_basic_ops(void **state)
{
	struct nt_cpumask a = { 0 }, b = { 0 };

	(void)state;
	assert_true(nt_cpumask_empty(&a));
	assert_int_equal(nt_cpumask_weight(&a), 0);
	assert_int_equal(nt_cpumask_next(&a, 0), -1);
	assert_false(nt_cpumask_test(&a, 5000));

	assert_int_equal(nt_cpumask_set(&a, 4095), 0);
	assert_int_equal(nt_cpumask_set(&a, 0), 0);
	assert_int_equal(nt_cpumask_set(&a, 64), 0);
	assert_true(nt_cpumask_test(&a, 4095));
	assert_true(nt_cpumask_test(&a, 64));
	assert_false(nt_cpumask_test(&a, 63));
	assert_int_equal(nt_cpumask_weight(&a), 3);
	assert_int_equal(nt_cpumask_next(&a, 0), 0);
	assert_int_equal(nt_cpumask_next(&a, 1), 64);
	assert_int_equal(nt_cpumask_next(&a, 65), 4095);
	assert_int_equal(nt_cpumask_next(&a, 4096), -1);

	assert_int_equal(nt_cpumask_copy(&b, &a), 0);
	assert_true(nt_cpumask_equal(&a, &b));
	assert_int_equal(nt_cpumask_copy(&b, &b), 0);
	assert_true(nt_cpumask_equal(&a, &b));

	/* Equal ignores trailing zero words. */
	nt_cpumask_clear_all(&a);
	assert_true(nt_cpumask_empty(&a));
	assert_true(a.nwords > 0);
	nt_cpumask_free(&b);
	assert_true(nt_cpumask_equal(&a, &b));
	assert_int_equal(nt_cpumask_set(&a, 3), 0);
	assert_int_equal(nt_cpumask_set(&b, 3), 0);
	assert_true(nt_cpumask_equal(&a, &b));
	assert_true(nt_cpumask_equal(&b, &a));
	assert_int_equal(nt_cpumask_set(&b, 200), 0);
	assert_false(nt_cpumask_equal(&a, &b));

	nt_cpumask_free(&a);
	nt_cpumask_free(&b);
	nt_cpumask_free(NULL);
}

struct hex_case {
	const char *text;
	const char *list;
};

static void test_parse_hex(void **state)
{
	static const struct hex_case cases[] = {
		{ "ff,ffffffff", "0-39" },
		{ "1", "0" },
		{ "2", "1" },
		{ "3", "0-1" },
		{ "1,00000000", "32" },
		{ "0", "" },
		{ "00000000", "" },
		{ "00000000,00000000,00000000", "" },
		{ "00000000,00000001", "0" },
		{ "0,0,1", "0" },
		{ "80000000,00000000", "63" },
		{ "1,00000000,00000000", "64" },
		{ " 3\n", "0-1" },
		{ "FF", "0-7" },
		{ "aBc", "2-5,7,9,11" },
		{ "deadbeef", "0-3,5-7,9-13,15-16,18-19,21,23,25-28,30-31" },
	};
	struct nt_cpumask m = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(nt_cpumask_parse_hex(&m, cases[i].text), 0);
		assert_string_equal(fmt_list(&m), cases[i].list);
	}
	nt_cpumask_free(&m);
}

static void test_parse_hex_malformed(void **state)
{
	static const char *const bad[] = {
		"", " ", "\n", "g", "1,,2", ",1", "1,", "123456789",
		"0x1", "1 2", "-1", "1, 2", "ff,fffffffff", ",", "1;2", "+1",
	};
	struct nt_cpumask m = { 0 };
	size_t i;

	(void)state;
	assert_int_equal(nt_cpumask_set(&m, 7), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(nt_cpumask_parse_hex(&m, bad[i]), -EINVAL);
		/* A failed parse leaves the mask as it was. */
		assert_string_equal(fmt_list(&m), "7");
	}
	nt_cpumask_free(&m);
}

static void test_parse_list(void **state)
{
	struct nt_cpumask m = { 0 };

	(void)state;
	assert_int_equal(nt_cpumask_parse_list(&m, "0-3,8,10-11"), 0);
	assert_int_equal(nt_cpumask_weight(&m), 7);
	assert_string_equal(fmt_list(&m), "0-3,8,10-11");
	assert_string_equal(fmt_hex(&m, 0), "d0f");

	assert_int_equal(nt_cpumask_parse_list(&m, ""), 0);
	assert_true(nt_cpumask_empty(&m));
	assert_int_equal(nt_cpumask_parse_list(&m, " \n"), 0);
	assert_true(nt_cpumask_empty(&m));

	assert_int_equal(nt_cpumask_parse_list(&m, "5\n"), 0);
	assert_string_equal(fmt_list(&m), "5");
	assert_int_equal(nt_cpumask_parse_list(&m, "0-0"), 0);
	assert_string_equal(fmt_list(&m), "0");
	/* Unsorted and overlapping ranges are a set all the same. */
	assert_int_equal(nt_cpumask_parse_list(&m, "9,0-2,1-4"), 0);
	assert_string_equal(fmt_list(&m), "0-4,9");
	assert_int_equal(nt_cpumask_parse_list(&m, "0-4095"), 0);
	assert_int_equal(nt_cpumask_weight(&m), 4096);
	assert_string_equal(fmt_list(&m), "0-4095");
	assert_int_equal(nt_cpumask_parse_list(&m, "63-64,127-129"), 0);
	assert_string_equal(fmt_list(&m), "63-64,127-129");
	nt_cpumask_free(&m);
}

static void test_parse_list_malformed(void **state)
{
	static const char *const bad[] = {
		"3-1", "a", "1,,2", "1,", ",1", ",", "0-3:2/4", "-1", "1-",
		"1 -2", "1- 2", "1 ,2", "99999999999", "4294967296", "0x3",
		"1-2-3", "+1", "0-", "--", "1\n2",
	};
	struct nt_cpumask m = { 0 };
	size_t i;

	(void)state;
	assert_int_equal(nt_cpumask_set(&m, 7), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(nt_cpumask_parse_list(&m, bad[i]), -EINVAL);
		assert_string_equal(fmt_list(&m), "7");
	}
	nt_cpumask_free(&m);
}

struct kfmt_case {
	const char *list;
	unsigned int nbits;
	const char *hex;
};

/* What the kernel prints for a mask of @nbits (bitmap_string(), %*pb). */
static void test_format_hex_kernel(void **state)
{
	static const struct kfmt_case cases[] = {
		{ "0-1", 2, "3" },
		{ "", 2, "0" },
		{ "1", 2, "2" },
		{ "0", 4, "1" },
		{ "4", 5, "10" },
		{ "", 5, "00" },
		{ "", 32, "00000000" },
		{ "0", 32, "00000001" },
		{ "0-31", 32, "ffffffff" },
		{ "0-39", 40, "ff,ffffffff" },
		{ "", 40, "00,00000000" },
		{ "32", 33, "1,00000000" },
		{ "0", 64, "00000000,00000001" },
		{ "0-7", 8, "ff" },
		{ "0", 12, "001" },
		/* CPUs beyond nbits are not printed, as in the kernel. */
		{ "0-3", 2, "3" },
		{ "0,40", 33, "0,00000001" },
		{ "0,100", 0, "10,00000000,00000000,00000001" },
		{ "", 0, "0" },
		{ "32", 0, "1,00000000" },
		{ "39", 0, "80,00000000" },
		{ "0", 0, "1" },
		{ "1", 0, "2" },
	};
	struct nt_cpumask m = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(nt_cpumask_parse_list(&m, cases[i].list), 0);
		assert_string_equal(fmt_hex(&m, cases[i].nbits), cases[i].hex);
	}
	nt_cpumask_free(&m);
}

static void test_format_hex_4096(void **state)
{
	static const unsigned int cpus[] = { 0, 63, 64, 100, 4095 };
	struct nt_cpumask m = { 0 }, back = { 0 };
	char *hex;
	size_t i;

	(void)state;
	mask_of(&m, cpus, 5);
	hex = fmt_hex(&m, 4096);
	assert_int_equal(strlen(hex), 128 * 9 - 1);
	assert_memory_equal(hex, "80000000,00000000,", 18);
	assert_string_equal(hex + strlen(hex) - 35,
			    "00000010,00000001,80000000,00000001");
	for (i = 18; i < strlen(hex) - 35; i++)
		assert_true(hex[i] == '0' || hex[i] == ',');
	assert_int_equal(nt_cpumask_parse_hex(&back, hex), 0);
	assert_true(nt_cpumask_equal(&m, &back));

	/* Minimal form: the same groups, the first unpadded. */
	assert_string_equal(fmt_hex(&m, 0), hex);
	nt_cpumask_free(&m);
	nt_cpumask_free(&back);
}

/* A pseudo-random mask of @nbits CPUs, about @quarters/4 of them set. */
static void random_mask(struct nt_cpumask *m, unsigned int nbits,
			unsigned int quarters, uint32_t *seed)
{
	unsigned int cpu;

	nt_cpumask_free(m);
	for (cpu = 0; cpu < nbits; cpu++) {
		*seed = *seed * 1103515245 + 12345;
		if ((*seed >> 16) % 4 < quarters)
			assert_int_equal(nt_cpumask_set(m, cpu), 0);
	}
}

/* Both forms round trip for masks of every size, > 64 CPUs included. */
static void test_round_trip(void **state)
{
	static const unsigned int sizes[] = {
		1, 2, 31, 32, 33, 63, 64, 65, 100, 128, 1000, 4096, 8192,
	};
	struct nt_cpumask m = { 0 }, back = { 0 };
	uint32_t seed = 12345;
	unsigned int round;
	size_t s;

	(void)state;
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		for (round = 0; round < 20; round++) {
			random_mask(&m, sizes[s], round % 5, &seed);
			assert_int_equal(nt_cpumask_parse_hex(&back,
					 fmt_hex(&m, sizes[s])), 0);
			assert_true(nt_cpumask_equal(&m, &back));
			assert_int_equal(nt_cpumask_parse_hex(&back,
					 fmt_hex(&m, 0)), 0);
			assert_true(nt_cpumask_equal(&m, &back));
			assert_int_equal(nt_cpumask_parse_list(&back,
					 fmt_list(&m)), 0);
			assert_true(nt_cpumask_equal(&m, &back));
		}
	}
	nt_cpumask_free(&m);
	nt_cpumask_free(&back);
}

static void test_format_nospace(void **state)
{
	struct nt_cpumask m = { 0 };
	char buf[12];

	(void)state;
	assert_int_equal(nt_cpumask_parse_list(&m, "0-3,8,10-11"), 0);
	assert_int_equal(nt_cpumask_format_list(&m, buf, 12), 11);
	assert_string_equal(buf, "0-3,8,10-11");
	assert_int_equal(nt_cpumask_format_list(&m, buf, 11), -ENOSPC);
	assert_string_equal(buf, "");
	assert_int_equal(nt_cpumask_format_list(&m, NULL, 0), -ENOSPC);
	assert_int_equal(nt_cpumask_format_hex(&m, 64, buf, sizeof(buf)),
			 -ENOSPC);
	assert_int_equal(nt_cpumask_format_hex(&m, 32, buf, 9), 8);
	assert_string_equal(buf, "00000d0f");
	assert_int_equal(nt_cpumask_format_hex(&m, 32, buf, 8), -ENOSPC);
	assert_int_equal(nt_cpumask_format_hex(&m, 12, buf, 4), 3);
	assert_string_equal(buf, "d0f");
	assert_int_equal(nt_cpumask_format_hex(&m, 12, buf, 3), -ENOSPC);
	nt_cpumask_free(&m);
	assert_int_equal(nt_cpumask_format_list(&m, buf, 1), 0);
	assert_string_equal(buf, "");
}

/* nr_cpu_ids: one more than the highest possible CPU. */
static unsigned int nr_cpu_ids(void)
{
	struct nt_cpumask possible = { 0 };
	char text[4096] = "";
	unsigned int n = 0;
	FILE *f;
	int cpu;

	f = fopen("/sys/devices/system/cpu/possible", "r");
	if (!f)
		return 0;
	if (fgets(text, sizeof(text), f) &&
	    !nt_cpumask_parse_list(&possible, text)) {
		for (cpu = nt_cpumask_next(&possible, 0); cpu >= 0;
		     cpu = nt_cpumask_next(&possible, cpu + 1))
			n = cpu + 1;
	}
	fclose(f);
	nt_cpumask_free(&possible);
	return n;
}

static bool read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, size, f) != NULL;
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

/* rps_cpus and xps_cpus have no list form: hex must print back the same. */
static unsigned int check_queue_masks(unsigned int nbits)
{
	struct nt_cpumask m = { 0 };
	unsigned int checked = 0;
	char hex[BIG];
	glob_t g;
	size_t i;

	if (glob("/sys/class/net/*/queues/[rt]x-*/[rx]ps_cpus", 0, NULL, &g))
		return 0;
	for (i = 0; i < g.gl_pathc; i++) {
		if (!read_line(g.gl_pathv[i], hex, sizeof(hex)))
			continue;
		assert_int_equal(nt_cpumask_parse_hex(&m, hex), 0);
		assert_string_equal(fmt_hex(&m, nbits), hex);
		checked++;
	}
	globfree(&g);
	nt_cpumask_free(&m);
	return checked;
}

/* The real kernel's text: smp_affinity_list printed as smp_affinity. */
static void test_matches_kernel(void **state)
{
	unsigned int nbits = nr_cpu_ids(), checked = 0;
	struct nt_cpumask m = { 0 };
	char hex[BIG], list[BIG], path[256];
	glob_t g;
	size_t i;

	(void)state;
	if (!nbits || glob("/proc/irq/*/smp_affinity_list", 0, NULL, &g)) {
		skip();
		return;
	}
	for (i = 0; i < g.gl_pathc; i++) {
		/* .../smp_affinity_list -> .../smp_affinity */
		snprintf(path, sizeof(path), "%.*s",
			 (int)strlen(g.gl_pathv[i]) - 5, g.gl_pathv[i]);
		if (!read_line(g.gl_pathv[i], list, sizeof(list)) ||
		    !read_line(path, hex, sizeof(hex)))
			continue;
		assert_int_equal(nt_cpumask_parse_list(&m, list), 0);
		assert_string_equal(fmt_hex(&m, nbits), hex);
		assert_int_equal(nt_cpumask_parse_hex(&m, hex), 0);
		assert_string_equal(fmt_list(&m), list);
		checked++;
	}
	globfree(&g);
	checked += check_queue_masks(nbits);
	nt_cpumask_free(&m);
	print_message("# compared %u masks with the kernel (nr_cpu_ids %u)\n",
		      checked, nbits);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_ops),
		cmocka_unit_test(test_parse_hex),
		cmocka_unit_test(test_parse_hex_malformed),
		cmocka_unit_test(test_parse_list),
		cmocka_unit_test(test_parse_list_malformed),
		cmocka_unit_test(test_format_hex_kernel),
		cmocka_unit_test(test_format_hex_4096),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_format_nospace),
		cmocka_unit_test(test_matches_kernel),
	};

	return cmocka_run_group_tests_name("cpumask", tests, NULL, NULL);
}
