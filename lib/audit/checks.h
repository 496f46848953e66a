/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_AUDIT_CHECKS_H
#define NT_AUDIT_CHECKS_H

#include "audit/audit.h"

/*
 * The checks of nt_checks[], one file each under lib/audit/.  Each appends
 * its findings to @out and returns 0, or -ENOMEM.  Documented, one by one,
 * in man/nettune-checks.7.
 */
int nt_check_softnet(const struct nt_audit_input *in, struct nt_findings *out);
int nt_check_nic(const struct nt_audit_input *in, struct nt_findings *out);
int nt_check_irq(const struct nt_audit_input *in, struct nt_findings *out);
int nt_check_rps(const struct nt_audit_input *in, struct nt_findings *out);
int nt_check_qdisc(const struct nt_audit_input *in, struct nt_findings *out);
int nt_check_tcp(const struct nt_audit_input *in, struct nt_findings *out);
int nt_check_udp(const struct nt_audit_input *in, struct nt_findings *out);
int nt_check_conntrack(const struct nt_audit_input *in,
		       struct nt_findings *out);
int nt_check_drops(const struct nt_audit_input *in,
		   struct nt_findings *out);
int nt_check_config(const struct nt_audit_input *in, struct nt_findings *out);

#endif
