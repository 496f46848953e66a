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

/*
 * The same for a tick of `top`: one socket and buffer kept open, and the
 * caller's array refilled in place.
 */
struct nt_sockdiag;

int nt_sockdiag_open(struct nt_sockdiag **out, struct nt_err *err);
void nt_sockdiag_close(struct nt_sockdiag *sd);

/**
 * nt_sockdiag_listeners_fill() - listening TCP sockets into @v
 * @v: array, grown (realloc) only when the kernel returns more than @cap
 * @n: out count
 * @cap: in/out, entries @v has room for
 *
 * Allocates nothing when the sockets fit.  Return: 0 or negative errno
 * (then *@n is 0; *@v and *@cap stay valid).
 */
int nt_sockdiag_listeners_fill(struct nt_sockdiag *sd, struct nt_listener **v,
			       size_t *n, size_t *cap, struct nt_err *err);

/**
 * nt_sockdiag_listener_msg() - one inet_diag_msg of a dump, appended to @v
 * @nlh: the message, within a buffer checked with mnl_nlmsg_ok()
 * @v: array, grown (realloc) past @cap as nt_sockdiag_listeners_fill()
 * @n: in/out count
 * @cap: in/out capacity
 *
 * What the dumps above do per message; the fuzz harness (tests/fuzz/)
 * feeds it raw bytes.  Return: 0, -EPROTO for a short message, -ENOMEM.
 */
struct nlmsghdr;
int nt_sockdiag_listener_msg(const struct nlmsghdr *nlh,
			     struct nt_listener **v, size_t *n, size_t *cap);

#endif
