/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_SAMPLE_RATE_H
#define NT_SAMPLE_RATE_H

#include <stdbool.h>
#include <stddef.h>
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
/** nt_iface_qdisc() - a qdisc of @ifc by handle and parent, or NULL */
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
 * nt_prev_iface() - the interface @ifc as an earlier look saw it
 * @prev: the earlier look, or NULL
 * @cur: the look @ifc is part of, or NULL; when the two looks have one
 *	shape (top's ticks) the interface is found at its own position
 *	without a search
 * @ifc: the interface now
 *
 * Matched by name and, when both looks know it, by ifindex: a device that
 * was re-created under the same name starts its counters anew, so its old
 * counters give no rate.
 *
 * Return: the interface in @prev, or NULL.
 */
const struct nt_iface *nt_prev_iface(const struct nt_host *prev,
				     const struct nt_host *cur,
				     const struct nt_iface *ifc);

/**
 * nt_cpu_column() - the column of CPU @cpu in a per-CPU table
 * @ids: CPU id of each column (/proc/softirqs, /proc/interrupts), or NULL
 *	when column i is CPU i
 * @n: number of columns
 * @cpu: CPU id
 * @col: out, its column
 *
 * CPUs come and go between two looks: columns are matched by CPU id,
 * never by position.
 *
 * Return: false when the table has no column for @cpu.
 */
bool nt_cpu_column(const uint32_t *ids, uint32_t n, uint32_t cpu,
		   size_t *col);

/**
 * nt_counter_delta() - a named counter in @cur and its rise since @prev
 * @prev: earlier look, or NULL (then @rate is 0)
 * @total: out, the value in @cur
 * @rate: out, per second
 * @backwards: out, true when @prev held more than @cur: the counter was
 *	reset (a namespace or device re-created) and @rate, 0, proves nothing
 *
 * Return: false when @cur does not have the counter.
 */
bool nt_counter_delta(const struct nt_counters *prev,
		      const struct nt_counters *cur, const char *name,
		      double seconds, int64_t *total, double *rate,
		      bool *backwards);

#endif
