/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_SAMPLE_SAMPLER_H
#define NT_SAMPLE_SAMPLER_H

/*
 * The tick sampler of `nettune top`: after one full look (nt_collect) has
 * given the host's configuration, each tick re-reads the counters only and
 * writes them in place into an nt_host of the same shape.  A tick reads
 * configuration never again and allocates nothing once the first tick has
 * sized its buffers:
 *
 *   link counters   one RTM_GETSTATS dump (IFLA_STATS_LINK_64), libmnl
 *   qdisc counters  one RTM_GETQDISC dump, libmnl
 *   softnet, softirqs, the NIC rows of interrupts, netstat, snmp, snmp6,
 *   sockstat(6), uptime                       pread of /proc under the root
 *   driver counters one ETHTOOL_GSTATS ioctl per interface that had them
 *                   in the first look: physical NICs, and virtual devices
 *                   with more than one queue
 *   listeners       one sock_diag dump per family (when the first look had
 *                   NT_SRC_SOCKDIAG)
 *
 * With a --root other than "/" only the /proc files are read, as nt_collect
 * does.  Objects that appear after the first look are not shown (their
 * configuration was never read); objects that vanish keep their last
 * counters, which then give a rate of 0.  The one exception is a driver
 * whose set of statistics changes (ethtool -L adds or removes per-queue
 * counters): the tick reads the new set's names once and the device's
 * driver_stats take its shape, so a host's driver_stats may differ from
 * the other host's of the pair for one tick.
 */

#include "model/host.h"
#include "util/err.h"

struct nt_sampler;

/**
 * nt_sample_shape() - make @host the shape the sampler fills
 * @host: a full look (nt_collect), changed in place
 *
 * Drops the /proc/interrupts rows that belong to no interface (a tick then
 * parses only the NIC rows) and the driver counters of virtual devices
 * with one queue (a tick reads those of physical NICs and multi-queue
 * virtual devices only), nothing else.
 * Return: 0 or -ENOMEM.
 */
int nt_sample_shape(struct nt_host *host);

/**
 * nt_sampler_open() - prepare to sample the host @shape describes
 * @out: the sampler, freed with nt_sampler_close()
 * @shape: a look passed through nt_sample_shape(); only read here
 * @root: NULL or "/" for the live host, else a --root directory
 * @err: error buffer
 *
 * Opens the netlink sockets and the /proc files once and builds the index
 * from ifindex, qdisc handle and IRQ number to the places in a host of this
 * shape.  Return: 0 or negative errno.
 */
int nt_sampler_open(struct nt_sampler **out, const struct nt_host *shape,
		    const char *root, struct nt_err *err);

/**
 * nt_sampler_read() - one tick: refresh the counters of @host in place
 * @host: a deep copy of the shape (nt_host_copy()); its configuration is
 *	left as it is, its counters, taken_ns, mono_ns and uptime_ns are
 *	overwritten
 *
 * A source that fails on one tick (a file gone, a device removed) leaves
 * its counters as they were and is not an error; -errno only when nothing
 * could be read.  Return: 0 or negative errno.
 */
int nt_sampler_read(struct nt_sampler *s, struct nt_host *host,
		    struct nt_err *err);

/**
 * nt_sampler_keep_shape() - never change the shape of a host's counters
 *
 * For a recording, whose counter order is fixed at its start: a device
 * whose driver statistics change keeps its last counters instead.
 */
void nt_sampler_keep_shape(struct nt_sampler *s);

void nt_sampler_close(struct nt_sampler *s);

#endif
