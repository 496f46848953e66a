// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * softnet: the per-CPU receive backlog and the NAPI budget, judged from
 * /proc/net/softnet_stat.
 *
 * Its counters are 32-bit in the kernel (printed as %08x), so a busy CPU
 * wraps them: a counter lower than in the previous look is a wrap or a
 * reset and says nothing about the interval, so it gives no finding.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "audit/checks.h"
#include "audit/util.h"
#include "sample/rate.h"

#define BACKLOG_CRIT_RATE	1000.0	/* backlog drops per second */
#define SQUEEZE_CRIT_RATE	1000.0	/* time squeezes per second */

/*
 * netdev_max_backlog: doubled, at least twice the kernel default, never
 * beyond 64 Ki packets.  Past that the queue holds tens of milliseconds of
 * traffic and over a hundred MB of skbs per CPU: a deeper queue no longer
 * absorbs a burst, it only delays packets the CPU cannot keep up with.
 */
#define BACKLOG_DEFAULT		1000
#define BACKLOG_MIN		2000
#define BACKLOG_MAX		65536

/*
 * netdev_budget and netdev_budget_usecs: doubled from the current value
 * (the kernel defaults 300 packets and 2000 us when it is not readable),
 * capped where one softirq round would keep user space off the CPU for
 * too long.
 */
#define BUDGET_DEFAULT		300
#define BUDGET_MAX		2000
#define BUDGET_USECS_DEFAULT	2000
#define BUDGET_USECS_MAX	8000

/* One CPU has "most" of the drops from this share on (percent). */
#define HOT_SHARE_PCT		80.0

#define BACKLOG_SYSCTL		"net.core.netdev_max_backlog"
#define BUDGET_SYSCTL		"net.core.netdev_budget"
#define BUDGET_USECS_SYSCTL	"net.core.netdev_budget_usecs"

static uint64_t field(const struct nt_softnet *sn, size_t off)
{
	return *(const uint64_t *)((const char *)sn + off);
}

/*
 * The softnet_stat counter at @off of @sn's CPU and its rise since the
 * previous look.
 */
static void softnet_delta(const struct nt_audit_input *in,
			  const struct nt_softnet *sn, size_t off,
			  struct nt_rise *d)
{
	const struct nt_softnet *p = NULL;

	if (in->prev)
		p = nt_host_softnet(in->prev, sn->cpu);
	d->total = field(sn, off);
	d->rate = 0;
	d->backwards = false;
	if (!p)
		return;
	/* lower than before: wrapped or reset */
	d->backwards = field(p, off) > d->total;
	d->rate = nt_rate(field(p, off), d->total, in->seconds);
}

/* "net.core.netdev_max_backlog = 1000", or only the name when unknown. */
static void sysctl_text(const struct nt_host *host, const char *name,
			char *buf, size_t size)
{
	const char *value = nt_host_sysctl(host, name);

	if (value)
		snprintf(buf, size, "%s = %s", name, value);
	else
		snprintf(buf, size, "%s", name);
}

/* Double @cur within [@lo, @hi]; @cur 0 means unknown, from @dflt. */
static uint64_t doubled(uint64_t cur, uint64_t dflt, uint64_t lo, uint64_t hi)
{
	uint64_t target = 2 * (cur ? cur : dflt);

	if (target < lo)
		target = lo;
	return target > hi ? hi : target;
}

/*
 * Add "set @name to double its value" unless it is at the cap already.
 * A global sysctl is absent inside a network namespace: the fix is still
 * given, with the current value unknown.
 */
static void fix_double(struct nt_finding *fd, const struct nt_host *host,
		       const char *name, uint64_t dflt, uint64_t lo,
		       uint64_t hi)
{
	uint64_t cur = 0;
	bool known = nt_sysctl_u64(host, name, &cur);
	uint64_t target = doubled(cur, dflt, lo, hi);

	if (!known || cur < target)
		nt_fix_sysctl_u64(fd, host, name, target);
}

/* A physical NIC with one receive queue and RPS off. */
static bool rps_candidate(const struct nt_iface *ifc)
{
	return !ifc->is_virtual && !ifc->kind[0] &&
	       nt_rps_off_single_queue(ifc) && strcmp(ifc->operstate, "down");
}

static bool rps_configured(const struct nt_host *host)
{
	for (size_t i = 0; i < host->n_ifaces; i++)
		for (size_t q = 0; q < host->ifaces[i].n_rxq; q++)
			if (!nt_cpumask_empty(&host->ifaces[i].rxq[q].rps_cpus))
				return true;
	return false;
}

/* Do CPUs other than @cpu receive RPS work now (or ever, without rates)? */
static bool others_receive_rps(const struct nt_audit_input *in, uint32_t cpu)
{
	for (size_t i = 0; i < in->cur->n_softnet; i++) {
		const struct nt_softnet *sn = &in->cur->softnet[i];
		struct nt_rise d;

		if (sn->cpu == cpu)
			continue;
		softnet_delta(in, sn, offsetof(struct nt_softnet, received_rps),
			      &d);
		if (in->prev ? d.rate > 0 : d.total > 0)
			return true;
	}
	return false;
}

/* Share in percent of @cpu in the backlog drops of all CPUs. */
static double drop_share(const struct nt_audit_input *in,
			 const struct nt_rise *mine)
{
	double all = 0;

	for (size_t i = 0; i < in->cur->n_softnet; i++) {
		struct nt_rise d;

		softnet_delta(in, &in->cur->softnet[i],
			      offsetof(struct nt_softnet, dropped), &d);
		all += in->prev ? d.rate : (double)d.total;
	}
	if (all <= 0)
		return 0;
	return 100.0 * (in->prev ? mine->rate : (double)mine->total) / all;
}

/*
 * When one CPU has most of the drops and nothing spreads receive work,
 * RPS on the single-queue NICs shares the backlog among CPUs.
 */
static int fix_rps(const struct nt_audit_input *in, struct nt_findings *out,
		   struct nt_finding *fd, const struct nt_softnet *sn,
		   const struct nt_rise *d)
{
	const struct nt_host *host = in->cur;
	double share = drop_share(in, d);

	if (nt_online_cpus(host) < 2 || share <= HOT_SHARE_PCT ||
	    (others_receive_rps(in, sn->cpu) && rps_configured(host)))
		return 0;
	nt_finding_evidence(fd, "share_of_drops_pct", share, false);
	for (size_t i = 0; i < host->n_ifaces; i++) {
		const struct nt_iface *ifc = &host->ifaces[i];
		int ret;

		if (!rps_candidate(ifc))
			continue;
		ret = nt_fix_rps_cpus(out, fd, host, ifc);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static void backlog_summary(const struct nt_audit_input *in,
			    struct nt_finding *fd, const struct nt_softnet *sn,
			    const struct nt_rise *d)
{
	char limit[96], rate[32], old[96];

	sysctl_text(in->cur, BACKLOG_SYSCTL, limit, sizeof(limit));
	if (d->rate > 0) {
		nt_rate_text(rate, sizeof(rate), d->rate);
		nt_finding_summary(fd,
			"CPU %u dropped %s packets/s because its backlog queue (%s) was full",
			sn->cpu, rate, limit);
		return;
	}
	nt_quiet_text(in, old, sizeof(old));
	nt_finding_summary(fd,
		"CPU %u has dropped %" PRIu64 " packets since boot because its backlog queue (%s) was full; %s",
		sn->cpu, d->total, limit, old);
}

static int check_backlog(const struct nt_audit_input *in,
			 const struct nt_softnet *sn, struct nt_findings *out)
{
	enum nt_severity sev;
	struct nt_finding *fd;
	char subject[16];
	struct nt_rise d;

	softnet_delta(in, sn, offsetof(struct nt_softnet, dropped), &d);
	sev = nt_rise_severity(in, &d, BACKLOG_CRIT_RATE);
	if (sev == NT_SEV_OK)
		return 0;
	snprintf(subject, sizeof(subject), "cpu%u", sn->cpu);
	fd = nt_finding_add(out, "softnet.backlog_drops", sev, subject);
	if (!fd)
		return -ENOMEM;
	backlog_summary(in, fd, sn, &d);
	nt_rise_evidence(fd, in, "dropped", &d);
	nt_sysctl_evidence(fd, in->cur, BACKLOG_SYSCTL);
	if (sn->ncols >= 13)
		nt_finding_evidence(fd, "backlog_len", (double)sn->backlog_len,
				    true);
	fix_double(fd, in->cur, BACKLOG_SYSCTL, BACKLOG_DEFAULT, BACKLOG_MIN,
		   BACKLOG_MAX);
	return fix_rps(in, out, fd, sn, &d);
}

static int check_squeeze(const struct nt_audit_input *in,
			 const struct nt_softnet *sn, struct nt_findings *out)
{
	char subject[16], budget[96], usecs[96], rate[32], old[96];
	enum nt_severity sev;
	struct nt_finding *fd;
	struct nt_rise d;

	softnet_delta(in, sn, offsetof(struct nt_softnet, time_squeeze), &d);
	sev = nt_rise_severity(in, &d, SQUEEZE_CRIT_RATE);
	if (sev == NT_SEV_OK)
		return 0;
	snprintf(subject, sizeof(subject), "cpu%u", sn->cpu);
	fd = nt_finding_add(out, "softnet.time_squeeze", sev, subject);
	if (!fd)
		return -ENOMEM;
	sysctl_text(in->cur, BUDGET_SYSCTL, budget, sizeof(budget));
	sysctl_text(in->cur, BUDGET_USECS_SYSCTL, usecs, sizeof(usecs));
	if (d.rate > 0) {
		nt_rate_text(rate, sizeof(rate), d.rate);
		nt_finding_summary(fd,
			"CPU %u ran out of its receive budget %s times/s (%s, %s) and left packets waiting in the NIC's ring",
			sn->cpu, rate, budget, usecs);
	} else {
		nt_quiet_text(in, old, sizeof(old));
		nt_finding_summary(fd,
			"CPU %u has run out of its receive budget %" PRIu64 " times since boot (%s, %s) and left packets waiting in the NIC's ring; %s",
			sn->cpu, d.total, budget, usecs, old);
	}
	nt_rise_evidence(fd, in, "time_squeeze", &d);
	nt_sysctl_evidence(fd, in->cur, BUDGET_SYSCTL);
	nt_sysctl_evidence(fd, in->cur, BUDGET_USECS_SYSCTL);
	fix_double(fd, in->cur, BUDGET_SYSCTL, BUDGET_DEFAULT, 0, BUDGET_MAX);
	fix_double(fd, in->cur, BUDGET_USECS_SYSCTL, BUDGET_USECS_DEFAULT, 0,
		   BUDGET_USECS_MAX);
	return 0;
}

/*
 * Flow-limit drops are counted in `dropped` as well, so they carry the
 * severity there: this finding only says which packets they were.
 */
static int check_flow_limit(const struct nt_audit_input *in,
			    const struct nt_softnet *sn,
			    struct nt_findings *out)
{
	char subject[16], rate[32], old[96];
	struct nt_finding *fd;
	struct nt_rise d;

	softnet_delta(in, sn, offsetof(struct nt_softnet, flow_limit_count),
		      &d);
	if (d.backwards || !d.total)
		return 0;
	snprintf(subject, sizeof(subject), "cpu%u", sn->cpu);
	fd = nt_finding_add(out, "softnet.flow_limit", NT_SEV_INFO, subject);
	if (!fd)
		return -ENOMEM;
	if (d.rate > 0) {
		nt_rate_text(rate, sizeof(rate), d.rate);
		nt_finding_summary(fd,
			"CPU %u dropped %s packets/s of its largest flows because its backlog was over half full (flow limit); they are part of its backlog drops",
			sn->cpu, rate);
	} else {
		nt_quiet_text(in, old, sizeof(old));
		nt_finding_summary(fd,
			"CPU %u has dropped %" PRIu64 " packets of its largest flows since boot because its backlog was over half full (flow limit); %s",
			sn->cpu, d.total, old);
	}
	nt_rise_evidence(fd, in, "flow_limit_count", &d);
	nt_sysctl_evidence(fd, in->cur, BACKLOG_SYSCTL);
	fix_double(fd, in->cur, BACKLOG_SYSCTL, BACKLOG_DEFAULT, BACKLOG_MIN,
		   BACKLOG_MAX);
	return 0;
}

/**
 * nt_check_softnet() - per-CPU backlog drops, time squeezes, flow limit
 * @in: the looks at the host
 * @out: findings to append to
 *
 * Return: 0 or -ENOMEM.
 */
int nt_check_softnet(const struct nt_audit_input *in, struct nt_findings *out)
{
	for (size_t i = 0; i < in->cur->n_softnet; i++) {
		const struct nt_softnet *sn = &in->cur->softnet[i];
		int ret;

		ret = check_backlog(in, sn, out);
		if (!ret)
			ret = check_squeeze(in, sn, out);
		if (!ret)
			ret = check_flow_limit(in, sn, out);
		if (ret)
			return ret;
	}
	return 0;
}
