// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/host.h"

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
