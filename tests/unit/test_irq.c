// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * IRQ action names -> kind and queues, one test per driver naming family
 * (tables from the drivers' format strings, docs/irq-naming.md), and
 * /proc/interrupts rows -> interfaces and owners, checked against tables
 * captured on real hosts and tables in tests/fixtures/irq.
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
	const char *type;	/* "rx", "tx", "rxtx", "" */
};

static const char *type_of(const struct nt_iface_irq *irq)
{
	if (!nt_irq_is_queue(irq))
		return "";
	return irq->rxq == irq->txq ? "rxtx" : irq->txq < 0 ? "rx" :
	       irq->rxq < 0 ? "tx" : "tx+rx";
}

static void match(const struct nt_interrupts *table,
		  const struct nt_irq_port *port, struct nt_iface_irq **v,
		  size_t *n)
{
	assert_int_equal(nt_irq_match_iface(table, port, v, n), 0);
}

static void check_port(const struct nt_interrupts *table,
		       const struct nt_irq_port *port, const struct want *want,
		       size_t n_want)
{
	struct nt_iface_irq *v;
	size_t n;

	match(table, port, &v, &n);
	if (n != n_want)
		fail_msg("%s: %zu IRQs, want %zu", port->ifname, n, n_want);
	for (size_t i = 0; i < n; i++) {
		if (v[i].irq != want[i].irq ||
		    nt_irq_queue(&v[i]) != want[i].queue ||
		    strcmp(type_of(&v[i]), want[i].type))
			fail_msg("%s[%zu]: IRQ %u \"%s\" queue %d %s, want IRQ %u queue %d %s",
				 port->ifname, i, v[i].irq, v[i].name,
				 nt_irq_queue(&v[i]), type_of(&v[i]),
				 want[i].irq, want[i].queue, want[i].type);
		assert_int_equal(v[i].node, -1);
	}
	free_irqs(v, n);
}

static void check_match(const struct nt_interrupts *table, const char *ifname,
			const char *bus_info, const uint32_t *msi,
			size_t n_msi, const struct want *want, size_t n_want)
{
	const struct nt_irq_port port = {
		.ifname = ifname, .bus_info = bus_info, .msi = msi,
		.n_msi = n_msi,
	};

	check_port(table, &port, want, n_want);
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

/*
 * One IRQ action name as a driver prints it, and what it is: its kind,
 * the rx and tx queue it serves (-1 none) and the pattern show prints.
 */
struct name_case {
	const char *name;
	const char *ifname;
	enum nt_irq_kind kind;
	int rx, tx;
	const char *pattern;
};

static void check_names(const struct name_case *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct nt_iface_irq irq = { .rxq = 42, .txq = 42 };
		bool want = v[i].kind == NT_IRQ_DATA && (v[i].rx >= 0 ||
							 v[i].tx >= 0);
		bool got = nt_irq_parse_name(v[i].name, v[i].ifname, &irq);

		if (got != want || irq.kind != v[i].kind ||
		    irq.rxq != v[i].rx || irq.txq != v[i].tx ||
		    (v[i].pattern && strcmp(irq.pattern, v[i].pattern)))
			fail_msg("\"%s\" (%s): %d %s rx %d tx %d \"%s\", want %d %s rx %d tx %d \"%s\"",
				 v[i].name, v[i].ifname, got,
				 nt_irq_kind_name(irq.kind), irq.rxq, irq.txq,
				 irq.pattern, want,
				 nt_irq_kind_name(v[i].kind), v[i].rx, v[i].tx,
				 v[i].pattern ? v[i].pattern : "(any)");
	}
}

#define D	NT_IRQ_DATA
#define CHECK_NAMES(v)	check_names(v, ARRAY_SIZE(v))

/*
 * One test per naming family.  Each table is written from the driver's
 * own format string (file named in the comment), not from a capture.
 */

/* mlx4/eq.c: "mlx4-comp-%d@pci:%s", "mlx4-async@pci:%s", "mlx4-%d@%s";
 * old mlx4_en: "%s-%d" (netdev, ring). */
static void test_names_mlx4(void **state)
{
	static const struct name_case v[] = {
		{ "mlx4-comp-2@pci:0000:07:00.0", "", D, 2, 2,
		  "mlx4-comp-N@pci:ADDR" },
		{ "mlx4-async@pci:0000:07:00.0", "", NT_IRQ_ASYNC, -1, -1,
		  "mlx4-async@pci:ADDR" },
		{ "mlx4-3@0000:07:00.0", "", D, 3, 3, "mlx4-N@ADDR" },
		{ "eth2-7", "eth2", D, 7, 7, "IF-N" },
	};

	(void)state;
	CHECK_NAMES(v);
}

/* mlx5/core/pci_irq.c: "%s@pci:%s" with "mlx5_comp%d", "mlx5_async%d",
 * "mlx5_ctrl"; older eq.c: "mlx5_pages_eq", "mlx5_cmd_eq",
 * "mlx5_async_eq". */
static void test_names_mlx5(void **state)
{
	static const struct name_case v[] = {
		{ "mlx5_comp3@pci:0000:81:00.0", "", D, 3, 3,
		  "mlx5_compN@pci:ADDR" },
		{ "mlx5_comp0@pci:0000:01:00.1", "enp1s0f1", D, 0, 0, NULL },
		{ "mlx5_async17@pci:0000:81:00.0", "", NT_IRQ_ASYNC, -1, -1,
		  NULL },
		{ "mlx5_async_eq@pci:0000:01:00.0", "", NT_IRQ_ASYNC, -1, -1,
		  NULL },
		{ "mlx5_pages_eq@pci:0000:01:00.0", "", NT_IRQ_ASYNC, -1, -1,
		  NULL },
		{ "mlx5_cmd_eq@pci:0000:01:00.0", "", NT_IRQ_ASYNC, -1, -1,
		  NULL },
		{ "mlx5_ctrl@pci:0000:01:00.0", "", NT_IRQ_MISC, -1, -1,
		  NULL },
	};

	(void)state;
	CHECK_NAMES(v);
}

/* i40e_main.c and ice_main.c: "%s-%s-%d" (basename "DRV-IFNAME",
 * "TxRx"/"rx"/"tx", index), misc "%s-%s:misc", fdir basename
 * "%s-%s:fdir" (driver, PCI name). */
static void test_names_i40e_ice(void **state)
{
	static const struct name_case v[] = {
		{ "i40e-eth0-TxRx-1", "eth0", D, 1, 1, "i40e-IF-TxRx-N" },
		{ "i40e-ens1f0-rx-2", "ens1f0", D, 2, -1, NULL },
		{ "i40e-ens1f0-tx-2", "ens1f0", D, -1, 2, NULL },
		{ "ice-ens2f0-TxRx-12", "ens2f0", D, 12, 12, NULL },
		{ "i40e-0000:3b:00.0:misc", "ens1f0", NT_IRQ_MISC, -1, -1,
		  "i40e-ADDR:misc" },
		{ "ice-0000:3b:00.0:misc", "", NT_IRQ_MISC, -1, -1, NULL },
		{ "i40e-0000:3b:00.0:fdir-TxRx-0", "ens1f0", NT_IRQ_FDIR,
		  -1, -1, "i40e-ADDR:fdir-TxRx-0" },
	};

	(void)state;
	CHECK_NAMES(v);
}

/* ixgbe_main.c: "%s-%s-%u" (netdev, "TxRx"/"rx"/"tx", index); the other
 * causes (link) on the netdev name alone. */
static void test_names_ixgbe(void **state)
{
	static const struct name_case v[] = {
		{ "eth0-TxRx-3", "eth0", D, 3, 3, "IF-TxRx-N" },
		{ "eth5-TxRx-31", "eth5", D, 31, 31, NULL },
		{ "ens1f0-rx-0", "ens1f0", D, 0, -1, NULL },
		{ "ens1f0-tx-0", "ens1f0", D, -1, 0, NULL },
		{ "eth0", "eth0", NT_IRQ_OTHER, -1, -1, "IF" },
		{ "eth0-TxRx-99999999", "eth0", NT_IRQ_OTHER, -1, -1, NULL },
	};

	(void)state;
	CHECK_NAMES(v);
}

/* igb_main.c: "%s-TxRx-%u", "%s-rx-%u", "%s-tx-%u"; other on the netdev
 * name; igbvf/ixgbevf mailbox "%s-mbx"... the same words. */
static void test_names_igb(void **state)
{
	static const struct name_case v[] = {
		{ "eth0-TxRx-0", "eth0", D, 0, 0, NULL },
		{ "eth0-rx-0", "eth0", D, 0, -1, "IF-rx-N" },
		{ "eth3-tx-1", "eth3", D, -1, 1, "IF-tx-N" },
		{ "eth1", "eth1", NT_IRQ_OTHER, -1, -1, NULL },
		{ "eth1-mbx", "eth1", NT_IRQ_MISC, -1, -1, NULL },
	};

	(void)state;
	CHECK_NAMES(v);
}

/* e1000e/netdev.c, e1000_request_msix(): "%.14s-rx-0", "%.14s-tx-0",
 * other on netdev->name. */
static void test_names_e1000e(void **state)
{
	static const struct name_case v[] = {
		{ "eth0-rx-0", "eth0", D, 0, -1, NULL },
		{ "eth0-tx-0", "eth0", D, -1, 0, NULL },
		{ "eth0", "eth0", NT_IRQ_OTHER, -1, -1, NULL },
		{ "enp0s25", "enp0s25", NT_IRQ_OTHER, -1, -1, NULL },
	};

	(void)state;
	CHECK_NAMES(v);
}

/* bnx2x_main.c: "%s-fp-%d" per fastpath, slowpath on the netdev name;
 * qede_main.c: "%s-fp-%d"; qlcnic_main.c: "%s-rx-%d", "%s-tx-%d" and
 * "%s-tx-0-rx-%d" (one vector for tx 0 and the last rx ring). */
static void test_names_bnx2x_qlcnic(void **state)
{
	static const struct name_case v[] = {
		{ "eth0-fp-3", "eth0", D, 3, 3, "IF-fp-N" },
		{ "eth0", "eth0", NT_IRQ_OTHER, -1, -1, NULL },
		{ "eth4-rx-2", "eth4", D, 2, -1, NULL },
		{ "eth4-tx-1", "eth4", D, -1, 1, NULL },
		{ "eth4-tx-0-rx-3", "eth4", D, 3, 0, "IF-tx-N-rx-N" },
		{ "eth4-tx-2-rx-7", "", D, 7, 2, NULL },
	};

	(void)state;
	CHECK_NAMES(v);
}

/* be2net/be_main.c, be_msix_register(): "%s-q%d". */
static void test_names_be2net(void **state)
{
	static const struct name_case v[] = {
		{ "eth2-q5", "eth2", D, 5, 5, "IF-qN" },
		{ "eth2-q0", "", D, 0, 0, NULL },
	};

	(void)state;
	CHECK_NAMES(v);
}

/* tg3.c, tg3_irq_label(): "%s-txrx-%d", "%s-tx-%d", "%s-rx-%d", "%s-%d";
 * bnx2.c: "%s-%d". */
static void test_names_tg3_bnx2(void **state)
{
	static const struct name_case v[] = {
		{ "eth0-txrx-1", "eth0", D, 1, 1, NULL },
		{ "eth0-rx-2", "eth0", D, 2, -1, NULL },
		{ "eth0-tx-1", "eth0", D, -1, 1, NULL },
		{ "eth0-0", "eth0", D, 0, 0, "IF-N" },
		{ "eth2-3", "", D, 3, 3, NULL },
		{ "br-lan-3", "br-lan", D, 3, 3, "IF-N" },
	};

	(void)state;
	CHECK_NAMES(v);
}

/* virtio_net.c: vq names "input.%d", "output.%d", "control";
 * virtio_pci_common.c: "%s-%s" (device, vq), "%s-config",
 * "%s-virtqueues" (one vector for all). */
static void test_names_virtio(void **state)
{
	static const struct name_case v[] = {
		{ "virtio2-input.0", "eth0", D, 0, -1, "virtio2-input.N" },
		{ "virtio2-output.3", "eth0", D, -1, 3, NULL },
		{ "virtio2-config", "eth0", NT_IRQ_CONFIG, -1, -1, NULL },
		{ "virtio2-control", "eth0", NT_IRQ_MISC, -1, -1, NULL },
		{ "virtio0-virtqueues", "eth0", NT_IRQ_OTHER, -1, -1, NULL },
		{ "virtio1-req.0", "", NT_IRQ_OTHER, -1, -1, NULL },
		{ "virtio4-input", "", NT_IRQ_OTHER, -1, -1, NULL },
	};

	(void)state;
	CHECK_NAMES(v);
}

/* vmxnet3_drv.c, vmxnet3_request_irqs(): "%s-rxtx-%d" (shared),
 * "%s-rx-%d", "%s-tx-%d", "%s-event-%d". */
static void test_names_vmxnet3(void **state)
{
	static const struct name_case v[] = {
		{ "eth1-rxtx-0", "eth1", D, 0, 0, "IF-rxtx-N" },
		{ "enp3s0-rxtx-2", "enp3s0", D, 2, 2, NULL },
		{ "ens192-rx-1", "ens192", D, 1, -1, NULL },
		{ "ens192-tx-1", "ens192", D, -1, 1, NULL },
		{ "eth1-event-4", "eth1", NT_IRQ_MISC, -1, -1, NULL },
	};

	(void)state;
	CHECK_NAMES(v);
}

/* ena_netdev.c: "%s-Tx-Rx-%d" (netdev, queue), "ena-mgmnt@pci:%s";
 * gve_main.c: "gve-ntfy-blk%d@pci:%s" (a notify block: no queue
 * number, the tx/rx split depends on the block count), "gve-mgmnt@pci:%s". */
static void test_names_ena_gve(void **state)
{
	static const struct name_case v[] = {
		{ "eth0-Tx-Rx-5", "eth0", D, 5, 5, "IF-Tx-Rx-N" },
		{ "ena-mgmnt@pci:0000:00:05.0", "eth0", NT_IRQ_MISC, -1, -1,
		  "ena-mgmnt@pci:ADDR" },
		{ "gve-ntfy-blk3@pci:0000:00:04.0", "ens4", D, -1, -1, NULL },
		{ "gve-mgmnt@pci:0000:00:04.0", "ens4", NT_IRQ_MISC, -1, -1,
		  NULL },
	};

	(void)state;
	CHECK_NAMES(v);
}

/* Not NIC queues: disks, USB, timers, sound, an interface named like a
 * queue word, a shared legacy line. */
static void test_names_not_nic(void **state)
{
	static const struct name_case v[] = {
		{ "nvme0q1", "", NT_IRQ_OTHER, -1, -1, NULL },
		{ "hpsa6-msix10", "", NT_IRQ_OTHER, -1, -1, NULL },
		{ "dmar0", "", NT_IRQ_OTHER, -1, -1, NULL },
		{ "i8042", "", NT_IRQ_OTHER, -1, -1, NULL },
		{ "wtx0", "wtx0", NT_IRQ_OTHER, -1, -1, "IF" },
		{ "mgmt0", "mgmt0", NT_IRQ_OTHER, -1, -1, "IF" },
		{ "mgmt0-TxRx-1", "mgmt0", D, 1, 1, "IF-TxRx-N" },
		{ "snd_hda_intel:card0", "", NT_IRQ_OTHER, -1, -1, NULL },
		{ "iwlwifi: default queue", "", NT_IRQ_OTHER, -1, -1, NULL },
		{ "virtio3-rx", "", NT_IRQ_OTHER, -1, -1, NULL },
		{ "uhci_hcd:usb1, eth0, eth1", "eth0", NT_IRQ_OTHER, -1, -1,
		  NULL },
		{ "", "", NT_IRQ_OTHER, -1, -1, NULL },
	};

	(void)state;
	CHECK_NAMES(v);
}

/*
 * hv_netvsc: the synthetic NIC's channels interrupt through VMBus (the
 * "HYP" row of /proc/interrupts, no IRQ number): it has no IRQ of its
 * own, and its accelerated-networking VF's vectors are the VF's.
 */
static const char hyperv[] =
	"           CPU0       CPU1\n"
	" 24:          0          0  PCI-MSIX-0001:00:02.0   0-edge      mlx5_async0@pci:0001:00:02.0\n"
	" 25:          7          0  PCI-MSIX-0001:00:02.0   1-edge      mlx5_comp0@pci:0001:00:02.0\n"
	"HYP:        800        900   Hypervisor callback interrupts\n";

static void test_match_hv_netvsc(void **state)
{
	const struct want vf[] = { { 24, -1, "" }, { 25, 0, "rxtx" } };
	struct nt_interrupts t;

	(void)state;
	parse_interrupts(hyperv, &t);
	check_match(&t, "eth0", "", NULL, 0, NULL, 0);
	check_match(&t, "enP1s2", "0001:00:02.0", NULL, 0, vf,
		    ARRAY_SIZE(vf));
	nt_interrupts_free(&t);
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
			struct nt_iface_irq irq;
			const char *name = t.v[i].name;
			bool got = nt_irq_parse_name(name, "", &irq);
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
	match(&t, &(struct nt_irq_port){ .ifname = "eth5" }, &v, &n);
	for (size_t i = 0; i < n; i++) {
		queues += nt_irq_is_queue(&v[i]);
		if (nt_irq_is_queue(&v[i]))
			assert_int_equal(nt_irq_queue(&v[i]),
					 (int)(i - (n - 32)));
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

/* A shared legacy IRQ is listed with every interface it names. */
static void test_match_shared_legacy(void **state)
{
	const struct want want = { 11, -1, "" };
	struct nt_iface_irq *v;
	struct nt_interrupts t;
	size_t n;

	(void)state;
	load_interrupts("servers/kvm.l3.masterconf/interrupts", &t);
	check_match(&t, "eth0", "", NULL, 0, &want, 1);
	check_match(&t, "eth1", "", NULL, 0, &want, 1);
	check_match(&t, "usb1", "", NULL, 0, &want, 1);
	check_match(&t, "eth", "", NULL, 0, NULL, 0);
	/* ...and no interface owns it */
	match(&t, &(struct nt_irq_port){ .ifname = "eth0" }, &v, &n);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].owner, NT_IRQ_OWNER_NONE);
	free_irqs(v, n);
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

/* Every IRQ eth0 gets from @bus_info / @msi, by @rule, its own. */
static void check_rule(const struct nt_interrupts *t, const char *bus_info,
		       const uint32_t *msi, size_t n_msi, enum nt_irq_rule rule)
{
	const struct nt_irq_port port = {
		.ifname = "eth0", .bus_info = bus_info, .msi = msi,
		.n_msi = n_msi,
	};
	struct nt_iface_irq *v;
	size_t n;

	match(t, &port, &v, &n);
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(v[i].rule, rule);
		assert_int_equal(v[i].owner, NT_IRQ_OWNER_IFACE);
	}
	free_irqs(v, n);
}

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
	check_rule(&t, "virtio2", NULL, 0, NT_IRQ_RULE_ADDRESS);
	check_rule(&t, "", msi, ARRAY_SIZE(msi), NT_IRQ_RULE_MSI);
	check_rule(&t, "0000:00:03.0", NULL, 0, NT_IRQ_RULE_CHIP);
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

/* A table of tests/fixtures/irq, its '#' comment lines left out. */
static void load_table(const char *name, struct nt_interrupts *t)
{
	char rel[256], *text, *out;
	size_t n = 0;

	snprintf(rel, sizeof(rel), "../irq/%s", name);
	text = fixture_text(rel);
	out = calloc(1, strlen(text) + 1);
	assert_non_null(out);
	for (char *line = text; *line;) {
		size_t len = strcspn(line, "\n");

		if (line[0] != '#') {
			memcpy(out + n, line, len);
			n += len;
			out[n++] = '\n';
		}
		line += len + (line[len] == '\n');
	}
	parse_interrupts(out, t);
	free(out);
	free(text);
}

/* The IRQ numbered @irq in @v, or NULL. */
static const struct nt_iface_irq *find_irq(const struct nt_iface_irq *v,
					   size_t n, uint32_t irq)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].irq == irq)
			return &v[i];
	return NULL;
}

/* No IRQ owned by two ports, no queue with two IRQs of one direction. */
static void check_one_owner(const struct nt_iface_irq *a, size_t na,
			    const struct nt_iface_irq *b, size_t nb)
{
	for (size_t i = 0; i < na; i++) {
		const struct nt_iface_irq *o = find_irq(b, nb, a[i].irq);

		if (o && a[i].owner == NT_IRQ_OWNER_IFACE &&
		    o->owner == NT_IRQ_OWNER_IFACE)
			fail_msg("IRQ %u owned by both ports", a[i].irq);
		for (size_t k = i + 1; k < na; k++)
			if (nt_irq_is_queue(&a[i]) && nt_irq_is_queue(&a[k]) &&
			    ((a[i].rxq >= 0 && a[i].rxq == a[k].rxq) ||
			     (a[i].txq >= 0 && a[i].txq == a[k].txq)))
				fail_msg("IRQs %u and %u serve one queue",
					 a[i].irq, a[k].irq);
	}
}

static void check_owner(const struct nt_iface_irq *v, size_t n, uint32_t irq,
			enum nt_irq_owner owner, enum nt_irq_kind kind)
{
	const struct nt_iface_irq *x = find_irq(v, n, irq);

	if (!x)
		fail_msg("IRQ %u missing", irq);
	if (x->owner != owner || x->kind != kind)
		fail_msg("IRQ %u \"%s\": owner %s kind %s, want %s %s", irq,
			 x->name, nt_irq_owner_name(x->owner),
			 nt_irq_kind_name(x->kind), nt_irq_owner_name(owner),
			 nt_irq_kind_name(kind));
	if (owner != NT_IRQ_OWNER_IFACE)
		assert_false(nt_irq_is_queue(x));
}

/*
 * Two ports on one PCI function (ConnectX-3): each port's own vectors
 * are its queues; the device's vectors ("mlx4-comp-N@pci:ADDR") are no
 * port's, and neither port takes the other's.
 */
static void test_match_shared_function(void **state)
{
	const char *const sib2[] = { "eth3", NULL }, *const sib3[] = {
		"eth2", NULL };
	const uint32_t msi[] = { 60, 61, 62, 63, 64, 65, 66 };
	const struct want eth2[] = {
		{ 60, -1, "" }, { 61, -1, "" }, { 62, -1, "" },
		{ 63, 0, "rxtx" }, { 64, 1, "rxtx" },
	};
	const struct want eth3[] = {
		{ 60, -1, "" }, { 61, -1, "" }, { 62, -1, "" },
		{ 65, 0, "rxtx" }, { 66, 1, "rxtx" },
	};
	struct nt_irq_port p2 = { .ifname = "eth2",
				  .bus_info = "0000:07:00.0",
				  .siblings = sib2 };
	struct nt_irq_port p3 = { .ifname = "eth3",
				  .bus_info = "0000:07:00.0",
				  .siblings = sib3 };
	struct nt_iface_irq *a, *b;
	struct nt_interrupts t;
	size_t na, nb;

	(void)state;
	load_table("connectx3-2ports.interrupts", &t);
	for (int pass = 0; pass < 2; pass++) {
		/* by name, then by the function's msi_irqs */
		p2.msi = p3.msi = pass ? msi : NULL;
		p2.n_msi = p3.n_msi = pass ? ARRAY_SIZE(msi) : 0;
		check_port(&t, &p2, eth2, ARRAY_SIZE(eth2));
		check_port(&t, &p3, eth3, ARRAY_SIZE(eth3));
		match(&t, &p2, &a, &na);
		match(&t, &p3, &b, &nb);
		check_one_owner(a, na, b, nb);
		check_owner(a, na, 60, NT_IRQ_OWNER_DEVICE, NT_IRQ_DATA);
		check_owner(a, na, 62, NT_IRQ_OWNER_DEVICE, NT_IRQ_ASYNC);
		check_owner(a, na, 63, NT_IRQ_OWNER_IFACE, NT_IRQ_DATA);
		assert_int_equal(find_irq(a, na, 63)->rule,
				 pass ? NT_IRQ_RULE_MSI : NT_IRQ_RULE_NAME);
		assert_int_equal(find_irq(a, na, 60)->rule,
				 pass ? NT_IRQ_RULE_MSI : NT_IRQ_RULE_ADDRESS);
		free_irqs(a, na);
		free_irqs(b, nb);
	}
	nt_interrupts_free(&t);
}

/* Since 4.x every mlx4 completion EQ is the device's: no port queues. */
static void test_match_shared_function_modern(void **state)
{
	const char *const sib[] = { "eth3", NULL };
	const struct nt_irq_port port = { .ifname = "eth2",
					  .bus_info = "0000:07:00.0",
					  .siblings = sib };
	struct nt_iface_irq *v;
	struct nt_interrupts t;
	size_t n;

	(void)state;
	load_table("connectx3-modern.interrupts", &t);
	match(&t, &port, &v, &n);
	assert_int_equal(n, 4);
	check_owner(v, n, 40, NT_IRQ_OWNER_DEVICE, NT_IRQ_ASYNC);
	for (uint32_t irq = 41; irq <= 43; irq++) {
		check_owner(v, n, irq, NT_IRQ_OWNER_DEVICE, NT_IRQ_DATA);
		assert_int_equal(find_irq(v, n, irq)->rule,
				 NT_IRQ_RULE_ADDRESS);
		assert_string_equal(find_irq(v, n, irq)->pattern,
				    "mlx4-N@ADDR");
	}
	free_irqs(v, n);
	nt_interrupts_free(&t);
}

/*
 * The real ConnectX-3 Pro capture (mlx4_en eth2 on 0000:07:00.0): queues
 * 0..7 are eth2-0..7; mlx4-comp-0..2 are the device's, not a second IRQ
 * for queues 0..2.
 */
static void test_match_mlx4_capture(void **state)
{
	struct want want[12];
	struct nt_iface_irq *v;
	struct nt_interrupts t;
	size_t n;
	const struct nt_irq_port port = { .ifname = "eth2",
					  .bus_info = "0000:07:00.0" };

	(void)state;
	load_interrupts("servers/2xX5650.BCM5709_and_MT27520.L2.manual/"
			"interrupts", &t);
	for (int i = 0; i < 4; i++)
		want[i] = (struct want){ 60 + i, -1, "" };
	for (int q = 0; q < 8; q++)
		want[4 + q] = (struct want){ 64 + q, q, "rxtx" };
	check_port(&t, &port, want, ARRAY_SIZE(want));
	match(&t, &port, &v, &n);
	check_one_owner(v, n, NULL, 0);
	check_owner(v, n, 60, NT_IRQ_OWNER_DEVICE, NT_IRQ_DATA);
	check_owner(v, n, 63, NT_IRQ_OWNER_DEVICE, NT_IRQ_ASYNC);
	free_irqs(v, n);
	nt_interrupts_free(&t);
}

/* i40e: the flow director and misc vectors are no data queue. */
static void test_match_fdir(void **state)
{
	const struct want want[] = {
		{ 90, -1, "" }, { 94, -1, "" },
		{ 91, 0, "rxtx" }, { 92, 1, "rxtx" }, { 93, 2, "rxtx" },
	};
	const struct nt_irq_port port = { .ifname = "ens1f0",
					  .bus_info = "0000:3b:00.0" };
	struct nt_iface_irq *v;
	struct nt_interrupts t;
	size_t n;

	(void)state;
	load_table("i40e.interrupts", &t);
	check_port(&t, &port, want, ARRAY_SIZE(want));
	match(&t, &port, &v, &n);
	check_one_owner(v, n, NULL, 0);
	check_owner(v, n, 94, NT_IRQ_OWNER_DEVICE, NT_IRQ_FDIR);
	check_owner(v, n, 90, NT_IRQ_OWNER_DEVICE, NT_IRQ_MISC);
	free_irqs(v, n);
	nt_interrupts_free(&t);
}

/* qlcnic: one vector for tx queue 0 and rx queue 3. */
static void test_match_combined(void **state)
{
	const struct nt_irq_port port = { .ifname = "eth4" };
	struct nt_iface_irq *v;
	struct nt_interrupts t;
	char text[32];
	size_t n;

	(void)state;
	load_table("qlcnic.interrupts", &t);
	match(&t, &port, &v, &n);
	assert_int_equal(n, 4);
	assert_int_equal(v[3].irq, 73);
	assert_int_equal(v[3].rxq, 3);
	assert_int_equal(v[3].txq, 0);
	assert_string_equal(nt_irq_queues_text(&v[3], text, sizeof(text)),
			    "tx 0 + rx 3");
	assert_string_equal(nt_irq_queues_text(&v[0], text, sizeof(text)),
			    "rx 0");
	free_irqs(v, n);
	nt_interrupts_free(&t);
}

/* An old kernel's table: no address in the chip column. */
static const char stale[] =
	"           CPU0\n"
	" 50:          1   PCI-MSI-edge      eth0\n"
	" 51:          1   PCI-MSI-edge      eth0-TxRx-0\n"
	" 52:          1   PCI-MSI-edge      eth0-TxRx-0\n"
	"NMI:          0   Non-maskable interrupts\n";

/*
 * msi_irqs, where sysfs has it, decides over the name: IRQ 52 still
 * carries the name of a NIC renamed away, and is not this eth0's.
 */
static void test_match_msi_preferred(void **state)
{
	const uint32_t msi[] = { 50, 51 };
	const struct want by_msi[] = { { 50, -1, "" }, { 51, 0, "rxtx" } };
	struct nt_iface_irq *v;
	struct nt_interrupts t;
	size_t n;

	(void)state;
	parse_interrupts(stale, &t);
	check_match(&t, "eth0", "", msi, ARRAY_SIZE(msi), by_msi,
		    ARRAY_SIZE(by_msi));
	match(&t, &(struct nt_irq_port){ .ifname = "eth0", .msi = msi,
					 .n_msi = ARRAY_SIZE(msi) }, &v, &n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(v[i].rule, NT_IRQ_RULE_MSI);
		assert_int_equal(v[i].owner, NT_IRQ_OWNER_IFACE);
	}
	assert_string_equal(v[1].pattern, "IF-TxRx-N");
	free_irqs(v, n);
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
		cmocka_unit_test(test_names_mlx4),
		cmocka_unit_test(test_names_mlx5),
		cmocka_unit_test(test_names_i40e_ice),
		cmocka_unit_test(test_names_ixgbe),
		cmocka_unit_test(test_names_igb),
		cmocka_unit_test(test_names_e1000e),
		cmocka_unit_test(test_names_bnx2x_qlcnic),
		cmocka_unit_test(test_names_be2net),
		cmocka_unit_test(test_names_tg3_bnx2),
		cmocka_unit_test(test_names_virtio),
		cmocka_unit_test(test_names_vmxnet3),
		cmocka_unit_test(test_names_ena_gve),
		cmocka_unit_test(test_names_not_nic),
		cmocka_unit_test(test_match_hv_netvsc),
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
		cmocka_unit_test(test_match_shared_function),
		cmocka_unit_test(test_match_shared_function_modern),
		cmocka_unit_test(test_match_mlx4_capture),
		cmocka_unit_test(test_match_fdir),
		cmocka_unit_test(test_match_combined),
		cmocka_unit_test(test_match_msi_preferred),
		cmocka_unit_test_setup_teardown(test_irq_read, make_proc_irq,
						remove_proc_irq),
	};

	return cmocka_run_group_tests_name("irq", tests, NULL, NULL);
}
