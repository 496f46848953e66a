// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The tick sampler (lib/sample/sampler.c) and nt_host_copy().
 *
 * The sampler's in-place parsing must give what a full look gives: on a
 * --root tree built from real-host captures, a tick after the files change
 * is compared with a fresh nt_collect() of the changed tree, counter by
 * counter.  On the live host (this namespace), two ticks must move the
 * counters forward.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "collect.h"
#include "model/host.h"
#include "model/snapshot.h"
#include "sample/sampler.h"
#include "testlib.h"

#define IRQS	"interrupts/multinic_multiqueue_4cpu/interrupts"
#define SIRQS	"softirqs/i7/softirqs"
#define SOFTNET	"softnet_stat/softnet_stat"
#define SNMP	"proc_net_snmp/snmp"

#define ETH4_DEV "sys/devices/pci0000:00/0000:00:03.0"
#define ETH5_DEV "sys/devices/pci0000:00/0000:00:04.0"

struct tree {
	char dir[64];
};

/* netstat, snmp6, sockstat(6) and uptime with every number raised by @n */
static void put_counters(const char *dir, int n)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "TcpExt: SyncookiesSent ListenOverflows ListenDrops "
		 "TCPBacklogDrop PruneCalled\n"
		 "TcpExt: %d %d %d %d %d\n"
		 "IpExt: InNoRoutes InOctets OutOctets\n"
		 "IpExt: %d %d %d\n",
		 n, 36 + n, 37 + n, 2 * n, 5 + n, n, 1000000 + n, 999 + n);
	tree_put(dir, "proc/net/netstat", text);
	snprintf(text, sizeof(text),
		 "Ip6InReceives                   \t%d\n"
		 "Udp6InErrors                    \t%d\n"
		 "Udp6RcvbufErrors                \t%d\n",
		 100 + n, 4 + n, 3 * n);
	tree_put(dir, "proc/net/snmp6", text);
	snprintf(text, sizeof(text),
		 "sockets: used %d\n"
		 "TCP: inuse %d orphan 0 tw %d alloc %d mem %d\n"
		 "UDP: inuse %d mem %d\n",
		 200 + n, 5 + n, n, 7 + n, 49 + n, 3, 11 + n);
	tree_put(dir, "proc/net/sockstat", text);
	snprintf(text, sizeof(text), "TCP6: inuse %d\nUDP6: inuse 2\n", n);
	tree_put(dir, "proc/net/sockstat6", text);
	snprintf(text, sizeof(text), "%d.%02d 1234.56\n", 1000 + n, n % 100);
	tree_put(dir, "proc/uptime", text);
}

/* The /proc files of capture number @k (1..5) of the real hosts. */
static void put_proc(const char *dir, int k)
{
	static const struct {
		const char *fixture, *path;
	} files[] = {
		{ IRQS, "proc/interrupts" },
		{ SIRQS, "proc/softirqs" },
		{ SOFTNET, "proc/net/softnet_stat" },
		{ SNMP, "proc/net/snmp" },
	};
	char rel[128];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *text;

		/* two snmp captures only */
		snprintf(rel, sizeof(rel), "%s%d", files[i].fixture,
			 i == 3 ? (k - 1) % 2 + 1 : k);
		text = fixture_text(rel);
		tree_put(dir, files[i].path, text);
		free(text);
	}
	put_counters(dir, 17 * k);
}

/* An igb-like NIC @name on PCI: its MSI IRQs are @first..@first+4. */
static void put_nic(const char *dir, const char *dev, const char *name,
		    int ifindex, int first)
{
	char path[256], text[128];

	snprintf(path, sizeof(path), "%s/net/%s/device", dev, name);
	snprintf(text, sizeof(text), "../../../%s", strrchr(dev, '/') + 1);
	tree_link(dir, path, text);
	snprintf(path, sizeof(path), "%s/driver", dev);
	tree_link(dir, path, "../../../bus/pci/drivers/igb");
	for (int irq = first; irq < first + 5; irq++) {
		snprintf(path, sizeof(path), "%s/msi_irqs/%d", dev, irq);
		tree_put(dir, path, "msix\n");
	}
	snprintf(path, sizeof(path), "%s/net/%s/ifindex", dev, name);
	snprintf(text, sizeof(text), "%d\n", ifindex);
	tree_put(dir, path, text);
	snprintf(path, sizeof(path), "%s/net/%s/queues/rx-0/rps_cpus", dev,
		 name);
	tree_put(dir, path, "0\n");
	snprintf(path, sizeof(path), "%s/net/%s/queues/tx-0/xps_cpus", dev,
		 name);
	tree_put(dir, path, "1\n");
	snprintf(path, sizeof(path), "sys/class/net/%s", name);
	snprintf(text, sizeof(text), "../../%s/net/%s", dev + 4, name);
	tree_link(dir, path, text);
}

static void put_sys(const char *dir)
{
	tree_put(dir, "sys/devices/system/cpu/present", "0-7\n");
	tree_put(dir, "sys/devices/system/cpu/online", "0-7\n");
	tree_put(dir, "proc/sys/net/core/somaxconn", "4096\n");
	tree_put(dir, "proc/sys/kernel/hostname", "capture\n");
	put_nic(dir, ETH4_DEV, "eth4", 2, 34);
	put_nic(dir, ETH5_DEV, "eth5", 3, 39);
	tree_put(dir, "sys/devices/virtual/net/lo/ifindex", "1\n");
	tree_link(dir, "sys/class/net/lo", "../../devices/virtual/net/lo");
}

static int tree_setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	strcpy(t->dir, "/tmp/nt-sampler-XXXXXX");
	if (!mkdtemp(t->dir)) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int tree_teardown(void **state)
{
	struct tree *t = *state;
	int ret = tree_remove(t->dir);

	free(t);
	return ret;
}

static void collect(struct nt_host *host, const char *root)
{
	struct nt_collect_opts opts = { .root = root };
	struct nt_err err = { 0 };

	if (nt_collect(host, &opts, &err))
		fail_msg("collect %s: %s", root ? root : "/", err.msg);
}

static void assert_counters_equal(const struct nt_counters *a,
				  const struct nt_counters *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_string_equal(a->v[i].name, b->v[i].name);
		if (a->v[i].value != b->v[i].value)
			fail_msg("%s: %lld, want %lld", a->v[i].name,
				 (long long)a->v[i].value,
				 (long long)b->v[i].value);
	}
}

/* Every counter the sampler refreshes from /proc, @got against @want. */
static void assert_proc_equal(const struct nt_host *got,
			      const struct nt_host *want)
{
	const struct nt_interrupts *gi = &got->interrupts;
	const struct nt_interrupts *wi = &want->interrupts;

	assert_int_equal(got->n_softnet, want->n_softnet);
	assert_memory_equal(got->softnet, want->softnet,
			    got->n_softnet * sizeof(*got->softnet));
	assert_int_equal(gi->n, wi->n);
	assert_int_equal(gi->ncpus, wi->ncpus);
	for (size_t i = 0; i < gi->n; i++) {
		assert_string_equal(gi->v[i].id, wi->v[i].id);
		assert_memory_equal(gi->v[i].counts, wi->v[i].counts,
				    gi->ncpus * sizeof(uint64_t));
	}
	assert_int_equal(got->softirqs.n, want->softirqs.n);
	for (size_t i = 0; i < got->softirqs.n; i++) {
		assert_string_equal(got->softirqs.v[i].name,
				    want->softirqs.v[i].name);
		assert_memory_equal(got->softirqs.v[i].counts,
				    want->softirqs.v[i].counts,
				    got->softirqs.ncpus * sizeof(uint64_t));
	}
	assert_counters_equal(&got->snmp, &want->snmp);
	assert_counters_equal(&got->sockstat, &want->sockstat);
	assert_true(got->uptime_ns == want->uptime_ns);
}

/* A tick after the files changed equals a fresh look at the changed tree. */
static void test_root_equivalence(void **state)
{
	struct tree *t = *state;
	struct nt_host shape, host, fresh;
	struct nt_sampler *s;
	struct nt_err err = { 0 };

	put_sys(t->dir);
	put_proc(t->dir, 1);
	collect(&shape, t->dir);
	assert_int_equal(nt_sample_shape(&shape), 0);
	assert_int_equal(nt_host_copy(&host, &shape), 0);
	if (nt_sampler_open(&s, &shape, t->dir, &err))
		fail_msg("open: %s", err.msg);

	for (int k = 2; k <= 5; k++) {
		int64_t mono = host.mono_ns;

		put_proc(t->dir, k);
		if (nt_sampler_read(s, &host, &err))
			fail_msg("read %d: %s", k, err.msg);
		assert_true(host.mono_ns > mono);
		collect(&fresh, t->dir);
		assert_int_equal(nt_sample_shape(&fresh), 0);
		assert_proc_equal(&host, &fresh);
		nt_host_free(&fresh);
	}
	/* something did change: the last capture is not the first */
	assert_true(host.uptime_ns == 1085 * 1000000000LL + 850000000);
	assert_memory_not_equal(host.interrupts.v[0].counts,
				shape.interrupts.v[0].counts,
				host.interrupts.ncpus * sizeof(uint64_t));
	assert_memory_not_equal(host.softirqs.v[3].counts,
				shape.softirqs.v[3].counts,
				host.softirqs.ncpus * sizeof(uint64_t));
	assert_memory_not_equal(host.softnet, shape.softnet,
				host.n_softnet * sizeof(*host.softnet));
	/* the configuration is the shape's */
	assert_int_equal(host.n_ifaces, shape.n_ifaces);
	assert_string_equal(host.interrupts.v[0].name,
			    shape.interrupts.v[0].name);

	nt_sampler_close(s);
	nt_host_free(&host);
	nt_host_free(&shape);
}

/* Only the rows of the interfaces' IRQs are left, in the table's order. */
static void test_shape_drops_other_irqs(void **state)
{
	struct tree *t = *state;
	struct nt_host host;
	size_t nic_irqs = 0;

	put_sys(t->dir);
	put_proc(t->dir, 1);
	collect(&host, t->dir);
	assert_true(host.interrupts.n > 30);
	for (size_t i = 0; i < host.n_ifaces; i++)
		nic_irqs += host.ifaces[i].n_irqs;
	assert_int_equal(nic_irqs, 10);
	assert_int_equal(nt_sample_shape(&host), 0);
	assert_int_equal(host.interrupts.n, 10);
	for (size_t i = 0; i < host.interrupts.n; i++) {
		assert_int_equal(host.interrupts.v[i].irq, 34 + (int)i);
		assert_non_null(strstr(host.interrupts.v[i].name, "eth"));
	}
	assert_string_equal(host.interrupts.v[4].name, "eth4");
	/* a host without interfaces keeps no row at all */
	for (size_t i = 0; i < host.n_ifaces; i++)
		nt_iface_free(&host.ifaces[i]);
	host.n_ifaces = 0;
	assert_int_equal(nt_sample_shape(&host), 0);
	assert_int_equal(host.interrupts.n, 0);
	nt_host_free(&host);
}

/*
 * A CPU that goes offline loses its /proc/interrupts column: the counts go
 * to the columns of the same CPUs, the lost CPU keeps its last count.
 */
static void test_columns_by_cpu(void **state)
{
	struct tree *t = *state;
	struct nt_host shape, host;
	struct nt_sampler *s;
	struct nt_err err = { 0 };

	put_sys(t->dir);
	put_proc(t->dir, 1);
	collect(&shape, t->dir);
	assert_int_equal(nt_sample_shape(&shape), 0);
	assert_int_equal(nt_host_copy(&host, &shape), 0);
	assert_int_equal(nt_sampler_open(&s, &shape, t->dir, &err), 0);
	tree_put(t->dir, "proc/interrupts",
		 "           CPU0       CPU1       CPU3       CPU9\n"
		 "  0:        147          0          0        1  timer\n"
		 " 35:         11         12         13        14  "
		 "IR-PCI-MSI-edge      eth4-TxRx-1\n"
		 "NMI:          0          0          0        0  "
		 "Non-maskable interrupts\n");
	tree_put(t->dir, "proc/softirqs",
		 "      CPU7 CPU0\n NET_RX: 70 1\n NET_TX: 71 2\n");
	assert_int_equal(nt_sampler_read(s, &host, &err), 0);
	assert_string_equal(host.interrupts.v[1].id, "35");
	assert_int_equal(host.interrupts.v[1].counts[0], 11);
	assert_int_equal(host.interrupts.v[1].counts[1], 12);
	assert_int_equal(host.interrupts.v[1].counts[2],
			 shape.interrupts.v[1].counts[2]);
	assert_int_equal(host.interrupts.v[1].counts[3], 13);
	/* a row the tick did not see keeps its counts */
	assert_memory_equal(host.interrupts.v[0].counts,
			    shape.interrupts.v[0].counts, 4 * sizeof(uint64_t));
	for (size_t i = 0; i < host.softirqs.n; i++) {
		const struct nt_softirq *r = &host.softirqs.v[i];

		if (!strcmp(r->name, "NET_RX")) {
			assert_int_equal(r->counts[0], 1);
			assert_int_equal(r->counts[7], 70);
		} else if (!strcmp(r->name, "NET_TX")) {
			assert_int_equal(r->counts[7], 71);
		} else {
			assert_memory_equal(r->counts,
					    shape.softirqs.v[i].counts,
					    8 * sizeof(uint64_t));
		}
	}
	nt_sampler_close(s);
	nt_host_free(&host);
	nt_host_free(&shape);
}

/* A file that goes away keeps its counters; a host of another shape fails. */
static void test_failures(void **state)
{
	struct tree *t = *state;
	struct nt_host shape, host, other;
	struct nt_sampler *s;
	struct nt_err err = { 0 };

	put_sys(t->dir);
	put_proc(t->dir, 1);
	collect(&shape, t->dir);
	assert_int_equal(nt_sample_shape(&shape), 0);
	assert_int_equal(nt_host_copy(&host, &shape), 0);
	assert_int_equal(nt_sampler_open(&s, &shape, t->dir, &err), 0);
	/* a file that fails (no header): the softirq rows keep their counts */
	tree_put(t->dir, "proc/softirqs", "");
	put_counters(t->dir, 1000);
	assert_int_equal(nt_sampler_read(s, &host, &err), 0);
	assert_memory_equal(host.softirqs.v[3].counts,
			    shape.softirqs.v[3].counts, 8 * sizeof(uint64_t));
	assert_true(host.uptime_ns == 1000LL * 2000000000);

	assert_int_equal(nt_host_copy(&other, &shape), 0);
	nt_iface_free(&other.ifaces[other.n_ifaces - 1]);
	other.n_ifaces--;
	assert_int_equal(nt_sampler_read(s, &other, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "shape"));
	nt_host_free(&other);
	nt_sampler_close(s);
	nt_host_free(&host);
	nt_host_free(&shape);
}

static const struct nt_iface *iface(const struct nt_host *h, const char *name)
{
	const struct nt_iface *ifc = nt_host_iface(h, name);

	assert_non_null(ifc);
	return ifc;
}

static int64_t counter(const struct nt_counters *c, const char *name)
{
	int64_t v;

	if (!nt_counters_get(c, name, &v))
		fail_msg("counter %s missing", name);
	return v;
}

/* A datagram through lo, so its counters and Udp's move. */
static void poke_lo(void)
{
	struct sockaddr_in to = {
		.sin_family = AF_INET,
		.sin_port = htons(9),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(sendto(fd, "x", 1, 0, (struct sockaddr *)&to,
				sizeof(to)), 1);
	close(fd);
}

/* Two ticks on this namespace: counters only go forward. */
static void test_live(void **state)
{
	struct nt_collect_opts opts = {
		.flags = NT_COLLECT_DRIVER_STATS | NT_COLLECT_SOCKETS,
	};
	struct nt_host shape, a, b;
	struct nt_sampler *s;
	struct nt_err err = { 0 };
	const struct nt_iface *lo0, *lo1, *lo2;

	(void)state;
	if (nt_collect(&shape, &opts, &err))
		fail_msg("collect: %s", err.msg);
	assert_int_equal(nt_sample_shape(&shape), 0);
	assert_int_equal(nt_host_copy(&a, &shape), 0);
	assert_int_equal(nt_host_copy(&b, &shape), 0);
	if (nt_sampler_open(&s, &shape, NULL, &err))
		fail_msg("open: %s", err.msg);
	poke_lo();
	assert_int_equal(nt_sampler_read(s, &a, &err), 0);
	poke_lo();
	assert_int_equal(nt_sampler_read(s, &b, &err), 0);
	assert_true(a.mono_ns > shape.mono_ns);
	assert_true(b.mono_ns > a.mono_ns);
	assert_true(b.uptime_ns >= a.uptime_ns && a.uptime_ns > 0);

	lo0 = iface(&shape, "lo");
	lo1 = iface(&a, "lo");
	lo2 = iface(&b, "lo");
	assert_true(lo1->stats.rx_packets > lo0->stats.rx_packets);
	assert_true(lo2->stats.rx_packets > lo1->stats.rx_packets);
	assert_true(lo2->stats.tx_bytes > lo1->stats.tx_bytes);
	assert_true(counter(&b.snmp, "UdpOutDatagrams") >
		    counter(&a.snmp, "UdpOutDatagrams"));
	for (size_t i = 0; i < shape.snmp.n; i++) {
		/* gauges (CurrEstab, MaxConn) may go down */
		if (strstr(shape.snmp.v[i].name, "CurrEstab") ||
		    strstr(shape.snmp.v[i].name, "MaxConn"))
			continue;
		assert_true(b.snmp.v[i].value >= shape.snmp.v[i].value);
	}
	for (size_t i = 0; i < shape.n_ifaces; i++) {
		const struct nt_iface *x = &shape.ifaces[i], *y = &b.ifaces[i];

		assert_true(y->stats.rx_bytes >= x->stats.rx_bytes);
		assert_int_equal(y->n_qdiscs, x->n_qdiscs);
		for (size_t j = 0; j < x->n_qdiscs; j++) {
			assert_int_equal(y->qdiscs[j].handle,
					 x->qdiscs[j].handle);
			assert_true(y->qdiscs[j].packets >=
				    x->qdiscs[j].packets);
		}
		for (size_t j = 0; j < x->driver_stats.n; j++)
			assert_string_equal(y->driver_stats.v[j].name,
					    x->driver_stats.v[j].name);
	}
	if (shape.sources & NT_SRC_SOCKDIAG)
		assert_true(b.n_listeners <= b.listeners_cap ||
			    !b.listeners_cap);
	nt_sampler_close(s);
	nt_host_free(&a);
	nt_host_free(&b);
	nt_host_free(&shape);
}

static char *json_text(const struct nt_host *h)
{
	struct json_object *o = nt_snapshot_to_json(h, NULL);
	char *text;

	assert_non_null(o);
	text = xstrdup(json_object_to_json_string_ext(o,
						      JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return text;
}

/* Change everything the copy owns; the original must not see it. */
static void mutate(struct nt_host *h)
{
	for (size_t i = 0; i < h->n_ifaces; i++) {
		struct nt_iface *ifc = &h->ifaces[i];

		for (size_t k = 0; k < ifc->n_irqs; k++) {
			if (ifc->irqs[k].name[0])
				ifc->irqs[k].name[0] = 'X';
			assert_int_equal(nt_cpumask_set(&ifc->irqs[k].affinity,
							200), 0);
		}
		for (size_t k = 0; k < ifc->n_rxq; k++)
			assert_int_equal(nt_cpumask_set(&ifc->rxq[k].rps_cpus,
							100), 0);
		for (size_t k = 0; k < ifc->n_txq; k++)
			assert_int_equal(nt_cpumask_set(&ifc->txq[k].xps_cpus,
							100), 0);
		for (size_t k = 0; k < ifc->n_qdiscs; k++)
			ifc->qdiscs[k].drops += 5;
		for (int k = 0; k < 40; k++)
			assert_int_equal(nt_counters_add(&ifc->driver_stats,
							 "more", k), 0);
	}
	for (size_t i = 0; i < h->n_cpus; i++)
		assert_int_equal(nt_cpumask_set(&h->cpus[i].thread_siblings,
						63), 0);
	for (size_t i = 0; i < h->n_nodes; i++)
		assert_int_equal(nt_cpumask_set(&h->nodes[i].cpus, 99), 0);
	for (size_t i = 0; i < h->n_sysctls; i++)
		if (h->sysctls[i].value && h->sysctls[i].value[0])
			h->sysctls[i].value[0] = '?';
	for (size_t i = 0; i < h->n_softnet; i++)
		h->softnet[i].dropped++;
	for (size_t i = 0; i < h->interrupts.n; i++) {
		h->interrupts.v[i].counts[0]++;
		if (h->interrupts.v[i].name[0])
			h->interrupts.v[i].name[0] = 'Y';
	}
	h->interrupts.cpu_ids[0] = 77;
	for (size_t i = 0; i < h->softirqs.n; i++)
		h->softirqs.v[i].counts[1]++;
	h->softirqs.cpu_ids[0] = 78;
	for (int k = 0; k < 100; k++) {
		assert_int_equal(nt_counters_add(&h->snmp, "Extra", k), 0);
		assert_int_equal(nt_counters_add(&h->sockstat, "X.y", k), 0);
	}
	h->snmp.v[0].value++;
	h->listeners[0].port = 1;
	h->uptime_ns++;
}

static void test_copy(void **state)
{
	struct tree *t = *state;
	struct nt_host host, copy;
	char *before, *after;

	put_sys(t->dir);
	put_proc(t->dir, 1);
	collect(&host, t->dir);
	assert_int_equal(nt_counters_add(&host.ifaces[1].driver_stats,
					 "rx_queue_0_drops", 3), 0);
	host.ifaces[1].qdiscs = xcalloc(2, sizeof(*host.ifaces[1].qdiscs));
	host.ifaces[1].n_qdiscs = 2;
	strcpy(host.ifaces[1].qdiscs[1].kind, "fq_codel");
	host.listeners = xcalloc(3, sizeof(*host.listeners));
	host.n_listeners = 2;
	host.listeners[1].port = 80;
	host.sources |= NT_SRC_SOCKDIAG;

	before = json_text(&host);
	assert_int_equal(nt_host_copy(&copy, &host), 0);
	after = json_text(&copy);
	assert_string_equal(before, after);
	free(after);
	assert_true(copy.uptime_ns == host.uptime_ns && host.uptime_ns > 0);
	assert_int_equal(copy.listeners_cap, 2);

	mutate(&copy);
	after = json_text(&host);
	assert_string_equal(before, after);
	free(after);
	after = json_text(&copy);
	assert_string_not_equal(before, after);
	free(after);
	free(before);

	/* a copy of a copy, then the original freed first */
	{
		struct nt_host again;

		assert_int_equal(nt_host_copy(&again, &copy), 0);
		nt_host_free(&copy);
		assert_int_equal(again.snmp.v[again.snmp.n - 1].value, 99);
		nt_host_free(&again);
	}
	nt_host_free(&host);

	/* an empty host copies to an empty host */
	memset(&host, 0, sizeof(host));
	assert_int_equal(nt_host_copy(&copy, &host), 0);
	assert_null(copy.ifaces);
	assert_null(copy.snmp.v);
	nt_host_free(&copy);
}

/* nt_collect reads /proc/uptime; a snapshot keeps it to the nanosecond. */
static void test_uptime_snapshot(void **state)
{
	struct tree *t = *state;
	struct nt_host host, back;
	struct json_object *o, *v;
	struct nt_err err = { 0 };
	char *text;

	put_sys(t->dir);
	put_proc(t->dir, 1);
	collect(&host, t->dir);
	assert_true(host.uptime_ns == 1017170000000LL);
	o = nt_snapshot_to_json(&host, NULL);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "uptime", &v));
	assert_string_equal(json_object_to_json_string(v), "1017.17");
	assert_int_equal(nt_snapshot_from_json(o, &back, &err), 0);
	assert_true(back.uptime_ns == host.uptime_ns);
	nt_host_free(&back);
	json_object_put(o);

	/* through text, and as a "%.17g" printer would write it */
	o = nt_snapshot_to_json(&host, NULL);
	text = xstrdup(json_object_to_json_string(o));
	json_object_put(o);
	o = json_tokener_parse(text);
	free(text);
	assert_non_null(o);
	assert_int_equal(nt_snapshot_from_json(o, &back, &err), 0);
	assert_true(back.uptime_ns == host.uptime_ns);
	nt_host_free(&back);
	json_object_object_add(o, "uptime",
			       json_tokener_parse("1017.1699999999999"));
	assert_int_equal(nt_snapshot_from_json(o, &back, &err), 0);
	assert_true(back.uptime_ns == host.uptime_ns);
	nt_host_free(&back);
	json_object_put(o);

	/* odd nanoseconds survive too; 0 (unknown) leaves the key out */
	host.uptime_ns = 5000000007LL;
	o = nt_snapshot_to_json(&host, NULL);
	assert_true(json_object_object_get_ex(o, "uptime", &v));
	assert_string_equal(json_object_to_json_string(v), "5.000000007");
	assert_int_equal(nt_snapshot_from_json(o, &back, &err), 0);
	assert_true(back.uptime_ns == 5000000007LL);
	nt_host_free(&back);
	json_object_put(o);
	host.uptime_ns = 0;
	o = nt_snapshot_to_json(&host, NULL);
	assert_false(json_object_object_get_ex(o, "uptime", &v));
	json_object_object_add(o, "uptime", json_object_new_string("x"));
	assert_int_equal(nt_snapshot_from_json(o, &back, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "uptime"));
	json_object_put(o);

	/* no /proc/uptime in the tree: unknown, not an error */
	snprintf(err.msg, sizeof(err.msg), "%s/proc/uptime", t->dir);
	assert_int_equal(unlink(err.msg), 0);
	nt_host_free(&host);
	collect(&host, t->dir);
	assert_true(host.uptime_ns == 0);
	nt_host_free(&host);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_root_equivalence,
						tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_shape_drops_other_irqs,
						tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_columns_by_cpu,
						tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_failures, tree_setup,
						tree_teardown),
		cmocka_unit_test_setup_teardown(test_copy, tree_setup,
						tree_teardown),
		cmocka_unit_test_setup_teardown(test_uptime_snapshot,
						tree_setup, tree_teardown),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
