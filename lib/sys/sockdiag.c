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
#include <time.h>

#include "sys/sockdiag.h"

struct listeners {
	struct nt_listener *v;
	size_t n, cap;
};

static int add_listener(struct listeners *l, const struct inet_diag_msg *msg)
{
	struct nt_listener *s;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct nt_listener *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	s = &l->v[l->n++];
	memset(s, 0, sizeof(*s));
	s->family = msg->idiag_family;
	inet_ntop(msg->idiag_family, msg->id.idiag_src, s->addr,
		  sizeof(s->addr));
	s->port = ntohs(msg->id.idiag_sport);
	s->accept_queue = msg->idiag_rqueue;
	s->backlog = msg->idiag_wqueue;
	return 0;
}

static int on_msg(const struct nlmsghdr *nlh, void *arg)
{
	const struct inet_diag_msg *msg = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*msg))
		return MNL_CB_ERROR;
	return add_listener(arg, msg) ? MNL_CB_ERROR : MNL_CB_OK;
}

static int dump_family(struct mnl_socket *nl, uint8_t family,
		       struct listeners *l, char *buf, size_t size)
{
	unsigned int seq = (unsigned int)time(NULL) + family;
	unsigned int portid = mnl_socket_get_portid(nl);
	struct inet_diag_req_v2 *req;
	struct nlmsghdr *nlh;
	ssize_t got;
	int ret;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = family;
	req->sdiag_protocol = IPPROTO_TCP;
	req->idiag_states = 1u << TCP_LISTEN;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		got = mnl_socket_recvfrom(nl, buf, size);
		if (got < 0)
			return -errno;
		ret = mnl_cb_run(buf, got, seq, portid, on_msg, l);
	} while (ret > 0);
	return ret < 0 ? -errno : 0;
}

int nt_sockdiag_listeners(struct nt_listener **out, size_t *n,
			  struct nt_err *err)
{
	static const uint8_t families[] = { AF_INET, AF_INET6 };
	struct listeners l = { 0 };
	struct mnl_socket *nl;
	size_t size = 32768;
	char *buf;
	int ret = 0;

	*out = NULL;
	*n = 0;
	buf = malloc(size);
	nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	if (!buf || !nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = nt_err_set(err, buf ? errno : ENOMEM,
				 "sock_diag: cannot open netlink socket: %s",
				 strerror(buf ? errno : ENOMEM));
		goto out;
	}
	for (size_t i = 0; i < sizeof(families) && !ret; i++) {
		ret = dump_family(nl, families[i], &l, buf, size);
		/* no IPv6 in this kernel or namespace: IPv4 is the answer */
		if (families[i] == AF_INET6 && (ret == -ENOENT ||
						ret == -EAFNOSUPPORT))
			ret = 0;
	}
	if (ret) {
		nt_err_set(err, -ret, "sock_diag: listening sockets: %s",
			   strerror(-ret));
		free(l.v);
		goto out;
	}
	*out = l.v;
	*n = l.n;
out:
	if (nl)
		mnl_socket_close(nl);
	free(buf);
	return ret;
}
