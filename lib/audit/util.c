// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "audit/util.h"

bool nt_sysctl_u64(const struct nt_host *host, const char *name,
		   uint64_t *value)
{
	return nt_sysctl_vec(host, name, value, 1) == 1;
}

size_t nt_sysctl_vec(const struct nt_host *host, const char *name,
		     uint64_t *v, size_t max)
{
	const char *text = nt_host_sysctl(host, name);
	size_t n = 0;

	while (text && n < max) {
		char *end;

		while (*text == ' ' || *text == '\t')
			text++;
		if (!*text)
			break;
		errno = 0;
		v[n] = strtoull(text, &end, 10);
		if (end == text || errno || *text == '-')
			return 0;
		n++;
		text = end;
	}
	return n;
}

struct nt_change *nt_fix_sysctl(struct nt_finding *fd,
				const struct nt_host *host, const char *name,
				const char *target)
{
	return nt_finding_fix(fd, "sysctl", name, nt_host_sysctl(host, name),
			      target);
}

struct nt_change *nt_fix_sysctl_u64(struct nt_finding *fd,
				    const struct nt_host *host,
				    const char *name, uint64_t target)
{
	char value[32];

	snprintf(value, sizeof(value), "%" PRIu64, target);
	return nt_fix_sysctl(fd, host, name, value);
}

enum nt_severity nt_rate_severity(const struct nt_audit_input *in,
				  uint64_t total, double rate,
				  double critical_rate)
{
	if (!total)
		return NT_SEV_OK;
	if (!in->prev || rate <= 0)
		return NT_SEV_INFO;
	return rate >= critical_rate ? NT_SEV_CRITICAL : NT_SEV_WARNING;
}

enum nt_severity nt_level_severity(uint64_t used, uint64_t limit)
{
	if (!limit)
		return NT_SEV_OK;
	if (used * 100 > limit * 95)
		return NT_SEV_CRITICAL;
	if (used * 100 > limit * 80)
		return NT_SEV_WARNING;
	return NT_SEV_OK;
}

void nt_rate_text(char *buf, size_t size, double rate)
{
	snprintf(buf, size, rate < 10 ? "%.1f" : "%.0f", rate);
}

void nt_quiet_text(const struct nt_audit_input *in, char *buf, size_t size)
{
	if (in->prev)
		snprintf(buf, size, "none in the last %.*f s",
			 in->seconds < 10 ? 1 : 0, in->seconds);
	else
		snprintf(buf, size,
			 "look again with an interval to see whether it still happens");
}
