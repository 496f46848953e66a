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
 * nt_irq_parse_queue() - queue index and type from an IRQ action name
 * @name: "eth0-TxRx-3", "i40e-eth0-TxRx-1", "mlx5_comp3@pci:0000:81:00.0",
 *        "virtio2-input.0", "eth1-rxtx-0", "eth0-rx-0", ...
 * @queue: out, queue index or -1 (e.g. "eth1-event-4", "virtio2-config")
 * @type: out, "rx", "tx", "rxtx" or "" (at least 8 bytes)
 *
 * Return: true when @name names a queue.
 */
bool nt_irq_parse_queue(const char *name, int *queue, char *type);

/**
 * nt_irq_match_iface() - the IRQs of one interface
 * @table: parsed /proc/interrupts
 * @ifname: interface name
 * @bus_info: PCI address or "" (matched against "@pci:ADDR" and the chip
 *            column "PCI-MSI(X)-ADDR")
 * @msi: IRQ numbers from msi_irqs, may be NULL
 * @n_msi: count of @msi
 * @out: malloc'ed array, irq/name/queue/queue_type filled (affinity not)
 * @n: out count
 *
 * An IRQ belongs to the interface when its action name contains @ifname as
 * a whole word ("eth0-TxRx-3" but not "eth01"), or when it is in @msi and is
 * not a control IRQ of another device.  Return: 0 or -ENOMEM.
 */
int nt_irq_match_iface(const struct nt_interrupts *table, const char *ifname,
		       const char *bus_info, const uint32_t *msi, size_t n_msi,
		       struct nt_iface_irq **out, size_t *n);

/**
 * nt_irq_write_affinity() - write /proc/irq/N/smp_affinity_list
 * Return: 0 or negative errno ("irq 38: cannot set affinity 0-1: ...").
 */
int nt_irq_write_affinity(const struct nt_root *root, uint32_t irq,
			  const struct nt_cpumask *cpus, struct nt_err *err);

#endif
