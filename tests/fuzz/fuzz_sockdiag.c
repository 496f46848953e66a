// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness: the sock_diag dump parser (inet_diag_msg of
 * SOCK_DIAG_BY_FAMILY, lib/sys/sockdiag.c) fed raw netlink messages,
 * with the NLMSG_ERROR / NLMSG_DONE handlers.
 */
#include <stdlib.h>
#include <string.h>

#include "sys/sockdiag.h"

#include "fuzzlib.h"

struct sink {
	struct nt_listener *v;
	size_t n, cap;
};

static int on_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct sink *s = arg;

	if (nt_sockdiag_listener_msg(nlh, &s->v, &s->n, &s->cap))
		return MNL_CB_ERROR;
	if (strnlen(s->v[s->n - 1].addr, sizeof(s->v->addr)) ==
	    sizeof(s->v->addr))
		abort();
	return MNL_CB_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sink s = { 0 };

	fuzz_netlink(data, size, on_msg, &s);
	free(s.v);
	return 0;
}
