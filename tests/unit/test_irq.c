// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * IRQ action names -> queues, and /proc/interrupts rows -> interfaces,
 * checked against /proc/interrupts captured on real hosts.
 */
#include <errno.h>
#include <regex.h>
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

#include "sys/irq.h"
#include "sys/procfs.h"
#include "testlib.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* 82599 and i350 on one host, 32 queues per 82599 port */
#define E5_2640	\
	"servers/2xE5-2640.i350_and_82599ES.l2_mixed.masterconf/interrupts"

static void free_irqs(struct nt_iface_irq *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		nt_cpumask_free(&v[i].affinity);
		nt_cpumask_free(&v[i].effective_affinity);
	}
	free(v);
}

/* One expected IRQ of an interface, in the order the match returns them. */
struct want {
	uint32_t irq;
	int queue;
	const char *type;
};

static void check_match(const struct nt_interrupts *table, const char *ifname,
			const char *bus_info, const uint32_t *msi,
			size_t n_msi, const struct want *want, size_t n_want)
{
	struct nt_iface_irq *v;
	size_t n;

	assert_int_equal(nt_irq_match_iface(table, ifname, bus_info, msi,
					    n_msi, &v, &n), 0);
	if (n != n_want)
		fail_msg("%s: %zu IRQs, want %zu", ifname, n, n_want);
	for (size_t i = 0; i < n; i++) {
		if (v[i].irq != want[i].irq || v[i].queue != want[i].queue ||
		    strcmp(v[i].queue_type, want[i].type))
			fail_msg("%s[%zu]: IRQ %u \"%s\" queue %d %s, want IRQ %u queue %d %s",
				 ifname, i, v[i].irq, v[i].name, v[i].queue,
				 v[i].queue_type, want[i].irq, want[i].queue,
				 want[i].type);
		assert_int_equal(v[i].node, -1);
	}
	free_irqs(v, n);
}

/*
 * igb and e1000e layout: "ethN" for link events, then ethN-rx-K and
 * ethN-tx-K; @first is the IRQ of "ethN", the queues follow in order.
 */
static void check_igb(const struct nt_interrupts *table, const char *ifname,
		      uint32_t first, int queues)
{
	struct want want[1 + 2 * 16];
	size_t n = 0;

	want[n++] = (struct want){ first, -1, "" };
	for (int q = 0; q < queues; q++) {
		want[n++] = (struct want){ first + 1 + q, q, "rx" };
		want[n++] = (struct want){ first + 1 + queues + q, q, "tx" };
	}
	check_match(table, ifname, "", NULL, 0, want, n);
}

static void check_single(const struct nt_interrupts *table, const char *ifname,
			 uint32_t irq)
{
	const struct want want = { irq, -1, "" };

	check_match(table, ifname, "", NULL, 0, &want, 1);
}

static const struct {
	const char *name;
	bool is_queue;
	int queue;
	const char *type;
} queue_names[] = {
	{ "eth0-TxRx-3", true, 3, "rxtx" },		/* igb, ixgbe */
	{ "eth2-TxRx-0", true, 0, "rxtx" },
	{ "ens1f0-TxRx-7", true, 7, "rxtx" },
	{ "eth5-TxRx-31", true, 31, "rxtx" },
	{ "i40e-eth0-TxRx-1", true, 1, "rxtx" },	/* i40e, ice */
	{ "ice-ens2f0-TxRx-12", true, 12, "rxtx" },
	{ "eth0-rx-0", true, 0, "rx" },			/* igb, e1000e */
	{ "eth0-tx-1", true, 1, "tx" },
	{ "eth3-rx-3", true, 3, "rx" },
	{ "eth1-rxtx-0", true, 0, "rxtx" },		/* vmxnet3 */
	{ "enp3s0-rxtx-2", true, 2, "rxtx" },
	{ "eth0-Tx-Rx-5", true, 5, "rxtx" },		/* ena */
	{ "eth0-fp-3", true, 3, "rxtx" },		/* bnx2x */
	{ "eth2-3", true, 3, "rxtx" },			/* bnx2, mlx4_en */
	{ "eth0-0", true, 0, "rxtx" },
	{ "eth2-q5", true, 5, "rxtx" },
	{ "virtio2-input.0", true, 0, "rx" },		/* virtio_net */
	{ "virtio2-output.3", true, 3, "tx" },
	{ "mlx5_comp3@pci:0000:81:00.0", true, 3, "rxtx" },
	{ "mlx5_comp0@pci:0000:01:00.1", true, 0, "rxtx" },
	{ "mlx4-comp-2@pci:0000:07:00.0", true, 2, "rxtx" },
	{ "eth1-event-4", false, -1, "" },		/* vmxnet3 events */
	{ "eth0", false, -1, "" },
	{ "eth10", false, -1, "" },
	{ "virtio2-config", false, -1, "" },
	{ "virtio0-virtqueues", false, -1, "" },
	{ "virtio1-req.0", false, -1, "" },		/* virtio_blk */
	{ "virtio4-input", false, -1, "" },		/* virtio_input */
	{ "virtio3-rx", false, -1, "" },		/* vsock */
	{ "mlx5_async@pci:0000:81:00.0", false, -1, "" },
	{ "mlx5_pages_eq@pci:0000:01:00.0", false, -1, "" },
	{ "mlx4-async@pci:0000:07:00.0", false, -1, "" },
	{ "i40e-0000:3b:00.0:misc", false, -1, "" },
	{ "iwlwifi: default queue", false, -1, "" },
	{ "uhci_hcd:usb1, eth0, eth1", false, -1, "" },
	{ "hpsa6-msix10", false, -1, "" },
	{ "nvme0q1", false, -1, "" },
	{ "dmar0", false, -1, "" },
	{ "i8042", false, -1, "" },
	{ "wtx0", false, -1, "" },
	{ "snd_hda_intel:card0", false, -1, "" },
	{ "eth0-TxRx-99999999", false, -1, "" },
	{ "", false, -1, "" },
};

static void test_parse_queue_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(queue_names); i++) {
		char type[8] = "junk";
		int queue = 42;
		bool got;

		got = nt_irq_parse_queue(queue_names[i].name, &queue, type);
		if (got != queue_names[i].is_queue ||
		    queue != queue_names[i].queue ||
		    strcmp(type, queue_names[i].type))
			fail_msg("\"%s\": %d queue %d \"%s\", want %d queue %d \"%s\"",
				 queue_names[i].name, got, queue, type,
				 queue_names[i].is_queue, queue_names[i].queue,
				 queue_names[i].type);
	}
}

static const char *const fixture_files[] = {
	"irq-layouts/igb.E5606/interrupts",
	"irq-layouts/ixgbe.E5645/interrupts",
	"irq-layouts/mlx5.Q6700/interrupts",
	"irq-layouts/2xI350.i5-6400/interrupts",
	"servers/1xi3.single_i350.l2_mixed.manual/interrupts",
	E5_2640,
	"servers/2xE5530.82576_and_82574L.l2_mixed.manual/interrupts",
	"servers/2xX5650.BCM5709_and_MT27520.L2.manual/interrupts",
	"servers/kvm.l3.masterconf/interrupts",
	"interrupts/multinic_multiqueue_4cpu/interrupts1",
	"interrupts/singlequeue_8cpu/interrupts1",
};

/*
 * Every queue name in the captures parses, and nothing else does: no disk,
 * USB, timer or link IRQ is taken for a queue.
 */
static void test_parse_queue_fixtures(void **state)
{
	const char *pattern =
		"^(eth[0-9]+-(TxRx-|rx-|tx-)?[0-9]+|mlx(5_comp|4-comp-)[0-9]+@pci:.*)$";
	size_t queues = 0;
	regex_t re;

	(void)state;
	assert_int_equal(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
	for (size_t f = 0; f < ARRAY_SIZE(fixture_files); f++) {
		struct nt_interrupts t;

		load_interrupts(fixture_files[f], &t);
		for (size_t i = 0; i < t.n; i++) {
			char type[8];
			int queue;
			const char *name = t.v[i].name;
			bool got = nt_irq_parse_queue(name, &queue, type);
			bool want = !regexec(&re, name, 0, NULL, 0);

			if (got != want)
				fail_msg("%s: \"%s\" parsed %d, want %d",
					 fixture_files[f], name, got, want);
			queues += got;
		}
		nt_interrupts_free(&t);
	}
	regfree(&re);
	assert_int_equal(queues, 275);
}

static void test_match_igb(void **state)
{
	struct nt_interrupts t;

	(void)state;
	load_interrupts("irq-layouts/igb.E5606/interrupts", &t);
	check_igb(&t, "eth0", 57, 4);
	check_igb(&t, "eth1", 66, 4);
	check_igb(&t, "eth3", 84, 4);
	check_igb(&t, "eth4", 93, 4);
	check_igb(&t, "eth5", 102, 4);
	nt_interrupts_free(&t);
}

static void test_match_ixgbe(void **state)
{
	struct want want[9];
	struct nt_interrupts t;

	(void)state;
	load_interrupts("irq-layouts/ixgbe.E5645/interrupts", &t);
	want[0] = (struct want){ 65, -1, "" };
	for (int q = 0; q < 8; q++)
		want[1 + q] = (struct want){ 66 + q, q, "rxtx" };
	check_match(&t, "eth0", "", NULL, 0, want, 9);
	want[0] = (struct want){ 74, -1, "" };
	for (int q = 0; q < 8; q++)
		want[1 + q] = (struct want){ 75 + q, q, "rxtx" };
	check_match(&t, "eth1", "", NULL, 0, want, 9);
	check_single(&t, "eth2", 63);
	check_single(&t, "eth3", 64);
	nt_interrupts_free(&t);
}

static void test_match_mlx5(void **state)
{
	const struct want pf0[] = {
		{ 27, -1, "" }, { 28, -1, "" }, { 29, -1, "" },
		{ 30, 0, "rxtx" }, { 31, 1, "rxtx" },
		{ 32, 2, "rxtx" }, { 33, 3, "rxtx" },
	};
	const struct want pf1[] = {
		{ 34, -1, "" }, { 35, -1, "" }, { 36, -1, "" },
		{ 37, 0, "rxtx" }, { 38, 1, "rxtx" },
		{ 39, 2, "rxtx" }, { 40, 3, "rxtx" },
	};
	struct nt_interrupts t;

	(void)state;
	load_interrupts("irq-layouts/mlx5.Q6700/interrupts", &t);
	/* mlx5 names its IRQs after the PCI function, not the interface. */
	check_match(&t, "enp1s0f0", "0000:01:00.0", NULL, 0, pf0,
		    ARRAY_SIZE(pf0));
	check_match(&t, "enp1s0f1", "0000:01:00.1", NULL, 0, pf1,
		    ARRAY_SIZE(pf1));
	check_single(&t, "eth0", 41);
	check_single(&t, "eth1", 17);
	check_match(&t, "enp1s0f0", "", NULL, 0, NULL, 0);
	nt_interrupts_free(&t);
}

static void test_match_2xi350(void **state)
{
	struct nt_interrupts t;

	(void)state;
	load_interrupts("irq-layouts/2xI350.i5-6400/interrupts", &t);
	check_igb(&t, "eth0", 127, 4);
	check_igb(&t, "eth1", 136, 4);
	check_single(&t, "eth2", 146);
	check_single(&t, "eth3", 145);
	check_match(&t, "eth9", "", NULL, 0, NULL, 0);
	nt_interrupts_free(&t);
}

/* eth5: link IRQ first, then queues 0..31 in order. */
static void test_match_queue_counts(void **state)
{
	struct nt_interrupts t;
	struct nt_iface_irq *v;
	size_t n, queues = 0;

	(void)state;
	load_interrupts(E5_2640, &t);
	assert_int_equal(nt_irq_match_iface(&t, "eth5", "", NULL, 0, &v, &n),
			 0);
	for (size_t i = 0; i < n; i++) {
		queues += v[i].queue >= 0;
		if (v[i].queue >= 0)
			assert_int_equal(v[i].queue, (int)(i - (n - 32)));
	}
	assert_int_equal(queues, 32);
	assert_int_equal(n, 33);
	assert_int_equal(v[0].irq, 141);
	assert_string_equal(v[0].name, "eth5");
	free_irqs(v, n);
	nt_interrupts_free(&t);
}

/* bnx2 and mlx4_en name queue vectors "ethN-K". */
static void test_match_bnx2_mlx4(void **state)
{
	struct want want[8];
	struct nt_interrupts t;

	(void)state;
	load_interrupts("servers/2xX5650.BCM5709_and_MT27520.L2.manual/"
			"interrupts", &t);
	for (int q = 0; q < 8; q++)
		want[q] = (struct want){ 64 + q, q, "rxtx" };
	check_match(&t, "eth2", "", NULL, 0, want, 8);
	for (int q = 0; q < 8; q++)
		want[q] = (struct want){ 77 + q, q, "rxtx" };
	check_match(&t, "eth0", "", NULL, 0, want, 8);
	nt_interrupts_free(&t);
}

/* A shared legacy IRQ belongs to every interface it names. */
static void test_match_shared_legacy(void **state)
{
	const struct want want = { 11, -1, "" };
	struct nt_interrupts t;

	(void)state;
	load_interrupts("servers/kvm.l3.masterconf/interrupts", &t);
	check_match(&t, "eth0", "", NULL, 0, &want, 1);
	check_match(&t, "eth1", "", NULL, 0, &want, 1);
	check_match(&t, "usb1", "", NULL, 0, &want, 1);
	check_match(&t, "eth", "", NULL, 0, NULL, 0);
	nt_interrupts_free(&t);
}

static const char synthetic[] =
	"           CPU0       CPU1\n"
	" 50:          1          0   PCI-MSI-edge      eth1\n"
	" 51:          1          0   PCI-MSI-edge      eth1-TxRx-0\n"
	" 52:          1          0   PCI-MSI-edge      eth10-TxRx-0\n"
	" 53:          1          0   PCI-MSI-edge      eth10-TxRx-1\n"
	" 54:          1          0   PCI-MSI-edge      eth11\n"
	" 55:          1          0   PCI-MSI-edge      i40e-eth1-TxRx-1\n"
	" 56:          1          0   PCI-MSI-edge      ice-xeth1-TxRx-0\n"
	" 57:          1          0   PCI-MSI-edge      eth1x-rx-0\n"
	"NMI:          0          0   Non-maskable interrupts\n";

static void test_match_whole_token(void **state)
{
	const struct want eth1[] = {
		{ 50, -1, "" }, { 51, 0, "rxtx" }, { 55, 1, "rxtx" },
	};
	const struct want eth10[] = {
		{ 52, 0, "rxtx" }, { 53, 1, "rxtx" },
	};
	struct nt_interrupts t;

	(void)state;
	parse_interrupts(synthetic, &t);
	check_match(&t, "eth1", "", NULL, 0, eth1, ARRAY_SIZE(eth1));
	check_match(&t, "eth10", "", NULL, 0, eth10, ARRAY_SIZE(eth10));
	check_match(&t, "eth", "", NULL, 0, NULL, 0);
	check_match(&t, "th1", "", NULL, 0, NULL, 0);
	nt_interrupts_free(&t);
}

/* This machine's layout: virtio-net below PCI function 0000:00:03.0. */
static const char virtio[] =
	"           CPU0       CPU1\n"
	" 24:          1          0  IO-APIC   5-edge      ACPI:Ged\n"
	" 36:          0          0 PCI-MSIX-0000:00:02.0   1-edge      virtio1-req.0\n"
	" 37:          0          0 PCI-MSIX-0000:00:03.0   0-edge      virtio2-config\n"
	" 38:          0        371 PCI-MSIX-0000:00:03.0   1-edge      virtio2-input.0\n"
	" 39:        315          0 PCI-MSIX-0000:00:03.0   2-edge      virtio2-output.0\n"
	" 40:          0          0 PCI-MSIX-0000:00:04.0   0-edge      virtio3-config\n"
	" 41:       1618          0 PCI-MSIX-0000:00:04.0   1-edge      virtio3-rx\n"
	"NMI:          0          0   Non-maskable interrupts\n";

static void test_match_virtio(void **state)
{
	const struct want want[] = {
		{ 37, -1, "" }, { 38, 0, "rx" }, { 39, 0, "tx" },
	};
	const uint32_t msi[] = { 39, 37, 38 };
	struct nt_interrupts t;

	(void)state;
	parse_interrupts(virtio, &t);
	/* ethtool's bus_info of virtio_net is the virtio device name */
	check_match(&t, "eth0", "virtio2", NULL, 0, want, ARRAY_SIZE(want));
	/* the msi_irqs of the PCI function, with nothing else known */
	check_match(&t, "eth0", "", msi, ARRAY_SIZE(msi), want,
		    ARRAY_SIZE(want));
	/* the chip column names the PCI function */
	check_match(&t, "eth0", "0000:00:03.0", NULL, 0, want,
		    ARRAY_SIZE(want));
	check_match(&t, "eth0", "", NULL, 0, NULL, 0);
	nt_interrupts_free(&t);
}

static const char renamed[] =
	"           CPU0\n"
	" 60:          1   PCI-MSIX-0000:02:00.0   0-edge      eth0\n"
	" 61:          1   PCI-MSIX-0000:02:00.0   1-edge      eth0-TxRx-0\n"
	" 62:          1   PCI-MSIX-0000:03:00.0   0-edge      eth0-TxRx-0\n"
	" 63:          1   PCI-MSIX-0000:03:00.0   1-edge      mlx5_async@pci:0000:03:00.0\n";

/*
 * IRQ names keep the interface name they were requested under: after a
 * rename, the PCI address tells whose they are.
 */
static void test_match_foreign_device(void **state)
{
	const struct want own[] = { { 60, -1, "" }, { 61, 0, "rxtx" } };
	const uint32_t msi[] = { 60, 61, 63 };
	struct nt_interrupts t;

	(void)state;
	parse_interrupts(renamed, &t);
	check_match(&t, "eth0", "0000:02:00.0", NULL, 0, own, ARRAY_SIZE(own));
	check_match(&t, "eth0", "0000:02:00.0", msi, ARRAY_SIZE(msi), own,
		    ARRAY_SIZE(own));
	nt_interrupts_free(&t);
}

static char tree[64];

static int make_proc_irq(void **state)
{
	(void)state;
	strcpy(tree, "/tmp/nt-irq-XXXXXX");
	if (!mkdtemp(tree))
		return -1;
	tree_put(tree, "proc/irq/38/smp_affinity_list", "0-3,8\n");
	tree_put(tree, "proc/irq/38/effective_affinity_list", "2\n");
	tree_put(tree, "proc/irq/38/node", "1\n");
	tree_put(tree, "proc/irq/39/smp_affinity_list", "1\n");
	return 0;
}

static int remove_proc_irq(void **state)
{
	(void)state;
	return tree_remove(tree);
}

static void test_irq_read(void **state)
{
	struct nt_iface_irq irq = { .node = 7 };
	struct nt_err err = { 0 };
	struct nt_root root;

	(void)state;
	assert_int_equal(nt_root_open(&root, tree, &err), 0);
	assert_int_equal(nt_irq_read(&root, 38, &irq, &err), 0);
	assert_int_equal(irq.irq, 38);
	assert_int_equal(irq.node, 1);
	assert_int_equal(nt_cpumask_weight(&irq.affinity), 5);
	assert_true(nt_cpumask_test(&irq.affinity, 8));
	assert_int_equal(nt_cpumask_weight(&irq.effective_affinity), 1);
	assert_true(nt_cpumask_test(&irq.effective_affinity, 2));

	/* an older kernel: no effective affinity, no node; masks replaced */
	assert_int_equal(nt_irq_read(&root, 39, &irq, &err), 0);
	assert_int_equal(irq.node, -1);
	assert_int_equal(nt_cpumask_weight(&irq.affinity), 1);
	assert_true(nt_cpumask_test(&irq.affinity, 1));
	assert_true(nt_cpumask_empty(&irq.effective_affinity));

	assert_int_equal(nt_irq_read(&root, 40, &irq, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "IRQ 40"));
	assert_int_equal(irq.irq, 39);
	nt_cpumask_free(&irq.affinity);
	nt_cpumask_free(&irq.effective_affinity);
	nt_root_close(&root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_queue_table),
		cmocka_unit_test(test_parse_queue_fixtures),
		cmocka_unit_test(test_match_igb),
		cmocka_unit_test(test_match_ixgbe),
		cmocka_unit_test(test_match_mlx5),
		cmocka_unit_test(test_match_2xi350),
		cmocka_unit_test(test_match_queue_counts),
		cmocka_unit_test(test_match_bnx2_mlx4),
		cmocka_unit_test(test_match_shared_legacy),
		cmocka_unit_test(test_match_whole_token),
		cmocka_unit_test(test_match_virtio),
		cmocka_unit_test(test_match_foreign_device),
		cmocka_unit_test_setup_teardown(test_irq_read, make_proc_irq,
						remove_proc_irq),
	};

	return cmocka_run_group_tests_name("irq", tests, NULL, NULL);
}
