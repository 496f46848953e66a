// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "model/host.h"

#define LSTAT(f)	{ #f, offsetof(struct nt_link_stats, f) }
const struct nt_u64_field nt_link_stat_fields[NT_LINK_STATS_N] = {
	LSTAT(rx_packets), LSTAT(tx_packets), LSTAT(rx_bytes), LSTAT(tx_bytes),
	LSTAT(rx_errors), LSTAT(tx_errors), LSTAT(rx_dropped),
	LSTAT(tx_dropped), LSTAT(multicast), LSTAT(collisions),
	LSTAT(rx_length_errors), LSTAT(rx_over_errors), LSTAT(rx_crc_errors),
	LSTAT(rx_frame_errors), LSTAT(rx_fifo_errors), LSTAT(rx_missed_errors),
	LSTAT(tx_aborted_errors), LSTAT(tx_carrier_errors),
	LSTAT(tx_fifo_errors), LSTAT(tx_heartbeat_errors),
	LSTAT(tx_window_errors), LSTAT(rx_compressed), LSTAT(tx_compressed),
	LSTAT(rx_nohandler),
};
#undef LSTAT

#define SOFTNET(f)	{ #f, offsetof(struct nt_softnet, f) }
const struct nt_u64_field nt_softnet_fields[NT_SOFTNET_N] = {
	SOFTNET(processed), SOFTNET(dropped), SOFTNET(time_squeeze),
	SOFTNET(cpu_collision), SOFTNET(received_rps),
	SOFTNET(flow_limit_count), SOFTNET(backlog_len), SOFTNET(input_qlen),
	SOFTNET(process_qlen),
};
#undef SOFTNET

#define QDISC(f)	{ #f, offsetof(struct nt_qdisc, f) }
const struct nt_u64_field nt_qdisc_fields[NT_QDISC_N] = {
	QDISC(bytes), QDISC(packets), QDISC(drops), QDISC(overlimits),
	QDISC(requeues), QDISC(backlog), QDISC(qlen),
};
#undef QDISC
_Static_assert(sizeof(struct nt_link_stats) ==
	       NT_LINK_STATS_N * sizeof(uint64_t),
	       "nt_link_stat_fields must name every field of nt_link_stats");

/*
 * struct nt_counters has no capacity field, so the capacity follows from n:
 * the smallest power of two >= n, at least NT_COUNTERS_MIN.  Arrays only
 * grow through nt_counters_add(), which keeps that true.
 */
#define NT_COUNTERS_MIN	16

static void iface_irq_free(struct nt_iface_irq *irq)
{
	free(irq->name);
	nt_cpumask_free(&irq->affinity);
	nt_cpumask_free(&irq->effective_affinity);
}

void nt_iface_free(struct nt_iface *ifc)
{
	size_t i;

	if (!ifc)
		return;
	for (i = 0; i < ifc->n_rxq; i++)
		nt_cpumask_free(&ifc->rxq[i].rps_cpus);
	free(ifc->rxq);
	for (i = 0; i < ifc->n_txq; i++)
		nt_cpumask_free(&ifc->txq[i].xps_cpus);
	free(ifc->txq);
	for (i = 0; i < ifc->n_irqs; i++)
		iface_irq_free(&ifc->irqs[i]);
	free(ifc->irqs);
	free(ifc->qdiscs);
	nt_counters_free(&ifc->driver_stats);
	memset(ifc, 0, sizeof(*ifc));
}

static void host_topology_free(struct nt_host *host)
{
	size_t i;

	for (i = 0; i < host->n_cpus; i++)
		nt_cpumask_free(&host->cpus[i].thread_siblings);
	free(host->cpus);
	for (i = 0; i < host->n_nodes; i++)
		nt_cpumask_free(&host->nodes[i].cpus);
	free(host->nodes);
}

void nt_host_free(struct nt_host *host)
{
	size_t i;

	if (!host)
		return;
	host_topology_free(host);
	for (i = 0; i < host->n_ifaces; i++)
		nt_iface_free(&host->ifaces[i]);
	free(host->ifaces);
	for (i = 0; i < host->n_sysctls; i++) {
		free(host->sysctls[i].name);
		free(host->sysctls[i].value);
	}
	free(host->sysctls);
	free(host->kernel_has.qdiscs);
	free(host->kernel_has.congestion);
	free(host->softnet);
	nt_interrupts_free(&host->interrupts);
	nt_softirqs_free(&host->softirqs);
	nt_counters_free(&host->snmp);
	nt_counters_free(&host->sockstat);
	free(host->listeners);
	memset(host, 0, sizeof(*host));
}

struct nt_iface *nt_host_iface(const struct nt_host *host, const char *name)
{
	size_t i;

	for (i = 0; i < host->n_ifaces; i++)
		if (!strcmp(host->ifaces[i].name, name))
			return &host->ifaces[i];
	return NULL;
}

const char *nt_host_sysctl(const struct nt_host *host, const char *name)
{
	size_t i;

	for (i = 0; i < host->n_sysctls; i++) {
		const struct nt_sysctl *s = &host->sysctls[i];

		if (s->name && !strcmp(s->name, name))
			return s->value;
	}
	return NULL;
}

bool nt_counters_get(const struct nt_counters *c, const char *name,
		     int64_t *value)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		if (!strcmp(c->v[i].name, name)) {
			*value = c->v[i].value;
			return true;
		}
	}
	return false;
}

/* Full when n is 0 or reached its implied capacity (see NT_COUNTERS_MIN). */
static bool counters_full(size_t n)
{
	if (n < NT_COUNTERS_MIN)
		return n == 0;
	return !(n & (n - 1));
}

int nt_counters_add(struct nt_counters *c, const char *name, int64_t value)
{
	struct nt_counter *e;

	if (counters_full(c->n)) {
		size_t cap = c->n ? 2 * c->n : NT_COUNTERS_MIN;
		struct nt_counter *v;

		if (cap > SIZE_MAX / sizeof(*v))
			return -ENOMEM;
		v = realloc(c->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		c->v = v;
	}
	e = &c->v[c->n++];
	/* Longer names (driver stats) are cut, never left unterminated. */
	strncpy(e->name, name, sizeof(e->name) - 1);
	e->name[sizeof(e->name) - 1] = '\0';
	e->value = value;
	return 0;
}

/**
 * nt_counters_free() - free the counters and make the set empty
 * @c: counters, may be NULL
 */
void nt_counters_free(struct nt_counters *c)
{
	if (!c)
		return;
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

/**
 * nt_interrupts_free() - free a /proc/interrupts table and zero it
 * @t: table, may be NULL
 */
void nt_interrupts_free(struct nt_interrupts *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++) {
		free(t->v[i].counts);
		free(t->v[i].chip);
		free(t->v[i].name);
	}
	free(t->v);
	free(t->cpu_ids);
	memset(t, 0, sizeof(*t));
}

/**
 * nt_softirqs_free() - free a /proc/softirqs table and zero it
 * @t: table, may be NULL
 */
void nt_softirqs_free(struct nt_softirqs *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++)
		free(t->v[i].counts);
	free(t->v);
	free(t->cpu_ids);
	memset(t, 0, sizeof(*t));
}

/* Deep copies ------------------------------------------------------------ */

/*
 * A copy of @n elements of @size bytes: NULL for none, which is no error.
 * Return: false when out of memory.
 */
static bool dup_array(void *dst, const void *src, size_t n, size_t size)
{
	void *p = NULL;

	if (n && src) {
		if (n > SIZE_MAX / size)
			return false;
		p = malloc(n * size);
		if (!p)
			return false;
		memcpy(p, src, n * size);
	}
	memcpy(dst, &p, sizeof(p));
	return true;
}

/* A copy of @s, or NULL for NULL.  Return: false when out of memory. */
static bool dup_str(char **dst, const char *s)
{
	*dst = s ? strdup(s) : NULL;
	return !s || *dst;
}

/* The capacity counters_full() implies for @n entries. */
static size_t counters_cap(size_t n)
{
	size_t cap = NT_COUNTERS_MIN;

	if (!n)
		return 0;
	while (cap < n)
		cap *= 2;
	return cap;
}

static int counters_copy(struct nt_counters *dst, const struct nt_counters *src)
{
	size_t cap = counters_cap(src->n);

	dst->v = NULL;
	dst->n = 0;
	if (!cap)
		return 0;
	dst->v = malloc(cap * sizeof(*dst->v));
	if (!dst->v)
		return -ENOMEM;
	memcpy(dst->v, src->v, src->n * sizeof(*dst->v));
	dst->n = src->n;
	return 0;
}

/**
 * nt_counters_assign() - make @dst a copy of @src
 * @dst: counters, overwritten; their memory is reused when it holds @src
 * @src: counters to copy, not @dst
 *
 * Allocates only when @src has more counters than @dst's memory holds.
 * Return: 0, or -ENOMEM with @dst unchanged.
 */
int nt_counters_assign(struct nt_counters *dst, const struct nt_counters *src)
{
	if (src->n > counters_cap(dst->n)) {
		struct nt_counter *v;

		v = realloc(dst->v, counters_cap(src->n) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		dst->v = v;
	}
	if (src->n)
		memcpy(dst->v, src->v, src->n * sizeof(*dst->v));
	dst->n = src->n;
	return 0;
}

static int rxq_copy(struct nt_iface *dst, const struct nt_iface *src)
{
	if (!dup_array(&dst->rxq, src->rxq, src->n_rxq, sizeof(*src->rxq)))
		return -ENOMEM;
	for (size_t i = 0; i < src->n_rxq; i++) {
		dst->rxq[i].rps_cpus = (struct nt_cpumask){ 0 };
		dst->n_rxq = i + 1;
		if (nt_cpumask_copy(&dst->rxq[i].rps_cpus,
				    &src->rxq[i].rps_cpus))
			return -ENOMEM;
	}
	return 0;
}

static int txq_copy(struct nt_iface *dst, const struct nt_iface *src)
{
	if (!dup_array(&dst->txq, src->txq, src->n_txq, sizeof(*src->txq)))
		return -ENOMEM;
	for (size_t i = 0; i < src->n_txq; i++) {
		dst->txq[i].xps_cpus = (struct nt_cpumask){ 0 };
		dst->n_txq = i + 1;
		if (nt_cpumask_copy(&dst->txq[i].xps_cpus,
				    &src->txq[i].xps_cpus))
			return -ENOMEM;
	}
	return 0;
}

static int irqs_copy(struct nt_iface *dst, const struct nt_iface *src)
{
	if (!dup_array(&dst->irqs, src->irqs, src->n_irqs, sizeof(*src->irqs)))
		return -ENOMEM;
	for (size_t i = 0; i < src->n_irqs; i++) {
		struct nt_iface_irq *d = &dst->irqs[i];
		const struct nt_iface_irq *s = &src->irqs[i];

		d->name = NULL;
		d->affinity = (struct nt_cpumask){ 0 };
		d->effective_affinity = (struct nt_cpumask){ 0 };
		dst->n_irqs = i + 1;
		if (!dup_str(&d->name, s->name) ||
		    nt_cpumask_copy(&d->affinity, &s->affinity) ||
		    nt_cpumask_copy(&d->effective_affinity,
				    &s->effective_affinity))
			return -ENOMEM;
	}
	return 0;
}

/* @dst holds a shallow copy of @src: replace every pointer by its own. */
static int iface_copy(struct nt_iface *dst, const struct nt_iface *src)
{
	dst->rxq = NULL;
	dst->txq = NULL;
	dst->irqs = NULL;
	dst->qdiscs = NULL;
	dst->driver_stats = (struct nt_counters){ 0 };
	dst->n_rxq = dst->n_txq = dst->n_irqs = dst->n_qdiscs = 0;
	if (rxq_copy(dst, src) || txq_copy(dst, src) || irqs_copy(dst, src))
		return -ENOMEM;
	if (!dup_array(&dst->qdiscs, src->qdiscs, src->n_qdiscs,
		       sizeof(*src->qdiscs)))
		return -ENOMEM;
	dst->n_qdiscs = src->n_qdiscs;
	return counters_copy(&dst->driver_stats, &src->driver_stats);
}

static int ifaces_copy(struct nt_host *dst, const struct nt_host *src)
{
	if (!dup_array(&dst->ifaces, src->ifaces, src->n_ifaces,
		       sizeof(*src->ifaces)))
		return -ENOMEM;
	for (size_t i = 0; i < src->n_ifaces; i++) {
		dst->n_ifaces = i + 1;
		if (iface_copy(&dst->ifaces[i], &src->ifaces[i]))
			return -ENOMEM;
	}
	return 0;
}

static int topology_copy(struct nt_host *dst, const struct nt_host *src)
{
	if (!dup_array(&dst->cpus, src->cpus, src->n_cpus, sizeof(*src->cpus)))
		return -ENOMEM;
	for (size_t i = 0; i < src->n_cpus; i++) {
		dst->cpus[i].thread_siblings = (struct nt_cpumask){ 0 };
		dst->n_cpus = i + 1;
		if (nt_cpumask_copy(&dst->cpus[i].thread_siblings,
				    &src->cpus[i].thread_siblings))
			return -ENOMEM;
	}
	if (!dup_array(&dst->nodes, src->nodes, src->n_nodes,
		       sizeof(*src->nodes)))
		return -ENOMEM;
	for (size_t i = 0; i < src->n_nodes; i++) {
		dst->nodes[i].cpus = (struct nt_cpumask){ 0 };
		dst->n_nodes = i + 1;
		if (nt_cpumask_copy(&dst->nodes[i].cpus, &src->nodes[i].cpus))
			return -ENOMEM;
	}
	return 0;
}

static int sysctls_copy(struct nt_host *dst, const struct nt_host *src)
{
	if (!src->n_sysctls)
		return 0;
	dst->sysctls = calloc(src->n_sysctls, sizeof(*dst->sysctls));
	if (!dst->sysctls)
		return -ENOMEM;
	dst->n_sysctls = src->n_sysctls;
	for (size_t i = 0; i < src->n_sysctls; i++) {
		dst->sysctls[i].read_only = src->sysctls[i].read_only;
		if (!dup_str(&dst->sysctls[i].name, src->sysctls[i].name) ||
		    !dup_str(&dst->sysctls[i].value, src->sysctls[i].value))
			return -ENOMEM;
	}
	return 0;
}

static int kernel_has_copy(struct nt_kernel_has *dst,
			   const struct nt_kernel_has *src)
{
	*dst = *src;
	dst->qdiscs = dst->congestion = NULL;
	if (!dup_str(&dst->qdiscs, src->qdiscs) ||
	    !dup_str(&dst->congestion, src->congestion))
		return -ENOMEM;
	return 0;
}

static int interrupts_copy(struct nt_interrupts *dst,
			   const struct nt_interrupts *src)
{
	*dst = (struct nt_interrupts){ .ncpus = src->ncpus };
	if (!dup_array(&dst->cpu_ids, src->cpu_ids, src->ncpus,
		       sizeof(*src->cpu_ids)) ||
	    !dup_array(&dst->v, src->v, src->n, sizeof(*src->v)))
		return -ENOMEM;
	for (size_t i = 0; i < src->n; i++) {
		struct nt_interrupt *d = &dst->v[i];
		const struct nt_interrupt *s = &src->v[i];

		d->counts = NULL;
		d->chip = d->name = NULL;
		dst->n = i + 1;
		if (!dup_array(&d->counts, s->counts, src->ncpus,
			       sizeof(*s->counts)) ||
		    !dup_str(&d->chip, s->chip) || !dup_str(&d->name, s->name))
			return -ENOMEM;
	}
	return 0;
}

static int softirqs_copy(struct nt_softirqs *dst,
			 const struct nt_softirqs *src)
{
	*dst = (struct nt_softirqs){ .ncpus = src->ncpus };
	if (!dup_array(&dst->cpu_ids, src->cpu_ids, src->ncpus,
		       sizeof(*src->cpu_ids)) ||
	    !dup_array(&dst->v, src->v, src->n, sizeof(*src->v)))
		return -ENOMEM;
	for (size_t i = 0; i < src->n; i++) {
		dst->v[i].counts = NULL;
		dst->n = i + 1;
		if (!dup_array(&dst->v[i].counts, src->v[i].counts,
			       src->ncpus, sizeof(*src->v[i].counts)))
			return -ENOMEM;
	}
	return 0;
}

/* The listeners with the room the source had, so a copy grows no sooner. */
static int listeners_copy(struct nt_host *dst, const struct nt_host *src)
{
	size_t cap = src->listeners_cap > src->n_listeners ?
		     src->listeners_cap : src->n_listeners;

	dst->listeners = NULL;
	dst->n_listeners = dst->listeners_cap = 0;
	if (!cap || !src->listeners)
		return 0;
	dst->listeners = calloc(cap, sizeof(*dst->listeners));
	if (!dst->listeners)
		return -ENOMEM;
	memcpy(dst->listeners, src->listeners,
	       src->n_listeners * sizeof(*dst->listeners));
	dst->n_listeners = src->n_listeners;
	dst->listeners_cap = cap;
	return 0;
}

int nt_host_copy(struct nt_host *dst, const struct nt_host *src)
{
	int ret;

	*dst = *src;
	/* nothing is owned until copied: a failure frees only the copies */
	dst->cpus = NULL;
	dst->nodes = NULL;
	dst->ifaces = NULL;
	dst->sysctls = NULL;
	dst->kernel_has.qdiscs = dst->kernel_has.congestion = NULL;
	dst->softnet = NULL;
	dst->interrupts = (struct nt_interrupts){ 0 };
	dst->softirqs = (struct nt_softirqs){ 0 };
	dst->snmp = (struct nt_counters){ 0 };
	dst->sockstat = (struct nt_counters){ 0 };
	dst->listeners = NULL;
	dst->n_cpus = dst->n_nodes = dst->n_ifaces = dst->n_sysctls = 0;
	dst->n_softnet = dst->n_listeners = dst->listeners_cap = 0;

	ret = topology_copy(dst, src);
	if (!ret)
		ret = ifaces_copy(dst, src);
	if (!ret)
		ret = sysctls_copy(dst, src);
	if (!ret)
		ret = kernel_has_copy(&dst->kernel_has, &src->kernel_has);
	if (!ret && !dup_array(&dst->softnet, src->softnet, src->n_softnet,
			       sizeof(*src->softnet)))
		ret = -ENOMEM;
	if (!ret)
		dst->n_softnet = src->n_softnet;
	if (!ret)
		ret = interrupts_copy(&dst->interrupts, &src->interrupts);
	if (!ret)
		ret = softirqs_copy(&dst->softirqs, &src->softirqs);
	if (!ret)
		ret = counters_copy(&dst->snmp, &src->snmp);
	if (!ret)
		ret = counters_copy(&dst->sockstat, &src->sockstat);
	if (!ret)
		ret = listeners_copy(dst, src);
	if (ret)
		nt_host_free(dst);
	return ret;
}
