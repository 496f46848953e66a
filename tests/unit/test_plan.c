// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The planner against real hosts: CPU topologies and /proc/interrupts
 * captured on servers (tests/fixtures/real-hosts), so spreading, NUMA
 * locality and hyperthread order are checked on layouts that exist.
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
#include <json-c/json.h>

#include "model/host.h"
#include "plan/plan.h"
#include "sys/irq.h"
#include "sys/procfs.h"
#include "testlib.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* 2 x 8 cores x 2 threads, nodes 0-7,16-23 and 8-15,24-31; i350 + 82599 */
#define E5_2640	"servers/2xE5-2640.i350_and_82599ES.l2_mixed.masterconf"
/* 16 CPUs, even on node 0, odd on node 1; 82574L single queue as eth0 */
#define E5530	"servers/2xE5530.82576_and_82574L.l2_mixed.manual"
/* lscpu -p: 2 x 6 cores, no HT; ixgbe eth0/eth1 with 8 queues */
#define E5645	"irq-layouts/ixgbe.E5645"

#define CONF	"/etc/nettune/profiles/test.conf"
#define FIRST_LINE	10

struct t {
	struct nt_host host;
	struct nt_profile prof;
	struct nt_plan plan;
	struct nt_err err;
	char dir[64];
	char path[128];
};

static void set_cpu(struct nt_cpumask *m, unsigned int cpu)
{
	assert_int_equal(nt_cpumask_set(m, cpu), 0);
}

/* Topology: one row per CPU, as lscpu -p prints it. */
struct row {
	int cpu, core, socket, node;
};

static void host_from_rows(struct nt_host *h, const struct row *rows,
			   size_t n)
{
	int max_node = 0;

	h->cpus = xcalloc(n, sizeof(*h->cpus));
	h->n_cpus = n;
	for (size_t i = 0; i < n; i++) {
		struct nt_cpu *c = &h->cpus[i];

		c->id = rows[i].cpu;
		c->online = true;
		c->core_id = rows[i].core;
		c->package_id = rows[i].socket;
		c->node = rows[i].node;
		if (rows[i].node > max_node)
			max_node = rows[i].node;
		/* Threads of one core: same socket, same core id. */
		for (size_t j = 0; j < n; j++)
			if (rows[j].socket == rows[i].socket &&
			    rows[j].core == rows[i].core)
				set_cpu(&c->thread_siblings, rows[j].cpu);
	}
	h->n_nodes = max_node + 1;
	h->nodes = xcalloc(h->n_nodes, sizeof(*h->nodes));
	for (size_t i = 0; i < h->n_nodes; i++)
		h->nodes[i].id = i;
	for (size_t i = 0; i < n; i++)
		assert_int_equal(nt_cpumask_set(&h->nodes[rows[i].node].cpus,
						rows[i].cpu), 0);
}

/* "# comment" and "CPU,Core,Socket,Node,,L1d,..." lines of lscpu -p. */
static size_t parse_lscpu_p(char *text, struct row *rows, size_t max)
{
	char *line, *save = NULL;
	size_t n = 0;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || !line[0])
			continue;
		assert_true(n < max);
		assert_int_equal(sscanf(line, "%d,%d,%d,%d", &rows[n].cpu,
					&rows[n].core, &rows[n].socket,
					&rows[n].node), 4);
		n++;
	}
	return n;
}

/* lscpu_layout "CPU NODE" lines; cores and sockets from cpuinfo if there. */
static size_t parse_layout(char *text, char *cpuinfo, struct row *rows,
			   size_t max)
{
	char *line, *save = NULL;
	size_t n = 0;
	int cpu = -1, v;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || !line[0])
			continue;
		assert_true(n < max);
		assert_int_equal(sscanf(line, "%d %d", &rows[n].cpu,
					&rows[n].node), 2);
		/* Without cpuinfo every CPU counts as a core of its own. */
		rows[n].core = rows[n].cpu;
		rows[n].socket = rows[n].node;
		n++;
	}
	save = NULL;
	for (line = cpuinfo ? strtok_r(cpuinfo, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "processor : %d", &v) == 1)
			cpu = v;
		else if (cpu >= 0 && cpu < (int)n &&
			 sscanf(line, "physical id : %d", &v) == 1)
			rows[cpu].socket = v;
		else if (cpu >= 0 && cpu < (int)n &&
			 sscanf(line, "core id : %d", &v) == 1)
			rows[cpu].core = v;
	}
	return n;
}

static void load_topology(struct nt_host *h, const char *dir)
{
	char rel[512], *text, *cpuinfo;
	struct row rows[256];
	size_t n;

	snprintf(rel, sizeof(rel), "%s/lscpu_output", dir);
	text = fixture_text_optional(rel);
	if (text) {
		n = parse_lscpu_p(text, rows, ARRAY_SIZE(rows));
	} else {
		snprintf(rel, sizeof(rel), "%s/lscpu_layout", dir);
		text = fixture_text(rel);
		snprintf(rel, sizeof(rel), "%s/cpuinfo", dir);
		cpuinfo = fixture_text_optional(rel);
		n = parse_layout(text, cpuinfo, rows, ARRAY_SIZE(rows));
		free(cpuinfo);
	}
	free(text);
	assert_true(n > 0);
	host_from_rows(h, rows, n);
	snprintf(h->hostname, sizeof(h->hostname), "%s", dir);
}

/* Valid until the next add_iface(): the array moves. */
static struct nt_iface *add_iface(struct nt_host *h, const char *name,
				  const char *driver, int node)
{
	struct nt_iface *v = realloc(h->ifaces, (h->n_ifaces + 1) * sizeof(*v));
	struct nt_iface *ifc;

	assert_non_null(v);
	h->ifaces = v;
	ifc = &v[h->n_ifaces++];
	memset(ifc, 0, sizeof(*ifc));
	snprintf(ifc->name, sizeof(ifc->name), "%s", name);
	snprintf(ifc->driver, sizeof(ifc->driver), "%s", driver);
	snprintf(ifc->qdisc, sizeof(ifc->qdisc), "mq");
	ifc->ifindex = h->n_ifaces;
	ifc->numa_node = node;
	ifc->txqlen = 1000;
	return ifc;
}

static void set_queues(struct nt_iface *ifc, uint32_t nrx, uint32_t ntx)
{
	ifc->rxq = xcalloc(nrx + 1, sizeof(*ifc->rxq));
	ifc->txq = xcalloc(ntx + 1, sizeof(*ifc->txq));
	ifc->n_rxq = nrx;
	ifc->n_txq = ntx;
	for (uint32_t i = 0; i < nrx; i++) {
		ifc->rxq[i].index = i;
		ifc->rxq[i].rps_state = NT_STATE_OK;
	}
	for (uint32_t i = 0; i < ntx; i++) {
		ifc->txq[i].index = i;
		ifc->txq[i].xps_state = NT_STATE_OK;
	}
}

static void set_rings(struct nt_iface *ifc, uint32_t rx, uint32_t rx_max,
		      uint32_t tx, uint32_t tx_max)
{
	ifc->rings = (struct nt_rings){
		.state = NT_STATE_OK,
		.present = NT_RING_RX | NT_RING_RX_MAX | NT_RING_TX |
			   NT_RING_TX_MAX,
		.rx = rx, .rx_max = rx_max, .tx = tx, .tx_max = tx_max,
	};
}

static void set_combined(struct nt_iface *ifc, uint32_t cur, uint32_t max)
{
	ifc->channels = (struct nt_channels){
		.state = NT_STATE_OK,
		.present = NT_CHAN_COMBINED | NT_CHAN_COMBINED_MAX |
			   NT_CHAN_RX | NT_CHAN_RX_MAX | NT_CHAN_TX |
			   NT_CHAN_TX_MAX,
		.combined = cur, .combined_max = max,
	};
}

/* The CPU column that counted most interrupts of @irq: where it fires. */
static int busiest_cpu(const struct nt_interrupts *t, uint32_t irq)
{
	for (size_t i = 0; i < t->n; i++) {
		uint32_t best = 0;

		if (t->v[i].irq != (int)irq)
			continue;
		for (uint32_t c = 1; c < t->ncpus; c++)
			if (t->v[i].counts[c] > t->v[i].counts[best])
				best = c;
		return t->cpu_ids[best];
	}
	return -1;
}

/*
 * The NIC's IRQs from the host's /proc/interrupts.  Affinity as a host
 * without irqbalance has it (every CPU), effective affinity where the
 * counts show the IRQ firing.
 */
static void attach_irqs(struct nt_host *h, struct nt_iface *ifc,
			const char *dir)
{
	struct nt_interrupts table;
	char rel[512], all[32];

	snprintf(rel, sizeof(rel), "%s/interrupts", dir);
	load_interrupts(rel, &table);
	assert_int_equal(nt_irq_match_iface(&table, &(struct nt_irq_port){
						.ifname = ifc->name,
						.bus_info = ifc->bus_info },
					    &ifc->irqs, &ifc->n_irqs), 0);
	assert_true(ifc->n_irqs > 0);
	snprintf(all, sizeof(all), "0-%zu", h->n_cpus - 1);
	for (size_t i = 0; i < ifc->n_irqs; i++) {
		struct nt_iface_irq *irq = &ifc->irqs[i];
		int cpu = busiest_cpu(&table, irq->irq);

		set_list(&irq->affinity, all);
		assert_true(cpu >= 0);
		assert_int_equal(nt_cpumask_set(&irq->effective_affinity, cpu),
				 0);
	}
	nt_interrupts_free(&table);
}

static const struct nt_iface_irq *queue_irq(const struct nt_iface *ifc,
					    int queue, const char *type)
{
	for (size_t i = 0; i < ifc->n_irqs; i++) {
		const struct nt_iface_irq *irq = &ifc->irqs[i];
		bool rx = irq->rxq == queue, tx = irq->txq == queue;

		if (nt_irq_is_queue(irq) && (rx || tx) &&
		    (!type || !strcmp(type, rx && tx ? "rxtx" : rx ? "rx" :
				      "tx")))
			return irq;
	}
	fail_msg("%s: no IRQ for queue %d", ifc->name, queue);
	return NULL;
}

static void add_sysctl(struct nt_host *h, const char *name, const char *value)
{
	struct nt_sysctl *v = realloc(h->sysctls,
				      (h->n_sysctls + 1) * sizeof(*v));

	assert_non_null(v);
	h->sysctls = v;
	memset(&v[h->n_sysctls], 0, sizeof(*v));
	v[h->n_sysctls].name = xstrdup(name);
	v[h->n_sysctls].value = value ? xstrdup(value) : NULL;
	v[h->n_sysctls].read_only = false;
	h->n_sysctls++;
}

static void set_sysctl(struct nt_host *h, const char *name, const char *value)
{
	for (size_t i = 0; i < h->n_sysctls; i++) {
		if (strcmp(h->sysctls[i].name, name))
			continue;
		free(h->sysctls[i].value);
		h->sysctls[i].value = xstrdup(value);
		return;
	}
	add_sysctl(h, name, value);
}

/* The 82599 port eth4 (82:00.0, socket 1) and the i350 port eth0. */
static void host_e5_2640(struct nt_host *h)
{
	struct nt_iface *ifc;

	load_topology(h, E5_2640);
	ifc = add_iface(h, "eth0", "igb", 0);
	set_rings(ifc, 256, 4096, 256, 4096);
	set_combined(ifc, 8, 8);
	set_queues(ifc, 8, 8);
	attach_irqs(h, ifc, E5_2640);
	ifc = add_iface(h, "eth4", "ixgbe", 1);
	set_rings(ifc, 256, 4096, 256, 4096);
	set_combined(ifc, 32, 63);
	set_queues(ifc, 32, 32);
	attach_irqs(h, ifc, E5_2640);
}

/* Profiles: entries on consecutive lines from FIRST_LINE. */
static void pset(struct nt_profile *p, const char *section, const char *match,
		 const char *key, const char *value)
{
	struct nt_profile_entry *v = realloc(p->v, (p->n + 1) * sizeof(*v));
	struct nt_profile_entry *e;

	assert_non_null(v);
	p->v = v;
	e = &v[p->n];
	memset(e, 0, sizeof(*e));
	snprintf(e->section, sizeof(e->section), "%s", section);
	snprintf(e->match, sizeof(e->match), "%s", match);
	snprintf(e->key, sizeof(e->key), "%s", key);
	snprintf(e->value, sizeof(e->value), "%s", value);
	snprintf(e->file, sizeof(e->file), "%s", CONF);
	e->line = FIRST_LINE + p->n;
	p->n++;
}

static void reset_profile(struct t *t)
{
	free(t->prof.v);
	t->prof.v = NULL;
	t->prof.n = 0;
}

static void make(struct t *t, const char *const *ifaces)
{
	nt_plan_free(&t->plan);
	nt_err_clear(&t->err);
	if (nt_plan_make(&t->prof, &t->host, ifaces, &t->plan, &t->err))
		fail_msg("nt_plan_make: %s", t->err.msg);
}

static void make_fails(struct t *t, const char *msg)
{
	nt_plan_free(&t->plan);
	nt_err_clear(&t->err);
	assert_int_equal(nt_plan_make(&t->prof, &t->host, NULL, &t->plan,
				      &t->err), -EINVAL);
	assert_string_equal(t->err.msg, msg);
	assert_int_equal(t->plan.n, 0);
	assert_null(t->plan.v);
}

static const struct nt_change *find(const struct nt_plan *plan,
				    const char *knob, const char *subject)
{
	for (size_t i = 0; i < plan->n; i++)
		if (!strcmp(plan->v[i].knob, knob) &&
		    !strcmp(plan->v[i].subject, subject))
			return &plan->v[i];
	return NULL;
}

static const struct nt_change *must_find(const struct nt_plan *plan,
					 const char *knob,
					 const char *subject)
{
	const struct nt_change *c = find(plan, knob, subject);

	if (!c)
		fail_msg("no %s change for %s", knob, subject);
	return c;
}

static size_t count(const struct nt_plan *plan, const char *knob,
		    const char *prefix)
{
	size_t n = 0;

	for (size_t i = 0; i < plan->n; i++)
		if (!strcmp(plan->v[i].knob, knob) &&
		    !strncmp(plan->v[i].subject, prefix, strlen(prefix)))
			n++;
	return n;
}

static void check(const struct nt_change *c, const char *current,
		  const char *target)
{
	assert_string_equal(c->current, current);
	assert_string_equal(c->target, target);
}

/* The single CPU an irq.affinity change targets. */
static int irq_target_cpu(const struct nt_plan *plan, const char *ifname,
			  const struct nt_iface_irq *irq)
{
	char subject[64];
	const struct nt_change *c;
	int cpu;

	snprintf(subject, sizeof(subject), "%s irq %u", ifname, irq->irq);
	c = must_find(plan, "irq.affinity", subject);
	assert_int_equal(sscanf(c->target, "%d", &cpu), 1);
	assert_null(strpbrk(c->target, ",-"));
	return cpu;
}

static int setup(void **state)
{
	struct t *t = xcalloc(1, sizeof(*t));

	snprintf(t->prof.name, sizeof(t->prof.name), "test");
	snprintf(t->prof.path, sizeof(t->prof.path), "%s", CONF);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct t *t = *state;

	if (t->path[0]) {
		unlink(t->path);
		rmdir(t->dir);
	}
	nt_plan_free(&t->plan);
	free(t->prof.v);
	nt_host_free(&t->host);
	free(t);
	return 0;
}

/* spread-local on two HT sockets: node 1's first threads, its siblings, node 0. */
static void test_spread_local_ht(void **state)
{
	struct t *t = *state;
	const struct nt_iface *eth4;
	bool used[32] = { false };

	host_e5_2640(&t->host);
	eth4 = nt_host_iface(&t->host, "eth4");
	pset(&t->prof, "irq", "", "affinity", "spread-local");
	make(t, NULL);

	assert_int_equal(count(&t->plan, "irq.affinity", "eth4 "), 32);
	for (int q = 0; q < 32; q++) {
		int cpu = irq_target_cpu(&t->plan, "eth4",
					 queue_irq(eth4, q, NULL));
		/* 8-15 and 24-31 are node 1; 24-31 are siblings of 8-15. */
		int want = q < 8 ? 8 + q : q < 16 ? 24 + q - 8 :
			   q < 24 ? q - 16 : 16 + q - 24;

		if (cpu != want)
			fail_msg("eth4 queue %d on CPU %d, want %d", q, cpu,
				 want);
		assert_false(used[cpu]);
		used[cpu] = true;
	}
	/* The link IRQ "eth4" is no queue IRQ: left alone. */
	assert_null(find(&t->plan, "irq.affinity", "eth4 irq 174"));
	check(must_find(&t->plan, "irq.affinity", "eth4 irq 142"), "0-31", "8");
	assert_string_equal(must_find(&t->plan, "irq.affinity",
				      "eth4 irq 142")->reason,
			    "test test.conf:10: irq affinity = spread-local: queue 0, node 1 first");
	/* eth0 sits on node 0: its 8 queues on 0-7, no sibling used. */
	for (int q = 0; q < 8; q++)
		assert_int_equal(irq_target_cpu(&t->plan, "eth0",
				 queue_irq(nt_host_iface(&t->host, "eth0"),
					   q, NULL)), q);
}

/* More queues than local CPUs: the other node's CPUs next, then around. */
static void test_spread_local_other_node(void **state)
{
	struct t *t = *state;
	struct nt_iface *ifc;

	load_topology(&t->host, E5645);
	ifc = add_iface(&t->host, "eth0", "ixgbe", 1);
	set_queues(ifc, 8, 8);
	attach_irqs(&t->host, ifc, E5645);
	pset(&t->prof, "irq", "", "affinity", "spread-local");
	make(t, NULL);

	assert_int_equal(count(&t->plan, "irq.affinity", "eth0 "), 8);
	for (int q = 0; q < 8; q++) {
		int cpu = irq_target_cpu(&t->plan, "eth0",
					 queue_irq(ifc, q, NULL));

		assert_int_equal(cpu, q < 6 ? 6 + q : q - 6);
	}
}

/* "spread": no node preference, first threads of all cores, then siblings. */
static void test_spread_ignores_node(void **state)
{
	struct t *t = *state;
	const struct nt_iface *eth4;

	host_e5_2640(&t->host);
	eth4 = nt_host_iface(&t->host, "eth4");
	pset(&t->prof, "irq", "eth4", "affinity", "spread");
	make(t, NULL);

	assert_int_equal(count(&t->plan, "irq.affinity", ""), 32);
	for (int q = 0; q < 32; q++)
		assert_int_equal(irq_target_cpu(&t->plan, "eth4",
						queue_irq(eth4, q, NULL)), q);
}

/* A NIC whose node the kernel does not know: spread-local is spread. */
static void test_spread_local_unknown_node(void **state)
{
	struct t *t = *state;
	struct nt_iface *eth4;

	host_e5_2640(&t->host);
	eth4 = nt_host_iface(&t->host, "eth4");
	eth4->numa_node = -1;
	pset(&t->prof, "irq", "eth4", "affinity", "spread-local");
	make(t, NULL);
	for (int q = 0; q < 32; q++)
		assert_int_equal(irq_target_cpu(&t->plan, "eth4",
						queue_irq(eth4, q, NULL)), q);
}

/* Queue IRQs "IF-TxRx-N" numbered from @first, affinity every CPU. */
static void add_queue_irqs(struct nt_host *h, struct nt_iface *ifc,
			   uint32_t first, int n)
{
	char all[32], name[64];

	snprintf(all, sizeof(all), "0-%zu", h->n_cpus - 1);
	ifc->irqs = xcalloc(n, sizeof(*ifc->irqs));
	ifc->n_irqs = n;
	for (int q = 0; q < n; q++) {
		struct nt_iface_irq *irq = &ifc->irqs[q];

		snprintf(name, sizeof(name), "%s-TxRx-%d", ifc->name, q);
		irq->name = xstrdup(name);
		irq->irq = first + q;
		irq->node = -1;
		assert_true(nt_irq_parse_name(name, ifc->name, irq));
		set_list(&irq->affinity, all);
	}
}

/*
 * Siblings numbered next to each other, as QEMU enumerates
 * -smp 8,sockets=2,cores=2,threads=2: first threads 4 and 6 of node 1,
 * then their siblings 5 and 7, then node 0 the same way.
 */
static void test_spread_adjacent_siblings(void **state)
{
	static const int local[] = { 4, 6, 5, 7, 0, 2, 1, 3, 4 };
	static const int any[] = { 0, 2, 4, 6, 1, 3, 5, 7 };
	struct t *t = *state;
	struct nt_iface *ifc;
	struct row rows[8];

	for (int c = 0; c < 8; c++)
		rows[c] = (struct row){ c, c / 2 % 2, c / 4, c / 4 };
	host_from_rows(&t->host, rows, 8);
	ifc = add_iface(&t->host, "eth0", "virtio_net", 1);
	add_queue_irqs(&t->host, ifc, 40, 9);
	pset(&t->prof, "irq", "", "affinity", "spread-local");
	make(t, NULL);
	for (int q = 0; q < 9; q++)
		assert_int_equal(irq_target_cpu(&t->plan, "eth0",
						queue_irq(ifc, q, NULL)),
				 local[q]);

	reset_profile(t);
	pset(&t->prof, "irq", "", "affinity", "spread");
	make(t, NULL);
	for (int q = 0; q < 8; q++)
		assert_int_equal(irq_target_cpu(&t->plan, "eth0",
						queue_irq(ifc, q, NULL)),
				 any[q]);
}

/* rx-N and tx-N IRQs of igb/e1000e are queue IRQs too, one CPU each. */
static void test_spread_separate_rx_tx(void **state)
{
	struct t *t = *state;
	struct nt_iface *ifc;

	load_topology(&t->host, E5530);
	ifc = add_iface(&t->host, "eth0", "e1000e", 1);
	set_queues(ifc, 1, 1);
	attach_irqs(&t->host, ifc, E5530);
	pset(&t->prof, "irq", "", "affinity", "spread-local");
	make(t, NULL);

	/* Node 1 holds the odd CPUs: rx-0 (IRQ 77) first, tx-0 (78) next. */
	assert_int_equal(count(&t->plan, "irq.affinity", ""), 2);
	check(must_find(&t->plan, "irq.affinity", "eth0 irq 77"), "0-15", "1");
	check(must_find(&t->plan, "irq.affinity", "eth0 irq 78"), "0-15", "3");
}

static void test_irq_cpulist(void **state)
{
	struct t *t = *state;

	host_e5_2640(&t->host);
	pset(&t->prof, "irq", "", "affinity", "2-3");
	make(t, NULL);
	assert_int_equal(count(&t->plan, "irq.affinity", "eth4 "), 32);
	assert_int_equal(count(&t->plan, "irq.affinity", "eth0 "), 8);
	for (size_t i = 0; i < t->plan.n; i++)
		check(&t->plan.v[i], "0-31", "2-3");
	assert_null(find(&t->plan, "irq.affinity", "eth4 irq 174"));

	reset_profile(t);
	pset(&t->prof, "irq", "", "affinity", "0-63");
	make_fails(t, CONF ":10: [irq] affinity: CPU 32 is not online on this host");
}

/* Copy every change's target into the host, as apply would. */
static void apply_to_host(struct nt_host *h, const struct nt_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct nt_change *c = &plan->v[i];
		char name[64];
		unsigned int n, irq;
		struct nt_iface *ifc;

		sscanf(c->subject, "%63s", name);
		ifc = nt_host_iface(h, name);
		if (!strcmp(c->knob, "sysctl")) {
			set_sysctl(h, c->subject, c->target);
		} else if (!strcmp(c->knob, "rings.rx")) {
			ifc->rings.rx = atoi(c->target);
		} else if (!strcmp(c->knob, "rings.tx")) {
			ifc->rings.tx = atoi(c->target);
		} else if (!strcmp(c->knob, "irq.affinity")) {
			assert_int_equal(sscanf(c->subject, "%*s irq %u", &irq), 1);
			/* A single CPU: the kernel fires where it is told. */
			for (size_t k = 0; k < ifc->n_irqs; k++) {
				if (ifc->irqs[k].irq != irq)
					continue;
				set_list(&ifc->irqs[k].affinity, c->target);
				set_list(&ifc->irqs[k].effective_affinity,
					 c->target);
			}
		} else if (!strcmp(c->knob, "rps.cpus")) {
			assert_int_equal(sscanf(c->subject, "%*s rx-%u", &n), 1);
			set_list(&ifc->rxq[n].rps_cpus, c->target);
		} else if (!strcmp(c->knob, "rps.flow_cnt")) {
			assert_int_equal(sscanf(c->subject, "%*s rx-%u", &n), 1);
			ifc->rxq[n].rps_flow_cnt = atoi(c->target);
		} else if (!strcmp(c->knob, "xps.cpus")) {
			assert_int_equal(sscanf(c->subject, "%*s tx-%u", &n), 1);
			set_list(&ifc->txq[n].xps_cpus, c->target);
		} else if (!strcmp(c->knob, "txqlen")) {
			ifc->txqlen = atoi(c->target);
		} else if (!strcmp(c->knob, "qdisc")) {
			sscanf(c->target, "%31s", ifc->qdisc);
		} else {
			fail_msg("unexpected knob %s", c->knob);
		}
	}
}

static void full_profile(struct nt_profile *p)
{
	pset(p, "congestion", "", "qdisc", "fq");
	pset(p, "rings", "", "rx", "max");
	pset(p, "rings", "", "tx", "max 1024");
	pset(p, "irq", "", "affinity", "spread-local");
	pset(p, "rps", "", "cpus", "auto");
	pset(p, "rps", "", "flow_cnt", "2048");
	pset(p, "xps", "", "cpus", "match-irq");
	pset(p, "qdisc", "", "txqlen", "10000");
	pset(p, "qdisc", "", "root", "fq_codel");
	pset(p, "sysctl", "", "net.core.somaxconn", "4096");
	pset(p, "congestion", "", "algorithm", "bbr, cubic");
}

static void sysctls_e5_2640(struct nt_host *h)
{
	add_sysctl(h, "net.core.somaxconn", "128");
	add_sysctl(h, "net.core.default_qdisc", "pfifo_fast");
	add_sysctl(h, "net.ipv4.tcp_congestion_control", "reno");
	add_sysctl(h, "net.ipv4.tcp_available_congestion_control",
		   "reno cubic");
}

/* A host that already is what the profile says needs nothing. */
static void test_unchanged_no_change(void **state)
{
	struct t *t = *state;

	host_e5_2640(&t->host);
	sysctls_e5_2640(&t->host);
	full_profile(&t->prof);
	make(t, NULL);
	assert_true(t->plan.n > 100);
	apply_to_host(&t->host, &t->plan);
	make(t, NULL);
	for (size_t i = 0; i < t->plan.n; i++)
		print_message("# left: %s %s %s -> %s\n", t->plan.v[i].knob,
			      t->plan.v[i].subject, t->plan.v[i].current,
			      t->plan.v[i].target);
	assert_int_equal(t->plan.n, 0);
}

static int kind_rank(const char *knob)
{
	static const char *const order[] = {
		"sysctl", "rings.rx", "channels.combined", "irq.affinity",
		"rps.cpus", "rps.flow_cnt", "xps.cpus", "txqlen", "qdisc",
	};

	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		if (!strcmp(order[i], knob))
			return i;
	if (!strcmp(knob, "rings.tx"))
		return 1;
	if (!strncmp(knob, "channels.", 9))
		return 2;
	fail_msg("unexpected knob %s", knob);
	return -1;
}

/* Apply order: kinds in sequence, interfaces and queues in order within. */
static void test_order_of_kinds(void **state)
{
	struct t *t = *state;
	int last = -1;

	host_e5_2640(&t->host);
	sysctls_e5_2640(&t->host);
	full_profile(&t->prof);
	pset(&t->prof, "channels", "", "combined", "local-cores");
	make(t, NULL);

	for (size_t i = 0; i < t->plan.n; i++) {
		int rank = kind_rank(t->plan.v[i].knob);

		if (rank < last)
			fail_msg("%s after a later kind", t->plan.v[i].knob);
		last = rank;
	}
	assert_int_equal(last, kind_rank("qdisc"));
	/* Sysctls in profile order, whichever section set them. */
	assert_string_equal(t->plan.v[0].subject, "net.core.default_qdisc");
	assert_string_equal(t->plan.v[1].subject, "net.core.somaxconn");
	assert_string_equal(t->plan.v[2].subject, "net.ipv4.tcp_congestion_control");
	/* Within a kind: eth0 before eth4, queue order within eth4. */
	for (size_t i = 1; i < t->plan.n; i++) {
		const struct nt_change *a = &t->plan.v[i - 1];
		const struct nt_change *b = &t->plan.v[i];
		unsigned int qa, qb;

		if (strcmp(a->knob, "rps.cpus") || strcmp(b->knob, "rps.cpus"))
			continue;
		if (sscanf(a->subject, "eth4 rx-%u", &qa) == 1 &&
		    sscanf(b->subject, "eth4 rx-%u", &qb) == 1)
			assert_true(qa < qb);
	}
	assert_true(find(&t->plan, "rings.rx", "eth0") <
		    find(&t->plan, "rings.rx", "eth4"));
	assert_true(find(&t->plan, "rings.tx", "eth0") <
		    find(&t->plan, "rings.tx", "eth4"));
}

/* A single-queue NIC: RPS over its node's CPUs, without the rx IRQ's CPU. */
static void test_rps_auto_single_queue(void **state)
{
	struct t *t = *state;
	struct nt_cpumask mask = { 0 };
	struct nt_iface *ifc;

	load_topology(&t->host, E5530);
	ifc = add_iface(&t->host, "eth0", "e1000e", 1);
	set_queues(ifc, 1, 1);
	attach_irqs(&t->host, ifc, E5530);
	/* eth0-rx-0 fires on CPU 1, eth0-tx-0 on CPU 3 (the counts say). */
	assert_true(nt_cpumask_test(&queue_irq(ifc, 0, "rx")->effective_affinity, 1));
	pset(&t->prof, "rps", "", "cpus", "auto");
	make(t, NULL);

	assert_int_equal(t->plan.n, 1);
	check(must_find(&t->plan, "rps.cpus", "eth0 rx-0"), "",
	      "3,5,7,9,11,13,15");
	assert_string_equal(t->plan.v[0].reason,
			    "test test.conf:10: rps cpus = auto: CPUs of node 1 except IRQ CPUs 1");
	set_list(&mask, t->plan.v[0].target);
	assert_false(nt_cpumask_test(&mask, 1));
	for (int c = nt_cpumask_next(&mask, 0); c >= 0;
	     c = nt_cpumask_next(&mask, c + 1))
		assert_int_equal(t->host.cpus[c].node, 1);
	nt_cpumask_free(&mask);

	/* The IRQ the plan moves counts, not where it fires today. */
	pset(&t->prof, "irq", "", "affinity", "5");
	make(t, NULL);
	check(must_find(&t->plan, "rps.cpus", "eth0 rx-0"), "",
	      "1,3,7,9,11,13,15");
}

/* Every local CPU takes an IRQ: RPS keeps them all rather than none. */
static void test_rps_auto_never_empty(void **state)
{
	struct t *t = *state;
	struct nt_iface *ifc;

	load_topology(&t->host, E5530);
	ifc = add_iface(&t->host, "eth0", "e1000e", 1);
	set_queues(ifc, 1, 1);
	attach_irqs(&t->host, ifc, E5530);
	pset(&t->prof, "rps", "", "cpus", "auto");
	pset(&t->prof, "irq", "", "affinity", "1,3,5,7,9,11,13,15");
	make(t, NULL);
	check(must_find(&t->plan, "rps.cpus", "eth0 rx-0"), "",
	      "1,3,5,7,9,11,13,15");
}

/* A queue per CPU already: auto leaves RPS alone. */
static void test_rps_auto_multiqueue(void **state)
{
	struct t *t = *state;
	struct nt_iface *ifc;

	load_topology(&t->host, E5645);
	ifc = add_iface(&t->host, "eth0", "ixgbe", 0);
	set_queues(ifc, 8, 8);
	attach_irqs(&t->host, ifc, E5645);
	set_list(&ifc->rxq[3].rps_cpus, "0-5");
	pset(&t->prof, "rps", "", "cpus", "auto");
	make(t, NULL);
	assert_int_equal(t->plan.n, 0);
}

/* 2 x 16 cores x 2 threads, the usual numbering: CPU 32 is CPU 0's sibling. */
static void host_64(struct nt_host *h)
{
	struct row rows[64];

	for (int c = 0; c < 64; c++)
		rows[c] = (struct row){ c, c % 16, c / 16 % 2, c / 16 % 2 };
	host_from_rows(h, rows, 64);
}

/*
 * Masks are CPU lists, CPU 0 the lowest: {0,1} is "0-1" and CPU 32 is
 * "32", whatever the kernel's hex form looked like.
 */
static void test_rps_lists(void **state)
{
	struct t *t = *state;
	struct nt_iface *ifc;

	host_64(&t->host);
	ifc = add_iface(&t->host, "eth0", "ixgbe", 0);
	set_queues(ifc, 2, 2);
	assert_int_equal(nt_cpumask_parse_hex(&ifc->rxq[0].rps_cpus,
					      "00000000,00000001,00000000"), 0);
	assert_int_equal(nt_cpumask_parse_hex(&ifc->rxq[1].rps_cpus, "3"), 0);

	pset(&t->prof, "rps", "", "cpus", "0-1");
	make(t, NULL);
	assert_int_equal(t->plan.n, 1);
	check(must_find(&t->plan, "rps.cpus", "eth0 rx-0"), "32", "0-1");

	reset_profile(t);
	pset(&t->prof, "rps", "", "cpus", "32");
	make(t, NULL);
	assert_int_equal(t->plan.n, 1);
	check(must_find(&t->plan, "rps.cpus", "eth0 rx-1"), "0-1", "32");

	reset_profile(t);
	pset(&t->prof, "rps", "", "cpus", "off");
	make(t, NULL);
	assert_int_equal(t->plan.n, 2);
	check(must_find(&t->plan, "rps.cpus", "eth0 rx-0"), "32", "");
	check(must_find(&t->plan, "rps.cpus", "eth0 rx-1"), "0-1", "");
	assert_string_equal(t->plan.v[0].reason,
			    "test test.conf:10: rps cpus = off");
}

/* auto on node 0 of the 64-CPU host, the rx IRQ on CPU 32. */
static void test_rps_auto_high_cpus(void **state)
{
	struct t *t = *state;
	struct nt_iface *ifc;

	host_64(&t->host);
	ifc = add_iface(&t->host, "eth0", "e1000e", 0);
	set_queues(ifc, 1, 1);
	ifc->irqs = xcalloc(1, sizeof(*ifc->irqs));
	ifc->n_irqs = 1;
	ifc->irqs[0] = (struct nt_iface_irq){ .irq = 40, .rxq = -1,
					      .txq = -1, .node = -1 };
	ifc->irqs[0].name = xstrdup("eth0");
	set_list(&ifc->irqs[0].affinity, "32");
	pset(&t->prof, "rps", "", "cpus", "auto");
	make(t, NULL);
	check(must_find(&t->plan, "rps.cpus", "eth0 rx-0"), "", "0-15,33-47");

	/* On node 1 the IRQ's CPU is not local: the whole node. */
	reset_profile(t);
	ifc->numa_node = 1;
	pset(&t->prof, "rps", "", "cpus", "auto");
	make(t, NULL);
	check(must_find(&t->plan, "rps.cpus", "eth0 rx-0"), "",
	      "16-31,48-63");
	assert_string_equal(t->plan.v[0].reason,
			    "test test.conf:10: rps cpus = auto: CPUs of node 1");
}

static void test_rps_flow_cnt(void **state)
{
	struct t *t = *state;
	struct nt_iface *ifc;

	host_e5_2640(&t->host);
	ifc = nt_host_iface(&t->host, "eth0");
	ifc->rxq[2].rps_flow_cnt = 4096;
	pset(&t->prof, "rps", "eth0", "flow_cnt", "4096");
	make(t, NULL);
	assert_int_equal(t->plan.n, 7);
	check(must_find(&t->plan, "rps.flow_cnt", "eth0 rx-0"), "0", "4096");
	assert_null(find(&t->plan, "rps.flow_cnt", "eth0 rx-2"));
	assert_string_equal(t->plan.v[0].reason,
			    "test test.conf:10: rps flow_cnt = 4096");
}

/* XPS follows the IRQ the plan gives each queue. */
static void test_xps_match_irq_planned(void **state)
{
	struct t *t = *state;
	const struct nt_iface *eth4;

	host_e5_2640(&t->host);
	eth4 = nt_host_iface(&t->host, "eth4");
	pset(&t->prof, "irq", "", "affinity", "spread-local");
	pset(&t->prof, "xps", "", "cpus", "match-irq");
	make(t, NULL);
	assert_int_equal(count(&t->plan, "xps.cpus", "eth4 "), 32);
	for (int q = 0; q < 32; q++) {
		char subject[32], want[8];

		snprintf(subject, sizeof(subject), "eth4 tx-%d", q);
		snprintf(want, sizeof(want), "%d",
			 irq_target_cpu(&t->plan, "eth4",
					queue_irq(eth4, q, NULL)));
		check(must_find(&t->plan, "xps.cpus", subject), "", want);
	}
}

/* Without an IRQ plan: where each queue IRQ fires now. */
static void test_xps_match_irq_current(void **state)
{
	struct t *t = *state;

	host_e5_2640(&t->host);
	pset(&t->prof, "xps", "eth4", "cpus", "match-irq");
	make(t, NULL);
	assert_int_equal(t->plan.n, 32);
	/* eth4-TxRx-0 counts on CPU 16, -1 on 17, -31 on 15. */
	check(must_find(&t->plan, "xps.cpus", "eth4 tx-0"), "", "16");
	check(must_find(&t->plan, "xps.cpus", "eth4 tx-1"), "", "17");
	check(must_find(&t->plan, "xps.cpus", "eth4 tx-31"), "", "15");
	assert_string_equal(must_find(&t->plan, "xps.cpus",
				      "eth4 tx-0")->reason,
			    "test test.conf:10: xps cpus = match-irq: CPUs of IRQ 142");
}

/* veth: channels, RPS and XPS, never rings or IRQs. */
static void test_veth(void **state)
{
	struct t *t = *state;
	struct nt_iface *veth;

	host_e5_2640(&t->host);
	veth = add_iface(&t->host, "veth0", "veth", -1);
	veth->is_virtual = true;
	snprintf(veth->qdisc, sizeof(veth->qdisc), "noqueue");
	/* Whatever a driver reports: virtual devices have no rings. */
	set_rings(veth, 256, 4096, 256, 4096);
	veth->channels = (struct nt_channels){
		.state = NT_STATE_OK,
		.present = NT_CHAN_RX | NT_CHAN_RX_MAX | NT_CHAN_TX |
			   NT_CHAN_TX_MAX | NT_CHAN_COMBINED |
			   NT_CHAN_COMBINED_MAX,
		.rx = 1, .rx_max = 32, .tx = 1, .tx_max = 32,
	};
	set_queues(veth, 1, 1);
	set_list(&veth->txq[0].xps_cpus, "0-1");
	pset(&t->prof, "rings", "veth*", "rx", "max");
	pset(&t->prof, "irq", "veth*", "affinity", "spread-local");
	pset(&t->prof, "channels", "veth*", "combined", "local-cores");
	pset(&t->prof, "channels", "veth*", "rx", "local-cores");
	pset(&t->prof, "rps", "veth*", "cpus", "auto");
	pset(&t->prof, "xps", "veth*", "cpus", "match-irq");
	make(t, NULL);

	/* No combined channels; no IRQs for match-irq to follow. */
	assert_int_equal(t->plan.n, 1);
	check(must_find(&t->plan, "channels.rx", "veth0"), "1", "32");
	/* 32 rx queues once applied: no longer fewer than CPUs, no RPS. */
	assert_null(find(&t->plan, "rps.cpus", "veth0 rx-0"));

	/* rps "auto" is for NICs: a veth keeps its mask unless the profile
	 * names CPUs */
	reset_profile(t);
	pset(&t->prof, "rps", "veth*", "cpus", "auto");
	pset(&t->prof, "xps", "veth*", "cpus", "off");
	pset(&t->prof, "rings", "", "rx", "max");
	make(t, (const char *const[]){ "veth0", NULL });
	assert_int_equal(t->plan.n, 1);
	assert_null(find(&t->plan, "rps.cpus", "veth0 rx-0"));
	check(must_find(&t->plan, "xps.cpus", "veth0 tx-0"), "0-1", "");

	reset_profile(t);
	pset(&t->prof, "rps", "veth*", "cpus", "0-31");
	make(t, (const char *const[]){ "veth0", NULL });
	assert_int_equal(t->plan.n, 1);
	check(must_find(&t->plan, "rps.cpus", "veth0 rx-0"), "", "0-31");
}

static void test_rings(void **state)
{
	struct t *t = *state;

	host_e5_2640(&t->host);
	pset(&t->prof, "rings", "eth4", "rx", "max");
	pset(&t->prof, "rings", "eth4", "tx", "max 1024");
	pset(&t->prof, "rings", "eth0", "rx", "2048");
	pset(&t->prof, "rings", "eth0", "tx", "max 8192");
	make(t, NULL);
	assert_int_equal(t->plan.n, 4);
	check(must_find(&t->plan, "rings.rx", "eth4"), "256", "4096");
	check(must_find(&t->plan, "rings.tx", "eth4"), "256", "1024");
	check(must_find(&t->plan, "rings.rx", "eth0"), "256", "2048");
	check(must_find(&t->plan, "rings.tx", "eth0"), "256", "4096");
	assert_string_equal(must_find(&t->plan, "rings.rx", "eth4")->reason,
			    "test test.conf:10: rings rx = max: driver maximum 4096");
	assert_string_equal(must_find(&t->plan, "rings.tx", "eth0")->reason,
			    "test test.conf:13: rings tx = max 8192: driver maximum 4096");

	reset_profile(t);
	pset(&t->prof, "rings", "", "rx", "1024");
	pset(&t->prof, "rings", "eth4", "rx", "8192");
	make_fails(t, CONF ":11: eth4: ring rx 8192 exceeds driver maximum 4096");
}

/* Already at the target, or rings the driver does not report: nothing. */
static void test_rings_unchanged(void **state)
{
	struct t *t = *state;
	struct nt_iface *ifc;

	host_e5_2640(&t->host);
	nt_host_iface(&t->host, "eth0")->rings.rx = 4096;
	ifc = nt_host_iface(&t->host, "eth4");
	ifc->rings.state = NT_STATE_UNSUPPORTED;
	pset(&t->prof, "rings", "", "rx", "max");
	make(t, NULL);
	assert_int_equal(t->plan.n, 0);
}

static void test_channels_local_cores(void **state)
{
	struct t *t = *state;

	host_e5_2640(&t->host);
	pset(&t->prof, "channels", "", "combined", "local-cores");
	make(t, NULL);
	/* eth4: 16 CPUs on node 1.  eth0: 16 on node 0, capped at its 8. */
	assert_int_equal(t->plan.n, 1);
	check(must_find(&t->plan, "channels.combined", "eth4"), "32", "16");
	assert_string_equal(t->plan.v[0].reason,
			    "test test.conf:10: channels combined = local-cores: 16 CPUs of node 1");

	nt_host_iface(&t->host, "eth4")->numa_node = -1;
	make(t, NULL);
	assert_int_equal(t->plan.n, 0);	/* all 32 CPUs: as it is */

	nt_host_iface(&t->host, "eth4")->channels.combined_max = 24;
	make(t, NULL);
	check(must_find(&t->plan, "channels.combined", "eth4"), "32", "24");
}

static void test_channels_kinds(void **state)
{
	struct t *t = *state;
	struct nt_iface *ifc;

	host_e5_2640(&t->host);
	/* rx and tx channels only, no combined ones. */
	ifc = nt_host_iface(&t->host, "eth0");
	ifc->channels.present = NT_CHAN_RX | NT_CHAN_RX_MAX | NT_CHAN_TX |
				NT_CHAN_TX_MAX;
	ifc->channels.rx = ifc->channels.tx = 2;
	ifc->channels.rx_max = ifc->channels.tx_max = 4;
	pset(&t->prof, "channels", "eth0", "combined", "max");
	pset(&t->prof, "channels", "eth0", "rx", "max");
	make(t, NULL);
	assert_int_equal(t->plan.n, 1);
	check(must_find(&t->plan, "channels.rx", "eth0"), "2", "4");

	reset_profile(t);
	pset(&t->prof, "channels", "", "combined", "64");
	make_fails(t, CONF ":10: eth4: channels combined 64 exceeds driver maximum 63");
}

/* Fewer channels: nothing is planned for the queues that will vanish. */
static void test_channels_fewer_queues(void **state)
{
	struct t *t = *state;

	host_e5_2640(&t->host);
	pset(&t->prof, "channels", "eth4", "combined", "8");
	pset(&t->prof, "irq", "eth4", "affinity", "spread-local");
	pset(&t->prof, "xps", "eth4", "cpus", "off");
	pset(&t->prof, "rps", "eth4", "flow_cnt", "1024");
	make(t, NULL);
	check(must_find(&t->plan, "channels.combined", "eth4"), "32", "8");
	assert_int_equal(count(&t->plan, "irq.affinity", "eth4 "), 8);
	assert_int_equal(count(&t->plan, "rps.flow_cnt", "eth4 "), 8);
	assert_null(find(&t->plan, "rps.flow_cnt", "eth4 rx-8"));
	/* xps is already empty: off changes nothing. */
	assert_int_equal(count(&t->plan, "xps.cpus", ""), 0);
}

static void test_congestion_first_available(void **state)
{
	struct t *t = *state;

	add_sysctl(&t->host, "net.ipv4.tcp_congestion_control", "reno");
	add_sysctl(&t->host, "net.ipv4.tcp_available_congestion_control",
		   "reno\tcubic");
	pset(&t->prof, "congestion", "", "algorithm", "bbr, cubic");
	make(t, NULL);
	assert_int_equal(t->plan.n, 1);
	check(must_find(&t->plan, "sysctl", "net.ipv4.tcp_congestion_control"),
	      "reno", "cubic");
	assert_string_equal(t->plan.v[0].reason,
			    "test test.conf:10: congestion algorithm = bbr, cubic: cubic is the first available");

	/* Once bbr's module is loaded the kernel lists it. */
	set_sysctl(&t->host, "net.ipv4.tcp_available_congestion_control",
		   "reno cubic bbr");
	make(t, NULL);
	check(must_find(&t->plan, "sysctl", "net.ipv4.tcp_congestion_control"),
	      "reno", "bbr");

	set_sysctl(&t->host, "net.ipv4.tcp_congestion_control", "bbr");
	make(t, NULL);
	assert_int_equal(t->plan.n, 0);
}

static void test_congestion_none_available(void **state)
{
	struct t *t = *state;

	add_sysctl(&t->host, "net.ipv4.tcp_congestion_control", "reno");
	add_sysctl(&t->host, "net.ipv4.tcp_available_congestion_control",
		   "reno  cubic");
	pset(&t->prof, "congestion", "", "algorithm", "bbr, htcp");
	make_fails(t, CONF ":10: none of bbr, htcp is available (available: reno cubic)");
}

/* qdisc = fq sets net.core.default_qdisc, unless the netns has none. */
static void test_congestion_qdisc(void **state)
{
	struct t *t = *state;

	add_sysctl(&t->host, "net.core.default_qdisc", "pfifo_fast");
	pset(&t->prof, "congestion", "", "qdisc", "fq");
	make(t, NULL);
	assert_int_equal(t->plan.n, 1);
	check(must_find(&t->plan, "sysctl", "net.core.default_qdisc"),
	      "pfifo_fast", "fq");
	assert_string_equal(t->plan.v[0].reason,
			    "test test.conf:10: congestion qdisc = fq");

	nt_host_free(&t->host);
	add_sysctl(&t->host, "net.core.default_qdisc", NULL);
	make(t, NULL);
	assert_int_equal(t->plan.n, 0);
}

static void test_sysctl(void **state)
{
	struct t *t = *state;

	add_sysctl(&t->host, "net.core.somaxconn", "128");
	add_sysctl(&t->host, "net.ipv4.tcp_rmem", "4096\t131072\t6291456");
	add_sysctl(&t->host, "net.core.netdev_max_backlog", "1000");
	/* Read but absent (a netns), and never read at all. */
	add_sysctl(&t->host, "net.netfilter.nf_conntrack_max", NULL);
	pset(&t->prof, "sysctl", "", "net.ipv4.tcp_rmem", "4096 131072 6291456");
	pset(&t->prof, "sysctl", "", "net.core.somaxconn", "4096");
	pset(&t->prof, "sysctl", "", "net.netfilter.nf_conntrack_max", "262144");
	pset(&t->prof, "sysctl", "", "net.core.rmem_max", "16777216");
	pset(&t->prof, "sysctl", "", "net.core.netdev_max_backlog", "1000");
	pset(&t->prof, "sysctl", "", "net.ipv4.tcp_wmem", "4096\t16384 4194304");
	make(t, NULL);
	assert_int_equal(t->plan.n, 1);
	check(&t->plan.v[0], "128", "4096");
	assert_string_equal(t->plan.v[0].knob, "sysctl");
	assert_string_equal(t->plan.v[0].subject, "net.core.somaxconn");
	assert_string_equal(t->plan.v[0].reason,
			    "test test.conf:11: sysctl net.core.somaxconn = 4096");

	/* The host's own text is the current value, tabs and all. */
	reset_profile(t);
	pset(&t->prof, "sysctl", "", "net.ipv4.tcp_rmem", "4096 262144 16777216");
	make(t, NULL);
	/* the kernel's tabs become spaces in the plan */
	check(&t->plan.v[0], "4096 131072 6291456", "4096 262144 16777216");
}

/* Later entries win: per key, across matches, across sections. */
static void test_last_wins(void **state)
{
	struct t *t = *state;

	host_e5_2640(&t->host);
	add_sysctl(&t->host, "net.core.somaxconn", "128");
	add_sysctl(&t->host, "net.ipv4.tcp_congestion_control", "cubic");
	add_sysctl(&t->host, "net.ipv4.tcp_available_congestion_control",
		   "reno cubic");
	pset(&t->prof, "sysctl", "", "net.core.somaxconn", "1024");
	pset(&t->prof, "sysctl", "", "net.ipv4.tcp_congestion_control", "reno");
	pset(&t->prof, "rings", "", "rx", "1024");
	pset(&t->prof, "rings", "eth4", "rx", "max");
	pset(&t->prof, "sysctl", "", "net.core.somaxconn", "4096");
	pset(&t->prof, "congestion", "", "algorithm", "cubic");
	make(t, NULL);
	assert_int_equal(t->plan.n, 3);
	check(must_find(&t->plan, "sysctl", "net.core.somaxconn"), "128", "4096");
	assert_string_equal(t->plan.v[0].reason,
			    "test test.conf:14: sysctl net.core.somaxconn = 4096");
	assert_null(find(&t->plan, "sysctl", "net.ipv4.tcp_congestion_control"));
	check(must_find(&t->plan, "rings.rx", "eth0"), "256", "1024");
	check(must_find(&t->plan, "rings.rx", "eth4"), "256", "4096");

	/* [sysctl] set after [congestion] wins over it. */
	pset(&t->prof, "sysctl", "", "net.ipv4.tcp_congestion_control", "reno");
	make(t, NULL);
	check(must_find(&t->plan, "sysctl", "net.ipv4.tcp_congestion_control"),
	      "cubic", "reno");
}

/* Name globs, driver=, the interface list, and never lo. */
static void test_match(void **state)
{
	struct t *t = *state;
	struct nt_iface *lo;

	host_e5_2640(&t->host);
	lo = add_iface(&t->host, "lo", "", -1);
	lo->is_virtual = true;
	snprintf(lo->qdisc, sizeof(lo->qdisc), "noqueue");
	pset(&t->prof, "rings", "driver=ixgbe", "rx", "max");
	pset(&t->prof, "qdisc", "eth0*", "txqlen", "10000");
	pset(&t->prof, "qdisc", "", "root", "fq_codel  limit 10240");
	make(t, NULL);
	assert_int_equal(t->plan.n, 4);
	check(must_find(&t->plan, "rings.rx", "eth4"), "256", "4096");
	check(must_find(&t->plan, "txqlen", "eth0"), "1000", "10000");
	check(must_find(&t->plan, "qdisc", "eth0"), "mq", "fq_codel limit 10240");
	check(must_find(&t->plan, "qdisc", "eth4"), "mq", "fq_codel limit 10240");
	assert_null(find(&t->plan, "qdisc", "lo"));

	make(t, (const char *const[]){ "eth0", NULL });
	assert_int_equal(t->plan.n, 2);
	assert_null(find(&t->plan, "rings.rx", "eth4"));

	/* The kind decides: fq_codel is fq_codel, whatever its limit. */
	snprintf(nt_host_iface(&t->host, "eth0")->qdisc, NT_NAME_LEN,
		 "fq_codel");
	make(t, (const char *const[]){ "eth0", NULL });
	assert_int_equal(t->plan.n, 1);
}

static void test_bad_profile(void **state)
{
	struct t *t = *state;

	pset(&t->prof, "rings", "", "rxx", "max");
	make_fails(t, CONF ":10: unknown key \"rxx\" in [rings]");
	reset_profile(t);
	pset(&t->prof, "rings", "", "rx", "lots");
	make_fails(t, CONF ":10: [rings] rx: bad value \"lots\" (expected N, max or max N)");
	reset_profile(t);
	pset(&t->prof, "irq", "", "affinity", "nearby");
	make_fails(t, CONF ":10: [irq] affinity: bad value \"nearby\" (expected spread-local, spread or a CPU list)");
	reset_profile(t);
	pset(&t->prof, "ring", "", "rx", "max");
	make_fails(t, CONF ":10: unknown section [ring]");
	reset_profile(t);
	pset(&t->prof, "sysctl", "eth0", "net.core.somaxconn", "1");
	make_fails(t, CONF ":10: [sysctl] cannot be limited to interfaces (\"eth0\")");
}

static void tmp_path(struct t *t)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/nt-plan-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/plan.json", t->dir);
}

/* Sizes are floors: a host that has more keeps it, and the plan says so. */
static void test_bound_sysctl(void **state)
{
	struct t *t = *state;
	const struct nt_change *c;

	add_sysctl(&t->host, "net.ipv4.tcp_rmem", "4096\t131072\t33554432");
	add_sysctl(&t->host, "net.core.somaxconn", "8192");
	add_sysctl(&t->host, "net.ipv4.tcp_fin_timeout", "60");
	pset(&t->prof, "sysctl", "", "net.ipv4.tcp_rmem", "4096 131072 16777216");
	pset(&t->prof, "sysctl", "", "net.core.somaxconn", "4096");
	/* not size-like: exactly, also downwards */
	pset(&t->prof, "sysctl", "", "net.ipv4.tcp_fin_timeout", "15");
	make(t, NULL);
	assert_int_equal(t->plan.n, 1);
	check(must_find(&t->plan, "sysctl", "net.ipv4.tcp_fin_timeout"), "60",
	      "15");
	assert_string_equal(t->plan.v[0].bound, "");
	assert_int_equal(t->plan.n_kept, 2);
	check(&t->plan.kept[0], "4096 131072 33554432", "4096 131072 16777216");
	assert_non_null(strstr(t->plan.kept[0].reason, "left alone"));
	check(&t->plan.kept[1], "8192", "4096");

	/* "= N" lowers; per field: at least, at most, exactly */
	reset_profile(t);
	pset(&t->prof, "sysctl", "", "net.core.somaxconn", "= 4096");
	pset(&t->prof, "sysctl", "", "net.ipv4.tcp_rmem", "=8192 >=262144 <=16777216");
	make(t, NULL);
	assert_int_equal(t->plan.n, 2);
	assert_int_equal(t->plan.n_kept, 0);
	check(must_find(&t->plan, "sysctl", "net.core.somaxconn"), "8192", "4096");
	c = must_find(&t->plan, "sysctl", "net.ipv4.tcp_rmem");
	check(c, "4096 131072 33554432", "8192 262144 16777216");
	assert_string_equal(c->bound, "= >= <=");

	/* partly satisfied: the host's larger field is kept */
	reset_profile(t);
	pset(&t->prof, "sysctl", "", "net.ipv4.tcp_rmem", "4096 262144 16777216");
	make(t, NULL);
	c = must_find(&t->plan, "sysctl", "net.ipv4.tcp_rmem");
	check(c, "4096 131072 33554432", "4096 262144 33554432");
	assert_string_equal(c->bound, ">= >= >=");
	assert_true(nt_plan_holds(c, "4096\t262144\t33554432", NULL));
	assert_true(nt_plan_holds(c, "8192 524288 67108864", NULL));
	assert_false(nt_plan_holds(c, "4096 131072 33554432", NULL));

	/* a floor or a ceiling needs a number */
	reset_profile(t);
	pset(&t->prof, "sysctl", "", "net.ipv4.tcp_fin_timeout", ">= fast");
	make_fails(t, CONF ":10: [sysctl] net.ipv4.tcp_fin_timeout: bad value \">= fast\" (expected a value; a bound (>=, <= or =) only before a number)");
}

/* Rings, txqlen and flow_cnt are floors too, unless "=" or "<=". */
static void test_bound_sizes(void **state)
{
	struct t *t = *state;
	struct nt_iface *ifc;

	host_e5_2640(&t->host);
	ifc = &t->host.ifaces[1];
	set_rings(ifc, 4096, 8192, 512, 8192);
	ifc->txqlen = 20000;
	pset(&t->prof, "rings", ifc->name, "rx", "max 2048");
	pset(&t->prof, "rings", ifc->name, "tx", "max 2048");
	pset(&t->prof, "qdisc", ifc->name, "txqlen", "10000");
	make(t, (const char *const[]){ ifc->name, NULL });
	assert_int_equal(t->plan.n, 1);
	check(must_find(&t->plan, "rings.tx", ifc->name), "512", "2048");
	assert_string_equal(t->plan.v[0].bound, ">=");
	assert_int_equal(t->plan.n_kept, 2);
	assert_string_equal(t->plan.kept[0].knob, "rings.rx");
	check(&t->plan.kept[0], "4096", "2048");
	assert_string_equal(t->plan.kept[1].knob, "txqlen");
	check(&t->plan.kept[1], "20000", "10000");

	reset_profile(t);
	pset(&t->prof, "rings", ifc->name, "rx", "= max 2048");
	pset(&t->prof, "qdisc", ifc->name, "txqlen", "<= 10000");
	pset(&t->prof, "rings", ifc->name, "tx", "<= 256");
	make(t, (const char *const[]){ ifc->name, NULL });
	assert_int_equal(t->plan.n, 3);
	check(must_find(&t->plan, "rings.rx", ifc->name), "4096", "2048");
	check(must_find(&t->plan, "rings.tx", ifc->name), "512", "256");
	check(must_find(&t->plan, "txqlen", ifc->name), "20000", "10000");
	assert_string_equal(must_find(&t->plan, "txqlen", ifc->name)->bound,
			    "<=");
}

/* veth nt0 with rx/tx channels 1 of 4, RPS and XPS by CPU list. */
static struct nt_iface *later_host(struct t *t, uint32_t rx, uint32_t tx)
{
	struct nt_iface *veth;

	host_e5_2640(&t->host);
	veth = add_iface(&t->host, "nt0", "veth", -1);
	veth->is_virtual = true;
	veth->channels = (struct nt_channels){
		.state = NT_STATE_OK,
		.present = NT_CHAN_RX | NT_CHAN_RX_MAX | NT_CHAN_TX |
			   NT_CHAN_TX_MAX,
		.rx = rx, .rx_max = 4, .tx = tx, .tx_max = 4,
	};
	set_queues(veth, rx, tx);
	return veth;
}

/*
 * Two phases: per-queue entries of an interface whose channels change are
 * a preview, and their intents resolved again on the queues there are
 * after the change.
 */
static void test_later_resolve(void **state)
{
	struct t *t = *state;
	struct nt_plan res = { 0 };
	struct nt_err err = { 0 };

	later_host(t, 1, 1);
	pset(&t->prof, "channels", "nt0", "rx", "2");
	pset(&t->prof, "channels", "nt0", "tx", "2");
	pset(&t->prof, "rps", "nt0", "cpus", "1");
	pset(&t->prof, "xps", "nt0", "cpus", "0-1");
	pset(&t->prof, "rps", "nt0", "flow_cnt", "2048");
	make(t, (const char *const[]){ "nt0", NULL });
	assert_int_equal(t->plan.n, 5);
	assert_false(must_find(&t->plan, "channels.rx", "nt0")->later);
	assert_true(must_find(&t->plan, "rps.cpus", "nt0 rx-0")->later);
	assert_true(must_find(&t->plan, "rps.flow_cnt", "nt0 rx-0")->later);
	assert_true(must_find(&t->plan, "xps.cpus", "nt0 tx-0")->later);
	assert_int_equal(t->plan.n_later, 3);
	assert_string_equal(t->plan.later[0].iface, "nt0");
	assert_string_equal(t->plan.later[0].e.section, "rps");
	assert_string_equal(t->plan.later[0].e.key, "cpus");
	assert_string_equal(t->plan.later[0].e.file, "test.conf");

	/* the host after the channel change: two queues each way */
	nt_host_free(&t->host);
	memset(&t->host, 0, sizeof(t->host));
	later_host(t, 2, 2);
	if (nt_plan_resolve(&t->plan, &t->host, &res, &err))
		fail_msg("resolve: %s", err.msg);
	assert_int_equal(res.n, 6);
	check(must_find(&res, "rps.cpus", "nt0 rx-1"), "", "1");
	check(must_find(&res, "rps.flow_cnt", "nt0 rx-1"), "0", "2048");
	check(must_find(&res, "xps.cpus", "nt0 tx-1"), "", "0-1");
	for (size_t i = 0; i < res.n; i++)
		assert_false(res.v[i].later);
	assert_string_equal(must_find(&res, "rps.cpus", "nt0 rx-1")->reason,
			    "test test.conf:12: rps cpus = 1");
	nt_plan_free(&res);

	/* no channel change: nothing is later */
	reset_profile(t);
	pset(&t->prof, "rps", "nt0", "cpus", "1");
	make(t, (const char *const[]){ "nt0", NULL });
	assert_int_equal(t->plan.n, 2);
	assert_false(t->plan.v[0].later);
	assert_int_equal(t->plan.n_later, 0);
}

/* A saved plan keeps the intents, the flags, bounds and what was kept. */
static void test_later_json(void **state)
{
	struct t *t = *state;
	struct nt_plan back = { 0 };
	struct nt_err err = { 0 };

	later_host(t, 1, 1);
	add_sysctl(&t->host, "net.core.somaxconn", "8192");
	pset(&t->prof, "sysctl", "", "net.core.somaxconn", "4096");
	pset(&t->prof, "channels", "nt0", "rx", "2");
	pset(&t->prof, "rps", "nt0", "cpus", "1");
	make(t, NULL);
	assert_int_equal(t->plan.n_later, 1);
	assert_int_equal(t->plan.n_kept, 1);
	tmp_path(t);
	assert_int_equal(nt_plan_save(&t->plan, t->path, &err), 0);
	if (nt_plan_load(t->path, &back, &err))
		fail_msg("load: %s", err.msg);
	assert_int_equal(back.n, t->plan.n);
	assert_memory_equal(back.v, t->plan.v, back.n * sizeof(*back.v));
	assert_int_equal(back.n_kept, 1);
	assert_memory_equal(back.kept, t->plan.kept, sizeof(*back.kept));
	assert_int_equal(back.n_later, 1);
	assert_string_equal(back.later[0].iface, "nt0");
	assert_string_equal(back.later[0].e.match, "nt0");
	assert_string_equal(back.later[0].e.value, "1");
	assert_int_equal(back.later[0].e.line, t->plan.later[0].e.line);
	nt_plan_free(&back);
}

/* The first number of each field of @v, doubled, as a host would have it. */
static void doubled(const char *v, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (const char *p = v; *p;) {
		char *end;
		unsigned long long n = strtoull(p, &end, 10);

		if (end == p)
			break;
		len += snprintf(out + len, size - len, "%s%llu",
				len ? "\t" : "", n * 2);
		p = end + strspn(end, " \t");
	}
}

static bool fields_lower(const char *cur, const char *target)
{
	while (*cur && *target) {
		char *a, *b;
		unsigned long long x = strtoull(cur, &a, 10);
		unsigned long long y = strtoull(target, &b, 10);

		if (a == cur || b == target)
			return false;
		if (y < x)
			return true;
		cur = a + strspn(a, " \t");
		target = b + strspn(b, " \t");
	}
	return false;
}

static bool size_like(const char *knob)
{
	return !strcmp(knob, "txqlen") || !strcmp(knob, "rps.flow_cnt") ||
	       !strncmp(knob, "rings.", 6);
}

/*
 * Every shipped profile on a host that has twice each size-like value it
 * sets (every sysctl of theirs but the few that are not sizes), deeper
 * rings, a longer txqlen and bigger flow tables: nothing is lowered, and
 * each is left alone with a reason.
 */
static void test_shipped_never_lower(void **state)
{
	static const char *const names[] = {
		"balanced", "throughput", "latency", "many-connections",
	};
	static const char *const not_sizes[] = {
		"net.ipv4.tcp_syncookies", "net.ipv4.tcp_mtu_probing",
		"net.core.busy_read", "net.core.busy_poll",
		"net.ipv4.tcp_fastopen", "net.ipv4.tcp_notsent_lowat",
		"net.ipv4.ip_local_port_range", "net.ipv4.tcp_tw_reuse",
		"net.ipv4.tcp_fin_timeout",
	};
	const char *env = getenv("NT_PROFILES_DIR");
	const char *dirs[] = { env && *env ? env : "profiles", NULL };
	struct t *t = *state;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		struct nt_host *h = &t->host;
		struct nt_iface *ifc;
		size_t sizes = 0;

		nt_host_free(h);
		memset(h, 0, sizeof(*h));
		host_e5_2640(h);
		ifc = &h->ifaces[1];
		set_rings(ifc, 16384, 16384, 16384, 16384);
		ifc->txqlen = 100000;
		for (size_t q = 0; q < ifc->n_rxq; q++)
			ifc->rxq[q].rps_flow_cnt = 65536;
		nt_profile_free(&t->prof);
		if (nt_profile_load(names[i], dirs, &t->prof, &t->err))
			fail_msg("%s: %s", names[i], t->err.msg);
		for (size_t k = 0; k < t->prof.n; k++) {
			const struct nt_profile_entry *e = &t->prof.v[k];
			char big[128];
			bool skip = strcmp(e->section, "sysctl") != 0;

			for (size_t s = 0; !skip && s < ARRAY_SIZE(not_sizes); s++)
				skip = !strcmp(e->key, not_sizes[s]);
			if (skip)
				continue;
			doubled(e->value, big, sizeof(big));
			set_sysctl(h, e->key, big);
		}
		/* distinct keys: an including profile may set one again */
		sizes = h->n_sysctls;
		assert_true(sizes >= 7);
		make(t, (const char *const[]){ ifc->name, NULL });
		for (size_t k = 0; k < t->plan.n; k++) {
			const struct nt_change *c = &t->plan.v[k];
			bool sysctl_size = !strcmp(c->knob, "sysctl");

			for (size_t s = 0; sysctl_size && s < ARRAY_SIZE(not_sizes); s++)
				sysctl_size = strcmp(c->subject, not_sizes[s]);
			if ((sysctl_size || size_like(c->knob)) &&
			    fields_lower(c->current, c->target))
				fail_msg("%s lowers %s %s: %s -> %s", names[i],
					 c->knob, c->subject, c->current,
					 c->target);
			if (sysctl_size)
				fail_msg("%s changes %s, which the host has twice of",
					 names[i], c->subject);
		}
		assert_true(t->plan.n_kept >= sizes);
	}
}

static void test_json_roundtrip(void **state)

{
	struct t *t = *state;
	struct nt_plan back = { 0 };
	struct nt_err err = { 0 };
	struct json_object *doc, *val;
	char tmp[160];

	host_e5_2640(&t->host);
	sysctls_e5_2640(&t->host);
	full_profile(&t->prof);
	make(t, NULL);
	tmp_path(t);
	assert_int_equal(nt_plan_save(&t->plan, t->path, &err), 0);
	snprintf(tmp, sizeof(tmp), "%s.tmp", t->path);
	assert_int_equal(access(tmp, F_OK), -1);
	if (nt_plan_load(t->path, &back, &err))
		fail_msg("load: %s", err.msg);
	assert_string_equal(back.profile, "test");
	assert_string_equal(back.hostname, E5_2640);
	assert_true(back.made_ns == t->plan.made_ns);
	assert_int_equal(back.n, t->plan.n);
	assert_memory_equal(back.v, t->plan.v, back.n * sizeof(*back.v));
	nt_plan_free(&back);

	doc = nt_plan_to_json(&t->plan);
	assert_non_null(doc);
	assert_true(json_object_object_get_ex(doc, "nettune_plan", &val));
	assert_int_equal(json_object_get_int(val), 1);
	assert_true(json_object_object_get_ex(doc, "made", &val));
	assert_int_equal(strlen(json_object_get_string(val)), 30);
	assert_int_equal(json_object_get_string(val)[29], 'Z');
	json_object_put(doc);
}

static void write_text(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

#define CHANGE(target)	"{\"knob\": \"sysctl\", \"subject\": \"net.core.somaxconn\"," \
			" \"current\": \"128\", \"target\": " target ", \"reason\": \"r\"}"
#define PLAN(version, changes)	"{\"nettune_plan\": " version ", \"profile\": \"p\"," \
			" \"hostname\": \"h\", \"made\": \"2024-01-01T00:00:00Z\"," \
			" \"made_ns\": 1704067200000000000, \"extra\": [1], " \
			"\"changes\": [" changes "]}"

static void load_fails(struct t *t, const char *text, const char *msg)
{
	struct nt_plan plan = { 0 };
	struct nt_err err = { 0 };
	char want[512];

	write_text(t->path, text);
	assert_true(nt_plan_load(t->path, &plan, &err) < 0);
	snprintf(want, sizeof(want), "%s: %s", t->path, msg);
	assert_string_equal(err.msg, want);
	assert_null(plan.v);
}

static void test_json_malformed(void **state)
{
	struct t *t = *state;
	struct nt_plan plan = { 0 };
	struct nt_err err = { 0 };

	tmp_path(t);
	/* Unknown members are fine. */
	write_text(t->path, PLAN("1", CHANGE("\"4096\"")));
	if (nt_plan_load(t->path, &plan, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(plan.n, 1);
	check(&plan.v[0], "128", "4096");
	assert_true(plan.made_ns == 1704067200000000000LL);
	nt_plan_free(&plan);

	load_fails(t, PLAN("1", CHANGE("\"1\"") "," CHANGE("\"2\"") ","
			   CHANGE("4096")),
		   "changes[2].target: expected a string");
	load_fails(t, PLAN("2", ""),
		   "nettune_plan: unsupported version 2 (this nettune reads version 1)");
	load_fails(t, PLAN("\"1\"", ""), "nettune_plan: expected an integer");
	load_fails(t, "{\"changes\": []}",
		   "nettune_plan: required member missing (not a nettune plan?)");
	load_fails(t, PLAN("1", "{\"knob\": \"sysctl\"}"),
		   "changes[0].subject: required member missing");
	load_fails(t, PLAN("1", "7"), "changes[0]: expected an object");
	load_fails(t, "{\"nettune_plan\": 1, \"profile\": \"p\", \"hostname\": \"h\", "
		   "\"made\": \"x\", \"made_ns\": 1, \"changes\": {}}",
		   "changes: expected an array");
	load_fails(t, "{\"nettune_plan\": 1, \"profile\": \"p\", \"hostname\": 3}",
		   "hostname: expected a string");
	load_fails(t, PLAN("1", "{\"knob\": \"0123456789012345678901234567890123\", "
			   "\"subject\": \"s\", \"current\": \"\", \"target\": \"\", "
			   "\"reason\": \"\"}"),
		   "changes[0].knob: too long (at most 31 characters)");
	write_text(t->path, "{\"nettune_plan\": 1,");
	assert_int_equal(nt_plan_load(t->path, &plan, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "not valid JSON"));
}

/*
 * Two ports of one PCI function, as the matcher gives them: each its own
 * queue IRQs, and in both lists the device's two vectors, owned by the
 * device.
 */
static void host_two_ports(struct nt_host *h)
{
	const char *const ports[] = { "eth0", "eth1" };

	host_64(h);
	for (int p = 0; p < 2; p++) {
		struct nt_iface *ifc = add_iface(h, ports[p], "mlx4_en", 0);

		snprintf(ifc->bus_info, sizeof(ifc->bus_info), "0000:07:00.0");
		set_queues(ifc, 2, 2);
		for (int q = 0; q < 2; q++)
			add_irq(ifc, 63 + 2 * p + q, q, "rxtx", "0-63", "");
		for (int d = 0; d < 2; d++)
			add_irq(ifc, 60 + d, -1, "", "0-63", "")->owner =
				NT_IRQ_OWNER_DEVICE;
	}
}

/* The device's vectors are no port's: left alone unless named. */
static void test_irq_device_vectors(void **state)
{
	struct t *t = *state;

	host_two_ports(&t->host);
	pset(&t->prof, "irq", "", "affinity", "spread-local");
	make(t, NULL);
	assert_int_equal(count(&t->plan, "irq.affinity", ""), 4);
	assert_null(find(&t->plan, "irq.affinity", "eth0 irq 60"));
	assert_null(find(&t->plan, "irq.affinity", "eth1 irq 61"));

	/* [irq ADDR] names the device: its vectors, once, with eth0's name */
	pset(&t->prof, "irq", "0000:07:00.*", "affinity", "spread");
	make(t, NULL);
	assert_int_equal(count(&t->plan, "irq.affinity", ""), 6);
	check(must_find(&t->plan, "irq.affinity", "eth0 irq 60"), "0-63", "0");
	check(must_find(&t->plan, "irq.affinity", "eth0 irq 61"), "0-63", "1");
	assert_null(find(&t->plan, "irq.affinity", "eth1 irq 60"));
	assert_non_null(strstr(must_find(&t->plan, "irq.affinity",
					 "eth0 irq 61")->reason,
			       "vector 1 of device 0000:07:00.0"));
}

/*
 * A model where two interfaces own one IRQ (a snapshot taken before IRQ
 * ownership, or edited): the plan builder refuses it, loudly, instead of
 * giving the IRQ two targets.
 */
static void test_irq_planned_once(void **state)
{
	struct t *t = *state;

	host_two_ports(&t->host);
	/* eth1's queue 1 claims eth0's queue 0 IRQ */
	t->host.ifaces[1].irqs[1].irq = 63;
	pset(&t->prof, "irq", "", "affinity", "spread-local");
	make_fails(t, "internal error: IRQ 63 planned twice (\"eth0 irq 63\" and \"eth1 irq 63\"): an IRQ has at most one owning interface");
}

/* Issue 14: only what the kernel has. */
static void set_kernel_has(struct nt_host *h, const char *qdiscs,
			   const char *congestion)
{
	free(h->kernel_has.qdiscs);
	free(h->kernel_has.congestion);
	h->kernel_has.state = NT_STATE_OK;
	h->kernel_has.qdiscs = xstrdup(qdiscs);
	h->kernel_has.congestion = xstrdup(congestion);
	h->kernel_has.modules = true;
}

static void set_read_only(struct nt_host *h, const char *name)
{
	for (size_t i = 0; i < h->n_sysctls; i++)
		if (!strcmp(h->sysctls[i].name, name))
			h->sysctls[i].read_only = true;
}

/* [congestion] qdisc = fq, fq_codel: the first the kernel has, or none. */
static void test_kernel_has_default_qdisc(void **state)
{
	struct t *t = *state;

	add_sysctl(&t->host, "net.core.default_qdisc", "pfifo_fast");
	pset(&t->prof, "congestion", "", "qdisc", "fq, fq_codel");
	set_kernel_has(&t->host, "pfifo_fast mq noqueue fq_codel", "");
	make(t, NULL);
	assert_int_equal(t->plan.n, 1);
	check(must_find(&t->plan, "sysctl", "net.core.default_qdisc"),
	      "pfifo_fast", "fq_codel");
	assert_string_equal(t->plan.v[0].reason,
			    "test test.conf:10: congestion qdisc = fq, fq_codel: fq_codel is the first this kernel has");

	/* neither: nothing planned, left alone with the reason */
	set_kernel_has(&t->host, "pfifo_fast mq noqueue", "");
	make(t, NULL);
	assert_int_equal(t->plan.n, 0);
	assert_int_equal(t->plan.n_kept, 1);
	assert_string_equal(t->plan.kept[0].subject, "net.core.default_qdisc");
	assert_non_null(strstr(t->plan.kept[0].reason,
			       "left alone: this kernel has none of fq, fq_codel"));

	/* not known (an older snapshot): the first, as before */
	free(t->host.kernel_has.qdiscs);
	free(t->host.kernel_has.congestion);
	memset(&t->host.kernel_has, 0, sizeof(t->host.kernel_has));
	make(t, NULL);
	check(must_find(&t->plan, "sysctl", "net.core.default_qdisc"),
	      "pfifo_fast", "fq");
}

/* [qdisc] root: a kind some interface uses is there whatever the files say. */
static void test_kernel_has_root_qdisc(void **state)
{
	struct t *t = *state;
	struct nt_iface *eth0;

	host_e5_2640(&t->host);
	eth0 = nt_host_iface(&t->host, "eth0");
	set_kernel_has(&t->host, "pfifo_fast mq noqueue pfifo", "");
	pset(&t->prof, "qdisc", "eth0", "root", "fq, cake, pfifo");
	make(t, NULL);
	check(must_find(&t->plan, "qdisc", "eth0"), "mq", "pfifo");
	assert_non_null(strstr(must_find(&t->plan, "qdisc", "eth0")->reason,
			       "pfifo is the first this kernel has"));

	add_qdisc(eth0, "fq", 0x80010000, 0x80000001, 0);
	make(t, NULL);
	check(must_find(&t->plan, "qdisc", "eth0"), "mq", "fq");

	pset(&t->prof, "qdisc", "eth0", "root", "cake, sfq");
	make(t, NULL);
	assert_null(find(&t->plan, "qdisc", "eth0"));
	assert_int_equal(t->plan.n_kept, 1);
	assert_string_equal(t->plan.kept[0].knob, "qdisc");
	assert_non_null(strstr(t->plan.kept[0].reason,
			       "this kernel has none of cake, sfq"));
}

/* Read-only here (a host-wide key seen from a netns): never planned. */
static void test_sysctl_read_only(void **state)
{
	struct t *t = *state;

	add_sysctl(&t->host, "net.core.rmem_max", "4194304");
	add_sysctl(&t->host, "net.core.somaxconn", "128");
	pset(&t->prof, "sysctl", "", "net.core.rmem_max", "16777216");
	pset(&t->prof, "sysctl", "", "net.core.somaxconn", "4096");
	make(t, NULL);
	assert_int_equal(t->plan.n, 2);

	set_read_only(&t->host, "net.core.rmem_max");
	make(t, NULL);
	assert_int_equal(t->plan.n, 1);
	assert_string_equal(t->plan.v[0].subject, "net.core.somaxconn");
	assert_int_equal(t->plan.n_kept, 1);
	assert_string_equal(t->plan.kept[0].subject, "net.core.rmem_max");
	assert_non_null(strstr(t->plan.kept[0].reason,
			       "left alone: read-only in this network namespace, set from the host's namespace"));
}

/*
 * An algorithm the module tree has counts (setting the sysctl loads it);
 * in a namespace (tcp_allowed_congestion_control read-only) only the
 * allowed ones do.
 */
static void test_congestion_loadable_and_allowed(void **state)
{
	struct t *t = *state;

	add_sysctl(&t->host, "net.ipv4.tcp_congestion_control", "reno");
	add_sysctl(&t->host, "net.ipv4.tcp_available_congestion_control",
		   "reno cubic");
	add_sysctl(&t->host, "net.ipv4.tcp_allowed_congestion_control",
		   "reno cubic");
	pset(&t->prof, "congestion", "", "algorithm", "bbr, cubic");
	make(t, NULL);
	check(must_find(&t->plan, "sysctl", "net.ipv4.tcp_congestion_control"),
	      "reno", "cubic");

	set_kernel_has(&t->host, "pfifo_fast", "bbr");
	make(t, NULL);
	check(must_find(&t->plan, "sysctl", "net.ipv4.tcp_congestion_control"),
	      "reno", "bbr");

	set_read_only(&t->host, "net.ipv4.tcp_allowed_congestion_control");
	make(t, NULL);
	check(must_find(&t->plan, "sysctl", "net.ipv4.tcp_congestion_control"),
	      "reno", "cubic");
}

int main(void)
{
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_spread_local_ht),
		T(test_spread_local_other_node),
		T(test_spread_ignores_node),
		T(test_spread_local_unknown_node),
		T(test_spread_adjacent_siblings),
		T(test_spread_separate_rx_tx),
		T(test_irq_cpulist),
		T(test_unchanged_no_change),
		T(test_order_of_kinds),
		T(test_rps_auto_single_queue),
		T(test_rps_auto_never_empty),
		T(test_rps_auto_multiqueue),
		T(test_rps_lists),
		T(test_rps_auto_high_cpus),
		T(test_rps_flow_cnt),
		T(test_xps_match_irq_planned),
		T(test_xps_match_irq_current),
		T(test_veth),
		T(test_rings),
		T(test_rings_unchanged),
		T(test_channels_local_cores),
		T(test_channels_kinds),
		T(test_channels_fewer_queues),
		T(test_congestion_first_available),
		T(test_congestion_none_available),
		T(test_congestion_qdisc),
		T(test_sysctl),
		T(test_last_wins),
		T(test_match),
		T(test_bad_profile),
		T(test_json_roundtrip),
		T(test_bound_sysctl),
		T(test_bound_sizes),
		T(test_later_resolve),
		T(test_later_json),
		T(test_shipped_never_lower),
		T(test_json_malformed),
		T(test_irq_device_vectors),
		T(test_irq_planned_once),
		T(test_kernel_has_default_qdisc),
		T(test_kernel_has_root_qdisc),
		T(test_sysctl_read_only),
		T(test_congestion_loadable_and_allowed),
	};
#undef T

	return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
