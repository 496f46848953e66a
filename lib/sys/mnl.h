/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_SYS_MNL_H
#define NT_SYS_MNL_H

/*
 * What every libmnl user in lib/sys does with the kernel's answers that are
 * not data: NLMSG_ERROR (an error or the ack) and NLMSG_DONE (the end of a
 * dump, with an error when it failed part way), keeping the first error and
 * the kernel's own explanation (extended ack) for the message the user sees.
 */

#include <stddef.h>
#include <libmnl/libmnl.h>

struct nt_mnl_status {
	int error;		/* first negative errno the kernel sent, or 0 */
	char msg[256];		/* its extended ack text, or "" */
};

/** nt_mnl_set_error() - remember @error (either sign) unless one is set */
int nt_mnl_set_error(struct nt_mnl_status *st, int error);

/**
 * nt_mnl_on_error() - an NLMSG_ERROR: MNL_CB_STOP for the ack,
 * MNL_CB_ERROR with @st set for an error
 */
int nt_mnl_on_error(const struct nlmsghdr *nlh, struct nt_mnl_status *st);

/**
 * nt_mnl_on_done() - an NLMSG_DONE: MNL_CB_STOP, or MNL_CB_ERROR with @st
 * set when the dump failed part way
 */
int nt_mnl_on_done(const struct nlmsghdr *nlh, struct nt_mnl_status *st);

#endif
