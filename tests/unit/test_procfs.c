// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * procfs parsers against real captures ($NT_FIXTURES/real-hosts) and small
 * hand-written texts in the shape of newer kernels' files.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sys/procfs.h"
#include "testlib.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct nt_interrupt *irq_by_id(const struct nt_interrupts *t,
					    const char *id)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].id, id))
			return &t->v[i];
	return NULL;
}

static int64_t counter(const struct nt_counters *c, const char *name)
{
	int64_t v = 0;

	if (!nt_counters_get(c, name, &v))
		fail_msg("counter %s missing", name);
	return v;
}

/* softnet_stat ------------------------------------------------------------ */

static void test_softnet_fixtures(void **state)
{
	static const char *const files[] = {
		"softnet_stat/softnet_stat1", "softnet_stat/softnet_stat2",
		"softnet_stat/softnet_stat3", "softnet_stat/softnet_stat4",
		"softnet_stat/softnet_stat5",
	};
	size_t i, j;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		struct nt_err err = { 0 };
		struct nt_softnet *sn;
		char *text = fixture_text(files[i]);
		size_t n;

		assert_int_equal(nt_procfs_parse_softnet(text, &sn, &n, &err),
				 0);
		assert_int_equal(n, 8);
		for (j = 0; j < n; j++) {
			assert_int_equal(sn[j].ncols, 10);
			assert_int_equal(sn[j].cpu, j);
		}
		free(sn);
		free(text);
	}
}

/* First and last lines of softnet_stat1, decoded by hand from the hex. */
static void test_softnet_old_10_columns(void **state)
{
	struct nt_err err = { 0 };
	struct nt_softnet *sn;
	char *text = fixture_text("softnet_stat/softnet_stat1");
	size_t n;

	(void)state;
	assert_int_equal(nt_procfs_parse_softnet(text, &sn, &n, &err), 0);
	assert_int_equal(sn[0].processed, 463535043);	/* 1ba0fbc3 */
	assert_int_equal(sn[0].dropped, 0);
	assert_int_equal(sn[0].time_squeeze, 435);	/* 000001b3 */
	assert_int_equal(sn[0].flow_limit_count, 0);
	assert_int_equal(sn[7].cpu, 7);
	assert_int_equal(sn[7].processed, 2081374073);	/* 7c0f3f79 */
	assert_int_equal(sn[7].time_squeeze, 195);	/* 000000c3 */
	free(sn);
	free(text);
}

static void test_softnet_11_columns(void **state)
{
	static const char text[] =
		"0000abcd 00000001 00000002 00000000 00000000 00000000 "
		"00000000 00000000 00000000 00000003 00000004\n"
		"00000010 00000000 00000000 00000000 00000000 00000000 "
		"00000000 00000000 00000000 00000000 0000000a\n";
	struct nt_err err = { 0 };
	struct nt_softnet *sn;
	size_t n;

	(void)state;
	assert_int_equal(nt_procfs_parse_softnet(text, &sn, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(sn[0].ncols, 11);
	assert_int_equal(sn[0].processed, 0xabcd);
	assert_int_equal(sn[0].dropped, 1);
	assert_int_equal(sn[0].time_squeeze, 2);
	assert_int_equal(sn[0].received_rps, 3);
	assert_int_equal(sn[0].flow_limit_count, 4);
	assert_int_equal(sn[1].cpu, 1);
	assert_int_equal(sn[1].flow_limit_count, 10);
	free(sn);
}

/* 5.10+: CPU 1 offline, so the second line is CPU 2 by its index column. */
static void test_softnet_13_columns_offline_cpu(void **state)
{
	static const char text[] =
		"00000100 00000000 00000001 00000000 00000000 00000000 "
		"00000000 00000000 00000000 00000000 00000000 00000005 "
		"00000000\n"
		"00000200 00000007 00000000 00000000 00000000 00000000 "
		"00000000 00000000 00000000 00000009 00000000 00000000 "
		"00000002\n"
		"00000300 00000000 00000000 00000000 00000000 00000000 "
		"00000000 00000000 00000000 00000000 00000000 00000000 "
		"00000003\n";
	struct nt_err err = { 0 };
	struct nt_softnet *sn;
	size_t n;

	(void)state;
	assert_int_equal(nt_procfs_parse_softnet(text, &sn, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(sn[0].ncols, 13);
	assert_int_equal(sn[0].cpu, 0);
	assert_int_equal(sn[0].backlog_len, 5);
	assert_int_equal(sn[1].cpu, 2);
	assert_int_equal(sn[1].dropped, 7);
	assert_int_equal(sn[1].received_rps, 9);
	assert_int_equal(sn[2].cpu, 3);
	assert_int_equal(sn[2].processed, 0x300);
	free(sn);
}

/* The shape of this machine's 6.18 file. */
static void test_softnet_15_columns(void **state)
{
	static const char text[] =
		"00000012 00000000 00000000 00000000 00000000 00000000 "
		"00000000 00000000 00000000 00000000 00000000 00000000 "
		"00000000 00000000 00000000\n"
		"000001e9 00000003 00000004 00000000 00000000 00000000 "
		"00000000 00000000 00000000 00000001 00000002 00000006 "
		"00000001 00000005 00000001\n";
	struct nt_err err = { 0 };
	struct nt_softnet *sn;
	size_t n;

	(void)state;
	assert_int_equal(nt_procfs_parse_softnet(text, &sn, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(sn[1].ncols, 15);
	assert_int_equal(sn[1].cpu, 1);
	assert_int_equal(sn[1].processed, 0x1e9);
	assert_int_equal(sn[1].dropped, 3);
	assert_int_equal(sn[1].time_squeeze, 4);
	assert_int_equal(sn[1].received_rps, 1);
	assert_int_equal(sn[1].flow_limit_count, 2);
	assert_int_equal(sn[1].backlog_len, 6);
	assert_int_equal(sn[1].input_qlen, 5);
	assert_int_equal(sn[1].process_qlen, 1);
	free(sn);
}

static void test_softnet_future_columns(void **state)
{
	static const char text[] =
		"00000001 00000002 00000003 00000000 00000000 00000000 "
		"00000000 00000000 00000000 00000000 00000000 00000000 "
		"00000004 00000000 00000000 0000ffff deadbeef\n";
	struct nt_err err = { 0 };
	struct nt_softnet *sn;
	size_t n;

	(void)state;
	assert_int_equal(nt_procfs_parse_softnet(text, &sn, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(sn[0].ncols, 17);
	assert_int_equal(sn[0].cpu, 4);
	assert_int_equal(sn[0].time_squeeze, 3);
	free(sn);
}

static void test_softnet_malformed(void **state)
{
	static const char not_hex[] =
		"00000001 00000000 00000000 00000000 00000000 00000000 "
		"00000000 00000000 00000000 00000000 00000000\n"
		"00000001 0000zz00 00000000 00000000 00000000 00000000 "
		"00000000 00000000 00000000 00000000 00000000\n";
	static const char too_few[] =
		"00000001 00000000 00000000 00000000 00000000 00000000 "
		"00000000 00000000 00000000 00000000 00000000\n"
		"00000001 00000000 00000000 00000000 00000000 00000000 "
		"00000000 00000000 00000000 00000000 00000000\n"
		"00000001 00000000 00000000 00000000\n";
	struct nt_err err = { 0 };
	struct nt_softnet *sn = (struct nt_softnet *)1;
	size_t n = 99;

	(void)state;
	assert_int_equal(nt_procfs_parse_softnet(not_hex, &sn, &n, &err),
			 -EINVAL);
	assert_null(sn);
	assert_int_equal(n, 0);
	assert_non_null(strstr(err.msg, "line 2:"));
	assert_non_null(strstr(err.msg, "0000zz00"));

	nt_err_clear(&err);
	assert_int_equal(nt_procfs_parse_softnet(too_few, &sn, &n, &err),
			 -EINVAL);
	assert_null(sn);
	assert_non_null(strstr(err.msg, "line 3:"));
	assert_non_null(strstr(err.msg, "4 columns"));

	/* A 17-digit field does not fit 64 bits. */
	nt_err_clear(&err);
	assert_int_equal(nt_procfs_parse_softnet(
		"10000000000000000 0 0 0 0 0 0 0 0 0\n", &sn, &n, &err),
		-EINVAL);
	assert_non_null(strstr(err.msg, "line 1:"));
}

/* interrupts -------------------------------------------------------------- */

/* Two E5-2640 sockets, 32 CPU columns. */
#define IRQ_32CPU \
	"servers/2xE5-2640.i350_and_82599ES.l2_mixed.masterconf/interrupts"

static const char *const irq_files[] = {
	"interrupts/singlequeue_8cpu/interrupts1",
	"interrupts/singlequeue_8cpu/interrupts2",
	"interrupts/singlequeue_8cpu/interrupts3",
	"interrupts/singlequeue_8cpu/interrupts4",
	"interrupts/singlequeue_8cpu/interrupts5",
	"interrupts/singlequeue_8cpu/interrupts_short",
	"interrupts/multinic_multiqueue_4cpu/interrupts1",
	"interrupts/multinic_multiqueue_4cpu/interrupts2",
	"interrupts/multinic_multiqueue_4cpu/interrupts3",
	"interrupts/multinic_multiqueue_4cpu/interrupts4",
	"interrupts/multinic_multiqueue_4cpu/interrupts5",
	"interrupts/multinic_multiqueue_4cpu/interrupts_short",
	"irq-layouts/2xI350.i5-6400/interrupts",
	"irq-layouts/igb.E5606/interrupts",
	"irq-layouts/ixgbe.E5645/interrupts",
	"irq-layouts/mlx5.Q6700/interrupts",
	"servers/1xi3.single_i350.l2_mixed.manual/interrupts",
	IRQ_32CPU,
	"servers/2xE5530.82576_and_82574L.l2_mixed.manual/interrupts",
	"servers/2xX5650.BCM5709_and_MT27520.L2.manual/interrupts",
	"servers/kvm.l3.masterconf/interrupts",
};

static size_t rows(const char *text)
{
	size_t n = 0;

	for (text = strchr(text, '\n'); text; text = strchr(text + 1, '\n'))
		n += text[1] != '\0';
	return n;
}

static unsigned int header_columns(const char *text)
{
	unsigned int n = 0;
	const char *p = text;

	while ((p = strstr(p, "CPU")) && p < strchr(text, '\n')) {
		n++;
		p += 3;
	}
	return n;
}

/* Every capture parses, and every numbered row has a chip and a name. */
static void test_interrupts_fixtures(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(irq_files); i++) {
		struct nt_interrupts t;
		struct nt_err err = { 0 };
		char *text = fixture_text(irq_files[i]);
		const struct nt_interrupt *loc;
		unsigned int named = 0;

		if (nt_procfs_parse_interrupts(text, &t, &err))
			fail_msg("%s: %s", irq_files[i], err.msg);
		assert_int_equal(t.ncpus, header_columns(text));
		assert_int_equal(t.n, rows(text));
		for (j = 0; j < t.ncpus; j++)
			assert_int_equal(t.cpu_ids[j], j);
		for (j = 0; j < t.n; j++) {
			const struct nt_interrupt *r = &t.v[j];

			assert_non_null(r->chip);
			assert_non_null(r->name);
			if (r->irq < 0) {
				named++;
				assert_string_equal(r->chip, "");
				continue;
			}
			/* old kernels: chip and flow are one token */
			assert_non_null(strstr(r->chip, "-"));
			assert_null(strchr(r->chip, ' '));
			assert_null(strstr(r->name, "  "));
			assert_null(strstr(r->name, "edge"));
			assert_null(strstr(r->name, "fasteoi"));
		}
		assert_true(named >= 2);
		loc = irq_by_id(&t, "LOC");
		assert_non_null(loc);
		assert_string_equal(loc->name, "Local timer interrupts");
		assert_int_equal(irq_by_id(&t, "0")->irq, 0);
		assert_string_equal(irq_by_id(&t, "0")->name, "timer");
		nt_interrupts_free(&t);
		free(text);
	}
}

static void test_interrupts_32cpu(void **state)
{
	struct nt_interrupts t;
	struct nt_err err = { 0 };
	char *text = fixture_text(IRQ_32CPU);
	const struct nt_interrupt *r;
	uint32_t i;

	(void)state;
	assert_int_equal(nt_procfs_parse_interrupts(text, &t, &err), 0);
	assert_int_equal(header_columns(text), 32);
	assert_int_equal(t.ncpus, 32);
	assert_int_equal(t.cpu_ids[31], 31);

	r = irq_by_id(&t, "93");
	assert_non_null(r);
	assert_int_equal(r->irq, 93);
	assert_int_equal(r->counts[0], 23513893);
	for (i = 1; i < 32; i++)
		assert_int_equal(r->counts[i], 0);
	assert_string_equal(r->chip, "IR-PCI-MSI-edge");
	assert_string_equal(r->name, "eth0-TxRx-1");

	r = irq_by_id(&t, "RES");
	assert_int_equal(r->irq, -1);
	assert_int_equal(r->counts[0], 4716626);
	assert_int_equal(r->counts[31], 3967025);
	assert_string_equal(r->name, "Rescheduling interrupts");

	/* one count only: the other 31 columns are 0 */
	r = irq_by_id(&t, "ERR");
	assert_non_null(r);
	for (i = 0; i < 32; i++)
		assert_int_equal(r->counts[i], 0);
	assert_string_equal(r->name, "");
	nt_interrupts_free(&t);
	free(text);
}

static void test_interrupts_mlx5_ixgbe(void **state)
{
	struct nt_interrupts t;
	struct nt_err err = { 0 };
	char *text = fixture_text("irq-layouts/mlx5.Q6700/interrupts");
	const struct nt_interrupt *r;

	(void)state;
	assert_int_equal(nt_procfs_parse_interrupts(text, &t, &err), 0);
	r = irq_by_id(&t, "33");
	assert_int_equal(r->counts[0], 122736116);
	assert_int_equal(r->counts[3], 5465612);
	assert_string_equal(r->chip, "PCI-MSI-edge");
	assert_string_equal(r->name, "mlx5_comp3@pci:0000:01:00.0");
	r = irq_by_id(&t, "18");
	assert_string_equal(r->chip, "IO-APIC-fasteoi");
	assert_string_equal(r->name, "uhci_hcd:usb4, radeon");
	nt_interrupts_free(&t);
	free(text);

	text = fixture_text("irq-layouts/ixgbe.E5645/interrupts");
	assert_int_equal(nt_procfs_parse_interrupts(text, &t, &err), 0);
	assert_int_equal(t.ncpus, 12);
	r = irq_by_id(&t, "73");
	assert_int_equal(r->counts[0], 7138811);
	assert_string_equal(r->name, "eth0-TxRx-7");
	r = irq_by_id(&t, "18");
	assert_string_equal(r->name, "ehci_hcd:usb1, uhci_hcd:usb6");
	nt_interrupts_free(&t);
	free(text);
}

/* Shared lines list every handler, joined by ", ". */
static void test_interrupts_shared_names(void **state)
{
	struct nt_interrupts t;
	struct nt_err err = { 0 };
	char *text = fixture_text("servers/kvm.l3.masterconf/interrupts");
	const struct nt_interrupt *r;

	(void)state;
	assert_int_equal(nt_procfs_parse_interrupts(text, &t, &err), 0);
	assert_int_equal(t.ncpus, 2);
	r = irq_by_id(&t, "11");
	assert_int_equal(r->counts[0], 976435);
	assert_int_equal(r->counts[1], 47);
	assert_string_equal(r->chip, "IO-APIC-fasteoi");
	assert_string_equal(r->name, "uhci_hcd:usb1, eth0, eth1");
	nt_interrupts_free(&t);
	free(text);

	text = fixture_text("interrupts/singlequeue_8cpu/interrupts1");
	assert_int_equal(nt_procfs_parse_interrupts(text, &t, &err), 0);
	r = irq_by_id(&t, "23");
	assert_string_equal(r->chip, "IR-IO-APIC-fasteoi");
	assert_string_equal(r->name, "ehci_hcd:usb1, ehci_hcd:usb2");
	/* a line with no handler left */
	r = irq_by_id(&t, "4");
	assert_string_equal(r->chip, "IR-IO-APIC-edge");
	assert_string_equal(r->name, "");
	nt_interrupts_free(&t);
	free(text);
}

/* Newer kernels: chip, hwirq and flow are separate columns. */
static void test_interrupts_modern_layout(void **state)
{
	static const char text[] =
		"           CPU0       CPU1       \n"
		" 24:          1          0  IO-APIC   5-edge      ACPI:Ged\n"
		" 38:          0        371 "
		"PCI-MSIX-0000:00:03.0   1-edge      virtio2-input.0\n"
		" 44:          0          0 "
		"PCI-MSIX-0000:00:04.0   4-edge    \n"
		" 11:      42113      43118 "
		"    GICv3  27 Level     kvm guest ptimer\n"
		" 12:          5          6  xen-percpu    -virq      timer0\n"
		" 13:          5          6  weird-chip  17  some handler\n"
		"NMI:          0          0   Non-maskable interrupts\n"
		"LOC:      12723      17805   Local timer interrupts\n"
		"ERR:          0\n"
		"PIW:          0          0   Posted-interrupt wakeup event\n";
	struct nt_interrupts t;
	struct nt_err err = { 0 };
	const struct nt_interrupt *r;

	(void)state;
	assert_int_equal(nt_procfs_parse_interrupts(text, &t, &err), 0);
	assert_int_equal(t.ncpus, 2);
	assert_int_equal(t.n, 10);
	r = irq_by_id(&t, "38");
	assert_int_equal(r->irq, 38);
	assert_int_equal(r->counts[0], 0);
	assert_int_equal(r->counts[1], 371);
	assert_string_equal(r->chip, "PCI-MSIX-0000:00:03.0 1-edge");
	assert_string_equal(r->name, "virtio2-input.0");
	r = irq_by_id(&t, "24");
	assert_string_equal(r->chip, "IO-APIC 5-edge");
	assert_string_equal(r->name, "ACPI:Ged");
	r = irq_by_id(&t, "44");
	assert_string_equal(r->chip, "PCI-MSIX-0000:00:04.0 4-edge");
	assert_string_equal(r->name, "");
	r = irq_by_id(&t, "11");
	assert_string_equal(r->chip, "GICv3 27 Level");
	assert_string_equal(r->name, "kvm guest ptimer");
	r = irq_by_id(&t, "12");
	assert_string_equal(r->chip, "xen-percpu -virq");
	assert_string_equal(r->name, "timer0");
	/* no flow type known: the last wide gap separates the name */
	r = irq_by_id(&t, "13");
	assert_string_equal(r->chip, "weird-chip 17");
	assert_string_equal(r->name, "some handler");
	r = irq_by_id(&t, "NMI");
	assert_int_equal(r->irq, -1);
	assert_string_equal(r->chip, "");
	assert_string_equal(r->name, "Non-maskable interrupts");
	r = irq_by_id(&t, "ERR");
	assert_int_equal(r->counts[0], 0);
	assert_int_equal(r->counts[1], 0);
	assert_string_equal(t.v[t.n - 1].id, "PIW");
	nt_interrupts_free(&t);
}

/* CPU 1 offline: the columns are CPU0 and CPU2. */
static void test_interrupts_noncontiguous_cpus(void **state)
{
	static const char text[] =
		"           CPU0       CPU2       \n"
		"  0:         10         20   IO-APIC   2-edge      timer\n"
		"  9:          3   IO-APIC   9-fasteoi   acpi\n"
		"LOC:        100        200   Local timer interrupts\n";
	struct nt_interrupts t;
	struct nt_err err = { 0 };
	const struct nt_interrupt *r;

	(void)state;
	assert_int_equal(nt_procfs_parse_interrupts(text, &t, &err), 0);
	assert_int_equal(t.ncpus, 2);
	assert_int_equal(t.cpu_ids[0], 0);
	assert_int_equal(t.cpu_ids[1], 2);
	r = irq_by_id(&t, "0");
	assert_int_equal(r->counts[1], 20);
	/* fewer counts than CPUs: the rest are 0, the chip is not a count */
	r = irq_by_id(&t, "9");
	assert_int_equal(r->counts[0], 3);
	assert_int_equal(r->counts[1], 0);
	assert_string_equal(r->chip, "IO-APIC 9-fasteoi");
	assert_string_equal(r->name, "acpi");
	assert_int_equal(irq_by_id(&t, "LOC")->counts[1], 200);
	nt_interrupts_free(&t);
}

/*
 * The kernel's own layout, " %10u" per CPU, on a large table: every width
 * from one to ten digits, plus wider numbers and squeezed blanks that break
 * the layout and must still parse.
 */
static void test_interrupts_wide_table(void **state)
{
	enum { NCPU = 256, NROW = 64 };
	static const uint64_t pow10[] = {
		1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
		100000000, 1000000000, 10000000000ULL,
	};
	size_t size = (size_t)(NROW + 1) * (NCPU * 22 + 64), len = 0;
	uint64_t *want = calloc((size_t)NROW * NCPU, sizeof(*want));
	char *text = malloc(size);
	uint64_t seed = 42;
	struct nt_interrupts t;
	struct nt_err err = { 0 };
	char id[32];
	int r, c;

	(void)state;
	assert_non_null(want);
	assert_non_null(text);
	len += sprintf(text + len, "%*s", 11, "");
	for (c = 0; c < NCPU; c++)
		len += sprintf(text + len, "CPU%-8d", c);
	len += sprintf(text + len, "\n");
	for (r = 0; r < NROW; r++) {
		len += sprintf(text + len, "%4d:", r);
		for (c = 0; c < NCPU; c++) {
			uint64_t *v = &want[r * NCPU + c];

			seed = seed * 6364136223846793005ULL +
			       1442695040888963407ULL;
			/* 0 to 10 digits, as many of each */
			*v = (seed >> 11) % pow10[(seed >> 3) % 11];
			if (r == 7 && c % 50 == 3)
				*v = 123456789012345ULL;
			len += sprintf(text + len, r == 9 ? " %llu" : " %10llu",
				       (unsigned long long)*v);
		}
		len += sprintf(text + len, "  PCI-MSI %d-edge      eth0-%d\n",
			       r, r);
	}
	assert_true(len < size);
	assert_int_equal(nt_procfs_parse_interrupts(text, &t, &err), 0);
	assert_int_equal(t.ncpus, NCPU);
	assert_int_equal(t.n, NROW);
	for (r = 0; r < NROW; r++) {
		for (c = 0; c < NCPU; c++)
			if (t.v[r].counts[c] != want[r * NCPU + c])
				fail_msg("row %d cpu %d: %llu, want %llu", r,
					 c, (unsigned long long)
					 t.v[r].counts[c], (unsigned long long)
					 want[r * NCPU + c]);
		snprintf(id, sizeof(id), "PCI-MSI %d-edge", r);
		assert_string_equal(t.v[r].chip, id);
		snprintf(id, sizeof(id), "eth0-%d", r);
		assert_string_equal(t.v[r].name, id);
	}
	nt_interrupts_free(&t);
	free(text);
	free(want);
}

/* Blanks inside a count column are not padding: "12 34" is two counts. */
static void test_interrupts_unaligned(void **state)
{
	static const char text[] =
		"           CPU0       CPU1\n"
		"  0:      12 34 IO-APIC-edge      timer\n"
		"  1: 4294967295 18446744073709551615   IO-APIC-edge  i8042\n";
	struct nt_interrupts t;
	struct nt_err err = { 0 };

	(void)state;
	assert_int_equal(nt_procfs_parse_interrupts(text, &t, &err), 0);
	assert_int_equal(t.v[0].counts[0], 12);
	assert_int_equal(t.v[0].counts[1], 34);
	assert_string_equal(t.v[0].name, "timer");
	assert_int_equal(t.v[1].counts[0], 4294967295ULL);
	assert_int_equal(t.v[1].counts[1], UINT64_MAX);
	assert_string_equal(t.v[1].name, "i8042");
	nt_interrupts_free(&t);
}

static void test_interrupts_malformed(void **state)
{
	struct nt_interrupts t;
	struct nt_err err = { 0 };

	(void)state;
	assert_int_equal(nt_procfs_parse_interrupts(
		"   CPU0 CPUx\n  0: 1 1 IO-APIC-edge timer\n", &t, &err),
		-EINVAL);
	assert_non_null(strstr(err.msg, "line 1:"));
	assert_null(t.v);
	assert_int_equal(t.ncpus, 0);

	nt_err_clear(&err);
	assert_int_equal(nt_procfs_parse_interrupts(
		"   CPU0 CPU1\n  0: 1 1 IO-APIC-edge timer\n  garbage here\n",
		&t, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "line 3:"));
	assert_null(t.v);
	assert_int_equal(t.n, 0);

	nt_err_clear(&err);
	assert_int_equal(nt_procfs_parse_interrupts(
		"   CPU0\n  0: 99999999999999999999999 IO-APIC-edge timer\n",
		&t, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "line 2:"));

	nt_err_clear(&err);
	assert_int_equal(nt_procfs_parse_interrupts("", &t, &err), -EINVAL);
}

/* softirqs ---------------------------------------------------------------- */

static void test_softirqs_fixtures(void **state)
{
	static const char *const dirs[] = { "dualcore", "i7" };
	size_t d, i, j;

	(void)state;
	for (d = 0; d < ARRAY_SIZE(dirs); d++) {
		for (i = 1; i <= 5; i++) {
			struct nt_softirqs t;
			struct nt_err err = { 0 };
			char rel[64], *text;

			snprintf(rel, sizeof(rel), "softirqs/%s/softirqs%zu",
				 dirs[d], i);
			text = fixture_text(rel);
			if (nt_procfs_parse_softirqs(text, &t, &err))
				fail_msg("%s: %s", rel, err.msg);
			assert_int_equal(t.ncpus, d ? 8 : 4);
			assert_int_equal(t.n, 10);
			for (j = 0; j < t.ncpus; j++)
				assert_int_equal(t.cpu_ids[j], j);
			assert_string_equal(t.v[0].name, "HI");
			assert_string_equal(t.v[5].name, "BLOCK_IOPOLL");
			nt_softirqs_free(&t);
			free(text);
		}
	}
}

static void test_softirqs_net_rx(void **state)
{
	static const uint64_t want[] = {
		1180153410, 1833061539, 1361075413, 1155074300,
		3497390485ULL, 1428609067, 958921598, 894237858,
	};
	struct nt_softirqs t;
	struct nt_err err = { 0 };
	char *text = fixture_text("softirqs/i7/softirqs1");
	size_t i;

	(void)state;
	assert_int_equal(nt_procfs_parse_softirqs(text, &t, &err), 0);
	assert_string_equal(t.v[3].name, "NET_RX");
	for (i = 0; i < ARRAY_SIZE(want); i++)
		assert_int_equal(t.v[3].counts[i], want[i]);
	nt_softirqs_free(&t);
	free(text);

	/* this machine's 6.18 shape: IRQ_POLL, no BLOCK_IOPOLL */
	assert_int_equal(nt_procfs_parse_softirqs(
		"                    CPU0       CPU1       \n"
		"          HI:          0          0\n"
		"      NET_RX:        322        371\n"
		"    IRQ_POLL:          0          0\n", &t, &err), 0);
	assert_int_equal(t.n, 3);
	assert_string_equal(t.v[1].name, "NET_RX");
	assert_int_equal(t.v[1].counts[1], 371);
	nt_softirqs_free(&t);

	assert_int_equal(nt_procfs_parse_softirqs(
		"    CPU0  CPU1\n  HI: 0 0\n NET_RX: 1 x\n", &t, &err),
		-EINVAL);
	assert_non_null(strstr(err.msg, "line 3:"));
	assert_null(t.v);
}

/* snmp, netstat, snmp6 ---------------------------------------------------- */

static void test_snmp_fixtures(void **state)
{
	struct nt_counters c = { 0 };
	struct nt_err err = { 0 };
	char *text = fixture_text("proc_net_snmp/snmp1");

	(void)state;
	assert_int_equal(nt_procfs_parse_snmp(text, &c, &err), 0);
	assert_int_equal(c.n, 19 + 26 + 12 + 14 + 6 + 6);
	assert_int_equal(counter(&c, "IpInReceives"), 22199703066LL);
	assert_int_equal(counter(&c, "IpForwarding"), 1);
	assert_int_equal(counter(&c, "IpInDiscards"), 0);
	assert_int_equal(counter(&c, "TcpMaxConn"), -1);
	assert_int_equal(counter(&c, "TcpRetransSegs"), 133674663);
	assert_int_equal(counter(&c, "TcpOutRsts"), 53028318);
	assert_int_equal(counter(&c, "UdpInErrors"), 76);
	assert_int_equal(counter(&c, "UdpRcvbufErrors"), 0);
	assert_int_equal(counter(&c, "IcmpMsgOutType14"), 7);
	assert_int_equal(counter(&c, "UdpLiteSndbufErrors"), 0);
	free(text);

	/* a second file appends */
	text = fixture_text("proc_net_snmp/snmp2");
	assert_int_equal(nt_procfs_parse_snmp(text, &c, &err), 0);
	assert_int_equal(c.n, 2 * (19 + 26 + 12 + 14 + 6 + 6));
	nt_counters_free(&c);
	free(text);
}

/* The shape of this machine's /proc/net/netstat, shortened. */
static void test_snmp_netstat(void **state)
{
	static const char text[] =
		"TcpExt: SyncookiesSent PruneCalled ListenOverflows "
		"ListenDrops TCPRcvQDrop\n"
		"TcpExt: 0 3 36 37 5\n"
		"IpExt: InNoRoutes InOctets OutOctets InNoECTPkts\n"
		"IpExt: 0 19394458 27148 505\n"
		"MPTcpExt: MPCapableSYNRX WinProbe\n"
		"MPTcpExt: 0 0\n";
	struct nt_counters c = { 0 };
	struct nt_err err = { 0 };

	(void)state;
	assert_int_equal(nt_procfs_parse_snmp(text, &c, &err), 0);
	assert_int_equal(c.n, 11);
	assert_string_equal(c.v[0].name, "TcpExtSyncookiesSent");
	assert_int_equal(counter(&c, "TcpExtListenOverflows"), 36);
	assert_int_equal(counter(&c, "TcpExtListenDrops"), 37);
	assert_int_equal(counter(&c, "TcpExtPruneCalled"), 3);
	assert_int_equal(counter(&c, "TcpExtTCPRcvQDrop"), 5);
	assert_int_equal(counter(&c, "IpExtInOctets"), 19394458);
	assert_int_equal(counter(&c, "MPTcpExtWinProbe"), 0);
	nt_counters_free(&c);
}

/* This machine's snmp6 pads names with spaces and a tab. */
static void test_snmp6(void **state)
{
	static const char text[] =
		"Ip6InReceives                   \t1\n"
		"Ip6InDiscards                   \t0\n"
		"Icmp6InMsgs                     \t4\n"
		"Udp6InErrors                    \t7\n"
		"Udp6RcvbufErrors                \t2\n"
		"UdpLite6InErrors                \t0\n";
	struct nt_counters c = { 0 };
	struct nt_err err = { 0 };

	(void)state;
	assert_int_equal(nt_procfs_parse_snmp(text, &c, &err), 0);
	assert_int_equal(c.n, 6);
	assert_int_equal(counter(&c, "Ip6InReceives"), 1);
	assert_int_equal(counter(&c, "Udp6InErrors"), 7);
	assert_int_equal(counter(&c, "Udp6RcvbufErrors"), 2);

	assert_int_equal(nt_procfs_parse_snmp("Udp6InErrors\n", &c, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "line 1:"));
	assert_int_equal(c.n, 6);
	nt_counters_free(&c);
}

/* A failed parse leaves the counters as they were. */
static void test_snmp_malformed(void **state)
{
	struct nt_counters c = { 0 };
	struct nt_err err = { 0 };

	(void)state;
	assert_int_equal(nt_procfs_parse_snmp("Udp: A B\nUdp: 1 2\n", &c,
					      &err), 0);
	assert_int_equal(nt_procfs_parse_snmp(
		"Ip: Forwarding DefaultTTL\nIp: 1 64\n"
		"Tcp: RtoAlgorithm RtoMin MaxConn\nTcp: 1 200\n", &c, &err),
		-EINVAL);
	assert_non_null(strstr(err.msg, "line 4:"));
	assert_int_equal(c.n, 2);

	nt_err_clear(&err);
	assert_int_equal(nt_procfs_parse_snmp(
		"Tcp: RtoAlgorithm\nUdp: 1\n", &c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "line 2:"));

	nt_err_clear(&err);
	assert_int_equal(nt_procfs_parse_snmp(
		"Tcp: RtoAlgorithm RtoMin\nTcp: 1 2x\n", &c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "line 2:"));

	nt_err_clear(&err);
	assert_int_equal(nt_procfs_parse_snmp("Tcp: RtoAlgorithm\n", &c,
					      &err), -EINVAL);
	assert_non_null(strstr(err.msg, "line 1:"));
	assert_int_equal(c.n, 2);
	nt_counters_free(&c);

	/* started empty, stays empty */
	assert_int_equal(nt_procfs_parse_snmp("Ip: A B\nIp: 1\n", &c, &err),
			 -EINVAL);
	assert_null(c.v);
	assert_int_equal(c.n, 0);
}

/* sockstat ---------------------------------------------------------------- */

static void test_sockstat(void **state)
{
	static const char v4[] =
		"sockets: used 13\n"
		"TCP: inuse 5 orphan 0 tw 2 alloc 7 mem 49\n"
		"UDP: inuse 1 mem 2\n"
		"UDPLITE: inuse 0\n"
		"RAW: inuse 0\n"
		"FRAG: inuse 0 memory 0\n";
	static const char v6[] =
		"TCP6: inuse 1\n"
		"UDP6: inuse 3\n"
		"UDPLITE6: inuse 0\n"
		"RAW6: inuse 0\n"
		"FRAG6: inuse 0 memory 0\n";
	struct nt_counters c = { 0 };
	struct nt_err err = { 0 };

	(void)state;
	assert_int_equal(nt_procfs_parse_sockstat(v4, &c, &err), 0);
	assert_int_equal(c.n, 12);
	assert_int_equal(counter(&c, "sockets.used"), 13);
	assert_int_equal(counter(&c, "TCP.inuse"), 5);
	assert_int_equal(counter(&c, "TCP.tw"), 2);
	assert_int_equal(counter(&c, "TCP.mem"), 49);
	assert_int_equal(counter(&c, "UDP.mem"), 2);
	assert_int_equal(counter(&c, "FRAG.memory"), 0);
	assert_int_equal(nt_procfs_parse_sockstat(v6, &c, &err), 0);
	assert_int_equal(counter(&c, "TCP6.inuse"), 1);
	assert_int_equal(counter(&c, "UDP6.inuse"), 3);
	assert_int_equal(counter(&c, "FRAG6.memory"), 0);

	assert_int_equal(nt_procfs_parse_sockstat("TCP: inuse\n", &c, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "line 1:"));
	nt_err_clear(&err);
	assert_int_equal(nt_procfs_parse_sockstat("TCP: inuse 1\nTCP inuse 1\n",
						  &c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "line 2:"));
	assert_int_equal(c.n, 12 + 6);
	nt_counters_free(&c);
}

/* readers, against a captured tree in a temporary root --------------------- */

struct tree {
	char dir[64];
	struct nt_root root;
};

static int tree_setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "/tmp/nt_procfs.XXXXXX");
	if (!mkdtemp(t->dir) || nt_root_open(&t->root, t->dir, NULL)) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int tree_teardown(void **state)
{
	struct tree *t = *state;

	nt_root_close(&t->root);
	if (tree_remove(t->dir))
		return -1;
	free(t);
	return 0;
}

static void test_read_files(void **state)
{
	struct tree *t = *state;
	struct nt_err err = { 0 };
	struct nt_softnet *sn;
	struct nt_interrupts irqs;
	struct nt_softirqs sirq;
	struct nt_counters c = { 0 };
	size_t n;

	tree_put(t->dir, "proc/net/softnet_stat",
	    "00000001 00000000 00000000 00000000 00000000 00000000 "
	    "00000000 00000000 00000000 00000000 00000000\n");
	tree_put(t->dir, "proc/interrupts",
	    "           CPU0\n  0:         10   IO-APIC   2-edge      timer\n");
	tree_put(t->dir, "proc/softirqs", "    CPU0\n  NET_RX:  5\n");
	tree_put(t->dir, "proc/net/netstat",
	    "TcpExt: ListenOverflows\nTcpExt: 36\n");
	tree_put(t->dir, "proc/net/snmp", "Udp: RcvbufErrors\nUdp: 1999\n");
	tree_put(t->dir, "proc/net/sockstat", "TCP: inuse 1 mem 49\n");

	assert_int_equal(nt_procfs_read_softnet(&t->root, &sn, &n, &err), 0);
	assert_int_equal(n, 1);
	free(sn);
	assert_int_equal(nt_procfs_read_interrupts(&t->root, &irqs, &err), 0);
	assert_string_equal(irqs.v[0].name, "timer");
	nt_interrupts_free(&irqs);
	assert_int_equal(nt_procfs_read_softirqs(&t->root, &sirq, &err), 0);
	assert_int_equal(sirq.v[0].counts[0], 5);
	nt_softirqs_free(&sirq);

	/* no IPv6: snmp6 and sockstat6 are absent, which is fine */
	assert_int_equal(nt_procfs_read_snmp(&t->root, &c, &err), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(counter(&c, "TcpExtListenOverflows"), 36);
	assert_int_equal(counter(&c, "UdpRcvbufErrors"), 1999);
	tree_put(t->dir, "proc/net/snmp6", "Udp6InErrors \t 4\n");
	nt_counters_free(&c);
	assert_int_equal(nt_procfs_read_snmp(&t->root, &c, &err), 0);
	assert_int_equal(counter(&c, "Udp6InErrors"), 4);
	nt_counters_free(&c);

	assert_int_equal(nt_procfs_read_sockstat(&t->root, &c, &err), 0);
	assert_int_equal(c.n, 2);
	tree_put(t->dir, "proc/net/sockstat6", "TCP6: inuse 3\n");
	nt_counters_free(&c);
	assert_int_equal(nt_procfs_read_sockstat(&t->root, &c, &err), 0);
	assert_int_equal(counter(&c, "TCP6.inuse"), 3);
	nt_counters_free(&c);
	assert_int_equal(err.code, 0);
}

/* Errors name the file, then the line. */
static void test_read_errors(void **state)
{
	struct tree *t = *state;
	struct nt_err err = { 0 };
	struct nt_softnet *sn;
	struct nt_interrupts irqs;
	struct nt_counters c = { 0 };
	size_t n;

	tree_put(t->dir, "proc/net/softnet_stat",
	    "00000001 0 0 0 0 0 0 0 0 0\n00000001 0 0 0 0 0 0 0 0 0\n0 0 0\n");
	assert_int_equal(nt_procfs_read_softnet(&t->root, &sn, &n, &err),
			 -EINVAL);
	assert_null(sn);
	assert_int_equal(n, 0);
	assert_non_null(strstr(err.msg, "/proc/net/softnet_stat: line 3: "));
	assert_non_null(strstr(err.msg, t->dir));

	nt_err_clear(&err);
	assert_int_equal(nt_procfs_read_interrupts(&t->root, &irqs, &err),
			 -ENOENT);
	assert_non_null(strstr(err.msg, "/proc/interrupts: "));
	assert_null(irqs.v);

	/* netstat good, snmp broken: nothing is kept */
	nt_err_clear(&err);
	tree_put(t->dir, "proc/net/netstat",
	    "TcpExt: ListenOverflows\nTcpExt: 36\n");
	tree_put(t->dir, "proc/net/snmp",
	    "Udp: RcvbufErrors InErrors\nUdp: 1999\n");
	assert_int_equal(nt_procfs_read_snmp(&t->root, &c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "/proc/net/snmp: line 2: "));
	assert_null(c.v);
	assert_int_equal(c.n, 0);

	/* sockstat itself is required */
	nt_err_clear(&err);
	assert_int_equal(nt_procfs_read_sockstat(&t->root, &c, &err),
			 -ENOENT);
	assert_non_null(strstr(err.msg, "/proc/net/sockstat: "));
}

static void test_irqbalance(void **state)
{
	struct tree *t = *state;

	assert_int_equal(nt_procfs_irqbalance_running(&t->root), -ENOENT);
	tree_put(t->dir, "proc/1/comm", "systemd\n");
	tree_put(t->dir, "proc/self/comm", "irqbalance\n");	/* not a pid */
	tree_put(t->dir, "proc/77/comm", "irqbalancer\n");
	assert_int_equal(nt_procfs_irqbalance_running(&t->root), 0);
	tree_put(t->dir, "proc/1234/comm", "irqbalance\n");
	assert_int_equal(nt_procfs_irqbalance_running(&t->root), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_softnet_fixtures),
		cmocka_unit_test(test_softnet_old_10_columns),
		cmocka_unit_test(test_softnet_11_columns),
		cmocka_unit_test(test_softnet_13_columns_offline_cpu),
		cmocka_unit_test(test_softnet_15_columns),
		cmocka_unit_test(test_softnet_future_columns),
		cmocka_unit_test(test_softnet_malformed),
		cmocka_unit_test(test_interrupts_fixtures),
		cmocka_unit_test(test_interrupts_32cpu),
		cmocka_unit_test(test_interrupts_mlx5_ixgbe),
		cmocka_unit_test(test_interrupts_shared_names),
		cmocka_unit_test(test_interrupts_modern_layout),
		cmocka_unit_test(test_interrupts_noncontiguous_cpus),
		cmocka_unit_test(test_interrupts_wide_table),
		cmocka_unit_test(test_interrupts_unaligned),
		cmocka_unit_test(test_interrupts_malformed),
		cmocka_unit_test(test_softirqs_fixtures),
		cmocka_unit_test(test_softirqs_net_rx),
		cmocka_unit_test(test_snmp_fixtures),
		cmocka_unit_test(test_snmp_netstat),
		cmocka_unit_test(test_snmp6),
		cmocka_unit_test(test_snmp_malformed),
		cmocka_unit_test(test_sockstat),
		cmocka_unit_test_setup_teardown(test_read_files, tree_setup,
						tree_teardown),
		cmocka_unit_test_setup_teardown(test_read_errors, tree_setup,
						tree_teardown),
		cmocka_unit_test_setup_teardown(test_irqbalance, tree_setup,
						tree_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
