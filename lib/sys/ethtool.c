// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The "ethtool" generic netlink family through libmnl, and the SIOCETHTOOL
 * ioctl for driver info and driver statistics.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/sockios.h>

#include "sys/ethtool.h"
#include "sys/mnl.h"
#include "util/array.h"

/*
 * RINGS attributes newer than the UAPI header of Debian 12, numbered as in
 * the kernel.  They are enum members, not macros, so private names avoid a
 * clash with a newer header that has them.  Only RX_PUSH has a place in
 * struct nt_rings; the others are listed to say they are known and skipped.
 */
enum {
	NT_A_RINGS_RX_PUSH = 14,		/* u8, 6.4 */
	NT_A_RINGS_TX_PUSH_BUF_LEN = 15,	/* u32, 6.4 */
	NT_A_RINGS_TX_PUSH_BUF_LEN_MAX = 16,	/* u32, 6.4 */
	NT_A_RINGS_HDS_THRESH = 17,		/* u32, 6.14 */
	NT_A_RINGS_HDS_THRESH_MAX = 18,		/* u32, 6.14 */
};

/* Dumps of thousands of devices come in skbs of up to 32 KiB. */
#define ETH_BUF_SIZE	32768
/* Requests are small; every one is built in a buffer of this size. */
#define ETH_REQ_SIZE	256

struct nt_ethtool {
	struct mnl_socket *nl;
	uint32_t portid;
	uint16_t family;
	uint32_t seq;
	char buf[ETH_BUF_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
};

/* One netlink request in flight: what the kernel said and who to tell. */
struct eth_req {
	struct nt_mnl_status st;	/* the kernel's error and its text */
	mnl_cb_t data_cb;
	void *data;
};

/* Where one u32 or u8 attribute lands in struct nt_rings / nt_channels. */
struct eth_attr {
	uint16_t type;
	uint8_t size;
	uint32_t bit;
	size_t off;
};

#define RING(t, sz, b, f) \
	{ t, sz, NT_RING_##b, offsetof(struct nt_rings, f) }

static const struct eth_attr ring_attrs[] = {
	RING(ETHTOOL_A_RINGS_RX_MAX, 4, RX_MAX, rx_max),
	RING(ETHTOOL_A_RINGS_RX_MINI_MAX, 4, RX_MINI_MAX, rx_mini_max),
	RING(ETHTOOL_A_RINGS_RX_JUMBO_MAX, 4, RX_JUMBO_MAX, rx_jumbo_max),
	RING(ETHTOOL_A_RINGS_TX_MAX, 4, TX_MAX, tx_max),
	RING(ETHTOOL_A_RINGS_RX, 4, RX, rx),
	RING(ETHTOOL_A_RINGS_RX_MINI, 4, RX_MINI, rx_mini),
	RING(ETHTOOL_A_RINGS_RX_JUMBO, 4, RX_JUMBO, rx_jumbo),
	RING(ETHTOOL_A_RINGS_TX, 4, TX, tx),
	RING(ETHTOOL_A_RINGS_RX_BUF_LEN, 4, RX_BUF_LEN, rx_buf_len),
	RING(ETHTOOL_A_RINGS_TCP_DATA_SPLIT, 1, TCP_DATA_SPLIT,
	     tcp_data_split),
	RING(ETHTOOL_A_RINGS_CQE_SIZE, 4, CQE_SIZE, cqe_size),
	RING(ETHTOOL_A_RINGS_TX_PUSH, 1, TX_PUSH, tx_push),
	RING(NT_A_RINGS_RX_PUSH, 1, RX_PUSH, rx_push),
};

#define CHAN(t, b, f) \
	{ t, 4, NT_CHAN_##b, offsetof(struct nt_channels, f) }

static const struct eth_attr chan_attrs[] = {
	CHAN(ETHTOOL_A_CHANNELS_RX_MAX, RX_MAX, rx_max),
	CHAN(ETHTOOL_A_CHANNELS_TX_MAX, TX_MAX, tx_max),
	CHAN(ETHTOOL_A_CHANNELS_OTHER_MAX, OTHER_MAX, other_max),
	CHAN(ETHTOOL_A_CHANNELS_COMBINED_MAX, COMBINED_MAX, combined_max),
	CHAN(ETHTOOL_A_CHANNELS_RX_COUNT, RX, rx),
	CHAN(ETHTOOL_A_CHANNELS_TX_COUNT, TX, tx),
	CHAN(ETHTOOL_A_CHANNELS_OTHER_COUNT, OTHER, other),
	CHAN(ETHTOOL_A_CHANNELS_COMBINED_COUNT, COMBINED, combined),
};

#define LINK(t, sz, b, f) \
	{ t, sz, NT_LINK_##b, offsetof(struct nt_linkmode, f) }

static const struct eth_attr linkmode_attrs[] = {
	LINK(ETHTOOL_A_LINKMODES_SPEED, 4, SPEED, speed),
	LINK(ETHTOOL_A_LINKMODES_DUPLEX, 1, DUPLEX, duplex),
};

/* What one message kind looks like and where its attributes go. */
struct eth_msg_ops {
	const char *what;		/* "rings", "channels" */
	uint8_t get_cmd;
	uint8_t reply_cmd;
	uint8_t set_cmd;		/* 0: nettune never sets these */
	uint32_t set_mask;		/* attribute bits a SET may carry */
	uint16_t hdr_attr;
	const struct eth_attr *attrs;
	size_t n_attrs;
	size_t obj_size;
	size_t state_off;
	size_t present_off;
};

static const struct eth_msg_ops rings_ops = {
	.what = "rings",
	.get_cmd = ETHTOOL_MSG_RINGS_GET,
	.reply_cmd = ETHTOOL_MSG_RINGS_GET_REPLY,
	.set_cmd = ETHTOOL_MSG_RINGS_SET,
	.set_mask = NT_RING_RX | NT_RING_RX_MINI | NT_RING_RX_JUMBO |
		    NT_RING_TX,
	.hdr_attr = ETHTOOL_A_RINGS_HEADER,
	.attrs = ring_attrs,
	.n_attrs = ARRAY_SIZE(ring_attrs),
	.obj_size = sizeof(struct nt_rings),
	.state_off = offsetof(struct nt_rings, state),
	.present_off = offsetof(struct nt_rings, present),
};

static const struct eth_msg_ops channels_ops = {
	.what = "channels",
	.get_cmd = ETHTOOL_MSG_CHANNELS_GET,
	.reply_cmd = ETHTOOL_MSG_CHANNELS_GET_REPLY,
	.set_cmd = ETHTOOL_MSG_CHANNELS_SET,
	.set_mask = NT_CHAN_RX | NT_CHAN_TX | NT_CHAN_OTHER | NT_CHAN_COMBINED,
	.hdr_attr = ETHTOOL_A_CHANNELS_HEADER,
	.attrs = chan_attrs,
	.n_attrs = ARRAY_SIZE(chan_attrs),
	.obj_size = sizeof(struct nt_channels),
	.state_off = offsetof(struct nt_channels, state),
	.present_off = offsetof(struct nt_channels, present),
};

static const struct eth_msg_ops linkmode_ops = {
	.what = "link modes",
	.get_cmd = ETHTOOL_MSG_LINKMODES_GET,
	.reply_cmd = ETHTOOL_MSG_LINKMODES_GET_REPLY,
	.hdr_attr = ETHTOOL_A_LINKMODES_HEADER,
	.attrs = linkmode_attrs,
	.n_attrs = ARRAY_SIZE(linkmode_attrs),
	.obj_size = sizeof(struct nt_linkmode),
	.state_off = offsetof(struct nt_linkmode, state),
	.present_off = offsetof(struct nt_linkmode, present),
};

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	return nt_mnl_on_error(nlh, &((struct eth_req *)data)->st);
}

static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	return nt_mnl_on_done(nlh, &((struct eth_req *)data)->st);
}

/*
 * A reply we cannot parse is remembered, but the rest of the answer is still
 * read up to the ack or NLMSG_DONE: a dump left half-read would make the
 * kernel refuse the next one with EBUSY.
 */
static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct eth_req *req = data;

	if (req->st.error || !req->data_cb)
		return MNL_CB_OK;
	if (req->data_cb(nlh, req->data) < MNL_CB_STOP)
		nt_mnl_set_error(&req->st, EBADMSG);
	return MNL_CB_OK;
}

/* Not const only because mnl_cb_run2() does not take a const array. */
static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = error_cb,
	[NLMSG_DONE] = done_cb,
};

static ssize_t eth_recv(struct nt_ethtool *eth)
{
	ssize_t len;

	do {
		len = mnl_socket_recvfrom(eth->nl, eth->buf, sizeof(eth->buf));
	} while (len < 0 && errno == EINTR);
	return len < 0 ? -errno : len;
}

/*
 * Send @nlh and feed the answer to @req until the ack, the end of the dump
 * or an error.  Return: 0 or negative errno, the kernel's text in @req.
 */
static int eth_talk(struct nt_ethtool *eth, struct nlmsghdr *nlh,
		    struct eth_req *req)
{
	uint32_t seq = ++eth->seq;
	ssize_t len;
	int ret;

	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(eth->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		len = eth_recv(eth);
		if (len < 0)
			return (int)len;
		errno = 0;
		ret = mnl_cb_run2(eth->buf, len, seq, eth->portid, data_cb, req,
				  ctl_cbs, NLMSG_MIN_TYPE);
		if (ret < 0 && req->st.error)
			return req->st.error;
		/* Leftovers of an earlier request that was cut short. */
		if (ret < 0 && errno == ESRCH)
			ret = MNL_CB_OK;
		if (ret < 0)
			return errno ? -errno : -EIO;
	} while (ret > MNL_CB_STOP);
	return req->st.error;
}

static int genl_family_cb(const struct nlattr *attr, void *data)
{
	uint16_t *family = data;

	if (mnl_attr_get_type(attr) != CTRL_ATTR_FAMILY_ID)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, MNL_TYPE_U16) < 0)
		return MNL_CB_ERROR;
	*family = mnl_attr_get_u16(attr);
	return MNL_CB_OK;
}

static int genl_family_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, GENL_HDRLEN, genl_family_cb, data);
}

/* libmnl 1.0.4 leaves attribute padding as it finds it: start from zeroes. */
static struct nlmsghdr *genl_put(char *buf, uint16_t type, uint16_t flags,
				 uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	memset(buf, 0, ETH_REQ_SIZE);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

static int resolve_family(struct nt_ethtool *eth, struct nt_err *err)
{
	char buf[ETH_REQ_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct eth_req req = { .data_cb = genl_family_msg_cb,
			       .data = &eth->family };
	struct nlmsghdr *nlh;
	int ret;

	nlh = genl_put(buf, GENL_ID_CTRL, NLM_F_ACK, CTRL_CMD_GETFAMILY, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, ETHTOOL_GENL_NAME);
	ret = eth_talk(eth, nlh, &req);
	if (ret == -ENOENT)
		return nt_err_set(err, ENOENT,
				  "ethtool netlink: family not found (kernel older than 5.6?)");
	if (ret < 0)
		return nt_err_set(err, -ret, "ethtool netlink: %s",
				  req.st.msg[0] ? req.st.msg : strerror(-ret));
	if (!eth->family)
		return nt_err_set(err, EPROTO,
				  "ethtool netlink: no family id in reply");
	return 0;
}

static int set_opt(struct nt_ethtool *eth, int opt, const char *name,
		   struct nt_err *err)
{
	int one = 1;

	if (mnl_socket_setsockopt(eth->nl, opt, &one, sizeof(one)) < 0)
		return nt_err_set(err, errno, "ethtool netlink: %s: %s", name,
				  strerror(errno));
	return 0;
}

static int eth_socket(struct nt_ethtool *eth, struct nt_err *err)
{
	int ret;

	eth->nl = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!eth->nl)
		return nt_err_set(err, errno, "ethtool netlink: socket: %s",
				  strerror(errno));
	ret = set_opt(eth, NETLINK_EXT_ACK, "NETLINK_EXT_ACK", err);
	if (!ret)
		ret = set_opt(eth, NETLINK_CAP_ACK, "NETLINK_CAP_ACK", err);
	if (ret)
		return ret;
	if (mnl_socket_bind(eth->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return nt_err_set(err, errno, "ethtool netlink: bind: %s",
				  strerror(errno));
	eth->portid = mnl_socket_get_portid(eth->nl);
	return 0;
}

/**
 * nt_ethtool_open() - open a genetlink socket and resolve the family id once
 * @out: the new handle, NULL on failure
 * @err: error message
 *
 * Return: 0 or negative errno; -ENOENT when the kernel has no ethtool
 * netlink family.
 */
int nt_ethtool_open(struct nt_ethtool **out, struct nt_err *err)
{
	struct nt_ethtool *eth;
	int ret;

	*out = NULL;
	eth = calloc(1, sizeof(*eth));
	if (!eth)
		return nt_err_set(err, ENOMEM,
				  "ethtool netlink: out of memory");
	ret = eth_socket(eth, err);
	if (!ret)
		ret = resolve_family(eth, err);
	if (ret) {
		nt_ethtool_close(eth);
		return ret;
	}
	*out = eth;
	return 0;
}

/** nt_ethtool_close() - close the socket and free @eth (NULL is fine) */
void nt_ethtool_close(struct nt_ethtool *eth)
{
	if (!eth)
		return;
	if (eth->nl)
		mnl_socket_close(eth->nl);
	free(eth);
}

/* Result of parsing one reply: the object and the device it belongs to. */
struct eth_obj {
	const struct eth_msg_ops *ops;
	void *obj;
	int ifindex;
	char ifname[IFNAMSIZ];
	bool seen;
};

static int header_cb(const struct nlattr *attr, void *data)
{
	struct eth_obj *o = data;
	const char *s;
	size_t len;

	switch (mnl_attr_get_type(attr)) {
	case ETHTOOL_A_HEADER_DEV_INDEX:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		o->ifindex = (int)mnl_attr_get_u32(attr);
		break;
	case ETHTOOL_A_HEADER_DEV_NAME:
		s = mnl_attr_get_payload(attr);
		len = strnlen(s, mnl_attr_get_payload_len(attr));
		snprintf(o->ifname, sizeof(o->ifname), "%.*s", (int)len, s);
		break;
	}
	return MNL_CB_OK;
}


static const struct eth_attr *find_attr(const struct eth_msg_ops *ops,
					uint16_t type)
{
	size_t i;

	for (i = 0; i < ops->n_attrs; i++)
		if (ops->attrs[i].type == type)
			return &ops->attrs[i];
	return NULL;
}

static int put_value(struct eth_obj *o, const struct eth_attr *a,
		     const struct nlattr *attr)
{
	char *obj = o->obj;
	uint32_t v, present;

	if (mnl_attr_validate(attr, a->size == 1 ? MNL_TYPE_U8 :
			      MNL_TYPE_U32) < 0)
		return MNL_CB_ERROR;
	v = a->size == 1 ? mnl_attr_get_u8(attr) : mnl_attr_get_u32(attr);
	memcpy(obj + a->off, &v, sizeof(v));
	memcpy(&present, obj + o->ops->present_off, sizeof(present));
	present |= a->bit;
	memcpy(obj + o->ops->present_off, &present, sizeof(present));
	return MNL_CB_OK;
}

/* Attributes newer than this file are skipped, not refused. */
static int obj_attr_cb(const struct nlattr *attr, void *data)
{
	struct eth_obj *o = data;
	uint16_t type = mnl_attr_get_type(attr);
	const struct eth_attr *a;

	if (type == o->ops->hdr_attr) {
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
			return MNL_CB_ERROR;
		return mnl_attr_parse_nested(attr, header_cb, o);
	}
	a = find_attr(o->ops, type);
	return a ? put_value(o, a, attr) : MNL_CB_OK;
}

static int obj_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	struct eth_obj *o = data;
	enum nt_state ok = NT_STATE_OK;

	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN)
		return MNL_CB_ERROR;
	if (genl->cmd != o->ops->reply_cmd)
		return MNL_CB_OK;
	memset(o->obj, 0, o->ops->obj_size);
	o->ifindex = 0;
	o->ifname[0] = '\0';
	if (mnl_attr_parse(nlh, GENL_HDRLEN, obj_attr_cb, o) < 0)
		return MNL_CB_ERROR;
	memcpy((char *)o->obj + o->ops->state_off, &ok, sizeof(ok));
	o->seen = true;
	return MNL_CB_OK;
}

static struct nlmsghdr *eth_request(struct nt_ethtool *eth, char *buf,
				    const struct eth_msg_ops *ops,
				    const char *ifname)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = genl_put(buf, eth->family, ifname ? NLM_F_ACK : NLM_F_DUMP,
		       ops->get_cmd, ETHTOOL_GENL_VERSION);
	nest = mnl_attr_nest_start(nlh, ops->hdr_attr);
	if (ifname)
		mnl_attr_put_strz(nlh, ETHTOOL_A_HEADER_DEV_NAME, ifname);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static bool ifname_ok(const char *ifname)
{
	return ifname && *ifname && strlen(ifname) < IFNAMSIZ;
}

static int eth_get(struct nt_ethtool *eth, const struct eth_msg_ops *ops,
		   const char *ifname, void *obj, struct nt_err *err)
{
	char buf[ETH_REQ_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
	enum nt_state unsupported = NT_STATE_UNSUPPORTED;
	struct eth_obj o = { .ops = ops, .obj = obj };
	struct eth_req req = { .data_cb = obj_msg_cb, .data = &o };
	int ret;

	memset(obj, 0, ops->obj_size);
	if (!ifname_ok(ifname))
		return nt_err_set(err, ENODEV, "%s: no such interface",
				  ifname ? ifname : "(null)");
	ret = eth_talk(eth, eth_request(eth, buf, ops, ifname), &req);
	if (ret == 0 && !o.seen)
		ret = -EPROTO;
	if (ret == 0)
		return 0;
	memset(obj, 0, ops->obj_size);
	if (ret == -EOPNOTSUPP) {
		memcpy((char *)obj + ops->state_off, &unsupported,
		       sizeof(unsupported));
		return 0;
	}
	if (ret == -ENODEV)
		return nt_err_set(err, ENODEV, "%s: no such interface", ifname);
	return nt_err_set(err, -ret, "%s: %s: %s", ifname, ops->what,
			  req.st.msg[0] ? req.st.msg : strerror(-ret));
}

/**
 * nt_ethtool_rings_get() - RINGS_GET for one device
 * @eth: handle from nt_ethtool_open()
 * @ifname: device name
 * @rings: out; zeroed, then every attribute the kernel sent
 * @err: error message
 *
 * Return: 0 (also for a driver without rings: state UNSUPPORTED), -ENODEV
 * for no such device, other negative errno with the kernel's text.
 */
int nt_ethtool_rings_get(struct nt_ethtool *eth, const char *ifname,
			 struct nt_rings *rings, struct nt_err *err)
{
	return eth_get(eth, &rings_ops, ifname, rings, err);
}

/**
 * nt_ethtool_channels_get() - CHANNELS_GET for one device
 * @eth: handle from nt_ethtool_open()
 * @ifname: device name
 * @channels: out; zeroed, then every attribute the kernel sent
 * @err: error message
 *
 * Return: as nt_ethtool_rings_get().
 */
int nt_ethtool_channels_get(struct nt_ethtool *eth, const char *ifname,
			    struct nt_channels *channels, struct nt_err *err)
{
	return eth_get(eth, &channels_ops, ifname, channels, err);
}

/* The entry of @ops->attrs a SET may carry for @attr, one bit; else NULL. */
static const struct eth_attr *settable_attr(const struct eth_msg_ops *ops,
					    uint32_t attr)
{
	size_t i;

	if (!(attr & ops->set_mask) || (attr & (attr - 1)))
		return NULL;
	for (i = 0; i < ops->n_attrs; i++)
		if (ops->attrs[i].bit == attr)
			return &ops->attrs[i];
	return NULL;
}

/*
 * Only the one attribute is sent: the kernel keeps every value the request
 * leaves out, so the other counts need not be read first.
 */
static struct nlmsghdr *eth_set_request(struct nt_ethtool *eth, char *buf,
					const struct eth_msg_ops *ops,
					const char *ifname,
					const struct eth_attr *a,
					uint32_t value)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = genl_put(buf, eth->family, NLM_F_ACK, ops->set_cmd,
		       ETHTOOL_GENL_VERSION);
	nest = mnl_attr_nest_start(nlh, ops->hdr_attr);
	mnl_attr_put_strz(nlh, ETHTOOL_A_HEADER_DEV_NAME, ifname);
	mnl_attr_nest_end(nlh, nest);
	if (a->size == 1)
		mnl_attr_put_u8(nlh, a->type, (uint8_t)value);
	else
		mnl_attr_put_u32(nlh, a->type, value);
	return nlh;
}

static int eth_set(struct nt_ethtool *eth, const struct eth_msg_ops *ops,
		   const char *ifname, uint32_t attr, uint32_t value,
		   struct nt_err *err)
{
	char buf[ETH_REQ_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
	const struct eth_attr *a = settable_attr(ops, attr);
	struct eth_req req = { 0 };
	int ret;

	if (!ifname_ok(ifname))
		return nt_err_set(err, ENODEV, "%s: no such interface",
				  ifname ? ifname : "(null)");
	if (!a || (a->size == 1 && value > UINT8_MAX))
		return nt_err_set(err, EINVAL,
				  "%s: %s: cannot set attribute %#x to %u",
				  ifname, ops->what, attr, value);
	ret = eth_talk(eth, eth_set_request(eth, buf, ops, ifname, a, value),
		       &req);
	if (ret == 0)
		return 0;
	if (ret == -ENODEV)
		return nt_err_set(err, ENODEV, "%s: no such interface", ifname);
	if (ret == -EOPNOTSUPP)
		return nt_err_set(err, EOPNOTSUPP,
				  "%s: the driver cannot change %s%s%s", ifname,
				  ops->what, req.st.msg[0] ? ": " : "", req.st.msg);
	return nt_err_set(err, -ret, "%s: %s: %s", ifname, ops->what,
			  req.st.msg[0] ? req.st.msg : strerror(-ret));
}

/**
 * nt_ethtool_rings_set() - RINGS_SET of one ring size
 * @eth: handle from nt_ethtool_open()
 * @ifname: device name
 * @attr: NT_RING_RX, NT_RING_TX, NT_RING_RX_MINI or NT_RING_RX_JUMBO
 * @value: new size
 * @err: error message, with the kernel's extended ack text when it sent one
 *
 * Return: 0, -ENODEV, -EOPNOTSUPP ("eth0: the driver cannot change rings"),
 * other negative errno ("eth0: rings: <kernel text>").
 */
int nt_ethtool_rings_set(struct nt_ethtool *eth, const char *ifname,
			 uint32_t attr, uint32_t value, struct nt_err *err)
{
	return eth_set(eth, &rings_ops, ifname, attr, value, err);
}

/**
 * nt_ethtool_channels_set() - CHANNELS_SET of one channel count
 * @eth: handle from nt_ethtool_open()
 * @ifname: device name
 * @attr: NT_CHAN_RX, NT_CHAN_TX, NT_CHAN_OTHER or NT_CHAN_COMBINED
 * @value: new count
 * @err: error message, as nt_ethtool_rings_set()
 *
 * Return: as nt_ethtool_rings_set().
 */
int nt_ethtool_channels_set(struct nt_ethtool *eth, const char *ifname,
			    uint32_t attr, uint32_t value,
			    struct nt_err *err)
{
	return eth_set(eth, &channels_ops, ifname, attr, value, err);
}

struct eth_dump {
	struct eth_obj o;
	nt_rings_cb rings_cb;
	nt_channels_cb channels_cb;
	nt_linkmode_cb linkmode_cb;
	void *arg;
	int ret;			/* first non-zero callback return */
};

/*
 * Once the caller has had enough, the rest of the dump is still read (and
 * dropped) so that the socket is clean for the next request.
 */
static int dump_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct eth_dump *d = data;
	int ret;

	if (d->ret)
		return MNL_CB_OK;
	d->o.seen = false;
	ret = obj_msg_cb(nlh, &d->o);
	if (ret != MNL_CB_OK || !d->o.seen)
		return ret;
	if (d->rings_cb)
		d->ret = d->rings_cb(d->o.ifindex, d->o.ifname, d->o.obj,
				     d->arg);
	else if (d->channels_cb)
		d->ret = d->channels_cb(d->o.ifindex, d->o.ifname, d->o.obj,
					d->arg);
	else
		d->ret = d->linkmode_cb(d->o.ifindex, d->o.ifname, d->o.obj,
					d->arg);
	return MNL_CB_OK;
}

static int eth_dump(struct nt_ethtool *eth, struct eth_dump *d,
		    struct nt_err *err)
{
	char buf[ETH_REQ_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct eth_req req = { .data_cb = dump_msg_cb, .data = d };
	const struct eth_msg_ops *ops = d->o.ops;
	int ret;

	ret = eth_talk(eth, eth_request(eth, buf, ops, NULL), &req);
	if (d->ret)
		return d->ret;
	if (ret < 0)
		return nt_err_set(err, -ret, "ethtool netlink: %s dump: %s",
				  ops->what,
				  req.st.msg[0] ? req.st.msg : strerror(-ret));
	return 0;
}

/**
 * nt_ethtool_rings_dump() - RINGS_GET for every device, one dump
 * @eth: handle from nt_ethtool_open()
 * @cb: called for each device with rings, in the kernel's order
 * @arg: passed to @cb
 * @err: error message
 *
 * Return: 0, the first non-zero return of @cb, or negative errno.
 */
int nt_ethtool_rings_dump(struct nt_ethtool *eth, nt_rings_cb cb, void *arg,
			  struct nt_err *err)
{
	struct nt_rings rings;
	struct eth_dump d = {
		.o = { .ops = &rings_ops, .obj = &rings },
		.rings_cb = cb,
		.arg = arg,
	};

	return eth_dump(eth, &d, err);
}

/**
 * nt_ethtool_channels_dump() - CHANNELS_GET for every device, one dump
 * @eth: handle from nt_ethtool_open()
 * @cb: called for each device with channels, in the kernel's order
 * @arg: passed to @cb
 * @err: error message
 *
 * Return: 0, the first non-zero return of @cb, or negative errno.
 */
int nt_ethtool_channels_dump(struct nt_ethtool *eth, nt_channels_cb cb,
			     void *arg, struct nt_err *err)
{
	struct nt_channels channels;
	struct eth_dump d = {
		.o = { .ops = &channels_ops, .obj = &channels },
		.channels_cb = cb,
		.arg = arg,
	};

	return eth_dump(eth, &d, err);
}

int nt_ethtool_linkmode_dump(struct nt_ethtool *eth, nt_linkmode_cb cb,
			     void *arg, struct nt_err *err)
{
	struct nt_linkmode mode;
	struct eth_dump d = {
		.o = { .ops = &linkmode_ops, .obj = &mode },
		.linkmode_cb = cb,
		.arg = arg,
	};

	return eth_dump(eth, &d, err);
}

/*
 * One message of a dump, parsed as the dumps above parse it: for the fuzz
 * harnesses (tests/fuzz/), which feed raw bytes without a socket.
 */
static int dump_one(struct eth_dump *d, const struct nlmsghdr *nlh)
{
	if (dump_msg_cb(nlh, d) < MNL_CB_STOP)
		return -EBADMSG;
	return d->ret;
}

int nt_ethtool_rings_msg(const struct nlmsghdr *nlh, nt_rings_cb cb,
			 void *arg)
{
	struct nt_rings rings;
	struct eth_dump d = {
		.o = { .ops = &rings_ops, .obj = &rings },
		.rings_cb = cb,
		.arg = arg,
	};

	return dump_one(&d, nlh);
}

int nt_ethtool_channels_msg(const struct nlmsghdr *nlh, nt_channels_cb cb,
			    void *arg)
{
	struct nt_channels channels;
	struct eth_dump d = {
		.o = { .ops = &channels_ops, .obj = &channels },
		.channels_cb = cb,
		.arg = arg,
	};

	return dump_one(&d, nlh);
}

int nt_ethtool_linkmode_msg(const struct nlmsghdr *nlh, nt_linkmode_cb cb,
			    void *arg)
{
	struct nt_linkmode mode;
	struct eth_dump d = {
		.o = { .ops = &linkmode_ops, .obj = &mode },
		.linkmode_cb = cb,
		.arg = arg,
	};

	return dump_one(&d, nlh);
}

/*
 * The ioctl socket is opened once and kept: one socket per call cost two
 * syscalls per device, which shows with thousands of devices.
 */
static int ioctl_socket(void)
{
	static int fd = -1;

	if (fd < 0)
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	return fd;
}

/*
 * One SIOCETHTOOL call.  EOPNOTSUPP is an answer, not an error, so it
 * leaves @err alone.
 */
static int eth_ioctl(const char *ifname, const char *what, void *data,
		     struct nt_err *err)
{
	struct ifreq ifr;
	int fd, ret = 0;

	if (!ifname_ok(ifname))
		return nt_err_set(err, ENODEV, "%s: no such interface",
				  ifname ? ifname : "(null)");
	fd = ioctl_socket();
	if (fd < 0)
		return nt_err_set(err, errno, "%s: %s: socket: %s", ifname,
				  what, strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, strlen(ifname) + 1);
	ifr.ifr_data = data;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
		ret = -errno;
	if (ret == 0 || ret == -EOPNOTSUPP)
		return ret;
	if (ret == -ENODEV)
		return nt_err_set(err, ENODEV, "%s: no such interface", ifname);
	return nt_err_set(err, -ret, "%s: %s: %s", ifname, what,
			  strerror(-ret));
}

static void copy_str(char *dst, size_t size, const char *src, size_t max)
{
	if (dst && size)
		snprintf(dst, size, "%.*s", (int)strnlen(src, max), src);
}

/**
 * nt_ethtool_drvinfo() - driver name and bus address (ETHTOOL_GDRVINFO)
 * @ifname: device
 * @driver: out, driver name (may be NULL)
 * @driver_size: size of @driver
 * @bus_info: out, bus address, "" for none (may be NULL)
 * @bus_size: size of @bus_info
 * @err: error message; not set for -EOPNOTSUPP
 *
 * Return: 0, -EOPNOTSUPP when the device has no ethtool ops, other -errno.
 */
int nt_ethtool_drvinfo(const char *ifname, char *driver, size_t driver_size,
		       char *bus_info, size_t bus_size, struct nt_err *err)
{
	struct ethtool_drvinfo di;
	int ret;

	memset(&di, 0, sizeof(di));
	di.cmd = ETHTOOL_GDRVINFO;
	ret = eth_ioctl(ifname, "driver info", &di, err);
	if (ret)
		return ret;
	copy_str(driver, driver_size, di.driver, sizeof(di.driver));
	copy_str(bus_info, bus_size, di.bus_info, sizeof(di.bus_info));
	return 0;
}

/* A bound far above any driver (mlx5 has a few thousand). */
#define ETH_MAX_STATS	(1u << 20)
#define STATS_TRIES	3	/* reads of a set that changes meanwhile */

static int stats_count(const char *ifname, uint32_t *n, struct nt_err *err)
{
	union {
		struct ethtool_sset_info info;
		char buf[sizeof(struct ethtool_sset_info) + sizeof(uint32_t)];
	} s;
	int ret;

	memset(&s, 0, sizeof(s));
	s.info.cmd = ETHTOOL_GSSET_INFO;
	s.info.sset_mask = 1ULL << ETH_SS_STATS;
	ret = eth_ioctl(ifname, "statistics count", &s, err);
	if (ret)
		return ret;
	*n = (s.info.sset_mask & (1ULL << ETH_SS_STATS)) ? s.info.data[0] : 0;
	if (!*n)
		return -EOPNOTSUPP;
	if (*n > ETH_MAX_STATS)
		return nt_err_set(err, E2BIG, "%s: %u driver statistics",
				  ifname, *n);
	return 0;
}

/* Drivers indent names under a "Rx Queue#: 3" header (vmxnet3). */
static const char *trim_name(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static int cmp_counter_ptr(const void *a, const void *b)
{
	const struct nt_counter *x = *(const struct nt_counter *const *)a;
	const struct nt_counter *y = *(const struct nt_counter *const *)b;
	int d = strcmp(x->name, y->name);

	/* equal names keep the driver's order: occurrence k is queue k */
	return d ? d : (x > y) - (x < y);
}

/*
 * Some drivers repeat a name once per queue (vmxnet3's "pkts rx OOB"):
 * occurrence k becomes "NAME#k", so every counter keeps a name of its own
 * from one look to the next and in a snapshot.
 */
static int unique_names(struct nt_counter *v, size_t n)
{
	struct nt_counter **by_name;
	size_t i, j;

	if (n < 2)
		return 0;
	by_name = malloc(n * sizeof(*by_name));
	if (!by_name)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		by_name[i] = &v[i];
	qsort(by_name, n, sizeof(*by_name), cmp_counter_ptr);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n; j++)
			if (strcmp(by_name[i]->name, by_name[j]->name))
				break;
		for (size_t k = 0; j - i > 1 && k < j - i; k++) {
			char *name = by_name[i + k]->name;
			size_t len = strnlen(name, NT_COUNTER_LEN);
			char suffix[24];
			int slen = snprintf(suffix, sizeof(suffix), "#%zu", k);

			if (len + slen >= NT_COUNTER_LEN)
				len = NT_COUNTER_LEN - 1 - slen;
			memcpy(name + len, suffix, slen + 1);
		}
	}
	free(by_name);
	return 0;
}

static int stats_add(struct nt_counters *stats,
		     const struct ethtool_gstrings *names,
		     const struct ethtool_stats *values)
{
	char name[NT_COUNTER_LEN];
	const char *s;
	size_t start = stats->n;
	uint32_t i;

	for (i = 0; i < values->n_stats; i++) {
		s = (const char *)names->data + (size_t)i * ETH_GSTRING_LEN;
		copy_str(name, sizeof(name), s, ETH_GSTRING_LEN);
		if (nt_counters_add(stats, trim_name(name),
				    (int64_t)values->data[i])) {
			stats->n = start;
			return -ENOMEM;
		}
	}
	if (unique_names(stats->v + start, stats->n - start)) {
		stats->n = start;
		return -ENOMEM;
	}
	return 0;
}

static int stats_read(const char *ifname, uint32_t n,
		      struct ethtool_gstrings *names,
		      struct ethtool_stats *values, struct nt_err *err)
{
	int ret;

	names->cmd = ETHTOOL_GSTRINGS;
	names->string_set = ETH_SS_STATS;
	names->len = n;
	ret = eth_ioctl(ifname, "statistics names", names, err);
	if (ret)
		return ret;
	values->cmd = ETHTOOL_GSTATS;
	values->n_stats = n;
	ret = eth_ioctl(ifname, "statistics", values, err);
	if (ret)
		return ret;
	/* The driver's set can change between the calls (channels). */
	if (names->len != n || values->n_stats != n)
		return -EAGAIN;
	return 0;
}

/*
 * Count, then names and values into buffers of that count; -EAGAIN when
 * the set changed between the calls.
 */
static int stats_read_once(const char *ifname, struct nt_counters *stats,
			   struct nt_err *err)
{
	struct ethtool_gstrings *names = NULL;
	struct ethtool_stats *values = NULL;
	uint32_t n = 0;
	int ret;

	ret = stats_count(ifname, &n, err);
	if (ret)
		return ret;
	names = calloc(1, sizeof(*names) + (size_t)n * ETH_GSTRING_LEN);
	values = calloc(1, sizeof(*values) + (size_t)n * sizeof(uint64_t));
	if (!names || !values)
		ret = -ENOMEM;
	if (!ret)
		ret = stats_read(ifname, n, names, values, err);
	if (!ret)
		ret = stats_add(stats, names, values);
	free(names);
	free(values);
	return ret;
}

/**
 * nt_ethtool_driver_stats() - the driver's statistics (ethtool -S)
 * @ifname: device
 * @stats: name/value pairs appended in the driver's order; names longer
 *         than NT_COUNTER_LEN - 1 are cut
 * @err: error message; not set for -EOPNOTSUPP
 *
 * ETHTOOL_GSSET_INFO, ETHTOOL_GSTRINGS and ETHTOOL_GSTATS; when the set
 * changes between them (channels changed), the whole read is done again.
 *
 * Return: 0, -EOPNOTSUPP (nothing appended) for a device without
 * statistics, -EAGAIN when the set changed on every try, other negative
 * errno.
 */
int nt_ethtool_driver_stats(const char *ifname, struct nt_counters *stats,
			    struct nt_err *err)
{
	int ret, tries = STATS_TRIES;

	/* a channel change between the calls: count and read again */
	do
		ret = stats_read_once(ifname, stats, err);
	while (ret == -EAGAIN && --tries);
	if (ret == -EAGAIN)
		nt_err_set(err, EAGAIN, "%s: driver statistics changed while "
			   "read %d times, try again", ifname, STATS_TRIES);
	if (ret == -ENOMEM)
		nt_err_set(err, ENOMEM, "%s: driver statistics: out of memory",
			   ifname);
	return ret;
}

/**
 * nt_ethtool_stats_size() - bytes of the buffer for @n driver statistics
 * @n: number of statistics (nt_counters.n of a device's driver_stats)
 *
 * Return: the size nt_ethtool_driver_stats_fill() needs.
 */
size_t nt_ethtool_stats_size(size_t n)
{
	return sizeof(struct ethtool_stats) + n * sizeof(uint64_t);
}

/**
 * nt_ethtool_driver_stats_fill() - refresh the driver's statistics in place
 * @ifname: device
 * @stats: the device's statistics as nt_ethtool_driver_stats() gave them;
 *	their values are overwritten in the driver's order, names kept
 * @buf: caller memory of at least nt_ethtool_stats_size(@stats->n) bytes,
 *	aligned for a uint64_t
 * @size: its size
 * @err: error message; not set for -EOPNOTSUPP and -ESTALE
 *
 * ETHTOOL_GSSET_INFO, then ETHTOOL_GSTATS: the kernel writes as many values
 * as the driver has now, so the count is checked before.  Allocates
 * nothing; a tick of `top` calls this once per physical device.
 *
 * Return: 0; -ESTALE (nothing changed) when the driver's set of statistics
 * is no longer the one @stats holds (channels changed); -EOPNOTSUPP; other
 * negative errno.
 */
int nt_ethtool_driver_stats_fill(const char *ifname, struct nt_counters *stats,
				 void *buf, size_t size, struct nt_err *err)
{
	struct ethtool_stats *values = buf;
	uint32_t n = 0;
	int ret;

	if (size < nt_ethtool_stats_size(stats->n))
		return nt_err_set(err, EINVAL,
				  "%s: driver statistics: buffer too small",
				  ifname);
	ret = stats_count(ifname, &n, err);
	if (ret)
		return ret;
	if (n != stats->n)
		return -ESTALE;
	memset(values, 0, sizeof(*values));
	values->cmd = ETHTOOL_GSTATS;
	values->n_stats = n;
	ret = eth_ioctl(ifname, "statistics", values, err);
	if (ret)
		return ret;
	if (values->n_stats != n)
		return -ESTALE;
	for (uint32_t i = 0; i < n; i++)
		stats->v[i].value = (int64_t)values->data[i];
	return 0;
}
