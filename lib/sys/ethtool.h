/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_SYS_ETHTOOL_H
#define NT_SYS_ETHTOOL_H

#include "model/host.h"
#include "util/err.h"

/*
 * The "ethtool" generic netlink family through libmnl (rings, channels) and
 * the SIOCETHTOOL ioctl for what netlink does not carry (driver info, the
 * driver's private statistics of ethtool -S).
 */
struct nt_ethtool;

/**
 * nt_ethtool_open() - open a genetlink socket and resolve the family id once
 *
 * Return: 0 or negative errno; -ENOENT with a message when the kernel has no
 * ethtool netlink family (before 5.6).
 */
int nt_ethtool_open(struct nt_ethtool **out, struct nt_err *err);
void nt_ethtool_close(struct nt_ethtool *eth);

/**
 * nt_ethtool_rings_get() - RINGS_GET for one device
 *
 * A driver without rings (-EOPNOTSUPP) is not an error: @rings->state is
 * set to NT_STATE_UNSUPPORTED and 0 returned.  Unknown newer attributes are
 * ignored.  Other errors carry the extended ack text when the kernel sent
 * one.  Return: 0 or negative errno (-ENODEV: no such device).
 */
int nt_ethtool_rings_get(struct nt_ethtool *eth, const char *ifname,
			 struct nt_rings *rings, struct nt_err *err);

/** nt_ethtool_channels_get() - CHANNELS_GET for one device; as rings_get */
int nt_ethtool_channels_get(struct nt_ethtool *eth, const char *ifname,
			    struct nt_channels *channels, struct nt_err *err);

/* Speed and duplex of a link (LINKMODES_GET). */
enum nt_linkmode_attr {
	NT_LINK_SPEED	= 1u << 0,
	NT_LINK_DUPLEX	= 1u << 1,
};

struct nt_linkmode {
	enum nt_state state;
	uint32_t present;		/* enum nt_linkmode_attr bits */
	uint32_t speed;			/* Mb/s, UINT32_MAX unknown */
	uint32_t duplex;		/* DUPLEX_HALF, DUPLEX_FULL, 0xff unknown */
};

/*
 * Dump callbacks receive each device the kernel answered for; a device
 * without support is left out of the dump by the kernel.  A non-zero return
 * from the callback stops the dump and is returned.
 */
typedef int (*nt_rings_cb)(int ifindex, const char *ifname,
			   const struct nt_rings *rings, void *arg);
typedef int (*nt_channels_cb)(int ifindex, const char *ifname,
			      const struct nt_channels *channels, void *arg);

typedef int (*nt_linkmode_cb)(int ifindex, const char *ifname,
			      const struct nt_linkmode *mode, void *arg);

/** nt_ethtool_rings_dump() - RINGS_GET for every device, one dump */
int nt_ethtool_rings_dump(struct nt_ethtool *eth, nt_rings_cb cb, void *arg,
			  struct nt_err *err);
/** nt_ethtool_channels_dump() - CHANNELS_GET for every device, one dump */
int nt_ethtool_channels_dump(struct nt_ethtool *eth, nt_channels_cb cb,
			     void *arg, struct nt_err *err);

/**
 * nt_ethtool_linkmode_dump() - speed and duplex of every device, one dump
 *
 * Replaces two sysfs reads per device on a live host (the cost that
 * matters with thousands of devices).
 */
int nt_ethtool_linkmode_dump(struct nt_ethtool *eth, nt_linkmode_cb cb,
			     void *arg, struct nt_err *err);

struct nlmsghdr;

/**
 * nt_ethtool_rings_msg() - one reply of the nt_ethtool_rings_dump() dump
 * @nlh: the message, within a buffer checked with mnl_nlmsg_ok()
 * @cb: called when @nlh is a RINGS_GET reply
 * @arg: passed to @cb
 *
 * Parsed by the dump's own code, without a socket: the fuzz harness
 * (tests/fuzz/) feeds it raw bytes.
 * Return: 0, the non-zero return of @cb, or -EBADMSG for a malformed reply.
 */
int nt_ethtool_rings_msg(const struct nlmsghdr *nlh, nt_rings_cb cb,
			 void *arg);
/** nt_ethtool_channels_msg() - as nt_ethtool_rings_msg(), CHANNELS_GET */
int nt_ethtool_channels_msg(const struct nlmsghdr *nlh, nt_channels_cb cb,
			    void *arg);
/** nt_ethtool_linkmode_msg() - as nt_ethtool_rings_msg(), LINKMODES_GET */
int nt_ethtool_linkmode_msg(const struct nlmsghdr *nlh, nt_linkmode_cb cb,
			    void *arg);

/**
 * nt_ethtool_rings_set() - RINGS_SET of one ring size
 * @attr: NT_RING_RX or NT_RING_TX
 * @value: new size
 *
 * Errors carry the kernel's extended ack ("eth0: rings: requested ring size
 * exceeds maximum"); -EOPNOTSUPP: "eth0: the driver cannot change rings".
 * Return: 0 or negative errno.
 */
int nt_ethtool_rings_set(struct nt_ethtool *eth, const char *ifname,
			 uint32_t attr, uint32_t value, struct nt_err *err);

/**
 * nt_ethtool_channels_set() - CHANNELS_SET of one channel count
 * @attr: NT_CHAN_RX, NT_CHAN_TX, NT_CHAN_OTHER or NT_CHAN_COMBINED
 * Return: 0 or negative errno, with the kernel's text.
 */
int nt_ethtool_channels_set(struct nt_ethtool *eth, const char *ifname,
			    uint32_t attr, uint32_t value,
			    struct nt_err *err);

/**
 * nt_ethtool_drvinfo() - driver name and bus address (ETHTOOL_GDRVINFO)
 *
 * Return: 0, -EOPNOTSUPP when the device has no ethtool ops, other -errno.
 */
int nt_ethtool_drvinfo(const char *ifname, char *driver, size_t driver_size,
		       char *bus_info, size_t bus_size, struct nt_err *err);

/**
 * nt_ethtool_driver_stats() - the driver's statistics (ethtool -S)
 * @ifname: device
 * @stats: filled with name/value pairs in the driver's order
 *
 * ETHTOOL_GSSET_INFO, ETHTOOL_GSTRINGS and ETHTOOL_GSTATS, all again when
 * the set changed between them (ethtool -L); -EAGAIN after a few such
 * tries.  A device with no statistics gives -EOPNOTSUPP and an empty
 * @stats.
 */
int nt_ethtool_driver_stats(const char *ifname, struct nt_counters *stats,
			    struct nt_err *err);

/**
 * nt_ethtool_stats_size() - buffer bytes nt_ethtool_driver_stats_fill()
 * needs for @n statistics
 */
size_t nt_ethtool_stats_size(size_t n);

/**
 * nt_ethtool_driver_stats_fill() - refresh driver statistics in place
 * @ifname: device
 * @stats: what nt_ethtool_driver_stats() gave for it; values overwritten
 * @buf: caller buffer of nt_ethtool_stats_size(@stats->n) bytes or more,
 *	aligned for a uint64_t
 * @size: its size
 *
 * One ETHTOOL_GSSET_INFO and one ETHTOOL_GSTATS; allocates nothing.
 * Return: 0; -ESTALE, nothing changed, when the driver now has another
 * number of statistics; -EOPNOTSUPP; other negative errno.
 */
int nt_ethtool_driver_stats_fill(const char *ifname, struct nt_counters *stats,
				 void *buf, size_t size, struct nt_err *err);

#endif
