// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Listening TCP sockets through NETLINK_SOCK_DIAG (libmnl).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/tcp.h>
#include <libmnl/libmnl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "sys/sockdiag.h"

/* What one recv() can bring: the kernel's dump skbs are at most 32 KiB. */
#define SOCKDIAG_BUF	32768

struct nt_sockdiag {
	struct mnl_socket *nl;
	unsigned int portid;
	unsigned int seq;
	char buf[SOCKDIAG_BUF];
};

/* The caller's array: grown only past the most it ever held. */
struct listeners {
	struct nt_listener **v;
	size_t n;
	size_t *cap;
	int ret;		/* first error of the dump, which runs on */
};

int nt_sockdiag_listener_msg(const struct nlmsghdr *nlh,
			     struct nt_listener **v, size_t *n, size_t *cap)
{
	const struct inet_diag_msg *msg = mnl_nlmsg_get_payload(nlh);
	struct nt_listener *s;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*msg))
		return -EPROTO;
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		struct nt_listener *nv = realloc(*v, c * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = c;
	}
	s = &(*v)[(*n)++];
	memset(s, 0, sizeof(*s));
	s->family = msg->idiag_family;
	inet_ntop(msg->idiag_family, msg->id.idiag_src, s->addr,
		  sizeof(s->addr));
	s->port = ntohs(msg->id.idiag_sport);
	s->accept_queue = msg->idiag_rqueue;
	s->backlog = msg->idiag_wqueue;
	return 0;
}

/*
 * A failure keeps reading the dump to its end (recorded in l->ret): the
 * socket is kept for the next dump and must not hold the rest of this one.
 */
static int on_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct listeners *l = arg;

	if (!l->ret)
		l->ret = nt_sockdiag_listener_msg(nlh, l->v, &l->n, l->cap);
	return MNL_CB_OK;
}

/* Read and drop whatever an aborted dump left in the socket. */
static void drain(struct nt_sockdiag *sd)
{
	int fd = mnl_socket_get_fd(sd->nl);

	while (recv(fd, sd->buf, sizeof(sd->buf), MSG_DONTWAIT) > 0)
		;
}

static int dump_family(struct nt_sockdiag *sd, uint8_t family,
		       struct listeners *l)
{
	struct inet_diag_req_v2 *req;
	struct nlmsghdr *nlh;
	unsigned int seq = ++sd->seq;
	ssize_t got;
	int ret;

	nlh = mnl_nlmsg_put_header(sd->buf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = family;
	req->sdiag_protocol = IPPROTO_TCP;
	req->idiag_states = 1u << TCP_LISTEN;
	if (mnl_socket_sendto(sd->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		got = mnl_socket_recvfrom(sd->nl, sd->buf, sizeof(sd->buf));
		if (got < 0) {
			ret = -errno;
			drain(sd);
			return ret;
		}
		ret = mnl_cb_run(sd->buf, got, seq, sd->portid, on_msg, l);
	} while (ret > 0);
	if (ret < 0) {
		ret = -errno;
		drain(sd);
		return ret;
	}
	return l->ret;
}

/**
 * nt_sockdiag_open() - a sock_diag socket and its receive buffer, kept for
 * any number of nt_sockdiag_listeners_fill() calls
 * @out: the handle, closed with nt_sockdiag_close()
 * @err: error buffer
 *
 * Return: 0 or negative errno.
 */
int nt_sockdiag_open(struct nt_sockdiag **out, struct nt_err *err)
{
	struct nt_sockdiag *sd;
	int ret;

	*out = NULL;
	sd = calloc(1, sizeof(*sd));
	if (!sd)
		return nt_err_set(err, ENOMEM,
				  "sock_diag: cannot open netlink socket: %s",
				  strerror(ENOMEM));
	sd->nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	if (!sd->nl || mnl_socket_bind(sd->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = errno;
		nt_sockdiag_close(sd);
		return nt_err_set(err, ret,
				  "sock_diag: cannot open netlink socket: %s",
				  strerror(ret));
	}
	sd->portid = mnl_socket_get_portid(sd->nl);
	sd->seq = (unsigned int)time(NULL);
	*out = sd;
	return 0;
}

/** nt_sockdiag_close() - close the socket and free @sd (NULL is fine) */
void nt_sockdiag_close(struct nt_sockdiag *sd)
{
	if (!sd)
		return;
	if (sd->nl)
		mnl_socket_close(sd->nl);
	free(sd);
}

/**
 * nt_sockdiag_listeners_fill() - the listening TCP sockets into an array
 * @sd: handle from nt_sockdiag_open()
 * @v: the array, grown (realloc) only when the kernel returns more
 *	sockets than *@cap; may start NULL with *@cap 0
 * @n: out, the number of sockets, IPv4 then IPv6
 * @cap: in and out, the entries *@v has room for
 * @err: error buffer
 *
 * Two dumps (one per family) through the handle's socket and buffer.
 *
 * Return: 0 or negative errno; on error *@n is 0, *@v and *@cap stay valid.
 */
int nt_sockdiag_listeners_fill(struct nt_sockdiag *sd, struct nt_listener **v,
			       size_t *n, size_t *cap, struct nt_err *err)
{
	static const uint8_t families[] = { AF_INET, AF_INET6 };
	struct listeners l = { .v = v, .cap = cap };
	int ret = 0;

	*n = 0;
	for (size_t i = 0; i < sizeof(families) && !ret; i++) {
		ret = dump_family(sd, families[i], &l);
		/* no IPv6 in this kernel or namespace: IPv4 is the answer */
		if (families[i] == AF_INET6 && (ret == -ENOENT ||
						ret == -EAFNOSUPPORT))
			ret = 0;
	}
	if (ret)
		return nt_err_set(err, -ret, "sock_diag: listening sockets: %s",
				  strerror(-ret));
	*n = l.n;
	return 0;
}

int nt_sockdiag_listeners(struct nt_listener **out, size_t *n,
			  struct nt_err *err)
{
	struct nt_sockdiag *sd;
	size_t cap = 0;
	int ret;

	*out = NULL;
	*n = 0;
	ret = nt_sockdiag_open(&sd, err);
	if (ret)
		return ret;
	ret = nt_sockdiag_listeners_fill(sd, out, n, &cap, err);
	nt_sockdiag_close(sd);
	if (ret) {
		free(*out);
		*out = NULL;
	}
	return ret;
}
