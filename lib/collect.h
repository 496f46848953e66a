/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_COLLECT_H
#define NT_COLLECT_H

#include "model/host.h"
#include "util/err.h"

enum nt_collect_flags {
	NT_COLLECT_DRIVER_STATS = 1u << 0,	/* ethtool -S of every device */
	NT_COLLECT_SOCKETS	= 1u << 1,	/* listening TCP sockets; left
						 * unknown without sock_diag */
};

struct nt_collect_opts {
	const char *root;		/* NULL or "/" for the live host */
	unsigned int flags;		/* enum nt_collect_flags */
	const char *const *only;	/* interface names, NULL-ended, or NULL */
};

/**
 * nt_collect() - read the whole host into @host
 * @host: zeroed on entry; freed by the caller with nt_host_free()
 * @opts: what to read
 * @err: error buffer
 *
 * Reads procfs and sysfs under the root; netlink (rings, channels, link and
 * qdisc counters) only when the root is the live host, otherwise those stay
 * NT_STATE_UNKNOWN.  A name in @opts->only that does not exist is an error
 * (-ENODEV, "eth9: no such interface").  A source that cannot be read is an
 * error only when nothing could replace it.
 *
 * Return: 0 or negative errno.
 */
int nt_collect(struct nt_host *host, const struct nt_collect_opts *opts,
	       struct nt_err *err);

#endif
