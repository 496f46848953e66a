/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_SYS_RTSTATS_H
#define NT_SYS_RTSTATS_H

#include <stdint.h>

#include "model/host.h"
#include "util/err.h"

/*
 * rtnetlink counters only, through libmnl: one RTM_GETSTATS dump for the
 * link counters, one RTM_GETQDISC dump for the qdisc counters.  Made for
 * reading the same counters again and again (the ticks of `nettune top`):
 * the handle owns one socket and one receive buffer, and a dump allocates
 * nothing.  Configuration (names, kinds, the qdisc tree) is read once by
 * lib/sys/rtnl.c through libnl-route, whose caches allocate an object per
 * message and whose RTM_GETLINK dump costs ten times RTM_GETSTATS.
 */
struct nt_rtstats;

/* The qdisc counters a message carried (enum nt_rtstats_qdisc_has). */
enum nt_rtstats_qdisc_has {
	NT_QSTAT_BYTES		= 1u << 0,
	NT_QSTAT_PACKETS	= 1u << 1,
	NT_QSTAT_DROPS		= 1u << 2,
	NT_QSTAT_OVERLIMITS	= 1u << 3,
	NT_QSTAT_REQUEUES	= 1u << 4,
	NT_QSTAT_BACKLOG	= 1u << 5,
	NT_QSTAT_QLEN		= 1u << 6,
	NT_QSTAT_PACKETS64	= 1u << 7,	/* packets: TCA_STATS_PKT64 */
};

/**
 * struct nt_rtstats_qdisc - the counters of one qdisc
 * @has: enum nt_rtstats_qdisc_has bits; a counter without its bit is 0
 * @bytes: bytes sent
 * @packets: packets sent; from TCA_STATS_PKT64 when the kernel sent it,
 *	else the 32-bit count of TCA_STATS_BASIC (or TCA_STATS)
 * @drops: packets dropped
 * @overlimits: times the qdisc was over its limit
 * @requeues: packets requeued (TCA_STATS_QUEUE only; TCA_STATS has none)
 * @backlog: bytes queued now
 * @qlen: packets queued now
 */
struct nt_rtstats_qdisc {
	uint32_t has;
	uint64_t bytes, packets;
	uint64_t drops, overlimits, requeues;
	uint64_t backlog, qlen;
};

/*
 * Dump callbacks.  What they are given lives until they return.  A
 * non-zero return stops the calls (the rest of the dump is still read,
 * so the socket stays clean) and is returned by the dump.
 */
typedef int (*nt_rtstats_link_cb)(int ifindex,
				  const struct nt_link_stats *stats,
				  void *arg);
typedef int (*nt_rtstats_qdisc_cb)(int ifindex, uint32_t handle,
				   uint32_t parent, const char *kind,
				   const struct nt_rtstats_qdisc *counters,
				   void *arg);

/**
 * nt_rtstats_open() - open a NETLINK_ROUTE socket and its receive buffer
 * @out: the new handle, NULL on failure
 * @err: error message
 *
 * Asks for extended acks (ignored by kernels before 4.12).
 * Return: 0 or negative errno.
 */
int nt_rtstats_open(struct nt_rtstats **out, struct nt_err *err);

/** nt_rtstats_close() - close the socket and free @h (NULL is fine) */
void nt_rtstats_close(struct nt_rtstats *h);

/**
 * nt_rtstats_links() - the counters of every link, one dump
 * @h: handle from nt_rtstats_open()
 * @cb: called per link with IFLA_STATS_LINK_64, in the kernel's (ifindex)
 *	order; fields the kernel appends to struct rtnl_link_stats64 after
 *	rx_nohandler are ignored, a link whose block is shorter is skipped
 * @arg: passed to @cb
 * @err: error message, with the kernel's extended ack text when it sent
 *	one ("rtnetlink: link statistics: ...")
 *
 * RTM_GETSTATS filtered to IFLA_STATS_LINK_64.  Allocates nothing.  A
 * failed dump is read to its end and dropped, so the next call starts on
 * an empty socket.
 *
 * Return: 0, the first non-zero return of @cb, or negative errno.
 */
int nt_rtstats_links(struct nt_rtstats *h, nt_rtstats_link_cb cb, void *arg,
		     struct nt_err *err);

/**
 * nt_rtstats_qdiscs() - the counters of every qdisc, one dump
 * @h: handle from nt_rtstats_open()
 * @cb: called per qdisc in the kernel's order (by device, each device's
 *	qdiscs in the order tc(8) lists them) with its device, handle,
 *	parent, kind ("" when the message had none) and counters;
 *	attributes it does not know are ignored
 * @arg: passed to @cb
 * @err: error message, as nt_rtstats_links()
 *
 * RTM_GETQDISC.  TCA_STATS2 is read (basic, queue, 64-bit packets); only
 * when a message has none, the old TCA_STATS.  Allocates nothing; a failed
 * dump is drained as with nt_rtstats_links().
 *
 * Return: 0, the first non-zero return of @cb, or negative errno.
 */
int nt_rtstats_qdiscs(struct nt_rtstats *h, nt_rtstats_qdisc_cb cb, void *arg,
		      struct nt_err *err);

struct nlmsghdr;

/**
 * nt_rtstats_link_msg() - one message of the nt_rtstats_links() dump
 * @nlh: the message, within a buffer checked with mnl_nlmsg_ok()
 * @cb: called when @nlh is an RTM_NEWSTATS with IFLA_STATS_LINK_64
 * @arg: passed to @cb
 *
 * What the dump does per message; the fuzz harness (tests/fuzz/) feeds
 * it raw bytes.  Other and short messages are skipped.
 * Return: 0 or the return of @cb.
 */
int nt_rtstats_link_msg(const struct nlmsghdr *nlh, nt_rtstats_link_cb cb,
			void *arg);

/**
 * nt_rtstats_qdisc_msg() - one message of the nt_rtstats_qdiscs() dump
 * @nlh: the message, within a buffer checked with mnl_nlmsg_ok()
 * @cb: called when @nlh is an RTM_NEWQDISC
 * @arg: passed to @cb
 *
 * As nt_rtstats_link_msg().  Return: 0 or the return of @cb.
 */
int nt_rtstats_qdisc_msg(const struct nlmsghdr *nlh, nt_rtstats_qdisc_cb cb,
			 void *arg);

#endif
