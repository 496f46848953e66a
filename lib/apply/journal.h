/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NT_APPLY_JOURNAL_H
#define NT_APPLY_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan/change.h"
#include "util/err.h"

/*
 * The journal of one apply, internal to lib/apply.  On disk,
 * STATE_DIR/journal/ID.json:
 *   {"nettune_journal": 1, "id", "profile", "started" (ISO 8601 UTC),
 *    "started_ns", "state",
 *    "changes": [{"knob", "subject", "before", "target", "reason",
 *                 "before_full" (optional)}],
 *    "irqbalance_config": null | the config text before we banned IRQs,
 *    "irqbalance_config_created": true when there was no config file}
 * "changes" holds only the changes apply writes, in plan order.  "before"
 * is null for a subject that did not exist yet (a queue that a channel
 * change creates): there is nothing to restore for it, undoing the change
 * that created it removes it.  ("" is a real value: rps.cpus "" is none.)
 */

#define NT_JOURNAL_VERSION	1
#define NT_JOURNAL_DEFAULT_DIR	"/var/lib/nettune"

#define NT_JOURNAL_IN_PROGRESS	"in-progress"
#define NT_JOURNAL_APPLIED	"applied"
#define NT_JOURNAL_UNDONE	"undone"
#define NT_JOURNAL_UNDO_FAILED	"undo-failed"
#define NT_JOURNAL_ROLLED_BACK	"rolled-back"

/* One change as journaled: c.current holds the value before apply. */
struct nt_journal_change {
	struct nt_change c;
	bool absent;		/* "before": null, the subject did not exist */
	/* "before_full": what the plan value leaves out, restored exactly
	 * by rollback (a root qdisc with its parameters, knob.h
	 * nt_knob_read_full); NULL for none (older journals: the kind) */
	char *full;
	/* "restore_only": not a change apply writes but a value a channel
	 * change destroys (the RPS/XPS mask of a queue that goes away),
	 * journaled first so that rollback restores it after the queue is
	 * back; history does not count it */
	bool restore_only;
};


struct nt_journal {
	char id[64];
	char profile[64];
	char state[16];
	int64_t started_ns;
	struct nt_journal_change *v;
	size_t n;
	char *irqbalance_config;	/* NULL: the config was not touched */
	bool irqbalance_created;
};

/** nt_journal_state_dir() - @dir, else $NETTUNE_STATE_DIR, else default */
const char *nt_journal_state_dir(const char *dir);

/**
 * nt_journal_path() - STATE_DIR/journal/ID@suffix into @buf
 * @suffix: ".json", ".plan.json" or "" (the journal directory when @id
 *          is NULL too)
 * Return: 0 or -ENAMETOOLONG.
 */
int nt_journal_path(const char *state_dir, const char *id, const char *suffix,
		    char *buf, size_t size);

/**
 * nt_journal_mkdirs() - create STATE_DIR and STATE_DIR/journal (0700)
 * Return: 0 or negative errno, @err naming the directory.
 */
int nt_journal_mkdirs(const char *state_dir, struct nt_err *err);

/**
 * nt_journal_new_id() - a fresh, sortable ID for an apply starting now
 * @now_ns: CLOCK_REALTIME
 *
 * "YYYYmmddTHHMMSSZ-PID", with "-N" added when an apply of this process
 * in the same second already took it.
 * Return: 0 or negative errno.
 */
int nt_journal_new_id(const char *state_dir, int64_t now_ns, char *id,
		      size_t size);

/** nt_journal_id_valid() - a plain file name, no path, no dot files */
bool nt_journal_id_valid(const char *id);

/**
 * nt_journal_save() - write @j durably: ID.json.tmp, fsync, rename, fsync
 * the directory
 * Return: 0 or negative errno with @err naming the file.
 */
int nt_journal_save(const char *state_dir, const struct nt_journal *j,
		    struct nt_err *err);

/**
 * nt_journal_load() - read journal @id
 * Return: 0, -ENOENT (no such journal, @err untouched), -EINVAL malformed,
 * other negative errno; @err names the file.
 */
int nt_journal_load(const char *state_dir, const char *id,
		    struct nt_journal *j, struct nt_err *err);

void nt_journal_free(struct nt_journal *j);

#define NT_JOURNAL_UNREADABLE	"unreadable"

/**
 * nt_journal_load_all() - every journal, oldest first
 * @out: malloc'ed array (nt_journal_free_all); a journal that cannot be
 *       read is listed with state "unreadable" and no changes, so history
 *       shows it instead of failing as a whole
 * Return: 0 (none when the directory does not exist) or negative errno.
 */
int nt_journal_load_all(const char *state_dir, struct nt_journal **out,
			size_t *n, struct nt_err *err);

void nt_journal_free_all(struct nt_journal *v, size_t n);

/**
 * nt_journal_newest() - the newest journal whose state is one of @states
 * @states: NULL-ended
 * Return: 0 with @j loaded, -ENOENT when there is none, negative errno.
 */
int nt_journal_newest(const char *state_dir, const char *const *states,
		      struct nt_journal *j, struct nt_err *err);

/** nt_journal_write_all() - write(2) all of @buf; 0 or negative errno */
int nt_journal_write_all(int fd, const char *buf, size_t len);

#endif
