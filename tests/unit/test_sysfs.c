// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sysfs and sysctl readers against a small tree built in a temporary
 * directory and read through nt_root_open() on it, as --root reads a
 * captured host.  The links are relative, laid out as the kernel does.
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

#include "sys/sysctl.h"
#include "sys/sysfs.h"
#include "testlib.h"

#define PCI_DEV		"sys/devices/pci0000:00/0000:00:03.0"
#define VIRTIO_PCI	"sys/devices/pci0000:00/0000:00:04.0"
#define VIRTIO_DEV	VIRTIO_PCI "/virtio3"
#define VETH_DEV	"sys/devices/virtual/net/veth0"

struct fake {
	char dir[64];
	struct nt_root root;
};

static void put_topology(const struct fake *f, int cpu, const char *file,
			 const char *text)
{
	char path[128];

	snprintf(path, sizeof(path), "sys/devices/system/cpu/cpu%d/topology/%s",
		 cpu, file);
	tree_put(f->dir, path, text);
}

/* Four CPUs in two packages and two nodes; CPU 3 is offline. */
static void put_cpus(const struct fake *f, bool numa)
{
	static const char *const core[] = { "0", "1", "0" };
	static const char *const package[] = { "0", "0", "1" };
	static const char *const siblings[] = { "0\n", "1\n", "2-3\n" };

	tree_put(f->dir, "sys/devices/system/cpu/present", "0-3\n");
	tree_put(f->dir, "sys/devices/system/cpu/online", "0-2\n");
	tree_put(f->dir, "sys/devices/system/cpu/possible", "0-7\n");
	for (int cpu = 0; cpu < 3; cpu++) {
		put_topology(f, cpu, "core_id", core[cpu]);
		put_topology(f, cpu, "physical_package_id", package[cpu]);
		put_topology(f, cpu, "thread_siblings_list", siblings[cpu]);
	}
	tree_put(f->dir, "sys/devices/system/cpu/cpu3/online", "0\n");
	if (!numa)
		return;
	tree_put(f->dir, "sys/devices/system/node/node0/cpulist", "0-1\n");
	tree_put(f->dir, "sys/devices/system/node/node1/cpulist", "2-3\n");
	tree_put(f->dir, "sys/devices/system/node/online", "0-1\n");
	tree_put(f->dir, "sys/devices/system/node/has_cpu", "0-1\n");
}

/* An igb NIC on PCI, queues rx-0..2 and tx-0, on node 1. */
static void put_pci_nic(const struct fake *f)
{
	tree_put(f->dir, PCI_DEV "/numa_node", "1\n");
	tree_put(f->dir, PCI_DEV "/msi_irqs/100", "msix\n");
	tree_put(f->dir, PCI_DEV "/msi_irqs/40", "msix\n");
	tree_put(f->dir, PCI_DEV "/msi_irqs/9", "msix\n");
	tree_link(f->dir, PCI_DEV "/driver", "../../../bus/pci/drivers/igb");
	tree_link(f->dir, PCI_DEV "/net/eth0/device", "../../../0000:00:03.0");
	tree_put(f->dir, PCI_DEV "/net/eth0/ifindex", "2\n");
	tree_put(f->dir, PCI_DEV "/net/eth0/speed", "10000\n");
	tree_put(f->dir, PCI_DEV "/net/eth0/duplex", "full\n");
	tree_put(f->dir, PCI_DEV "/net/eth0/mtu", "9000\n");
	tree_put(f->dir, PCI_DEV "/net/eth0/tx_queue_len", "1000\n");
	tree_put(f->dir, PCI_DEV "/net/eth0/operstate", "up\n");
	tree_put(f->dir, PCI_DEV "/net/eth0/queues/rx-2/rps_cpus",
		 "00000000,00000000\n");
	tree_put(f->dir, PCI_DEV "/net/eth0/queues/rx-2/rps_flow_cnt", "0\n");
	tree_put(f->dir, PCI_DEV "/net/eth0/queues/rx-0/rps_cpus",
		 "00000000,00000003\n");
	tree_put(f->dir, PCI_DEV "/net/eth0/queues/rx-0/rps_flow_cnt", "0\n");
	tree_put(f->dir, PCI_DEV "/net/eth0/queues/rx-1/rps_cpus",
		 "00000001,00000004\n");
	tree_put(f->dir, PCI_DEV "/net/eth0/queues/rx-1/rps_flow_cnt",
		 "4096\n");
	tree_put(f->dir, PCI_DEV "/net/eth0/queues/tx-0/xps_cpus",
		 "0000000f\n");
	tree_link(f->dir, "sys/class/net/eth0",
		  "../../devices/pci0000:00/0000:00:03.0/net/eth0");
}

/* virtio_net: the netdev hangs below virtio3, below the PCI function. */
static void put_virtio_nic(const struct fake *f)
{
	tree_put(f->dir, VIRTIO_PCI "/numa_node", "1\n");
	tree_put(f->dir, VIRTIO_PCI "/msi_irqs/38", "msix\n");
	tree_put(f->dir, VIRTIO_PCI "/msi_irqs/37", "msix\n");
	tree_put(f->dir, VIRTIO_PCI "/msi_irqs/39", "msix\n");
	tree_link(f->dir, VIRTIO_DEV "/driver",
		  "../../../../bus/virtio/drivers/virtio_net");
	tree_link(f->dir, VIRTIO_DEV "/net/eth1/device", "../../../virtio3");
	tree_put(f->dir, VIRTIO_DEV "/net/eth1/ifindex", "3\n");
	tree_put(f->dir, VIRTIO_DEV "/net/eth1/duplex", "unknown\n");
	tree_put(f->dir, VIRTIO_DEV "/net/eth1/queues/rx-0/rps_cpus", "0\n");
	tree_put(f->dir, VIRTIO_DEV "/net/eth1/queues/rx-0/rps_flow_cnt",
		 "0\n");
	tree_put(f->dir, VIRTIO_DEV "/net/eth1/queues/tx-0/tx_maxrate", "0\n");
	tree_link(f->dir, "sys/class/net/eth1",
		  "../../devices/pci0000:00/0000:00:04.0/virtio3/net/eth1");
}

static void put_virtual(const struct fake *f)
{
	tree_put(f->dir, VETH_DEV "/ifindex", "5\n");
	tree_put(f->dir, VETH_DEV "/speed", "10000\n");
	tree_put(f->dir, VETH_DEV "/duplex", "full\n");
	tree_put(f->dir, VETH_DEV "/queues/rx-0/rps_cpus", "0\n");
	tree_put(f->dir, VETH_DEV "/queues/rx-0/rps_flow_cnt", "0\n");
	tree_put(f->dir, VETH_DEV "/queues/tx-0/xps_cpus", "0\n");
	tree_link(f->dir, "sys/class/net/veth0",
		  "../../devices/virtual/net/veth0");
	tree_put(f->dir, "sys/devices/virtual/net/lo/ifindex", "1\n");
	tree_link(f->dir, "sys/class/net/lo", "../../devices/virtual/net/lo");
	tree_put(f->dir, "sys/class/net/bonding_masters", "\n");
}

static void put_sysctls(const struct fake *f)
{
	tree_put(f->dir, "proc/sys/net/core/somaxconn", "4096\n");
	tree_put(f->dir, "proc/sys/net/ipv4/tcp_rmem",
		 "4096\t131072\t6291456\n");
	tree_put(f->dir, "proc/sys/net/ipv4/tcp_congestion_control", "bbr\n");
}

static int make_tree(void **state, bool numa)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct nt_err err = { 0 };

	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/nt-sysfs-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	put_cpus(f, numa);
	put_pci_nic(f);
	put_virtio_nic(f);
	put_virtual(f);
	put_sysctls(f);
	if (nt_root_open(&f->root, f->dir, &err)) {
		print_error("%s\n", err.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int make_numa_tree(void **state)
{
	return make_tree(state, true);
}

static int make_flat_tree(void **state)
{
	return make_tree(state, false);
}

static int remove_tree(void **state)
{
	struct fake *f = *state;
	int ret;

	nt_root_close(&f->root);
	ret = tree_remove(f->dir);
	free(f);
	return ret;
}

static void free_topology(struct nt_cpu *cpus, size_t n_cpus,
			  struct nt_node *nodes, size_t n_nodes)
{
	for (size_t i = 0; i < n_cpus; i++)
		nt_cpumask_free(&cpus[i].thread_siblings);
	for (size_t i = 0; i < n_nodes; i++)
		nt_cpumask_free(&nodes[i].cpus);
	free(cpus);
	free(nodes);
}

static void assert_list(const struct nt_cpumask *mask, const char *want)
{
	char text[256];

	assert_true(nt_cpumask_format_list(mask, text, sizeof(text)) >= 0);
	assert_string_equal(text, want);
}

static void test_cpus_numa(void **state)
{
	struct fake *f = *state;
	struct nt_err err = { 0 };
	struct nt_cpu *cpus;
	struct nt_node *nodes;
	size_t n_cpus, n_nodes;

	assert_int_equal(nt_sysfs_cpus(&f->root, &cpus, &n_cpus, &nodes,
				       &n_nodes, &err), 0);
	assert_int_equal(n_cpus, 4);
	for (uint32_t i = 0; i < 4; i++) {
		assert_int_equal(cpus[i].id, i);
		assert_int_equal(cpus[i].online, i < 3);
		assert_int_equal(cpus[i].node, i < 2 ? 0 : 1);
	}
	assert_int_equal(cpus[1].core_id, 1);
	assert_int_equal(cpus[2].core_id, 0);
	assert_int_equal(cpus[2].package_id, 1);
	assert_list(&cpus[2].thread_siblings, "2-3");
	/* offline, no topology directory */
	assert_int_equal(cpus[3].core_id, -1);
	assert_int_equal(cpus[3].package_id, -1);
	assert_true(nt_cpumask_empty(&cpus[3].thread_siblings));

	assert_int_equal(n_nodes, 2);
	assert_int_equal(nodes[0].id, 0);
	assert_list(&nodes[0].cpus, "0-1");
	assert_int_equal(nodes[1].id, 1);
	assert_list(&nodes[1].cpus, "2-3");
	free_topology(cpus, n_cpus, nodes, n_nodes);
}

static void test_cpus_no_numa(void **state)
{
	struct fake *f = *state;
	struct nt_err err = { 0 };
	struct nt_cpu *cpus;
	struct nt_node *nodes;
	size_t n_cpus, n_nodes;

	assert_int_equal(nt_sysfs_cpus(&f->root, &cpus, &n_cpus, &nodes,
				       &n_nodes, &err), 0);
	assert_int_equal(n_cpus, 4);
	assert_int_equal(n_nodes, 1);
	assert_int_equal(nodes[0].id, 0);
	assert_list(&nodes[0].cpus, "0-3");
	for (size_t i = 0; i < n_cpus; i++)
		assert_int_equal(cpus[i].node, 0);
	free_topology(cpus, n_cpus, nodes, n_nodes);
}

static void test_cpus_missing(void **state)
{
	struct nt_err err = { 0 };
	struct nt_root root;
	struct nt_cpu *cpus;
	struct nt_node *nodes;
	size_t n_cpus, n_nodes;
	char dir[] = "/tmp/nt-empty-XXXXXX";

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(nt_root_open(&root, dir, &err), 0);
	assert_int_equal(nt_sysfs_cpus(&root, &cpus, &n_cpus, &nodes, &n_nodes,
				       &err), -ENOENT);
	assert_non_null(strstr(err.msg, "/sys/devices/system/cpu/present"));
	assert_null(cpus);
	assert_int_equal(n_cpus, 0);
	nt_root_close(&root);
	assert_int_equal(rmdir(dir), 0);
}

static void test_ifaces_sorted(void **state)
{
	static const char *const names[] = { "lo", "eth0", "eth1", "veth0" };
	static const int index[] = { 1, 2, 3, 5 };
	struct fake *f = *state;
	struct nt_err err = { 0 };
	struct nt_iface *v;
	size_t n;

	assert_int_equal(nt_sysfs_ifaces(&f->root, &v, &n, &err), 0);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(v[i].name, names[i]);
		assert_int_equal(v[i].ifindex, index[i]);
		assert_null(v[i].rxq);
	}
	free(v);
}

static void init_iface(struct nt_iface *ifc, const char *name)
{
	memset(ifc, 0, sizeof(*ifc));
	snprintf(ifc->name, sizeof(ifc->name), "%s", name);
}

static void test_iface_pci(void **state)
{
	struct fake *f = *state;
	struct nt_err err = { 0 };
	struct nt_iface ifc;

	init_iface(&ifc, "eth0");
	assert_int_equal(nt_sysfs_iface(&f->root, &ifc, &err), 0);
	assert_false(ifc.is_virtual);
	assert_string_equal(ifc.driver, "igb");
	assert_string_equal(ifc.bus_info, "0000:00:03.0");
	assert_int_equal(ifc.numa_node, 1);
	assert_int_equal(ifc.speed, 10000);
	assert_string_equal(ifc.duplex, "full");
	/* a captured tree: what netlink would give comes from sysfs */
	assert_int_equal(ifc.mtu, 9000);
	assert_int_equal(ifc.txqlen, 1000);
	assert_string_equal(ifc.operstate, "up");

	assert_int_equal(ifc.n_rxq, 3);
	for (uint32_t i = 0; i < 3; i++) {
		assert_int_equal(ifc.rxq[i].index, i);
		assert_int_equal(ifc.rxq[i].rps_state, NT_STATE_OK);
	}
	assert_list(&ifc.rxq[0].rps_cpus, "0-1");
	assert_int_equal(ifc.rxq[0].rps_flow_cnt, 0);
	/* a mask wider than 32 CPUs */
	assert_list(&ifc.rxq[1].rps_cpus, "2,32");
	assert_int_equal(ifc.rxq[1].rps_flow_cnt, 4096);
	assert_true(nt_cpumask_empty(&ifc.rxq[2].rps_cpus));

	assert_int_equal(ifc.n_txq, 1);
	assert_int_equal(ifc.txq[0].xps_state, NT_STATE_OK);
	assert_list(&ifc.txq[0].xps_cpus, "0-3");
	nt_iface_free(&ifc);
}

/* Netlink facts already set are not overwritten; a second read replaces. */
static void test_iface_keeps_and_rereads(void **state)
{
	struct fake *f = *state;
	struct nt_err err = { 0 };
	struct nt_iface ifc;

	init_iface(&ifc, "eth0");
	strcpy(ifc.driver, "ixgbe");
	strcpy(ifc.bus_info, "0000:81:00.0");
	ifc.mtu = 1500;
	strcpy(ifc.operstate, "down");
	assert_int_equal(nt_sysfs_iface(&f->root, &ifc, &err), 0);
	assert_int_equal(nt_sysfs_iface(&f->root, &ifc, &err), 0);
	assert_string_equal(ifc.driver, "ixgbe");
	assert_string_equal(ifc.bus_info, "0000:81:00.0");
	assert_int_equal(ifc.mtu, 1500);
	assert_int_equal(ifc.txqlen, 1000);
	assert_string_equal(ifc.operstate, "down");
	assert_int_equal(ifc.n_rxq, 3);
	assert_int_equal(ifc.n_txq, 1);
	nt_iface_free(&ifc);
}

static void test_iface_virtio(void **state)
{
	struct fake *f = *state;
	struct nt_err err = { 0 };
	struct nt_iface ifc;

	init_iface(&ifc, "eth1");
	assert_int_equal(nt_sysfs_iface(&f->root, &ifc, &err), 0);
	assert_false(ifc.is_virtual);
	assert_string_equal(ifc.driver, "virtio_net");
	assert_string_equal(ifc.bus_info, "virtio3");
	/* virtio3 has no numa_node: its PCI function's */
	assert_int_equal(ifc.numa_node, 1);
	assert_int_equal(ifc.speed, -1);
	assert_string_equal(ifc.duplex, "");
	assert_int_equal(ifc.n_rxq, 1);
	assert_int_equal(ifc.rxq[0].rps_state, NT_STATE_OK);
	assert_true(nt_cpumask_empty(&ifc.rxq[0].rps_cpus));
	/* single queue: the kernel offers no xps_cpus */
	assert_int_equal(ifc.n_txq, 1);
	assert_int_equal(ifc.txq[0].xps_state, NT_STATE_UNSUPPORTED);
	nt_iface_free(&ifc);
}

static void test_iface_virtual(void **state)
{
	struct fake *f = *state;
	struct nt_err err = { 0 };
	struct nt_iface ifc;

	init_iface(&ifc, "veth0");
	assert_int_equal(nt_sysfs_iface(&f->root, &ifc, &err), 0);
	assert_true(ifc.is_virtual);
	assert_string_equal(ifc.driver, "");
	assert_string_equal(ifc.bus_info, "");
	assert_int_equal(ifc.numa_node, -1);
	assert_int_equal(ifc.speed, 10000);
	assert_int_equal(ifc.n_rxq, 1);
	assert_int_equal(ifc.n_txq, 1);
	assert_int_equal(ifc.txq[0].xps_state, NT_STATE_OK);
	nt_iface_free(&ifc);

	/* lo: no speed, no queues directory in this tree */
	init_iface(&ifc, "lo");
	assert_int_equal(nt_sysfs_iface(&f->root, &ifc, &err), 0);
	assert_true(ifc.is_virtual);
	assert_int_equal(ifc.speed, -1);
	assert_int_equal(ifc.n_rxq, 0);
	assert_null(ifc.rxq);
	nt_iface_free(&ifc);
}

static void test_iface_missing(void **state)
{
	static const char *const bad[] = { "eth9", "bonding_masters", "..",
					   "../eth0" };
	struct fake *f = *state;
	struct nt_iface ifc;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nt_err err = { 0 };
		char want[64];

		init_iface(&ifc, bad[i]);
		assert_int_equal(nt_sysfs_iface(&f->root, &ifc, &err), -ENODEV);
		snprintf(want, sizeof(want), "%s: no such interface", bad[i]);
		assert_string_equal(err.msg, want);
		assert_int_equal(err.code, ENODEV);
	}
}

static void assert_irqs(const struct fake *f, const char *ifname,
			const uint32_t *want, size_t n_want)
{
	uint32_t *irqs;
	size_t n;

	assert_int_equal(nt_sysfs_msi_irqs(&f->root, ifname, &irqs, &n), 0);
	assert_int_equal(n, n_want);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(irqs[i], want[i]);
	free(irqs);
}

static void test_msi_irqs(void **state)
{
	static const uint32_t pci[] = { 9, 40, 100 };
	static const uint32_t virtio[] = { 37, 38, 39 };
	struct fake *f = *state;

	assert_irqs(f, "eth0", pci, 3);
	assert_irqs(f, "eth1", virtio, 3);
	assert_irqs(f, "veth0", NULL, 0);
	assert_irqs(f, "eth9", NULL, 0);
}

static void test_sysctl_read(void **state)
{
	struct fake *f = *state;
	struct nt_err err = { 0 };
	char value[64];

	assert_int_equal(nt_sysctl_read(&f->root, "net.core.somaxconn", value,
					sizeof(value), &err), 0);
	assert_string_equal(value, "4096");
	assert_int_equal(nt_sysctl_read(&f->root, "net.ipv4.tcp_rmem", value,
					sizeof(value), &err), 0);
	assert_string_equal(value, "4096\t131072\t6291456");
	assert_int_equal(nt_sysctl_read(&f->root, "net.ipv4.tcp_rmem", value,
					8, &err), -ENOSPC);
	assert_non_null(strstr(err.msg, "net.ipv4.tcp_rmem"));
}

static void test_sysctl_read_absent(void **state)
{
	struct fake *f = *state;
	struct nt_err err = { 0 };
	char value[64];

	assert_int_equal(nt_sysctl_read(&f->root, "net.core.rmem_max", value,
					sizeof(value), &err), -ENOENT);
	assert_int_equal(nt_sysctl_read(&f->root, "net.nosuch.key", value,
					sizeof(value), &err), -ENOENT);
	assert_int_equal(err.code, 0);
	assert_int_equal(nt_sysctl_read(&f->root, "net/../../etc/passwd",
					value, sizeof(value), &err), -EINVAL);
}

static void test_sysctl_write(void **state)
{
	struct fake *f = *state;
	struct nt_err err = { 0 };
	char value[64];

	assert_int_equal(nt_sysctl_write(&f->root, "net.ipv4.tcp_rmem",
					 "4096\t262144\t16777216", &err), 0);
	assert_int_equal(nt_sysctl_read(&f->root, "net.ipv4.tcp_rmem", value,
					sizeof(value), &err), 0);
	assert_string_equal(value, "4096\t262144\t16777216");

	/* known, but this tree (like a namespace) has no such file */
	assert_int_equal(nt_sysctl_write(&f->root, "net.core.rmem_max", "5",
					 &err), -ENOENT);
	assert_string_equal(err.msg,
			    "net.core.rmem_max: cannot set to 5: No such file or directory");
}

static void test_sysctl_write_unknown(void **state)
{
	struct fake *f = *state;
	struct nt_err err = { 0 };

	assert_int_equal(nt_sysctl_write(&f->root, "kernel.panic", "1", &err),
			 -EPERM);
	assert_string_equal(err.msg,
			    "kernel.panic: not a sysctl nettune manages");
	nt_err_clear(&err);
	assert_int_equal(nt_sysctl_write(&f->root, "net.core.somaxconn/../x",
					 "1", &err), -EPERM);
}

static void test_sysctl_known(void **state)
{
	size_t n = 0;

	(void)state;
	for (; nt_sysctl_known[n]; n++) {
		assert_true(nt_sysctl_is_known(nt_sysctl_known[n]));
		if (n)
			assert_true(strcmp(nt_sysctl_known[n - 1],
					   nt_sysctl_known[n]) < 0);
	}
	assert_true(n >= 43);
	assert_true(nt_sysctl_is_known("net.core.somaxconn"));
	assert_true(nt_sysctl_is_known("net.netfilter.nf_conntrack_max"));
	assert_false(nt_sysctl_is_known("net.core.somaxcon"));
	assert_false(nt_sysctl_is_known(""));
}

static void test_sysctl_read_all(void **state)
{
	struct fake *f = *state;
	struct nt_err err = { 0 };
	struct nt_sysctl *v;
	size_t n, present = 0;

	assert_int_equal(nt_sysctl_read_all(&f->root, &v, &n, &err), 0);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(v[i].name, nt_sysctl_known[i]);
		if (!strcmp(v[i].name, "net.core.somaxconn"))
			assert_string_equal(v[i].value, "4096");
		if (!strcmp(v[i].name, "net.ipv4.tcp_congestion_control"))
			assert_string_equal(v[i].value, "bbr");
		present += v[i].value != NULL;
	}
	assert_null(nt_sysctl_known[n]);
	assert_int_equal(present, 3);
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].value);
	}
	free(v);
}

/* The live host: whatever it is, it has CPUs and a loopback. */
static void test_live(void **state)
{
	struct nt_err err = { 0 };
	struct nt_root root;
	struct nt_cpu *cpus;
	struct nt_node *nodes;
	struct nt_iface ifc;
	size_t n_cpus, n_nodes;

	(void)state;
	assert_int_equal(nt_root_open(&root, "/", &err), 0);
	assert_int_equal(nt_sysfs_cpus(&root, &cpus, &n_cpus, &nodes, &n_nodes,
				       &err), 0);
	assert_true(n_cpus >= 1 && n_nodes >= 1);
	assert_true(cpus[0].online || n_cpus > 1);
	free_topology(cpus, n_cpus, nodes, n_nodes);

	init_iface(&ifc, "lo");
	assert_int_equal(nt_sysfs_iface(&root, &ifc, &err), 0);
	assert_true(ifc.is_virtual);
	assert_int_equal(ifc.mtu, 0);	/* netlink's job on the live host */
	assert_true(ifc.n_rxq >= 1);
	nt_iface_free(&ifc);
	nt_root_close(&root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpus_numa),
		cmocka_unit_test_setup_teardown(test_cpus_no_numa,
						make_flat_tree, remove_tree),
		cmocka_unit_test(test_cpus_missing),
		cmocka_unit_test(test_ifaces_sorted),
		cmocka_unit_test(test_iface_pci),
		cmocka_unit_test(test_iface_keeps_and_rereads),
		cmocka_unit_test(test_iface_virtio),
		cmocka_unit_test(test_iface_virtual),
		cmocka_unit_test(test_iface_missing),
		cmocka_unit_test(test_msi_irqs),
		cmocka_unit_test(test_sysctl_read),
		cmocka_unit_test(test_sysctl_read_absent),
		cmocka_unit_test(test_sysctl_write),
		cmocka_unit_test(test_sysctl_write_unknown),
		cmocka_unit_test(test_sysctl_known),
		cmocka_unit_test(test_sysctl_read_all),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests_name("sysfs", tests, make_numa_tree,
					   remove_tree);
}
