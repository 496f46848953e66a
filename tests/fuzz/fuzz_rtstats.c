// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness: the rtnetlink counter parsers (RTM_NEWSTATS with
 * IFLA_STATS_LINK_64, RTM_NEWQDISC with TCA_STATS2 / TCA_STATS,
 * lib/sys/rtstats.c) fed raw netlink messages, with the NLMSG_ERROR /
 * NLMSG_DONE handlers.
 *
 * The first byte picks links (even) or qdiscs (odd).
 */
#include <stdlib.h>
#include <string.h>

#include "sys/rtstats.h"

#include "fuzzlib.h"

static int on_link(int ifindex, const struct nt_link_stats *stats, void *arg)
{
	uint64_t sum = 0;

	(void)ifindex;
	/* read the whole block: ASan checks it lies in the message */
	for (size_t i = 0; i < sizeof(*stats) / sizeof(uint64_t); i++)
		sum += ((const uint64_t *)stats)[i];
	*(volatile uint64_t *)arg = sum;
	return 0;
}

static int on_qdisc(int ifindex, uint32_t handle, uint32_t parent,
		    const char *kind, const struct nt_rtstats_qdisc *c,
		    void *arg)
{
	(void)ifindex;
	(void)handle;
	(void)parent;
	(void)c;
	(void)arg;
	if (strnlen(kind, 16) == 16)
		abort();
	return 0;
}

static int link_msg(const struct nlmsghdr *nlh, void *arg)
{
	uint64_t sum;

	(void)arg;
	nt_rtstats_link_msg(nlh, on_link, &sum);
	return MNL_CB_OK;
}

static int qdisc_msg(const struct nlmsghdr *nlh, void *arg)
{
	nt_rtstats_qdisc_msg(nlh, on_qdisc, arg);
	return MNL_CB_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	fuzz_netlink(data + 1, size - 1, data[0] & 1 ? qdisc_msg : link_msg,
		     NULL);
	return 0;
}
