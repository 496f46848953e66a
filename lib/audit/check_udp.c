// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * UDP: datagrams lost to full socket buffers, on send or receive, bad
 * checksums and datagrams to closed ports.  IPv4 (/proc/net/snmp) and
 * IPv6 (snmp6) counters are added up.  See nettune-checks(7).
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

/* The IPv4 and IPv6 counters of one MIB field ("RcvbufErrors"). */
static void udp_rise(const struct nt_audit_input *in, const char *field,
		     struct nt_rise *r)
{
	char name[NT_COUNTER_LEN];

	snprintf(name, sizeof(name), "Udp%s", field);
	nt_rise_add_snmp(in, name, r);
	snprintf(name, sizeof(name), "Udp6%s", field);
	nt_rise_add_snmp(in, name, r);
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
		nt_fix_reason(c, "the largest buffer setsockopt() may ask for");
	}
	if (def_t > def) {
		c = nt_fix_sysctl_u64(fd, h, name_def, def_t);
		nt_fix_reason(c, "the buffer of sockets that do not set "
				 "their own");
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
	nt_fix_reason(c, "all UDP sockets together are near this limit "
			 "(pages)");
}

static void rcvbuf_summary(struct nt_finding *fd,
			   const struct nt_audit_input *in,
			   const struct nt_rise *err)
{
	char rate[32], old[96];

	nt_rate_text(rate, sizeof(rate), err->rate);
	nt_quiet_text(in, old, sizeof(old));
	if (nt_rising(in, err))
		nt_finding_summary(fd, "UDP drops %s datagrams/s because the "
				   "receiving socket's buffer is full: the "
				   "application reads too slowly for its "
				   "buffer (default %s bytes); raise the "
				   "defaults, and SO_RCVBUF where the "
				   "application sets it", rate,
				   sysctl_str(in->cur,
					      "net.core.rmem_default"));
	else
		nt_finding_summary(fd, "%" PRIu64 " UDP datagrams were dropped "
				   "on full receive buffers since boot, %s",
				   err->total, old);
}

static void rcvbuf_fixes(struct nt_finding *fd, const struct nt_host *h)
{
	char target[24];
	struct nt_change *c;

	snprintf(target, sizeof(target), "%" PRIu64,
		 buf_fixes(fd, h, "rmem"));
	c = nt_finding_fix(fd, "app.so_rcvbuf", "udp", "", target);
	nt_fix_reason(c, "the socket's SO_RCVBUF must rise too: the default "
			 "applies only to sockets that do not set it");
	udp_mem_fix(fd, h);
}

static int check_rcvbuf(const struct nt_audit_input *in,
			struct nt_findings *out)
{
	struct nt_rise err = { 0 }, inerr = { 0 };
	enum nt_severity sev;
	struct nt_finding *fd;

	udp_rise(in, "RcvbufErrors", &err);
	udp_rise(in, "InErrors", &inerr);
	sev = nt_rise_severity(in, &err, BUF_CRIT_RATE);
	if (sev == NT_SEV_OK)
		return 0;
	fd = nt_finding_add(out, "udp.rcvbuf_errors", sev, "udp");
	if (!fd)
		return -ENOMEM;
	rcvbuf_summary(fd, in, &err);
	nt_rise_evidence(fd, in, "rcvbuf_errors", &err);
	if (in->prev)
		nt_finding_evidence(fd, "in_errors_per_s", inerr.rate, false);
	nt_sysctl_evidence(fd, in->cur, "net.core.rmem_default");
	nt_sysctl_evidence(fd, in->cur, "net.core.rmem_max");
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
	struct nt_rise err = { 0 };
	char rate[32], old[96];
	enum nt_severity sev;
	struct nt_finding *fd;

	udp_rise(in, "SndbufErrors", &err);
	sev = nt_rise_severity(in, &err, BUF_CRIT_RATE);
	if (sev == NT_SEV_OK)
		return 0;
	fd = nt_finding_add(out, "udp.sndbuf_errors", sev, "udp");
	if (!fd)
		return -ENOMEM;
	nt_rate_text(rate, sizeof(rate), err.rate);
	nt_quiet_text(in, old, sizeof(old));
	if (nt_rising(in, &err))
		nt_finding_summary(fd, "UDP fails %s sends/s for lack of "
				   "send buffer (default %s bytes) or because "
				   "the interface's qdisc dropped them (see "
				   "its drops): raise the defaults, and "
				   "SO_SNDBUF where the application sets it",
				   rate,
				   sysctl_str(h, "net.core.wmem_default"));
	else
		nt_finding_summary(fd, "%" PRIu64 " UDP sends failed for lack "
				   "of send buffer since boot, %s",
				   err.total, old);
	nt_rise_evidence(fd, in, "sndbuf_errors", &err);
	nt_sysctl_evidence(fd, in->cur, "net.core.wmem_default");
	nt_sysctl_evidence(fd, in->cur, "net.core.wmem_max");
	buf_fixes(fd, in->cur, "wmem");
	return 0;
}

/* Corruption is no tuning matter: no fix, and never critical. */
static int check_csum(const struct nt_audit_input *in,
		      struct nt_findings *out)
{
	struct nt_rise err = { 0 };
	char rate[32], old[96];
	enum nt_severity sev;
	struct nt_finding *fd;

	udp_rise(in, "InCsumErrors", &err);
	sev = nt_rise_severity(in, &err, NEVER_CRITICAL);
	if (sev == NT_SEV_OK)
		return 0;
	fd = nt_finding_add(out, "udp.in_csum_errors", sev, "udp");
	if (!fd)
		return -ENOMEM;
	nt_rate_text(rate, sizeof(rate), err.rate);
	nt_quiet_text(in, old, sizeof(old));
	if (nt_rising(in, &err))
		nt_finding_summary(fd, "%s UDP datagrams/s arrive with a bad "
				   "checksum and are dropped: a faulty NIC, "
				   "cable or device on the path corrupts "
				   "them; no setting here fixes it", rate);
	else
		nt_finding_summary(fd, "%" PRIu64 " UDP datagrams arrived with "
				   "a bad checksum since boot, %s", err.total,
				   old);
	nt_rise_evidence(fd, in, "in_csum_errors", &err);
	return 0;
}

/*
 * Datagrams to closed ports are the senders' business, and every host
 * has some since boot: only a rise now is worth a line, as info.
 */
static int check_no_ports(const struct nt_audit_input *in,
			  struct nt_findings *out)
{
	struct nt_rise np = { 0 };
	struct nt_finding *fd;
	char rate[32];

	udp_rise(in, "NoPorts", &np);
	if (!nt_rising(in, &np))
		return 0;
	fd = nt_finding_add(out, "udp.no_ports", NT_SEV_INFO, "udp");
	if (!fd)
		return -ENOMEM;
	nt_rate_text(rate, sizeof(rate), np.rate);
	nt_finding_summary(fd, "%s UDP datagrams/s arrive for ports nobody "
			   "listens on (answered with ICMP port unreachable): "
			   "a misdirected client or a scan, not a tuning "
			   "problem", rate);
	nt_rise_evidence(fd, in, "no_ports", &np);
	return 0;
}

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
	static const nt_check_fn parts[] = {
		check_rcvbuf, check_sndbuf, check_csum, check_no_ports,
	};

	return nt_run_parts(parts, ARRAY_SIZE(parts), in, out);
}
