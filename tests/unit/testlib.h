/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by the unit tests: allocation that fails the test
 * instead of returning NULL, fixture files under $NT_FIXTURES, small
 * file trees in a temporary directory, /proc/interrupts fixtures and
 * lookups in the findings of a check.  Include after <cmocka.h>.
 */
#ifndef NT_TESTLIB_H
#define NT_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>

#include "audit/audit.h"
#include "model/cpumask.h"
#include "sys/procfs.h"

/* Allocation ------------------------------------------------------------ */

void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n, size_t size);
char *xstrdup(const char *s);

void set_list(struct nt_cpumask *m, const char *list);

/* Hosts ---------------------------------------------------------------- */

/** add_qdisc() - append a zeroed qdisc of @kind, @handle, @parent to @ifc */
struct nt_qdisc *add_qdisc(struct nt_iface *ifc, const char *kind,
			   uint32_t handle, uint32_t parent, uint64_t drops);

/**
 * add_irq() - append a queue IRQ named "IFACE-TYPE-QUEUE" to @ifc
 * @type: "rx", "tx", "rxtx" or "" (queue -1: not a queue's IRQ)
 * @affinity: smp_affinity_list; @effective: effective_affinity_list
 */
struct nt_iface_irq *add_irq(struct nt_iface *ifc, uint32_t irq, int queue,
			     const char *type, const char *affinity,
			     const char *effective);

/** add_listener() - append a listening socket to @h */
struct nt_listener *add_listener(struct nt_host *h, uint8_t family,
				 const char *addr, uint16_t port,
				 uint32_t accept_queue, uint32_t backlog);

/* Fixtures -------------------------------------------------------------- */

char *fixture_text(const char *rel);
char *fixture_text_optional(const char *rel);

void parse_interrupts(const char *text, struct nt_interrupts *table);
void load_interrupts(const char *rel, struct nt_interrupts *table);

/* Temporary trees ------------------------------------------------------- */

void tree_put(const char *top, const char *rel, const char *text);
void tree_link(const char *top, const char *rel, const char *target);
int tree_remove(const char *top);

/* Findings -------------------------------------------------------------- */

const struct nt_finding *find_finding(const struct nt_findings *f,
				      const char *id, const char *subject);
const struct nt_finding *need_finding(const struct nt_findings *f,
				      const char *id, const char *subject);
size_t count_id(const struct nt_findings *f, const char *id);
double evidence(const struct nt_finding *fd, const char *name);
bool has_evidence(const struct nt_finding *fd, const char *name);
const struct nt_change *fix_of(const struct nt_finding *fd,
			       const char *knob, const char *subject);
void assert_fix(const struct nt_finding *fd, const char *knob,
			const char *subject, const char *current,
			const char *target);

#endif /* NT_TESTLIB_H */
