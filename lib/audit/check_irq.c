// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * irq: is receive work spread over the CPUs?  Judged from the queue IRQs'
 * affinity and from the NET_RX softirq counts of /proc/softirqs.
 *
 * A column of /proc/softirqs or /proc/interrupts is matched with the
 * previous look by its CPU id, never by position: CPUs come and go.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "audit/checks.h"
#include "audit/util.h"
#include "sample/rate.h"

/* One CPU is "hot" above this share of all NET_RX softirqs (percent)... */
#define HOT_SHARE_PCT		80.0
/* ...on a host that runs at least this many per second: else it is idle. */
#define MIN_NET_RX_RATE		1000.0

/* The single CPU an IRQ runs on, or -1 when it may run on several. */
static int irq_one_cpu(const struct nt_iface_irq *irq)
{
	const struct nt_cpumask *m = nt_irq_cpus(irq);

	if (nt_cpumask_weight(m) != 1)
		return -1;
	return nt_cpumask_next(m, 0);
}

struct net_rx_load {
	double total;		/* NET_RX softirqs per second, all CPUs */
	double top;		/* of the busiest CPU */
	uint32_t top_cpu;
};

static void net_rx_load(const struct nt_audit_input *in,
			struct net_rx_load *l)
{
	const struct nt_softirqs *t = &in->cur->softirqs;

	memset(l, 0, sizeof(*l));
	for (size_t i = 0; i < t->ncpus; i++) {
		uint32_t cpu = t->cpu_ids ? t->cpu_ids[i] : i;
		double rate = nt_net_rx_rate(in, cpu);

		l->total += rate;
		if (rate > l->top) {
			l->top = rate;
			l->top_cpu = cpu;
		}
	}
}

/* Interrupts per second of IRQ @irq on all CPUs. */
static double irq_rate(const struct nt_audit_input *in, uint32_t irq)
{
	const struct nt_interrupt *c, *p;
	double rate = 0;
	char id[16];

	if (!in->prev)
		return 0;
	snprintf(id, sizeof(id), "%u", irq);
	c = nt_host_interrupt(in->cur, id);
	p = nt_host_interrupt(in->prev, id);
	for (size_t i = 0; c && p && i < in->cur->interrupts.ncpus; i++) {
		uint32_t cpu = in->cur->interrupts.cpu_ids ?
			       in->cur->interrupts.cpu_ids[i] : i;
		size_t pi;

		if (nt_cpu_column(in->prev->interrupts.cpu_ids,
				  in->prev->interrupts.ncpus, cpu, &pi))
			rate += nt_rate(p->counts[pi], c->counts[i],
					in->seconds);
	}
	return rate;
}

/*
 * CPUs to spread queues over: the NIC's NUMA node first, then the rest.
 * @order is a scratch buffer of @f.
 */
static int spread_order(struct nt_findings *f, const struct nt_host *host,
			int node, uint32_t **order, size_t *n)
{
	struct nt_cpumask local, all;
	uint32_t *v = NULL;
	size_t k = 0;
	int cpu, ret;

	ret = nt_scratch_cpus(f, NT_SCRATCH_CPUS_A, host, &local);
	if (!ret)
		ret = nt_scratch_cpus(f, NT_SCRATCH_CPUS_B, host, &all);
	if (!ret)
		ret = nt_node_cpus(host, node, &local);
	if (!ret)
		ret = nt_node_cpus(host, -1, &all);
	if (!ret) {
		v = nt_findings_scratch(f, NT_SCRATCH_IRQ_ORDER,
					(nt_cpumask_weight(&all) + 1) *
					sizeof(*v));
		ret = v ? 0 : -ENOMEM;
	}
	for (cpu = 0; !ret && (cpu = nt_cpumask_next(&local, cpu)) >= 0; cpu++)
		v[k++] = cpu;
	for (cpu = 0; !ret && (cpu = nt_cpumask_next(&all, cpu)) >= 0; cpu++)
		if (!nt_cpumask_test(&local, cpu))
			v[k++] = cpu;
	*order = v;
	*n = k;
	return ret;
}

/* Move @irq to the CPU of its queue in @order.  Return: 1 when added. */
static int fix_one(struct nt_finding *fd, const struct nt_iface *ifc,
		   const struct nt_iface_irq *irq, const uint32_t *order,
		   size_t n)
{
	char subject[NT_SUBJECT_LEN], cur[NT_VALUE_LEN], target[16];
	uint32_t cpu = order[nt_irq_queue(irq) % n];

	if (irq_one_cpu(irq) == (int)cpu)
		return 0;
	if (nt_cpumask_format_list(nt_irq_cpus(irq), cur, sizeof(cur)) < 0)
		cur[0] = '\0';
	snprintf(subject, sizeof(subject), "%s irq %u", ifc->name, irq->irq);
	snprintf(target, sizeof(target), "%u", cpu);
	return nt_finding_fix(fd, "irq.affinity", subject, cur, target) != NULL;
}

/*
 * Move queue IRQs of @ifc to the queue's own CPU of the spread order; with
 * @only >= 0 just those now pinned to CPU @only.  Receive IRQs go first:
 * a finding holds NT_FIX_MAX changes.  Return: fixes added, or -ENOMEM.
 */
static int fix_spread(struct nt_findings *f, const struct nt_host *host,
		      struct nt_finding *fd, const struct nt_iface *ifc,
		      int only)
{
	uint32_t *order;
	size_t n;
	int added = 0;
	int ret = spread_order(f, host, ifc->numa_node, &order, &n);

	if (ret)
		return ret;
	for (int rx = 1; n && rx >= 0; rx--) {
		for (size_t i = 0; i < ifc->n_irqs; i++) {
			const struct nt_iface_irq *irq = &ifc->irqs[i];

			if (!nt_irq_is_queue(irq) || nt_is_rx_irq(irq) != rx ||
			    (only >= 0 && irq_one_cpu(irq) != only))
				continue;
			added += fix_one(fd, ifc, irq, order, n);
		}
	}
	return added;
}

/*
 * Do all receive queue IRQs (at least two) of @ifc run on one and the
 * same CPU?  Transmit IRQs (igb's ethN-tx-K) do no receive work.
 */
static bool one_cpu_for_all(const struct nt_iface *ifc, uint32_t *cpu,
			    size_t *nq)
{
	int common = -1;

	*nq = 0;
	for (size_t i = 0; i < ifc->n_irqs; i++) {
		int c;

		if (!nt_is_rx_irq(&ifc->irqs[i]))
			continue;
		c = irq_one_cpu(&ifc->irqs[i]);
		if (c < 0 || (common >= 0 && c != common))
			return false;
		common = c;
		(*nq)++;
	}
	*cpu = common;
	return *nq >= 2;
}

static double queue_irq_rate(const struct nt_audit_input *in,
			     const struct nt_iface *ifc)
{
	double rate = 0;

	for (size_t i = 0; i < ifc->n_irqs; i++)
		if (nt_is_rx_irq(&ifc->irqs[i]))
			rate += irq_rate(in, ifc->irqs[i].irq);
	return rate;
}

static void single_summary(struct nt_finding *fd, const struct nt_iface *ifc,
			   uint32_t cpu, size_t nq, size_t online,
			   double share, const struct net_rx_load *l)
{
	char rate[32], more[64] = "";

	/* NT_FIX_MAX changes fit in a finding: say so when there are more */
	if (fd->n_fix == NT_FIX_MAX && nq > NT_FIX_MAX)
		snprintf(more, sizeof(more),
			 " (changes for the first %d IRQs listed)",
			 NT_FIX_MAX);
	if (fd->severity == NT_SEV_WARNING) {
		nt_rate_text(rate, sizeof(rate), l->total);
		nt_finding_summary(fd,
			"All %zu receive queue IRQs of %s go to CPU %u, which handles %.0f %% of the host's %s NET_RX softirqs/s: one CPU does the receive work of every queue%s",
			nq, ifc->name, cpu, share, rate, more);
	} else {
		nt_finding_summary(fd,
			"All %zu receive queue IRQs of %s go to CPU %u of %zu online CPUs: under load one CPU does the receive work of every queue%s",
			nq, ifc->name, cpu, online, more);
	}
}

static int check_single_cpu(const struct nt_audit_input *in,
			    const struct nt_iface *ifc, size_t online,
			    struct nt_findings *out)
{
	double cpu_rate, share = 0, irqs;
	enum nt_severity sev = NT_SEV_INFO;
	struct net_rx_load l;
	struct nt_finding *fd;
	uint32_t cpu;
	size_t nq;
	int added;

	if (ifc->is_virtual || online < 2 || !one_cpu_for_all(ifc, &cpu, &nq))
		return 0;
	net_rx_load(in, &l);
	cpu_rate = nt_net_rx_rate(in, cpu);
	irqs = queue_irq_rate(in, ifc);
	if (l.total > 0)
		share = 100.0 * cpu_rate / l.total;
	if (l.total >= MIN_NET_RX_RATE && share > HOT_SHARE_PCT &&
	    (irqs > 0 || cpu_rate > 0))
		sev = NT_SEV_WARNING;
	fd = nt_finding_add(out, "irq.single_cpu", sev, ifc->name);
	if (!fd)
		return -ENOMEM;
	nt_finding_evidence(fd, "queue_irqs", nq, true);
	nt_finding_evidence(fd, "cpu", cpu, true);
	nt_finding_evidence(fd, "online_cpus", online, true);
	if (in->prev) {
		nt_finding_evidence(fd, "irq_per_s", irqs, false);
		nt_finding_evidence(fd, "net_rx_per_s", cpu_rate, false);
		nt_finding_evidence(fd, "net_rx_share_pct", share, false);
	}
	added = fix_spread(out, in->cur, fd, ifc, -1);
	if (added < 0)
		return added;
	single_summary(fd, ifc, cpu, nq, online, share, &l);
	return 0;
}

static size_t queue_irqs(const struct nt_iface *ifc)
{
	size_t n = 0;

	for (size_t i = 0; i < ifc->n_irqs; i++)
		n += nt_irq_is_queue(&ifc->irqs[i]);
	return n;
}

/*
 * Take receive work off @cpu: spread the multi-queue NICs' IRQs pinned
 * there, turn RPS on for single-queue NICs interrupting it.
 * Return: fixes added, or -ENOMEM.
 */
static int fix_hot_cpu(struct nt_findings *f, const struct nt_host *host,
		       struct nt_finding *fd, uint32_t cpu)
{
	int added = 0;

	for (size_t i = 0; i < host->n_ifaces; i++) {
		const struct nt_iface *ifc = &host->ifaces[i];
		int ret;

		if (ifc->is_virtual || !nt_takes_rx_irq(ifc, cpu))
			continue;
		if (queue_irqs(ifc) >= 2)
			ret = fix_spread(f, host, fd, ifc, cpu);
		else if (nt_rps_off_single_queue(ifc))
			ret = nt_fix_rps_cpus(f, fd, host, ifc);
		else
			continue;
		if (ret < 0)
			return ret;
		added += ret;
	}
	return added;
}

#define NO_MOVE_TEXT \
	"; no NIC interrupt can be moved off it, so the load comes from RPS, virtual devices or one large flow"

static int check_net_rx(const struct nt_audit_input *in, size_t online,
			struct nt_findings *out)
{
	char subject[16], top[32], total[32];
	struct net_rx_load l;
	struct nt_finding *fd;
	double share;
	int added;

	if (!in->prev || online < 2)
		return 0;
	net_rx_load(in, &l);
	if (l.total < MIN_NET_RX_RATE)
		return 0;
	share = 100.0 * l.top / l.total;
	if (share <= HOT_SHARE_PCT)
		return 0;
	snprintf(subject, sizeof(subject), "cpu%u", l.top_cpu);
	fd = nt_finding_add(out, "irq.net_rx_one_cpu", NT_SEV_WARNING, subject);
	if (!fd)
		return -ENOMEM;
	nt_finding_evidence(fd, "net_rx_per_s", l.top, false);
	nt_finding_evidence(fd, "net_rx_all_cpus_per_s", l.total, false);
	nt_finding_evidence(fd, "net_rx_share_pct", share, false);
	nt_finding_evidence(fd, "online_cpus", online, true);
	added = fix_hot_cpu(out, in->cur, fd, l.top_cpu);
	if (added < 0)
		return added;
	nt_rate_text(top, sizeof(top), l.top);
	nt_rate_text(total, sizeof(total), l.total);
	nt_finding_summary(fd,
		"CPU %u handled %.0f %% of all NET_RX softirqs (%s of %s/s): one CPU does the receive processing of the host and will be the first to drop%s",
		l.top_cpu, share, top, total, added ? "" : NO_MOVE_TEXT);
	return 0;
}

/**
 * nt_check_irq() - queue IRQs on one CPU, NET_RX work on one CPU
 * @in: the looks at the host
 * @out: findings to append to
 *
 * Return: 0 or -ENOMEM.
 */
int nt_check_irq(const struct nt_audit_input *in, struct nt_findings *out)
{
	size_t online = nt_online_cpus(in->cur);

	for (size_t i = 0; i < in->cur->n_ifaces; i++) {
		int ret = check_single_cpu(in, &in->cur->ifaces[i], online,
					   out);

		if (ret)
			return ret;
	}
	return check_net_rx(in, online, out);
}
