// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/util.h"
#include "model/drvstat.h"
#include "sample/rate.h"

bool nt_sysctl_u64(const struct nt_host *host, const char *name,
		   uint64_t *value)
{
	return nt_sysctl_vec(host, name, value, 1) == 1;
}

size_t nt_sysctl_vec(const struct nt_host *host, const char *name,
		     uint64_t *v, size_t max)
{
	const char *text = nt_host_sysctl(host, name);
	size_t n = 0;

	while (text && n < max) {
		char *end;

		while (*text == ' ' || *text == '\t')
			text++;
		if (!*text)
			break;
		errno = 0;
		v[n] = strtoull(text, &end, 10);
		if (end == text || errno || *text == '-')
			return 0;
		n++;
		text = end;
	}
	return n;
}

struct nt_change *nt_fix_sysctl(struct nt_finding *fd,
				const struct nt_host *host, const char *name,
				const char *target)
{
	return nt_finding_fix(fd, "sysctl", name, nt_host_sysctl(host, name),
			      target);
}

struct nt_change *nt_fix_sysctl_u64(struct nt_finding *fd,
				    const struct nt_host *host,
				    const char *name, uint64_t target)
{
	char value[32];

	snprintf(value, sizeof(value), "%" PRIu64, target);
	return nt_fix_sysctl(fd, host, name, value);
}

enum nt_severity nt_rate_severity(const struct nt_audit_input *in,
				  uint64_t total, double rate,
				  double critical_rate)
{
	if (!total)
		return NT_SEV_OK;
	if (!in->prev || rate <= 0)
		return NT_SEV_INFO;
	return rate >= critical_rate ? NT_SEV_CRITICAL : NT_SEV_WARNING;
}

enum nt_severity nt_level_severity(uint64_t used, uint64_t limit)
{
	if (!limit)
		return NT_SEV_OK;
	if (used * 100 > limit * 95)
		return NT_SEV_CRITICAL;
	if (used * 100 > limit * 80)
		return NT_SEV_WARNING;
	return NT_SEV_OK;
}

void nt_rate_text(char *buf, size_t size, double rate)
{
	snprintf(buf, size, rate < 10 ? "%.1f" : "%.0f", rate);
}

void nt_quiet_text(const struct nt_audit_input *in, char *buf, size_t size)
{
	if (in->prev)
		snprintf(buf, size, "none in the last %.*f s",
			 in->seconds < 10 ? 1 : 0, in->seconds);
	else
		snprintf(buf, size,
			 "look again with an interval to see whether it still happens");
}

void nt_fix_reason(struct nt_change *c, const char *fmt, ...)
{
	va_list ap;

	if (!c)
		return;
	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
}

void nt_sysctl_evidence(struct nt_finding *fd, const struct nt_host *host,
			const char *sysctl)
{
	const char *dot = strrchr(sysctl, '.');
	uint64_t v;

	if (nt_sysctl_u64(host, sysctl, &v))
		nt_finding_evidence(fd, dot ? dot + 1 : sysctl, (double)v,
				    true);
}

int nt_run_parts(const nt_check_fn *parts, size_t n,
		 const struct nt_audit_input *in, struct nt_findings *out)
{
	for (size_t i = 0; i < n; i++) {
		int ret = parts[i](in, out);

		if (ret)
			return ret;
	}
	return 0;
}

void nt_rise_add_snmp(const struct nt_audit_input *in, const char *name,
		      struct nt_rise *r)
{
	const struct nt_counters *prev = in->prev ? &in->prev->snmp : NULL;
	int64_t total;
	double rate;
	bool backwards;

	if (!nt_counter_delta(prev, &in->cur->snmp, name, in->seconds,
			      &total, &rate, &backwards) || total < 0)
		return;
	r->backwards |= backwards;
	r->total += (uint64_t)total;
	r->rate += rate;
}

enum nt_severity nt_rise_severity(const struct nt_audit_input *in,
				  const struct nt_rise *r,
				  double critical_rate)
{
	if (r->backwards)
		return NT_SEV_OK;
	return nt_rate_severity(in, r->total, r->rate, critical_rate);
}

bool nt_rising(const struct nt_audit_input *in, const struct nt_rise *r)
{
	return in->prev && !r->backwards && r->rate > 0;
}

void nt_rise_evidence(struct nt_finding *fd, const struct nt_audit_input *in,
		      const char *name, const struct nt_rise *r)
{
	char key[40];

	if (in->prev) {
		snprintf(key, sizeof(key), "%s_per_s", name);
		nt_finding_evidence(fd, key, r->rate, false);
	}
	snprintf(key, sizeof(key), "%s_total", name);
	nt_finding_evidence(fd, key, (double)r->total, true);
}

size_t nt_online_cpus(const struct nt_host *host)
{
	size_t n = 0;

	for (size_t i = 0; i < host->n_cpus; i++)
		n += host->cpus[i].online;
	/* without topology, softnet_stat has one line per online CPU */
	return host->n_cpus ? n : host->n_softnet;
}

int nt_node_cpus(const struct nt_host *host, int node, struct nt_cpumask *m)
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
		return nt_node_cpus(host, -1, m);
	return ret;
}

const struct nt_cpumask *nt_irq_cpus(const struct nt_iface_irq *irq)
{
	if (nt_cpumask_empty(&irq->effective_affinity))
		return &irq->affinity;
	return &irq->effective_affinity;
}

bool nt_is_rx_irq(const struct nt_iface_irq *irq)
{
	return nt_irq_is_queue(irq) && irq->rxq >= 0;
}

bool nt_takes_rx_irq(const struct nt_iface *ifc, unsigned int cpu)
{
	bool queues = false;

	for (size_t i = 0; i < ifc->n_irqs; i++)
		queues |= nt_is_rx_irq(&ifc->irqs[i]);
	for (size_t i = 0; i < ifc->n_irqs; i++) {
		const struct nt_iface_irq *irq = &ifc->irqs[i];

		/* a single-IRQ NIC receives on its one non-queue IRQ; a
		 * vector it does not own (the device's, a shared line) is
		 * not its */
		if ((queues ? nt_is_rx_irq(irq) :
			      irq->owner == NT_IRQ_OWNER_IFACE) &&
		    nt_cpumask_test(nt_irq_cpus(irq), cpu))
			return true;
	}
	return false;
}

double nt_net_rx_rate(const struct nt_audit_input *in, uint32_t cpu)
{
	const struct nt_softirqs *ct, *pt;
	const struct nt_softirq *c, *p;
	size_t ci, pi;

	if (!in->prev)
		return 0;
	ct = &in->cur->softirqs;
	pt = &in->prev->softirqs;
	c = nt_host_softirq(in->cur, "NET_RX");
	p = nt_host_softirq(in->prev, "NET_RX");
	if (!c || !p || !nt_cpu_column(ct->cpu_ids, ct->ncpus, cpu, &ci) ||
	    !nt_cpu_column(pt->cpu_ids, pt->ncpus, cpu, &pi))
		return 0;
	return nt_rate(p->counts[pi], c->counts[ci], in->seconds);
}

bool nt_rps_off_single_queue(const struct nt_iface *ifc)
{
	return ifc->n_rxq == 1 && ifc->rxq[0].rps_state == NT_STATE_OK &&
	       nt_cpumask_empty(&ifc->rxq[0].rps_cpus);
}

static uint32_t max_cpu_id(const struct nt_host *host)
{
	uint32_t max = 0;

	for (size_t i = 0; i < host->n_cpus; i++)
		if (host->cpus[i].id > max)
			max = host->cpus[i].id;
	for (size_t i = 0; i < host->n_softnet; i++)
		if (host->softnet[i].cpu > max)
			max = host->softnet[i].cpu;
	return max;
}

int nt_scratch_cpus(struct nt_findings *f, unsigned int slot,
		    const struct nt_host *host, struct nt_cpumask *m)
{
	uint32_t nwords = max_cpu_id(host) / 64 + 1;

	m->words = nt_findings_scratch(f, slot, nwords * sizeof(*m->words));
	if (!m->words) {
		m->nwords = 0;
		return -ENOMEM;
	}
	memset(m->words, 0, nwords * sizeof(*m->words));
	m->nwords = nwords;
	return 0;
}

int nt_rps_target(struct nt_findings *f, const struct nt_host *host,
		  const struct nt_iface *ifc, char *buf, size_t size)
{
	int nodes[2] = { ifc->numa_node, -1 };
	int ret = 0;

	buf[0] = '\0';
	for (size_t n = 0; !ret && !buf[0] && n < 2; n++) {
		struct nt_cpumask local, rest;
		int cpu = 0;

		ret = nt_scratch_cpus(f, NT_SCRATCH_CPUS_A, host, &local);
		if (!ret)
			ret = nt_scratch_cpus(f, NT_SCRATCH_CPUS_B, host,
					      &rest);
		if (!ret)
			ret = nt_node_cpus(host, nodes[n], &local);
		while (!ret && (cpu = nt_cpumask_next(&local, cpu)) >= 0) {
			if (!nt_takes_rx_irq(ifc, cpu))
				ret = nt_cpumask_set(&rest, cpu);
			cpu++;
		}
		if (!ret && nt_cpumask_format_list(&rest, buf, size) < 0)
			buf[0] = '\0';
	}
	return ret;
}

int nt_fix_rps_cpus(struct nt_findings *f, struct nt_finding *fd,
		    const struct nt_host *host, const struct nt_iface *ifc)
{
	char subject[NT_SUBJECT_LEN], target[NT_VALUE_LEN];
	int ret = nt_rps_target(f, host, ifc, target, sizeof(target));

	if (ret)
		return ret;
	if (!target[0])
		return 0;
	snprintf(subject, sizeof(subject), "%s rx-0", ifc->name);
	return nt_finding_fix(fd, "rps.cpus", subject, "", target) != NULL;
}

/* Merge the sorted halves of @b (@n1 then the rest) through @tmp. */
static void merge(char *b, size_t n, size_t n1, size_t size, nt_cmp_fn cmp,
		  void *ctx, char *tmp)
{
	char *left = tmp, *right = b + n1 * size, *out = b;
	size_t n2 = n - n1;

	/* the left half waits in @tmp; the right one is merged in place */
	memcpy(tmp, b, n1 * size);
	while (n1 && n2) {
		/* <= keeps equal elements in order */
		if (cmp(left, right, ctx) <= 0) {
			memcpy(out, left, size);
			left += size;
			n1--;
		} else {
			memcpy(out, right, size);
			right += size;
			n2--;
		}
		out += size;
	}
	memcpy(out, left, n1 * size);
}

void nt_sort_stable(void *base, size_t n, size_t size, nt_cmp_fn cmp,
		    void *ctx, void *tmp)
{
	size_t n1 = n / 2;
	char *b = base;

	if (n < 2)
		return;
	nt_sort_stable(b, n1, size, cmp, ctx, tmp);
	nt_sort_stable(b + n1 * size, n - n1, size, cmp, ctx, tmp);
	merge(b, n, n1, size, cmp, ctx, tmp);
}

bool nt_driver_counter_ring(const char *name)
{
	return nt_drvstat_ring(name);
}

bool nt_driver_counter_drop(const char *name)
{
	return nt_drvstat_drop(name);
}
