/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_SYS_RTNL_H
#define NT_SYS_RTNL_H

#include "model/host.h"
#include "util/err.h"

/*
 * rtnetlink through libnl-route-3: links with IFLA_STATS64, and qdiscs.
 * Counters read again and again (the ticks of `nettune top`) come from
 * sys/rtstats.h instead.
 */
struct nt_rtnl;

int nt_rtnl_open(struct nt_rtnl **out, struct nt_err *err);
void nt_rtnl_close(struct nt_rtnl *rtnl);

/**
 * nt_rtnl_links() - every link of the current network namespace, one dump
 * @rtnl: socket
 * @ifaces: out, malloc'ed array (zeroed entries filled with name, ifindex,
 *          kind, operstate, mtu, txqlen, qdisc, master_ifindex,
 *          num_rx_queues, num_tx_queues, stats with link_stats_state OK);
 *          numa_node and speed are set to -1 for sysfs to fill
 * @n: out, number of entries
 *
 * Return: 0 or negative errno.
 */
int nt_rtnl_links(struct nt_rtnl *rtnl, struct nt_iface **ifaces, size_t *n,
		  struct nt_err *err);

/**
 * nt_rtnl_qdiscs() - every qdisc with its stats, attached to @ifaces by
 * ifindex (qdiscs of unknown ifindexes are ignored).  Sets qdiscs_state OK
 * on every interface of @ifaces.  Packet counts are 64-bit where the kernel
 * sends TCA_STATS_PKT64 (libnl gives 32 bits; a second dump through
 * sys/rtstats.h fills in the counts past 2^32).  Return: 0 or negative
 * errno.
 */
int nt_rtnl_qdiscs(struct nt_rtnl *rtnl, struct nt_iface *ifaces, size_t n,
		   struct nt_err *err);

/** nt_rtnl_set_txqlen() - set an interface's transmit queue length */
int nt_rtnl_set_txqlen(struct nt_rtnl *rtnl, const char *ifname,
		       uint32_t txqlen, struct nt_err *err);

/**
 * nt_rtnl_root_qdisc() - kind of the root qdisc ("" when none/noqueue)
 * Return: 0, -ENODEV.
 */
int nt_rtnl_root_qdisc(struct nt_rtnl *rtnl, const char *ifname, char *kind,
		       size_t size, struct nt_err *err);

/**
 * nt_rtnl_replace_root_qdisc() - "tc qdisc replace dev IF root KIND"
 * with the kind's default parameters
 * @kind: qdisc kind; "" deletes an explicit root qdisc so the kernel puts
 *        its own default back (noqueue, mq or net.core.default_qdisc) -
 *        how a rollback restores a device that had the default ("" is
 *        what nt_rtnl_root_qdisc reads for a default handle-0 root)
 *
 * Only a kind can be set: arguments (e.g. "fq_codel limit 10240") give
 * -EOPNOTSUPP rather than a qdisc that reads back equal but is not.
 * A kind this kernel lacks gives -ENOENT with the kernel's text
 * ("Specified qdisc kind is unknown").
 * Return: 0 or negative errno with the kernel's text.
 */
int nt_rtnl_replace_root_qdisc(struct nt_rtnl *rtnl, const char *ifname,
			       const char *kind, struct nt_err *err);

/**
 * nt_rtnl_root_qdisc_full() - the root qdisc as the kernel dumps it, for
 * a rollback to restore exactly
 * @full: out, malloc'ed "KIND HANDLE HEX": kind, handle in hex (0: the
 *        kernel's own default root), and the attributes that configure it
 *        (TCA_KIND, TCA_OPTIONS, TCA_STAB, TCA_*_BLOCK) as dumped, in hex
 * Return: 0, -ENODEV, -ENOENT (no root qdisc), other negative errno.
 */
int nt_rtnl_root_qdisc_full(struct nt_rtnl *rtnl, const char *ifname,
			    char **full, struct nt_err *err);

/**
 * nt_rtnl_restore_root_qdisc() - put back what nt_rtnl_root_qdisc_full()
 * read: the same kind, handle and attributes, or for handle 0 the
 * kernel's default (the explicit root deleted).
 * Return: 0, -ENODEV, -EINVAL (damaged text), other negative errno.
 */
int nt_rtnl_restore_root_qdisc(struct nt_rtnl *rtnl, const char *ifname,
			       const char *full, struct nt_err *err);

#endif
