// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Connection tracking: how full the table is.  The sysctls exist only
 * while nf_conntrack is loaded; without them there is nothing to judge.
 * See nettune-checks(7).
 */
#include <errno.h>
#include <inttypes.h>

#include "audit/checks.h"
#include "audit/util.h"

/*
 * Every entry sits in the hash twice (original and reply direction), so
 * chains stay short only with a bucket per entry: the kernel's default
 * ratio since 5.15.  A bucket costs 8 bytes.
 */
static void buckets_fix(struct nt_finding *fd, const struct nt_host *h,
			uint64_t new_max)
{
	struct nt_change *c;
	uint64_t buckets;

	if (!nt_sysctl_u64(h, "net.netfilter.nf_conntrack_buckets", &buckets))
		return;
	nt_finding_evidence(fd, "buckets", buckets, true);
	if (buckets >= new_max)
		return;
	c = nt_fix_sysctl_u64(fd, h, "net.netfilter.nf_conntrack_buckets",
			      new_max);
	nt_fix_reason(c, "one bucket per entry keeps lookups short; initial "
			 "namespace only (before 4.8: module parameter "
			 "hashsize)");
}

/**
 * nt_check_conntrack() - judge how full the conntrack table is
 * @in: the looks at the host; only the current one is read
 * @out: findings to append to
 *
 * Finding: conntrack.table_full, above 80 % warning, above 95 % critical.
 *
 * Return: 0 or -ENOMEM.
 */
int nt_check_conntrack(const struct nt_audit_input *in,
		       struct nt_findings *out)
{
	const struct nt_host *h = in->cur;
	uint64_t count, max;
	enum nt_severity sev;
	struct nt_finding *fd;
	struct nt_change *c;
	double pct;

	if (!nt_sysctl_u64(h, "net.netfilter.nf_conntrack_count", &count) ||
	    !nt_sysctl_u64(h, "net.netfilter.nf_conntrack_max", &max))
		return 0;
	sev = nt_level_severity(count, max);
	if (sev == NT_SEV_OK)
		return 0;
	fd = nt_finding_add(out, "conntrack.table_full", sev, "conntrack");
	if (!fd)
		return -ENOMEM;
	pct = 100.0 * count / max;
	/* 95.4 % printed as "95" would hide why it is critical. */
	nt_finding_summary(fd, "The conntrack table is %.*f%% full (%" PRIu64
			   " of %" PRIu64 " entries): when it fills, the "
			   "kernel drops packets that would start new "
			   "connections (\"nf_conntrack: table full\"); "
			   "raise nf_conntrack_max and the hash size with it",
			   pct == (double)(uint64_t)pct ? 0 : 1, pct, count,
			   max);
	nt_finding_evidence(fd, "count", count, true);
	nt_finding_evidence(fd, "max", max, true);
	nt_finding_evidence(fd, "percent_full", pct, false);
	c = nt_fix_sysctl_u64(fd, h, "net.netfilter.nf_conntrack_max",
			      max * 2);
	nt_fix_reason(c, "an entry costs about 300 bytes; global: set it in "
			 "the initial namespace");
	buckets_fix(fd, h, max * 2);
	return 0;
}
