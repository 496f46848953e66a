// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include "audit/reasons.h"
#include "util/str.h"

#include "util/array.h"

const struct nt_reason_check nt_reason_checks[] = {
	{ "SOCKET_RCVBUFF", "udp.rcvbuf_errors", NT_REASON_SOCKET,
	  "app.so_rcvbuf",
	  "raise SO_RCVBUF of the socket on {} and net.core.rmem_max, its "
	  "ceiling; the application reads more slowly than datagrams arrive" },
	{ "SOCKET_BACKLOG", "tcp.backlog_drops", NT_REASON_SOCKET,
	  "net.ipv4.tcp_rmem",
	  "the socket on {} had its backlog full while the application held "
	  "it: raise its receive buffer (net.ipv4.tcp_rmem, SO_RCVBUF)" },
	{ "TCP_LISTEN_OVERFLOW", "tcp.listen_overflows", NT_REASON_SOCKET,
	  "app.listen_backlog",
	  "raise the listen() backlog of {} and net.core.somaxconn, or accept "
	  "connections faster" },
	{ "TCP_OFO_QUEUE_PRUNE", "tcp.rcvq_prune", NT_REASON_SOCKET,
	  "net.ipv4.tcp_rmem",
	  "the socket on {} pruned its out-of-order queue for want of "
	  "buffer: raise net.ipv4.tcp_rmem" },
	{ "PROTO_MEM", "tcp.memory_pressure", NT_REASON_PROTOCOL,
	  "net.ipv4.{}_mem",
	  "{} sockets together are over their memory limit: raise "
	  "net.ipv4.{}_mem" },
	{ "IP_RPFILTER", "drops.rp_filter", NT_REASON_DEVICE,
	  "net.ipv4.conf.{}.rp_filter",
	  "reverse-path filtering on {} drops packets whose source it would "
	  "not route back through {}: fix the route, or set "
	  "net.ipv4.conf.{}.rp_filter=2 (loose) and check "
	  "net.ipv4.conf.all.rp_filter, which wins when higher" },
	{ "QDISC_DROP", "qdisc.drops", NT_REASON_QDISC, "qdisc limit",
	  "the root qdisc of {} is full: raise its limit (or txqueuelen of "
	  "{}), or its rate if it shapes" },
	{ "QDISC_OVERLIMIT", "qdisc.drops", NT_REASON_QDISC, "qdisc limit",
	  "the root qdisc of {} is over its limit: raise the limit" },
	{ "QDISC_CONGESTED", "qdisc.drops", NT_REASON_QDISC, "qdisc limit",
	  "the AQM qdisc of {} drops for congestion: raise its target or "
	  "limit only if the latency is acceptable" },
	{ "FQ_FLOW_LIMIT", "qdisc.drops", NT_REASON_QDISC, "fq flow_limit",
	  "the fq qdisc of {} drops flows over flow_limit: raise flow_limit" },
	{ "FQ_BAND_LIMIT", "qdisc.drops", NT_REASON_QDISC, "fq limit",
	  "a band of the fq qdisc of {} is full: raise its limit" },
	{ "FQ_HORIZON_LIMIT", "qdisc.drops", NT_REASON_QDISC, "fq horizon",
	  "the fq qdisc of {} drops packets timestamped beyond its horizon: "
	  "raise horizon or set horizon_cap" },
	{ "CPU_BACKLOG", "softnet.backlog_drops", NT_REASON_DEVICE,
	  "net.core.netdev_max_backlog",
	  "packets from {} overflowed a CPU's backlog: raise "
	  "net.core.netdev_max_backlog, or spread the load (RPS on {})" },
	{ "NEIGH_QUEUEFULL", "drops.neigh_queue", NT_REASON_DEVICE,
	  "net.ipv4.neigh.{}.unres_qlen_bytes",
	  "packets waiting for address resolution on {} overflowed the queue: "
	  "raise net.ipv4.neigh.{}.unres_qlen_bytes" },
	{ "FULL_RING", "nic.tx_dropped", NT_REASON_DEVICE, "rings.tx",
	  "the ring of {} was full: raise it (ethtool -G {} tx N)" },
};

const size_t nt_n_reason_checks = ARRAY_SIZE(nt_reason_checks);

const struct nt_reason_check *nt_reason_check_find(const char *reason)
{
	for (size_t i = 0; i < nt_n_reason_checks; i++)
		if (!strcmp(nt_reason_checks[i].reason, reason))
			return &nt_reason_checks[i];
	return NULL;
}

size_t nt_reason_fill(const char *tmpl, const char *subject, char *buf,
		      size_t len)
{
	size_t out = 0;
	const char *p;

	if (len)
		buf[0] = '\0';
	while ((p = strstr(tmpl, "{}"))) {
		nt_str_append(buf, len, &out, "%.*s%s", (int)(p - tmpl), tmpl,
			      subject);
		tmpl = p + 2;
	}
	nt_str_append(buf, len, &out, "%s", tmpl);
	return out;
}

const char *nt_reason_subject_name(enum nt_reason_subject s)
{
	switch (s) {
	case NT_REASON_SOCKET:		return "socket";
	case NT_REASON_DEVICE:		return "device";
	case NT_REASON_QDISC:		return "qdisc";
	case NT_REASON_PROTOCOL:	return "protocol";
	}
	return "?";
}
