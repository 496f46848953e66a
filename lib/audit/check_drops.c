// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Observed drop reasons: what the kernel itself said about the packets it
 * dropped between the two looks (skb:kfree_skb, counted by the drop-reason
 * aggregator).  A reason a knob can act on is evidence for its check
 * (lib/audit/reasons.c): it joins that check's finding when the counters
 * found one (the same subject, else the first that is rising), or makes
 * the finding itself, with the fix naming the subject; any other reason
 * is reported as observed, with its location.  See nettune-checks(7).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "audit/checks.h"
#include "audit/reasons.h"
#include "audit/util.h"
#include "model/drops.h"

#define OBSERVED_CRIT_RATE	1000.0	/* packets dropped per second */

/* "udp", "tcp" or "" from the function that dropped the packet. */
static const char *l4_of(const struct nt_drop_row *r)
{
	if (strstr(r->location_name, "udp"))
		return "udp";
	if (strstr(r->location_name, "tcp"))
		return "tcp";
	return "";
}

/* A listening socket with a full accept queue: the listen overflow's. */
static const struct nt_listener *full_listener(const struct nt_host *h)
{
	if (!(h->sources & NT_SRC_SOCKDIAG))
		return NULL;
	for (size_t i = 0; i < h->n_listeners; i++)
		if (h->listeners[i].backlog &&
		    h->listeners[i].accept_queue >= h->listeners[i].backlog)
			return &h->listeners[i];
	return NULL;
}

/*
 * The socket of a socket row: "tcp :8080" when the host shows it, else its
 * protocol and the device the packets came in on ("udp on nt1").
 */
static void socket_subject(const struct nt_audit_input *in,
			   const struct nt_drop_row *r, char *buf, size_t len)
{
	const char *l4 = l4_of(r);
	const struct nt_listener *l;

	if (!strcmp(r->reason_name, "TCP_LISTEN_OVERFLOW") &&
	    (l = full_listener(in->cur))) {
		snprintf(buf, len, "tcp :%" PRIu16, l->port);
		return;
	}
	snprintf(buf, len, "%s%son %.40s", l4, *l4 ? " " : "",
		 r->device[0] ? r->device : "this host");
}

static void row_subject(const struct nt_audit_input *in,
			const struct nt_reason_check *rc,
			const struct nt_drop_row *r, char *buf, size_t len)
{
	switch (rc->subject) {
	case NT_REASON_SOCKET:
		socket_subject(in, r, buf, len);
		return;
	case NT_REASON_PROTOCOL:
		snprintf(buf, len, "%s", *l4_of(r) ? l4_of(r) : "tcp");
		return;
	case NT_REASON_DEVICE:
	case NT_REASON_QDISC:
		snprintf(buf, len, "%s", r->device[0] ? r->device : "all");
		return;
	}
}

static double rate_of(const struct nt_audit_input *in,
		      const struct nt_drop_row *r)
{
	double s = in->cur->drops->seconds > 0 ? in->cur->drops->seconds : in->seconds;

	return s > 0 ? (double)r->count / s : 0;
}

/* Evidence @name, added to what the finding has of it already. */
static void evidence_sum(struct nt_finding *fd, const char *name,
			 double value, bool integer)
{
	for (size_t i = 0; i < fd->n_evidence; i++)
		if (!strcmp(fd->evidence[i].name, name)) {
			fd->evidence[i].value += value;
			return;
		}
	nt_finding_evidence(fd, name, value, integer);
}

static void row_evidence(struct nt_finding *fd,
			 const struct nt_audit_input *in,
			 const struct nt_drop_row *r)
{
	evidence_sum(fd, "observed_per_s", rate_of(in, r), false);
	evidence_sum(fd, "observed_count", (double)r->count, true);
}

/*
 * The finding of @id the counters made for the same thing: the same
 * subject, one of the subject's ("nt0 qdisc tbf 8001:" for "nt0", "udp"
 * for "udp on nt1"), else the first of @id that is a warning or worse.
 */
static struct nt_finding *counter_finding(struct nt_findings *out,
					  const char *id, const char *subject)
{
	struct nt_finding *rising = NULL;
	size_t len;

	for (size_t i = 0; i < out->n; i++) {
		struct nt_finding *fd = &out->v[i];

		if (strcmp(fd->id, id))
			continue;
		len = strlen(fd->subject);
		if (!strcmp(fd->subject, subject) ||
		    (!strncmp(fd->subject, subject, strlen(subject)) &&
		     fd->subject[strlen(subject)] == ' ') ||
		    (!strncmp(subject, fd->subject, len) &&
		     subject[len] == ' '))
			return fd;
		if (!rising && fd->severity >= NT_SEV_WARNING)
			rising = fd;
	}
	return rising;
}

static bool has_fix(const struct nt_finding *fd, const char *knob,
		    const char *subject)
{
	for (size_t i = 0; i < fd->n_fix; i++)
		if (!strcmp(fd->fix[i].knob, knob) &&
		    !strcmp(fd->fix[i].subject, subject))
			return true;
	return false;
}

/*
 * A sysctl knob ("net.core.netdev_max_backlog") becomes a sysctl fix:
 * rp_filter to 2 (loose), a number doubled; anything else a fix of that
 * knob to raise, with the row's text as its reason.
 */
static void row_fix(struct nt_finding *fd, const struct nt_audit_input *in,
		    const struct nt_reason_check *rc, const char *subject,
		    const char *text)
{
	char knob[NT_REASON_LEN];
	struct nt_change *c;
	uint64_t v;

	nt_reason_fill(rc->knob, subject, knob, sizeof(knob));
	if (has_fix(fd, !strncmp(knob, "net.", 4) ? "sysctl" : knob,
		    !strncmp(knob, "net.", 4) ? knob : subject))
		return;
	if (!strncmp(knob, "net.", 4) && strstr(knob, ".rp_filter"))
		c = nt_fix_sysctl(fd, in->cur, knob, "2");
	else if (!strncmp(knob, "net.", 4) && nt_sysctl_u64(in->cur, knob, &v))
		c = nt_fix_sysctl_u64(fd, in->cur, knob, v ? v * 2 : 1000);
	else if (!strncmp(knob, "net.", 4))
		c = nt_fix_sysctl(fd, in->cur, knob, "raise");
	else
		c = nt_finding_fix(fd, knob, subject, "", "raise");
	nt_fix_reason(c, "%s", text);
}

/* What the kernel said, after what the counters said, while there is room. */
static void summary_add(struct nt_finding *fd, const struct nt_drop_row *r,
			const char *rate)
{
	size_t len = strlen(fd->summary);

	snprintf(fd->summary + len, sizeof(fd->summary) - len, "; the kernel "
		 "says %s at %s on %s, %s/s", r->reason_name,
		 r->location_name[0] ? r->location_name : "?",
		 r->device[0] ? r->device : "no device", rate);
	if (strlen(fd->summary) == sizeof(fd->summary) - 1)
		fd->summary[len] = '\0';	/* cut: leave it out */
}

static int known_row(const struct nt_audit_input *in,
		     const struct nt_reason_check *rc,
		     const struct nt_drop_row *r, struct nt_findings *out)
{
	char subject[NT_SUBJECT_LEN], text[NT_REASON_LEN], rate[32];
	enum nt_severity sev;
	struct nt_finding *fd;

	row_subject(in, rc, r, subject, sizeof(subject));
	sev = nt_rate_severity(in, r->count, rate_of(in, r),
			       OBSERVED_CRIT_RATE);
	nt_reason_fill(rc->fix, subject, text, sizeof(text));
	nt_rate_text(rate, sizeof(rate), rate_of(in, r));
	fd = counter_finding(out, rc->check, subject);
	if (fd) {
		if (sev > fd->severity)
			fd->severity = sev;
		summary_add(fd, r, rate);
	} else {
		fd = nt_finding_add(out, rc->check, sev, subject);
		if (!fd)
			return -ENOMEM;
		nt_finding_summary(fd, "the kernel dropped %s packets/s as %s "
				   "at %s on %s: %s", rate, r->reason_name,
				   r->location_name[0] ? r->location_name : "?",
				   r->device[0] ? r->device : "no device",
				   text);
	}
	row_evidence(fd, in, r);
	row_fix(fd, in, rc, subject, text);
	return 0;
}

/* No knob acts on it: said as observed, never left out. */
static int observed_row(const struct nt_audit_input *in,
			const struct nt_drop_row *r, struct nt_findings *out)
{
	char subject[NT_SUBJECT_LEN], rate[32];
	struct nt_finding *fd;

	snprintf(subject, sizeof(subject), "%.30s%s%.24s", r->reason_name,
		 r->device[0] ? " on " : "", r->device);
	fd = nt_finding_add(out, "drops.observed", NT_SEV_INFO, subject);
	if (!fd)
		return -ENOMEM;
	nt_rate_text(rate, sizeof(rate), rate_of(in, r));
	nt_finding_summary(fd, "the kernel dropped %s packets/s as %s at %s "
			   "on %s; no knob nettune knows acts on this reason",
			   rate, r->reason_name,
			   r->location_name[0] ? r->location_name : "?",
			   r->device[0] ? r->device : "no device");
	row_evidence(fd, in, r);
	return 0;
}

/**
 * nt_check_drops() - findings from the drop reasons the kernel gave
 * @in: the looks; nothing without @in->cur->drops (not counted)
 * @out: the findings
 *
 * Return: 0 or -ENOMEM.
 */
int nt_check_drops(const struct nt_audit_input *in, struct nt_findings *out)
{
	const struct nt_reason_check *rc;
	int ret = 0;

	if (!in->cur->drops)
		return 0;
	for (size_t i = 0; !ret && i < in->cur->drops->n; i++) {
		const struct nt_drop_row *r = &in->cur->drops->v[i];

		rc = nt_reason_check_find(r->reason_name);
		ret = rc ? known_row(in, rc, r, out) :
			   observed_row(in, r, out);
	}
	return ret;
}
