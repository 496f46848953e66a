/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_AUDIT_UTIL_H
#define NT_AUDIT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit/audit.h"

/** nt_sysctl_u64() - a numeric sysctl; false when absent or not a number */
bool nt_sysctl_u64(const struct nt_host *host, const char *name,
		   uint64_t *value);

/**
 * nt_sysctl_vec() - a vector sysctl ("4096 131072 6291456")
 * @v: out, up to @max numbers
 * Return: how many numbers were read (0 when absent).
 */
size_t nt_sysctl_vec(const struct nt_host *host, const char *name,
		     uint64_t *v, size_t max);

/**
 * nt_fix_sysctl() - add a fix "set sysctl @name to @target" to @fd, with the
 * host's current value as the current value.
 */
struct nt_change *nt_fix_sysctl(struct nt_finding *fd,
				const struct nt_host *host, const char *name,
				const char *target);

/** nt_fix_sysctl_u64() - as nt_fix_sysctl() with a number */
struct nt_change *nt_fix_sysctl_u64(struct nt_finding *fd,
				    const struct nt_host *host,
				    const char *name, uint64_t target);

/**
 * nt_rate_severity() - severity of a counter rising at @rate per second
 * @in: the audit input (no previous look: a total is at most info)
 * @total: since-boot value
 * @critical_rate: rate from which it is critical
 *
 * NT_SEV_OK when nothing was ever counted; NT_SEV_INFO for old drops (a
 * total with no rise now, or no previous look); NT_SEV_WARNING for a rise;
 * NT_SEV_CRITICAL for a rise of at least @critical_rate per second.
 */
enum nt_severity nt_rate_severity(const struct nt_audit_input *in,
				  uint64_t total, double rate,
				  double critical_rate);

/**
 * nt_level_severity() - severity of a resource @used of @limit
 * Above 95 % critical, above 80 % warning, else OK.
 */
enum nt_severity nt_level_severity(uint64_t used, uint64_t limit);

/** nt_rate_text() - a rate for a sentence: "0.5", "12", "4200" */
void nt_rate_text(char *buf, size_t size, double rate);

/**
 * nt_quiet_text() - what an old total with no rise now adds to a summary:
 * "none in the last 0.5 s", or, with no previous look, how to find out
 */
void nt_quiet_text(const struct nt_audit_input *in, char *buf, size_t size);

#endif
