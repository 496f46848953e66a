/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_MODEL_DRVSTAT_H
#define NT_MODEL_DRVSTAT_H

/*
 * What the name of a driver counter (ethtool -S) says.  Drivers share no
 * names, so a name is read word by word: its direction ("rx", "tx"), the
 * queue it belongs to and what it counts.  The one grammar of these names:
 * lib/audit and the frames of `nettune top` both read names through here.
 *
 * Queue forms understood: "rx_queue_3_drops", "rx3_packets",
 * "rx-3.packets", "tx_queue_0_drops", "queue_0_rx_drops" (ena),
 * "[3]: rx_discards" (bnxt) and "NAME#k", the k-th repetition of a name a
 * driver gives once per queue (vmxnet3; the suffix is added by
 * lib/sys/ethtool.c).
 */

#include <stdbool.h>
#include <stdint.h>

enum nt_drvstat_kind {
	NT_DRVSTAT_OTHER = 0,	/* bytes, checksums, anything else */
	NT_DRVSTAT_PACKETS,	/* packets through a direction or queue */
	NT_DRVSTAT_RING,	/* rx lost for want of a free ring buffer */
	NT_DRVSTAT_DROP,	/* any other drop, discard or miss */
	NT_DRVSTAT_XDP,		/* an XDP program's: not a loss */
};

struct nt_drvstat_id {
	char dir[3];			/* "rx", "tx" or "" */
	int queue;			/* queue index, -1 none */
	enum nt_drvstat_kind kind;
	/*
	 * hash of the name without its queue: the same for a per-queue
	 * counter and the driver's total of it ("rx0_drops", "rx_drops";
	 * "tx0_dropped", "tx_queue_dropped"), so the two are not added up
	 */
	uint32_t family;
};

/**
 * nt_drvstat_parse() - direction, queue and kind of a driver counter
 * @name: the counter's name as lib/sys/ethtool.c stores it
 * @id: out
 *
 * The kind is XDP for any name with "xdp" in it; RING for a ring counter
 * (nt_drvstat_ring()) that is not "tx"; DROP for any other drop counter
 * (nt_drvstat_drop()); PACKETS when, without its direction, queue and the
 * word "queue", the name is "packets", "pkts" or "cnt", or one of those
 * after "ucast", "mcast" or "bcast" (summed, they are the packets of a
 * queue), and a direction was found; else OTHER.
 */
void nt_drvstat_parse(const char *name, struct nt_drvstat_id *id);

/**
 * nt_drvstat_ring() - does a driver counter count packets lost because the
 * rx ring had no free buffer?  "rx_no_buffer_count" (igb, e1000e),
 * "rx_out_of_buffer" (mlx5), "pkts rx OOB" (vmxnet3), missed, FIFO and
 * overrun counters, buffer allocation failures.
 */
bool nt_drvstat_ring(const char *name);

/**
 * nt_drvstat_drop() - does a driver counter count dropped packets of any
 * kind (the ring counters above, and drop/discard/miss)?
 */
bool nt_drvstat_drop(const char *name);

/**
 * nt_drvstat_link_copy() - is the counter a driver's copy of a counter of
 * the link's stats64 (rx_dropped, rx_missed_errors, ...)?  When the link's
 * counters are known, adding it again would count a packet twice.
 */
bool nt_drvstat_link_copy(const char *name);

#endif
