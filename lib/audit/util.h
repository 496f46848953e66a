/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_AUDIT_UTIL_H
#define NT_AUDIT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit/audit.h"

/** nt_sysctl_u64() - a numeric sysctl; false when absent or not a number */
bool nt_sysctl_u64(const struct nt_host *host, const char *name,
		   uint64_t *value);

/**
 * nt_sysctl_vec() - a vector sysctl ("4096 131072 6291456")
 * @v: out, up to @max numbers
 * Return: how many numbers were read (0 when absent).
 */
size_t nt_sysctl_vec(const struct nt_host *host, const char *name,
		     uint64_t *v, size_t max);

/**
 * nt_fix_sysctl() - add a fix "set sysctl @name to @target" to @fd, with the
 * host's current value as the current value.
 */
struct nt_change *nt_fix_sysctl(struct nt_finding *fd,
				const struct nt_host *host, const char *name,
				const char *target);

/** nt_fix_sysctl_u64() - as nt_fix_sysctl() with a number */
struct nt_change *nt_fix_sysctl_u64(struct nt_finding *fd,
				    const struct nt_host *host,
				    const char *name, uint64_t target);

/**
 * nt_rate_severity() - severity of a counter rising at @rate per second
 * @in: the audit input (no previous look: a total is at most info)
 * @total: since-boot value
 * @critical_rate: rate from which it is critical
 *
 * NT_SEV_OK when nothing was ever counted; NT_SEV_INFO for old drops (a
 * total with no rise now, or no previous look); NT_SEV_WARNING for a rise;
 * NT_SEV_CRITICAL for a rise of at least @critical_rate per second.
 */
enum nt_severity nt_rate_severity(const struct nt_audit_input *in,
				  uint64_t total, double rate,
				  double critical_rate);

/**
 * nt_level_severity() - severity of a resource @used of @limit
 * Above 95 % critical, above 80 % warning, else OK.
 */
enum nt_severity nt_level_severity(uint64_t used, uint64_t limit);

/**
 * nt_driver_counter_ring() - does a driver counter (ethtool -S) count
 * packets lost because the rx ring had no free buffer?  "rx_no_buffer_count"
 * (igb, e1000e), "rx_out_of_buffer" (mlx5), "pkts rx OOB" (vmxnet3),
 * missed, FIFO and overrun counters, buffer allocation failures.
 */
bool nt_driver_counter_ring(const char *name);

/**
 * nt_driver_counter_drop() - does a driver counter count dropped packets
 * of any kind (the ring counters above, and drop/discard/miss)?
 */
bool nt_driver_counter_drop(const char *name);

/** nt_rate_text() - a rate for a sentence: "0.5", "12", "4200" */
void nt_rate_text(char *buf, size_t size, double rate);

/**
 * nt_quiet_text() - what an old total with no rise now adds to a summary:
 * "none in the last 0.5 s", or, with no previous look, how to find out
 */
void nt_quiet_text(const struct nt_audit_input *in, char *buf, size_t size);

/**
 * nt_fix_reason() - why a fix is what it is, in @c's reason
 * @c: the fix, or NULL when the finding had no room for it
 */
void nt_fix_reason(struct nt_change *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * nt_sysctl_evidence() - a numeric sysctl as evidence named by its last
 * component ("net.core.rmem_max" is "rmem_max"); nothing when absent
 */
void nt_sysctl_evidence(struct nt_finding *fd, const struct nt_host *host,
			const char *sysctl);

/**
 * nt_run_parts() - run the parts of a check in order
 * @parts: the parts, each appending its findings to @out
 * @n: how many
 *
 * Return: 0, or the first part's error (-ENOMEM).
 */
int nt_run_parts(const nt_check_fn *parts, size_t n,
		 const struct nt_audit_input *in, struct nt_findings *out);

/* Counters ---------------------------------------------------------------- */

/* A counter, or a sum of counters, since boot and its rise now. */
struct nt_rise {
	uint64_t total;
	double rate;		/* per second; 0 without a previous look */
	bool backwards;		/* went down since the previous look */
};

/**
 * nt_rise_add_snmp() - add the snmp/netstat counter @name to @r
 * @in: the looks; a counter the current look lacks adds nothing
 * @name: "TcpExtListenOverflows", "UdpRcvbufErrors"
 * @r: the sum, zeroed by the caller before the first counter
 */
void nt_rise_add_snmp(const struct nt_audit_input *in, const char *name,
		      struct nt_rise *r);

/**
 * nt_rise_severity() - nt_rate_severity() of @r, with @critical_rate
 *
 * A counter that went backwards was reset (a namespace re-created, a
 * 32-bit counter wrapped): it proves nothing, NT_SEV_OK.
 */
enum nt_severity nt_rise_severity(const struct nt_audit_input *in,
				  const struct nt_rise *r,
				  double critical_rate);

/** nt_rising() - did @r rise since the previous look (and never go down)? */
bool nt_rising(const struct nt_audit_input *in, const struct nt_rise *r);

/**
 * nt_rise_evidence() - @r as evidence: "@name_per_s" when there is a
 * previous look, and "@name_total"
 */
void nt_rise_evidence(struct nt_finding *fd, const struct nt_audit_input *in,
		      const char *name, const struct nt_rise *r);

/* CPUs and receive interrupts ------------------------------------------- */

/**
 * nt_online_cpus() - how many CPUs are online
 *
 * Without topology (sysfs not read), softnet_stat has a line per online
 * CPU and counts them.
 */
size_t nt_online_cpus(const struct nt_host *host);

/**
 * nt_node_cpus() - the online CPUs of NUMA node @node, into @m
 * @node: the node, or -1 for every online CPU
 *
 * A node the host knows no online CPU of gives every online CPU.  A mask
 * from nt_scratch_cpus() is big enough and does not grow.
 *
 * Return: 0 or -ENOMEM.
 */
int nt_node_cpus(const struct nt_host *host, int node, struct nt_cpumask *m);

/**
 * nt_scratch_cpus() - an empty CPU mask in a scratch buffer of @f
 * @slot: NT_SCRATCH_CPUS_A or NT_SCRATCH_CPUS_B
 * @m: out: a mask wide enough for every CPU @host knows (its CPUs and
 *	softnet rows), so adding them allocates nothing.  It is borrowed:
 *	never nt_cpumask_free() it.
 *
 * Return: 0 or -ENOMEM.
 */
int nt_scratch_cpus(struct nt_findings *f, unsigned int slot,
		    const struct nt_host *host, struct nt_cpumask *m);

/** nt_irq_cpus() - where @irq runs: its effective mask when there is one */
const struct nt_cpumask *nt_irq_cpus(const struct nt_iface_irq *irq);

/**
 * nt_is_rx_irq() - is @irq a queue IRQ that does receive work?
 * Transmit-only queue IRQs (igb's ethN-tx-K) do none.
 */
bool nt_is_rx_irq(const struct nt_iface_irq *irq);

/**
 * nt_takes_rx_irq() - does @ifc take a receive interrupt on CPU @cpu?
 * A NIC without queue IRQs receives on its one other IRQ.
 */
bool nt_takes_rx_irq(const struct nt_iface *ifc, unsigned int cpu);

/**
 * nt_net_rx_rate() - NET_RX softirqs per second on CPU @cpu
 * Return: 0 without a previous look, or when a look lacks @cpu.
 */
double nt_net_rx_rate(const struct nt_audit_input *in, uint32_t cpu);

/* RPS --------------------------------------------------------------------- */

/**
 * nt_rps_off_single_queue() - does @ifc have one receive queue, with RPS
 * known to be off?
 */
bool nt_rps_off_single_queue(const struct nt_iface *ifc);

/**
 * nt_rps_target() - CPUs for RPS on @ifc, as a CPU list
 * @f: findings whose scratch the CPU masks borrow
 * @buf: out, the list; "" when no CPU is left
 *
 * The NIC's NUMA-local CPUs other than those taking its receive IRQ (they
 * are busy with the interrupt already), else any other online CPU.
 *
 * Return: 0 or -ENOMEM.
 */
int nt_rps_target(struct nt_findings *f, const struct nt_host *host,
		  const struct nt_iface *ifc, char *buf, size_t size);

/**
 * nt_fix_rps_cpus() - add a fix "rps.cpus" of @ifc's queue rx-0, to the
 * CPUs nt_rps_target() picks
 * @f: the findings @fd is one of (for their scratch)
 *
 * Return: 1 when the fix was added, 0 when no CPU is left or @fd is full,
 * or -ENOMEM.
 */
int nt_fix_rps_cpus(struct nt_findings *f, struct nt_finding *fd,
		    const struct nt_host *host, const struct nt_iface *ifc);

/* Sorting ----------------------------------------------------------------- */

typedef int (*nt_cmp_fn)(const void *a, const void *b, void *ctx);

/**
 * nt_sort_stable() - merge sort, in place, allocating nothing
 * @base: @n elements of @size bytes
 * @cmp: order, with @ctx
 * @tmp: room for @n / 2 + 1 elements
 *
 * Equal elements keep their order: the order glibc's qsort() gives too
 * (a merge sort), without its malloc() of a buffer.
 */
void nt_sort_stable(void *base, size_t n, size_t size, nt_cmp_fn cmp,
		    void *ctx, void *tmp);

#endif
