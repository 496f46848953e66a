// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * UDP: datagrams lost to full socket buffers, on send or receive, bad
 * checksums and datagrams to closed ports.  IPv4 (/proc/net/snmp) and
 * IPv6 (snmp6) counters are added up.  See nettune-checks(7).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "audit/checks.h"
#include "audit/util.h"
#include "sample/rate.h"

#define MIB			(1024ull * 1024)

#define BUF_CRIT_RATE		1000.0	/* datagrams lost per second */
#define NEVER_CRITICAL		1e300

/*
 * A default of 4 MiB absorbs a burst of ~2800 full-size datagrams per
 * socket; it is charged only when used and udp_mem bounds the sum.  The
 * maximum leaves applications that size their own buffers room above it.
 */
#define BUF_DEFAULT_FLOOR	(4 * MIB)
#define BUF_MAX_FLOOR		(16 * MIB)
#define BUF_CAP			(256 * MIB)	/* beyond: the reader is slow */

/* A sum of counters since boot and its rise now. */
struct ctr {
	uint64_t total;
	double rate;
	bool backwards;		/* went down since the previous look */
};

struct num {
	char s[24];
};

/* "35", "5" or "0.5": a decimal only where it tells something. */
static struct num rate_str(double rate)
{
	int prec = rate >= 10 || rate == (double)(int64_t)rate ? 0 : 1;
	struct num n;

	snprintf(n.s, sizeof(n.s), "%.*f", prec, rate);
	return n;
}

static void ctr_add(const struct nt_audit_input *in, const char *name,
		    struct ctr *c)
{
	const struct nt_counters *prev = in->prev ? &in->prev->snmp : NULL;
	int64_t total, before;
	double rate;

	if (!nt_counter_delta(prev, &in->cur->snmp, name, in->seconds,
			      &total, &rate) || total < 0)
		return;
	if (prev && nt_counters_get(prev, name, &before) && before > total)
		c->backwards = true;
	c->total += (uint64_t)total;
	c->rate += rate;
}

/* The IPv4 and IPv6 counters of one MIB field ("RcvbufErrors"). */
static void ctr_udp(const struct nt_audit_input *in, const char *field,
		    struct ctr *c)
{
	char name[NT_COUNTER_LEN];

	snprintf(name, sizeof(name), "Udp%s", field);
	ctr_add(in, name, c);
	snprintf(name, sizeof(name), "Udp6%s", field);
	ctr_add(in, name, c);
}

static enum nt_severity ctr_severity(const struct nt_audit_input *in,
				     const struct ctr *c, double crit)
{
	/* A counter that was reset (namespace re-created) proves nothing. */
	if (c->backwards)
		return NT_SEV_OK;
	return nt_rate_severity(in, c->total, c->rate, crit);
}

static bool rising(const struct nt_audit_input *in, const struct ctr *c)
{
	return in->prev && !c->backwards && c->rate > 0;
}

static const char *quiet_clause(const struct nt_audit_input *in)
{
	return in->prev ? "none during the interval" :
	       "run with --interval to see whether it still happens";
}

static void reason(struct nt_change *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void reason(struct nt_change *c, const char *fmt, ...)
{
	va_list ap;

	if (!c)
		return;
	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
}

static void ev_ctr(struct nt_finding *fd, const char *name,
		   const struct ctr *c, const struct nt_audit_input *in)
{
	char buf[40];

	if (in->prev) {
		snprintf(buf, sizeof(buf), "%s_per_s", name);
		nt_finding_evidence(fd, buf, c->rate, false);
	}
	snprintf(buf, sizeof(buf), "%s_total", name);
	nt_finding_evidence(fd, buf, (double)c->total, true);
}

static void ev_sysctl(struct nt_finding *fd, const struct nt_host *h,
		      const char *sysctl, const char *name)
{
	uint64_t v;

	if (nt_sysctl_u64(h, sysctl, &v))
		nt_finding_evidence(fd, name, (double)v, true);
}

static const char *sysctl_str(const struct nt_host *h, const char *name)
{
	const char *v = nt_host_sysctl(h, name);

	return v ? v : "unknown";
}

static uint64_t grow(uint64_t cur, uint64_t floor)
{
	uint64_t v = cur * 4 > floor ? cur * 4 : floor;

	return v < BUF_CAP ? v : BUF_CAP;
}

/*
 * Raise net.core.{r,w}mem_default and _max ("rmem").  Return: the buffer
 * size an application should ask for: the new default, which the new
 * maximum admits.
 */
static uint64_t buf_fixes(struct nt_finding *fd, const struct nt_host *h,
			  const char *kind)
{
	uint64_t def = 0, max = 0, def_t, max_t;
	char name_def[48], name_max[48];
	struct nt_change *c;

	snprintf(name_def, sizeof(name_def), "net.core.%s_default", kind);
	snprintf(name_max, sizeof(name_max), "net.core.%s_max", kind);
	nt_sysctl_u64(h, name_def, &def);
	nt_sysctl_u64(h, name_max, &max);
	max_t = grow(max, BUF_MAX_FLOOR);
	def_t = grow(def, BUF_DEFAULT_FLOOR);
	if (max_t < max)
		max_t = max;
	if (def_t > max_t)
		def_t = max_t;
	if (max_t > max) {
		c = nt_fix_sysctl_u64(fd, h, name_max, max_t);
		reason(c, "the largest buffer setsockopt() may ask for");
	}
	if (def_t > def) {
		c = nt_fix_sysctl_u64(fd, h, name_def, def_t);
		reason(c, "the buffer of sockets that do not set their own");
	}
	return def_t > def ? def_t : def;
}

/* Near udp_mem's limit every socket fails, however large its buffer. */
static void udp_mem_fix(struct nt_finding *fd, const struct nt_host *h)
{
	char target[NT_VALUE_LEN];
	struct nt_change *c;
	uint64_t v[3];
	int64_t pages;

	if (nt_sysctl_vec(h, "net.ipv4.udp_mem", v, 3) != 3 ||
	    !nt_counters_get(&h->sockstat, "UDP.mem", &pages) || pages < 0)
		return;
	nt_finding_evidence(fd, "udp_mem_pages", pages, true);
	nt_finding_evidence(fd, "udp_mem_max", v[2], true);
	if (nt_level_severity(pages, v[2]) < NT_SEV_WARNING)
		return;
	snprintf(target, sizeof(target), "%" PRIu64 " %" PRIu64 " %" PRIu64,
		 v[0] * 2, v[1] * 2, v[2] * 2);
	c = nt_fix_sysctl(fd, h, "net.ipv4.udp_mem", target);
	reason(c, "all UDP sockets together are near this limit (pages)");
}

static void rcvbuf_summary(struct nt_finding *fd,
			   const struct nt_audit_input *in,
			   const struct ctr *err)
{
	if (rising(in, err))
		nt_finding_summary(fd, "UDP drops %s datagrams/s because the "
				   "receiving socket's buffer is full: the "
				   "application reads too slowly for its "
				   "buffer (default %s bytes); raise the "
				   "defaults, and SO_RCVBUF where the "
				   "application sets it",
				   rate_str(err->rate).s,
				   sysctl_str(in->cur,
					      "net.core.rmem_default"));
	else
		nt_finding_summary(fd, "%" PRIu64 " UDP datagrams were dropped "
				   "on full receive buffers since boot, %s",
				   err->total, quiet_clause(in));
}

static void rcvbuf_fixes(struct nt_finding *fd, const struct nt_host *h)
{
	char target[24];
	struct nt_change *c;

	snprintf(target, sizeof(target), "%" PRIu64,
		 buf_fixes(fd, h, "rmem"));
	c = nt_finding_fix(fd, "app.so_rcvbuf", "udp", "", target);
	reason(c, "the socket's SO_RCVBUF must rise too: the default applies "
		  "only to sockets that do not set it");
	udp_mem_fix(fd, h);
}

static int check_rcvbuf(const struct nt_audit_input *in,
			struct nt_findings *out)
{
	struct ctr err = { 0 }, inerr = { 0 };
	enum nt_severity sev;
	struct nt_finding *fd;

	ctr_udp(in, "RcvbufErrors", &err);
	ctr_udp(in, "InErrors", &inerr);
	sev = ctr_severity(in, &err, BUF_CRIT_RATE);
	if (sev == NT_SEV_OK)
		return 0;
	fd = nt_finding_add(out, "udp.rcvbuf_errors", sev, "udp");
	if (!fd)
		return -ENOMEM;
	rcvbuf_summary(fd, in, &err);
	ev_ctr(fd, "rcvbuf_errors", &err, in);
	if (in->prev)
		nt_finding_evidence(fd, "in_errors_per_s", inerr.rate, false);
	ev_sysctl(fd, in->cur, "net.core.rmem_default", "rmem_default");
	ev_sysctl(fd, in->cur, "net.core.rmem_max", "rmem_max");
	rcvbuf_fixes(fd, in->cur);
	return 0;
}

/*
 * UDP counts a datagram the qdisc refused (ENOBUFS) as a send buffer
 * error too, so the summary sends the reader to the qdisc as well.
 */
static int check_sndbuf(const struct nt_audit_input *in,
			struct nt_findings *out)
{
	const struct nt_host *h = in->cur;
	struct ctr err = { 0 };
	enum nt_severity sev;
	struct nt_finding *fd;

	ctr_udp(in, "SndbufErrors", &err);
	sev = ctr_severity(in, &err, BUF_CRIT_RATE);
	if (sev == NT_SEV_OK)
		return 0;
	fd = nt_finding_add(out, "udp.sndbuf_errors", sev, "udp");
	if (!fd)
		return -ENOMEM;
	if (rising(in, &err))
		nt_finding_summary(fd, "UDP fails %s sends/s for lack of "
				   "send buffer (default %s bytes) or because "
				   "the interface's qdisc dropped them (see "
				   "its drops): raise the defaults, and "
				   "SO_SNDBUF where the application sets it",
				   rate_str(err.rate).s,
				   sysctl_str(h, "net.core.wmem_default"));
	else
		nt_finding_summary(fd, "%" PRIu64 " UDP sends failed for lack "
				   "of send buffer since boot, %s",
				   err.total, quiet_clause(in));
	ev_ctr(fd, "sndbuf_errors", &err, in);
	ev_sysctl(fd, in->cur, "net.core.wmem_default", "wmem_default");
	ev_sysctl(fd, in->cur, "net.core.wmem_max", "wmem_max");
	buf_fixes(fd, in->cur, "wmem");
	return 0;
}

/* Corruption is no tuning matter: no fix, and never critical. */
static int check_csum(const struct nt_audit_input *in,
		      struct nt_findings *out)
{
	struct ctr err = { 0 };
	enum nt_severity sev;
	struct nt_finding *fd;

	ctr_udp(in, "InCsumErrors", &err);
	sev = ctr_severity(in, &err, NEVER_CRITICAL);
	if (sev == NT_SEV_OK)
		return 0;
	fd = nt_finding_add(out, "udp.in_csum_errors", sev, "udp");
	if (!fd)
		return -ENOMEM;
	if (rising(in, &err))
		nt_finding_summary(fd, "%s UDP datagrams/s arrive with a bad "
				   "checksum and are dropped: a faulty NIC, "
				   "cable or device on the path corrupts "
				   "them; no setting here fixes it",
				   rate_str(err.rate).s);
	else
		nt_finding_summary(fd, "%" PRIu64 " UDP datagrams arrived with "
				   "a bad checksum since boot, %s", err.total,
				   quiet_clause(in));
	ev_ctr(fd, "in_csum_errors", &err, in);
	return 0;
}

/*
 * Datagrams to closed ports are the senders' business, and every host
 * has some since boot: only a rise now is worth a line, as info.
 */
static int check_no_ports(const struct nt_audit_input *in,
			  struct nt_findings *out)
{
	struct ctr np = { 0 };
	struct nt_finding *fd;

	ctr_udp(in, "NoPorts", &np);
	if (!rising(in, &np))
		return 0;
	fd = nt_finding_add(out, "udp.no_ports", NT_SEV_INFO, "udp");
	if (!fd)
		return -ENOMEM;
	nt_finding_summary(fd, "%s UDP datagrams/s arrive for ports nobody "
			   "listens on (answered with ICMP port unreachable): "
			   "a misdirected client or a scan, not a tuning "
			   "problem", rate_str(np.rate).s);
	ev_ctr(fd, "no_ports", &np, in);
	return 0;
}

typedef int (*udp_part_fn)(const struct nt_audit_input *in,
			   struct nt_findings *out);

/**
 * nt_check_udp() - judge UDP buffer errors, checksum errors and datagrams
 * to closed ports
 * @in: the looks at the host; without @in->prev totals are at most info
 * @out: findings to append to
 *
 * Findings: udp.rcvbuf_errors, udp.sndbuf_errors, udp.in_csum_errors,
 * udp.no_ports.
 *
 * Return: 0 or -ENOMEM.
 */
int nt_check_udp(const struct nt_audit_input *in, struct nt_findings *out)
{
	static const udp_part_fn parts[] = {
		check_rcvbuf, check_sndbuf, check_csum, check_no_ports,
	};

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		int ret = parts[i](in, out);

		if (ret)
			return ret;
	}
	return 0;
}
