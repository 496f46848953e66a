/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_SYS_IRQ_H
#define NT_SYS_IRQ_H

#include "model/host.h"
#include "sys/root.h"
#include "util/err.h"

/**
 * nt_irq_read() - affinity of one IRQ from /proc/irq/N
 *
 * Fills @out->affinity (smp_affinity_list), @out->effective_affinity
 * (effective_affinity_list, empty when the kernel lacks it) and @out->node.
 * Return: 0 or negative errno.
 */
int nt_irq_read(const struct nt_root *root, uint32_t irq,
		struct nt_iface_irq *out, struct nt_err *err);

/**
 * nt_irq_parse_name() - what one IRQ action name says
 * @action: one action: "eth0-TxRx-3", "i40e-eth0-TxRx-1",
 *          "mlx5_comp3@pci:0000:81:00.0", "virtio2-input.0",
 *          "eth0-tx-0-rx-3", "i40e-0000:3b:00.0:fdir-TxRx-0", ...
 * @ifname: the interface's name (matched as a whole token), or ""
 * @irq: out: kind, rxq, txq (-1 unless a data queue) and pattern, the
 *       name with @ifname as "IF", PCI addresses as "ADDR" and queue
 *       indices as "N"
 *
 * Sideband words (fdir, misc, async, mgmnt, config, event, ...) make a
 * vector no queue whatever index follows.  Table: docs/irq-naming.md.
 * Return: true when @action names a data queue.
 */
bool nt_irq_parse_name(const char *action, const char *ifname,
		       struct nt_iface_irq *irq);

/* What the matcher knows of one interface. */
struct nt_irq_port {
	const char *ifname;
	const char *bus_info;		/* PCI address or "" */
	const uint32_t *msi;		/* msi_irqs of its PCI function */
	size_t n_msi;
	/* the other interfaces on the same PCI function, NULL-ended */
	const char *const *siblings;
};

/**
 * nt_irq_match_iface() - the IRQs of one interface, and whose they are
 * @table: parsed /proc/interrupts
 * @port: the interface; @port->bus_info is matched against "@pci:ADDR",
 *        "@ADDR" and the chip column "PCI-MSI(X)-ADDR"
 * @out: malloc'ed array, irq/name/rxq/txq/kind/owner/rule/pattern filled
 *       (affinity not)
 * @n: out count
 *
 * With msi_irqs, the IRQs in it are the interface's (rule msi_irqs);
 * without, those whose action name contains @ifname as a whole word
 * ("eth0-TxRx-3" but not "eth01"), names its address, or whose chip
 * column names its PCI function.  Rows naming another PCI function are
 * never its.  Owner: a line shared with other devices has none; on a PCI
 * function with siblings, a vector naming another port is skipped and one
 * naming no port is the device's.  Only owned data vectors get queue
 * indices.  Return: 0 or -ENOMEM.
 */
int nt_irq_match_iface(const struct nt_interrupts *table,
		       const struct nt_irq_port *port,
		       struct nt_iface_irq **out, size_t *n);

/**
 * nt_irq_write_affinity() - write /proc/irq/N/smp_affinity_list
 * Return: 0 or negative errno ("irq 38: cannot set affinity 0-1: ...").
 */
int nt_irq_write_affinity(const struct nt_root *root, uint32_t irq,
			  const struct nt_cpumask *cpus, struct nt_err *err);

#endif
