// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>
#include <json-c/json_pointer.h>

#include "model/host.h"
#include "model/snapshot.h"
#include "testlib.h"

#define TAKEN_NS	(1795431600LL * 1000000000LL + 123456789)
#define U64_TOP		UINT64_MAX
#define U64_HALF	(1ull << 63)

struct fixture {
	char dir[64];
	char path[128];
	char path2[128];
	struct nt_host host;
};

static void build_topology(struct nt_host *h)
{
	h->n_cpus = 2;
	h->cpus = xcalloc(2, sizeof(*h->cpus));
	h->cpus[0] = (struct nt_cpu){ .id = 0, .online = true, .core_id = 0,
				      .package_id = 0, .node = 0 };
	set_list(&h->cpus[0].thread_siblings, "0-1");
	h->cpus[1] = (struct nt_cpu){ .id = 1, .online = false, .core_id = -1,
				      .package_id = 0, .node = 1 };
	set_list(&h->cpus[1].thread_siblings, "1");
	h->n_nodes = 2;
	h->nodes = xcalloc(2, sizeof(*h->nodes));
	h->nodes[0].id = 0;
	set_list(&h->nodes[0].cpus, "0");
	h->nodes[1].id = 1;
	set_list(&h->nodes[1].cpus, "1");
}

static void build_queues(struct nt_iface *ifc)
{
	ifc->n_rxq = 3;
	ifc->rxq = xcalloc(3, sizeof(*ifc->rxq));
	ifc->rxq[0] = (struct nt_rxq){ .index = 0, .rps_state = NT_STATE_OK,
				       .rps_flow_cnt = 4096 };
	set_list(&ifc->rxq[0].rps_cpus, "0-1");
	ifc->rxq[1] = (struct nt_rxq){ .index = 1,
				       .rps_state = NT_STATE_UNKNOWN };
	ifc->rxq[2] = (struct nt_rxq){ .index = 2, .rps_state = NT_STATE_OK };
	ifc->n_txq = 3;
	ifc->txq = xcalloc(3, sizeof(*ifc->txq));
	ifc->txq[0] = (struct nt_txq){ .index = 0, .xps_state = NT_STATE_OK };
	set_list(&ifc->txq[0].xps_cpus, "0");
	ifc->txq[1] = (struct nt_txq){ .index = 1,
				       .xps_state = NT_STATE_UNSUPPORTED };
	ifc->txq[2] = (struct nt_txq){ .index = 2,
				       .xps_state = NT_STATE_UNKNOWN };
}

static void build_irqs(struct nt_iface *ifc)
{
	ifc->n_irqs = 2;
	ifc->irqs = xcalloc(2, sizeof(*ifc->irqs));
	ifc->irqs[0] = (struct nt_iface_irq){ .irq = 24, .rxq = 0, .txq = 0,
					      .kind = NT_IRQ_DATA,
					      .rule = NT_IRQ_RULE_MSI,
					      .pattern = "virtioN-input.N",
					      .node = -1 };
	ifc->irqs[0].name = xstrdup("virtio0-input.0");
	set_list(&ifc->irqs[0].affinity, "0-1");
	set_list(&ifc->irqs[0].effective_affinity, "1");
	ifc->irqs[1] = (struct nt_iface_irq){ .irq = 25, .rxq = -1,
					      .txq = -1, .kind = NT_IRQ_CONFIG,
					      .owner = NT_IRQ_OWNER_DEVICE,
					      .node = 0 };
	ifc->irqs[1].name = xstrdup("virtio0-config");
	set_list(&ifc->irqs[1].affinity, "0-1");
}

static void build_qdiscs(struct nt_iface *ifc)
{
	static const struct {
		const char *kind;
		uint32_t handle, parent;
	} q[] = {
		{ "mq", 0x10000, 0xFFFFFFFF },
		{ "fq_codel", 0x80010000, 0x10001 },
		{ "fq_codel", 0x80020000, 0x10002 },
		{ "ingress", 0xFFFF0000, 0xFFFFFFF1 },
		{ "pfifo", 0x0, 0x1 },
	};
	size_t i;

	ifc->qdiscs_state = NT_STATE_OK;
	ifc->n_qdiscs = 5;
	ifc->qdiscs = xcalloc(5, sizeof(*ifc->qdiscs));
	for (i = 0; i < 5; i++) {
		struct nt_qdisc *d = &ifc->qdiscs[i];

		strcpy(d->kind, q[i].kind);
		d->handle = q[i].handle;
		d->parent = q[i].parent;
		d->bytes = 1000 * i + 1;
		d->packets = 10 * i + 2;
		d->drops = i + 3;
		d->overlimits = i + 4;
		d->requeues = i + 5;
		d->backlog = i + 6;
		d->qlen = i + 7;
	}
	ifc->qdiscs[1].bytes = U64_TOP;
}

static void fill_stats(struct nt_link_stats *s, uint64_t base)
{
	uint64_t *v = (uint64_t *)s;
	size_t i;

	for (i = 0; i < sizeof(*s) / sizeof(*v); i++)
		v[i] = base + i;
	s->rx_bytes = U64_TOP;
	s->tx_bytes = U64_HALF;
}

/* A NIC with everything known. */
static void build_eth0(struct nt_iface *ifc)
{
	*ifc = (struct nt_iface){
		.name = "eth0", .ifindex = 2, .driver = "virtio_net",
		.bus_info = "0000:00:03.0", .speed = -1, .numa_node = -1,
		.mtu = 1500, .txqlen = 1000, .operstate = "up", .qdisc = "mq",
		.num_rx_queues = 3, .num_tx_queues = 3,
	};
	ifc->rings = (struct nt_rings){
		.state = NT_STATE_OK,
		.present = NT_RING_RX | NT_RING_RX_MAX | NT_RING_TX |
			   NT_RING_TX_MAX | NT_RING_RX_MINI_MAX |
			   NT_RING_RX_BUF_LEN | NT_RING_CQE_SIZE |
			   NT_RING_TCP_DATA_SPLIT | NT_RING_TX_PUSH |
			   NT_RING_RX_PUSH,
		.rx = 256, .rx_max = 4096, .tx = 512, .tx_max = 4096,
		.rx_mini_max = 0, .rx_buf_len = 2048, .cqe_size = 64,
		.tcp_data_split = 1, .tx_push = 1, .rx_push = 0,
	};
	ifc->channels = (struct nt_channels){
		.state = NT_STATE_OK,
		.present = NT_CHAN_COMBINED | NT_CHAN_COMBINED_MAX |
			   NT_CHAN_RX_MAX | NT_CHAN_OTHER,
		.combined = 2, .combined_max = 4, .rx_max = 0, .other = 1,
	};
	build_queues(ifc);
	build_irqs(ifc);
	ifc->link_stats_state = NT_STATE_OK;
	fill_stats(&ifc->stats, 100);
	build_qdiscs(ifc);
	ifc->driver_stats_state = NT_STATE_OK;
	assert_int_equal(nt_counters_add(&ifc->driver_stats,
					 "rx_queue_0_packets", 5), 0);
	assert_int_equal(nt_counters_add(&ifc->driver_stats,
					 "tx_queue_0_bytes", -1), 0);
	assert_int_equal(nt_counters_add(&ifc->driver_stats, "a/b", 7), 0);
}

/* Nothing to offer: the driver says so. */
static void build_lo(struct nt_iface *ifc)
{
	*ifc = (struct nt_iface){
		.name = "lo", .ifindex = 1, .is_virtual = true, .speed = -1,
		.numa_node = -1, .mtu = 65536, .operstate = "unknown",
		.qdisc = "noqueue", .num_rx_queues = 1, .num_tx_queues = 1,
	};
	ifc->rings.state = NT_STATE_UNSUPPORTED;
	ifc->channels.state = NT_STATE_UNSUPPORTED;
	ifc->link_stats_state = NT_STATE_OK;
	fill_stats(&ifc->stats, 7);
	ifc->qdiscs_state = NT_STATE_OK;
	ifc->driver_stats_state = NT_STATE_UNSUPPORTED;
}

/* Read with --root: no netlink facts at all. */
static void build_veth(struct nt_iface *ifc)
{
	*ifc = (struct nt_iface){
		.name = "veth0", .ifindex = 7, .kind = "veth",
		.driver = "veth", .is_virtual = true, .speed = 10000,
		.duplex = "full", .numa_node = 0, .mtu = 9000, .txqlen = 0,
		.operstate = "lowerlayerdown", .master_ifindex = 5,
	};
}

static void build_bond(struct nt_iface *ifc)
{
	*ifc = (struct nt_iface){
		.name = "bond0", .ifindex = 5, .kind = "bond",
		.driver = "bonding", .is_virtual = true, .speed = 0,
		.numa_node = -1, .mtu = 9000, .txqlen = 1000,
		.operstate = "down",
	};
	ifc->rings.state = NT_STATE_OK;	/* but no attribute sent */
	ifc->channels.state = NT_STATE_UNKNOWN;
	ifc->link_stats_state = NT_STATE_UNSUPPORTED;
	ifc->qdiscs_state = NT_STATE_UNSUPPORTED;
	ifc->driver_stats_state = NT_STATE_OK;
}

static void build_sysctls(struct nt_host *h)
{
	static const char *const kv[][2] = {
		{ "net.core.somaxconn", "4096" },
		{ "net.core.busy_read", NULL },
		{ "net.ipv4.tcp_congestion_control", "bbr" },
		{ "net.ipv4.tcp_available_congestion_control",
		  "reno cubic bbr" },
		{ "net.ipv4.tcp_rmem", "4096\t131072\t6291456" },
		{ "net.core.default_qdisc", "fq_codel" },
	};
	size_t i, n = sizeof(kv) / sizeof(kv[0]);

	h->n_sysctls = n;
	h->sysctls = xcalloc(n, sizeof(*h->sysctls));
	for (i = 0; i < n; i++) {
		h->sysctls[i].name = xstrdup(kv[i][0]);
		if (kv[i][1])
			h->sysctls[i].value = xstrdup(kv[i][1]);
	}
}

static void build_softnet(struct nt_host *h)
{
	size_t i;

	h->n_softnet = 2;
	h->softnet = xcalloc(2, sizeof(*h->softnet));
	for (i = 0; i < 2; i++) {
		struct nt_softnet *s = &h->softnet[i];

		s->cpu = i;
		s->ncols = 13;
		s->processed = 1000 + i;
		s->dropped = 2 + i;
		s->time_squeeze = 3 + i;
		s->received_rps = 4 + i;
		s->flow_limit_count = 5 + i;
		s->backlog_len = 6 + i;
		s->input_qlen = 7 + i;
		s->process_qlen = 8 + i;
	}
	h->softnet[1].processed = U64_TOP;
}

static void add_line(struct nt_interrupts *t, const char *id, int irq,
		     uint64_t c0, uint64_t c1, const char *chip,
		     const char *name)
{
	struct nt_interrupt *line = &t->v[t->n++];

	strcpy(line->id, id);
	line->irq = irq;
	line->counts = xcalloc(2, sizeof(*line->counts));
	line->counts[0] = c0;
	line->counts[1] = c1;
	line->chip = chip ? xstrdup(chip) : NULL;
	line->name = name ? xstrdup(name) : NULL;
}

static void build_tables(struct nt_host *h)
{
	struct nt_interrupts *t = &h->interrupts;
	struct nt_softirqs *s = &h->softirqs;
	size_t i;

	t->ncpus = 2;
	t->cpu_ids = xcalloc(2, sizeof(*t->cpu_ids));
	t->cpu_ids[0] = 0;
	t->cpu_ids[1] = 1;
	t->v = xcalloc(3, sizeof(*t->v));
	add_line(t, "24", 24, 5, U64_TOP, "PCI-MSIX-0000:00:03.0 1-edge",
		 "virtio0-input.0");
	add_line(t, "NMI", -1, 0, 0, "", "Non-maskable interrupts");
	add_line(t, "ERR", -1, 3, 0, NULL, NULL);

	s->ncpus = 2;
	s->cpu_ids = xcalloc(2, sizeof(*s->cpu_ids));
	s->cpu_ids[1] = 1;
	s->n = 2;
	s->v = xcalloc(2, sizeof(*s->v));
	strcpy(s->v[0].name, "NET_TX");
	strcpy(s->v[1].name, "NET_RX");
	for (i = 0; i < 2; i++) {
		s->v[i].counts = xcalloc(2, sizeof(*s->v[i].counts));
		s->v[i].counts[0] = 10 * i + 1;
		s->v[i].counts[1] = U64_HALF + i;
	}
}

static void build_counters(struct nt_host *h)
{
	assert_int_equal(nt_counters_add(&h->snmp, "TcpExtListenOverflows", 0),
			 0);
	assert_int_equal(nt_counters_add(&h->snmp, "TcpMaxConn", -1), 0);
	assert_int_equal(nt_counters_add(&h->snmp, "IpExtInOctets",
					 INT64_MAX), 0);
	assert_int_equal(nt_counters_add(&h->snmp, "Min", INT64_MIN), 0);
	assert_int_equal(nt_counters_add(&h->sockstat, "TCP.inuse", 3), 0);
	assert_int_equal(nt_counters_add(&h->sockstat, "TCP.mem", 10), 0);
}

static void build_host(struct nt_host *h)
{
	memset(h, 0, sizeof(*h));
	h->taken_ns = TAKEN_NS;
	h->mono_ns = 123456789012LL;
	strcpy(h->hostname, "web-1.example.com");
	strcpy(h->kernel, "6.1.0-28-amd64");
	strcpy(h->root, "/srv/captures/web-1 \"quoted\"/");
	h->sources = NT_SRC_PROCFS | NT_SRC_SYSFS | NT_SRC_NETLINK |
		     NT_SRC_DRVSTATS;
	build_topology(h);
	h->n_ifaces = 4;
	h->ifaces = xcalloc(4, sizeof(*h->ifaces));
	build_eth0(&h->ifaces[0]);
	build_lo(&h->ifaces[1]);
	build_veth(&h->ifaces[2]);
	build_bond(&h->ifaces[3]);
	build_sysctls(h);
	h->irqbalance = 0;
	build_softnet(h);
	build_tables(h);
	build_counters(h);
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	strcpy(f->dir, "/tmp/nt-snapshot-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/a.json", f->dir);
	snprintf(f->path2, sizeof(f->path2), "%s/b.json", f->dir);
	build_host(&f->host);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	unlink(f->path);
	unlink(f->path2);
	rmdir(f->dir);
	nt_host_free(&f->host);
	free(f);
	return 0;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	rewind(fp);
	buf = xcalloc(1, n + 1);
	assert_int_equal(fread(buf, 1, n, fp), (size_t)n);
	fclose(fp);
	*len = n;
	return buf;
}

static void spew(const char *path, const char *text, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	fclose(fp);
}

static void assert_str_or_null(const char *a, const char *b)
{
	if (!a || !b)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void assert_counters_equal(const struct nt_counters *a,
				  const struct nt_counters *b)
{
	size_t i;

	assert_int_equal(a->n, b->n);
	for (i = 0; i < a->n; i++) {
		assert_string_equal(a->v[i].name, b->v[i].name);
		assert_true(a->v[i].value == b->v[i].value);
	}
}

static void assert_rxq_equal(const struct nt_iface *a, const struct nt_iface *b)
{
	size_t i;

	assert_int_equal(a->n_rxq, b->n_rxq);
	for (i = 0; i < a->n_rxq; i++) {
		assert_int_equal(a->rxq[i].index, b->rxq[i].index);
		assert_int_equal(a->rxq[i].rps_state, b->rxq[i].rps_state);
		assert_true(nt_cpumask_equal(&a->rxq[i].rps_cpus,
					     &b->rxq[i].rps_cpus));
		assert_int_equal(a->rxq[i].rps_flow_cnt,
				 b->rxq[i].rps_flow_cnt);
	}
	assert_int_equal(a->n_txq, b->n_txq);
	for (i = 0; i < a->n_txq; i++) {
		assert_int_equal(a->txq[i].index, b->txq[i].index);
		assert_int_equal(a->txq[i].xps_state, b->txq[i].xps_state);
		assert_true(nt_cpumask_equal(&a->txq[i].xps_cpus,
					     &b->txq[i].xps_cpus));
	}
}

static void assert_irqs_equal(const struct nt_iface *a,
			      const struct nt_iface *b)
{
	size_t i;

	assert_int_equal(a->n_irqs, b->n_irqs);
	for (i = 0; i < a->n_irqs; i++) {
		const struct nt_iface_irq *x = &a->irqs[i], *y = &b->irqs[i];

		assert_int_equal(x->irq, y->irq);
		assert_str_or_null(x->name, y->name);
		assert_int_equal(x->rxq, y->rxq);
		assert_int_equal(x->txq, y->txq);
		assert_int_equal(x->kind, y->kind);
		assert_int_equal(x->owner, y->owner);
		assert_int_equal(x->rule, y->rule);
		assert_string_equal(x->pattern, y->pattern);
		assert_true(nt_cpumask_equal(&x->affinity, &y->affinity));
		assert_true(nt_cpumask_equal(&x->effective_affinity,
					     &y->effective_affinity));
		assert_int_equal(x->node, y->node);
	}
}

static void assert_blocks_equal(const struct nt_iface *a,
				const struct nt_iface *b)
{
	assert_int_equal(a->rings.state, b->rings.state);
	assert_int_equal(a->rings.present, b->rings.present);
	assert_int_equal(a->channels.state, b->channels.state);
	assert_int_equal(a->channels.present, b->channels.present);
	/* Fields that are not present stay zero on both sides here. */
	assert_memory_equal(&a->rings, &b->rings, sizeof(a->rings));
	assert_memory_equal(&a->channels, &b->channels, sizeof(a->channels));
	assert_int_equal(a->link_stats_state, b->link_stats_state);
	if (a->link_stats_state == NT_STATE_OK)
		assert_memory_equal(&a->stats, &b->stats, sizeof(a->stats));
	assert_int_equal(a->qdiscs_state, b->qdiscs_state);
	assert_int_equal(a->n_qdiscs, b->n_qdiscs);
	if (a->n_qdiscs)
		assert_memory_equal(a->qdiscs, b->qdiscs,
				    a->n_qdiscs * sizeof(*a->qdiscs));
	assert_int_equal(a->driver_stats_state, b->driver_stats_state);
	assert_counters_equal(&a->driver_stats, &b->driver_stats);
}

static void assert_iface_equal(const struct nt_iface *a,
			       const struct nt_iface *b)
{
	assert_string_equal(a->name, b->name);
	assert_int_equal(a->ifindex, b->ifindex);
	assert_string_equal(a->kind, b->kind);
	assert_string_equal(a->driver, b->driver);
	assert_string_equal(a->bus_info, b->bus_info);
	assert_int_equal(a->is_virtual, b->is_virtual);
	assert_true(a->speed == b->speed);
	assert_string_equal(a->duplex, b->duplex);
	assert_int_equal(a->numa_node, b->numa_node);
	assert_int_equal(a->mtu, b->mtu);
	assert_int_equal(a->txqlen, b->txqlen);
	assert_string_equal(a->operstate, b->operstate);
	assert_string_equal(a->qdisc, b->qdisc);
	assert_int_equal(a->master_ifindex, b->master_ifindex);
	assert_int_equal(a->num_rx_queues, b->num_rx_queues);
	assert_int_equal(a->num_tx_queues, b->num_tx_queues);
	assert_blocks_equal(a, b);
	assert_rxq_equal(a, b);
	assert_irqs_equal(a, b);
}

static void assert_topology_equal(const struct nt_host *a,
				  const struct nt_host *b)
{
	size_t i;

	assert_int_equal(a->n_cpus, b->n_cpus);
	for (i = 0; i < a->n_cpus; i++) {
		assert_int_equal(a->cpus[i].id, b->cpus[i].id);
		assert_int_equal(a->cpus[i].online, b->cpus[i].online);
		assert_int_equal(a->cpus[i].core_id, b->cpus[i].core_id);
		assert_int_equal(a->cpus[i].package_id, b->cpus[i].package_id);
		assert_int_equal(a->cpus[i].node, b->cpus[i].node);
		assert_true(nt_cpumask_equal(&a->cpus[i].thread_siblings,
					     &b->cpus[i].thread_siblings));
	}
	assert_int_equal(a->n_nodes, b->n_nodes);
	for (i = 0; i < a->n_nodes; i++) {
		assert_int_equal(a->nodes[i].id, b->nodes[i].id);
		assert_true(nt_cpumask_equal(&a->nodes[i].cpus,
					     &b->nodes[i].cpus));
	}
}

static void assert_tables_equal(const struct nt_host *a,
				const struct nt_host *b)
{
	const struct nt_interrupts *x = &a->interrupts, *y = &b->interrupts;
	size_t i;

	assert_int_equal(x->ncpus, y->ncpus);
	assert_memory_equal(x->cpu_ids, y->cpu_ids,
			    x->ncpus * sizeof(*x->cpu_ids));
	assert_int_equal(x->n, y->n);
	for (i = 0; i < x->n; i++) {
		assert_string_equal(x->v[i].id, y->v[i].id);
		assert_int_equal(x->v[i].irq, y->v[i].irq);
		assert_memory_equal(x->v[i].counts, y->v[i].counts,
				    x->ncpus * sizeof(*x->v[i].counts));
		assert_str_or_null(x->v[i].chip, y->v[i].chip);
		assert_str_or_null(x->v[i].name, y->v[i].name);
	}
	assert_int_equal(a->softirqs.ncpus, b->softirqs.ncpus);
	assert_memory_equal(a->softirqs.cpu_ids, b->softirqs.cpu_ids,
			    a->softirqs.ncpus * sizeof(uint32_t));
	assert_int_equal(a->softirqs.n, b->softirqs.n);
	for (i = 0; i < a->softirqs.n; i++) {
		assert_string_equal(a->softirqs.v[i].name,
				    b->softirqs.v[i].name);
		assert_memory_equal(a->softirqs.v[i].counts,
				    b->softirqs.v[i].counts,
				    a->softirqs.ncpus * sizeof(uint64_t));
	}
}

static void assert_hosts_equal(const struct nt_host *a,
			       const struct nt_host *b)
{
	size_t i;

	assert_true(a->taken_ns == b->taken_ns);
	assert_true(a->mono_ns == b->mono_ns);
	assert_string_equal(a->hostname, b->hostname);
	assert_string_equal(a->kernel, b->kernel);
	assert_string_equal(a->root, b->root);
	assert_int_equal(a->sources, b->sources);
	assert_topology_equal(a, b);
	assert_int_equal(a->n_ifaces, b->n_ifaces);
	for (i = 0; i < a->n_ifaces; i++)
		assert_iface_equal(&a->ifaces[i], &b->ifaces[i]);
	assert_int_equal(a->n_sysctls, b->n_sysctls);
	for (i = 0; i < a->n_sysctls; i++) {
		assert_string_equal(a->sysctls[i].name, b->sysctls[i].name);
		assert_str_or_null(a->sysctls[i].value, b->sysctls[i].value);
	}
	assert_int_equal(a->irqbalance, b->irqbalance);
	assert_int_equal(a->n_softnet, b->n_softnet);
	assert_memory_equal(a->softnet, b->softnet,
			    a->n_softnet * sizeof(*a->softnet));
	assert_tables_equal(a, b);
	assert_counters_equal(&a->snmp, &b->snmp);
	assert_counters_equal(&a->sockstat, &b->sockstat);
}

/* save -> load -> save: same bytes, and the loaded host equals the first. */
static void test_round_trip(void **state)
{
	struct fixture *f = *state;
	struct nt_err err = { 0 };
	struct nt_host back;
	char *a, *b, tmp[160];
	size_t alen, blen;

	assert_int_equal(nt_snapshot_save(&f->host, f->path, &err), 0);
	assert_int_equal(nt_snapshot_load(f->path, &back, &err), 0);
	assert_int_equal(err.code, 0);
	assert_hosts_equal(&f->host, &back);
	assert_int_equal(nt_snapshot_save(&back, f->path2, &err), 0);
	a = slurp(f->path, &alen);
	b = slurp(f->path2, &blen);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	assert_int_equal(a[alen - 1], '\n');

	/* The states survive exactly. */
	assert_int_equal(back.ifaces[1].rings.state, NT_STATE_UNSUPPORTED);
	assert_int_equal(back.ifaces[2].rings.state, NT_STATE_UNKNOWN);
	assert_int_equal(back.ifaces[3].rings.state, NT_STATE_OK);
	assert_int_equal(back.ifaces[3].rings.present, 0);
	assert_int_equal(back.ifaces[0].txq[1].xps_state,
			 NT_STATE_UNSUPPORTED);
	assert_int_equal(back.ifaces[0].rxq[1].rps_state, NT_STATE_UNKNOWN);
	assert_true(back.ifaces[0].stats.rx_bytes == U64_TOP);
	assert_true(back.ifaces[0].stats.tx_bytes == U64_HALF);
	assert_true(back.softnet[1].processed == U64_TOP);
	assert_int_equal(back.ifaces[0].qdiscs[1].handle, 0x80010000);
	assert_int_equal(back.ifaces[0].qdiscs[0].parent, 0xFFFFFFFF);
	assert_null(nt_host_sysctl(&back, "net.core.busy_read"));
	assert_int_equal(back.interrupts.v[0].irq, 24);
	assert_int_equal(back.interrupts.v[1].irq, -1);
	free(a);
	free(b);
	nt_host_free(&back);
	assert_null(back.ifaces);

	/* No temporary file is left behind. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", f->path);
	assert_int_equal(access(tmp, F_OK), -1);
}

static struct json_object *get(struct json_object *root, const char *ptr)
{
	struct json_object *v = NULL;

	assert_int_equal(json_pointer_get(root, ptr, &v), 0);
	return v;
}

static void assert_json_str(struct json_object *root, const char *ptr,
			    const char *want)
{
	struct json_object *v = get(root, ptr);

	assert_true(json_object_is_type(v, json_type_string));
	assert_string_equal(json_object_get_string(v), want);
}

static void assert_json_null(struct json_object *root, const char *ptr)
{
	assert_null(get(root, ptr));
}

static void assert_json_absent(struct json_object *root, const char *ptr)
{
	struct json_object *v;

	assert_int_not_equal(json_pointer_get(root, ptr, &v), 0);
}

/* The member names and encodings other tools rely on. */
static void test_layout(void **state)
{
	struct fixture *f = *state;
	struct json_object *o = nt_snapshot_to_json(&f->host, NULL);
	const char *text;

	assert_non_null(o);
	assert_int_equal(json_object_get_int(get(o, "/nettune_snapshot")), 1);
	assert_json_str(o, "/taken", "2026-11-23T11:00:00.123456789Z");
	assert_json_str(o, "/sources/3", "drvstats");
	assert_json_str(o, "/cpus/1/thread_siblings", "1");
	assert_json_str(o, "/numa_nodes/0/cpus", "0");
	assert_json_null(o, "/interfaces/0/kind");
	assert_json_null(o, "/interfaces/0/speed");
	assert_json_str(o, "/interfaces/2/duplex", "full");
	assert_int_equal(json_object_get_int(get(o, "/interfaces/0/rings/rx")),
			 256);
	assert_json_absent(o, "/interfaces/0/rings/rx_mini");
	assert_int_equal(json_object_get_int(get(o,
			 "/interfaces/0/rings/rx_mini_max")), 0);
	assert_json_null(o, "/interfaces/1/rings");
	assert_json_absent(o, "/interfaces/2/rings");
	assert_json_absent(o, "/interfaces/2/stats");
	assert_json_null(o, "/interfaces/3/stats");
	assert_json_null(o, "/interfaces/1/driver_stats");
	assert_json_str(o, "/interfaces/0/queues/rx/0/rps_cpus", "0-1");
	assert_json_absent(o, "/interfaces/0/queues/rx/0/rps");
	assert_json_null(o, "/interfaces/0/queues/rx/1/rps_cpus");
	assert_json_str(o, "/interfaces/0/queues/rx/1/rps", "unknown");
	assert_json_str(o, "/interfaces/0/queues/rx/2/rps_cpus", "");
	assert_json_str(o, "/interfaces/0/queues/tx/1/xps", "unsupported");
	assert_json_str(o, "/interfaces/0/queues/tx/2/xps", "unknown");
	assert_json_null(o, "/interfaces/0/irqs/1/queue");
	assert_json_null(o, "/interfaces/0/irqs/1/queue_type");
	assert_json_str(o, "/interfaces/0/irqs/0/effective_affinity", "1");
	assert_json_str(o, "/interfaces/0/irqs/1/effective_affinity", "");
	assert_json_str(o, "/interfaces/0/qdiscs/0/handle", "1:");
	assert_json_str(o, "/interfaces/0/qdiscs/0/parent", "root");
	assert_json_str(o, "/interfaces/0/qdiscs/1/handle", "8001:");
	assert_json_str(o, "/interfaces/0/qdiscs/1/parent", "1:1");
	assert_json_str(o, "/interfaces/0/qdiscs/3/parent", "ffff:fff1");
	assert_json_str(o, "/interfaces/0/qdiscs/4/handle", "none");
	assert_json_str(o, "/interfaces/0/qdiscs/4/parent", ":1");
	assert_json_null(o, "/sysctls/net.core.busy_read");
	assert_json_str(o, "/sysctls/net.core.somaxconn", "4096");
	assert_json_str(o, "/congestion_control/current", "bbr");
	assert_json_str(o, "/congestion_control/available/2", "bbr");
	assert_false(json_object_get_boolean(get(o, "/irqbalance")));
	assert_json_str(o, "/interrupts/lines/1/id", "NMI");
	assert_json_null(o, "/interrupts/lines/2/chip");
	assert_json_str(o, "/softirqs/rows/1/name", "NET_RX");
	assert_int_equal(json_object_get_int(get(o, "/snmp/TcpMaxConn")), -1);
	assert_int_equal(json_object_get_int(get(o, "/sockstat/TCP.inuse")), 3);

	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_SPACED);
	assert_non_null(strstr(text, "\"rx_bytes\": 18446744073709551615"));
	assert_non_null(strstr(text, "\"tx_bytes\": 9223372036854775808"));
	assert_non_null(strstr(text, "\"driver_stats\": { \"rx_queue_0"));
	json_object_put(o);
}

static void test_only_filter(void **state)
{
	static const char *const only[] = { "veth0", "lo", "nope", NULL };
	static const char *const none[] = { NULL };
	struct fixture *f = *state;
	struct json_object *o = nt_snapshot_to_json(&f->host, only);

	assert_non_null(o);
	assert_int_equal(json_object_array_length(get(o, "/interfaces")), 2);
	assert_json_str(o, "/interfaces/0/name", "lo");	/* host order */
	assert_json_str(o, "/interfaces/1/name", "veth0");
	assert_int_equal(json_object_array_length(get(o, "/cpus")), 2);
	assert_json_str(o, "/sysctls/net.core.somaxconn", "4096");
	json_object_put(o);

	o = nt_snapshot_to_json(&f->host, none);
	assert_int_equal(json_object_array_length(get(o, "/interfaces")), 0);
	assert_int_equal(json_object_array_length(get(o, "/softnet")), 2);
	json_object_put(o);
}

static void test_truncated(void **state)
{
	static const char *const bad[] = {
		"", "{", "{}x", "{\"a\":1,}", "[1] [2]", "nul", "{} {}",
	};
	struct fixture *f = *state;
	struct nt_err err = { 0 };
	struct nt_host back;
	size_t len, i;
	char *text;

	assert_int_equal(nt_snapshot_save(&f->host, f->path, &err), 0);
	text = slurp(f->path, &len);
	spew(f->path2, text, len / 2);
	assert_int_equal(nt_snapshot_load(f->path2, &back, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "b.json: not valid JSON: "));
	assert_non_null(strstr(err.msg, " at offset "));
	assert_int_equal(back.n_ifaces, 0);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		nt_err_clear(&err);
		spew(f->path2, bad[i], strlen(bad[i]));
		assert_int_equal(nt_snapshot_load(f->path2, &back, &err),
				 -EINVAL);
		assert_non_null(strstr(err.msg, ": not valid JSON: "));
	}
	nt_err_clear(&err);
	spew(f->path2, "{}x", 3);
	assert_int_equal(nt_snapshot_load(f->path2, &back, &err), -EINVAL);
	assert_non_null(strstr(err.msg, " at offset 2"));
	nt_err_clear(&err);
	spew(f->path2, "{}\0x", 4);
	assert_int_equal(nt_snapshot_load(f->path2, &back, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "trailing data at offset 2"));

	nt_err_clear(&err);
	spew(f->path2, "null\n", 5);
	assert_int_equal(nt_snapshot_load(f->path2, &back, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "not a nettune snapshot"));
	free(text);
}

static void test_cannot_read_or_write(void **state)
{
	struct fixture *f = *state;
	struct nt_err err = { 0 };
	struct nt_host back;

	assert_int_equal(nt_snapshot_load("/nonexistent/x.json", &back, &err),
			 -ENOENT);
	assert_string_equal(err.msg, "/nonexistent/x.json: cannot read: "
			    "No such file or directory");
	nt_err_clear(&err);
	assert_int_equal(nt_snapshot_load(f->dir, &back, &err), -EISDIR);
	nt_err_clear(&err);
	assert_true(nt_snapshot_save(&f->host, "/nonexistent/x.json", &err)
		    < 0);
	assert_non_null(strstr(err.msg, "cannot write"));
}

struct bad_case {
	const char *ptr;	/* JSON pointer of the member to change */
	const char *json;	/* its new value, NULL to delete it */
	const char *msg;	/* the whole error message */
};

static const struct bad_case bad_cases[] = {
	{ "/interfaces/0/rings/rx", "\"big\"",
	  "interfaces[0].rings.rx: expected an integer" },
	{ "/interfaces/3/rings/rx", "1.5",
	  "interfaces[3].rings.rx: expected an integer" },
	{ "/interfaces/0/rings/tx", "4294967296",
	  "interfaces[0].rings.tx: integer out of range" },
	{ "/interfaces/0/rings", "[]",
	  "interfaces[0].rings: expected an object or null" },
	{ "/interfaces/3/name", "5",
	  "interfaces[3].name: expected a string" },
	{ "/interfaces/3/name", "\"a-name-that-is-much-too-long-for-ifnamsiz\"",
	  "interfaces[3].name: longer than 31 bytes" },
	{ "/interfaces/2/mtu", NULL,
	  "interfaces[2].mtu: required member missing" },
	{ "/interfaces/2/virtual", "1",
	  "interfaces[2].virtual: expected true or false" },
	{ "/interfaces/0/queues/rx/1/rps", "\"maybe\"",
	  "interfaces[0].queues.rx[1].rps: "
	  "expected \"unknown\" or \"unsupported\"" },
	{ "/interfaces/0/queues/tx/0/xps_cpus", "\"0-\"",
	  "interfaces[0].queues.tx[0].xps_cpus: "
	  "expected a CPU list such as \"0-3,8\"" },
	{ "/interfaces/0/queues/tx", "{}",
	  "interfaces[0].queues.tx: expected an array" },
	{ "/interfaces/0/irqs/1/name", "[]",
	  "interfaces[0].irqs[1].name: expected a string" },
	{ "/interfaces/0/qdiscs/1/handle", "\"8001\"",
	  "interfaces[0].qdiscs[1].handle: "
	  "expected a tc handle such as \"8001:\", \"root\"" },
	{ "/interfaces/0/qdiscs/2/drops", "-1",
	  "interfaces[0].qdiscs[2].drops: expected a non-negative integer" },
	{ "/interfaces/0/stats/rx_nohandler", NULL,
	  "interfaces[0].stats.rx_nohandler: required member missing" },
	{ "/interfaces/0/driver_stats/rx_queue_0_packets", "true",
	  "interfaces[0].driver_stats.rx_queue_0_packets: "
	  "expected an integer" },
	{ "/interfaces/0/numa_node", "9223372036854775808",
	  "interfaces[0].numa_node: integer out of range" },
	{ "/interfaces/1", "7", "interfaces[1]: expected an object" },
	{ "/cpus/1/thread_siblings", "\"x\"",
	  "cpus[1].thread_siblings: expected a CPU list such as \"0-3,8\"" },
	{ "/cpus", NULL, "cpus: required member missing" },
	{ "/softnet/0/processed", "-1",
	  "softnet[0].processed: expected a non-negative integer" },
	{ "/interrupts/lines/2/counts", "[1]",
	  "interrupts.lines[2].counts: "
	  "expected 2 entries, one per CPU column" },
	{ "/softirqs/rows/0/counts/1", "\"x\"",
	  "softirqs.rows[0].counts[1]: expected an integer" },
	{ "/sysctls", "[]", "sysctls: expected an object" },
	{ "/snmp", "null", "snmp: expected an object" },
	{ "/interrupts", "1", "interrupts: expected an object" },
	{ "/interfaces/0/stats", "1",
	  "interfaces[0].stats: expected an object or null" },
	{ "/interfaces/0/queues", "[]",
	  "interfaces[0].queues: expected an object" },
	{ "/sources", "{}", "sources: expected an array" },
	{ "/sysctls/net.core.somaxconn", "4096",
	  "sysctls.net.core.somaxconn: expected a string" },
	{ "/snmp/TcpMaxConn", "18446744073709551615",
	  "snmp.TcpMaxConn: integer out of range" },
	{ "/irqbalance", "\"yes\"", "irqbalance: expected true or false" },
	{ "/hostname", "\"a\\u0000b\"",
	  "hostname: string contains a NUL byte" },
	{ "/sources/1", "3", "sources[1]: expected a string" },
	{ "/nettune_snapshot", "7",
	  "snapshot version 7 is newer than this nettune supports (1)" },
	{ "/nettune_snapshot", "0", "snapshot version 0 is not valid" },
	{ "/nettune_snapshot", "\"1\"",
	  "nettune_snapshot: expected an integer" },
	{ "/nettune_snapshot", NULL,
	  "not a nettune snapshot (no \"nettune_snapshot\" member)" },
};

static void json_delete(struct json_object *root, const char *ptr)
{
	const char *slash = strrchr(ptr, '/');
	char parent[256];

	snprintf(parent, sizeof(parent), "%.*s", (int)(slash - ptr), ptr);
	json_object_object_del(*parent ? get(root, parent) : root, slash + 1);
}

/* Every member is type-checked, and the message names its path. */
static void test_bad_members(void **state)
{
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct json_object *o = nt_snapshot_to_json(&f->host, NULL);
		struct nt_err err = { 0 };
		struct nt_host back;

		if (c->json)
			assert_int_equal(json_pointer_set(&o, c->ptr,
					 json_tokener_parse(c->json)), 0);
		else
			json_delete(o, c->ptr);
		assert_int_equal(nt_snapshot_from_json(o, &back, &err),
				 -EINVAL);
		assert_string_equal(err.msg, c->msg);
		assert_int_equal(back.n_ifaces, 0);
		assert_null(back.cpus);
		json_object_put(o);
	}
}

/* Through a file, the message also names the file. */
static void test_bad_member_file(void **state)
{
	struct fixture *f = *state;
	struct json_object *o = nt_snapshot_to_json(&f->host, NULL);
	struct nt_err err = { 0 };
	struct nt_host back;
	char want[256];

	assert_int_equal(json_pointer_set(&o, "/interfaces/3/rings/rx",
					  json_object_new_string("x")), 0);
	assert_int_equal(json_object_to_file(f->path2, o), 0);
	assert_int_equal(nt_snapshot_load(f->path2, &back, &err), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s: interfaces[3].rings.rx: expected an integer", f->path2);
	assert_string_equal(err.msg, want);
	json_object_put(o);
}

/* A newer nettune may add members: they are ignored. */
static void test_unknown_members(void **state)
{
	struct fixture *f = *state;
	struct json_object *o = nt_snapshot_to_json(&f->host, NULL);
	struct nt_err err = { 0 };
	struct nt_host back;

	json_object_object_add(o, "future", json_object_new_array());
	json_object_object_add(get(o, "/interfaces/0"), "xdp",
			       json_object_new_string("native"));
	json_object_object_add(get(o, "/interfaces/0/rings"), "hds_thresh",
			       json_object_new_int(5));
	json_object_object_add(get(o, "/interfaces/0/stats"),
			       "rx_otherhost_dropped", json_object_new_int(1));
	assert_int_equal(json_pointer_set(&o, "/sources/0",
				json_object_new_string("bpf")), 0);
	json_object_object_del(o, "taken");
	json_object_object_del(o, "congestion_control");
	assert_int_equal(nt_snapshot_from_json(o, &back, &err), 0);
	back.sources |= NT_SRC_PROCFS;
	assert_hosts_equal(&f->host, &back);
	nt_host_free(&back);
	json_object_put(o);
}

static struct json_object *wrong_value(int i)
{
	switch (i) {
	case 0: return NULL;
	case 1: return json_object_new_int(-1);
	case 2: return json_object_new_string("x");
	case 3: return json_object_new_array();
	case 4: return json_object_new_object();
	case 5: return json_object_new_boolean(1);
	case 6: return json_object_new_double(1.5);
	default: return json_object_new_uint64(UINT64_MAX);
	}
}

#define N_WRONG	8

/* Any member of any type: a clean error or a host, never a crash or leak. */
static void load_any(struct json_object *root, unsigned int *loaded)
{
	struct nt_err err = { 0 };
	struct nt_host back;
	int ret = nt_snapshot_from_json(root, &back, &err);

	assert_true(ret == 0 || ret == -EINVAL);
	if (!ret)
		++*loaded;
	else
		assert_true(err.msg[0] != '\0');
	nt_host_free(&back);
}

struct mutation {
	struct json_object *root;
	unsigned int tried, loaded;
};

static void mutate_all(struct mutation *m, struct json_object *node);

static void mutate_member(struct mutation *m, struct json_object *obj,
			  const char *key, struct json_object *val)
{
	int k;

	for (k = 0; k < N_WRONG; k++, m->tried++) {
		json_object_get(val);
		json_object_object_add(obj, key, wrong_value(k));
		load_any(m->root, &m->loaded);
		json_object_object_add(obj, key, val);
	}
	mutate_all(m, val);
}

static void mutate_element(struct mutation *m, struct json_object *arr,
			   size_t i)
{
	struct json_object *val = json_object_array_get_idx(arr, i);
	int k;

	for (k = 0; k < N_WRONG; k++, m->tried++) {
		json_object_get(val);
		json_object_array_put_idx(arr, i, wrong_value(k));
		load_any(m->root, &m->loaded);
		json_object_array_put_idx(arr, i, val);
	}
	mutate_all(m, val);
}

static void mutate_all(struct mutation *m, struct json_object *node)
{
	size_t i;

	if (json_object_is_type(node, json_type_object)) {
		json_object_object_foreach(node, key, val)
			mutate_member(m, node, key, val);
	} else if (json_object_is_type(node, json_type_array)) {
		for (i = 0; i < json_object_array_length(node); i++)
			mutate_element(m, node, i);
	}
}

static void test_every_member_mutated(void **state)
{
	struct fixture *f = *state;
	struct json_object *o = nt_snapshot_to_json(&f->host, NULL);
	struct mutation m = { .root = o };
	struct nt_err err = { 0 };
	struct nt_host back;

	mutate_all(&m, o);
	assert_true(m.tried > 3000);
	assert_true(m.loaded > 0 && m.loaded < m.tried);
	/* Every change was undone. */
	assert_int_equal(nt_snapshot_from_json(o, &back, &err), 0);
	assert_hosts_equal(&f->host, &back);
	nt_host_free(&back);
	json_object_put(o);
}

static void test_counters(void **state)
{
	struct nt_counters c = { 0 };
	char name[NT_COUNTER_LEN + 40];
	int64_t v;
	size_t i;

	(void)state;
	for (i = 0; i < 10000; i++) {
		snprintf(name, sizeof(name), "c%zu", i);
		assert_int_equal(nt_counters_add(&c, name, i * 3), 0);
	}
	assert_int_equal(c.n, 10000);
	assert_true(nt_counters_get(&c, "c9999", &v));
	assert_true(v == 29997);
	assert_true(nt_counters_get(&c, "c0", &v));
	assert_true(v == 0);
	assert_false(nt_counters_get(&c, "c10000", &v));

	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(nt_counters_add(&c, name, -5), 0);
	assert_int_equal(strlen(c.v[c.n - 1].name), NT_COUNTER_LEN - 1);
	name[NT_COUNTER_LEN - 1] = '\0';
	assert_true(nt_counters_get(&c, name, &v));
	assert_true(v == -5);
	nt_counters_free(&c);
	assert_int_equal(c.n, 0);
	assert_null(c.v);
	nt_counters_free(NULL);
}

static void test_host_lookup(void **state)
{
	struct fixture *f = *state;
	struct nt_host empty = { 0 };

	assert_ptr_equal(nt_host_iface(&f->host, "veth0"), &f->host.ifaces[2]);
	assert_null(nt_host_iface(&f->host, "eth9"));
	assert_string_equal(nt_host_sysctl(&f->host, "net.core.somaxconn"),
			    "4096");
	assert_null(nt_host_sysctl(&f->host, "net.core.busy_read"));
	assert_null(nt_host_sysctl(&f->host, "net.core.nope"));
	assert_null(nt_host_iface(&empty, "lo"));
	nt_host_free(&empty);
	nt_host_free(NULL);
	nt_iface_free(NULL);
	nt_interrupts_free(NULL);
	nt_softirqs_free(NULL);
}

/* What the kernel has and the read-only sysctls: kept, and optional. */
static void set_kernel_facts(struct nt_host *h)
{
	h->sysctls[0].read_only = true;		/* net.core.somaxconn */
	h->kernel_has.state = NT_STATE_OK;
	h->kernel_has.qdiscs = xstrdup("pfifo_fast mq noqueue htb");
	h->kernel_has.congestion = xstrdup("cubic bbr");
	h->kernel_has.modules = true;
}

static void test_kernel_has(void **state)
{
	struct fixture *f = *state;
	struct nt_err err = { 0 };
	struct json_object *o;
	struct nt_host back, copy;

	set_kernel_facts(&f->host);
	o = nt_snapshot_to_json(&f->host, NULL);
	assert_string_equal(json_object_to_json_string(get(o, "/sysctls_read_only")),
			    "[ \"net.core.somaxconn\" ]");
	assert_int_equal(nt_snapshot_from_json(o, &back, &err), 0);
	assert_int_equal(back.kernel_has.state, NT_STATE_OK);
	assert_string_equal(back.kernel_has.qdiscs, "pfifo_fast mq noqueue htb");
	assert_string_equal(back.kernel_has.congestion, "cubic bbr");
	assert_true(back.kernel_has.modules);
	assert_true(back.sysctls[0].read_only);
	assert_false(back.sysctls[1].read_only);
	/* a deep copy keeps them */
	assert_int_equal(nt_host_copy(&copy, &back), 0);
	assert_string_equal(copy.kernel_has.qdiscs, back.kernel_has.qdiscs);
	assert_true(copy.sysctls[0].read_only);
	nt_host_free(&copy);
	nt_host_free(&back);

	/* an older snapshot has neither: unknown, nothing read-only */
	json_object_object_del(o, "kernel_has");
	json_object_object_del(o, "sysctls_read_only");
	assert_int_equal(nt_snapshot_from_json(o, &back, &err), 0);
	assert_int_equal(back.kernel_has.state, NT_STATE_UNKNOWN);
	assert_null(back.kernel_has.qdiscs);
	assert_false(back.sysctls[0].read_only);
	nt_host_free(&back);
	json_object_put(o);
}

/* Damaged members of the new objects: a clean error, never a crash. */
static void test_kernel_has_mutated(void **state)
{
	struct fixture *f = *state;
	struct json_object *o;
	struct mutation m = { 0 };

	set_kernel_facts(&f->host);
	o = nt_snapshot_to_json(&f->host, NULL);
	m.root = o;
	mutate_member(&m, o, "kernel_has", get(o, "/kernel_has"));
	mutate_member(&m, o, "sysctls_read_only",
		      get(o, "/sysctls_read_only"));
	assert_true(m.tried > 40);
	assert_true(m.loaded < m.tried);
	json_object_put(o);
}

/*
 * A snapshot from before IRQ ownership: "queue" and "queue_type" only.
 * It loads; its IRQs are the interface's own, found by name, data
 * vectors where they had a queue.
 */
static void test_irq_legacy(void **state)
{
	static const char *const added[] = {
		"rx_queue", "tx_queue", "kind", "owner", "rule", "pattern",
	};
	struct fixture *f = *state;
	struct json_object *o = nt_snapshot_to_json(&f->host, NULL);
	struct nt_err err = { 0 };
	struct nt_host back;
	const struct nt_iface_irq *irq;

	for (int i = 0; i < 2; i++) {
		char path[64];

		snprintf(path, sizeof(path), "/interfaces/0/irqs/%d", i);
		for (size_t k = 0; k < sizeof(added) / sizeof(added[0]); k++)
			json_object_object_del(get(o, path), added[k]);
	}
	assert_int_equal(nt_snapshot_from_json(o, &back, &err), 0);
	irq = &back.ifaces[0].irqs[0];
	assert_int_equal(irq->rxq, 0);
	assert_int_equal(irq->txq, 0);
	assert_int_equal(irq->kind, NT_IRQ_DATA);
	assert_int_equal(irq->owner, NT_IRQ_OWNER_IFACE);
	assert_int_equal(irq->rule, NT_IRQ_RULE_NAME);
	irq = &back.ifaces[0].irqs[1];
	assert_false(nt_irq_is_queue(irq));
	assert_int_equal(irq->rxq, -1);
	assert_int_equal(irq->kind, NT_IRQ_OTHER);
	nt_host_free(&back);
	json_object_put(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_only_filter, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cannot_read_or_write,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_members, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_member_file, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unknown_members, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_every_member_mutated,
						setup, teardown),
		cmocka_unit_test(test_counters),
		cmocka_unit_test_setup_teardown(test_host_lookup, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_kernel_has, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_kernel_has_mutated, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_irq_legacy, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("snapshot", tests, NULL, NULL);
}
