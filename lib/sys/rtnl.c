// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rtnetlink through libnl-route-3: links with their IFLA_STATS64 counters,
 * and qdiscs with their stats.  One dump each.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/tc.h>

#include "sys/rtnl.h"

/*
 * libnl peeks at each message to size its buffer; starting at 32 KiB lets
 * the kernel fill dump skbs to their largest, so 2000 links need few reads.
 */
#define RTNL_MSG_BUF	32768

struct nt_rtnl {
	struct nl_sock *sk;
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
	*out = rtnl;
	return 0;
}

/** nt_rtnl_close() - close the socket and free @rtnl (NULL is fine) */
void nt_rtnl_close(struct nt_rtnl *rtnl)
{
	if (!rtnl)
		return;
	nl_socket_free(rtnl->sk);
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

	for (i = 0; i < sizeof(link_stats) / sizeof(link_stats[0]); i++) {
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
 * qdiscs_state OK on every interface of @ifaces.
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
	return 0;
}
