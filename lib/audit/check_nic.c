// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nic: packets an interface lost, from the link's stats64 and the driver's
 * own counters (ethtool -S).
 *
 * Driver counters have no common names, so they are sorted by words in
 * the name.  Those that mean "the rx ring had no free buffer" join the
 * link's missed/fifo/over errors in nic.rx_missed, where a bigger ring is
 * the fix; every other drop counter goes to nic.driver_drops.  A packet is
 * so reported once, however many names a driver gives it.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/checks.h"
#include "audit/util.h"
#include "model/drvstat.h"
#include "sample/rate.h"

#define MISSED_CRIT_RATE	1000.0	/* packets per second */
#define DROPPED_CRIT_RATE	1000.0
#define DRIVER_CRIT_RATE	1000.0

/*
 * rx_dropped and tx_dropped below this rate are a trickle, usually frames
 * of protocols nobody on the host listens for (LLDP, STP): info only.
 */
#define DROPPED_FLOOR_RATE	1.0

#define BACKLOG_SYSCTL		"net.core.netdev_max_backlog"
#define BACKLOG_DEFAULT		1000
#define BACKLOG_MIN		2000
#define BACKLOG_MAX		65536

enum counter_class {
	CLASS_NONE,
	CLASS_RING,		/* rx ring had no buffer: nic.rx_missed */
	CLASS_DROP,		/* any other drop: nic.driver_drops */
};

/* One counter now and its rise since the previous look. */
struct src {
	char name[NT_COUNTER_LEN];
	enum counter_class class;
	char dir[3];		/* "rx", "tx", "" */
	int queue;		/* queue index in the name, -1 none */
	uint64_t total;
	double rate;
};

/* Link stats the link part reports; a driver copy of them is not new. */
static const char *const link_names[] = {
	"rx_missed_errors", "rx_fifo_errors", "rx_over_errors", "rx_dropped",
	"tx_dropped", NULL
};

static bool is_listed(const char *name, const char *const *names)
{
	for (; *names; names++)
		if (!strcmp(name, *names))
			return true;
	return false;
}

/* Direction and queue of a driver counter: see lib/model/drvstat.h. */
static void parse_name(struct src *s)
{
	struct nt_drvstat_id id;

	nt_drvstat_parse(s->name, &id);
	memcpy(s->dir, id.dir, sizeof(s->dir));
	s->queue = id.queue;
}

static enum counter_class classify(const struct src *s, bool link_ok)
{
	/* XDP drops are the program's verdict, not a loss */
	if (strcasestr(s->name, "xdp"))
		return CLASS_NONE;
	if (link_ok && is_listed(s->name, link_names))
		return CLASS_NONE;
	if (strcmp(s->dir, "tx") && nt_driver_counter_ring(s->name))
		return CLASS_RING;
	if (nt_driver_counter_drop(s->name))
		return CLASS_DROP;
	return CLASS_NONE;
}

/*
 * Fill @s from a counter; false when it says nothing: never counted, or
 * lower than before (a reset gives no rate and no since-boot total).
 */
static bool src_set(struct src *s, const struct nt_audit_input *in,
		    const char *name, bool have_prev, uint64_t prev,
		    uint64_t cur)
{
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->total = cur;
	s->rate = 0;
	if (have_prev) {
		if (prev > cur)
			return false;
		s->rate = nt_rate(prev, cur, in->seconds);
	}
	return cur > 0;
}

/* Counters with numbers behind them, link ones first, in scratch of @f. */
static int collect(const struct nt_audit_input *in, const struct nt_iface *ifc,
		   struct nt_findings *f, struct src **out, size_t *n)
{
	const struct nt_iface *p = nt_prev_iface(in->prev, in->cur, ifc);
	bool link_ok = ifc->link_stats_state == NT_STATE_OK;
	bool plink = p && p->link_stats_state == NT_STATE_OK;
	const struct nt_link_stats *ls = &ifc->stats;
	const struct nt_link_stats *ps = plink ? &p->stats : NULL;
	const struct {
		const char *name;
		uint64_t cur, prev;
	} link[] = {
		{ "rx_missed_errors", ls->rx_missed_errors,
		  ps ? ps->rx_missed_errors : 0 },
		{ "rx_fifo_errors", ls->rx_fifo_errors,
		  ps ? ps->rx_fifo_errors : 0 },
		{ "rx_over_errors", ls->rx_over_errors,
		  ps ? ps->rx_over_errors : 0 },
	};
	size_t k = 0, size = (3 + ifc->driver_stats.n) * sizeof(struct src);
	struct src *v = nt_findings_scratch(f, NT_SCRATCH_NIC_SRC, size);

	if (!v)
		return -ENOMEM;
	memset(v, 0, size);
	for (size_t i = 0; link_ok && i < 3; i++) {
		if (src_set(&v[k], in, link[i].name, plink, link[i].prev,
			    link[i].cur)) {
			v[k].class = CLASS_RING;
			v[k++].queue = -1;
		}
	}
	for (size_t i = 0; i < ifc->driver_stats.n; i++) {
		const struct nt_counter *c = &ifc->driver_stats.v[i];
		int64_t before = 0;
		bool had = p && nt_counters_get(&p->driver_stats, c->name,
						&before);

		if (c->value < 0 || before < 0 ||
		    !src_set(&v[k], in, c->name, had, before, c->value))
			continue;
		parse_name(&v[k]);
		v[k].class = classify(&v[k], link_ok);
		if (v[k].class != CLASS_NONE)
			k++;
	}
	*out = v;
	*n = k;
	return 0;
}

/* Largest rate first, then largest total. */
static int cmp_src(const void *a, const void *b, void *ctx)
{
	const struct src *x = a, *y = b;

	(void)ctx;
	if (x->rate != y->rate)
		return x->rate > y->rate ? -1 : 1;
	return (x->total < y->total) - (x->total > y->total);
}

static void src_evidence(const struct nt_audit_input *in,
			 struct nt_finding *fd, const struct src *s)
{
	char key[40];

	if (in->prev) {
		snprintf(key, sizeof(key), "%.33s_per_s", s->name);
		nt_finding_evidence(fd, key, s->rate, false);
	}
	snprintf(key, sizeof(key), "%.33s_total", s->name);
	nt_finding_evidence(fd, key, (double)s->total, true);
}

static enum nt_severity worst(const struct nt_audit_input *in,
			      const struct src *v, size_t n, double crit)
{
	enum nt_severity sev = NT_SEV_OK;

	for (size_t i = 0; i < n; i++) {
		enum nt_severity s = nt_rate_severity(in, v[i].total,
						      v[i].rate, crit);

		if (s > sev)
			sev = s;
	}
	return sev;
}

static bool ring_known(const struct nt_iface *ifc)
{
	return ifc->rings.state == NT_STATE_OK && ifc->rings.rx_max;
}

/* Why the ring overflowed, as far as its size tells. */
static void missed_cause(const struct nt_iface *ifc, char *buf, size_t size)
{
	const struct nt_rings *r = &ifc->rings;

	if (!ring_known(ifc))
		snprintf(buf, size,
			 "the NIC had no free receive buffer when they arrived");
	else if (r->rx < r->rx_max)
		snprintf(buf, size,
			 "its rx ring of %u descriptors (the NIC allows %u) was full when they arrived",
			 r->rx, r->rx_max);
	else
		snprintf(buf, size,
			 "with its rx ring at the NIC's maximum of %u descriptors the CPUs empty it too slowly; spread the work over more queues and CPUs",
			 r->rx_max);
}

static void missed_summary(const struct nt_audit_input *in,
			   struct nt_finding *fd, const struct nt_iface *ifc,
			   const struct src *top)
{
	char cause[192], rate[32], old[96];

	missed_cause(ifc, cause, sizeof(cause));
	if (top->rate > 0) {
		nt_rate_text(rate, sizeof(rate), top->rate);
		nt_finding_summary(fd, "%s missed %s packets/s (%s): %s",
				   ifc->name, rate, top->name, cause);
		return;
	}
	nt_quiet_text(in, old, sizeof(old));
	nt_finding_summary(fd,
		"%s has missed %" PRIu64 " packets since boot (%s): %s; %s",
		ifc->name, top->total, top->name, cause, old);
}

static void u32_text(char *buf, size_t size, uint32_t v)
{
	snprintf(buf, size, "%u", v);
}

/* A full ring below its maximum grows; one at the maximum needs queues. */
static void missed_fix(struct nt_finding *fd, const struct nt_iface *ifc)
{
	const struct nt_rings *r = &ifc->rings;
	const struct nt_channels *ch = &ifc->channels;
	char cur[16], target[16];

	if (ring_known(ifc) && r->rx < r->rx_max) {
		u32_text(cur, sizeof(cur), r->rx);
		u32_text(target, sizeof(target), r->rx_max);
		nt_finding_fix(fd, "rings.rx", ifc->name, cur, target);
		return;
	}
	if (ch->state != NT_STATE_OK)
		return;
	if ((ch->present & NT_CHAN_COMBINED_MAX) &&
	    ch->combined < ch->combined_max) {
		u32_text(cur, sizeof(cur), ch->combined);
		u32_text(target, sizeof(target), ch->combined_max);
		nt_finding_fix(fd, "channels.combined", ifc->name, cur, target);
	} else if ((ch->present & NT_CHAN_RX_MAX) && ch->rx < ch->rx_max) {
		u32_text(cur, sizeof(cur), ch->rx);
		u32_text(target, sizeof(target), ch->rx_max);
		nt_finding_fix(fd, "channels.rx", ifc->name, cur, target);
	}
}

static int check_missed(const struct nt_audit_input *in,
			const struct nt_iface *ifc, const struct src *all,
			size_t n, struct nt_findings *out)
{
	struct src v[NT_EVIDENCE_MAX];
	enum nt_severity sev;
	struct nt_finding *fd;
	size_t k = 0;

	/* @all is sorted: the first ring counters are the largest */
	for (size_t i = 0; i < n && k < NT_EVIDENCE_MAX; i++)
		if (all[i].class == CLASS_RING)
			v[k++] = all[i];
	sev = worst(in, v, k, MISSED_CRIT_RATE);
	if (sev == NT_SEV_OK)
		return 0;
	fd = nt_finding_add(out, "nic.rx_missed", sev, ifc->name);
	if (!fd)
		return -ENOMEM;
	missed_summary(in, fd, ifc, &v[0]);
	if (ring_known(ifc)) {
		nt_finding_evidence(fd, "rx_ring", ifc->rings.rx, true);
		nt_finding_evidence(fd, "rx_ring_max", ifc->rings.rx_max, true);
	}
	for (size_t i = 0; i < k; i++)
		src_evidence(in, fd, &v[i]);
	missed_fix(fd, ifc);
	return 0;
}

/* Backlog drops of all CPUs per second: they also count as rx_dropped. */
static double backlog_drop_rate(const struct nt_audit_input *in)
{
	double rate = 0;

	for (size_t i = 0; in->prev && i < in->cur->n_softnet; i++) {
		const struct nt_softnet *sn = &in->cur->softnet[i];
		const struct nt_softnet *p = nt_host_softnet(in->prev, sn->cpu);

		if (p)
			rate += nt_rate(p->dropped, sn->dropped, in->seconds);
	}
	return rate;
}

static void fix_backlog(struct nt_finding *fd, const struct nt_host *host)
{
	uint64_t cur = 0;
	bool known = nt_sysctl_u64(host, BACKLOG_SYSCTL, &cur);
	uint64_t target = 2 * (known && cur ? cur : BACKLOG_DEFAULT);

	if (target < BACKLOG_MIN)
		target = BACKLOG_MIN;
	if (target > BACKLOG_MAX)
		target = BACKLOG_MAX;
	if (!known || cur < target)
		nt_fix_sysctl_u64(fd, host, BACKLOG_SYSCTL, target);
}

static const char *dropped_cause(const struct nt_iface *ifc, bool rx)
{
	if (rx)
		return "the kernel discarded them after the NIC delivered them: frames for a protocol or VLAN nobody listens to, a full CPU backlog, or the driver's own drops";
	if (!strcmp(ifc->kind, "veth"))
		return "the peer did not take them (peer down or its CPU backlog full)";
	return "its queue discipline or driver refused them";
}

static void dropped_summary(const struct nt_audit_input *in,
			    struct nt_finding *fd, const struct nt_iface *ifc,
			    const struct src *s, bool rx, double backlog)
{
	char rate[32], old[96], also[96] = "";

	if (backlog > 0) {
		nt_rate_text(rate, sizeof(rate), backlog);
		snprintf(also, sizeof(also),
			 "; CPU backlog queues overflowed at %s packets/s meanwhile",
			 rate);
	}
	if (s->rate > 0) {
		nt_rate_text(rate, sizeof(rate), s->rate);
		nt_finding_summary(fd,
			"%s dropped %s packets/s on %s (%s): %s%s",
			ifc->name, rate, rx ? "receive" : "transmit", s->name,
			dropped_cause(ifc, rx), also);
		return;
	}
	nt_quiet_text(in, old, sizeof(old));
	nt_finding_summary(fd,
		"%s has dropped %" PRIu64 " packets on %s since boot (%s): %s; %s",
		ifc->name, s->total, rx ? "receive" : "transmit", s->name,
		dropped_cause(ifc, rx), old);
}

/* The traffic the drops are part of. */
static void packets_evidence(const struct nt_audit_input *in,
			     struct nt_finding *fd, const struct nt_iface *ifc,
			     const struct nt_iface *p, bool rx)
{
	const struct nt_link_stats *c = &ifc->stats, *b = &p->stats;

	if (rx)
		nt_finding_evidence(fd, "rx_packets_per_s",
				    nt_rate(b->rx_packets, c->rx_packets,
					    in->seconds), false);
	else
		nt_finding_evidence(fd, "tx_packets_per_s",
				    nt_rate(b->tx_packets, c->tx_packets,
					    in->seconds), false);
}

static int check_dropped(const struct nt_audit_input *in,
			 const struct nt_iface *ifc, bool rx,
			 struct nt_findings *out)
{
	const struct nt_iface *p = nt_prev_iface(in->prev, in->cur, ifc);
	bool plink = p && p->link_stats_state == NT_STATE_OK;
	uint64_t cur = rx ? ifc->stats.rx_dropped : ifc->stats.tx_dropped;
	uint64_t before = !plink ? 0 :
			  rx ? p->stats.rx_dropped : p->stats.tx_dropped;
	double backlog = rx ? backlog_drop_rate(in) : 0;
	enum nt_severity sev;
	struct nt_finding *fd;
	struct src s;

	if (ifc->link_stats_state != NT_STATE_OK ||
	    !src_set(&s, in, rx ? "rx_dropped" : "tx_dropped", plink, before,
		     cur))
		return 0;
	sev = nt_rate_severity(in, s.total, s.rate, DROPPED_CRIT_RATE);
	if (sev > NT_SEV_INFO && s.rate < DROPPED_FLOOR_RATE)
		sev = NT_SEV_INFO;
	fd = nt_finding_add(out, rx ? "nic.rx_dropped" : "nic.tx_dropped", sev,
			    ifc->name);
	if (!fd)
		return -ENOMEM;
	dropped_summary(in, fd, ifc, &s, rx, s.rate > 0 ? backlog : 0);
	src_evidence(in, fd, &s);
	if (in->prev && plink)
		packets_evidence(in, fd, ifc, p, rx);
	if (s.rate > 0 && backlog > 0) {
		nt_finding_evidence(fd, "backlog_dropped_per_s", backlog,
				    false);
		fix_backlog(fd, in->cur);
	}
	return 0;
}

/* Subject of a driver counter: the interface, or one of its queues. */
static void drv_subject(const struct nt_iface *ifc, const struct src *s,
			char *buf, size_t size)
{
	if (s->queue < 0)
		snprintf(buf, size, "%s", ifc->name);
	else
		snprintf(buf, size, "%s %s-%d", ifc->name,
			 s->dir[0] ? s->dir : "rx", s->queue);
}

static void drv_summary(const struct nt_audit_input *in,
			struct nt_finding *fd, const char *subject,
			const struct src *top, size_t n)
{
	char rate[32], old[96], more[48] = "";

	if (n > 1)
		snprintf(more, sizeof(more), " and %zu more counters", n - 1);
	if (top->rate > 0) {
		nt_rate_text(rate, sizeof(rate), top->rate);
		nt_finding_summary(fd,
			"%s: the driver counts %s drops/s in %s%s; what each counts is the driver's own, see its documentation",
			subject, rate, top->name, more);
		return;
	}
	nt_quiet_text(in, old, sizeof(old));
	nt_finding_summary(fd,
		"%s: the driver has counted %" PRIu64 " drops since boot in %s%s; %s",
		subject, top->total, top->name, more, old);
}

/* One finding for the counters of @v[0..n) (one subject, sorted). */
static int drv_finding(const struct nt_audit_input *in,
		       const struct nt_iface *ifc, const struct src *v,
		       size_t n, struct nt_findings *out)
{
	enum nt_severity sev = worst(in, v, n, DRIVER_CRIT_RATE);
	char subject[NT_SUBJECT_LEN];
	size_t per = in->prev ? 2 : 1;
	struct nt_finding *fd;

	if (sev == NT_SEV_OK)
		return 0;
	drv_subject(ifc, &v[0], subject, sizeof(subject));
	fd = nt_finding_add(out, "nic.driver_drops", sev, subject);
	if (!fd)
		return -ENOMEM;
	drv_summary(in, fd, subject, &v[0], n);
	for (size_t i = 0; i < n && (i + 1) * per <= NT_EVIDENCE_MAX; i++)
		src_evidence(in, fd, &v[i]);
	return 0;
}

static bool same_subject(const struct src *a, const struct src *b)
{
	return a->queue == b->queue &&
	       (a->queue < 0 || !strcmp(a->dir, b->dir));
}

/* Drop counters grouped by subject, each group sorted by rate. */
static int check_driver(const struct nt_audit_input *in,
			const struct nt_iface *ifc, const struct src *all,
			size_t n, struct nt_findings *out)
{
	struct src *group = nt_findings_scratch(out, NT_SCRATCH_NIC_GROUP,
						n * sizeof(*group));
	bool *done = nt_findings_scratch(out, NT_SCRATCH_NIC_DONE,
					 n * sizeof(*done));
	int ret = 0;

	if (!group || !done)
		return -ENOMEM;
	memset(done, 0, n * sizeof(*done));
	for (size_t i = 0; !ret && i < n; i++) {
		size_t k = 0;

		if (done[i] || all[i].class != CLASS_DROP)
			continue;
		for (size_t j = i; j < n; j++) {
			if (!done[j] && all[j].class == CLASS_DROP &&
			    same_subject(&all[i], &all[j])) {
				group[k++] = all[j];
				done[j] = true;
			}
		}
		ret = drv_finding(in, ifc, group, k, out);
	}
	return ret;
}

static int check_iface(const struct nt_audit_input *in,
		       const struct nt_iface *ifc, struct nt_findings *out)
{
	struct src *v, *tmp;
	size_t n;
	int ret = collect(in, ifc, out, &v, &n);

	if (ret)
		return ret;
	tmp = nt_findings_scratch(out, NT_SCRATCH_NIC_SORT,
				  (n / 2 + 1) * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	nt_sort_stable(v, n, sizeof(*v), cmp_src, NULL, tmp);
	ret = check_missed(in, ifc, v, n, out);
	if (!ret)
		ret = check_dropped(in, ifc, true, out);
	if (!ret)
		ret = check_dropped(in, ifc, false, out);
	if (!ret)
		ret = check_driver(in, ifc, v, n, out);
	return ret;
}

/**
 * nt_check_nic() - packets interfaces missed or dropped
 * @in: the looks at the host
 * @out: findings to append to
 *
 * Return: 0 or -ENOMEM.
 */
int nt_check_nic(const struct nt_audit_input *in, struct nt_findings *out)
{
	for (size_t i = 0; i < in->cur->n_ifaces; i++) {
		int ret = check_iface(in, &in->cur->ifaces[i], out);

		if (ret)
			return ret;
	}
	return 0;
}
