/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_APPLY_APPLY_H
#define NT_APPLY_APPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan/plan.h"
#include "sys/root.h"
#include "util/err.h"

/*
 * A plan applied as a transaction.  State directory layout
 * (default /var/lib/nettune, --state-dir, NETTUNE_STATE_DIR):
 *   lock                 flock(2) held by a running apply; holds its pid
 *   journal/ID.json      before-values of every change, fsync'ed before the
 *                        first write; state in-progress | applied |
 *                        undone (a failed apply undid itself) | rolled-back
 *   journal/ID.plan.json the plan that was applied (verify's default)
 * ID is a sortable UTC time stamp plus pid: "20261123T113000Z-4242".
 */

enum nt_irqbalance_mode {
	NT_IRQBALANCE_SKIP = 0,	/* skip IRQ affinity changes, warn */
	NT_IRQBALANCE_IGNORE,	/* apply them anyway */
	NT_IRQBALANCE_BAN,	/* ban the IRQs in its config, restart it */
};

struct nt_apply_opts {
	const char *state_dir;
	enum nt_irqbalance_mode irqbalance;
	bool irqbalance_running;
	/* progress: called once per change: "applied", "skipped: ...",
	 * "failed: ...", "undone" */
	void (*progress)(const struct nt_change *c, const char *status,
			 void *arg);
	void *arg;
	/* how the host is read again after channel changes (the plan's
	 * later intents); NULL: nt_collect() of the root, these interfaces */
	int (*collect)(const struct nt_root *root, const char *const *ifaces,
		       struct nt_host *host, void *arg, struct nt_err *err);
	void *collect_arg;
};

struct nt_apply_result {
	char journal_id[64];
	size_t applied;
	size_t skipped;		/* advice, irqbalance, already equal */
	long failed;		/* index of the change that failed, -1 none */
};

/**
 * nt_apply() - apply @plan as a transaction
 *
 * Refuses (-EBUSY, "another apply is running (pid N)") when the lock is
 * held.  Checks first that every change's current value still matches the
 * host (-ESTALE: "the host changed since the plan was made: KNOB SUBJECT is
 * X, the plan expected Y").  Writes the journal and fsyncs it, then each
 * change in order, reading it back; on any failure it undoes what was done,
 * newest first, and returns the failing change's error with the kernel's
 * text.  Two phases: changes flagged later are previews and not written;
 * after the rest (channels and rings among them), the interfaces of the
 * plan's later intents are read again, the intents resolved on the queues
 * the kernel has now (nt_plan_resolve), journaled and written in the same
 * transaction, and the journal's plan file rewritten with them.  Refuses
 * (-EBUSY) while an earlier apply's journal is in-progress
 * (nt_apply_ready()).  With NETTUNE_TEST_PAUSE set (seconds), it
 * sleeps after each change (tests kill it there); NETTUNE_TEST_KILL_BEFORE
 * or NETTUNE_TEST_KILL_AFTER = N makes it SIGKILL itself right before or
 * right after its Nth write (1-based, both phases; the journal holding it
 * is durable at either point).

 * Return: 0 or negative errno.
 */
int nt_apply(const struct nt_root *root, const struct nt_plan *plan,
	     const struct nt_apply_opts *opts, struct nt_apply_result *result,
	     struct nt_err *err);

/**
 * nt_apply_ready() - what nt_apply() checks before it reads the host, for
 * a verb to refuse before it prints a plan: the state directory, if there
 * is one, is a directory, no other apply holds the lock (-EBUSY), no
 * earlier apply is unfinished; creates and writes nothing
 * @state_dir: NULL for the default
 *
 * A journal left in-progress (the apply was killed) means a half-changed
 * host: nt_apply() refuses (-EBUSY, "journal ID: an earlier apply did not
 * finish ...") until it is rolled back.
 * Return: 0 or negative errno with @err set.
 */
int nt_apply_ready(const char *state_dir, struct nt_err *err);

/**
 * nt_rollback() - restore the before-values of journal @id (NULL: the
 * newest journal that is applied or in-progress), newest change first,
 * also after an apply was killed half-way.  Marks it rolled-back.
 * Return: 0, -ENOENT (no such journal / nothing to roll back), -errno.
 */
int nt_rollback(const struct nt_root *root, const char *state_dir,
		const char *id, struct nt_apply_result *result,
		struct nt_err *err);

struct nt_journal_info {
	char id[64];
	char profile[64];
	char state[16];
	int64_t started_ns;
	size_t n_changes;
};

/** nt_history() - every journal, oldest first */
int nt_history(const char *state_dir, struct nt_journal_info **out,
	       size_t *n, struct nt_err *err);

/**
 * nt_last_plan() - the plan of the newest journal in state applied
 * Return: 0, -ENOENT when nothing was applied.
 */
int nt_last_plan(const char *state_dir, struct nt_plan *plan,
		 struct nt_err *err);

/**
 * nt_apply_resolve() - the later intents of @plan (nt_plan_resolve) on the
 * host as it is now, read again with @opts->collect (NULL opts or hook:
 * nt_collect() of @root, only the intents' interfaces)
 * @out: the resolved changes; free with nt_plan_free()
 * Return: 0 or negative errno.
 */
int nt_apply_resolve(const struct nt_root *root, const struct nt_plan *plan,
		     const struct nt_apply_opts *opts, struct nt_plan *out,
		     struct nt_err *err);

struct nt_drift {

	struct nt_change change;	/* target = expected */
	char actual[NT_VALUE_LEN];
	bool gone;			/* the subject no longer exists */
};

/**
 * nt_verify() - compare the live host with every change's target
 * @drift: malloc'ed array of drifted values (advice knobs are skipped)
 * Return: 0 or negative errno.
 */
int nt_verify(const struct nt_root *root, const struct nt_plan *plan,
	      struct nt_drift **drift, size_t *n, struct nt_err *err);

#endif
