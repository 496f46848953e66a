// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qdisc: packets queue disciplines dropped, per qdisc, matched with the
 * previous look by handle and parent (qdiscs are listed in no fixed order).
 *
 * A drop is counted once, where it happened: mq and mqprio only sum their
 * children, and a classful parent (htb, ...) also counts what its leaves
 * drop, so such parents are left out while a child shows drops.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "audit/checks.h"
#include "audit/util.h"
#include "sample/rate.h"
#include "util/array.h"

#define QDISC_CRIT_RATE		1000.0	/* drops per second */

#define TC_ROOT			0xffffffffu
#define TC_MAJOR(h)		((h) >> 16)
#define TC_MINOR(h)		((h) & 0xffffu)

/* txqueuelen for pfifo_fast: doubled, at least 10000 packets. */
#define TXQLEN_MIN		10000
/* Kernel defaults, doubled in the fixes. */
#define FQ_CODEL_LIMIT		10240
#define FQ_LIMIT		10000
#define FQ_FLOW_LIMIT		100

enum kind_class {
	KIND_OTHER = 0,
	KIND_SKIP,		/* sums of children, or never drops */
	KIND_PFIFO_FAST,	/* limit follows txqueuelen */
	KIND_FIFO,		/* pfifo, bfifo: limit fixed at creation */
	KIND_FQ_CODEL,
	KIND_FQ,
	KIND_SHAPER,		/* drops above the configured rate */
	KIND_POLICY,		/* filters, policers, loss emulation */
};

static const struct {
	const char *kind;
	enum kind_class class;
} kinds[] = {
	{ "mq",			KIND_SKIP },
	{ "mqprio",		KIND_SKIP },
	{ "noqueue",		KIND_SKIP },
	{ "pfifo_fast",		KIND_PFIFO_FAST },
	{ "pfifo",		KIND_FIFO },
	{ "bfifo",		KIND_FIFO },
	{ "pfifo_head_drop",	KIND_FIFO },
	{ "fq_codel",		KIND_FQ_CODEL },
	{ "fq",			KIND_FQ },
	{ "tbf",		KIND_SHAPER },
	{ "htb",		KIND_SHAPER },
	{ "hfsc",		KIND_SHAPER },
	{ "cbq",		KIND_SHAPER },
	{ "cbs",		KIND_SHAPER },
	{ "ingress",		KIND_POLICY },
	{ "clsact",		KIND_POLICY },
	{ "netem",		KIND_POLICY },
};

static enum kind_class kind_class(const char *kind)
{
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (!strcmp(kinds[i].kind, kind))
			return kinds[i].class;
	return KIND_OTHER;
}

/* A handle as tc prints it: "8001:", "1:10", ":4", "0:". */
static void handle_text(uint32_t handle, char *buf, size_t size)
{
	if (TC_MAJOR(handle) && TC_MINOR(handle))
		snprintf(buf, size, "%x:%x", TC_MAJOR(handle),
			 TC_MINOR(handle));
	else if (TC_MINOR(handle))
		snprintf(buf, size, ":%x", TC_MINOR(handle));
	else
		snprintf(buf, size, "%x:", TC_MAJOR(handle));
}

/*
 * "eth0 qdisc tbf 8001:".  The children of mq all have handle 0:, so an
 * unnumbered qdisc that is not the root also names its parent.
 */
static void subject_text(const struct nt_iface *ifc, const struct nt_qdisc *q,
			 char *buf, size_t size)
{
	char handle[16], parent[16];

	handle_text(q->handle, handle, sizeof(handle));
	handle_text(q->parent, parent, sizeof(parent));
	if (!TC_MAJOR(q->handle) && q->parent != TC_ROOT)
		snprintf(buf, size, "%.15s qdisc %.24s %.9s parent %.9s",
			 ifc->name, q->kind, handle, parent);
	else
		snprintf(buf, size, "%.15s qdisc %.24s %.9s", ifc->name,
			 q->kind, handle);
}

/* A qdisc now and the same qdisc (by handle and parent) before. */
struct look {
	const struct nt_audit_input *in;
	const struct nt_iface *ifc;
	const struct nt_iface *prev;	/* NULL: no earlier look at it */
	const struct nt_qdisc *q;
	const struct nt_qdisc *pq;
	double drops, overlimits, requeues;	/* per second */
};

static void look_at(struct look *lk, const struct nt_qdisc *q)
{
	double s = lk->in->seconds;

	lk->q = q;
	lk->pq = lk->prev ? nt_iface_qdisc(lk->prev, q->handle, q->parent) :
		 NULL;
	lk->drops = lk->overlimits = lk->requeues = 0;
	if (!lk->pq)
		return;
	lk->drops = nt_rate(lk->pq->drops, q->drops, s);
	lk->overlimits = nt_rate(lk->pq->overlimits, q->overlimits, s);
	lk->requeues = nt_rate(lk->pq->requeues, q->requeues, s);
}

/* Drops now (or ever, without a previous look) to report at @q. */
static bool dropping(const struct look *lk)
{
	if (lk->pq)
		return lk->q->drops >= lk->pq->drops && lk->q->drops;
	return lk->q->drops > 0;
}

/* Is a child of @q dropping?  Then the drop is reported there. */
static bool child_dropping(const struct look *parent)
{
	const struct nt_iface *ifc = parent->ifc;
	uint32_t major = TC_MAJOR(parent->q->handle);

	for (size_t i = 0; major && i < ifc->n_qdiscs; i++) {
		const struct nt_qdisc *c = &ifc->qdiscs[i];
		struct look lk = *parent;

		if (c == parent->q || c->parent == TC_ROOT ||
		    TC_MAJOR(c->parent) != major)
			continue;
		look_at(&lk, c);
		if (lk.pq ? lk.drops > 0 : c->drops > 0)
			return true;
	}
	return false;
}

/*
 * The qdisc knob sets an interface's root qdisc: a qdisc below the root
 * (a child of mq, a leaf of htb) gets no such change, replacing the root
 * would take the device's other queues with it.
 */
static bool root_settable(const struct look *lk, enum kind_class class)
{
	return lk->q->parent == TC_ROOT && class != KIND_PFIFO_FAST &&
	       class != KIND_POLICY;
}

static const char *cause(const struct look *lk, enum kind_class class,
			 char *buf, size_t size)
{
	switch (class) {
	case KIND_PFIFO_FAST:
		snprintf(buf, size,
			 "because its queue (txqueuelen %u packets) was full",
			 lk->ifc->txqlen);
		break;
	case KIND_FQ_CODEL:
		snprintf(buf, size,
			 "at its packet or memory limit, or on purpose to keep queueing delay low (CoDel)");
		break;
	case KIND_FQ:
		snprintf(buf, size,
			 "because its packet limit or a flow's limit (flow_limit) was reached");
		break;
	case KIND_SHAPER:
		snprintf(buf, size,
			 "because traffic exceeds the rate it shapes to: these drops are by design");
		break;
	case KIND_POLICY:
		snprintf(buf, size,
			 "through the filters, policers or loss emulation configured on it, by design");
		break;
	default:
		snprintf(buf, size, "because its queue limit was reached");
		break;
	}
	return buf;
}

static void summary(struct nt_finding *fd, const struct look *lk,
		    enum kind_class class)
{
	char why[128], rate[32], old[96];
	const char *tc = "";

	cause(lk, class, why, sizeof(why));
	if (class != KIND_PFIFO_FAST && class != KIND_POLICY &&
	    lk->q->parent != TC_ROOT)
		tc = "; it is below the root qdisc, so change it with tc";
	if (lk->drops > 0) {
		nt_rate_text(rate, sizeof(rate), lk->drops);
		nt_finding_summary(fd, "%s: qdisc %s dropped %s packets/s %s%s",
				   lk->ifc->name, lk->q->kind, rate, why, tc);
		return;
	}
	nt_quiet_text(lk->in, old, sizeof(old));
	nt_finding_summary(fd,
		"%s: qdisc %s has dropped %" PRIu64 " packets since it was created %s; %s",
		lk->ifc->name, lk->q->kind, lk->q->drops, why, old);
}

static void evidence(struct nt_finding *fd, const struct look *lk)
{
	if (lk->in->prev)
		nt_finding_evidence(fd, "drops_per_s", lk->drops, false);
	nt_finding_evidence(fd, "drops_total", lk->q->drops, true);
	if (lk->in->prev) {
		nt_finding_evidence(fd, "overlimits_per_s", lk->overlimits,
				    false);
		nt_finding_evidence(fd, "requeues_per_s", lk->requeues, false);
	}
	nt_finding_evidence(fd, "backlog_bytes", lk->q->backlog, true);
	nt_finding_evidence(fd, "qlen", lk->q->qlen, true);
}

/* "qdisc" change of the root; current as the knob reads it back. */
static void fix_root(struct nt_finding *fd, const struct look *lk,
		     const char *target)
{
	const char *cur = lk->ifc->qdisc[0] ? lk->ifc->qdisc : lk->q->kind;

	nt_finding_fix(fd, "qdisc", lk->ifc->name, cur, target);
}

static void fix(struct nt_finding *fd, const struct look *lk,
		enum kind_class class)
{
	const struct nt_iface *ifc = lk->ifc;
	uint64_t txqlen = 2 * (uint64_t)ifc->txqlen;
	char cur[16], target[NT_VALUE_LEN];

	if (class == KIND_PFIFO_FAST) {
		/* its limit follows txqueuelen, wherever it sits */
		nt_finding_evidence(fd, "txqlen", ifc->txqlen, true);
		snprintf(cur, sizeof(cur), "%u", ifc->txqlen);
		snprintf(target, sizeof(target), "%" PRIu64,
			 txqlen < TXQLEN_MIN ? TXQLEN_MIN : txqlen);
		nt_finding_fix(fd, "txqlen", ifc->name, cur, target);
		return;
	}
	if (!root_settable(lk, class))
		return;
	switch (class) {
	case KIND_FIFO:
		/* its limit was fixed when it was created: replace it */
		snprintf(target, sizeof(target), "fq_codel");
		break;
	case KIND_FQ_CODEL:
		snprintf(target, sizeof(target), "fq_codel limit %d",
			 2 * FQ_CODEL_LIMIT);
		break;
	case KIND_FQ:
		snprintf(target, sizeof(target), "fq limit %d flow_limit %d",
			 2 * FQ_LIMIT, 2 * FQ_FLOW_LIMIT);
		break;
	case KIND_SHAPER:
		snprintf(target, sizeof(target),
			 "raise the rate or limit of %s", lk->q->kind);
		break;
	default:
		snprintf(target, sizeof(target), "raise the limit of %s",
			 lk->q->kind);
		break;
	}
	fix_root(fd, lk, target);
}

static int check_one(struct look *lk, struct nt_findings *out)
{
	enum kind_class class = kind_class(lk->q->kind);
	char subject[96];
	enum nt_severity sev;
	struct nt_finding *fd;

	if (class == KIND_SKIP || !dropping(lk) || child_dropping(lk))
		return 0;
	sev = nt_rate_severity(lk->in, lk->q->drops, lk->drops,
			       QDISC_CRIT_RATE);
	/* drops a configured rate or policy asks for never page anyone */
	if ((class == KIND_SHAPER || class == KIND_POLICY) &&
	    sev > NT_SEV_WARNING)
		sev = NT_SEV_WARNING;
	subject_text(lk->ifc, lk->q, subject, sizeof(subject));
	fd = nt_finding_add(out, "qdisc.drops", sev, subject);
	if (!fd)
		return -ENOMEM;
	summary(fd, lk, class);
	evidence(fd, lk);
	fix(fd, lk, class);
	return 0;
}

/**
 * nt_check_qdisc() - packets queue disciplines dropped
 * @in: the looks at the host
 * @out: findings to append to
 *
 * Return: 0 or -ENOMEM.
 */
int nt_check_qdisc(const struct nt_audit_input *in, struct nt_findings *out)
{
	for (size_t i = 0; i < in->cur->n_ifaces; i++) {
		const struct nt_iface *ifc = &in->cur->ifaces[i];
		struct look lk = {
			.in = in,
			.ifc = ifc,
			.prev = nt_prev_iface(in->prev, in->cur, ifc),
		};

		for (size_t j = 0; j < ifc->n_qdiscs; j++) {
			int ret;

			look_at(&lk, &ifc->qdiscs[j]);
			ret = check_one(&lk, out);
			if (ret)
				return ret;
		}
	}
	return 0;
}
