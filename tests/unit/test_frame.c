// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The frames of `nettune top` (lib/sample/frame.c) and their batch
 * printers (lib/output/top.c): two hosts built here, one second apart,
 * with known counter rises; and the names of driver counters
 * (lib/model/drvstat.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "audit/audit.h"
#include "model/drvstat.h"
#include "output/top.h"
#include "sample/frame.h"
#include "testlib.h"

#define SEC		1000000000LL
#define TC_ROOT		0xffffffffu
#define OUT_SIZE	(256 * 1024)

/*
 * Allocation counting.  Without AddressSanitizer the test executable
 * defines malloc and friends, forwarding to glibc's own; under ASan (which
 * owns malloc) the sanitizer's hooks count instead.
 */
static volatile bool counting;
static volatile size_t allocations;

#ifdef __SANITIZE_ADDRESS__
#if __has_include(<sanitizer/allocator_interface.h>)
#include <sanitizer/allocator_interface.h>
#else
/* GCC on Debian ships the runtime without its headers */
int __sanitizer_install_malloc_and_free_hooks(
	void (*malloc_hook)(const volatile void *, size_t),
	void (*free_hook)(const volatile void *));
size_t __sanitizer_get_current_allocated_bytes(void);
#endif

static size_t bytes_before;

static void on_malloc(const volatile void *p, size_t size)
{
	(void)p;
	(void)size;
	if (counting)
		allocations++;
}

static void on_free(const volatile void *p)
{
	(void)p;
}

static void count_start(void)
{
	static bool hooked;

	if (!hooked)
		__sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
	hooked = true;
	allocations = 0;
	bytes_before = __sanitizer_get_current_allocated_bytes();
	counting = true;
}

/* Allocations, and one more if memory was kept. */
static size_t count_stop(void)
{
	counting = false;
	return allocations +
	       (__sanitizer_get_current_allocated_bytes() != bytes_before);
}
#else
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);

void *malloc(size_t size)
{
	if (counting)
		allocations++;
	return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	if (counting)
		allocations++;
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	if (counting)
		allocations++;
	return __libc_realloc(p, size);
}

void free(void *p)
{
	__libc_free(p);
}

static void count_start(void)
{
	allocations = 0;
	counting = true;
}

static size_t count_stop(void)
{
	counting = false;
	return allocations;
}
#endif

/* Building hosts --------------------------------------------------------- */

static void add_counter(struct nt_counters *c, const char *name, int64_t v)
{
	assert_int_equal(nt_counters_add(c, name, v), 0);
}

/* CPU @cpu's value: @base in the first look, rising by @rate each second. */
static uint64_t at(int t, uint64_t base, uint64_t rate)
{
	return base + (uint64_t)t * rate;
}

static void build_cpus(struct nt_host *h, int t)
{
	h->n_cpus = 2;
	h->cpus = xcalloc(2, sizeof(*h->cpus));
	for (uint32_t i = 0; i < 2; i++) {
		h->cpus[i].id = i;
		h->cpus[i].online = true;
		h->cpus[i].node = 0;
		h->cpus[i].core_id = i;
	}
	h->n_softnet = 2;
	h->softnet = xcalloc(2, sizeof(*h->softnet));
	for (uint32_t i = 0; i < 2; i++) {
		h->softnet[i].cpu = i;
		h->softnet[i].ncols = 13;
	}
	/* CPU 0: traffic, no drops; CPU 1: drops */
	h->softnet[0].processed = at(t, 5000, 1000);
	h->softnet[0].received_rps = at(t, 10, 3);
	h->softnet[1].processed = at(t, 100, 20);
	h->softnet[1].dropped = at(t, 40, 5);
	h->softnet[1].time_squeeze = at(t, 7, 2);
}

static void build_softirqs(struct nt_host *h, int t)
{
	struct nt_softirqs *s = &h->softirqs;

	s->ncpus = 2;
	s->cpu_ids = xcalloc(2, sizeof(*s->cpu_ids));
	s->cpu_ids[1] = 1;
	s->n = 2;
	s->v = xcalloc(2, sizeof(*s->v));
	strcpy(s->v[0].name, "NET_TX");
	strcpy(s->v[1].name, "NET_RX");
	for (size_t i = 0; i < 2; i++)
		s->v[i].counts = xcalloc(2, sizeof(uint64_t));
	s->v[0].counts[0] = at(t, 50, 10);
	s->v[1].counts[0] = at(t, 900, 100);
	s->v[1].counts[1] = at(t, 90, 20);
}

static void add_interrupt(struct nt_host *h, int irq, uint64_t c0,
			  uint64_t c1)
{
	struct nt_interrupts *t = &h->interrupts;
	struct nt_interrupt *r;

	t->v = xrealloc(t->v, t->n + 1, sizeof(*t->v));
	r = &t->v[t->n++];
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%d", irq);
	r->irq = irq;
	r->counts = xcalloc(2, sizeof(uint64_t));
	r->counts[0] = c0;
	r->counts[1] = c1;
}

static void build_interrupts(struct nt_host *h, int t)
{
	h->interrupts.ncpus = 2;
	h->interrupts.cpu_ids = xcalloc(2, sizeof(uint32_t));
	h->interrupts.cpu_ids[1] = 1;
	add_interrupt(h, 40, at(t, 1, 1000), at(t, 1, 1000)); /* no NIC's */
	add_interrupt(h, 38, at(t, 100, 300), at(t, 5, 0));
	add_interrupt(h, 39, at(t, 100, 50), at(t, 5, 70));
}

static struct nt_iface *add_iface(struct nt_host *h, const char *name,
				  const char *driver)
{
	struct nt_iface *ifc;

	h->ifaces = xrealloc(h->ifaces, h->n_ifaces + 1, sizeof(*h->ifaces));
	ifc = &h->ifaces[h->n_ifaces++];
	memset(ifc, 0, sizeof(*ifc));
	snprintf(ifc->name, sizeof(ifc->name), "%s", name);
	snprintf(ifc->driver, sizeof(ifc->driver), "%s", driver);
	ifc->ifindex = (int)h->n_ifaces;
	ifc->numa_node = -1;
	ifc->link_stats_state = NT_STATE_OK;
	ifc->qdiscs_state = NT_STATE_OK;
	ifc->n_rxq = ifc->n_txq = 1;
	ifc->rxq = xcalloc(1, sizeof(*ifc->rxq));
	ifc->txq = xcalloc(1, sizeof(*ifc->txq));
	return ifc;
}

static void build_eth0(struct nt_host *h, int t)
{
	struct nt_iface *ifc = add_iface(h, "eth0", "virtio_net");
	struct nt_link_stats *s = &ifc->stats;

	ifc->n_txq = ifc->n_rxq = 2;
	ifc->rxq = xrealloc(ifc->rxq, 2, sizeof(*ifc->rxq));
	ifc->txq = xrealloc(ifc->txq, 2, sizeof(*ifc->txq));
	memset(ifc->rxq, 0, 2 * sizeof(*ifc->rxq));
	memset(ifc->txq, 0, 2 * sizeof(*ifc->txq));
	ifc->numa_node = 0;
	ifc->rings.state = NT_STATE_OK;
	ifc->rings.present = NT_RING_RX | NT_RING_RX_MAX;
	ifc->rings.rx = 256;
	ifc->rings.rx_max = 4096;
	s->rx_packets = at(t, 10000, 2000);
	s->tx_packets = at(t, 20000, 1000);
	s->rx_bytes = at(t, 1, 1000000);
	s->tx_bytes = at(t, 1, 500000);
	s->rx_dropped = at(t, 9, 3);
	s->tx_dropped = at(t, 9, 1);
	s->rx_missed_errors = at(t, 0, 1);
	s->rx_fifo_errors = at(t, 0, 1);
	s->rx_errors = at(t, 4, 1);
	add_irq(ifc, 38, 0, "rxtx", "0-1", "0");
	add_irq(ifc, 39, 1, "rxtx", "0-1", "1");
	ifc->driver_stats_state = NT_STATE_OK;
	add_counter(&ifc->driver_stats, "rx_queue_0_drops", at(t, 70, 7));
	add_counter(&ifc->driver_stats, "rx_queue_1_packets", at(t, 0, 1500));
	add_counter(&ifc->driver_stats, "tx_queue_0_xdp_drops",
		    at(t, 0, 100));
	add_counter(&ifc->driver_stats, "rx_dropped", at(t, 9, 3));
	/* the driver's total of rx_queue_N_drops: counted once */
	add_counter(&ifc->driver_stats, "rx_drops", at(t, 70, 7));
	add_qdisc(ifc, "tbf", 0x80010000, TC_ROOT, 0);
	ifc->qdiscs[0].packets = at(t, 100, 900);
	ifc->qdiscs[0].drops = at(t, 100, 20);
	ifc->qdiscs[0].overlimits = at(t, 100, 30);
	ifc->qdiscs[0].backlog = 1500;
	ifc->qdiscs[0].qlen = 1;
	add_qdisc(ifc, "fq_codel", 0x00100000, 0x80010001, 0);
	ifc->qdiscs[1].packets = at(t, 100, 900);
}

/* eth1: idle, a driver name that JSON must escape. */
static void build_eth1(struct nt_host *h)
{
	struct nt_iface *ifc = add_iface(h, "eth1", "d\"r\t\xff");

	ifc->stats.rx_packets = 5;
	ifc->stats.rx_dropped = 100;
	add_qdisc(ifc, "mq", 0, TC_ROOT, 0);
}

static void build_lo(struct nt_host *h, int t)
{
	struct nt_iface *ifc = add_iface(h, "lo", "");

	ifc->is_virtual = true;
	ifc->stats.rx_packets = at(t, 0, 5000);
	ifc->stats.tx_packets = at(t, 0, 5000);
	add_qdisc(ifc, "noqueue", 0, TC_ROOT, 0);
	ifc->qdiscs[0].packets = at(t, 0, 5000);
}

static void build_snmp(struct nt_host *h, int t)
{
	add_counter(&h->snmp, "TcpRetransSegs", at(t, 10, 8));
	add_counter(&h->snmp, "UdpInErrors", at(t, 10, 6));
	add_counter(&h->snmp, "UdpRcvbufErrors", at(t, 10, 4));
	add_counter(&h->snmp, "Udp6RcvbufErrors", at(t, 10, 1));
	add_counter(&h->snmp, "TcpExtListenOverflows", at(t, 10, 2));
	add_counter(&h->snmp, "TcpExtListenDrops", at(t, 10, 3));
	add_counter(&h->snmp, "TcpExtPruneCalled", 3);
	add_counter(&h->snmp, "TcpExtTCPBacklogDrop", 0);
}

static void build_listeners(struct nt_host *h)
{
	h->sources |= NT_SRC_SOCKDIAG;
	add_listener(h, AF_INET, "0.0.0.0", 80, 10, 100);	/* 0.1 */
	add_listener(h, AF_INET, "127.0.0.1", 22, 0, 128);	/* 0 */
	add_listener(h, AF_INET6, "::", 443, 50, 100);		/* 0.5 */
	add_listener(h, AF_INET, "0.0.0.0", 8080, 64, 128);	/* 0.5 */
	add_listener(h, AF_INET, "0.0.0.0", 25, 1, 4);		/* 0.25 */
	add_listener(h, AF_INET, "0.0.0.0", 21, 0, 128);	/* 0 */
}

/* The look at second @t (0 or 1). */
static void build_host(struct nt_host *h, int t)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->hostname, sizeof(h->hostname), "host\"one");
	snprintf(h->kernel, sizeof(h->kernel), "6.1.0-test");
	h->mono_ns = 5 * SEC + t * SEC;
	h->taken_ns = 1700000000 * SEC + t * SEC + 250000000;
	h->uptime_ns = ((3 * 24 + 4) * 3600 + 5 * 60) * SEC + t * SEC;
	h->sources = NT_SRC_PROCFS | NT_SRC_SYSFS | NT_SRC_NETLINK;
	build_cpus(h, t);
	build_softirqs(h, t);
	build_interrupts(h, t);
	build_eth0(h, t);
	build_eth1(h);
	build_lo(h, t);
	build_snmp(h, t);
	build_listeners(h);
}

struct fixture {
	struct nt_host prev, cur;
	struct nt_top_frame f;
};

static int setup(void **state)
{
	struct fixture *x = xcalloc(1, sizeof(*x));

	build_host(&x->prev, 0);
	build_host(&x->cur, 1);
	assert_int_equal(nt_top_frame_init(&x->f, &x->prev), 0);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *x = *state;

	nt_top_frame_free(&x->f);
	nt_host_free(&x->prev);
	nt_host_free(&x->cur);
	free(x);
	return 0;
}

static const struct nt_top_cpu *cpu_row(const struct nt_top_frame *f,
					uint32_t cpu)
{
	for (size_t i = 0; i < f->n_cpus; i++)
		if (f->cpus[i].cpu == cpu)
			return &f->cpus[i];
	fail_msg("no row of CPU %u", cpu);
	return NULL;
}

static const struct nt_top_nic *nic_row(const struct nt_top_frame *f,
					const char *name)
{
	for (size_t i = 0; i < f->n_nics; i++)
		if (!strcmp(f->nics[i].name, name))
			return &f->nics[i];
	fail_msg("no row of %s", name);
	return NULL;
}

static const struct nt_top_qdisc *qdisc_row(const struct nt_top_frame *f,
					    const char *dev, const char *kind)
{
	for (size_t i = 0; i < f->n_qdiscs; i++)
		if (!strcmp(f->qdiscs[i].dev, dev) &&
		    !strcmp(f->qdiscs[i].kind, kind))
			return &f->qdiscs[i];
	fail_msg("no qdisc %s on %s", kind, dev);
	return NULL;
}

#define assert_rate(v, want)	assert_float_equal((v), (want), 1e-9)

/* Frame ------------------------------------------------------------------ */

static void test_shape(void **state)
{
	struct fixture *x = *state;

	nt_top_frame_fill(&x->f, &x->prev, &x->cur);
	assert_int_equal(x->f.n_cpus, 2);
	assert_int_equal(x->f.n_nics, 3);
	assert_int_equal(x->f.n_qdiscs, 4);
	assert_int_equal(nic_row(&x->f, "eth0")->n_queues, 2);
	assert_int_equal(nic_row(&x->f, "eth1")->n_queues, 1);
}

static void test_cpu_rates(void **state)
{
	struct fixture *x = *state;
	const struct nt_top_cpu *c0, *c1;

	nt_top_frame_fill(&x->f, &x->prev, &x->cur);
	c0 = cpu_row(&x->f, 0);
	c1 = cpu_row(&x->f, 1);
	assert_int_equal(c0->node, 0);
	assert_true(c0->online);
	assert_rate(c0->net_rx, 100);
	assert_rate(c0->net_tx, 10);
	assert_rate(c0->processed, 1000);
	assert_rate(c0->dropped, 0);
	assert_rate(c0->squeezed, 0);
	assert_rate(c0->rps, 3);
	/* IRQ 38 (300/s) and 39 (50/s) on CPU 0; IRQ 40 is no NIC's */
	assert_rate(c0->nic_irqs, 350);
	assert_rate(c1->net_rx, 20);
	assert_rate(c1->net_tx, 0);
	assert_rate(c1->processed, 20);
	assert_rate(c1->dropped, 5);
	assert_rate(c1->squeezed, 2);
	assert_rate(c1->rps, 0);
	assert_rate(c1->nic_irqs, 70);
	assert_false(c0->idle);
	assert_false(c1->idle);
}

static void test_nic_rates(void **state)
{
	struct fixture *x = *state;
	const struct nt_top_nic *n;

	nt_top_frame_fill(&x->f, &x->prev, &x->cur);
	n = nic_row(&x->f, "eth0");
	assert_string_equal(n->driver, "virtio_net");
	assert_int_equal(n->numa_node, 0);
	assert_rate(n->rx_pps, 2000);
	assert_rate(n->tx_pps, 1000);
	assert_rate(n->rx_mbps, 8);
	assert_rate(n->tx_mbps, 4);
	assert_rate(n->drops, 4);
	assert_rate(n->missed, 2);
	assert_rate(n->errors, 1);
	assert_int_equal(n->ring_rx, 256);
	assert_int_equal(n->ring_rx_max, 4096);
	/*
	 * rx_drops; not rx_queue_0_drops again, not the XDP verdicts, not
	 * the copy of rx_dropped
	 */
	assert_rate(n->driver_drops, 7);
	assert_false(n->idle);

	n = nic_row(&x->f, "eth1");
	assert_rate(n->rx_pps, 0);
	assert_rate(n->drops, 0);
	assert_int_equal(n->ring_rx, -1);
	assert_int_equal(n->ring_rx_max, -1);
	assert_rate(n->driver_drops, -1);
	assert_true(n->idle);
	assert_string_equal(n->queues[0].type, "rxtx");
	assert_int_equal(n->queues[0].irq, -1);
	assert_rate(n->queues[0].irqs, -1);

	n = nic_row(&x->f, "lo");
	assert_rate(n->rx_pps, 5000);
	assert_false(n->idle);
}

static void test_queues(void **state)
{
	struct fixture *x = *state;
	const struct nt_top_queue *q;

	nt_top_frame_fill(&x->f, &x->prev, &x->cur);
	q = nic_row(&x->f, "eth0")->queues;
	assert_int_equal(q[0].queue, 0);
	assert_int_equal(q[0].irq, 38);
	assert_string_equal(q[0].type, "rxtx");
	assert_string_equal(q[0].cpus, "0");
	assert_rate(q[0].irqs, 300);
	assert_rate(q[0].rx_pps, -1);
	assert_rate(q[0].tx_pps, -1);
	assert_rate(q[0].drops, 7);
	assert_int_equal(q[1].queue, 1);
	assert_int_equal(q[1].irq, 39);
	assert_string_equal(q[1].cpus, "1");
	assert_rate(q[1].irqs, 120);
	assert_rate(q[1].rx_pps, 1500);
	assert_rate(q[1].tx_pps, -1);
	assert_rate(q[1].drops, -1);
}

static void test_qdisc_rates(void **state)
{
	struct fixture *x = *state;
	const struct nt_top_qdisc *q;

	nt_top_frame_fill(&x->f, &x->prev, &x->cur);
	q = qdisc_row(&x->f, "eth0", "tbf");
	assert_string_equal(q->handle, "8001:");
	assert_string_equal(q->parent, "root");
	assert_rate(q->pps, 900);
	assert_rate(q->drops, 20);
	assert_rate(q->overlimits, 30);
	assert_rate(q->requeues, 0);
	assert_int_equal(q->backlog_bytes, 1500);
	assert_int_equal(q->backlog_packets, 1);
	assert_false(q->idle);
	q = qdisc_row(&x->f, "eth0", "fq_codel");
	assert_string_equal(q->handle, "10:");
	assert_string_equal(q->parent, "8001:1");
	assert_true(q->idle);	/* traffic alone is not activity here */
	assert_true(qdisc_row(&x->f, "eth1", "mq")->idle);
}

static void test_sockets(void **state)
{
	struct fixture *x = *state;
	const struct nt_top_sock *s = &x->f.sock;
	static const uint16_t ports[] = { 8080, 443, 25, 80, 21 };

	nt_top_frame_fill(&x->f, &x->prev, &x->cur);
	assert_rate(s->listen_overflows, 2);
	assert_rate(s->listen_drops, 3);
	assert_rate(s->udp_rcvbuf_errors, 5);
	assert_rate(s->udp_inerrors, 6);
	assert_rate(s->tcp_retrans, 8);
	assert_rate(s->prune_called, 0);
	assert_rate(s->rcv_pruned, -1);
	assert_rate(s->backlog_drops, 0);
	assert_true(s->have_listeners);
	/* 0.5 (64 waiting before 50), 0.25, 0.1, 0 (port 21 before 22) */
	assert_int_equal(s->n_worst, NT_TOP_WORST_LISTENERS);
	for (size_t i = 0; i < NT_TOP_WORST_LISTENERS; i++)
		assert_int_equal(s->worst[i].port, ports[i]);
}

static void test_header(void **state)
{
	struct fixture *x = *state;
	const struct nt_top_header *h = &x->f.hdr;

	nt_top_frame_fill(&x->f, &x->prev, &x->cur);
	assert_string_equal(h->hostname, "host\"one");
	assert_string_equal(h->kernel, "6.1.0-test");
	assert_int_equal(h->taken_ns, x->cur.taken_ns);
	assert_rate(h->uptime_s, (3 * 24 + 4) * 3600 + 5 * 60 + 1);
	assert_rate(h->interval_s, 1);
	/* lo's 5000/s are not counted */
	assert_rate(h->rx_pps, 2000);
	assert_rate(h->tx_pps, 1000);
	/* softnet 5, link 4 + 2, qdisc 20, ListenDrops 3, rcvbuf 4 + 1 */
	assert_rate(h->drops, 39);
	/* left to the caller */
	assert_int_equal(h->worst_severity, 0);
}

/* Every rate is 0 without a previous look, and every row is idle. */
static void test_no_prev(void **state)
{
	struct fixture *x = *state;

	nt_top_frame_fill(&x->f, NULL, &x->cur);
	assert_rate(x->f.hdr.interval_s, 0);
	for (size_t i = 0; i < x->f.n_cpus; i++) {
		assert_rate(x->f.cpus[i].net_rx, 0);
		assert_true(x->f.cpus[i].idle);
	}
	for (size_t i = 0; i < x->f.n_nics; i++)
		assert_true(x->f.nics[i].idle);
	assert_rate(x->f.sock.listen_drops, 0);
	assert_rate(x->f.sock.rcv_pruned, -1);
	/* levels are still there */
	assert_int_equal(qdisc_row(&x->f, "eth0", "tbf")->backlog_bytes, 1500);
	assert_false(qdisc_row(&x->f, "eth0", "tbf")->idle);
}

/* A counter that went backwards gives 0, never a huge rate. */
static void test_backwards(void **state)
{
	struct fixture *x = *state;

	x->cur.ifaces[0].stats.rx_packets = 1;
	x->cur.softnet[1].dropped = 0;
	/* rx_queue_0_drops and rx_drops */
	x->cur.ifaces[0].driver_stats.v[0].value = 0;
	x->cur.ifaces[0].driver_stats.v[4].value = 0;
	nt_top_frame_fill(&x->f, &x->prev, &x->cur);
	assert_rate(nic_row(&x->f, "eth0")->rx_pps, 0);
	assert_rate(nic_row(&x->f, "eth0")->driver_drops, 0);
	assert_rate(nic_row(&x->f, "eth0")->queues[0].drops, 0);
	assert_rate(cpu_row(&x->f, 1)->dropped, 0);
}

/*
 * ethtool -L while top runs: the driver's set of counters changes shape.
 * Queue rows go up to the channel maxima for the queues the counters
 * name, a new counter starts at a rate of 0, and a per-queue drop counter
 * with a driver total still counts once.
 */
static void test_channel_change(void **state)
{
	struct fixture *x = *state;
	struct nt_iface *ifc = &x->cur.ifaces[0];
	const struct nt_top_nic *n;

	nt_top_frame_free(&x->f);
	x->prev.ifaces[0].channels.state = NT_STATE_OK;
	x->prev.ifaces[0].channels.combined_max = 4;
	assert_int_equal(nt_top_frame_init(&x->f, &x->prev), 0);
	nt_top_frame_fill(&x->f, &x->prev, &x->cur);
	assert_int_equal(nic_row(&x->f, "eth0")->n_queues, 2);

	add_counter(&ifc->driver_stats, "rx_queue_3_drops", 1000000);
	nt_top_frame_fill(&x->f, &x->prev, &x->cur);
	n = nic_row(&x->f, "eth0");
	assert_string_equal(n->name, "eth0");
	assert_int_equal(n->n_queues, 4);
	assert_rate(n->queues[3].drops, 0);
	assert_rate(n->queues[2].drops, -1);
	assert_rate(n->queues[0].drops, 7);
	assert_rate(n->driver_drops, 7);

	ifc->driver_stats.n--;
	nt_top_frame_fill(&x->f, &x->prev, &x->cur);
	assert_int_equal(nic_row(&x->f, "eth0")->n_queues, 2);
}

static void assert_cpu_order(const struct nt_top_frame *f, uint32_t a,
			     uint32_t b)
{
	assert_int_equal(f->cpus[0].cpu, a);
	assert_int_equal(f->cpus[1].cpu, b);
}

static void assert_nic_order(const struct nt_top_frame *f, const char *a,
			     const char *b, const char *c)
{
	assert_string_equal(f->nics[0].name, a);
	assert_string_equal(f->nics[1].name, b);
	assert_string_equal(f->nics[2].name, c);
}

static void assert_qdisc_order(const struct nt_top_frame *f,
			       const char *const *kinds)
{
	for (size_t i = 0; i < f->n_qdiscs; i++)
		assert_string_equal(f->qdiscs[i].kind, kinds[i]);
}

static void test_sort(void **state)
{
	static const char *const by_drops[] = {
		"tbf", "noqueue", "fq_codel", "mq"
	};
	static const char *const by_traffic[] = {
		"noqueue", "tbf", "fq_codel", "mq"
	};
	static const char *const by_name[] = {
		"fq_codel", "tbf", "mq", "noqueue"
	};
	struct fixture *x = *state;
	struct nt_top_nic *eth0;

	nt_top_frame_fill(&x->f, &x->prev, &x->cur);
	assert_int_equal(x->f.sort, NT_SORT_DROPS);
	assert_cpu_order(&x->f, 1, 0);
	assert_nic_order(&x->f, "eth0", "lo", "eth1");
	assert_qdisc_order(&x->f, by_drops);

	nt_top_frame_sort(&x->f, NT_SORT_TRAFFIC);
	assert_int_equal(x->f.sort, NT_SORT_TRAFFIC);
	assert_cpu_order(&x->f, 0, 1);
	assert_nic_order(&x->f, "lo", "eth0", "eth1");
	assert_qdisc_order(&x->f, by_traffic);

	nt_top_frame_sort(&x->f, NT_SORT_NAME);
	assert_cpu_order(&x->f, 0, 1);
	assert_nic_order(&x->f, "eth0", "eth1", "lo");
	assert_qdisc_order(&x->f, by_name);

	/* the queues move with their NIC and stay in queue order */
	eth0 = &x->f.nics[0];
	assert_int_equal(eth0->n_queues, 2);
	assert_int_equal(eth0->queues[0].irq, 38);
	assert_int_equal(eth0->queues[1].irq, 39);

	/* a fill keeps the sort asked for */
	nt_top_frame_fill(&x->f, &x->prev, &x->cur);
	assert_nic_order(&x->f, "eth0", "eth1", "lo");

	/* rows keep their places between fills, and move when rates do */
	nt_top_frame_sort(&x->f, NT_SORT_DROPS);
	x->cur.ifaces[1].stats.rx_dropped += 1000;
	nt_top_frame_fill(&x->f, &x->prev, &x->cur);
	assert_nic_order(&x->f, "eth1", "eth0", "lo");
	assert_rate(x->f.nics[0].drops, 1000);
	assert_int_equal(x->f.nics[0].n_queues, 1);
	assert_rate(x->f.nics[1].drops, 4);
	assert_int_equal(x->f.nics[1].queues[1].irq, 39);
	x->cur.ifaces[1].stats.rx_dropped -= 1000;
	nt_top_frame_fill(&x->f, &x->prev, &x->cur);
	assert_nic_order(&x->f, "eth0", "lo", "eth1");
	assert_rate(x->f.nics[2].drops, 0);
	assert_rate(x->f.nics[1].rx_pps, 5000);

	assert_string_equal(nt_top_sort_name(NT_SORT_DROPS), "drops");
	assert_string_equal(nt_top_sort_name(NT_SORT_TRAFFIC), "traffic");
	assert_string_equal(nt_top_sort_name(NT_SORT_NAME), "name");
}

/* Printers --------------------------------------------------------------- */

static void set_worst(struct nt_top_frame *f)
{
	f->hdr.worst_severity = NT_SEV_WARNING;
	snprintf(f->hdr.worst_id, sizeof(f->hdr.worst_id),
		 "softnet.backlog_drops");
	snprintf(f->hdr.worst_subject, sizeof(f->hdr.worst_subject), "cpu1");
	snprintf(f->hdr.worst_summary, sizeof(f->hdr.worst_summary),
		 "cpu1 dropped 5 \"packets\"/s");
}

static char *print_text(const struct nt_top_frame *f,
			const struct nt_top_show *show)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	nt_top_print_text(out, f, show);
	assert_int_equal(fclose(out), 0);
	return text;
}

/* The line of @text that starts with @prefix, or NULL. */
static const char *line_of(const char *text, const char *prefix,
			   char *buf, size_t size)
{
	for (const char *p = text; p && *p; p = strchr(p, '\n') + 1) {
		size_t n = strcspn(p, "\n");

		if (!strncmp(p, prefix, strlen(prefix))) {
			snprintf(buf, size, "%.*s", (int)n, p);
			return buf;
		}
		if (!p[n])
			break;
	}
	return NULL;
}

static bool ends_with_mark(const char *line)
{
	size_t n = strlen(line);

	return n >= 2 && !strcmp(line + n - 2, " <");
}

static void assert_lines_fit(const char *text)
{
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");

		assert_in_range(n, 0, 120);
		p += n + (p[n] != '\0');
	}
}

static void test_text(void **state)
{
	struct fixture *x = *state;
	struct nt_top_show show;
	char line[256];
	char *text;

	nt_top_show_default(&show);
	nt_top_frame_fill(&x->f, &x->prev, &x->cur);
	set_worst(&x->f);
	text = print_text(&x->f, &show);
	assert_non_null(line_of(text, "nettune top", line, sizeof(line)));
	assert_string_equal(line,
		"nettune top - host\"one kernel 6.1.0-test up 3d 4:05, "
		"interval 1.00 s, rx 2.0k pps tx 1.0k pps, drops 39/s");
	assert_non_null(line_of(text, "worst:", line, sizeof(line)));
	assert_string_equal(line, "worst: warning softnet.backlog_drops cpu1 "
			    "- cpu1 dropped 5 \"packets\"/s");
	assert_non_null(strstr(text, "\nCPU (1): 2\n"));
	assert_non_null(strstr(text, "\nNIC (2): 3\n"));
	assert_non_null(strstr(text, "\nqdisc (3): 4\n"));
	assert_non_null(strstr(text, "\nSockets (4): per second\n"));
	assert_non_null(line_of(text, "  CPU NODE", line, sizeof(line)));
	assert_non_null(line_of(text, "IFACE", line, sizeof(line)));
	assert_non_null(line_of(text, "DEV", line, sizeof(line)));

	/* the dropping rows, and only they, end in " <" */
	assert_non_null(line_of(text, "    1    0", line, sizeof(line)));
	assert_true(ends_with_mark(line));
	assert_non_null(line_of(text, "    0    0", line, sizeof(line)));
	assert_false(ends_with_mark(line));
	assert_string_equal(line,
		"    0    0      100       10      1.0k        0        0"
		"        3      350");
	assert_non_null(line_of(text, "eth0 ", line, sizeof(line)));
	assert_true(ends_with_mark(line));
	assert_non_null(strstr(line, " 256/4096 "));
	assert_non_null(line_of(text, "eth1 ", line, sizeof(line)));
	assert_false(ends_with_mark(line));
	assert_non_null(line_of(text, "eth0            tbf", line,
				sizeof(line)));
	assert_true(ends_with_mark(line));
	assert_non_null(line_of(text, "lo ", line, sizeof(line)));
	assert_false(ends_with_mark(line));
	/* sockets: 2 overflows/s, 3 drops/s */
	assert_non_null(line_of(text, "            2           3", line,
				sizeof(line)));
	assert_true(ends_with_mark(line));
	assert_non_null(line_of(text, "  0.0.0.0:8080", line, sizeof(line)));
	/* queues only when expanded */
	assert_null(line_of(text, "  QUEUE", line, sizeof(line)));
	assert_lines_fit(text);
	assert_int_equal(text[strlen(text) - 2], '\n');	/* blank line */
	free(text);
}

static void test_text_expand_hide(void **state)
{
	struct fixture *x = *state;
	struct nt_top_show show;
	char line[256];
	char *text;

	nt_top_show_default(&show);
	show.expand = true;
	show.hide_idle = true;
	show.pane[NT_PANE_SOCK] = false;
	nt_top_frame_fill(&x->f, &x->prev, &x->cur);
	text = print_text(&x->f, &show);
	assert_non_null(strstr(text, "\nNIC (2): 3 (1 idle hidden)\n"));
	assert_non_null(strstr(text, "\nqdisc (3): 4 (3 idle hidden)\n"));
	assert_null(line_of(text, "eth1", line, sizeof(line)));
	assert_null(line_of(text, "lo              noqueue", line,
			    sizeof(line)));
	assert_null(strstr(text, "sockets"));
	assert_non_null(line_of(text, "  QUEUE", line, sizeof(line)));
	assert_non_null(line_of(text, "  0     rxtx   38", line,
				sizeof(line)));
	assert_true(ends_with_mark(line));
	assert_non_null(strstr(line, " 300 "));
	assert_non_null(line_of(text, "  1     rxtx   39", line,
				sizeof(line)));
	assert_false(ends_with_mark(line));
	assert_non_null(strstr(line, "1.5k"));
	assert_lines_fit(text);
	free(text);
}

static char *print_json(const struct nt_top_frame *f,
			const struct nt_top_show *show)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	nt_top_print_json(out, f, show);
	assert_int_equal(fclose(out), 0);
	return text;
}

static struct json_object *member(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no member %s", key);
	return v;
}

static struct json_object *json_nic(struct json_object *top,
				    const char *name)
{
	struct json_object *nics = member(top, "nics");

	for (size_t i = 0; i < json_object_array_length(nics); i++) {
		struct json_object *n = json_object_array_get_idx(nics, i);

		if (!strcmp(json_object_get_string(member(n, "name")), name))
			return n;
	}
	return NULL;
}

static struct json_object *parse_line(const char *text)
{
	enum json_tokener_error jerr;
	struct json_object *o;

	/* one line: the only newline is the last character */
	assert_ptr_equal(strchr(text, '\n'), text + strlen(text) - 1);
	o = json_tokener_parse_verbose(text, &jerr);
	if (!o)
		fail_msg("invalid JSON (%s): %s",
			 json_tokener_error_desc(jerr), text);
	return o;
}

static void test_json(void **state)
{
	struct fixture *x = *state;
	struct json_object *o, *v, *q;
	struct nt_top_show show;
	char *text;

	nt_top_show_default(&show);
	nt_top_frame_fill(&x->f, &x->prev, &x->cur);
	set_worst(&x->f);
	text = print_json(&x->f, &show);
	o = parse_line(text);
	assert_string_equal(json_object_get_string(member(o, "host")),
			    "host\"one");
	assert_float_equal(json_object_get_double(member(o, "time")),
			   1700000001.25, 1e-6);
	assert_int_equal(json_object_get_int(member(o, "uptime")),
			 (3 * 24 + 4) * 3600 + 5 * 60 + 1);
	assert_string_equal(json_object_get_string(member(o, "sort")),
			    "drops");
	v = member(o, "totals");
	assert_int_equal(json_object_get_int(member(v, "drops")), 39);
	assert_int_equal(json_object_get_int(member(v, "rx_pps")), 2000);
	v = member(o, "worst");
	assert_string_equal(json_object_get_string(member(v, "severity")),
			    "warning");
	assert_string_equal(json_object_get_string(member(v, "summary")),
			    "cpu1 dropped 5 \"packets\"/s");
	v = json_object_array_get_idx(member(o, "cpus"), 0);
	assert_int_equal(json_object_get_int(member(v, "cpu")), 1);
	assert_int_equal(json_object_get_int(member(v, "dropped")), 5);
	assert_int_equal(json_object_get_int(member(v, "nic_irqs")), 70);

	v = json_nic(o, "eth0");
	assert_non_null(v);
	assert_int_equal(json_object_get_int(member(v, "driver_drops")), 7);
	assert_int_equal(json_object_get_int(member(v, "ring_rx_max")), 4096);
	q = json_object_array_get_idx(member(v, "queues"), 1);
	assert_int_equal(json_object_get_int(member(q, "irq")), 39);
	assert_string_equal(json_object_get_string(member(q, "cpus")), "1");
	assert_int_equal(json_object_get_int(member(q, "rx_pps")), 1500);
	assert_null(member(q, "drops"));
	v = json_nic(o, "eth1");
	assert_non_null(v);
	/* the quote and tab escaped, the stray byte replaced */
	assert_string_equal(json_object_get_string(member(v, "driver")),
			    "d\"r\t\xef\xbf\xbd");
	assert_null(member(v, "ring_rx"));
	assert_null(member(v, "driver_drops"));

	v = json_object_array_get_idx(member(o, "qdiscs"), 0);
	assert_string_equal(json_object_get_string(member(v, "handle")),
			    "8001:");
	assert_int_equal(json_object_get_int(member(v, "drops")), 20);
	v = member(o, "sockets");
	assert_null(member(v, "rcv_pruned"));
	assert_int_equal(json_object_get_int(member(v, "udp_rcvbuf_errors")),
			 5);
	q = json_object_array_get_idx(member(v, "listeners"), 1);
	assert_string_equal(json_object_get_string(member(q, "family")),
			    "inet6");
	assert_int_equal(json_object_get_int(member(q, "port")), 443);
	json_object_put(o);
	free(text);

	/* idle rows left out, no worst finding */
	show.hide_idle = true;
	x->f.hdr.worst_severity = NT_SEV_OK;
	x->f.hdr.worst_id[0] = '\0';
	text = print_json(&x->f, &show);
	o = parse_line(text);
	assert_null(json_nic(o, "eth1"));
	assert_non_null(json_nic(o, "eth0"));
	assert_null(member(o, "worst"));
	assert_int_equal(json_object_array_length(member(o, "qdiscs")), 1);
	json_object_put(o);
	free(text);
}

/* After init, a tick (fill, sort, print) allocates nothing. */
static void test_no_allocation(void **state)
{
	static char buf[OUT_SIZE];
	void *volatile probe;
	struct fixture *x = *state;
	struct nt_top_show show;
	size_t n;
	FILE *out = fmemopen(buf, sizeof(buf), "w");

	assert_non_null(out);
	nt_top_show_default(&show);
	show.expand = true;
	/* the stream allocates its buffer on the first write */
	fputs("warm up\n", out);
	fflush(out);
	rewind(out);

	/* the counter counts (volatile: the compiler may drop a pair) */
	count_start();
	probe = malloc(16);
	free(probe);
	assert_int_equal(count_stop(), 1);

	count_start();
	for (int i = 0; i < 3; i++) {
		nt_top_frame_fill(&x->f, &x->prev, &x->cur);
		nt_top_frame_sort(&x->f, NT_SORT_NAME);
		nt_top_frame_sort(&x->f, NT_SORT_TRAFFIC);
		nt_top_print_text(out, &x->f, &show);
		nt_top_print_json(out, &x->f, &show);
		fflush(out);
		rewind(out);
	}
	n = count_stop();
	fclose(out);
	if (getenv("NT_SHOW_FRAME"))
		fputs(buf, stderr);
	assert_int_equal(n, 0);
	assert_non_null(strstr(buf, "nettune top - "));
}

/* Driver counter names --------------------------------------------------- */

struct name_case {
	const char *name;
	const char *dir;
	int queue;
	enum nt_drvstat_kind kind;
};

static bool same_family(const char *a, const char *b)
{
	struct nt_drvstat_id x, y;

	nt_drvstat_parse(a, &x);
	nt_drvstat_parse(b, &y);
	return x.family == y.family;
}

static void test_drvstat_names(void **state)
{
	static const struct name_case cases[] = {
		{ "rx_queue_3_drops", "rx", 3, NT_DRVSTAT_DROP },
		{ "rx_queue_1_packets", "rx", 1, NT_DRVSTAT_PACKETS },
		{ "tx_queue_0_packets", "tx", 0, NT_DRVSTAT_PACKETS },
		{ "rx3_packets", "rx", 3, NT_DRVSTAT_PACKETS },
		{ "rx-2.packets", "rx", 2, NT_DRVSTAT_PACKETS },
		{ "rx3_lro_packets", "rx", 3, NT_DRVSTAT_OTHER },
		{ "tx_queue_0_drops", "tx", 0, NT_DRVSTAT_DROP },
		{ "queue_0_rx_drops", "rx", 0, NT_DRVSTAT_DROP },
		{ "queue_2_tx_cnt", "tx", 2, NT_DRVSTAT_PACKETS },
		{ "queue_1_rx_page_alloc_fail", "rx", 1, NT_DRVSTAT_RING },
		{ "[3]: rx_discards", "rx", 3, NT_DRVSTAT_DROP },
		{ "[3]: rx_ucast_packets", "rx", 3, NT_DRVSTAT_PACKETS },
		{ "pkts rx OOB#2", "rx", 2, NT_DRVSTAT_RING },
		{ "ucast pkts rx#1", "rx", 1, NT_DRVSTAT_PACKETS },
		{ "drv dropped tx total#0", "tx", 0, NT_DRVSTAT_DROP },
		{ "rx_queue_0_xdp_drops", "rx", 0, NT_DRVSTAT_XDP },
		{ "rx_no_buffer_count", "rx", -1, NT_DRVSTAT_RING },
		{ "rx_out_of_buffer", "rx", -1, NT_DRVSTAT_RING },
		{ "tx_fifo_errors", "tx", -1, NT_DRVSTAT_DROP },
		{ "rx_packets", "rx", -1, NT_DRVSTAT_PACKETS },
		{ "rx_bytes", "rx", -1, NT_DRVSTAT_OTHER },
		{ "prx_packets", "", -1, NT_DRVSTAT_OTHER },
		{ "tx_queue_dropped", "tx", -1, NT_DRVSTAT_DROP },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nt_drvstat_id id;

		nt_drvstat_parse(cases[i].name, &id);
		if (strcmp(id.dir, cases[i].dir) ||
		    id.queue != cases[i].queue || id.kind != cases[i].kind)
			fail_msg("%s: dir \"%s\" queue %d kind %d, want "
				 "\"%s\" %d %d", cases[i].name, id.dir,
				 id.queue, id.kind, cases[i].dir,
				 cases[i].queue, cases[i].kind);
	}
	assert_true(same_family("rx0_drops", "rx_drops"));
	assert_true(same_family("rx_queue_3_drops", "rx_drops"));
	assert_true(same_family("tx0_dropped", "tx_queue_dropped"));
	assert_true(same_family("[2]: rx_discards", "rx_discards"));
	assert_false(same_family("rx0_drops", "tx_drops"));
	assert_false(same_family("rx0_drops", "rx_xdp_drops"));
	assert_true(nt_drvstat_link_copy("rx_missed_errors"));
	assert_false(nt_drvstat_link_copy("rx_queue_0_drops"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_shape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpu_rates, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_nic_rates, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_queues, setup, teardown),
		cmocka_unit_test_setup_teardown(test_qdisc_rates, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sockets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_prev, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backwards, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_channel_change, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sort, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_expand_hide, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_allocation, setup,
						teardown),
		cmocka_unit_test(test_drvstat_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
