// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/netlink.h>

#include "sys/mnl.h"

int nt_mnl_set_error(struct nt_mnl_status *st, int error)
{
	if (!st->error)
		st->error = error < 0 ? error : -error;
	return MNL_CB_ERROR;
}

static int extack_attr_cb(const struct nlattr *attr, void *data)
{
	struct nt_mnl_status *st = data;
	const char *s;

	if (mnl_attr_get_type(attr) != NLMSGERR_ATTR_MSG)
		return MNL_CB_OK;
	s = mnl_attr_get_payload(attr);
	snprintf(st->msg, sizeof(st->msg), "%.*s",
		 (int)strnlen(s, mnl_attr_get_payload_len(attr)), s);
	return MNL_CB_OK;
}

/*
 * The extended ack TLVs follow the error header: right after it when the
 * request was capped (or in NLMSG_DONE), after the echoed request
 * otherwise.
 */
static void parse_extack(const struct nlmsghdr *nlh, size_t hdr_len,
			 struct nt_mnl_status *st)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = hdr_len;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (nlh->nlmsg_type == NLMSG_ERROR &&
	    !(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += MNL_ALIGN(e->msg.nlmsg_len) - sizeof(struct nlmsghdr);
	if (mnl_nlmsg_get_payload_len(nlh) < off)
		return;
	mnl_attr_parse(nlh, (unsigned int)off, extack_attr_cb, st);
}

int nt_mnl_on_error(const struct nlmsghdr *nlh, struct nt_mnl_status *st)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
		return nt_mnl_set_error(st, EBADMSG);
	if (!e->error)
		return MNL_CB_STOP;
	if (!st->error)
		parse_extack(nlh, sizeof(*e), st);
	return nt_mnl_set_error(st, e->error);
}

int nt_mnl_on_done(const struct nlmsghdr *nlh, struct nt_mnl_status *st)
{
	int error;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(error))
		return MNL_CB_STOP;
	memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
	if (!error)
		return MNL_CB_STOP;
	if (!st->error)
		parse_extack(nlh, sizeof(error), st);
	return nt_mnl_set_error(st, error);
}
