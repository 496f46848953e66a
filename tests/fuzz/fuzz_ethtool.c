// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness: the ethtool netlink reply parsers (RINGS_GET,
 * CHANNELS_GET and LINKMODES_GET replies, lib/sys/ethtool.c) fed raw
 * netlink messages, with the NLMSG_ERROR / NLMSG_DONE handlers.
 *
 * The first byte picks the reply kind; the rest is what recv() gave.
 */
#include <stdlib.h>
#include <string.h>
#include <net/if.h>

#include "sys/ethtool.h"

#include "fuzzlib.h"

static void check_name(const char *ifname)
{
	if (strnlen(ifname, IFNAMSIZ) == IFNAMSIZ)
		abort();
}

static int on_rings(int ifindex, const char *ifname,
		    const struct nt_rings *rings, void *arg)
{
	(void)ifindex;
	(void)rings;
	(void)arg;
	check_name(ifname);
	return 0;
}

static int on_channels(int ifindex, const char *ifname,
		       const struct nt_channels *channels, void *arg)
{
	(void)ifindex;
	(void)channels;
	(void)arg;
	check_name(ifname);
	return 0;
}

static int on_linkmode(int ifindex, const char *ifname,
		       const struct nt_linkmode *mode, void *arg)
{
	(void)ifindex;
	(void)mode;
	(void)arg;
	check_name(ifname);
	return 0;
}

static int rings_msg(const struct nlmsghdr *nlh, void *arg)
{
	return nt_ethtool_rings_msg(nlh, on_rings, arg) ? MNL_CB_ERROR :
							  MNL_CB_OK;
}

static int channels_msg(const struct nlmsghdr *nlh, void *arg)
{
	return nt_ethtool_channels_msg(nlh, on_channels, arg) ? MNL_CB_ERROR :
								MNL_CB_OK;
}

static int linkmode_msg(const struct nlmsghdr *nlh, void *arg)
{
	return nt_ethtool_linkmode_msg(nlh, on_linkmode, arg) ? MNL_CB_ERROR :
								MNL_CB_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const mnl_cb_t kinds[] = { rings_msg, channels_msg,
					  linkmode_msg };

	if (!size)
		return 0;
	fuzz_netlink(data + 1, size - 1, kinds[data[0] % 3], NULL);
	return 0;
}
