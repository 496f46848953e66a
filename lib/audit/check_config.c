// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Configuration smells: settings that are not what a network host wants,
 * judged from configuration alone.  Without a counter behind them they
 * are never worse than info.  See nettune-checks(7).
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/checks.h"
#include "audit/util.h"
#include "util/array.h"

#define SOMAXCONN_DEFAULT	4096	/* since Linux 5.4 */

static struct nt_finding *info(struct nt_findings *out, const char *id,
			       const char *subject)
{
	return nt_finding_add(out, id, NT_SEV_INFO, subject);
}

/* rmem_max, wmem_max ------------------------------------------------------ */

/*
 * Autotuning is bounded by tcp_[rw]mem[2], not by [rw]mem_max: only
 * setsockopt() is capped there, and a socket that sets its buffer stops
 * autotuning.  So a low maximum punishes exactly the applications that
 * tried to size their buffers.
 */
static int check_buf_max(const struct nt_audit_input *in,
			 struct nt_findings *out, const char *kind,
			 const char *sockopt)
{
	const struct nt_host *h = in->cur;
	char core[32], tcp[32], id[NT_FINDING_ID_LEN];
	struct nt_finding *fd;
	struct nt_change *c;
	uint64_t max, v[3];

	snprintf(core, sizeof(core), "net.core.%s_max", kind);
	snprintf(tcp, sizeof(tcp), "net.ipv4.tcp_%s", kind);
	if (!nt_sysctl_u64(h, core, &max) || nt_sysctl_vec(h, tcp, v, 3) != 3 ||
	    max >= v[2])
		return 0;
	snprintf(id, sizeof(id), "config.%s_max_below_tcp_%s", kind, kind);
	fd = info(out, id, core);
	if (!fd)
		return -ENOMEM;
	nt_finding_summary(fd, "%s (%" PRIu64 ") is below tcp_%s's maximum (%"
			   PRIu64 "): autotuned TCP sockets still grow to %"
			   PRIu64 ", but applications that set %s (which "
			   "stops autotuning) are capped at %" PRIu64, core,
			   max, kind, v[2], v[2], sockopt, max);
	nt_finding_evidence(fd, "max", max, true);
	nt_finding_evidence(fd, "tcp_max", v[2], true);
	c = nt_fix_sysctl_u64(fd, h, core, v[2]);
	nt_fix_reason(c, "lets %s reach what autotuning reaches", sockopt);
	return 0;
}

static int check_rmem_max(const struct nt_audit_input *in,
			  struct nt_findings *out)
{
	return check_buf_max(in, out, "rmem", "SO_RCVBUF");
}

static int check_wmem_max(const struct nt_audit_input *in,
			  struct nt_findings *out)
{
	return check_buf_max(in, out, "wmem", "SO_SNDBUF");
}

static int check_moderate_rcvbuf(const struct nt_audit_input *in,
				 struct nt_findings *out)
{
	const char *name = "net.ipv4.tcp_moderate_rcvbuf";
	struct nt_finding *fd;
	struct nt_change *c;
	uint64_t v, rmem[3];

	if (!nt_sysctl_u64(in->cur, name, &v) || v)
		return 0;
	fd = info(out, "config.moderate_rcvbuf_off", name);
	if (!fd)
		return -ENOMEM;
	if (nt_sysctl_vec(in->cur, "net.ipv4.tcp_rmem", rmem, 3) != 3)
		rmem[1] = 0;
	nt_finding_summary(fd, "TCP receive buffer autotuning is off: "
			   "buffers stay at tcp_rmem's default (%" PRIu64
			   " bytes) instead of growing to the connection's "
			   "bandwidth-delay product, which caps throughput on "
			   "long paths", rmem[1]);
	nt_finding_evidence(fd, "tcp_moderate_rcvbuf", 0, true);
	c = nt_fix_sysctl(fd, in->cur, name, "1");
	nt_fix_reason(c, "the kernel's default");
	return 0;
}

/* congestion control ------------------------------------------------------ */

/* "6.18.44-fc-v595" -> 6.18.  Return: false when the release is unknown. */
static bool kernel_version(const char *release, unsigned long *major,
			   unsigned long *minor)
{
	char *end;

	if (!isdigit((unsigned char)release[0]))
		return false;
	*major = strtoul(release, &end, 10);
	if (*end != '.' || !isdigit((unsigned char)end[1]))
		return false;
	*minor = strtoul(end + 1, NULL, 10);
	return true;
}

/* True only when the kernel is known to be older than @major.@minor. */
static bool kernel_older(const struct nt_host *h, unsigned long major,
			 unsigned long minor)
{
	unsigned long ma, mi;

	if (!kernel_version(h->kernel, &ma, &mi))
		return false;
	return ma < major || (ma == major && mi < minor);
}

static bool list_has(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n) {
		bool start = p == list || isspace((unsigned char)p[-1]);

		if (start && (!p[n] || isspace((unsigned char)p[n])))
			return true;
	}
	return false;
}

/*
 * Before 4.13 bbr had no pacing of its own and relied on the fq qdisc;
 * from 4.13 TCP paces internally.  default_qdisc is global: absent in a
 * namespace, and then nothing can be said.
 */
static bool bbr_needs_fq(const struct nt_host *h)
{
	const char *qdisc = nt_host_sysctl(h, "net.core.default_qdisc");

	return qdisc && strcmp(qdisc, "fq") && kernel_older(h, 4, 13);
}

static void fq_fix(struct nt_finding *fd, const struct nt_host *h)
{
	struct nt_change *c;

	c = nt_fix_sysctl(fd, h, "net.core.default_qdisc", "fq");
	nt_fix_reason(c, "bbr before 4.13 paces only through fq; applies to "
			 "qdiscs created afterwards");
}

static int check_bbr_fq(const struct nt_audit_input *in,
			struct nt_findings *out)
{
	const struct nt_host *h = in->cur;
	struct nt_finding *fd;

	if (!bbr_needs_fq(h))
		return 0;
	fd = info(out, "config.bbr_without_fq", "net.core.default_qdisc");
	if (!fd)
		return -ENOMEM;
	nt_finding_summary(fd, "TCP uses bbr on kernel %s, older than 4.13, "
			   "where bbr paces its packets only through the fq "
			   "qdisc, but the default qdisc is %s: bbr then sends "
			   "in bursts", h->kernel,
			   nt_host_sysctl(h, "net.core.default_qdisc"));
	fq_fix(fd, h);
	return 0;
}

static void congestion_summary(struct nt_finding *fd, const char *cur,
			       const char *target)
{
	if (!strcmp(target, "bbr"))
		nt_finding_summary(fd, "TCP uses %s while bbr is available: "
				   "bbr keeps throughput up on long or lossy "
				   "paths and keeps queues short (it shares "
				   "bandwidth unevenly with loss-based "
				   "flows)", cur);
	else
		nt_finding_summary(fd, "TCP uses %s while cubic, the kernel's "
				   "default, is available: cubic grows the "
				   "window much faster on fast, long paths",
				   cur);
}

static int check_congestion(const struct nt_audit_input *in,
			    struct nt_findings *out)
{
	const char *name = "net.ipv4.tcp_congestion_control";
	const struct nt_host *h = in->cur;
	const char *cur, *avail, *target;
	struct nt_finding *fd;
	struct nt_change *c;

	cur = nt_host_sysctl(h, name);
	avail = nt_host_sysctl(h, "net.ipv4.tcp_available_congestion_control");
	if (!cur || !avail)
		return 0;
	if (!strcmp(cur, "bbr"))
		return check_bbr_fq(in, out);
	if (list_has(avail, "bbr"))
		target = "bbr";
	else if (strcmp(cur, "cubic") && list_has(avail, "cubic"))
		target = "cubic";
	else
		return 0;
	fd = info(out, "config.congestion_control", name);
	if (!fd)
		return -ENOMEM;
	congestion_summary(fd, cur, target);
	c = nt_fix_sysctl(fd, h, name, target);
	nt_fix_reason(c, "new connections use it; existing ones keep theirs");
	if (!strcmp(target, "bbr") && bbr_needs_fq(h))
		fq_fix(fd, h);
	return 0;
}

/* irqbalance -------------------------------------------------------------- */

struct pinned {
	size_t queues, pinned;
	const struct nt_iface *ifc;	/* the first pinned, as an example */
	const struct nt_iface_irq *irq;
};

static void count_pinned(const struct nt_host *h, struct pinned *p)
{
	for (size_t i = 0; i < h->n_ifaces; i++) {
		const struct nt_iface *ifc = &h->ifaces[i];

		for (size_t j = 0; j < ifc->n_irqs; j++) {
			const struct nt_iface_irq *irq = &ifc->irqs[j];

			if (!nt_irq_is_queue(irq))
				continue;
			p->queues++;
			if (nt_cpumask_weight(&irq->affinity) != 1)
				continue;
			if (!p->pinned++) {
				p->ifc = ifc;
				p->irq = irq;
			}
		}
	}
}

/*
 * irqbalance rewrites smp_affinity on its own schedule, so affinity set
 * by hand or by a profile does not last.  It pins IRQs to single CPUs
 * itself too, hence only info and the hedged wording.
 */
static int check_irqbalance(const struct nt_audit_input *in,
			    struct nt_findings *out)
{
	const struct nt_host *h = in->cur;
	struct pinned p = { 0 };
	struct nt_finding *fd;
	struct nt_change *c;

	if (h->irqbalance != 1 || (h->n_cpus && nt_online_cpus(h) < 2))
		return 0;
	count_pinned(h, &p);
	if (!p.pinned)
		return 0;
	fd = info(out, "config.irqbalance_pinned", "irqbalance");
	if (!fd)
		return -ENOMEM;
	nt_finding_summary(fd, "irqbalance runs while %zu of %zu NIC queue "
			   "IRQs are each bound to one CPU (e.g. %s irq %u on "
			   "CPU %d): if they were pinned by hand or by a "
			   "profile, irqbalance will move them; stop it or ban "
			   "those IRQs", p.pinned, p.queues, p.ifc->name,
			   p.irq->irq, nt_cpumask_next(&p.irq->affinity, 0));
	nt_finding_evidence(fd, "pinned_irqs", p.pinned, true);
	nt_finding_evidence(fd, "queue_irqs", p.queues, true);
	c = nt_finding_fix(fd, "irqbalance", "irqbalance", "running",
			   "stopped");
	nt_fix_reason(c, "or keep it running and ban the pinned IRQs "
			 "(irqbalance --banirq=N)");
	return 0;
}

static int check_somaxconn(const struct nt_audit_input *in,
			   struct nt_findings *out)
{
	const char *name = "net.core.somaxconn";
	struct nt_finding *fd;
	struct nt_change *c;
	uint64_t v;

	if (!nt_sysctl_u64(in->cur, name, &v) || v >= SOMAXCONN_DEFAULT)
		return 0;
	fd = info(out, "config.somaxconn_low", name);
	if (!fd)
		return -ENOMEM;
	nt_finding_summary(fd, "net.core.somaxconn is %" PRIu64 ": every "
			   "listen() backlog is capped there, so a burst of "
			   "connections overflows accept queues sooner; "
			   "kernels since 5.4 default to %d", v,
			   SOMAXCONN_DEFAULT);
	nt_finding_evidence(fd, "somaxconn", v, true);
	c = nt_fix_sysctl_u64(fd, in->cur, name, SOMAXCONN_DEFAULT);
	nt_fix_reason(c, "the default since Linux 5.4");
	return 0;
}

/**
 * nt_check_config() - report configuration smells, as info only
 * @in: the looks at the host; only the current one is read
 * @out: findings to append to
 *
 * Findings: config.rmem_max_below_tcp_rmem, config.wmem_max_below_tcp_wmem,
 * config.moderate_rcvbuf_off, config.congestion_control,
 * config.bbr_without_fq, config.irqbalance_pinned, config.somaxconn_low.
 *
 * Return: 0 or -ENOMEM.
 */
int nt_check_config(const struct nt_audit_input *in, struct nt_findings *out)
{
	static const nt_check_fn parts[] = {
		check_rmem_max, check_wmem_max, check_moderate_rcvbuf,
		check_congestion, check_irqbalance, check_somaxconn,
	};

	return nt_run_parts(parts, ARRAY_SIZE(parts), in, out);
}
