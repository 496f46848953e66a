// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The device checks (softnet, nic, irq, rps, qdisc) on two looks at a
 * host: hosts built here, and real captures from tests/fixtures.
 */
#include <errno.h>
#include <inttypes.h>
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

#include "audit/audit.h"
#include "audit/checks.h"
#include "sample/rate.h"
#include "sys/irq.h"
#include "sys/procfs.h"
#include "testlib.h"

#define SEC		1000000000LL
#define TC_ROOT		0xffffffffu

/* Building hosts ------------------------------------------------------- */

/* @ncpus online CPUs, @per_node to a NUMA node (0: node unknown). */
static void host_init(struct nt_host *h, unsigned int ncpus,
		      unsigned int per_node, int64_t mono_ns)
{
	memset(h, 0, sizeof(*h));
	h->mono_ns = mono_ns;
	h->irqbalance = -1;
	h->cpus = calloc(ncpus, sizeof(*h->cpus));
	assert_non_null(h->cpus);
	h->n_cpus = ncpus;
	for (unsigned int i = 0; i < ncpus; i++) {
		h->cpus[i].id = i;
		h->cpus[i].online = true;
		h->cpus[i].core_id = i;
		h->cpus[i].package_id = 0;
		h->cpus[i].node = per_node ? (int)(i / per_node) : -1;
	}
}

static void set_sysctl(struct nt_host *h, const char *name, const char *value)
{
	h->sysctls = xrealloc(h->sysctls, h->n_sysctls + 1,
			      sizeof(*h->sysctls));
	h->sysctls[h->n_sysctls].name = xstrdup(name);
	h->sysctls[h->n_sysctls].value = xstrdup(value);
	h->n_sysctls++;
}

static struct nt_softnet *add_softnet(struct nt_host *h, uint32_t cpu,
				      uint64_t dropped, uint64_t squeeze)
{
	struct nt_softnet *sn;

	h->softnet = xrealloc(h->softnet, h->n_softnet + 1,
			      sizeof(*h->softnet));
	sn = &h->softnet[h->n_softnet++];
	memset(sn, 0, sizeof(*sn));
	sn->cpu = cpu;
	sn->ncols = 13;
	sn->processed = 1000000;
	sn->dropped = dropped;
	sn->time_squeeze = squeeze;
	return sn;
}

/* Softnet rows for CPUs 0..@n-1, all quiet. */
static void quiet_softnet(struct nt_host *h, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		add_softnet(h, i, 0, 0);
}

/* A physical NIC, up, link stats read; the pointer lives until the next add */
static struct nt_iface *add_iface(struct nt_host *h, const char *name)
{
	struct nt_iface *ifc;

	h->ifaces = xrealloc(h->ifaces, h->n_ifaces + 1, sizeof(*h->ifaces));
	ifc = &h->ifaces[h->n_ifaces++];
	memset(ifc, 0, sizeof(*ifc));
	snprintf(ifc->name, sizeof(ifc->name), "%s", name);
	ifc->ifindex = (int)h->n_ifaces + 1;
	ifc->numa_node = -1;
	ifc->speed = -1;
	ifc->txqlen = 1000;
	ifc->mtu = 1500;
	snprintf(ifc->operstate, sizeof(ifc->operstate), "up");
	ifc->link_stats_state = NT_STATE_OK;
	ifc->qdiscs_state = NT_STATE_OK;
	return ifc;
}

static struct nt_iface *add_virtual(struct nt_host *h, const char *name,
				    const char *kind)
{
	struct nt_iface *ifc = add_iface(h, name);

	ifc->is_virtual = true;
	snprintf(ifc->kind, sizeof(ifc->kind), "%s", kind);
	return ifc;
}

static void set_rxq(struct nt_iface *ifc, size_t n, const char *rps_list)
{
	ifc->rxq = calloc(n, sizeof(*ifc->rxq));
	assert_non_null(ifc->rxq);
	ifc->n_rxq = n;
	for (size_t i = 0; i < n; i++) {
		ifc->rxq[i].index = i;
		ifc->rxq[i].rps_state = NT_STATE_OK;
		assert_int_equal(nt_cpumask_parse_list(&ifc->rxq[i].rps_cpus,
						       rps_list), 0);
	}
}

static void set_rings(struct nt_iface *ifc, uint32_t rx, uint32_t rx_max)
{
	ifc->rings.state = NT_STATE_OK;
	ifc->rings.present = NT_RING_RX | NT_RING_RX_MAX;
	ifc->rings.rx = rx;
	ifc->rings.rx_max = rx_max;
}

static void set_combined(struct nt_iface *ifc, uint32_t cur, uint32_t max)
{
	ifc->channels.state = NT_STATE_OK;
	ifc->channels.present = NT_CHAN_COMBINED | NT_CHAN_COMBINED_MAX;
	ifc->channels.combined = cur;
	ifc->channels.combined_max = max;
}

static void add_drv(struct nt_iface *ifc, const char *name, int64_t value)
{
	ifc->driver_stats_state = NT_STATE_OK;
	assert_int_equal(nt_counters_add(&ifc->driver_stats, name, value), 0);
}

/* A /proc/softirqs with one row, NET_RX, for CPUs @ids[0..n). */
static void set_net_rx(struct nt_host *h, const uint32_t *ids,
		       const uint64_t *counts, uint32_t n)
{
	struct nt_softirqs *t = &h->softirqs;

	nt_softirqs_free(t);
	t->ncpus = n;
	t->cpu_ids = calloc(n, sizeof(*t->cpu_ids));
	t->v = calloc(1, sizeof(*t->v));
	assert_non_null(t->cpu_ids);
	assert_non_null(t->v);
	t->n = 1;
	snprintf(t->v[0].name, sizeof(t->v[0].name), "NET_RX");
	t->v[0].counts = calloc(n, sizeof(uint64_t));
	assert_non_null(t->v[0].counts);
	memcpy(t->cpu_ids, ids, n * sizeof(*ids));
	memcpy(t->v[0].counts, counts, n * sizeof(*counts));
}

/* NET_RX on CPUs 0..n-1 in column order. */
static void set_net_rx_seq(struct nt_host *h, const uint64_t *counts,
			   uint32_t n)
{
	uint32_t ids[64];

	for (uint32_t i = 0; i < n; i++)
		ids[i] = i;
	set_net_rx(h, ids, counts, n);
}

/* Running checks ------------------------------------------------------- */

static void run(nt_check_fn fn, const struct nt_host *prev,
		const struct nt_host *cur, struct nt_findings *out)
{
	struct nt_audit_input in = {
		.prev = prev,
		.cur = cur,
		.seconds = nt_seconds_between(prev, cur),
	};

	memset(out, 0, sizeof(*out));
	assert_int_equal(fn(&in, out), 0);
}

static void assert_has(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("\"%s\" lacks \"%s\"", text, part);
}

/* Every finding of @f names what it judged and explains it. */
static void assert_well_formed(const struct nt_findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		assert_true(f->v[i].severity > NT_SEV_OK);
		assert_true(f->v[i].id[0]);
		assert_true(f->v[i].subject[0]);
		assert_true(strlen(f->v[i].summary) > 20);
		assert_true(f->v[i].n_evidence > 0);
	}
}

/* Fixtures ------------------------------------------------------------- */

static void load_softnet(struct nt_host *h, const char *rel)
{
	char *text = fixture_text(rel);
	struct nt_err err = { 0 };

	if (nt_procfs_parse_softnet(text, &h->softnet, &h->n_softnet, &err))
		fail_msg("%s: %s", rel, err.msg);
	free(text);
}

static void load_softirqs(struct nt_host *h, const char *rel)
{
	char *text = fixture_text(rel);
	struct nt_err err = { 0 };

	if (nt_procfs_parse_softirqs(text, &h->softirqs, &err))
		fail_msg("%s: %s", rel, err.msg);
	free(text);
}

/* CPUs and NUMA nodes from `lscpu -p` output (CPU,Core,Socket,Node,...). */
static void load_lscpu(struct nt_host *h, const char *rel)
{
	char *text = fixture_text(rel), *line, *save;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned int cpu;
		int core, socket, node;
		struct nt_cpu *c;

		if (line[0] == '#' ||
		    sscanf(line, "%u,%d,%d,%d", &cpu, &core, &socket,
			   &node) != 4)
			continue;
		h->cpus = xrealloc(h->cpus, h->n_cpus + 1, sizeof(*h->cpus));
		c = &h->cpus[h->n_cpus++];
		memset(c, 0, sizeof(*c));
		c->id = cpu;
		c->online = true;
		c->core_id = core;
		c->package_id = socket;
		c->node = node;
	}
	free(text);
}

/*
 * The IRQs of @ifc from the host's /proc/interrupts.  A capture has no
 * /proc/irq, so each IRQ's effective affinity is the CPU that counted
 * most of its interrupts: where it has been running.
 */
static void match_irqs(struct nt_host *h, struct nt_iface *ifc)
{
	const struct nt_interrupts *t = &h->interrupts;
	const struct nt_irq_port port = {
		.ifname = ifc->name, .bus_info = ifc->bus_info,
	};

	assert_int_equal(nt_irq_match_iface(t, &port, &ifc->irqs,
					    &ifc->n_irqs), 0);
	for (size_t i = 0; i < ifc->n_irqs; i++) {
		const struct nt_interrupt *row = NULL;
		uint32_t best = 0;

		for (size_t r = 0; r < t->n; r++)
			if (t->v[r].irq == (int)ifc->irqs[i].irq)
				row = &t->v[r];
		assert_non_null(row);
		for (uint32_t c = 1; c < t->ncpus; c++)
			if (row->counts[c] > row->counts[best])
				best = c;
		struct nt_cpumask *m = &ifc->irqs[i].effective_affinity;

		assert_int_equal(nt_cpumask_set(m, t->cpu_ids[best]), 0);
	}
}

/* softnet -------------------------------------------------------------- */

static void test_softnet_quiet(void **state)
{
	struct nt_host a, b;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&a, 4, 0, 0);
	host_init(&b, 4, 0, SEC);
	quiet_softnet(&a, 4);
	quiet_softnet(&b, 4);
	set_sysctl(&b, "net.core.netdev_max_backlog", "1000");
	run(nt_check_softnet, &a, &b, &f);
	assert_int_equal(f.n, 0);
	nt_findings_free(&f);
	run(nt_check_softnet, NULL, &b, &f);
	assert_int_equal(f.n, 0);
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

static void test_softnet_backlog_rising(void **state)
{
	const struct nt_finding *fd;
	struct nt_host a, b;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&a, 2, 0, 0);
	host_init(&b, 2, 0, 2 * SEC);
	add_softnet(&a, 0, 0, 0);
	add_softnet(&a, 1, 1000, 0);
	add_softnet(&b, 0, 0, 0);
	add_softnet(&b, 1, 1840, 0);
	set_sysctl(&b, "net.core.netdev_max_backlog", "1000");
	run(nt_check_softnet, &a, &b, &f);
	assert_int_equal(f.n, 1);
	assert_well_formed(&f);
	fd = need_finding(&f, "softnet.backlog_drops", "cpu1");
	assert_int_equal(fd->severity, NT_SEV_WARNING);
	assert_has(fd->summary, "CPU 1 dropped 420 packets/s");
	assert_has(fd->summary, "net.core.netdev_max_backlog = 1000");
	assert_true(evidence(fd, "dropped_per_s") == 420);
	assert_true(evidence(fd, "dropped_total") == 1840);
	assert_true(evidence(fd, "netdev_max_backlog") == 1000);
	assert_fix(fd, "sysctl", "net.core.netdev_max_backlog", "1000",
		   "2000");
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

static void test_softnet_backlog_critical(void **state)
{
	const struct nt_finding *fd;
	struct nt_host a, b;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&a, 1, 0, 0);
	host_init(&b, 1, 0, SEC);
	add_softnet(&a, 0, 10, 0);
	add_softnet(&b, 0, 5010, 0);
	set_sysctl(&b, "net.core.netdev_max_backlog", "4096");
	run(nt_check_softnet, &a, &b, &f);
	fd = need_finding(&f, "softnet.backlog_drops", "cpu0");
	assert_int_equal(fd->severity, NT_SEV_CRITICAL);
	assert_fix(fd, "sysctl", "net.core.netdev_max_backlog", "4096",
		   "8192");
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

/* A host up for a year has old drops: without a rise they are info. */
static void test_softnet_totals_only(void **state)
{
	const struct nt_finding *fd;
	struct nt_host a, b;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&a, 2, 0, 0);
	host_init(&b, 2, 0, SEC);
	add_softnet(&a, 0, 123456, 789);
	add_softnet(&a, 1, 0, 0);
	add_softnet(&b, 0, 123456, 789);
	add_softnet(&b, 1, 0, 0);
	run(nt_check_softnet, NULL, &b, &f);
	assert_int_equal(nt_audit_worst(&f), NT_SEV_INFO);
	fd = need_finding(&f, "softnet.backlog_drops", "cpu0");
	assert_has(fd->summary, "123456 packets since boot");
	assert_false(has_evidence(fd, "dropped_per_s"));
	nt_findings_free(&f);
	run(nt_check_softnet, &a, &b, &f);
	assert_int_equal(nt_audit_worst(&f), NT_SEV_INFO);
	assert_has(need_finding(&f, "softnet.backlog_drops", "cpu0")->summary,
		   "none in the last 1.0 s");
	assert_true(evidence(need_finding(&f, "softnet.backlog_drops", "cpu0"),
			     "dropped_per_s") == 0);
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

/* softnet_stat counters are 32 bits: a wrap is no rate and no finding. */
static void test_softnet_backwards(void **state)
{
	struct nt_host a, b;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&a, 1, 0, 0);
	host_init(&b, 1, 0, SEC);
	add_softnet(&a, 0, 0xfffffff0u, 500);
	add_softnet(&b, 0, 0x10, 100);
	run(nt_check_softnet, &a, &b, &f);
	assert_int_equal(f.n, 0);
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

/*
 * Inside a namespace the global sysctl is absent: the fix still comes,
 * current unknown.  At the cap no higher target is suggested.
 */
static void test_softnet_backlog_target_limits(void **state)
{
	const struct nt_finding *fd;
	struct nt_host a, b;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&a, 1, 0, 0);
	host_init(&b, 1, 0, SEC);
	add_softnet(&a, 0, 0, 0);
	add_softnet(&b, 0, 50, 0);
	run(nt_check_softnet, &a, &b, &f);
	fd = need_finding(&f, "softnet.backlog_drops", "cpu0");
	assert_has(fd->summary, "(net.core.netdev_max_backlog)");
	assert_fix(fd, "sysctl", "net.core.netdev_max_backlog", "", "2000");
	nt_findings_free(&f);

	/* a tiny backlog (as in a drop experiment) goes to the minimum */
	set_sysctl(&b, "net.core.netdev_max_backlog", "300");
	run(nt_check_softnet, &a, &b, &f);
	assert_fix(need_finding(&f, "softnet.backlog_drops", "cpu0"), "sysctl",
		   "net.core.netdev_max_backlog", "300", "2000");
	nt_findings_free(&f);

	free(b.sysctls[0].value);
	b.sysctls[0].value = xstrdup("65536");
	run(nt_check_softnet, &a, &b, &f);
	fd = need_finding(&f, "softnet.backlog_drops", "cpu0");
	assert_int_equal(fd->severity, NT_SEV_WARNING);
	assert_null(fix_of(fd, "sysctl", "net.core.netdev_max_backlog"));
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

/*
 * All drops on the CPU taking a single-queue NIC's interrupt, no RPS
 * anywhere: RPS to the NIC's other local CPUs, never to a veth.
 */
static void test_softnet_backlog_suggests_rps(void **state)
{
	const struct nt_finding *fd;
	struct nt_host a, b;
	struct nt_iface *ifc;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&a, 8, 4, 0);
	host_init(&b, 8, 4, SEC);
	quiet_softnet(&a, 8);
	quiet_softnet(&b, 8);
	b.softnet[4].dropped = 3000;
	set_sysctl(&b, "net.core.netdev_max_backlog", "1000");
	ifc = add_iface(&b, "eth0");
	ifc->numa_node = 1;
	set_rxq(ifc, 1, "");
	add_irq(ifc, 30, 0, "rxtx", "0-63", "4");
	ifc = add_virtual(&b, "veth0", "veth");
	set_rxq(ifc, 1, "");
	run(nt_check_softnet, &a, &b, &f);
	fd = need_finding(&f, "softnet.backlog_drops", "cpu4");
	assert_int_equal(fd->severity, NT_SEV_CRITICAL);
	assert_true(evidence(fd, "share_of_drops_pct") == 100);
	assert_fix(fd, "rps.cpus", "eth0 rx-0", "", "5-7");
	assert_null(fix_of(fd, "rps.cpus", "veth0 rx-0"));
	nt_findings_free(&f);

	/* drops spread evenly over the CPUs: RPS would not help */
	for (size_t i = 0; i < 8; i++)
		b.softnet[i].dropped = 100;
	run(nt_check_softnet, &a, &b, &f);
	fd = need_finding(&f, "softnet.backlog_drops", "cpu4");
	assert_null(fix_of(fd, "rps.cpus", "eth0 rx-0"));
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

static void test_softnet_time_squeeze(void **state)
{
	const struct nt_finding *fd;
	struct nt_host a, b;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&a, 2, 0, 0);
	host_init(&b, 2, 0, SEC);
	add_softnet(&a, 0, 0, 100);
	add_softnet(&a, 1, 0, 100);
	add_softnet(&b, 0, 0, 150);
	add_softnet(&b, 1, 0, 2100);
	set_sysctl(&b, "net.core.netdev_budget", "300");
	set_sysctl(&b, "net.core.netdev_budget_usecs", "2000");
	run(nt_check_softnet, &a, &b, &f);
	assert_int_equal(f.n, 2);
	fd = need_finding(&f, "softnet.time_squeeze", "cpu0");
	assert_int_equal(fd->severity, NT_SEV_WARNING);
	assert_has(fd->summary, "50 times/s");
	assert_true(evidence(fd, "time_squeeze_per_s") == 50);
	assert_fix(fd, "sysctl", "net.core.netdev_budget", "300", "600");
	assert_fix(fd, "sysctl", "net.core.netdev_budget_usecs", "2000",
		   "4000");
	fd = need_finding(&f, "softnet.time_squeeze", "cpu1");
	assert_int_equal(fd->severity, NT_SEV_CRITICAL);
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

/*
 * Real softnet_stat of an 8-CPU host, two looks: no CPU dropped, no
 * time_squeeze rose.  The old squeezes (435 on CPU 0 ...) are info.
 */
static void test_softnet_real_quiet(void **state)
{
	const struct nt_finding *fd;
	struct nt_host a = { 0 }, b = { 0 };
	struct nt_findings f = { 0 };

	(void)state;
	b.mono_ns = SEC;
	load_softnet(&a, "softnet_stat/softnet_stat1");
	load_softnet(&b, "softnet_stat/softnet_stat2");
	assert_int_equal(b.n_softnet, 8);
	run(nt_check_softnet, &a, &b, &f);
	assert_well_formed(&f);
	assert_true(nt_audit_worst(&f) <= NT_SEV_INFO);
	assert_int_equal(count_id(&f, "softnet.backlog_drops"), 0);
	assert_int_equal(count_id(&f, "softnet.time_squeeze"), 8);
	fd = need_finding(&f, "softnet.time_squeeze", "cpu0");
	assert_true(evidence(fd, "time_squeeze_total") == 435);
	assert_true(evidence(fd, "time_squeeze_per_s") == 0);
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

/*
 * The same capture with CPU 5 squeezed 30 more times and the previous
 * look's lines in reverse order: the rise is found on CPU 5, by CPU id.
 */
static void test_softnet_real_keyed_by_cpu(void **state)
{
	const struct nt_finding *fd;
	struct nt_host a = { 0 }, b = { 0 };
	struct nt_findings f = { 0 };

	(void)state;
	b.mono_ns = 3 * SEC;
	load_softnet(&a, "softnet_stat/softnet_stat1");
	load_softnet(&b, "softnet_stat/softnet_stat5");
	for (size_t i = 0; i < a.n_softnet / 2; i++) {
		struct nt_softnet t = a.softnet[i];

		a.softnet[i] = a.softnet[a.n_softnet - 1 - i];
		a.softnet[a.n_softnet - 1 - i] = t;
	}
	b.softnet[5].time_squeeze += 30;
	run(nt_check_softnet, &a, &b, &f);
	assert_int_equal(nt_audit_worst(&f), NT_SEV_WARNING);
	fd = need_finding(&f, "softnet.time_squeeze", "cpu5");
	assert_int_equal(fd->severity, NT_SEV_WARNING);
	assert_true(evidence(fd, "time_squeeze_per_s") == 10);
	for (size_t i = 0; i < f.n; i++)
		if (strcmp(f.v[i].subject, "cpu5"))
			assert_int_equal(f.v[i].severity, NT_SEV_INFO);
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

/* nic ------------------------------------------------------------------ */

static void test_nic_quiet(void **state)
{
	struct nt_host a, b;
	struct nt_iface *ifc;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&a, 2, 0, 0);
	host_init(&b, 2, 0, SEC);
	ifc = add_iface(&a, "eth0");
	ifc->stats.rx_packets = 100;
	add_drv(ifc, "rx_queue_0_drops", 0);
	ifc = add_iface(&b, "eth0");
	ifc->stats.rx_packets = 100000;
	set_rings(ifc, 256, 4096);
	add_drv(ifc, "rx_queue_0_drops", 0);
	add_drv(ifc, "rx_queue_0_packets", 99900);
	run(nt_check_nic, &a, &b, &f);
	assert_int_equal(f.n, 0);
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

static void test_nic_missed_ring_below_max(void **state)
{
	const struct nt_finding *fd;
	struct nt_host a, b;
	struct nt_iface *ifc;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&a, 2, 0, 0);
	host_init(&b, 2, 0, SEC);
	ifc = add_iface(&a, "eth0");
	ifc->stats.rx_missed_errors = 1000;
	ifc = add_iface(&b, "eth0");
	ifc->stats.rx_missed_errors = 1420;
	set_rings(ifc, 256, 4096);
	run(nt_check_nic, &a, &b, &f);
	assert_int_equal(f.n, 1);
	assert_well_formed(&f);
	fd = need_finding(&f, "nic.rx_missed", "eth0");
	assert_int_equal(fd->severity, NT_SEV_WARNING);
	assert_has(fd->summary, "eth0 missed 420 packets/s (rx_missed_errors)");
	assert_has(fd->summary, "256 descriptors");
	assert_true(evidence(fd, "rx_missed_errors_per_s") == 420);
	assert_true(evidence(fd, "rx_ring_max") == 4096);
	assert_int_equal(fd->n_fix, 1);
	assert_fix(fd, "rings.rx", "eth0", "256", "4096");
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

/* At the ring maximum: no ring fix, more queues instead. */
static void test_nic_missed_ring_at_max(void **state)
{
	const struct nt_finding *fd;
	struct nt_host a, b;
	struct nt_iface *ifc;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&a, 8, 0, 0);
	host_init(&b, 8, 0, SEC);
	ifc = add_iface(&a, "eth0");
	add_drv(ifc, "rx_no_buffer_count", 5);
	ifc = add_iface(&b, "eth0");
	add_drv(ifc, "rx_no_buffer_count", 2005);
	set_rings(ifc, 4096, 4096);
	set_combined(ifc, 2, 8);
	run(nt_check_nic, &a, &b, &f);
	assert_int_equal(f.n, 1);
	fd = need_finding(&f, "nic.rx_missed", "eth0");
	assert_int_equal(fd->severity, NT_SEV_CRITICAL);
	assert_has(fd->summary, "maximum of 4096");
	assert_null(fix_of(fd, "rings.rx", "eth0"));
	assert_fix(fd, "channels.combined", "eth0", "2", "8");
	nt_findings_free(&f);

	/* all queues in use already: no change to suggest */
	b.ifaces[0].channels.combined = 8;
	run(nt_check_nic, &a, &b, &f);
	assert_int_equal(need_finding(&f, "nic.rx_missed", "eth0")->n_fix, 0);
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

/*
 * Driver counters: mlx5's rx_out_of_buffer is a ring overflow; a veth's
 * per-queue drops are driver drops of that queue; XDP drops are a
 * program's verdict and a driver copy of rx_dropped is not counted twice.
 */
static void test_nic_driver_counters(void **state)
{
	const struct nt_finding *fd;
	struct nt_host a, b;
	struct nt_iface *ifc;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&a, 4, 0, 0);
	host_init(&b, 4, 0, SEC);
	ifc = add_iface(&a, "eth1");
	add_drv(ifc, "rx_out_of_buffer", 0);
	add_drv(ifc, "rx_discards_phy", 0);
	ifc = add_virtual(&a, "veth0", "veth");
	add_drv(ifc, "rx_queue_0_drops", 7);
	add_drv(ifc, "rx_queue_3_drops", 0);
	add_drv(ifc, "rx3_dropped", 0);
	add_drv(ifc, "rx_queue_0_xdp_drops", 0);
	add_drv(ifc, "tx_queue_1_drops", 0);
	add_drv(ifc, "rx_dropped", 0);

	ifc = add_iface(&b, "eth1");
	set_rings(ifc, 1024, 8192);
	add_drv(ifc, "rx_out_of_buffer", 3000);
	add_drv(ifc, "rx_discards_phy", 20);
	add_drv(ifc, "[2]: rx_discards", 5);
	ifc = add_virtual(&b, "veth0", "veth");
	add_drv(ifc, "rx_queue_0_drops", 7);
	add_drv(ifc, "rx_queue_3_drops", 250);
	add_drv(ifc, "rx3_dropped", 10);
	add_drv(ifc, "rx_queue_0_xdp_drops", 99999);
	add_drv(ifc, "tx_queue_1_drops", 40);
	add_drv(ifc, "rx_dropped", 250);
	ifc->stats.rx_dropped = 250;

	run(nt_check_nic, &a, &b, &f);
	assert_well_formed(&f);
	fd = need_finding(&f, "nic.rx_missed", "eth1");
	assert_int_equal(fd->severity, NT_SEV_CRITICAL);
	assert_has(fd->summary, "rx_out_of_buffer");
	assert_fix(fd, "rings.rx", "eth1", "1024", "8192");
	fd = need_finding(&f, "nic.driver_drops", "eth1");
	assert_int_equal(fd->severity, NT_SEV_WARNING);
	assert_true(evidence(fd, "rx_discards_phy_per_s") == 20);
	assert_false(has_evidence(fd, "rx_out_of_buffer_per_s"));
	fd = need_finding(&f, "nic.driver_drops", "eth1 rx-2");
	assert_int_equal(fd->severity, NT_SEV_INFO);

	fd = need_finding(&f, "nic.driver_drops", "veth0 rx-3");
	assert_int_equal(fd->severity, NT_SEV_WARNING);
	/* largest rate first */
	assert_string_equal(fd->evidence[0].name, "rx_queue_3_drops_per_s");
	assert_true(evidence(fd, "rx3_dropped_per_s") == 10);
	assert_has(fd->summary, "and 1 more counters");
	fd = need_finding(&f, "nic.driver_drops", "veth0 tx-1");
	assert_true(evidence(fd, "tx_queue_1_drops_per_s") == 40);
	/* queue 0's old drops: info only */
	assert_int_equal(need_finding(&f, "nic.driver_drops",
				      "veth0 rx-0")->severity, NT_SEV_INFO);
	assert_null(find_finding(&f, "nic.driver_drops", "veth0"));
	assert_int_equal(count_id(&f, "nic.rx_dropped"), 1);
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

static void test_nic_rx_tx_dropped(void **state)
{
	const struct nt_finding *fd;
	struct nt_host a, b;
	struct nt_iface *ifc;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&a, 2, 0, 0);
	host_init(&b, 2, 0, 2 * SEC);
	quiet_softnet(&a, 2);
	quiet_softnet(&b, 2);
	ifc = add_iface(&a, "eth0");
	ifc->stats.rx_dropped = 100;
	ifc->stats.tx_dropped = 10;
	ifc = add_virtual(&a, "veth1", "veth");
	ifc->stats.tx_dropped = 0;
	ifc = add_iface(&b, "eth0");
	ifc->stats.rx_dropped = 200;
	ifc->stats.tx_dropped = 11;	/* 0.5/s: a trickle */
	ifc = add_virtual(&b, "veth1", "veth");
	ifc->stats.tx_dropped = 600;
	set_sysctl(&b, "net.core.netdev_max_backlog", "1000");
	run(nt_check_nic, &a, &b, &f);
	assert_well_formed(&f);
	fd = need_finding(&f, "nic.rx_dropped", "eth0");
	assert_int_equal(fd->severity, NT_SEV_WARNING);
	assert_has(fd->summary, "eth0 dropped 50 packets/s on receive");
	assert_true(evidence(fd, "rx_dropped_per_s") == 50);
	assert_int_equal(fd->n_fix, 0);
	assert_int_equal(need_finding(&f, "nic.tx_dropped", "eth0")->severity,
			 NT_SEV_INFO);
	fd = need_finding(&f, "nic.tx_dropped", "veth1");
	assert_int_equal(fd->severity, NT_SEV_WARNING);
	assert_has(fd->summary, "peer");
	nt_findings_free(&f);

	/* backlog drops at the same time: they are the cause, and the fix */
	b.softnet[1].dropped = 96;
	run(nt_check_nic, &a, &b, &f);
	fd = need_finding(&f, "nic.rx_dropped", "eth0");
	assert_true(evidence(fd, "backlog_dropped_per_s") == 48);
	assert_fix(fd, "sysctl", "net.core.netdev_max_backlog", "1000",
		   "2000");
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

/*
 * A counter lower than before (driver reset) gives no finding; a device
 * re-created under the same name (new ifindex) gives no rate.
 */
static void test_nic_backwards_and_recreated(void **state)
{
	const struct nt_finding *fd;
	struct nt_host a, b;
	struct nt_iface *ifc;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&a, 2, 0, 0);
	host_init(&b, 2, 0, SEC);
	ifc = add_iface(&a, "eth0");
	ifc->stats.rx_missed_errors = 90000;
	ifc->stats.rx_dropped = 5000;
	add_drv(ifc, "rx_queue_0_drops", 7000);
	ifc = add_iface(&b, "eth0");
	ifc->stats.rx_missed_errors = 10;
	ifc->stats.rx_dropped = 20;
	add_drv(ifc, "rx_queue_0_drops", 30);
	set_rings(ifc, 256, 4096);
	run(nt_check_nic, &a, &b, &f);
	assert_int_equal(f.n, 0);
	nt_findings_free(&f);

	b.ifaces[0].ifindex = 77;
	run(nt_check_nic, &a, &b, &f);
	assert_int_equal(f.n, 3);
	assert_int_equal(nt_audit_worst(&f), NT_SEV_INFO);
	fd = need_finding(&f, "nic.rx_missed", "eth0");
	assert_true(evidence(fd, "rx_missed_errors_per_s") == 0);
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

static void test_nic_totals_only(void **state)
{
	struct nt_host b;
	struct nt_iface *ifc;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&b, 2, 0, SEC);
	ifc = add_iface(&b, "eth0");
	ifc->stats.rx_missed_errors = 123456789;
	ifc->stats.rx_fifo_errors = 5;
	ifc->stats.rx_dropped = 4242;
	ifc->stats.tx_dropped = 1;
	add_drv(ifc, "rx_queue_2_drops", 77);
	set_rings(ifc, 512, 4096);
	run(nt_check_nic, NULL, &b, &f);
	assert_well_formed(&f);
	assert_int_equal(f.n, 4);
	assert_int_equal(nt_audit_worst(&f), NT_SEV_INFO);
	assert_has(need_finding(&f, "nic.rx_missed", "eth0")->summary,
		   "123456789 packets since boot");
	/* the fix is still a sound suggestion */
	assert_fix(need_finding(&f, "nic.rx_missed", "eth0"), "rings.rx",
		   "eth0", "512", "4096");
	nt_findings_free(&f);
	nt_host_free(&b);
}

/* irq ------------------------------------------------------------------ */

static void add_four_queues_on(struct nt_iface *ifc, const char *cpu)
{
	add_irq(ifc, 40, -1, "", "0-63", "0");
	for (int q = 0; q < 4; q++)
		add_irq(ifc, 41 + q, q, "rxtx", "0-63", cpu);
}

static void test_irq_single_cpu(void **state)
{
	const uint64_t quiet[4] = { 0, 0, 0, 0 };
	const uint64_t busy[4] = { 9500, 200, 200, 100 };
	const struct nt_finding *fd;
	struct nt_host a, b;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&a, 4, 0, 0);
	host_init(&b, 4, 0, SEC);
	add_four_queues_on(add_iface(&b, "eth0"), "0");
	run(nt_check_irq, NULL, &b, &f);
	assert_int_equal(f.n, 1);
	assert_well_formed(&f);
	fd = need_finding(&f, "irq.single_cpu", "eth0");
	assert_int_equal(fd->severity, NT_SEV_INFO);
	assert_has(fd->summary, "All 4 receive queue IRQs of eth0 go to CPU 0");
	/* queue 0 stays on CPU 0, the others move to their own CPU */
	assert_int_equal(fd->n_fix, 3);
	assert_null(fix_of(fd, "irq.affinity", "eth0 irq 41"));
	assert_fix(fd, "irq.affinity", "eth0 irq 42", "0", "1");
	assert_fix(fd, "irq.affinity", "eth0 irq 43", "0", "2");
	assert_fix(fd, "irq.affinity", "eth0 irq 44", "0", "3");
	nt_findings_free(&f);

	/* busy, CPU 0 takes 95 % of NET_RX: warning */
	set_net_rx_seq(&a, quiet, 4);
	set_net_rx_seq(&b, busy, 4);
	run(nt_check_irq, &a, &b, &f);
	fd = need_finding(&f, "irq.single_cpu", "eth0");
	assert_int_equal(fd->severity, NT_SEV_WARNING);
	assert_true(evidence(fd, "net_rx_share_pct") == 95);
	assert_int_equal(count_id(&f, "irq.net_rx_one_cpu"), 1);
	nt_findings_free(&f);

	/* spread over the CPUs: nothing */
	for (size_t i = 1; i < b.ifaces[0].n_irqs; i++) {
		struct nt_cpumask *m = &b.ifaces[0].irqs[i].effective_affinity;

		nt_cpumask_clear_all(m);
		assert_int_equal(nt_cpumask_set(m, i - 1), 0);
	}
	set_net_rx_seq(&b, quiet, 4);
	run(nt_check_irq, &a, &b, &f);
	assert_int_equal(f.n, 0);
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

/*
 * igb: separate rx and tx IRQs.  All rx on CPU 0 is the case even with tx
 * spread; the rx IRQs' changes come first.
 */
static void test_irq_single_cpu_rx_tx(void **state)
{
	const struct nt_finding *fd;
	struct nt_host b;
	struct nt_iface *ifc;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&b, 4, 0, SEC);
	ifc = add_iface(&b, "eth0");
	add_irq(ifc, 57, -1, "", "0-63", "0");
	for (int q = 0; q < 4; q++)
		add_irq(ifc, 58 + q, q, "rx", "0-63", "0");
	for (int q = 0; q < 4; q++)
		add_irq(ifc, 62 + q, q, "tx", "0-63", q == 0 ? "3" : "0");
	run(nt_check_irq, NULL, &b, &f);
	fd = need_finding(&f, "irq.single_cpu", "eth0");
	assert_true(evidence(fd, "queue_irqs") == 4);
	/* 8 queue IRQs, tx-0 already on its CPU: 7 moves, none cut off */
	assert_int_equal(fd->n_fix, 7);
	assert_fix(fd, "irq.affinity", "eth0 irq 59", "0", "1");
	assert_fix(fd, "irq.affinity", "eth0 irq 61", "0", "3");
	assert_fix(fd, "irq.affinity", "eth0 irq 62", "3", "0");
	assert_fix(fd, "irq.affinity", "eth0 irq 63", "0", "1");
	nt_findings_free(&f);

	/* rx spread, tx all on CPU 0: receive work is spread */
	for (int q = 0; q < 4; q++) {
		struct nt_cpumask *m = &ifc->irqs[1 + q].effective_affinity;

		nt_cpumask_clear_all(m);
		assert_int_equal(nt_cpumask_set(m, q), 0);
	}
	run(nt_check_irq, NULL, &b, &f);
	assert_int_equal(f.n, 0);
	nt_findings_free(&f);
	nt_host_free(&b);
}

/* Virtual devices and one-CPU hosts are never flagged. */
static void test_irq_never_virtual(void **state)
{
	struct nt_host b, one;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&b, 4, 0, SEC);
	add_four_queues_on(add_virtual(&b, "veth0", "veth"), "0");
	add_four_queues_on(add_virtual(&b, "lo", ""), "0");
	run(nt_check_irq, NULL, &b, &f);
	assert_int_equal(f.n, 0);
	nt_findings_free(&f);
	host_init(&one, 1, 0, SEC);
	add_four_queues_on(add_iface(&one, "eth0"), "0");
	run(nt_check_irq, NULL, &one, &f);
	assert_int_equal(f.n, 0);
	nt_findings_free(&f);
	nt_host_free(&b);
	nt_host_free(&one);
}

/*
 * ixgbe on a 2-socket E5645 (lscpu: CPUs 0-5 node 0, 6-11 node 1), every
 * eth0 queue interrupt counted on CPU 0.  The NIC is taken to sit on node
 * 1: its queues move to node 1's CPUs first.  8 queues, 6 changes fit.
 */
static void test_irq_real_ixgbe_one_cpu(void **state)
{
	const struct nt_finding *fd;
	struct nt_host b = { 0 };
	struct nt_iface *ifc;
	struct nt_findings f = { 0 };

	(void)state;
	load_interrupts("irq-layouts/ixgbe.E5645/interrupts", &b.interrupts);
	load_lscpu(&b, "irq-layouts/ixgbe.E5645/lscpu_output");
	assert_int_equal(b.n_cpus, 12);
	ifc = add_iface(&b, "eth0");
	ifc->numa_node = 1;
	match_irqs(&b, ifc);
	assert_int_equal(ifc->n_irqs, 9);
	ifc = add_iface(&b, "eth2");
	match_irqs(&b, ifc);
	run(nt_check_irq, NULL, &b, &f);
	assert_int_equal(f.n, 1);
	fd = need_finding(&f, "irq.single_cpu", "eth0");
	assert_int_equal(fd->severity, NT_SEV_INFO);
	assert_true(evidence(fd, "queue_irqs") == 8);
	assert_true(evidence(fd, "online_cpus") == 12);
	/* queues 0-5 go to node 1 (CPUs 6-11), 6 and 7 wrap to CPUs 0 and 1:
	 * queue 6 is already on CPU 0, so 7 changes */
	assert_int_equal(fd->n_fix, 7);
	assert_fix(fd, "irq.affinity", "eth0 irq 73", "0", "1");
	for (int q = 0; q < 6; q++) {
		char subject[32], target[16];

		snprintf(subject, sizeof(subject), "eth0 irq %d", 66 + q);
		snprintf(target, sizeof(target), "%d", 6 + q);
		assert_fix(fd, "irq.affinity", subject, "0", target);
	}
	nt_findings_free(&f);
	nt_host_free(&b);
}

/* The 4-CPU capture has eth4 and eth5's queues on four CPUs: fine. */
static void test_irq_real_multiqueue_spread(void **state)
{
	struct nt_host a = { 0 }, b = { 0 };
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&a, 4, 0, 0);
	host_init(&b, 4, 0, SEC);
	load_interrupts("interrupts/multinic_multiqueue_4cpu/interrupts1",
			&a.interrupts);
	load_interrupts("interrupts/multinic_multiqueue_4cpu/interrupts2",
			&b.interrupts);
	match_irqs(&b, add_iface(&b, "eth4"));
	match_irqs(&b, add_iface(&b, "eth5"));
	assert_int_equal(b.ifaces[0].n_irqs, 5);
	run(nt_check_irq, &a, &b, &f);
	assert_int_equal(f.n, 0);
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

static void test_irq_net_rx_one_cpu(void **state)
{
	const uint64_t before[4] = { 1000, 1000, 1000, 1000 };
	const uint64_t after[4] = { 1100, 1100, 6700, 1100 };
	const uint64_t idle[4] = { 1010, 1010, 1500, 1010 };
	const struct nt_finding *fd;
	struct nt_host a, b;
	struct nt_iface *ifc;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&a, 4, 0, 0);
	host_init(&b, 4, 0, SEC);
	quiet_softnet(&b, 4);
	set_net_rx_seq(&a, before, 4);
	set_net_rx_seq(&b, after, 4);
	ifc = add_iface(&b, "eth1");
	set_rxq(ifc, 1, "");
	add_irq(ifc, 50, -1, "", "0-63", "2");
	ifc = add_virtual(&b, "veth0", "veth");
	set_rxq(ifc, 1, "");
	run(nt_check_irq, &a, &b, &f);
	assert_int_equal(f.n, 1);
	assert_well_formed(&f);
	fd = need_finding(&f, "irq.net_rx_one_cpu", "cpu2");
	assert_int_equal(fd->severity, NT_SEV_WARNING);
	assert_true(evidence(fd, "net_rx_share_pct") == 95);
	assert_true(evidence(fd, "net_rx_all_cpus_per_s") == 6000);
	assert_fix(fd, "rps.cpus", "eth1 rx-0", "", "0-1,3");
	assert_null(fix_of(fd, "rps.cpus", "veth0 rx-0"));
	nt_findings_free(&f);

	/* without a previous look nothing is known of the load */
	run(nt_check_irq, NULL, &b, &f);
	assert_int_equal(f.n, 0);
	nt_findings_free(&f);

	/* 530 NET_RX/s in all: a quiet host, not a loaded CPU */
	set_net_rx_seq(&b, idle, 4);
	run(nt_check_irq, &a, &b, &f);
	assert_int_equal(f.n, 0);
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

/* softirqs columns are matched by CPU id, whatever their order. */
static void test_irq_net_rx_keyed_by_cpu(void **state)
{
	const uint32_t ids_a[4] = { 3, 2, 1, 0 };
	const uint64_t before[4] = { 0, 0, 0, 5000 };
	const uint32_t ids_b[4] = { 0, 1, 2, 3 };
	const uint64_t after[4] = { 5100, 100, 9000, 100 };
	struct nt_host a, b;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&a, 4, 0, 0);
	host_init(&b, 4, 0, SEC);
	set_net_rx(&a, ids_a, before, 4);
	set_net_rx(&b, ids_b, after, 4);
	run(nt_check_irq, &a, &b, &f);
	assert_int_equal(f.n, 1);
	assert_true(evidence(need_finding(&f, "irq.net_rx_one_cpu", "cpu2"),
			     "net_rx_per_s") == 9000);
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

/*
 * Real /proc/softirqs: the i7 spreads NET_RX over CPUs 1 and 5 (about half
 * each), the dual core runs some 760/s in all.  Neither has a hot CPU.
 */
static void test_irq_real_softirqs(void **state)
{
	static const char *const pairs[][2] = {
		{ "softirqs/i7/softirqs1", "softirqs/i7/softirqs2" },
		{ "softirqs/i7/softirqs3", "softirqs/i7/softirqs4" },
		{ "softirqs/dualcore/softirqs1",
		  "softirqs/dualcore/softirqs2" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		struct nt_host a, b;
		struct nt_findings f = { 0 };

		host_init(&a, 4, 0, 0);
		host_init(&b, 4, 0, SEC);
		load_softirqs(&a, pairs[i][0]);
		load_softirqs(&b, pairs[i][1]);
		run(nt_check_irq, &a, &b, &f);
		if (f.n)
			fail_msg("%s: %s", pairs[i][1], f.v[0].summary);
		nt_findings_free(&f);
		nt_host_free(&a);
		nt_host_free(&b);
	}
}

/* rps ------------------------------------------------------------------ */

static void test_rps_single_queue_info(void **state)
{
	const struct nt_finding *fd;
	struct nt_host b;
	struct nt_iface *ifc;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&b, 8, 0, SEC);
	quiet_softnet(&b, 8);
	set_sysctl(&b, "net.core.rps_sock_flow_entries", "0");
	ifc = add_iface(&b, "eth0");
	set_rxq(ifc, 1, "");
	add_irq(ifc, 17, -1, "", "0-63", "0");
	run(nt_check_rps, NULL, &b, &f);
	assert_int_equal(f.n, 1);
	assert_well_formed(&f);
	fd = need_finding(&f, "rps.off_single_queue", "eth0");
	assert_int_equal(fd->severity, NT_SEV_INFO);
	assert_has(fd->summary, "CPU 0, which takes its interrupt,");
	assert_fix(fd, "rps.cpus", "eth0 rx-0", "", "1-7");
	assert_fix(fd, "rps.flow_cnt", "eth0 rx-0", "0", "32768");
	assert_fix(fd, "sysctl", "net.core.rps_sock_flow_entries", "0",
		   "32768");
	nt_findings_free(&f);
	nt_host_free(&b);
}

/* Local CPUs first: a NIC on node 1 of a 2x4 host steers to 5-7. */
static void test_rps_numa_local(void **state)
{
	struct nt_host b;
	struct nt_iface *ifc;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&b, 8, 4, SEC);
	set_sysctl(&b, "net.core.rps_sock_flow_entries", "32768");
	ifc = add_iface(&b, "eth0");
	ifc->numa_node = 1;
	set_rxq(ifc, 1, "");
	ifc->rxq[0].rps_flow_cnt = 2048;
	add_irq(ifc, 17, 0, "rx", "0-63", "4");
	add_irq(ifc, 18, 0, "tx", "0-63", "5");
	run(nt_check_rps, NULL, &b, &f);
	assert_int_equal(f.n, 1);
	assert_fix(&f.v[0], "rps.cpus", "eth0 rx-0", "", "5-7");
	/* RFS is set up already: no change to it */
	assert_int_equal(f.v[0].n_fix, 1);
	nt_findings_free(&f);
	nt_host_free(&b);
}

/* veth, lo, bridges, multi-queue NICs, RPS already on, one CPU: nothing. */
static void test_rps_not_flagged(void **state)
{
	struct nt_host b, one;
	struct nt_iface *ifc;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&b, 8, 0, SEC);
	set_rxq(add_virtual(&b, "veth0", "veth"), 1, "");
	set_rxq(add_virtual(&b, "lo", ""), 1, "");
	set_rxq(add_virtual(&b, "br0", "bridge"), 1, "");
	set_rxq(add_iface(&b, "eth0"), 4, "");
	set_rxq(add_iface(&b, "eth1"), 1, "1-7");
	ifc = add_iface(&b, "eth2");
	set_rxq(ifc, 1, "");
	snprintf(ifc->operstate, sizeof(ifc->operstate), "down");
	run(nt_check_rps, NULL, &b, &f);
	assert_int_equal(f.n, 0);
	nt_findings_free(&f);

	host_init(&one, 1, 0, SEC);
	set_rxq(add_iface(&one, "eth0"), 1, "");
	run(nt_check_rps, NULL, &one, &f);
	assert_int_equal(f.n, 0);
	nt_findings_free(&f);
	nt_host_free(&b);
	nt_host_free(&one);
}

/* The IRQ CPU runs nearly all NET_RX of a busy host: warning. */
static void test_rps_warning_when_hot(void **state)
{
	const uint64_t before[4] = { 0, 0, 0, 0 };
	const uint64_t after[4] = { 50, 50, 8000, 50 };
	const struct nt_finding *fd;
	struct nt_host a, b;
	struct nt_iface *ifc;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&a, 4, 0, 0);
	host_init(&b, 4, 0, SEC);
	quiet_softnet(&a, 4);
	quiet_softnet(&b, 4);
	set_net_rx_seq(&a, before, 4);
	set_net_rx_seq(&b, after, 4);
	ifc = add_iface(&b, "eth0");
	set_rxq(ifc, 1, "");
	add_irq(ifc, 17, -1, "", "0-63", "2");
	run(nt_check_rps, &a, &b, &f);
	fd = need_finding(&f, "rps.off_single_queue", "eth0");
	assert_int_equal(fd->severity, NT_SEV_WARNING);
	assert_true(evidence(fd, "net_rx_per_s") == 8000);
	assert_true(evidence(fd, "irq_cpu") == 2);
	assert_fix(fd, "rps.cpus", "eth0 rx-0", "", "0-1,3");
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

/* Real 8-CPU capture: eth0 has one legacy IRQ (17), all on CPU 0. */
static void test_rps_real_singlequeue_8cpu(void **state)
{
	const struct nt_finding *fd;
	struct nt_host b;
	struct nt_iface *ifc;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&b, 8, 0, SEC);
	load_interrupts("interrupts/singlequeue_8cpu/interrupts2",
			&b.interrupts);
	ifc = add_iface(&b, "eth0");
	set_rxq(ifc, 1, "");
	match_irqs(&b, ifc);
	assert_int_equal(ifc->n_irqs, 1);
	assert_int_equal(ifc->irqs[0].irq, 17);
	run(nt_check_rps, NULL, &b, &f);
	fd = need_finding(&f, "rps.off_single_queue", "eth0");
	assert_true(evidence(fd, "irq_cpu") == 0);
	assert_fix(fd, "rps.cpus", "eth0 rx-0", "", "1-7");
	nt_findings_free(&f);
	/* and irq.single_cpu needs two queues: one legacy IRQ is no case */
	run(nt_check_irq, NULL, &b, &f);
	assert_int_equal(f.n, 0);
	nt_findings_free(&f);
	nt_host_free(&b);
}

/* qdisc ---------------------------------------------------------------- */

static void test_qdisc_tbf_shaper(void **state)
{
	const struct nt_finding *fd;
	struct nt_host a, b;
	struct nt_iface *ifc;
	struct nt_findings f = { 0 };
	struct nt_qdisc *q;

	(void)state;
	host_init(&a, 2, 0, 0);
	host_init(&b, 2, 0, SEC);
	ifc = add_virtual(&a, "veth0", "veth");
	add_qdisc(ifc, "tbf", 0x80010000, TC_ROOT, 0);
	ifc = add_virtual(&b, "veth0", "veth");
	q = add_qdisc(ifc, "tbf", 0x80010000, TC_ROOT, 19974);
	q->overlimits = 40000;
	q->backlog = 3000;
	q->qlen = 2;
	run(nt_check_qdisc, &a, &b, &f);
	assert_int_equal(f.n, 1);
	assert_well_formed(&f);
	fd = need_finding(&f, "qdisc.drops", "veth0 qdisc tbf 8001:");
	/* a configured rate limit is never critical */
	assert_int_equal(fd->severity, NT_SEV_WARNING);
	assert_has(fd->summary, "by design");
	assert_true(evidence(fd, "drops_per_s") == 19974);
	assert_true(evidence(fd, "overlimits_per_s") == 40000);
	assert_true(evidence(fd, "backlog_bytes") == 3000);
	assert_true(evidence(fd, "qlen") == 2);
	assert_fix(fd, "qdisc", "veth0", "tbf",
		   "raise the rate or limit of tbf");
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

/* The previous look lists the qdiscs in another order. */
static void test_qdisc_matched_by_handle(void **state)
{
	const struct nt_finding *fd;
	struct nt_host a, b;
	struct nt_iface *ifc;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&a, 2, 0, 0);
	host_init(&b, 2, 0, SEC);
	ifc = add_iface(&a, "eth0");
	add_qdisc(ifc, "fq_codel", 0x10000, 0x80010002, 5000);
	add_qdisc(ifc, "fq_codel", 0x20000, 0x80010001, 100);
	ifc = add_iface(&b, "eth0");
	add_qdisc(ifc, "fq_codel", 0x20000, 0x80010001, 100);
	add_qdisc(ifc, "fq_codel", 0x10000, 0x80010002, 5300);
	run(nt_check_qdisc, &a, &b, &f);
	/* 2: has old drops only, 1: 300/s */
	assert_int_equal(f.n, 2);
	fd = need_finding(&f, "qdisc.drops", "eth0 qdisc fq_codel 1:");
	assert_int_equal(fd->severity, NT_SEV_WARNING);
	assert_true(evidence(fd, "drops_per_s") == 300);
	/* below mq: the root qdisc knob cannot reach it */
	assert_int_equal(fd->n_fix, 0);
	fd = need_finding(&f, "qdisc.drops", "eth0 qdisc fq_codel 2:");
	assert_int_equal(fd->severity, NT_SEV_INFO);
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

/* Root qdiscs by kind: the qdisc knob, current as it reads back. */
static void test_qdisc_root_fixes(void **state)
{
	static const struct {
		const char *ifname, *kind, *target;
	} want[] = {
		{ "eth0", "fq_codel", "fq_codel limit 20480" },
		{ "eth1", "fq", "fq limit 20000 flow_limit 200" },
		{ "eth2", "pfifo", "fq_codel" },
		{ "eth3", "sfq", "raise the limit of sfq" },
		{ "eth4", "htb", "raise the rate or limit of htb" },
	};
	struct nt_host a, b;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&a, 2, 0, 0);
	host_init(&b, 2, 0, SEC);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct nt_iface *ifc = add_iface(&b, want[i].ifname);

		snprintf(ifc->qdisc, sizeof(ifc->qdisc), "%s", want[i].kind);
		add_qdisc(ifc, want[i].kind, 0x80010000, TC_ROOT, 100);
		ifc = add_iface(&a, want[i].ifname);
		add_qdisc(ifc, want[i].kind, 0x80010000, TC_ROOT, 0);
	}
	add_qdisc(add_iface(&b, "eth5"), "ingress", 0xffff0000, 0xfffffff1,
		  100);
	add_qdisc(add_iface(&a, "eth5"), "ingress", 0xffff0000, 0xfffffff1,
		  0);
	run(nt_check_qdisc, &a, &b, &f);
	assert_int_equal(f.n, 6);
	assert_well_formed(&f);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char subject[64];
		const struct nt_finding *fd;

		snprintf(subject, sizeof(subject), "%s qdisc %s 8001:",
			 want[i].ifname, want[i].kind);
		fd = need_finding(&f, "qdisc.drops", subject);
		assert_int_equal(fd->severity, NT_SEV_WARNING);
		assert_fix(fd, "qdisc", want[i].ifname, want[i].kind,
			   want[i].target);
	}
	/* filters and policers drop on purpose: nothing to change */
	assert_int_equal(need_finding(&f, "qdisc.drops",
				      "eth5 qdisc ingress ffff:")->n_fix, 0);
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

/* mq sums its children: only the child that drops is reported. */
static void test_qdisc_mq_root_skipped(void **state)
{
	const struct nt_finding *fd;
	struct nt_host a, b;
	struct nt_iface *ifc;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&a, 4, 0, 0);
	host_init(&b, 4, 0, SEC);
	ifc = add_iface(&a, "eth0");
	add_qdisc(ifc, "mq", 0, TC_ROOT, 0);
	for (uint32_t i = 1; i <= 4; i++)
		add_qdisc(ifc, "fq", 0, i, 0);
	ifc = add_iface(&b, "eth0");
	add_qdisc(ifc, "mq", 0, TC_ROOT, 2500);
	for (uint32_t i = 1; i <= 4; i++)
		add_qdisc(ifc, "fq", 0, i, i == 3 ? 2500 : 0);
	run(nt_check_qdisc, &a, &b, &f);
	assert_int_equal(count_id(&f, "qdisc.drops"), 1);
	fd = need_finding(&f, "qdisc.drops", "eth0 qdisc fq 0: parent :3");
	assert_int_equal(fd->severity, NT_SEV_CRITICAL);
	/* the qdisc knob would replace mq itself: no change, tc advice */
	assert_int_equal(fd->n_fix, 0);
	assert_has(fd->summary, "change it with tc");
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

/* htb counts its leaves' drops too: the leaf is reported, not htb. */
static void test_qdisc_classful_parent(void **state)
{
	struct nt_host a, b;
	struct nt_iface *ifc;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&a, 2, 0, 0);
	host_init(&b, 2, 0, SEC);
	ifc = add_iface(&a, "eth0");
	add_qdisc(ifc, "htb", 0x10000, TC_ROOT, 0);
	add_qdisc(ifc, "pfifo", 0x100000, 0x10010, 0);
	ifc = add_iface(&b, "eth0");
	add_qdisc(ifc, "htb", 0x10000, TC_ROOT, 70);
	add_qdisc(ifc, "pfifo", 0x100000, 0x10010, 70);
	run(nt_check_qdisc, &a, &b, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(need_finding(&f, "qdisc.drops",
				      "eth0 qdisc pfifo 10:")->n_fix, 0);
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

static void test_qdisc_pfifo_fast_txqlen(void **state)
{
	const struct nt_finding *fd;
	struct nt_host a, b;
	struct nt_iface *ifc;
	struct nt_findings f = { 0 };

	(void)state;
	host_init(&a, 2, 0, 0);
	host_init(&b, 2, 0, SEC);
	add_qdisc(add_iface(&a, "eth0"), "pfifo_fast", 0, TC_ROOT, 0);
	ifc = add_iface(&b, "eth0");
	ifc->txqlen = 1000;
	add_qdisc(ifc, "pfifo_fast", 0, TC_ROOT, 40);
	run(nt_check_qdisc, &a, &b, &f);
	fd = need_finding(&f, "qdisc.drops", "eth0 qdisc pfifo_fast 0:");
	assert_has(fd->summary, "txqueuelen 1000");
	assert_fix(fd, "txqlen", "eth0", "1000", "10000");
	nt_findings_free(&f);
	b.ifaces[0].txqlen = 8000;
	run(nt_check_qdisc, &a, &b, &f);
	assert_fix(need_finding(&f, "qdisc.drops", "eth0 qdisc pfifo_fast 0:"),
		   "txqlen", "eth0", "8000", "16000");
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

/* Overlimits alone are a shaper at work; fewer drops than before, a reset. */
static void test_qdisc_overlimits_and_backwards(void **state)
{
	struct nt_host a, b;
	struct nt_findings f = { 0 };
	struct nt_qdisc *q;

	(void)state;
	host_init(&a, 2, 0, 0);
	host_init(&b, 2, 0, SEC);
	add_qdisc(add_iface(&a, "eth0"), "tbf", 0x10000, TC_ROOT, 0);
	add_qdisc(add_iface(&a, "eth1"), "fq_codel", 0x20000, TC_ROOT, 9000);
	q = add_qdisc(add_iface(&b, "eth0"), "tbf", 0x10000, TC_ROOT, 0);
	q->overlimits = 123456;
	add_qdisc(add_iface(&b, "eth1"), "fq_codel", 0x20000, TC_ROOT, 10);
	run(nt_check_qdisc, &a, &b, &f);
	assert_int_equal(f.n, 0);
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

/* Whole audit ---------------------------------------------------------- */

/*
 * Worst severity among this file's checks: the whole audit also runs
 * checks (tcp, udp, ...) that judge other parts of the host.
 */
static enum nt_severity dev_worst(const struct nt_findings *f)
{
	static const char *const ids[] = {
		"softnet.", "nic.", "irq.", "rps.", "qdisc.",
	};
	enum nt_severity worst = NT_SEV_OK;

	for (size_t i = 0; i < f->n; i++)
		for (size_t k = 0; k < sizeof(ids) / sizeof(ids[0]); k++)
			if (!strncmp(f->v[i].id, ids[k], strlen(ids[k])) &&
			    f->v[i].severity > worst)
				worst = f->v[i].severity;
	return worst;
}

/* A host with everything in place and nothing rising. */
static void build_quiet(struct nt_host *h, int64_t mono_ns,
			uint64_t net_rx_base)
{
	uint64_t rx[4];
	struct nt_iface *ifc;

	host_init(h, 4, 0, mono_ns);
	for (unsigned int i = 0; i < 4; i++) {
		add_softnet(h, i, 0, 12);
		rx[i] = net_rx_base + 10 * i;
	}
	set_net_rx_seq(h, rx, 4);
	set_sysctl(h, "net.core.netdev_max_backlog", "1000");
	set_sysctl(h, "net.core.rps_sock_flow_entries", "0");
	ifc = add_iface(h, "eth0");
	set_rings(ifc, 256, 4096);
	set_rxq(ifc, 4, "");
	for (int q = 0; q < 4; q++)
		add_irq(ifc, 41 + q, q, "rxtx", "0-63", q == 0 ? "0" : q == 1 ? "1" :
			q == 2 ? "2" : "3");
	ifc->stats.rx_dropped = 3;
	add_qdisc(ifc, "mq", 0, TC_ROOT, 0);
	add_qdisc(ifc, "fq_codel", 0, 1, 0);
	ifc = add_virtual(h, "veth0", "veth");
	set_rxq(ifc, 1, "");
	add_drv(ifc, "rx_queue_0_drops", 0);
	ifc = add_virtual(h, "lo", "");
	set_rxq(ifc, 1, "");
}

static void test_audit_quiet_host(void **state)
{
	struct nt_audit_input in;
	struct nt_host a, b;
	struct nt_findings f = { 0 };

	(void)state;
	build_quiet(&a, 0, 1000);
	build_quiet(&b, 5 * SEC, 1100);
	in = (struct nt_audit_input){ &a, &b, nt_seconds_between(&a, &b) };
	assert_int_equal(nt_audit_run(&in, &f), 0);
	assert_true(dev_worst(&f) <= NT_SEV_INFO);
	nt_findings_free(&f);
	in = (struct nt_audit_input){ NULL, &b, 0 };
	assert_int_equal(nt_audit_run(&in, &f), 0);
	assert_true(dev_worst(&f) <= NT_SEV_INFO);
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

/* The same host dropping everywhere: warnings and criticals, sorted. */
static void test_audit_busy_host(void **state)
{
	struct nt_audit_input in;
	struct nt_host a, b;
	struct nt_findings f = { 0 };

	(void)state;
	build_quiet(&a, 0, 1000);
	build_quiet(&b, SEC, 1100);
	b.softnet[2].dropped = 5000;
	b.ifaces[0].stats.rx_missed_errors = 300;
	b.ifaces[0].qdiscs[1].drops = 50;
	in = (struct nt_audit_input){ &a, &b, nt_seconds_between(&a, &b) };
	assert_int_equal(nt_audit_run(&in, &f), 0);
	assert_int_equal(dev_worst(&f), NT_SEV_CRITICAL);
	assert_int_equal(need_finding(&f, "softnet.backlog_drops",
				      "cpu2")->severity, NT_SEV_CRITICAL);
	for (size_t i = 1; i < f.n; i++)
		assert_true(f.v[i - 1].severity >= f.v[i].severity);
	assert_int_equal(need_finding(&f, "nic.rx_missed", "eth0")->severity,
			 NT_SEV_WARNING);
	assert_int_equal(need_finding(&f, "qdisc.drops",
				"eth0 qdisc fq_codel 0: parent :1")->severity,
			 NT_SEV_WARNING);
	nt_findings_free(&f);
	nt_host_free(&a);
	nt_host_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_softnet_quiet),
		cmocka_unit_test(test_softnet_backlog_rising),
		cmocka_unit_test(test_softnet_backlog_critical),
		cmocka_unit_test(test_softnet_totals_only),
		cmocka_unit_test(test_softnet_backwards),
		cmocka_unit_test(test_softnet_backlog_target_limits),
		cmocka_unit_test(test_softnet_backlog_suggests_rps),
		cmocka_unit_test(test_softnet_time_squeeze),
		cmocka_unit_test(test_softnet_real_quiet),
		cmocka_unit_test(test_softnet_real_keyed_by_cpu),
		cmocka_unit_test(test_nic_quiet),
		cmocka_unit_test(test_nic_missed_ring_below_max),
		cmocka_unit_test(test_nic_missed_ring_at_max),
		cmocka_unit_test(test_nic_driver_counters),
		cmocka_unit_test(test_nic_rx_tx_dropped),
		cmocka_unit_test(test_nic_backwards_and_recreated),
		cmocka_unit_test(test_nic_totals_only),
		cmocka_unit_test(test_irq_single_cpu),
		cmocka_unit_test(test_irq_single_cpu_rx_tx),
		cmocka_unit_test(test_irq_never_virtual),
		cmocka_unit_test(test_irq_real_ixgbe_one_cpu),
		cmocka_unit_test(test_irq_real_multiqueue_spread),
		cmocka_unit_test(test_irq_net_rx_one_cpu),
		cmocka_unit_test(test_irq_net_rx_keyed_by_cpu),
		cmocka_unit_test(test_irq_real_softirqs),
		cmocka_unit_test(test_rps_single_queue_info),
		cmocka_unit_test(test_rps_numa_local),
		cmocka_unit_test(test_rps_not_flagged),
		cmocka_unit_test(test_rps_warning_when_hot),
		cmocka_unit_test(test_rps_real_singlequeue_8cpu),
		cmocka_unit_test(test_qdisc_tbf_shaper),
		cmocka_unit_test(test_qdisc_matched_by_handle),
		cmocka_unit_test(test_qdisc_root_fixes),
		cmocka_unit_test(test_qdisc_mq_root_skipped),
		cmocka_unit_test(test_qdisc_classful_parent),
		cmocka_unit_test(test_qdisc_pfifo_fast_txqlen),
		cmocka_unit_test(test_qdisc_overlimits_and_backwards),
		cmocka_unit_test(test_audit_quiet_host),
		cmocka_unit_test(test_audit_busy_host),
	};

	return cmocka_run_group_tests_name("checks_dev", tests, NULL, NULL);
}
