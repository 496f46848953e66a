// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TCP: listen queues, receive queues, socket memory, TIME-WAIT, local ports
 * and retransmissions.  Rates come from the netstat/snmp counters, levels
 * from sockstat and sock_diag.  See nettune-checks(7).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "audit/checks.h"
#include "audit/util.h"
#include "sample/rate.h"
#include "util/array.h"

#define MIB			(1024ull * 1024)

#define LISTEN_CRIT_RATE	100.0	/* handshakes dropped per second */
#define DROP_CRIT_RATE		100.0	/* segments dropped per second */
#define MEM_CRIT_RATE		1.0	/* pressure entries, aborts per s */
#define TW_CRIT_RATE		100.0	/* TIME-WAIT refusals per second */

#define SOMAXCONN_FLOOR		4096	/* the default since Linux 5.4 */
#define SYN_BACKLOG_FLOOR	8192
#define TCP_RMEM_CAP		(64 * MIB)
#define PORTS_DEFAULT		28232	/* 32768-60999, the kernel's default */
#define PORT_RANGE_LOW		10000	/* keeps the usual service ports free */
#define RETRANS_MIN_SEGS	1000.0	/* too little traffic to judge below */
#define RETRANS_INFO_PCT	1.0
#define RETRANS_WARN_PCT	5.0

struct num {
	char s[24];
};

/*
 * "90" or "95.4": whole percentages read better, but 95.4 printed as
 * "95" would hide why it is critical (above 95).
 */
static struct num pct_str(double pct)
{
	int prec = pct == (double)(int64_t)pct ? 0 : 1;
	struct num n;

	snprintf(n.s, sizeof(n.s), "%.*f", prec, pct);
	return n;
}

static enum nt_severity sev_max(enum nt_severity a, enum nt_severity b)
{
	return a > b ? a : b;
}

static bool sockstat(const struct nt_host *h, const char *name, uint64_t *v)
{
	int64_t value;

	if (!nt_counters_get(&h->sockstat, name, &value) || value < 0)
		return false;
	*v = (uint64_t)value;
	return true;
}

/* listen queues ----------------------------------------------------------- */

struct listen_ev {
	struct nt_rise ovf, drops;
	enum nt_severity sev;
};

static enum nt_severity listener_severity(const struct nt_listener *l)
{
	/*
	 * sk_acceptq_is_full() tests "queue > backlog", so a queue at its
	 * backlog takes one more connection and then drops: that is full.
	 */
	if (l->accept_queue && l->accept_queue >= l->backlog)
		return NT_SEV_CRITICAL;
	return nt_level_severity(l->accept_queue, l->backlog);
}

static bool fuller(const struct nt_listener *a, const struct nt_listener *b)
{
	uint64_t fa = (uint64_t)a->accept_queue * (b->backlog ? b->backlog : 1);
	uint64_t fb = (uint64_t)b->accept_queue * (a->backlog ? a->backlog : 1);

	return fa > fb;
}

/*
 * SO_REUSEPORT groups and IPv4/IPv6 pairs put several listeners on one
 * port: name the port once, by its fullest listener.
 */
static bool fullest_of_port(const struct nt_host *h, size_t i)
{
	const struct nt_listener *l = &h->listeners[i];

	for (size_t j = 0; j < h->n_listeners; j++) {
		const struct nt_listener *o = &h->listeners[j];

		if (j == i || o->port != l->port)
			continue;
		if (fuller(o, l) || (j < i && !fuller(l, o)))
			return false;
	}
	return true;
}

static const char *full_word(const struct nt_listener *l)
{
	return l->accept_queue >= l->backlog ? "full" : "nearly full";
}

/* The listener @i when it is nearly full and speaks for its port. */
static const struct nt_listener *full_listener(const struct nt_host *h,
					       size_t i)
{
	const struct nt_listener *l = &h->listeners[i];

	if (!(h->sources & NT_SRC_SOCKDIAG))
		return NULL;
	if (listener_severity(l) < NT_SEV_WARNING || !fullest_of_port(h, i))
		return NULL;
	return l;
}

/*
 * The kernel uses min(listen() backlog, somaxconn).  Raising somaxconn
 * helps only when it is what capped the backlog; otherwise the
 * application asked for less and only it can ask for more.
 */
static bool somaxconn_caps(const struct nt_host *h,
			   const struct nt_listener *l, uint64_t *somaxconn)
{
	if (!nt_sysctl_u64(h, "net.core.somaxconn", somaxconn)) {
		*somaxconn = 0;
		return true;
	}
	return !l || l->backlog >= *somaxconn;
}

static void listen_fixes(struct nt_finding *fd, const struct nt_host *h,
			 const struct nt_listener *l)
{
	uint64_t somaxconn, target, syn = 0;
	char cur[16] = "", tgt[24];
	struct nt_change *c;

	if (somaxconn_caps(h, l, &somaxconn)) {
		target = somaxconn * 2 > SOMAXCONN_FLOOR ? somaxconn * 2 :
			 SOMAXCONN_FLOOR;
		c = nt_fix_sysctl_u64(fd, h, "net.core.somaxconn", target);
		nt_fix_reason(c, "caps every listen() backlog");
	} else {
		target = somaxconn;
	}
	if (!nt_sysctl_u64(h, "net.ipv4.tcp_max_syn_backlog", &syn) ||
	    syn < target) {
		c = nt_fix_sysctl_u64(fd, h, "net.ipv4.tcp_max_syn_backlog",
				      syn * 2 > SYN_BACKLOG_FLOOR ? syn * 2 :
				      SYN_BACKLOG_FLOOR);
		nt_fix_reason(c, "the SYN queue should hold what the accept "
				 "queue can");
	}
	if (l)
		snprintf(cur, sizeof(cur), "%u", l->backlog);
	snprintf(tgt, sizeof(tgt), "%" PRIu64, target);
	c = nt_finding_fix(fd, "app.listen_backlog", fd->subject, cur, tgt);
	nt_fix_reason(c, "the backlog passed to listen() must rise too: the "
			 "kernel uses the smaller of it and somaxconn");
}

static void listen_evidence(struct nt_finding *fd,
			    const struct nt_audit_input *in,
			    const struct listen_ev *ev,
			    const struct nt_listener *l)
{
	nt_rise_evidence(fd, in, "listen_overflows", &ev->ovf);
	nt_rise_evidence(fd, in, "listen_drops", &ev->drops);
	if (l) {
		nt_finding_evidence(fd, "accept_queue", l->accept_queue, true);
		nt_finding_evidence(fd, "backlog", l->backlog, true);
	}
	nt_sysctl_evidence(fd, in->cur, "net.core.somaxconn");
	nt_sysctl_evidence(fd, in->cur, "net.ipv4.tcp_max_syn_backlog");
}

static void listen_summary(struct nt_finding *fd,
			   const struct nt_audit_input *in,
			   const struct listen_ev *ev,
			   const struct nt_listener *l)
{
	char rate[32], old[96];
	uint64_t somaxconn;

	nt_rate_text(rate, sizeof(rate), ev->ovf.rate);
	if (!nt_rising(in, &ev->ovf)) {
		nt_quiet_text(in, old, sizeof(old));
		nt_finding_summary(fd, "%" PRIu64 " connection attempts were "
				   "dropped on full accept queues since boot, "
				   "%s; if it recurs, raise somaxconn and the "
				   "listen() backlog of the busy service",
				   ev->ovf.total, old);
	} else if (!l) {
		nt_finding_summary(fd, "Connections are dropped at %s/s on "
				   "full accept queues, though no listener is "
				   "full at this moment (a burst): raise "
				   "somaxconn and the backlog the busy service "
				   "passes to listen()", rate);
	} else if (somaxconn_caps(in->cur, l, &somaxconn)) {
		nt_finding_summary(fd, "Port %u's accept queue is %s (%u "
				   "waiting, backlog %u) while the host drops "
				   "%s connections/s on full accept queues: "
				   "the application accepts too slowly or its "
				   "backlog is too small; raise somaxconn and "
				   "the backlog it passes to listen()",
				   l->port, full_word(l), l->accept_queue,
				   l->backlog, rate);
	} else {
		nt_finding_summary(fd, "Port %u's accept queue is %s (%u "
				   "waiting, backlog %u) while the host drops "
				   "%s connections/s on full accept queues: "
				   "the application accepts too slowly or "
				   "asked listen() for too small a backlog "
				   "(somaxconn allows %" PRIu64 ")", l->port,
				   full_word(l), l->accept_queue, l->backlog,
				   rate, somaxconn);
	}
}

static int listen_overflow_finding(const struct nt_audit_input *in,
				   const struct listen_ev *ev,
				   const struct nt_listener *l,
				   struct nt_findings *out)
{
	enum nt_severity sev = ev->sev;
	char subject[NT_SUBJECT_LEN] = "tcp";
	struct nt_finding *fd;

	if (l) {
		snprintf(subject, sizeof(subject), "tcp :%u", l->port);
		sev = sev_max(sev, listener_severity(l));
	}
	fd = nt_finding_add(out, "tcp.listen_overflows", sev, subject);
	if (!fd)
		return -ENOMEM;
	listen_summary(fd, in, ev, l);
	listen_evidence(fd, in, ev, l);
	listen_fixes(fd, in->cur, l);
	return 0;
}

static int accept_queue_finding(const struct nt_host *h,
				const struct nt_listener *l,
				struct nt_findings *out)
{
	double pct = l->backlog ? 100.0 * l->accept_queue / l->backlog : 100;
	char subject[NT_SUBJECT_LEN];
	struct nt_finding *fd;

	snprintf(subject, sizeof(subject), "tcp :%u", l->port);
	fd = nt_finding_add(out, "tcp.accept_queue_full",
			    listener_severity(l), subject);
	if (!fd)
		return -ENOMEM;
	nt_finding_summary(fd, "Port %u's accept queue is %s%% full (%u "
			   "waiting, backlog %u): once full, new connections "
			   "are dropped - the application accepts too slowly "
			   "or its listen() backlog is too small", l->port,
			   pct_str(pct).s, l->accept_queue, l->backlog);
	nt_finding_evidence(fd, "accept_queue", l->accept_queue, true);
	nt_finding_evidence(fd, "backlog", l->backlog, true);
	nt_finding_evidence(fd, "percent_full", pct, false);
	nt_sysctl_evidence(fd, h, "net.core.somaxconn");
	listen_fixes(fd, h, l);
	return 0;
}

/*
 * ListenOverflows is host-wide: when it rises, the listeners full right
 * now are the likely culprits and get the finding, by port.  A full
 * queue without overflows rising is reported as a level of its own.
 */
static int check_listen(const struct nt_audit_input *in,
			struct nt_findings *out)
{
	const struct nt_host *h = in->cur;
	struct listen_ev ev = { 0 };
	size_t named = 0;
	int ret = 0;

	nt_rise_add_snmp(in, "TcpExtListenOverflows", &ev.ovf);
	nt_rise_add_snmp(in, "TcpExtListenDrops", &ev.drops);
	ev.sev = nt_rise_severity(in, &ev.ovf, LISTEN_CRIT_RATE);
	for (size_t i = 0; i < h->n_listeners && !ret; i++) {
		const struct nt_listener *l = full_listener(h, i);

		if (!l)
			continue;
		if (ev.sev >= NT_SEV_WARNING) {
			ret = listen_overflow_finding(in, &ev, l, out);
			named++;
		} else {
			ret = accept_queue_finding(h, l, out);
		}
	}
	if (ret || ev.sev == NT_SEV_OK || named)
		return ret;
	return listen_overflow_finding(in, &ev, NULL, out);
}

/* receive queues ---------------------------------------------------------- */

/*
 * Autotuned sockets grow to tcp_rmem[2]; sockets that set SO_RCVBUF stop
 * autotuning and are capped at rmem_max, so both must allow the new size.
 */
static void rmem_fixes(struct nt_finding *fd, const struct nt_host *h)
{
	char target[NT_VALUE_LEN];
	struct nt_change *c;
	uint64_t v[3], rmax;

	if (nt_sysctl_vec(h, "net.ipv4.tcp_rmem", v, 3) != 3 ||
	    v[2] >= TCP_RMEM_CAP)
		return;
	v[2] = v[2] * 2 < TCP_RMEM_CAP ? v[2] * 2 : TCP_RMEM_CAP;
	snprintf(target, sizeof(target), "%" PRIu64 " %" PRIu64 " %" PRIu64,
		 v[0], v[1], v[2]);
	c = nt_fix_sysctl(fd, h, "net.ipv4.tcp_rmem", target);
	nt_fix_reason(c, "autotuning grows a receive buffer up to the third "
			 "value");
	if (nt_sysctl_u64(h, "net.core.rmem_max", &rmax) && rmax < v[2]) {
		c = nt_fix_sysctl_u64(fd, h, "net.core.rmem_max", v[2]);
		nt_fix_reason(c, "caps sockets that set SO_RCVBUF (they do "
				 "not autotune)");
	}
}

static void prune_summary(struct nt_finding *fd,
			  const struct nt_audit_input *in,
			  const struct nt_rise *drop,
			  const struct nt_rise *prune)
{
	char drops[32], prunes[32], old[96];

	nt_rate_text(drops, sizeof(drops), drop->rate);
	nt_rate_text(prunes, sizeof(prunes), prune->rate);
	nt_quiet_text(in, old, sizeof(old));
	if (nt_rising(in, drop))
		nt_finding_summary(fd, "TCP drops %s segments/s from receive "
				   "queues over their buffer (%s prunes/s): "
				   "applications read slower than data "
				   "arrives; raise tcp_rmem's maximum "
				   "(net.core.rmem_max caps only sockets that "
				   "set SO_RCVBUF)", drops, prunes);
	else if (nt_rising(in, prune))
		nt_finding_summary(fd, "TCP receive queues reach their buffer "
				   "limit %s times/s and are pruned or "
				   "collapsed, costing CPU; nothing was "
				   "dropped yet - a larger tcp_rmem maximum "
				   "avoids it", prunes);
	else
		nt_finding_summary(fd, "TCP dropped %" PRIu64 " segments and "
				   "pruned receive queues %" PRIu64 " times "
				   "for lack of buffer since boot, %s",
				   drop->total, prune->total, old);
}

static int check_rcvq_prune(const struct nt_audit_input *in,
			    struct nt_findings *out)
{
	struct nt_rise drop = { 0 }, prune = { 0 };
	enum nt_severity sev, psev;
	struct nt_finding *fd;

	nt_rise_add_snmp(in, "TcpExtRcvPruned", &drop);
	nt_rise_add_snmp(in, "TcpExtOfoPruned", &drop);
	nt_rise_add_snmp(in, "TcpExtTCPRcvQDrop", &drop);
	nt_rise_add_snmp(in, "TcpExtPruneCalled", &prune);
	nt_rise_add_snmp(in, "TcpExtTCPRcvCollapsed", &prune);
	sev = nt_rise_severity(in, &drop, DROP_CRIT_RATE);
	/* Pruning and collapsing cost CPU but lose nothing: at most info. */
	psev = nt_rise_severity(in, &prune, DROP_CRIT_RATE);
	sev = sev_max(sev, psev > NT_SEV_INFO ? NT_SEV_INFO : psev);
	if (sev == NT_SEV_OK)
		return 0;
	fd = nt_finding_add(out, "tcp.rcvq_prune", sev, "tcp");
	if (!fd)
		return -ENOMEM;
	prune_summary(fd, in, &drop, &prune);
	nt_rise_evidence(fd, in, "rcvq_dropped", &drop);
	nt_rise_evidence(fd, in, "rcvq_pruned", &prune);
	nt_sysctl_evidence(fd, in->cur, "net.core.rmem_max");
	rmem_fixes(fd, in->cur);
	return 0;
}

static int check_backlog_drops(const struct nt_audit_input *in,
			       struct nt_findings *out)
{
	struct nt_rise drop = { 0 };
	char rate[32], old[96];
	enum nt_severity sev;
	struct nt_finding *fd;

	nt_rise_add_snmp(in, "TcpExtTCPBacklogDrop", &drop);
	sev = nt_rise_severity(in, &drop, DROP_CRIT_RATE);
	if (sev == NT_SEV_OK)
		return 0;
	fd = nt_finding_add(out, "tcp.backlog_drops", sev, "tcp");
	if (!fd)
		return -ENOMEM;
	nt_rate_text(rate, sizeof(rate), drop.rate);
	nt_quiet_text(in, old, sizeof(old));
	if (nt_rising(in, &drop))
		nt_finding_summary(fd, "TCP drops %s segments/s because a "
				   "socket's backlog was full while the "
				   "application held its lock: it processes "
				   "too slowly; larger buffers raise the limit "
				   "(receive plus send buffer)", rate);
	else
		nt_finding_summary(fd, "%" PRIu64 " segments were dropped on "
				   "full socket backlogs since boot, %s",
				   drop.total, old);
	nt_rise_evidence(fd, in, "backlog_drops", &drop);
	nt_sysctl_evidence(fd, in->cur, "net.core.rmem_max");
	rmem_fixes(fd, in->cur);
	return 0;
}

/* memory ------------------------------------------------------------------ */

struct tcp_mem {
	struct nt_rise press, aborts;
	uint64_t limit[3], pages;
	bool have_limit, have_pages;
};

static void memory_summary(struct nt_finding *fd,
			   const struct nt_audit_input *in,
			   const struct tcp_mem *m)
{
	char press[32], aborts[32], old[96];

	nt_rate_text(press, sizeof(press), m->press.rate);
	nt_rate_text(aborts, sizeof(aborts), m->aborts.rate);
	nt_quiet_text(in, old, sizeof(old));
	if (nt_rising(in, &m->press) || nt_rising(in, &m->aborts))
		nt_finding_summary(fd, "TCP runs short of socket memory (%s "
				   "pressure entries/s, %s connections/s "
				   "aborted): all sockets together exceed "
				   "net.ipv4.tcp_mem; raise it - it is global, "
				   "set it in the initial namespace", press,
				   aborts);
	else if (m->have_limit && m->have_pages &&
		 nt_level_severity(m->pages, m->limit[2]) >= NT_SEV_WARNING)
		nt_finding_summary(fd, "TCP sockets use %" PRIu64 " pages, "
				   "%s%% of tcp_mem's hard limit %" PRIu64
				   ": above it the kernel refuses socket "
				   "memory and drops segments; raise "
				   "net.ipv4.tcp_mem", m->pages,
				   pct_str(100.0 * m->pages / m->limit[2]).s,
				   m->limit[2]);
	else
		nt_finding_summary(fd, "TCP was under memory pressure %" PRIu64
				   " times and aborted %" PRIu64 " connections "
				   "for lack of memory since boot, %s",
				   m->press.total, m->aborts.total, old);
}

static void memory_evidence(struct nt_finding *fd,
			    const struct nt_audit_input *in,
			    const struct tcp_mem *m)
{
	nt_rise_evidence(fd, in, "memory_pressures", &m->press);
	nt_rise_evidence(fd, in, "aborts_on_memory", &m->aborts);
	if (m->have_pages)
		nt_finding_evidence(fd, "tcp_mem_pages", m->pages, true);
	if (m->have_limit) {
		nt_finding_evidence(fd, "tcp_mem_pressure", m->limit[1], true);
		nt_finding_evidence(fd, "tcp_mem_max", m->limit[2], true);
	}
}

static int check_memory(const struct nt_audit_input *in,
			struct nt_findings *out)
{
	struct tcp_mem m = { 0 };
	char target[NT_VALUE_LEN];
	enum nt_severity sev;
	struct nt_finding *fd;
	struct nt_change *c;

	nt_rise_add_snmp(in, "TcpExtTCPMemoryPressures", &m.press);
	nt_rise_add_snmp(in, "TcpExtTCPAbortOnMemory", &m.aborts);
	m.have_limit = nt_sysctl_vec(in->cur, "net.ipv4.tcp_mem", m.limit,
				     3) == 3;
	m.have_pages = sockstat(in->cur, "TCP.mem", &m.pages);
	sev = sev_max(nt_rise_severity(in, &m.press, MEM_CRIT_RATE),
		      nt_rise_severity(in, &m.aborts, MEM_CRIT_RATE));
	if (m.have_limit && m.have_pages)
		sev = sev_max(sev, nt_level_severity(m.pages, m.limit[2]));
	if (sev == NT_SEV_OK)
		return 0;
	fd = nt_finding_add(out, "tcp.memory_pressure", sev, "tcp");
	if (!fd)
		return -ENOMEM;
	memory_summary(fd, in, &m);
	memory_evidence(fd, in, &m);
	/* Inside a namespace tcp_mem is not visible: no value to double. */
	if (!m.have_limit)
		return 0;
	snprintf(target, sizeof(target), "%" PRIu64 " %" PRIu64 " %" PRIu64,
		 m.limit[0] * 2, m.limit[1] * 2, m.limit[2] * 2);
	c = nt_fix_sysctl(fd, in->cur, "net.ipv4.tcp_mem", target);
	nt_fix_reason(c, "in pages, for all TCP sockets together; make sure "
			 "the host has the memory to spare");
	return 0;
}

/* TIME-WAIT --------------------------------------------------------------- */

static void tw_summary(struct nt_finding *fd, const struct nt_audit_input *in,
		       const struct nt_rise *ovf, uint64_t tw, uint64_t max)
{
	char rate[32], old[96];
	const char *limit;

	limit = nt_host_sysctl(in->cur, "net.ipv4.tcp_max_tw_buckets");
	nt_rate_text(rate, sizeof(rate), ovf->rate);
	nt_quiet_text(in, old, sizeof(old));
	if (nt_rising(in, ovf))
		nt_finding_summary(fd, "%s connections/s close without "
				   "TIME-WAIT because tcp_max_tw_buckets (%s) "
				   "is reached: a late segment of an old "
				   "connection can then land in a new one on "
				   "the same ports; raise the limit", rate,
				   limit ? limit : "unknown");
	else if (nt_level_severity(tw, max) >= NT_SEV_WARNING)
		nt_finding_summary(fd, "%" PRIu64 " TIME-WAIT sockets are "
				   "%s%% of tcp_max_tw_buckets %" PRIu64
				   ": beyond it connections close without "
				   "TIME-WAIT (\"time wait bucket table "
				   "overflow\"); raise the limit", tw,
				   pct_str(100.0 * tw / max).s, max);
	else
		nt_finding_summary(fd, "%" PRIu64 " connections closed "
				   "without TIME-WAIT since boot because "
				   "tcp_max_tw_buckets was reached, %s",
				   ovf->total, old);
}

static void tw_fixes(struct nt_finding *fd, const struct nt_host *h,
		     uint64_t max)
{
	struct nt_change *c;
	uint64_t reuse;

	if (max) {
		c = nt_fix_sysctl_u64(fd, h, "net.ipv4.tcp_max_tw_buckets",
				      max * 2);
		nt_fix_reason(c, "a TIME-WAIT socket costs a few hundred "
				 "bytes");
	}
	if (nt_sysctl_u64(h, "net.ipv4.tcp_tw_reuse", &reuse) && !reuse) {
		c = nt_fix_sysctl(fd, h, "net.ipv4.tcp_tw_reuse", "1");
		nt_fix_reason(c, "lets outgoing connections reuse a TIME-WAIT "
				 "port when timestamps make it safe");
	}
}

static int check_time_wait(const struct nt_audit_input *in,
			   struct nt_findings *out)
{
	struct nt_rise ovf = { 0 };
	uint64_t tw = 0, max = 0;
	enum nt_severity sev;
	struct nt_finding *fd;
	bool have_tw;

	nt_rise_add_snmp(in, "TcpExtTCPTimeWaitOverflow", &ovf);
	sev = nt_rise_severity(in, &ovf, TW_CRIT_RATE);
	have_tw = sockstat(in->cur, "TCP.tw", &tw);
	if (!nt_sysctl_u64(in->cur, "net.ipv4.tcp_max_tw_buckets", &max))
		max = 0;
	if (have_tw)
		sev = sev_max(sev, nt_level_severity(tw, max));
	if (sev == NT_SEV_OK)
		return 0;
	fd = nt_finding_add(out, "tcp.tw_overflow", sev, "tcp");
	if (!fd)
		return -ENOMEM;
	tw_summary(fd, in, &ovf, tw, max);
	nt_rise_evidence(fd, in, "tw_overflows", &ovf);
	if (have_tw)
		nt_finding_evidence(fd, "time_wait", tw, true);
	nt_sysctl_evidence(fd, in->cur, "net.ipv4.tcp_max_tw_buckets");
	tw_fixes(fd, in->cur, max);
	return 0;
}

/* local ports ------------------------------------------------------------- */

static bool tcp_connections(const struct nt_host *h, uint64_t *n)
{
	uint64_t v4, v6 = 0, tw = 0;

	if (!sockstat(h, "TCP.inuse", &v4))
		return false;
	/* sockstat6 counts IPv6 sockets apart; TIME-WAIT covers both. */
	sockstat(h, "TCP6.inuse", &v6);
	sockstat(h, "TCP.tw", &tw);
	*n = v4 + v6 + tw;
	return true;
}

static void port_range_fix(struct nt_finding *fd, const struct nt_host *h,
			   const uint64_t range[2])
{
	uint64_t low = PORT_RANGE_LOW;
	char target[48];
	struct nt_change *c;

	if (range[0] >= 1024 && range[0] < PORT_RANGE_LOW)
		low = range[0];
	snprintf(target, sizeof(target), "%" PRIu64 " 65535", low);
	c = nt_fix_sysctl(fd, h, "net.ipv4.ip_local_port_range", target);
	nt_fix_reason(c, "stays clear of ports below %" PRIu64 " where "
			 "services listen; protect others with "
			 "ip_local_reserved_ports", low);
}

static int check_port_range(const struct nt_audit_input *in,
			    struct nt_findings *out)
{
	const struct nt_host *h = in->cur;
	uint64_t range[2], size, conns;
	enum nt_severity sev;
	struct nt_finding *fd;

	if (nt_sysctl_vec(h, "net.ipv4.ip_local_port_range", range, 2) != 2 ||
	    range[1] < range[0] || !tcp_connections(h, &conns))
		return 0;
	size = range[1] - range[0] + 1;
	if (size >= PORTS_DEFAULT || conns * 2 <= size)
		return 0;
	/* Connections are a bound, not a count of used ports: level rules. */
	sev = sev_max(NT_SEV_INFO, nt_level_severity(conns, size));
	fd = nt_finding_add(out, "tcp.port_range_narrow", sev,
			    "net.ipv4.ip_local_port_range");
	if (!fd)
		return -ENOMEM;
	nt_finding_summary(fd, "The local port range %" PRIu64 "-%" PRIu64
			   " has only %" PRIu64 " ports while the host holds %"
			   PRIu64 " TCP connections (with TIME-WAIT): "
			   "outgoing connections to one destination fail "
			   "with EADDRNOTAVAIL once its ports run out; widen "
			   "the range", range[0], range[1], size, conns);
	nt_finding_evidence(fd, "port_range_size", size, true);
	nt_finding_evidence(fd, "tcp_connections", conns, true);
	nt_finding_evidence(fd, "percent_used", 100.0 * conns / size, false);
	port_range_fix(fd, h, range);
	return 0;
}

/* retransmissions --------------------------------------------------------- */

/*
 * Loss is usually on the path or at the peer, not a setting here: the
 * finding points the reader there and stays below critical.
 */
static int check_retransmits(const struct nt_audit_input *in,
			     struct nt_findings *out)
{
	struct nt_rise rt = { 0 }, segs = { 0 };
	double sent, pct;
	enum nt_severity sev = NT_SEV_INFO;
	struct nt_finding *fd;

	nt_rise_add_snmp(in, "TcpRetransSegs", &rt);
	nt_rise_add_snmp(in, "TcpOutSegs", &segs);
	if (rt.backwards || segs.backwards)
		return 0;
	sent = in->prev ? segs.rate * in->seconds : (double)segs.total;
	if (sent < RETRANS_MIN_SEGS)
		return 0;
	pct = in->prev ? 100 * rt.rate / segs.rate : 100.0 * rt.total /
							segs.total;
	if (pct < RETRANS_INFO_PCT)
		return 0;
	if (in->prev && pct >= RETRANS_WARN_PCT)
		sev = NT_SEV_WARNING;
	fd = nt_finding_add(out, "tcp.retransmits", sev, "tcp");
	if (!fd)
		return -ENOMEM;
	nt_finding_summary(fd, "%.1f%% of the TCP segments sent %s were "
			   "retransmissions: packets are lost on the path or "
			   "dropped by a receiver; look for drops at both ends",
			   pct, in->prev ? "in the interval" : "since boot");
	nt_finding_evidence(fd, "retransmit_percent", pct, false);
	nt_rise_evidence(fd, in, "retrans_segs", &rt);
	nt_rise_evidence(fd, in, "out_segs", &segs);
	return 0;
}

/**
 * nt_check_tcp() - judge TCP listen queues, buffers, memory, TIME-WAIT,
 * local ports and retransmissions
 * @in: the looks at the host; without @in->prev totals are at most info
 * @out: findings to append to
 *
 * Findings: tcp.listen_overflows, tcp.accept_queue_full, tcp.rcvq_prune,
 * tcp.backlog_drops, tcp.memory_pressure, tcp.tw_overflow,
 * tcp.port_range_narrow, tcp.retransmits.
 *
 * Return: 0 or -ENOMEM.
 */
int nt_check_tcp(const struct nt_audit_input *in, struct nt_findings *out)
{
	static const nt_check_fn parts[] = {
		check_listen, check_rcvq_prune, check_backlog_drops,
		check_memory, check_time_wait, check_port_range,
		check_retransmits,
	};

	return nt_run_parts(parts, ARRAY_SIZE(parts), in, out);
}
