/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_AUDIT_AUDIT_H
#define NT_AUDIT_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/host.h"
#include "plan/change.h"

enum nt_severity {
	NT_SEV_OK = 0,
	NT_SEV_INFO,
	NT_SEV_WARNING,
	NT_SEV_CRITICAL,
};

#define NT_FINDING_ID_LEN	48
#define NT_EVIDENCE_MAX		10
#define NT_FIX_MAX		32	/* one irq.affinity per queue IRQ */

/* One number behind a finding: "dropped_per_s" 1234.5, "netdev_max_backlog" 1000 */
struct nt_evidence {
	char name[40];
	double value;
	bool integer;			/* print without decimals */
};

struct nt_finding {
	char id[NT_FINDING_ID_LEN];	/* stable: "softnet.backlog_drops" */
	enum nt_severity severity;
	char subject[NT_SUBJECT_LEN];	/* "cpu3", "eth0", "tcp :8080" */
	char summary[320];		/* one sentence a person understands */
	struct nt_evidence evidence[NT_EVIDENCE_MAX];
	size_t n_evidence;
	struct nt_change fix[NT_FIX_MAX];
	size_t n_fix;
};

/*
 * Buffers a run of the checks borrows, by slot, kept from run to run so
 * that a run on inputs of the same size allocates nothing (nettune top
 * audits every tick).  A slot is one caller's at a time: the code named
 * by the slot.
 */
enum nt_scratch_slot {
	NT_SCRATCH_SORT_IDX,	/* nt_audit_run(): the order of findings */
	NT_SCRATCH_SORT_TMP,	/* nt_audit_run(): merge buffer */
	NT_SCRATCH_SORT_ONE,	/* nt_audit_run(): one finding in transit */
	NT_SCRATCH_NIC_SRC,	/* check_nic.c: counters of an interface */
	NT_SCRATCH_NIC_SORT,	/* check_nic.c: merge buffer */
	NT_SCRATCH_NIC_GROUP,	/* check_nic.c: counters of one subject */
	NT_SCRATCH_NIC_DONE,	/* check_nic.c: counters grouped already */
	NT_SCRATCH_CPUS_A,	/* CPU masks of util.c and check_irq.c, */
	NT_SCRATCH_CPUS_B,	/* never held across a call to the other */
	NT_SCRATCH_IRQ_ORDER,	/* check_irq.c: CPUs to spread IRQs over */
	NT_SCRATCH_SLOTS
};

struct nt_scratch {
	void *p;
	size_t size;
};

/*
 * Findings, and what the checks need to find them.  Zero it (or leave it
 * to nt_audit_run()) before the first run; nt_findings_free() frees it.
 */
struct nt_findings {
	struct nt_finding *v;
	size_t n, cap;
	struct nt_scratch scratch[NT_SCRATCH_SLOTS];
};

/*
 * The two looks at the host a check judges.  @prev is NULL with
 * --interval 0: then only totals and configuration can be judged, and a
 * total alone never makes a finding worse than info.
 */
struct nt_audit_input {
	const struct nt_host *prev;
	const struct nt_host *cur;
	double seconds;			/* between prev and cur; 0 without prev */
};

typedef int (*nt_check_fn)(const struct nt_audit_input *in,
			   struct nt_findings *out);

struct nt_check {
	const char *id;			/* id prefix of its findings */
	nt_check_fn run;
};

extern const struct nt_check nt_checks[];
extern const size_t nt_n_checks;

/**
 * nt_audit_run() - every check of nt_checks on @in
 * @in: the looks at the host
 * @out: the findings: zeroed before the first run ({ 0 }); a later run
 *	replaces the findings and reuses the buffers, so a run on inputs no
 *	bigger than before allocates nothing.
 *
 * Findings are sorted by severity (worst first), then id, then subject;
 * equal ones stay in the order the checks gave them.  On failure @out is
 * freed.
 * Return: 0 or -ENOMEM.
 */
int nt_audit_run(const struct nt_audit_input *in, struct nt_findings *out);

/** nt_audit_worst() - highest severity in @f (NT_SEV_OK when empty) */
enum nt_severity nt_audit_worst(const struct nt_findings *f);

const char *nt_severity_name(enum nt_severity sev);

/* Building findings (for checks). */
struct nt_finding *nt_finding_add(struct nt_findings *f, const char *id,
				  enum nt_severity sev, const char *subject);
void nt_finding_summary(struct nt_finding *fd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void nt_finding_evidence(struct nt_finding *fd, const char *name,
			 double value, bool integer);
struct nt_change *nt_finding_fix(struct nt_finding *fd, const char *knob,
				 const char *subject, const char *current,
				 const char *target);

/**
 * nt_findings_scratch() - a buffer a check borrows for the rest of a run
 * @f: the findings the check appends to
 * @slot: whose buffer (enum nt_scratch_slot)
 * @bytes: the least size; 0 is taken as 1
 *
 * The buffer grows only when a bigger size is asked for, and then loses
 * its content; it is freed by nt_findings_free().
 * Return: the buffer (contents undefined), or NULL when out of memory.
 */
void *nt_findings_scratch(struct nt_findings *f, unsigned int slot,
			  size_t bytes);

/**
 * nt_findings_reset() - forget the findings of @f, keep its buffers
 * @f: findings of an earlier run, or zeroed
 *
 * The next nt_audit_run() on @f reuses them.
 */
void nt_findings_reset(struct nt_findings *f);

/** nt_findings_free() - free everything @f holds and zero it */
void nt_findings_free(struct nt_findings *f);

#endif
