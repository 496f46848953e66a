/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_OUTPUT_AUDIT_H
#define NT_OUTPUT_AUDIT_H

#include <stdbool.h>
#include <stdio.h>

#include "audit/audit.h"
#include "model/drops.h"

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
	/* drop reasons observed between the looks; NULL: not counted */
	const struct nt_drop_table *drops;
	const char *drops_unavailable;	/* why they could not be, or NULL */
};

/**
 * nt_audit_print() - print an audit report
 *
 * Text: grouped by severity, one line per finding with its evidence and
 * the exact fix.  JSON: {"host", "interval", "findings": [...]}, and
 * "drop_reasons" ({"interval", "overflow", "drops": [{"reason",
 * "location", "device", "count", "per_s"}]}) when they were counted, or
 * "drop_reasons": null with "drop_reasons_unavailable" (why) when they
 * could not be.  Prometheus: the drop counters as nettune_*_total with
 * labels, nettune_drop_reason_rate gauges, one nettune_finding gauge per
 * finding (textfile collector format).
 *
 * Return: 0 or negative errno (-ENOMEM, -EIO on a write error).
 */
int nt_audit_print(FILE *out, const struct nt_audit_report *report,
		   enum nt_audit_format format);

#endif
