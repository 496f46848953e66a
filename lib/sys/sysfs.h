/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_SYS_SYSFS_H
#define NT_SYS_SYSFS_H

#include "model/host.h"
#include "sys/root.h"
#include "util/err.h"

/**
 * nt_sysfs_cpus() - CPU and NUMA topology
 *
 * Present CPUs from /sys/devices/system/cpu/present (online flag from
 * .../online), core_id, physical_package_id, thread_siblings_list, and the
 * nodes of /sys/devices/system/node/nodeN/cpulist.  A host without
 * /sys/devices/system/node gets one node 0 holding every CPU.
 * Return: 0 or negative errno.
 */
int nt_sysfs_cpus(const struct nt_root *root, struct nt_cpu **cpus,
		  size_t *n_cpus, struct nt_node **nodes, size_t *n_nodes,
		  struct nt_err *err);

/**
 * nt_sysfs_ifaces() - interfaces in /sys/class/net, sorted by ifindex
 *
 * For --root, where no netlink dump lists the interfaces.  Fills zeroed
 * entries with name and ifindex (from the ifindex file).
 */
int nt_sysfs_ifaces(const struct nt_root *root, struct nt_iface **ifaces,
		    size_t *n, struct nt_err *err);

/**
 * nt_sysfs_iface() - what sysfs tells of one interface
 *
 * Fills is_virtual, driver and bus_info (from the device links, when not
 * already set), numa_node, and the rx-N / tx-N queues with rps_cpus,
 * rps_flow_cnt and xps_cpus.  With --root (a root that is not the live
 * host) also speed and duplex, and mtu, txqlen, operstate when they are
 * 0/empty; on the live host netlink gives those for every device at once.  Missing files leave fields unknown.
 * Return: 0, -ENODEV if /sys/class/net/NAME does not exist.
 */
int nt_sysfs_iface(const struct nt_root *root, struct nt_iface *ifc,
		   struct nt_err *err);

/**
 * nt_sysfs_msi_irqs() - IRQ numbers in /sys/class/net/IF/device/msi_irqs
 *
 * Also looks one level up (virtio devices hang below their PCI function).
 * Return: 0 with *n == 0 when there are none, or negative errno.
 */
int nt_sysfs_msi_irqs(const struct nt_root *root, const char *ifname,
		      uint32_t **irqs, size_t *n);

/**
 * nt_sysfs_write_queue() - write a file of one queue
 * @queue: "rx-0" or "tx-3"
 * @file: "rps_cpus", "xps_cpus" (@value a CPU list, written in the
 *        kernel's hex form with no more groups than needed: the kernel
 *        refuses leading zero groups beyond nr_cpu_ids with EOVERFLOW) or
 *        "rps_flow_cnt" (@value decimal)
 * Return: 0 or negative errno with a message naming IF, queue and file.
 */
int nt_sysfs_write_queue(const struct nt_root *root, const char *ifname,
			 const char *queue, const char *file,
			 const char *value, struct nt_err *err);

/** nt_sysfs_read_queue() - read a queue file; masks as a CPU list */
int nt_sysfs_read_queue(const struct nt_root *root, const char *ifname,
			const char *queue, const char *file, char *value,
			size_t size, struct nt_err *err);

#endif
