// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rtnetlink through libnl-route-3: links with their IFLA_STATS64 counters,
 * and qdiscs with their stats.  One dump each, and for the qdiscs' 64-bit
 * packet counts, which libnl cannot give, one more through rtstats.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/tc.h>

#include "sys/rtnl.h"
#include "sys/rtstats.h"
#include "util/array.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

/* A qdisc kind as the kernel names it (TCKINDSIZ with the NUL). */
#define QDISC_KIND_LEN	16

/*
 * libnl peeks at each message to size its buffer; starting at 32 KiB lets
 * the kernel fill dump skbs to their largest, so 2000 links need few reads.
 */
#define RTNL_MSG_BUF	32768

struct nt_rtnl {
	struct nl_sock *sk;
	struct nt_rtstats *rts;		/* opened by the first qdisc read */
};

/* libnl has no way back from its own codes to errno. */
static int nle_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case NLE_NOMEM:		return ENOMEM;
	case NLE_PERM:		return EPERM;
	case NLE_NOACCESS:	return EACCES;
	case NLE_NODEV:		return ENODEV;
	case NLE_OBJ_NOTFOUND:	return ENOENT;
	case NLE_EXIST:		return EEXIST;
	case NLE_OPNOTSUPP:	return EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:	return EAFNOSUPPORT;
	case NLE_AGAIN:		return EAGAIN;
	case NLE_INTR:		return EINTR;
	case NLE_DUMP_INTR:	return EINTR;
	case NLE_BUSY:		return EBUSY;
	case NLE_INVAL:		return EINVAL;
	case NLE_RANGE:		return ERANGE;
	case NLE_MSGSIZE:	return EMSGSIZE;
	case NLE_BAD_SOCK:	return EBADF;
	case NLE_MSG_TRUNC:
	case NLE_MSG_OVERFLOW:
	case NLE_MSG_TOOSHORT:
	case NLE_PARSE_ERR:
	case NLE_SEQ_MISMATCH:
	case NLE_MSGTYPE_NOSUPPORT:
	case NLE_PROTO_MISMATCH:
		return EPROTO;
	default:		return EIO;
	}
}

static int nle_err(struct nt_err *err, int nle, const char *what)
{
	return nt_err_set(err, nle_errno(nle), "rtnetlink: %s: %s", what,
			  nl_geterror(nle));
}

/*
 * libnl 3.7 neither asks for extended acks nor passes their text on, so
 * the socket asks for them itself and ack_err_cb() reads them.  Kernels
 * before 4.12 refuse the options: their errors then just have no text.
 */
static void want_ext_ack(struct nl_sock *sk)
{
	int fd = nl_socket_get_fd(sk), one = 1;

	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
}

/**
 * nt_rtnl_open() - connect a libnl socket to NETLINK_ROUTE
 * @out: the new handle, NULL on failure
 * @err: error message
 *
 * Return: 0 or negative errno.
 */
int nt_rtnl_open(struct nt_rtnl **out, struct nt_err *err)
{
	struct nt_rtnl *rtnl;
	int ret;

	*out = NULL;
	rtnl = calloc(1, sizeof(*rtnl));
	if (!rtnl)
		return nt_err_set(err, ENOMEM, "rtnetlink: out of memory");
	rtnl->sk = nl_socket_alloc();
	if (!rtnl->sk) {
		free(rtnl);
		return nt_err_set(err, ENOMEM, "rtnetlink: out of memory");
	}
	ret = nl_connect(rtnl->sk, NETLINK_ROUTE);
	if (!ret)
		ret = nl_socket_set_msg_buf_size(rtnl->sk, RTNL_MSG_BUF);
	if (ret) {
		nt_rtnl_close(rtnl);
		return nle_err(err, ret, "connect");
	}
	want_ext_ack(rtnl->sk);
	*out = rtnl;
	return 0;
}

/** nt_rtnl_close() - close the socket and free @rtnl (NULL is fine) */
void nt_rtnl_close(struct nt_rtnl *rtnl)
{
	if (!rtnl)
		return;
	nl_socket_free(rtnl->sk);
	nt_rtstats_close(rtnl->rts);
	free(rtnl);
}

#define STAT(id, f)	{ RTNL_LINK_##id, offsetof(struct nt_link_stats, f) }

static const struct {
	rtnl_link_stat_id_t id;
	size_t off;
} link_stats[] = {
	STAT(RX_PACKETS, rx_packets),
	STAT(TX_PACKETS, tx_packets),
	STAT(RX_BYTES, rx_bytes),
	STAT(TX_BYTES, tx_bytes),
	STAT(RX_ERRORS, rx_errors),
	STAT(TX_ERRORS, tx_errors),
	STAT(RX_DROPPED, rx_dropped),
	STAT(TX_DROPPED, tx_dropped),
	STAT(MULTICAST, multicast),
	STAT(COLLISIONS, collisions),
	STAT(RX_LEN_ERR, rx_length_errors),
	STAT(RX_OVER_ERR, rx_over_errors),
	STAT(RX_CRC_ERR, rx_crc_errors),
	STAT(RX_FRAME_ERR, rx_frame_errors),
	STAT(RX_FIFO_ERR, rx_fifo_errors),
	STAT(RX_MISSED_ERR, rx_missed_errors),
	STAT(TX_ABORT_ERR, tx_aborted_errors),
	STAT(TX_CARRIER_ERR, tx_carrier_errors),
	STAT(TX_FIFO_ERR, tx_fifo_errors),
	STAT(TX_HBEAT_ERR, tx_heartbeat_errors),
	STAT(TX_WIN_ERR, tx_window_errors),
	STAT(RX_COMPRESSED, rx_compressed),
	STAT(TX_COMPRESSED, tx_compressed),
	STAT(RX_NOHANDLER, rx_nohandler),
};

/* Copies what fits; names longer than the model's fields are cut. */
static void copy_str(char *dst, size_t size, const char *src)
{
	size_t len = src ? strnlen(src, size - 1) : 0;

	if (len)
		memcpy(dst, src, len);
	dst[len] = '\0';
}

static void fill_stats(struct rtnl_link *link, struct nt_link_stats *st)
{
	uint64_t v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(link_stats); i++) {
		v = rtnl_link_get_stat(link, link_stats[i].id);
		memcpy((char *)st + link_stats[i].off, &v, sizeof(v));
	}
}

/* libnl spells operstates in lower case today; ip(8) in upper case. */
static void fill_operstate(struct rtnl_link *link, struct nt_iface *ifc)
{
	char buf[32];
	size_t i;

	rtnl_link_operstate2str(rtnl_link_get_operstate(link), buf,
				sizeof(buf));
	for (i = 0; buf[i]; i++)
		buf[i] = (char)tolower((unsigned char)buf[i]);
	copy_str(ifc->operstate, sizeof(ifc->operstate), buf);
}

static void fill_link(struct rtnl_link *link, struct nt_iface *ifc)
{
	copy_str(ifc->name, sizeof(ifc->name), rtnl_link_get_name(link));
	ifc->ifindex = rtnl_link_get_ifindex(link);
	copy_str(ifc->kind, sizeof(ifc->kind), rtnl_link_get_type(link));
	fill_operstate(link, ifc);
	ifc->mtu = rtnl_link_get_mtu(link);
	ifc->txqlen = rtnl_link_get_txqlen(link);
	copy_str(ifc->qdisc, sizeof(ifc->qdisc), rtnl_link_get_qdisc(link));
	ifc->master_ifindex = rtnl_link_get_master(link);
	ifc->num_rx_queues = rtnl_link_get_num_rx_queues(link);
	ifc->num_tx_queues = rtnl_link_get_num_tx_queues(link);
	fill_stats(link, &ifc->stats);
	ifc->link_stats_state = NT_STATE_OK;
	ifc->numa_node = -1;
	ifc->speed = -1;
}

static int cmp_ifindex(const void *a, const void *b)
{
	const struct nt_iface *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

/**
 * nt_rtnl_links() - every link of the current network namespace, one dump
 * @rtnl: socket
 * @ifaces: out, malloc'ed array sorted by ifindex, NULL when there are none
 * @n: out, number of entries
 * @err: error message
 *
 * Each entry is zeroed, then filled with name, ifindex, kind, operstate,
 * mtu, txqlen, qdisc, master_ifindex, queue counts and IFLA_STATS64
 * (link_stats_state OK); numa_node and speed are -1 for sysfs to fill.
 *
 * Return: 0 or negative errno.
 */
int nt_rtnl_links(struct nt_rtnl *rtnl, struct nt_iface **ifaces, size_t *n,
		  struct nt_err *err)
{
	struct nl_cache *cache;
	struct nl_object *obj;
	struct nt_iface *v;
	size_t i = 0, count;
	int ret;

	*ifaces = NULL;
	*n = 0;
	ret = rtnl_link_alloc_cache(rtnl->sk, AF_UNSPEC, &cache);
	if (ret < 0)
		return nle_err(err, ret, "links");
	count = (size_t)nl_cache_nitems(cache);
	if (!count) {
		nl_cache_free(cache);
		return 0;
	}
	v = calloc(count, sizeof(*v));
	if (!v) {
		nl_cache_free(cache);
		return nt_err_set(err, ENOMEM,
				  "rtnetlink: links: out of memory");
	}
	for (obj = nl_cache_get_first(cache); obj && i < count;
	     obj = nl_cache_get_next(obj))
		fill_link((struct rtnl_link *)obj, &v[i++]);
	nl_cache_free(cache);
	qsort(v, i, sizeof(*v), cmp_ifindex);
	*ifaces = v;
	*n = i;
	return 0;
}

static struct nt_iface *find_iface(struct nt_iface *ifaces, size_t n,
				   int ifindex)
{
	struct nt_iface key = { .ifindex = ifindex };

	return bsearch(&key, ifaces, n, sizeof(*ifaces), cmp_ifindex);
}

/*
 * RTNL_TC_PACKETS is the 32-bit count of TCA_STATS_BASIC: libnl 3.7 does
 * not read TCA_STATS_PKT64 and keeps no copy of TCA_STATS2 to read it
 * from.  fill_packets64() puts the 64-bit count in.
 */
static void fill_qdisc(struct rtnl_tc *tc, struct nt_qdisc *q)
{
	copy_str(q->kind, sizeof(q->kind), rtnl_tc_get_kind(tc));
	q->handle = rtnl_tc_get_handle(tc);
	q->parent = rtnl_tc_get_parent(tc);
	q->bytes = rtnl_tc_get_stat(tc, RTNL_TC_BYTES);
	q->packets = rtnl_tc_get_stat(tc, RTNL_TC_PACKETS);
	q->drops = rtnl_tc_get_stat(tc, RTNL_TC_DROPS);
	q->overlimits = rtnl_tc_get_stat(tc, RTNL_TC_OVERLIMITS);
	q->requeues = rtnl_tc_get_stat(tc, RTNL_TC_REQUEUES);
	q->backlog = rtnl_tc_get_stat(tc, RTNL_TC_BACKLOG);
	q->qlen = rtnl_tc_get_stat(tc, RTNL_TC_QLEN);
}

/*
 * Grow each interface's qdisc array once, to what it already holds plus
 * @extra[i], so that thousands of qdiscs cost one realloc per interface.
 */
static int grow_qdiscs(struct nt_iface *ifaces, size_t n, const size_t *extra)
{
	struct nt_qdisc *q;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!extra[i])
			continue;
		q = realloc(ifaces[i].qdiscs,
			    (ifaces[i].n_qdiscs + extra[i]) * sizeof(*q));
		if (!q)
			return -ENOMEM;
		ifaces[i].qdiscs = q;
	}
	return 0;
}

static void count_qdiscs(struct nl_cache *cache, struct nt_iface *ifaces,
			 size_t n, size_t *extra)
{
	struct nl_object *obj;
	struct nt_iface *ifc;

	for (obj = nl_cache_get_first(cache); obj;
	     obj = nl_cache_get_next(obj)) {
		ifc = find_iface(ifaces, n,
				 rtnl_tc_get_ifindex((struct rtnl_tc *)obj));
		if (ifc)
			extra[ifc - ifaces]++;
	}
}

/* Appends at most @extra[i] entries to interface i: what was counted. */
static void add_qdiscs(struct nl_cache *cache, struct nt_iface *ifaces,
		       size_t n, size_t *extra)
{
	struct nl_object *obj;
	struct nt_iface *ifc;
	struct rtnl_tc *tc;

	for (obj = nl_cache_get_first(cache); obj;
	     obj = nl_cache_get_next(obj)) {
		tc = (struct rtnl_tc *)obj;
		ifc = find_iface(ifaces, n, rtnl_tc_get_ifindex(tc));
		if (!ifc || !extra[ifc - ifaces])
			continue;
		extra[ifc - ifaces]--;
		memset(&ifc->qdiscs[ifc->n_qdiscs], 0, sizeof(struct nt_qdisc));
		fill_qdisc(tc, &ifc->qdiscs[ifc->n_qdiscs++]);
	}
}

/* The qdiscs of nt_rtnl_qdiscs(), for packets64_cb(). */
struct qdisc_set {
	struct nt_iface *ifaces;
	size_t n;
};

static int packets64_cb(int ifindex, uint32_t handle, uint32_t parent,
			const char *kind, const struct nt_rtstats_qdisc *c,
			void *arg)
{
	const struct qdisc_set *set = arg;
	struct nt_iface *ifc;
	struct nt_qdisc *q;
	size_t i;

	/* libnl's count is exact below 2^32: it stays, from libnl's dump */
	if (!(c->has & NT_QSTAT_PACKETS64) || c->packets <= UINT32_MAX)
		return 0;
	ifc = find_iface(set->ifaces, set->n, ifindex);
	for (i = 0; ifc && i < ifc->n_qdiscs; i++) {
		q = &ifc->qdiscs[i];
		if (q->handle == handle && q->parent == parent &&
		    !strcmp(q->kind, kind)) {
			q->packets = c->packets;
			break;
		}
	}
	return 0;
}

/*
 * The packet counts past 2^32 that libnl cut to 32 bits, from a second
 * dump (rtstats.c) moments later.  A qdisc gone or replaced in between
 * keeps libnl's count; a failure here is no error: the counts stay cut.
 */
static void fill_packets64(struct nt_rtnl *rtnl, struct nt_iface *ifaces,
			   size_t n)
{
	struct qdisc_set set = { .ifaces = ifaces, .n = n };

	if (!rtnl->rts && nt_rtstats_open(&rtnl->rts, NULL))
		return;
	(void)nt_rtstats_qdiscs(rtnl->rts, packets64_cb, &set, NULL);
}

/**
 * nt_rtnl_qdiscs() - every qdisc with its stats, attached by ifindex
 * @rtnl: socket
 * @ifaces: interfaces sorted by ifindex, as nt_rtnl_links() gives them
 * @n: number of interfaces
 * @err: error message
 *
 * Qdiscs are appended in the kernel's dump order; qdiscs of unknown
 * ifindexes are ignored, and so are those the kernel only shows on request
 * (TCA_DUMP_INVISIBLE), as with tc(8) without "invisible".  Sets
 * qdiscs_state OK on every interface of @ifaces.  Packet counts are 64-bit
 * where the kernel sends TCA_STATS_PKT64 (see fill_packets64()).
 *
 * Return: 0 or negative errno.
 */
int nt_rtnl_qdiscs(struct nt_rtnl *rtnl, struct nt_iface *ifaces, size_t n,
		   struct nt_err *err)
{
	struct nl_cache *cache;
	size_t *extra;
	size_t i;
	int ret;

	ret = rtnl_qdisc_alloc_cache(rtnl->sk, &cache);
	if (ret < 0)
		return nle_err(err, ret, "qdiscs");
	extra = calloc(n ? n : 1, sizeof(*extra));
	if (!extra) {
		nl_cache_free(cache);
		return nt_err_set(err, ENOMEM,
				  "rtnetlink: qdiscs: out of memory");
	}
	count_qdiscs(cache, ifaces, n, extra);
	ret = grow_qdiscs(ifaces, n, extra);
	if (!ret) {
		add_qdiscs(cache, ifaces, n, extra);
		for (i = 0; i < n; i++)
			ifaces[i].qdiscs_state = NT_STATE_OK;
	}
	free(extra);
	nl_cache_free(cache);
	if (ret)
		return nt_err_set(err, -ret,
				  "rtnetlink: qdiscs: out of memory");
	fill_packets64(rtnl, ifaces, n);
	return 0;
}

/* What the kernel answered to one change: its errno and its own words. */
struct rtnl_ack {
	int error;			/* negative errno, 0 when none came */
	char msg[256];			/* extended ack text or "" */
};

/*
 * The extended ack TLVs follow struct nlmsgerr, after the echoed request
 * unless the kernel capped it.
 */
static void ack_text(const struct nlmsghdr *nlh, const struct nlmsgerr *e,
		     struct rtnl_ack *ack)
{
	size_t off = sizeof(*e);
	struct nlattr *attr;
	int rem;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	if (nlh->nlmsg_len < NLMSG_HDRLEN + off)
		return;
	nla_for_each_attr(attr, (struct nlattr *)((char *)e + off),
			  (int)(nlh->nlmsg_len - NLMSG_HDRLEN - off), rem) {
		if (nla_type(attr) != NLMSGERR_ATTR_MSG)
			continue;
		snprintf(ack->msg, sizeof(ack->msg), "%.*s",
			 (int)strnlen(nla_data(attr), nla_len(attr)),
			 (const char *)nla_data(attr));
	}
}

/*
 * libnl passes the payload of NLMSG_ERROR, whose netlink header sits just
 * before it.  NL_STOP makes libnl return the error as it would without us.
 */
static int ack_err_cb(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)
				     ((const char *)e - NLMSG_HDRLEN);
	struct rtnl_ack *ack = arg;

	(void)who;
	ack->error = e->error;
	ack->msg[0] = '\0';
	ack_text(nlh, e, ack);
	return NL_STOP;
}

/* Between these two, errors of @rtnl's requests are recorded in @ack. */
static void ack_begin(struct nt_rtnl *rtnl, struct rtnl_ack *ack)
{
	ack->error = 0;
	ack->msg[0] = '\0';
	nl_socket_modify_err_cb(rtnl->sk, NL_CB_CUSTOM, ack_err_cb, ack);
}

static void ack_end(struct nt_rtnl *rtnl)
{
	nl_socket_modify_err_cb(rtnl->sk, NL_CB_DEFAULT, NULL, NULL);
}

/* "@what: kernel text", the kernel's errno rather than libnl's code. */
static int ack_err(struct nt_err *err, int nle, const struct rtnl_ack *ack,
		   const char *what)
{
	int code = ack->error ? -ack->error : nle_errno(nle);

	return nt_err_set(err, code, "%s: %s", what,
			  ack->msg[0] ? ack->msg : nl_geterror(nle));
}

static int get_link(struct nt_rtnl *rtnl, const char *ifname,
		    struct rtnl_link **link, struct nt_err *err)
{
	int ret;

	*link = NULL;
	if (!ifname || !*ifname || strlen(ifname) >= IFNAMSIZ)
		return nt_err_set(err, ENODEV, "%s: no such interface",
				  ifname ? ifname : "(null)");
	ret = rtnl_link_get_kernel(rtnl->sk, 0, ifname, link);
	if (ret == -NLE_NODEV || ret == -NLE_OBJ_NOTFOUND)
		return nt_err_set(err, ENODEV, "%s: no such interface", ifname);
	if (ret < 0)
		return nle_err(err, ret, ifname);
	return 0;
}

/**
 * nt_rtnl_set_txqlen() - set an interface's transmit queue length
 * @rtnl: socket
 * @ifname: interface
 * @txqlen: new length in packets
 * @err: error message, with the kernel's text
 *
 * The change request carries only IFLA_TXQLEN, so nothing else of the link
 * is written back.  Return: 0, -ENODEV, other negative errno.
 */
int nt_rtnl_set_txqlen(struct nt_rtnl *rtnl, const char *ifname,
		       uint32_t txqlen, struct nt_err *err)
{
	struct rtnl_link *orig, *change;
	struct rtnl_ack ack;
	char what[64];
	int ret = get_link(rtnl, ifname, &orig, err);

	if (ret)
		return ret;
	change = rtnl_link_alloc();
	if (!change) {
		rtnl_link_put(orig);
		return nt_err_set(err, ENOMEM, "%s: out of memory", ifname);
	}
	rtnl_link_set_txqlen(change, txqlen);
	ack_begin(rtnl, &ack);
	ret = rtnl_link_change(rtnl->sk, orig, change, 0);
	ack_end(rtnl);
	rtnl_link_put(change);
	rtnl_link_put(orig);
	if (ret >= 0)
		return 0;
	snprintf(what, sizeof(what), "%s: cannot set txqlen to %u", ifname,
		 txqlen);
	return ack_err(err, ret, &ack, what);
}

/*
 * Kinds that mean "no queue": noqueue, and noop, which a device has while
 * it is down and no qdisc was attached yet.
 */
static bool no_qdisc(const char *kind)
{
	return !kind || !*kind || !strcmp(kind, "noqueue") ||
	       !strcmp(kind, "noop");
}

/**
 * nt_rtnl_root_qdisc() - kind of the root qdisc
 * @rtnl: socket
 * @ifname: interface
 * @kind: out, "fq_codel", "mq", ...; "" for noqueue or none (noop)
 * @size: size of @kind
 * @err: error message
 *
 * The link's IFLA_QDISC names the root qdisc: one request, where the qdisc
 * cache would dump every qdisc of every device.
 * Return: 0, -ENODEV, other negative errno.
 */
int nt_rtnl_root_qdisc(struct nt_rtnl *rtnl, const char *ifname, char *kind,
		       size_t size, struct nt_err *err)
{
	struct rtnl_link *link;
	const char *q;
	int ret = get_link(rtnl, ifname, &link, err);

	if (ret)
		return ret;
	q = rtnl_link_get_qdisc(link);
	copy_str(kind, size, no_qdisc(q) ? "" : q);
	rtnl_link_put(link);
	return 0;
}

/* Kinds are short lower-case names: a typo is refused before the kernel. */
static bool valid_kind(const char *kind)
{
	size_t len = strlen(kind);

	return len < QDISC_KIND_LEN &&
	       strspn(kind, "abcdefghijklmnopqrstuvwxyz0123456789_") == len;
}

/*
 * The request is built here, not with rtnl_qdisc_add(): libnl fills
 * TCA_OPTIONS from its own module for the kind, and its prio module
 * aborts the process (assert) when asked for "pfifo_fast" without a
 * priomap.  Without TCA_OPTIONS the kernel takes the kind's defaults, as
 * for "tc qdisc replace dev IF root KIND".
 */
static int replace_msg(int ifindex, const char *kind, struct nl_msg **out)
{
	struct tcmsg tcm = {
		.tcm_family = AF_UNSPEC,
		.tcm_ifindex = ifindex,
		.tcm_parent = TC_H_ROOT,
	};
	struct nl_msg *msg;

	msg = nlmsg_alloc_simple(RTM_NEWQDISC, NLM_F_CREATE | NLM_F_REPLACE);
	if (!msg)
		return -NLE_NOMEM;
	if (nlmsg_append(msg, &tcm, sizeof(tcm), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(msg, TCA_KIND, kind) < 0) {
		nlmsg_free(msg);
		return -NLE_MSGSIZE;
	}
	*out = msg;
	return 0;
}

static int replace_root(struct nt_rtnl *rtnl, const char *ifname,
			int ifindex, const char *kind, struct nt_err *err)
{
	struct rtnl_ack ack;
	struct nl_msg *msg;
	char what[96];
	int ret = replace_msg(ifindex, kind, &msg);

	if (ret)
		return nle_err(err, ret, ifname);
	ack_begin(rtnl, &ack);
	ret = nl_send_sync(rtnl->sk, msg);
	ack_end(rtnl);
	if (ret >= 0)
		return 0;
	snprintf(what, sizeof(what),
		 "%s: cannot replace the root qdisc with %s", ifname, kind);
	return ack_err(err, ret, &ack, what);
}

/*
 * Deleting the root qdisc makes the kernel attach its default again
 * (noqueue on veth, mq or net.core.default_qdisc on a NIC).  A root with
 * handle 0 is that default already, and the kernel refuses to delete it.
 */
static int restore_default(struct nt_rtnl *rtnl, const char *ifname,
			   int ifindex, struct nt_err *err)
{
	struct nl_cache *cache;
	struct rtnl_qdisc *q;
	struct rtnl_ack ack;
	char what[96];
	int ret = rtnl_qdisc_alloc_cache(rtnl->sk, &cache);

	if (ret < 0)
		return nle_err(err, ret, "qdiscs");
	q = rtnl_qdisc_get_by_parent(cache, ifindex, TC_H_ROOT);
	ret = 0;
	if (q && rtnl_tc_get_handle(TC_CAST(q))) {
		ack_begin(rtnl, &ack);
		ret = rtnl_qdisc_delete(rtnl->sk, q);
		ack_end(rtnl);
	}
	if (q)
		rtnl_qdisc_put(q);
	nl_cache_free(cache);
	if (ret >= 0)
		return 0;
	snprintf(what, sizeof(what), "%s: cannot delete the root qdisc",
		 ifname);
	return ack_err(err, ret, &ack, what);
}

/**
 * nt_rtnl_replace_root_qdisc() - "tc qdisc replace dev IF root KIND"
 * @rtnl: socket
 * @ifname: interface
 * @kind: qdisc kind, set with the kind's default parameters (no options);
 *        "" restores the kernel's default root qdisc ("tc qdisc del dev IF
 *        root"), so that what nt_rtnl_root_qdisc() read can be written back
 * @err: error message, with the kernel's text ("Specified qdisc kind is
 *       unknown", -ENOENT, for a kind this kernel lacks)
 *
 * Return: 0, -ENODEV, -EINVAL for a malformed kind, other negative errno.
 */
int nt_rtnl_replace_root_qdisc(struct nt_rtnl *rtnl, const char *ifname,
			       const char *kind, struct nt_err *err)
{
	struct rtnl_link *link;
	int ret;

	if (!kind || !valid_kind(kind))
		return nt_err_set(err, EINVAL, "%s: bad qdisc kind \"%s\"",
				  ifname, kind ? kind : "(null)");
	ret = get_link(rtnl, ifname, &link, err);
	if (ret)
		return ret;
	if (*kind)
		ret = replace_root(rtnl, ifname, rtnl_link_get_ifindex(link),
				   kind, err);
	else
		ret = restore_default(rtnl, ifname,
				      rtnl_link_get_ifindex(link), err);
	rtnl_link_put(link);
	return ret;
}

/*
 * The whole root qdisc, for a rollback that restores it exactly: the
 * attributes that configure it, as the kernel dumps them, byte for byte.
 * Statistics, flags and extended warnings are not configuration.
 */
static bool config_attr(int type)
{
	return type == TCA_KIND || type == TCA_OPTIONS || type == TCA_STAB ||
	       type == TCA_INGRESS_BLOCK || type == TCA_EGRESS_BLOCK;
}

struct full_qdisc {
	int ifindex;
	bool found, too_big;
	uint32_t handle;
	char kind[QDISC_KIND_LEN];
	unsigned char attrs[4096];
	size_t len;
};

/*
 * htb dumps what it does not take back: a counter (direct_pkts, ignored
 * on input: kept as 0, so two dumps of one configuration compare equal)
 * and its version as major.minor (0x30011) where input wants the major
 * alone (3).
 */
static void htb_for_input(struct full_qdisc *q)
{
	struct nlattr *a, *in;
	int rem, rem2;

	if (strcmp(q->kind, "htb"))
		return;
	nla_for_each_attr(a, (struct nlattr *)q->attrs, (int)q->len, rem) {
		if (nla_type(a) != TCA_OPTIONS)
			continue;
		nla_for_each_nested(in, a, rem2) {
			struct tc_htb_glob *g = nla_data(in);

			if (nla_type(in) != TCA_HTB_INIT ||
			    nla_len(in) < (int)sizeof(*g))
				continue;
			g->direct_pkts = 0;
			if (g->version > 0xffff)
				g->version >>= 16;
		}
	}
}

static int full_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct full_qdisc *q = arg;
	struct tcmsg *tcm;
	struct nlattr *a;
	int rem;

	if (nlh->nlmsg_type != RTM_NEWQDISC ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*tcm)))
		return NL_OK;
	tcm = nlmsg_data(nlh);
	if (q->found || tcm->tcm_ifindex != q->ifindex ||
	    tcm->tcm_parent != TC_H_ROOT)
		return NL_OK;
	q->found = true;
	q->handle = tcm->tcm_handle;
	nla_for_each_attr(a, nlmsg_attrdata(nlh, sizeof(*tcm)),
			  nlmsg_attrlen(nlh, sizeof(*tcm)), rem) {
		size_t len = NLA_ALIGN(a->nla_len);

		if (!config_attr(nla_type(a)))
			continue;
		if (q->len + len > sizeof(q->attrs)) {
			q->too_big = true;
			return NL_OK;
		}
		if (nla_type(a) == TCA_KIND)
			snprintf(q->kind, sizeof(q->kind), "%.*s",
				 (int)strnlen(nla_data(a), nla_len(a)),
				 (const char *)nla_data(a));
		memcpy(q->attrs + q->len, a, a->nla_len);
		memset(q->attrs + q->len + a->nla_len, 0, len - a->nla_len);
		q->len += len;
	}
	htb_for_input(q);
	return NL_OK;
}

static int dump_root(struct nt_rtnl *rtnl, const char *ifname,
		     struct full_qdisc *q, struct nt_err *err)
{
	struct tcmsg tcm = {
		.tcm_family = AF_UNSPEC,
		.tcm_ifindex = q->ifindex,
	};
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int ret;

	if (!cb)
		return nt_err_set(err, ENOMEM, "%s: out of memory", ifname);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, full_cb, q);
	ret = nl_send_simple(rtnl->sk, RTM_GETQDISC, NLM_F_DUMP, &tcm,
			     sizeof(tcm));
	if (ret >= 0)
		ret = nl_recvmsgs(rtnl->sk, cb);
	nl_cb_put(cb);
	if (ret < 0)
		return nle_err(err, ret, ifname);
	if (q->too_big)
		return nt_err_set(err, EMSGSIZE,
				  "%s: root qdisc %s too big to journal (over %zu bytes of options)",
				  ifname, q->kind, sizeof(q->attrs));
	if (!q->found)
		return nt_err_set(err, ENOENT, "%s: no root qdisc to save",
				  ifname);
	return 0;
}

/**
 * nt_rtnl_root_qdisc_full() - the root qdisc as the kernel dumps it
 * @rtnl: socket
 * @ifname: interface
 * @full: out, malloc'ed "KIND HANDLE HEX": the kind, the handle in hex
 *        (0 is the kernel's own default root) and the configuring
 *        attributes (TCA_KIND, TCA_OPTIONS, TCA_STAB, the blocks) in hex
 * @err: error message
 *
 * Return: 0, -ENODEV, -ENOENT (no root qdisc), other negative errno.
 */
int nt_rtnl_root_qdisc_full(struct nt_rtnl *rtnl, const char *ifname,
			    char **full, struct nt_err *err)
{
	struct full_qdisc *q = calloc(1, sizeof(*q));
	struct rtnl_link *link;
	size_t n;
	int ret;

	*full = NULL;
	if (!q)
		return nt_err_set(err, ENOMEM, "%s: out of memory", ifname);
	ret = get_link(rtnl, ifname, &link, err);
	if (!ret) {
		q->ifindex = rtnl_link_get_ifindex(link);
		rtnl_link_put(link);
		ret = dump_root(rtnl, ifname, q, err);
	}
	if (!ret) {
		*full = malloc(strlen(q->kind) + 12 + 2 * q->len + 1);
		if (!*full)
			ret = nt_err_set(err, ENOMEM, "%s: out of memory",
					 ifname);
	}
	if (!ret) {
		n = sprintf(*full, "%s %x ", q->kind, q->handle);
		for (size_t i = 0; i < q->len; i++)
			n += sprintf(*full + n, "%02x", q->attrs[i]);
	}
	free(q);
	return ret;
}

/* "KIND HANDLE HEX" back into its parts; false when malformed. */
static bool parse_full(const char *full, char *kind, uint32_t *handle,
		       unsigned char *attrs, size_t size, size_t *len)
{
	unsigned int h;
	int used = 0;
	const char *hex;

	if (sscanf(full, "%15s %x %n", kind, &h, &used) != 2 || !used ||
	    !valid_kind(kind))
		return false;
	*handle = h;
	hex = full + used;
	*len = strlen(hex) / 2;
	if (strlen(hex) % 2 || *len > size)
		return false;
	for (size_t i = 0; i < *len; i++) {
		unsigned int byte;

		if (sscanf(hex + 2 * i, "%2x", &byte) != 1 ||
		    !isxdigit((unsigned char)hex[2 * i]) ||
		    !isxdigit((unsigned char)hex[2 * i + 1]))
			return false;
		attrs[i] = byte;
	}
	return true;
}

static int send_full(struct nt_rtnl *rtnl, const char *ifname, int ifindex,
		     const char *kind, uint32_t handle,
		     const unsigned char *attrs, size_t len,
		     struct nt_err *err)
{
	struct tcmsg tcm = {
		.tcm_family = AF_UNSPEC,
		.tcm_ifindex = ifindex,
		.tcm_parent = TC_H_ROOT,
		.tcm_handle = handle,
	};
	struct rtnl_ack ack;
	struct nl_msg *msg;
	char what[96];
	int ret;

	msg = nlmsg_alloc_simple(RTM_NEWQDISC, NLM_F_CREATE | NLM_F_REPLACE);
	if (!msg)
		return nt_err_set(err, ENOMEM, "%s: out of memory", ifname);
	if (nlmsg_append(msg, &tcm, sizeof(tcm), NLMSG_ALIGNTO) < 0 ||
	    nlmsg_append(msg, (void *)attrs, len, NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return nt_err_set(err, EMSGSIZE, "%s: qdisc too big", ifname);
	}
	ack_begin(rtnl, &ack);
	ret = nl_send_sync(rtnl->sk, msg);
	ack_end(rtnl);
	if (ret >= 0)
		return 0;
	snprintf(what, sizeof(what), "%s: cannot restore the root qdisc %s",
		 ifname, kind);
	return ack_err(err, ret, &ack, what);
}

/**
 * nt_rtnl_restore_root_qdisc() - put back a root qdisc that
 * nt_rtnl_root_qdisc_full() read
 * @rtnl: socket
 * @ifname: interface
 * @full: its text
 * @err: error message, with the kernel's text
 *
 * Handle 0 was the kernel's own default: the explicit root is deleted so
 * the kernel attaches it again.  Any other is replaced by the same kind,
 * handle and attributes ("tc qdisc replace dev IF root handle H KIND
 * ARGS...").
 * Return: 0, -ENODEV, -EINVAL for a malformed @full, other negative errno.
 */
int nt_rtnl_restore_root_qdisc(struct nt_rtnl *rtnl, const char *ifname,
			       const char *full, struct nt_err *err)
{
	unsigned char *attrs = malloc(4096);
	char kind[QDISC_KIND_LEN];
	struct rtnl_link *link;
	uint32_t handle;
	size_t len;
	int ret;

	if (!attrs)
		return nt_err_set(err, ENOMEM, "%s: out of memory", ifname);
	if (!full || !parse_full(full, kind, &handle, attrs, 4096, &len)) {
		free(attrs);
		return nt_err_set(err, EINVAL,
				  "%s: the saved root qdisc is damaged", ifname);
	}
	ret = get_link(rtnl, ifname, &link, err);
	if (!ret && !handle)
		ret = restore_default(rtnl, ifname,
				      rtnl_link_get_ifindex(link), err);
	else if (!ret)
		ret = send_full(rtnl, ifname, rtnl_link_get_ifindex(link),
				kind, handle, attrs, len, err);
	if (link)
		rtnl_link_put(link);
	free(attrs);
	return ret;
}
