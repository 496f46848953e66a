// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rtnetlink counters through libmnl (rtstats.h): RTM_GETSTATS with only
 * IFLA_STATS_LINK_64 for the links, RTM_GETQDISC for the qdiscs.  One
 * socket and one receive buffer, both made at open; a dump allocates
 * nothing.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/gen_stats.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "sys/mnl.h"
#include "sys/rtstats.h"

/* The kernel's dump skbs are at most 32 KiB. */
#define RTS_BUF		32768
/* A qdisc kind with its NUL (TCKINDSIZ of linux/pkt_cls.h). */
#define RTS_KIND_LEN	16

/* IFLA_STATS_LINK_64 is a struct rtnl_link_stats64, which may grow. */
_Static_assert(sizeof(struct nt_link_stats) ==
	       offsetof(struct rtnl_link_stats64, rx_nohandler) +
	       sizeof(uint64_t), "nt_link_stats is rtnl_link_stats64's head");
_Static_assert(offsetof(struct nt_link_stats, rx_missed_errors) ==
	       offsetof(struct rtnl_link_stats64, rx_missed_errors),
	       "nt_link_stats has rtnl_link_stats64's order");

struct nt_rtstats {
	struct mnl_socket *nl;
	unsigned int portid, seq;
	char *buf;			/* RTS_BUF bytes */
};

/* One dump in flight: whom to call, and what the kernel said. */
struct rts_dump {
	nt_rtstats_link_cb link_cb;
	nt_rtstats_qdisc_cb qdisc_cb;
	void *arg;
	int ret;			/* first non-zero callback return */
	struct nt_mnl_status st;	/* the kernel's error and its text */
};

/* Errors the kernel explains ------------------------------------------- */

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	return nt_mnl_on_error(nlh, &((struct rts_dump *)data)->st);
}

static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	return nt_mnl_on_done(nlh, &((struct rts_dump *)data)->st);
}

/* Not const only because mnl_cb_run2() does not take a const array. */
static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = error_cb,
	[NLMSG_DONE] = done_cb,
};

/* Dumps ------------------------------------------------------------------ */

/* Read and drop what a dump that went wrong left in the socket. */
static void drain(struct nt_rtstats *h)
{
	int fd = mnl_socket_get_fd(h->nl);

	while (recv(fd, h->buf, RTS_BUF, MSG_DONTWAIT) > 0)
		;
}

static ssize_t recv_some(struct nt_rtstats *h)
{
	ssize_t got;

	do {
		got = mnl_socket_recvfrom(h->nl, h->buf, RTS_BUF);
	} while (got < 0 && errno == EINTR);
	return got;
}

/*
 * One dump: @hdr is the request's family header.  The data callbacks
 * never stop a dump halfway, so the socket is empty after a good one; a
 * failed one is drained.  Return: 0 or negative errno.
 */
static int dump(struct nt_rtstats *h, uint16_t type, const void *hdr,
		size_t hlen, mnl_cb_t cb, struct rts_dump *d)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(h->buf);
	unsigned int seq = ++h->seq;
	ssize_t got;
	int ret = 0;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	memcpy(mnl_nlmsg_put_extra_header(nlh, hlen), hdr, hlen);
	if (mnl_socket_sendto(h->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		got = recv_some(h);
		if (got < 0)
			break;
		errno = 0;
		ret = mnl_cb_run2(h->buf, (size_t)got, seq, h->portid, cb, d,
				  ctl_cbs, NLMSG_MIN_TYPE);
	} while (ret > MNL_CB_STOP);
	if (got >= 0 && ret >= 0)
		return 0;
	ret = d->st.error ? d->st.error : errno ? -errno : -EIO;
	drain(h);
	return ret;
}

/* "rtnetlink: @what: kernel text", or @ret's strerror without one. */
static int dump_err(const struct rts_dump *d, int ret, const char *what,
		    struct nt_err *err)
{
	return nt_err_set(err, -ret, "rtnetlink: %s: %s", what,
			  d->st.msg[0] ? d->st.msg : strerror(-ret));
}

/* Links ------------------------------------------------------------------ */

int nt_rtstats_link_msg(const struct nlmsghdr *nlh, nt_rtstats_link_cb cb,
			void *arg)
{
	const struct if_stats_msg *ifsm = mnl_nlmsg_get_payload(nlh);
	struct nt_link_stats st;
	const struct nlattr *a;
	const void *p;

	if (nlh->nlmsg_type != RTM_NEWSTATS ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifsm))
		return 0;
	mnl_attr_for_each(a, nlh, sizeof(*ifsm)) {
		if (mnl_attr_get_type(a) != IFLA_STATS_LINK_64 ||
		    mnl_attr_get_payload_len(a) < sizeof(st))
			continue;
		/*
		 * The kernel pads 64-bit blocks to 8 bytes, but netlink
		 * promises 4 only: read in place when aligned, else a copy.
		 */
		p = mnl_attr_get_payload(a);
		if ((uintptr_t)p % _Alignof(struct nt_link_stats))
			p = memcpy(&st, p, sizeof(st));
		return cb((int)ifsm->ifindex, p, arg);
	}
	return 0;
}

static int on_link(const struct nlmsghdr *nlh, void *data)
{
	struct rts_dump *d = data;

	if (!d->ret)
		d->ret = nt_rtstats_link_msg(nlh, d->link_cb, d->arg);
	return MNL_CB_OK;
}

int nt_rtstats_links(struct nt_rtstats *h, nt_rtstats_link_cb cb, void *arg,
		     struct nt_err *err)
{
	struct if_stats_msg req = {
		.family = AF_UNSPEC,
		.filter_mask = IFLA_STATS_FILTER_BIT(IFLA_STATS_LINK_64),
	};
	struct rts_dump d = { .link_cb = cb, .arg = arg };
	int ret;

	ret = dump(h, RTM_GETSTATS, &req, sizeof(req), on_link, &d);
	if (d.ret)
		return d.ret;
	return ret ? dump_err(&d, ret, "link statistics", err) : 0;
}

/* Qdiscs ----------------------------------------------------------------- */

#define QUEUE_HAS	(NT_QSTAT_DROPS | NT_QSTAT_OVERLIMITS | \
			 NT_QSTAT_REQUEUES | NT_QSTAT_BACKLOG | NT_QSTAT_QLEN)

/* TCA_STATS2: basic (bytes, packets), queue, and 64-bit packets. */
static void qdisc_stats2(const struct nlattr *nest, struct nt_rtstats_qdisc *c)
{
	const struct nlattr *a;
	uint64_t packets64 = 0;
	bool pkt64 = false;

	mnl_attr_for_each_nested(a, nest) {
		const void *p = mnl_attr_get_payload(a);
		uint16_t len = mnl_attr_get_payload_len(a);
		struct gnet_stats_queue qs;
		uint32_t packets;

		switch (mnl_attr_get_type(a)) {
		case TCA_STATS_BASIC:
			/* 12 bytes on 32-bit kernels, 16 with padding */
			if (len < sizeof(uint64_t) + sizeof(uint32_t))
				break;
			memcpy(&c->bytes, p, sizeof(uint64_t));
			memcpy(&packets, (const char *)p + sizeof(uint64_t),
			       sizeof(packets));
			c->packets = packets;
			c->has |= NT_QSTAT_BYTES | NT_QSTAT_PACKETS;
			break;
		case TCA_STATS_PKT64:
			if (len < sizeof(packets64))
				break;
			memcpy(&packets64, p, sizeof(packets64));
			pkt64 = true;
			break;
		case TCA_STATS_QUEUE:
			if (len < sizeof(qs))
				break;
			memcpy(&qs, p, sizeof(qs));
			c->qlen = qs.qlen;
			c->backlog = qs.backlog;
			c->drops = qs.drops;
			c->requeues = qs.requeues;
			c->overlimits = qs.overlimits;
			c->has |= QUEUE_HAS;
			break;
		}
	}
	/* packets past 2^32 come only in TCA_STATS_PKT64 */
	if (pkt64) {
		c->packets = packets64;
		c->has |= NT_QSTAT_PACKETS | NT_QSTAT_PACKETS64;
	}
}

/* Kernels before TCA_STATS2, read as libnl reads them: no requeues. */
static void qdisc_stats1(const struct nlattr *a, struct nt_rtstats_qdisc *c)
{
	struct tc_stats st;

	if (mnl_attr_get_payload_len(a) < sizeof(st))
		return;
	memcpy(&st, mnl_attr_get_payload(a), sizeof(st));
	c->bytes = st.bytes;
	c->packets = st.packets;
	c->drops = st.drops;
	c->overlimits = st.overlimits;
	c->qlen = st.qlen;
	c->backlog = st.backlog;
	c->has = NT_QSTAT_BYTES | NT_QSTAT_PACKETS | NT_QSTAT_DROPS |
		 NT_QSTAT_OVERLIMITS | NT_QSTAT_QLEN | NT_QSTAT_BACKLOG;
}

static void copy_kind(const struct nlattr *a, char *kind)
{
	const char *s = mnl_attr_get_payload(a);
	size_t len = strnlen(s, mnl_attr_get_payload_len(a));

	if (len >= RTS_KIND_LEN)
		len = RTS_KIND_LEN - 1;
	memcpy(kind, s, len);
	kind[len] = '\0';
}

static void qdisc_parse(const struct nlmsghdr *nlh, char *kind,
			struct nt_rtstats_qdisc *c)
{
	const struct nlattr *a, *stats1 = NULL;
	bool stats2 = false;

	mnl_attr_for_each(a, nlh, sizeof(struct tcmsg)) {
		switch (mnl_attr_get_type(a)) {
		case TCA_KIND:
			copy_kind(a, kind);
			break;
		case TCA_STATS2:
			qdisc_stats2(a, c);
			stats2 = true;
			break;
		case TCA_STATS:
			stats1 = a;
			break;
		}
	}
	if (!stats2 && stats1)
		qdisc_stats1(stats1, c);
}

int nt_rtstats_qdisc_msg(const struct nlmsghdr *nlh, nt_rtstats_qdisc_cb cb,
			 void *arg)
{
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);
	struct nt_rtstats_qdisc c = { 0 };
	char kind[RTS_KIND_LEN] = "";

	if (nlh->nlmsg_type != RTM_NEWQDISC ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*tcm))
		return 0;
	qdisc_parse(nlh, kind, &c);
	return cb(tcm->tcm_ifindex, tcm->tcm_handle, tcm->tcm_parent, kind,
		  &c, arg);
}

static int on_qdisc(const struct nlmsghdr *nlh, void *data)
{
	struct rts_dump *d = data;

	if (!d->ret)
		d->ret = nt_rtstats_qdisc_msg(nlh, d->qdisc_cb, d->arg);
	return MNL_CB_OK;
}

int nt_rtstats_qdiscs(struct nt_rtstats *h, nt_rtstats_qdisc_cb cb, void *arg,
		      struct nt_err *err)
{
	struct tcmsg req = { .tcm_family = AF_UNSPEC };
	struct rts_dump d = { .qdisc_cb = cb, .arg = arg };
	int ret;

	ret = dump(h, RTM_GETQDISC, &req, sizeof(req), on_qdisc, &d);
	if (d.ret)
		return d.ret;
	return ret ? dump_err(&d, ret, "qdiscs", err) : 0;
}

/* The handle ------------------------------------------------------------- */

/* Kernels before 4.12 refuse these: their errors then just have no text. */
static void want_ext_ack(struct nt_rtstats *h)
{
	int one = 1;

	(void)mnl_socket_setsockopt(h->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)mnl_socket_setsockopt(h->nl, NETLINK_CAP_ACK, &one, sizeof(one));
}

int nt_rtstats_open(struct nt_rtstats **out, struct nt_err *err)
{
	struct nt_rtstats *h;
	int ret;

	*out = NULL;
	h = calloc(1, sizeof(*h));
	if (h)
		h->buf = malloc(RTS_BUF);
	if (!h || !h->buf) {
		free(h);
		return nt_err_set(err, ENOMEM, "rtnetlink: out of memory");
	}
	h->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!h->nl || mnl_socket_bind(h->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = errno;
		nt_rtstats_close(h);
		return nt_err_set(err, ret,
				  "rtnetlink: cannot open netlink socket: %s",
				  strerror(ret));
	}
	want_ext_ack(h);
	h->portid = mnl_socket_get_portid(h->nl);
	h->seq = (unsigned int)time(NULL);
	*out = h;
	return 0;
}

void nt_rtstats_close(struct nt_rtstats *h)
{
	if (!h)
		return;
	if (h->nl)
		mnl_socket_close(h->nl);
	free(h->buf);
	free(h);
}
