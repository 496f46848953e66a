/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_OUTPUT_AUDIT_H
#define NT_OUTPUT_AUDIT_H

#include <stdbool.h>
#include <stdio.h>

#include "audit/audit.h"

enum nt_audit_format {
	NT_AUDIT_TEXT,
	NT_AUDIT_JSON,
	NT_AUDIT_PROMETHEUS,
};

struct nt_audit_report {
	const struct nt_host *prev;	/* NULL with --interval 0 */
	const struct nt_host *cur;
	double interval;		/* seconds between the looks, 0 none */
	const struct nt_findings *findings;
	bool color;			/* text only: ANSI colours */
};

/**
 * nt_audit_print() - print an audit report
 *
 * Text: grouped by severity, one line per finding with its evidence and
 * the exact fix.  JSON: {"host", "interval", "findings": [...]}.
 * Prometheus: the drop counters as nettune_*_total with labels and one
 * nettune_finding gauge per finding (textfile collector format).
 *
 * Return: 0 or negative errno (-ENOMEM, -EIO on a write error).
 */
int nt_audit_print(FILE *out, const struct nt_audit_report *report,
		   enum nt_audit_format format);

#endif
