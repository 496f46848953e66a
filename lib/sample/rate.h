/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_SAMPLE_RATE_H
#define NT_SAMPLE_RATE_H

#include <stdbool.h>
#include <stdint.h>

#include "model/host.h"

/*
 * Rates between two looks at a host.  A counter that went backwards (a
 * driver reset, a device re-created) has no rate: 0, never a huge number.
 */

/** nt_rate() - per-second rate from @prev to @cur over @seconds; 0 if unknown */
double nt_rate(uint64_t prev, uint64_t cur, double seconds);

/** nt_seconds_between() - seconds from @prev to @cur (monotonic), 0 if none */
double nt_seconds_between(const struct nt_host *prev, const struct nt_host *cur);

const struct nt_softnet *nt_host_softnet(const struct nt_host *host,
					 uint32_t cpu);
/** nt_host_qdisc() - a qdisc of @ifc by handle and parent, or NULL */
const struct nt_qdisc *nt_iface_qdisc(const struct nt_iface *ifc,
				      uint32_t handle, uint32_t parent);
/** nt_host_interrupt() - a /proc/interrupts row by id ("38", "NMI"), or NULL */
const struct nt_interrupt *nt_host_interrupt(const struct nt_host *host,
					     const char *id);
/** nt_host_softirq() - a /proc/softirqs row by name, or NULL */
const struct nt_softirq *nt_host_softirq(const struct nt_host *host,
					 const char *name);
/** nt_host_listener() - a listening socket by family, address, port */
const struct nt_listener *nt_host_listener(const struct nt_host *host,
					   const struct nt_listener *like);

/**
 * nt_counter_delta() - a named counter in @cur and its rise since @prev
 * @prev: earlier look, or NULL (then @rate is 0)
 * @total: out, the value in @cur
 * @rate: out, per second
 *
 * Return: false when @cur does not have the counter.
 */
bool nt_counter_delta(const struct nt_counters *prev,
		      const struct nt_counters *cur, const char *name,
		      double seconds, int64_t *total, double *rate);

#endif
