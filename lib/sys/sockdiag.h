/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_SYS_SOCKDIAG_H
#define NT_SYS_SOCKDIAG_H

#include <stddef.h>
#include <stdint.h>

#include "model/host.h"
#include "util/err.h"

/**
 * nt_sockdiag_listeners() - listening TCP sockets of this namespace
 * @out: malloc'ed array: family, address, port, accept queue length
 *       (idiag_rqueue) and backlog (idiag_wqueue), IPv4 then IPv6
 * @n: out count
 *
 * NETLINK_SOCK_DIAG through libmnl, one dump per address family; what
 * `ss -lnt` prints as Recv-Q / Send-Q.  A kernel without IPv6 gives the IPv4
 * sockets only.  Return: 0 or negative errno.
 */
int nt_sockdiag_listeners(struct nt_listener **out, size_t *n,
			  struct nt_err *err);

#endif
