// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rps: a physical NIC with one receive queue on a host with several CPUs
 * has all its receive processing on the CPU that takes its interrupt,
 * unless RPS hands packets on to others.
 *
 * Virtual devices (veth, bridges, bonds, lo) are never flagged: their
 * receive work runs wherever the sender runs, or on their lower device.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "audit/checks.h"
#include "audit/util.h"
#include "sample/rate.h"

/* The IRQ CPUs are "hot" above this share of all NET_RX (percent)... */
#define HOT_SHARE_PCT		80.0
/* ...on a host that runs at least this many per second: else it is idle. */
#define MIN_NET_RX_RATE		1000.0

/*
 * RFS: Documentation/networking/scaling.rst finds 32768 socket flow
 * entries fine for a moderately loaded server, and a single-queue
 * device's rps_flow_cnt the same number.
 */
#define RFS_ENTRIES		32768
#define RFS_SYSCTL		"net.core.rps_sock_flow_entries"

static size_t online_cpus(const struct nt_host *host)
{
	size_t n = 0;

	for (size_t i = 0; i < host->n_cpus; i++)
		n += host->cpus[i].online;
	/* without topology, softnet_stat has one line per online CPU */
	return host->n_cpus ? n : host->n_softnet;
}

/*
 * Online CPUs of NUMA @node into @m: every online CPU for node -1, or when
 * the node has none that the host knows of.
 */
static int node_cpus(const struct nt_host *host, int node,
		     struct nt_cpumask *m)
{
	int ret = 0;

	for (size_t i = 0; !ret && i < host->n_cpus; i++) {
		const struct nt_cpu *c = &host->cpus[i];

		if (c->online && (node < 0 || c->node == node))
			ret = nt_cpumask_set(m, c->id);
	}
	for (size_t i = 0; !ret && !host->n_cpus && i < host->n_softnet; i++)
		ret = nt_cpumask_set(m, host->softnet[i].cpu);
	if (!ret && node >= 0 && nt_cpumask_empty(m))
		return node_cpus(host, -1, m);
	return ret;
}

static const struct nt_cpumask *irq_cpus(const struct nt_iface_irq *irq)
{
	if (nt_cpumask_empty(&irq->effective_affinity))
		return &irq->affinity;
	return &irq->effective_affinity;
}

static bool is_rx_irq(const struct nt_iface_irq *irq)
{
	return irq->queue >= 0 && strcmp(irq->queue_type, "tx");
}

/* Does @ifc take a receive interrupt on @cpu? */
static bool takes_rx_irq(const struct nt_iface *ifc, unsigned int cpu)
{
	bool queues = false;

	for (size_t i = 0; i < ifc->n_irqs; i++)
		queues |= is_rx_irq(&ifc->irqs[i]);
	for (size_t i = 0; i < ifc->n_irqs; i++) {
		const struct nt_iface_irq *irq = &ifc->irqs[i];

		/* a single-IRQ NIC receives on its one non-queue IRQ */
		if ((!queues || is_rx_irq(irq)) &&
		    nt_cpumask_test(irq_cpus(irq), cpu))
			return true;
	}
	return false;
}

/*
 * RPS target as a CPU list: the NIC's NUMA-local CPUs other than those
 * taking its receive IRQ (they are busy with the interrupt already), else
 * any other online CPU.  "" when no CPU is left.
 */
static int rps_target(const struct nt_host *host, const struct nt_iface *ifc,
		      char *buf, size_t size)
{
	int nodes[2] = { ifc->numa_node, -1 };
	int ret = 0;

	buf[0] = '\0';
	for (size_t n = 0; !ret && !buf[0] && n < 2; n++) {
		struct nt_cpumask local = { 0 }, rest = { 0 };
		int cpu = 0;

		ret = node_cpus(host, nodes[n], &local);
		while (!ret && (cpu = nt_cpumask_next(&local, cpu)) >= 0) {
			if (!takes_rx_irq(ifc, cpu))
				ret = nt_cpumask_set(&rest, cpu);
			cpu++;
		}
		if (!ret && nt_cpumask_format_list(&rest, buf, size) < 0)
			buf[0] = '\0';
		nt_cpumask_free(&local);
		nt_cpumask_free(&rest);
	}
	return ret;
}

static bool column_of(const uint32_t *ids, uint32_t n, uint32_t cpu,
		      size_t *col)
{
	for (size_t i = 0; i < n; i++) {
		if ((ids ? ids[i] : i) == cpu) {
			*col = i;
			return true;
		}
	}
	return false;
}

static double net_rx_rate(const struct nt_audit_input *in, uint32_t cpu)
{
	const struct nt_softirq *c, *p;
	size_t ci, pi;

	if (!in->prev)
		return 0;
	c = nt_host_softirq(in->cur, "NET_RX");
	p = nt_host_softirq(in->prev, "NET_RX");
	if (!c || !p ||
	    !column_of(in->cur->softirqs.cpu_ids, in->cur->softirqs.ncpus,
		       cpu, &ci) ||
	    !column_of(in->prev->softirqs.cpu_ids, in->prev->softirqs.ncpus,
		       cpu, &pi))
		return 0;
	return nt_rate(p->counts[pi], c->counts[ci], in->seconds);
}

/* What the CPUs taking a NIC's receive IRQ do now. */
struct irq_load {
	int cpu;		/* the one IRQ CPU, -1 none or several */
	size_t n_cpus;
	double net_rx;		/* their NET_RX softirqs per second */
	double net_rx_all;	/* all CPUs' */
	double dropped;		/* their backlog drops per second */
};

/* CPU @i of the host's online CPUs (softnet_stat's without topology). */
static bool online_cpu(const struct nt_host *host, size_t i, uint32_t *cpu)
{
	if (!host->n_cpus) {
		*cpu = host->softnet[i].cpu;
		return true;
	}
	*cpu = host->cpus[i].id;
	return host->cpus[i].online;
}

static void irq_load(const struct nt_audit_input *in,
		     const struct nt_iface *ifc, struct irq_load *l)
{
	const struct nt_host *host = in->cur;
	const struct nt_softirqs *t = &host->softirqs;
	size_t n = host->n_cpus ? host->n_cpus : host->n_softnet;

	memset(l, 0, sizeof(*l));
	l->cpu = -1;
	for (size_t i = 0; i < t->ncpus; i++)
		l->net_rx_all += net_rx_rate(in, t->cpu_ids ? t->cpu_ids[i] :
						     i);
	for (size_t i = 0; i < n; i++) {
		const struct nt_softnet *sn, *p = NULL;
		uint32_t cpu;

		if (!online_cpu(host, i, &cpu) || !takes_rx_irq(ifc, cpu))
			continue;
		l->cpu = l->n_cpus++ ? -1 : (int)cpu;
		l->net_rx += net_rx_rate(in, cpu);
		sn = nt_host_softnet(host, cpu);
		if (sn && in->prev)
			p = nt_host_softnet(in->prev, cpu);
		if (p)
			l->dropped += nt_rate(p->dropped, sn->dropped,
					      in->seconds);
	}
}

static bool is_hot(const struct irq_load *l, double *share)
{
	*share = l->net_rx_all > 0 ? 100.0 * l->net_rx / l->net_rx_all : 0;
	return l->dropped > 0 ||
	       (l->net_rx_all >= MIN_NET_RX_RATE && *share > HOT_SHARE_PCT);
}

static bool candidate(const struct nt_iface *ifc)
{
	return !ifc->is_virtual && !ifc->kind[0] && strcmp(ifc->name, "lo") &&
	       ifc->n_rxq == 1 && ifc->rxq[0].rps_state == NT_STATE_OK &&
	       nt_cpumask_empty(&ifc->rxq[0].rps_cpus) &&
	       strcmp(ifc->operstate, "down");
}

static void who_text(const struct irq_load *l, char *buf, size_t size)
{
	if (l->cpu >= 0)
		snprintf(buf, size, "CPU %d, which takes its interrupt,",
			 l->cpu);
	else
		snprintf(buf, size, "the CPU taking its interrupt");
}

static void rps_summary(struct nt_finding *fd, const struct nt_iface *ifc,
			const struct irq_load *l, double share, size_t online)
{
	char who[64], rate[32], drops[80] = "";

	who_text(l, who, sizeof(who));
	if (fd->severity == NT_SEV_INFO) {
		nt_finding_summary(fd,
			"%s has one receive queue and RPS is off, so %s does all its receive processing on a host with %zu online CPUs",
			ifc->name, who, online);
		return;
	}
	if (l->dropped > 0) {
		nt_rate_text(rate, sizeof(rate), l->dropped);
		snprintf(drops, sizeof(drops),
			 " and drops %s packets/s from its backlog", rate);
	}
	nt_rate_text(rate, sizeof(rate), l->net_rx);
	nt_finding_summary(fd,
		"%s has one receive queue and RPS is off: %s runs %.0f %% of all NET_RX softirqs (%s/s)%s; RPS would share the work with other CPUs",
		ifc->name, who, share, rate, drops);
}

static void add_evidence(const struct nt_audit_input *in,
			 struct nt_finding *fd, const struct irq_load *l,
			 double share, size_t online)
{
	nt_finding_evidence(fd, "rx_queues", 1, true);
	nt_finding_evidence(fd, "online_cpus", online, true);
	if (l->cpu >= 0)
		nt_finding_evidence(fd, "irq_cpu", l->cpu, true);
	if (!in->prev)
		return;
	nt_finding_evidence(fd, "net_rx_per_s", l->net_rx, false);
	nt_finding_evidence(fd, "net_rx_share_pct", share, false);
	nt_finding_evidence(fd, "dropped_per_s", l->dropped, false);
}

/* RPS to the local CPUs, and RFS so a flow follows its application. */
static int add_fixes(const struct nt_host *host, struct nt_finding *fd,
		     const struct nt_iface *ifc)
{
	char subject[NT_SUBJECT_LEN], target[NT_VALUE_LEN], cur[16];
	uint64_t entries;
	int ret = rps_target(host, ifc, target, sizeof(target));

	if (ret)
		return ret;
	snprintf(subject, sizeof(subject), "%s rx-0", ifc->name);
	if (target[0])
		nt_finding_fix(fd, "rps.cpus", subject, "", target);
	if (!ifc->rxq[0].rps_flow_cnt) {
		snprintf(cur, sizeof(cur), "%u", ifc->rxq[0].rps_flow_cnt);
		snprintf(target, sizeof(target), "%u", RFS_ENTRIES);
		nt_finding_fix(fd, "rps.flow_cnt", subject, cur, target);
	}
	/* global: absent inside a namespace, then suggested unknown */
	if (!nt_sysctl_u64(host, RFS_SYSCTL, &entries) || !entries)
		nt_fix_sysctl_u64(fd, host, RFS_SYSCTL, RFS_ENTRIES);
	return 0;
}

static int check_iface(const struct nt_audit_input *in,
		       const struct nt_iface *ifc, size_t online,
		       struct nt_findings *out)
{
	enum nt_severity sev = NT_SEV_INFO;
	struct nt_finding *fd;
	struct irq_load l;
	double share;

	if (!candidate(ifc))
		return 0;
	irq_load(in, ifc, &l);
	/* without a previous look there are no rates: never hot */
	if (is_hot(&l, &share))
		sev = NT_SEV_WARNING;
	fd = nt_finding_add(out, "rps.off_single_queue", sev, ifc->name);
	if (!fd)
		return -ENOMEM;
	rps_summary(fd, ifc, &l, share, online);
	add_evidence(in, fd, &l, share, online);
	return add_fixes(in->cur, fd, ifc);
}

/**
 * nt_check_rps() - single-queue physical NICs without RPS
 * @in: the looks at the host
 * @out: findings to append to
 *
 * Return: 0 or -ENOMEM.
 */
int nt_check_rps(const struct nt_audit_input *in, struct nt_findings *out)
{
	size_t online = online_cpus(in->cur);

	if (online < 2)
		return 0;
	for (size_t i = 0; i < in->cur->n_ifaces; i++) {
		int ret = check_iface(in, &in->cur->ifaces[i], online, out);

		if (ret)
			return ret;
	}
	return 0;
}
