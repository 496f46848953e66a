// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nt_audit_run() in steady state allocates nothing: `nettune top` audits
 * every tick, and a second run on the same findings (after
 * nt_findings_reset(), or straight after the first) must find everything
 * in the buffers the first run sized.
 *
 * Allocations are counted for real, for every caller in the process:
 *   - in a plain build, this executable defines malloc(), calloc(),
 *     realloc(), free() and the aligned allocators, forwarding to glibc's
 *     __libc_*() functions; ELF interposition sends every call, from the
 *     library and from libc itself (strdup(), qsort()), through them;
 *   - under AddressSanitizer, whose runtime owns malloc() and would clash
 *     with such definitions, through the sanitizer's own allocation hooks
 *     (__sanitizer_install_malloc_and_free_hooks()), which it calls for
 *     every allocation and free it serves.
 * Each test also proves the counter counts: a first run must be seen
 * allocating.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "audit/audit.h"
#include "sample/rate.h"
#include "testlib.h"

#if defined(__SANITIZE_ADDRESS__)
#define NT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NT_ASAN 1
#endif
#endif

#define SEC		1000000000LL
#define TC_ROOT		0xffffffffu

/* Counting allocations --------------------------------------------------- */

static volatile bool counting;
static volatile size_t n_allocs, n_frees;

#ifdef NT_ASAN
/*
 * From the sanitizers' <sanitizer/allocator_interface.h>, which GCC does
 * not install: the hooks run on every allocation and free the runtime
 * serves, at most 5 pairs of them.  Return: non-zero when installed.
 */
int __sanitizer_install_malloc_and_free_hooks(
	void (*malloc_hook)(const volatile void *p, size_t size),
	void (*free_hook)(const volatile void *p));

static void on_malloc(const volatile void *p, size_t size)
{
	(void)p;
	(void)size;
	if (counting)
		n_allocs++;
}

static void on_free(const volatile void *p)
{
	if (counting && p)
		n_frees++;
}

static void count_start(void)
{
	static bool hooked;

	if (!hooked)
		assert_int_not_equal(
			__sanitizer_install_malloc_and_free_hooks(on_malloc,
								  on_free),
			0);
	hooked = true;
	n_allocs = n_frees = 0;
	counting = true;
}
#else
void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);
void *__libc_memalign(size_t align, size_t size);
void __libc_free(void *p);

static void *counted(void *p)
{
	if (counting)
		n_allocs++;
	return p;
}

void *malloc(size_t size)
{
	return counted(__libc_malloc(size));
}

void *calloc(size_t n, size_t size)
{
	return counted(__libc_calloc(n, size));
}

void *realloc(void *p, size_t size)
{
	return counted(__libc_realloc(p, size));
}

void *memalign(size_t align, size_t size)
{
	return counted(__libc_memalign(align, size));
}

void *aligned_alloc(size_t align, size_t size)
{
	return counted(__libc_memalign(align, size));
}

int posix_memalign(void **out, size_t align, size_t size)
{
	void *p = counted(__libc_memalign(align, size));

	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

void free(void *p)
{
	if (counting && p)
		n_frees++;
	__libc_free(p);
}

static void count_start(void)
{
	n_allocs = n_frees = 0;
	counting = true;
}
#endif

static void count_stop(void)
{
	counting = false;
}

/* Building hosts --------------------------------------------------------- */

struct looks {
	struct nt_host prev, cur;
};

static void set_sysctl(struct nt_host *h, const char *name, const char *value)
{
	h->sysctls = xrealloc(h->sysctls, h->n_sysctls + 1,
			      sizeof(*h->sysctls));
	h->sysctls[h->n_sysctls].name = xstrdup(name);
	h->sysctls[h->n_sysctls].value = xstrdup(value);
	h->n_sysctls++;
}

static struct nt_iface *add_iface(struct nt_host *h, const char *name)
{
	struct nt_iface *ifc;

	h->ifaces = xrealloc(h->ifaces, h->n_ifaces + 1, sizeof(*h->ifaces));
	ifc = &h->ifaces[h->n_ifaces++];
	memset(ifc, 0, sizeof(*ifc));
	snprintf(ifc->name, sizeof(ifc->name), "%s", name);
	ifc->ifindex = (int)h->n_ifaces + 1;
	ifc->numa_node = 1;
	ifc->speed = -1;
	ifc->txqlen = 1000;
	ifc->mtu = 1500;
	snprintf(ifc->operstate, sizeof(ifc->operstate), "up");
	ifc->link_stats_state = NT_STATE_OK;
	ifc->qdiscs_state = NT_STATE_OK;
	return ifc;
}

static void set_rxq(struct nt_iface *ifc, size_t n)
{
	ifc->rxq = xcalloc(n, sizeof(*ifc->rxq));
	ifc->n_rxq = n;
	for (size_t i = 0; i < n; i++) {
		ifc->rxq[i].index = i;
		ifc->rxq[i].rps_state = NT_STATE_OK;
	}
}

/* Interrupt rows for the IRQs of @ifc, @per_irq each on CPU 0. */
static void add_irq_rows(struct nt_host *h, const struct nt_iface *ifc,
			 uint64_t per_irq)
{
	struct nt_interrupts *t = &h->interrupts;

	for (size_t i = 0; i < ifc->n_irqs; i++) {
		struct nt_interrupt *row;

		t->v = xrealloc(t->v, t->n + 1, sizeof(*t->v));
		row = &t->v[t->n++];
		memset(row, 0, sizeof(*row));
		snprintf(row->id, sizeof(row->id), "%u", ifc->irqs[i].irq);
		row->irq = ifc->irqs[i].irq;
		row->counts = xcalloc(t->ncpus, sizeof(*row->counts));
		row->counts[0] = per_irq;
		row->chip = xstrdup("PCI-MSIX");
		row->name = xstrdup(ifc->irqs[i].name);
	}
}

/*
 * 8 CPUs on two nodes; at @t (0 or 1 s) the counters of a host that
 * drops everywhere at t = 1: CPU 2's backlog, eth0's ring, driver and
 * qdisc, all NET_RX work and every queue IRQ of eth0 on CPU 0, eth1 a
 * single-queue NIC without RPS, listen overflows, UDP buffer errors.
 */
static void build(struct nt_host *h, int t)
{
	struct nt_iface *ifc;

	memset(h, 0, sizeof(*h));
	h->mono_ns = t * SEC;
	h->irqbalance = 0;
	h->sources = NT_SRC_PROCFS | NT_SRC_SYSFS | NT_SRC_NETLINK |
		     NT_SRC_DRVSTATS;
	h->n_cpus = 8;
	h->cpus = xcalloc(8, sizeof(*h->cpus));
	h->n_softnet = 8;
	h->softnet = xcalloc(8, sizeof(*h->softnet));
	h->softirqs.ncpus = h->interrupts.ncpus = 8;
	h->softirqs.cpu_ids = xcalloc(8, sizeof(uint32_t));
	h->interrupts.cpu_ids = xcalloc(8, sizeof(uint32_t));
	h->softirqs.n = 1;
	h->softirqs.v = xcalloc(1, sizeof(*h->softirqs.v));
	snprintf(h->softirqs.v[0].name, sizeof(h->softirqs.v[0].name),
		 "NET_RX");
	h->softirqs.v[0].counts = xcalloc(8, sizeof(uint64_t));
	for (uint32_t i = 0; i < 8; i++) {
		h->cpus[i] = (struct nt_cpu){ .id = i, .online = true,
					      .core_id = i, .node = i / 4 };
		h->softnet[i] = (struct nt_softnet){
			.cpu = i, .ncols = 13, .processed = 1000000 + t * i,
			.dropped = i == 2 ? 5000 * t : 0,
			.time_squeeze = 12 + 300 * t,
		};
		h->softirqs.cpu_ids[i] = h->interrupts.cpu_ids[i] = i;
		h->softirqs.v[0].counts[i] = 1000 + t * (i ? 10 : 100000);
	}
	set_sysctl(h, "net.core.netdev_max_backlog", "1000");
	set_sysctl(h, "net.core.rps_sock_flow_entries", "0");
	set_sysctl(h, "net.core.somaxconn", "128");
	set_sysctl(h, "net.core.rmem_max", "212992");
	set_sysctl(h, "net.core.rmem_default", "212992");

	ifc = add_iface(h, "eth0");
	ifc->rings = (struct nt_rings){ .state = NT_STATE_OK,
		.present = NT_RING_RX | NT_RING_RX_MAX, .rx = 256,
		.rx_max = 4096 };
	set_rxq(ifc, 4);
	for (int q = 0; q < 4; q++)
		add_irq(ifc, 41 + q, q, "rxtx", "0-7", "0");
	ifc->stats.rx_missed_errors = 700 * t;
	ifc->stats.rx_dropped = 3 + 40 * t;
	ifc->driver_stats_state = NT_STATE_OK;
	assert_int_equal(nt_counters_add(&ifc->driver_stats,
					 "rx_queue_0_drops", 50 * t), 0);
	assert_int_equal(nt_counters_add(&ifc->driver_stats,
					 "rx_queue_1_drops", 20 * t), 0);
	assert_int_equal(nt_counters_add(&ifc->driver_stats,
					 "rx_queue_1_discards", 7 * t), 0);
	assert_int_equal(nt_counters_add(&ifc->driver_stats,
					 "tx_queue_3_drops", 9 * t), 0);
	assert_int_equal(nt_counters_add(&ifc->driver_stats,
					 "rx_no_buffer_count", 30 * t), 0);
	add_qdisc(ifc, "mq", 0x10000, TC_ROOT, 0);
	add_qdisc(ifc, "fq_codel", 0x80010000, 0x10001, 90 * t);
	add_qdisc(ifc, "fq_codel", 0x80020000, 0x10002, 40 * t);
	add_irq_rows(h, ifc, 1 + 20000 * t);

	ifc = add_iface(h, "eth1");
	set_rxq(ifc, 1);
	add_irq(ifc, 60, 0, "rxtx", "0-7", "0");
	add_irq_rows(h, ifc, 1 + 9000 * t);

	assert_int_equal(nt_counters_add(&h->snmp, "TcpExtListenOverflows",
					 400 * t), 0);
	assert_int_equal(nt_counters_add(&h->snmp, "TcpExtListenDrops",
					 400 * t), 0);
	assert_int_equal(nt_counters_add(&h->snmp, "UdpRcvbufErrors",
					 300 * t), 0);
	assert_int_equal(nt_counters_add(&h->snmp, "UdpInErrors", 300 * t),
			 0);
	assert_int_equal(nt_counters_add(&h->snmp, "TcpExtTCPBacklogDrop",
					 60 * t), 0);
	assert_int_equal(nt_counters_add(&h->sockstat, "TCP.inuse", 40), 0);
}

static int setup(void **state)
{
	struct looks *l = xcalloc(1, sizeof(*l));

	build(&l->prev, 0);
	build(&l->cur, 1);
	*state = l;
	return 0;
}

static int teardown(void **state)
{
	struct looks *l = *state;

	nt_host_free(&l->prev);
	nt_host_free(&l->cur);
	free(l);
	return 0;
}

/* Helpers ---------------------------------------------------------------- */

static struct nt_audit_input input(const struct looks *l, bool with_prev)
{
	struct nt_audit_input in = { .cur = &l->cur };

	if (with_prev) {
		in.prev = &l->prev;
		in.seconds = nt_seconds_between(&l->prev, &l->cur);
	}
	return in;
}

/* How many different checks (id prefixes) gave findings. */
static size_t n_checks_found(const struct nt_findings *f)
{
	size_t n = 0;

	for (size_t c = 0; c < nt_n_checks; c++) {
		size_t len = strlen(nt_checks[c].id);

		for (size_t i = 0; i < f->n; i++) {
			if (!strncmp(f->v[i].id, nt_checks[c].id, len) &&
			    f->v[i].id[len] == '.') {
				n++;
				break;
			}
		}
	}
	return n;
}

static bool has_fix(const struct nt_findings *f, const char *knob)
{
	for (size_t i = 0; i < f->n; i++)
		for (size_t k = 0; k < f->v[i].n_fix; k++)
			if (!strcmp(f->v[i].fix[k].knob, knob))
				return true;
	return false;
}

/* A copy of the findings of @f, to compare a later run with. */
static struct nt_finding *save(const struct nt_findings *f)
{
	struct nt_finding *v = xcalloc(f->n + 1, sizeof(*v));

	memcpy(v, f->v, f->n * sizeof(*v));
	return v;
}

static void assert_same(const struct nt_findings *f,
			const struct nt_finding *v, size_t n)
{
	assert_int_equal(f->n, n);
	for (size_t i = 0; i < n; i++)
		if (memcmp(&f->v[i], &v[i], sizeof(v[i])))
			fail_msg("finding %zu differs: %s %s, was %s %s", i,
				 f->v[i].id, f->v[i].subject, v[i].id,
				 v[i].subject);
}

/* Tests ------------------------------------------------------------------ */

/* The counter is a real one: a first run is seen allocating. */
static void test_first_run_counted(void **state)
{
	struct nt_audit_input in = input(*state, true);
	struct nt_findings f = { 0 };
	size_t allocs;
	int ret;

	count_start();
	ret = nt_audit_run(&in, &f);
	count_stop();
	allocs = n_allocs;
	assert_int_equal(ret, 0);
	assert_true(allocs > 0);
	nt_findings_free(&f);
}

/* The inputs give findings of most checks, and the fixes that need masks. */
static void test_inputs_busy(void **state)
{
	struct nt_audit_input in = input(*state, true);
	struct nt_findings f = { 0 };

	assert_int_equal(nt_audit_run(&in, &f), 0);
	assert_true(f.n >= 10);
	assert_true(n_checks_found(&f) >= 6);
	need_finding(&f, "nic.driver_drops", "eth0 rx-1");
	need_finding(&f, "irq.single_cpu", "eth0");
	need_finding(&f, "irq.net_rx_one_cpu", "cpu0");
	need_finding(&f, "rps.off_single_queue", "eth1");
	need_finding(&f, "softnet.backlog_drops", "cpu2");
	assert_true(has_fix(&f, "irq.affinity"));
	assert_true(has_fix(&f, "rps.cpus"));
	nt_findings_free(&f);
}

static void second_run_allocates_nothing(struct nt_audit_input *in)
{
	struct nt_findings f = { 0 };
	struct nt_finding *first;
	size_t n, allocs, frees;
	int ret;

	assert_int_equal(nt_audit_run(in, &f), 0);
	n = f.n;
	first = save(&f);

	/* after a reset */
	nt_findings_reset(&f);
	count_start();
	ret = nt_audit_run(in, &f);
	count_stop();
	allocs = n_allocs;
	frees = n_frees;
	assert_int_equal(ret, 0);
	assert_int_equal(allocs, 0);
	assert_int_equal(frees, 0);
	assert_same(&f, first, n);

	/* straight after a run */
	count_start();
	ret = nt_audit_run(in, &f);
	count_stop();
	allocs = n_allocs;
	assert_int_equal(ret, 0);
	assert_int_equal(allocs, 0);
	assert_same(&f, first, n);

	free(first);
	nt_findings_free(&f);
}

static void test_second_run(void **state)
{
	struct nt_audit_input in = input(*state, true);

	second_run_allocates_nothing(&in);
}

/* --interval 0: no previous look. */
static void test_second_run_no_prev(void **state)
{
	struct nt_audit_input in = input(*state, false);

	second_run_allocates_nothing(&in);
}

/* A smaller input after a bigger one still fits. */
static void test_smaller_after_bigger(void **state)
{
	struct nt_audit_input busy = input(*state, true);
	struct nt_audit_input quiet = input(*state, false);
	struct nt_findings f = { 0 };
	size_t allocs;

	assert_int_equal(nt_audit_run(&busy, &f), 0);
	nt_findings_reset(&f);
	count_start();
	assert_int_equal(nt_audit_run(&quiet, &f), 0);
	count_stop();
	allocs = n_allocs;
	assert_int_equal(allocs, 0);
	assert_true(f.n > 0);
	nt_findings_free(&f);
	assert_null(f.v);
	assert_int_equal(f.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_first_run_counted, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_inputs_busy, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_second_run, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_second_run_no_prev, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_smaller_after_bigger,
						setup, teardown),
	};

	return cmocka_run_group_tests_name("audit_alloc", tests, NULL, NULL);
}
