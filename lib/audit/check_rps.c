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
		l->net_rx_all += nt_net_rx_rate(in, t->cpu_ids ?
						    t->cpu_ids[i] : i);
	for (size_t i = 0; i < n; i++) {
		const struct nt_softnet *sn, *p = NULL;
		uint32_t cpu;

		if (!online_cpu(host, i, &cpu) || !nt_takes_rx_irq(ifc, cpu))
			continue;
		l->cpu = l->n_cpus++ ? -1 : (int)cpu;
		l->net_rx += nt_net_rx_rate(in, cpu);
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
	       nt_rps_off_single_queue(ifc) && strcmp(ifc->operstate, "down");
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
static int add_fixes(struct nt_findings *f, const struct nt_host *host,
		     struct nt_finding *fd, const struct nt_iface *ifc)
{
	char subject[NT_SUBJECT_LEN], target[16], cur[16];
	uint64_t entries;
	int ret = nt_fix_rps_cpus(f, fd, host, ifc);

	if (ret < 0)
		return ret;
	snprintf(subject, sizeof(subject), "%s rx-0", ifc->name);
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
	return add_fixes(out, in->cur, fd, ifc);
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
	size_t online = nt_online_cpus(in->cur);

	if (online < 2)
		return 0;
	for (size_t i = 0; i < in->cur->n_ifaces; i++) {
		int ret = check_iface(in, &in->cur->ifaces[i], online, out);

		if (ret)
			return ret;
	}
	return 0;
}
