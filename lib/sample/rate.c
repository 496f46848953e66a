// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdint.h>
#include <string.h>

#include "sample/rate.h"

double nt_rate(uint64_t prev, uint64_t cur, double seconds)
{
	if (seconds <= 0 || cur < prev)
		return 0;
	return (double)(cur - prev) / seconds;
}

double nt_seconds_between(const struct nt_host *prev, const struct nt_host *cur)
{
	if (!prev || cur->mono_ns <= prev->mono_ns)
		return 0;
	return (double)(cur->mono_ns - prev->mono_ns) / 1e9;
}

const struct nt_softnet *nt_host_softnet(const struct nt_host *host,
					 uint32_t cpu)
{
	/* row i is CPU i unless CPUs are offline: no search then */
	if (cpu < host->n_softnet && host->softnet[cpu].cpu == cpu)
		return &host->softnet[cpu];
	for (size_t i = 0; i < host->n_softnet; i++)
		if (host->softnet[i].cpu == cpu)
			return &host->softnet[i];
	return NULL;
}

const struct nt_qdisc *nt_iface_qdisc(const struct nt_iface *ifc,
				      uint32_t handle, uint32_t parent)
{
	for (size_t i = 0; i < ifc->n_qdiscs; i++)
		if (ifc->qdiscs[i].handle == handle &&
		    ifc->qdiscs[i].parent == parent)
			return &ifc->qdiscs[i];
	return NULL;
}

const struct nt_interrupt *nt_host_interrupt(const struct nt_host *host,
					     const char *id)
{
	for (size_t i = 0; i < host->interrupts.n; i++)
		if (!strcmp(host->interrupts.v[i].id, id))
			return &host->interrupts.v[i];
	return NULL;
}

const struct nt_softirq *nt_host_softirq(const struct nt_host *host,
					 const char *name)
{
	for (size_t i = 0; i < host->softirqs.n; i++)
		if (!strcmp(host->softirqs.v[i].name, name))
			return &host->softirqs.v[i];
	return NULL;
}

const struct nt_listener *nt_host_listener(const struct nt_host *host,
					   const struct nt_listener *like)
{
	for (size_t i = 0; i < host->n_listeners; i++) {
		const struct nt_listener *l = &host->listeners[i];

		if (l->family == like->family && l->port == like->port &&
		    !strcmp(l->addr, like->addr))
			return l;
	}
	return NULL;
}

/* The position of @ifc in @cur's array, or SIZE_MAX when not from there. */
static size_t iface_index(const struct nt_host *cur, const struct nt_iface *ifc)
{
	uintptr_t base = (uintptr_t)cur->ifaces, at = (uintptr_t)ifc;

	if (at < base || (at - base) % sizeof(*ifc))
		return SIZE_MAX;
	return (at - base) / sizeof(*ifc);
}

const struct nt_iface *nt_prev_iface(const struct nt_host *prev,
				     const struct nt_host *cur,
				     const struct nt_iface *ifc)
{
	const struct nt_iface *p = NULL;
	size_t i;

	if (!prev)
		return NULL;
	/* two looks of one shape (top's ticks): the same place, no search */
	i = cur ? iface_index(cur, ifc) : SIZE_MAX;
	if (i < cur->n_ifaces && i < prev->n_ifaces &&
	    !strcmp(prev->ifaces[i].name, ifc->name))
		p = &prev->ifaces[i];
	if (!p)
		p = nt_host_iface(prev, ifc->name);
	if (p && p->ifindex && ifc->ifindex && p->ifindex != ifc->ifindex)
		return NULL;
	return p;
}

bool nt_cpu_column(const uint32_t *ids, uint32_t n, uint32_t cpu,
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

bool nt_counter_delta(const struct nt_counters *prev,
		      const struct nt_counters *cur, const char *name,
		      double seconds, int64_t *total, double *rate,
		      bool *backwards)
{
	int64_t before;

	if (!nt_counters_get(cur, name, total))
		return false;
	*rate = 0;
	*backwards = false;
	if (prev && nt_counters_get(prev, name, &before)) {
		*rate = nt_rate((uint64_t)before, (uint64_t)*total, seconds);
		*backwards = before > *total;
	}
	return true;
}
