// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A plan applied as a transaction: one apply at a time (flock), nothing
 * written to a host that moved since the plan was made, the before-values
 * durable in the journal before the first write, every write read back,
 * and what was done undone, newest first, when any write fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "apply/apply.h"
#include "apply/journal.h"
#include "apply/knob.h"
#include "collect.h"

#include "sys/spawn.h"

#define NS_PER_SEC		1000000000LL
/* Paths under the root; "+ 1" makes them relative for the *at() calls. */
#define IRQBALANCE_CONFIG	"/etc/default/irqbalance"
#define IRQBALANCE_CONFIG_DIR	"/etc/default"
#define IRQBALANCE_CONFIG_TMP	"/etc/default/.irqbalance.nettune.tmp"

/* ACT_LATER: a preview, resolved again after the channel changes */
enum action { ACT_WRITE, ACT_ADVICE, ACT_IRQBALANCE, ACT_EQUAL, ACT_LATER };

static const char *const skip_status[] = {
	[ACT_ADVICE] = "skipped: advice for the application",
	[ACT_IRQBALANCE] = "skipped: irqbalance runs and would overwrite it (use --irqbalance=ignore or ban)",
	[ACT_EQUAL] = "skipped: already set",
};

struct txn {
	const struct nt_root *root;
	const struct nt_plan *plan;	/* &work */
	struct nt_plan work;	/* the plan's changes, then the resolved ones */
	const struct nt_apply_opts *opts;
	struct nt_apply_result *result;
	const char *state_dir;
	enum action *act;	/* per plan change */
	size_t *plan_idx;	/* journal entry -> plan change */
	struct nt_journal j;
	size_t n_saved;		/* restore-only entries, first in the journal */
	size_t j_cap;		/* allocated: j.v and plan_idx */
	char *ban_text;		/* the irqbalance config we write */
	bool banned;		/* the config on disk is ours */
};

static const char *shown(const char *value)
{
	return *value ? value : "\"\"";
}

static void progress(const struct txn *t, const struct nt_change *c,
		     const char *status)
{
	if (t->opts->progress)
		t->opts->progress(c, status, t->opts->arg);
}

/* Knob messages name the change; a bare errno gets the name added. */
static int knob_fail(struct nt_err *err, int ret, const struct nt_change *c,
		     const struct nt_err *inner)
{
	if (inner->msg[0])
		return nt_err_set(err, ret, "%s", inner->msg);
	return nt_err_set(err, ret, "%s %s: %s", c->knob, c->subject,
			  strerror(-ret));
}

/* ---- the lock ---- */

static long lock_owner(int fd)
{
	char buf[32];
	ssize_t got = pread(fd, buf, sizeof(buf) - 1, 0);

	if (got <= 0)
		return -1;
	buf[got] = '\0';
	return strtol(buf, NULL, 10);
}

static int lock_busy(int fd, struct nt_err *err)
{
	long pid = lock_owner(fd);

	close(fd);
	/* The holder may not have written its pid yet. */
	if (pid <= 0)
		return nt_err_set(err, EBUSY,
				  "another apply is running (pid unknown); wait for it: the lock goes away with the process, there is nothing to remove");
	return nt_err_set(err, EBUSY,
			  "another apply is running (pid %ld); wait for it: the lock goes away with the process, there is nothing to remove",
			  pid);
}

/* Return: the locked fd, or negative errno. */
static int lock_take(const char *state_dir, struct nt_err *err)
{
	char path[4096], pid[32];
	int fd, len;

	if (snprintf(path, sizeof(path), "%s/lock", state_dir) >=
	    (int)sizeof(path))
		return nt_err_set(err, ENAMETOOLONG, "%s: path too long",
				  state_dir);
	fd = open(path, O_CREAT | O_RDWR | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return nt_err_set(err, errno, "%s: cannot open the lock: %s",
				  path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno == EWOULDBLOCK)
			return lock_busy(fd, err);
		close(fd);
		return nt_err_set(err, errno, "%s: cannot lock: %s", path,
				  strerror(errno));
	}
	len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) || pwrite(fd, pid, len, 0) != len) {
		nt_err_set(err, errno, "%s: cannot write our pid: %s", path,
			   strerror(errno));
		close(fd);
		return -err->code;
	}
	return fd;
}

/* ---- one knob ---- */

/* Writes @value and reads it back: drivers may round or refuse silently. */
static int write_checked(const struct nt_root *root, const struct nt_change *c,
			 const char *value, struct nt_err *err)
{
	char live[NT_VALUE_LEN];
	struct nt_err e = { 0 };
	int ret;

	ret = nt_knob_write(root, c, value, &e);
	if (!ret)
		ret = nt_knob_read(root, c, live, sizeof(live), &e);
	if (ret)
		return knob_fail(err, ret, c, &e);
	if (!nt_knob_equal(c->knob, live, value))
		return nt_err_set(err, EIO, "%s %s: wrote %s, reads back %s",
				  c->knob, c->subject, shown(value),
				  shown(live));
	return 0;
}

/*
 * Puts a journaled change back to its before-value unless it already has
 * it, so that a rollback may run any number of times, also after a kill
 * before the first write.
 */
static int restore_one(const struct nt_root *root,
		       const struct nt_journal_change *jc, bool *wrote,
		       struct nt_err *err)
{
	const struct nt_change *c = &jc->c;
	char live[NT_VALUE_LEN];
	struct nt_err e = { 0 };
	int ret;

	*wrote = false;
	ret = nt_knob_read(root, c, live, sizeof(live), &e);
	if (ret == -ENOENT && jc->absent)
		return 0;
	if (ret == -ENOENT)
		return nt_err_set(err, ENOENT, "%s %s: gone, cannot restore %s",
				  c->knob, c->subject, shown(c->current));
	if (ret)
		return knob_fail(err, ret, c, &e);
	/* Created by the apply: undoing the change that made it removes it. */
	if (jc->absent)
		return 0;
	/* a root qdisc with its parameters, exactly as it was */
	if (jc->full) {
		ret = nt_knob_restore_full(root, c, jc->full, wrote, &e);
		return ret ? knob_fail(err, ret, c, &e) : 0;
	}
	if (nt_knob_equal(c->knob, live, c->current))
		return 0;
	ret = write_checked(root, c, c->current, err);
	*wrote = !ret;
	return ret;
}

/* ---- irqbalance: its config under the root ---- */

static void config_shown(const struct nt_root *root, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s", root->live ? "" : root->path,
		 IRQBALANCE_CONFIG);
}

static int irq_of(const char *subject, unsigned int *irq)
{
	const char *p = strstr(subject, " irq ");
	char *end;

	if (!p || p[5] < '0' || p[5] > '9')
		return -EINVAL;
	*irq = strtoul(p + 5, &end, 10);
	return *end ? -EINVAL : 0;
}

static bool has_ban(const char *args, unsigned int irq)
{
	char tok[32];
	size_t len = snprintf(tok, sizeof(tok), "--banirq=%u", irq);

	for (const char *p = args; (p = strstr(p, tok)); p += len) {
		if ((p == args || p[-1] == ' ' || p[-1] == '\t') &&
		    (!p[len] || p[len] == ' ' || p[len] == '\t'))
			return true;
	}
	return false;
}

/* The last IRQBALANCE_ARGS= line, as the shell that reads it would see. */
static const char *find_args(const char *text, const char **value)
{
	static const char key[] = "IRQBALANCE_ARGS=";
	const char *found = NULL;

	for (const char *line = text; *line;) {
		const char *p = line + strspn(line, " \t");
		const char *eol = strchrnul(line, '\n');

		if (!strncmp(p, key, sizeof(key) - 1)) {
			found = line;
			*value = p + sizeof(key) - 1;
		}
		line = *eol ? eol + 1 : eol;
	}
	return found;
}

/* The old value without its quotes, malloc'ed. */
static char *old_args(const char *value)
{
	size_t len = strchrnul(value, '\n') - value;

	while (len && (value[len - 1] == ' ' || value[len - 1] == '\t'))
		len--;
	if (len >= 2 && (value[0] == '"' || value[0] == '\'') &&
	    value[len - 1] == value[0]) {
		value++;
		len -= 2;
	}
	return strndup(value, len);
}

static char *add_bans(char *args, const struct txn *t)
{
	for (size_t i = 0; args && i < t->plan->n; i++) {
		const struct nt_change *c = &t->plan->v[i];
		unsigned int irq;
		char *more;

		if (t->act[i] != ACT_WRITE || strcmp(c->knob, "irq.affinity") ||
		    irq_of(c->subject, &irq) || has_ban(args, irq))
			continue;
		if (asprintf(&more, "%s%s--banirq=%u", args, *args ? " " : "",
			     irq) < 0)
			more = NULL;
		free(args);
		args = more;
	}
	return args;
}

/* @old with IRQBALANCE_ARGS banning our IRQs; NULL on ENOMEM. */
static char *ban_config(const char *old, const struct txn *t)
{
	const char *value = NULL, *line = find_args(old, &value);
	char *args, *out = NULL;
	const char *rest;
	int len;

	args = add_bans(line ? old_args(value) : strdup(""), t);
	if (!args)
		return NULL;
	if (line) {
		rest = strchrnul(line, '\n');
		len = asprintf(&out, "%.*sIRQBALANCE_ARGS=\"%s\"%s",
			       (int)(line - old), old, args, rest);
	} else {
		size_t n = strlen(old);

		len = asprintf(&out,
			       "%s%s# nettune: keep irqbalance off the IRQs it pinned (nettune rollback restores this file)\nIRQBALANCE_ARGS=\"%s\"\n",
			       old, n && old[n - 1] != '\n' ? "\n" : "", args);
	}
	free(args);
	return len < 0 ? NULL : out;
}

static bool irqbalance_bans(const struct txn *t)
{
	if (!t->opts->irqbalance_running ||
	    t->opts->irqbalance != NT_IRQBALANCE_BAN)
		return false;
	for (size_t i = 0; i < t->plan->n; i++) {
		if (t->act[i] == ACT_WRITE &&
		    !strcmp(t->plan->v[i].knob, "irq.affinity"))
			return true;
	}
	return false;
}

static int invalid_irq(const struct txn *t, struct nt_err *err)
{
	unsigned int irq;

	for (size_t i = 0; i < t->plan->n; i++) {
		const struct nt_change *c = &t->plan->v[i];

		if (t->act[i] == ACT_WRITE && !strcmp(c->knob, "irq.affinity") &&
		    irq_of(c->subject, &irq))
			return nt_err_set(err, EINVAL,
					  "change %zu of %zu: irq.affinity subject \"%s\" names no IRQ (\"IFACE irq N\"); make a new plan",
					  i + 1, t->plan->n, c->subject);
	}
	return 0;
}

/* Reads the config and prepares ours, before the journal is written. */
static int ban_prepare(struct txn *t, struct nt_err *err)
{
	char shown_path[4200], *old = NULL;
	int ret;

	if (!irqbalance_bans(t))
		return 0;
	ret = invalid_irq(t, err);
	if (ret)
		return ret;
	config_shown(t->root, shown_path, sizeof(shown_path));
	ret = nt_root_read_file(t->root, IRQBALANCE_CONFIG, &old, NULL);
	if (ret == -ENOENT) {
		t->j.irqbalance_created = true;
		old = strdup("");
		ret = old ? 0 : -ENOMEM;
	}
	if (ret)
		return nt_err_set(err, ret, "%s: cannot read: %s", shown_path,
				  strerror(-ret));
	t->ban_text = ban_config(old, t);
	if (!t->ban_text) {
		free(old);
		return nt_err_set(err, ENOMEM, "%s: out of memory", shown_path);
	}
	/* Already banned, all of them: nothing to write, nothing to undo. */
	if (!t->j.irqbalance_created && !strcmp(old, t->ban_text)) {
		free(old);
		free(t->ban_text);
		t->ban_text = NULL;
		return 0;
	}
	t->j.irqbalance_config = old;
	return 0;
}

static void sync_config_dir(const struct nt_root *root)
{
	int fd = nt_root_openat(root, IRQBALANCE_CONFIG_DIR,
				O_RDONLY | O_DIRECTORY);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

static int config_write(const struct nt_root *root, const char *text,
			struct nt_err *err)
{
	char shown_path[4200];
	int fd, ret;

	/* a new file of our own: a leftover is removed, a link not followed */
	unlinkat(root->dirfd, IRQBALANCE_CONFIG_TMP + 1, 0);
	fd = openat(root->dirfd, IRQBALANCE_CONFIG_TMP + 1,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	ret = fd < 0 ? -errno : nt_journal_write_all(fd, text, strlen(text));
	if (!ret && fsync(fd))
		ret = -errno;
	if (fd >= 0 && close(fd) && !ret)
		ret = -errno;
	if (!ret && renameat(root->dirfd, IRQBALANCE_CONFIG_TMP + 1,
			     root->dirfd, IRQBALANCE_CONFIG + 1))
		ret = -errno;
	if (ret) {
		if (fd >= 0)
			unlinkat(root->dirfd, IRQBALANCE_CONFIG_TMP + 1, 0);
		config_shown(root, shown_path, sizeof(shown_path));
		return nt_err_set(err, ret, "%s: cannot write: %s", shown_path,
				  strerror(-ret));
	}
	sync_config_dir(root);
	return 0;
}

/*
 * Makes irqbalance read its config again.  Only on the live host: under
 * --root the config belongs to a captured tree, not to this irqbalance.
 * Return: 0 with @note saying what happened, or negative errno.
 */
static int irqbalance_restart(const struct nt_root *root, const char **note,
			      struct nt_err *err)
{
	char *argv[] = { "systemctl", "restart", "irqbalance", NULL };
	int ret, status;

	if (!root->live) {
		*note = "not restarted: the root is not the live host";
		return 0;
	}
	/* by absolute path, with a minimal environment (sys/spawn.h) */
	ret = nt_spawn_run(argv, &status, err);
	if (ret == -ENOENT) {
		*note = "not restarted: no systemctl here, restart irqbalance yourself";
		return 0;
	}
	if (ret)
		return ret;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return nt_err_set(err, EIO,
				  "irqbalance: \"systemctl restart irqbalance\" failed (status %d); see journalctl -u irqbalance",
				  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	*note = "restarted";
	return 0;
}

static int ban_apply(struct txn *t, struct nt_err *err)
{
	static const struct nt_change note_change = {
		.knob = "irqbalance", .subject = "irqbalance",
		.target = "banned",
	};
	char status[4400], shown_path[4200];
	const char *note = "";
	int ret;

	ret = config_write(t->root, t->ban_text, err);
	if (ret)
		return ret;
	t->banned = true;
	ret = irqbalance_restart(t->root, &note, err);
	if (ret)
		return ret;
	config_shown(t->root, shown_path, sizeof(shown_path));
	snprintf(status, sizeof(status), "applied: our IRQs banned in %s; %s",
		 shown_path, note);
	progress(t, &note_change, status);
	return 0;
}

/* Puts the config back as the journal saw it; idempotent too. */
static int config_restore(const struct nt_root *root,
			  const struct nt_journal *j, struct nt_err *err)
{
	char shown_path[4200], *now = NULL;
	const char *note;
	bool same;
	int ret;

	config_shown(root, shown_path, sizeof(shown_path));
	ret = nt_root_read_file(root, IRQBALANCE_CONFIG, &now, NULL);
	if (ret && ret != -ENOENT)
		return nt_err_set(err, ret, "%s: cannot read: %s", shown_path,
				  strerror(-ret));
	same = j->irqbalance_created ? ret == -ENOENT :
	       !ret && !strcmp(now, j->irqbalance_config);
	free(now);
	if (same)
		return 0;
	if (!j->irqbalance_created)
		ret = config_write(root, j->irqbalance_config, err);
	else if (unlinkat(root->dirfd, IRQBALANCE_CONFIG + 1, 0))
		ret = nt_err_set(err, errno, "%s: cannot remove: %s",
				 shown_path, strerror(errno));
	else
		ret = 0;
	return ret ? ret : irqbalance_restart(root, &note, err);
}

/* ---- the transaction ---- */

/* The work plan is @plan with a copy of its changes that may grow. */
static int txn_init(struct txn *t, const struct nt_plan *plan,
		    struct nt_err *err)
{
	size_t n = plan->n ? plan->n : 1;

	t->work = *plan;
	t->work.v = calloc(n, sizeof(*t->work.v));
	t->plan = &t->work;
	t->act = calloc(n, sizeof(*t->act));
	t->plan_idx = calloc(n, sizeof(*t->plan_idx));
	t->j.v = calloc(n, sizeof(*t->j.v));
	if (!t->work.v || !t->act || !t->plan_idx || !t->j.v)
		return nt_err_set(err, ENOMEM, "apply: out of memory");
	memcpy(t->work.v, plan->v, plan->n * sizeof(*plan->v));
	t->j_cap = n;
	return 0;
}

/* Room for @more journal entries beyond the plan's changes. */
static int txn_reserve(struct txn *t, size_t more, struct nt_err *err)
{
	size_t n = t->j.n + more;
	void *v;

	if (n <= t->j_cap)
		return 0;
	v = realloc(t->plan_idx, n * sizeof(*t->plan_idx));
	if (v)
		t->plan_idx = v;
	v = v ? realloc(t->j.v, n * sizeof(*t->j.v)) : NULL;
	if (!v)
		return nt_err_set(err, ENOMEM, "apply: out of memory");
	t->j.v = v;
	memset(t->j.v + t->j.n, 0, (n - t->j.n) * sizeof(*t->j.v));
	t->j_cap = n;
	return 0;
}

/* Room for @more changes after the plan's: zeroed, also in the journal. */

static int txn_grow(struct txn *t, size_t more, struct nt_err *err)
{
	size_t n = t->work.n + more;
	void *v;

	if (!more)
		return 0;
	v = realloc(t->work.v, n * sizeof(*t->work.v));
	if (v)
		t->work.v = v;
	v = v ? realloc(t->act, n * sizeof(*t->act)) : NULL;
	if (!v)
		return nt_err_set(err, ENOMEM, "apply: out of memory");
	t->act = v;
	return txn_reserve(t, more, err);
}

static void txn_free(struct txn *t)
{
	free(t->work.v);
	free(t->act);
	free(t->plan_idx);
	free(t->ban_text);
	nt_journal_free(&t->j);
}

static int stale(const struct nt_change *c, const char *live,
		 struct nt_err *err)
{
	return nt_err_set(err, ESTALE,
			  "the host changed since the plan was made: %s %s is %s, the plan expected %s; make a new plan",
			  c->knob, c->subject, live, shown(c->current));
}

static void journal_add(struct txn *t, size_t i, const char *before,
			bool absent)
{
	struct nt_journal_change *jc = &t->j.v[t->j.n];

	jc->c = t->plan->v[i];
	snprintf(jc->c.current, sizeof(jc->c.current), "%s", before);
	jc->absent = absent;
	t->plan_idx[t->j.n++] = i;
}

/*
 * Decides what to do with change @i.  A current value of "" means the
 * planner did not know it (a queue a channel change is yet to create), so
 * there is nothing to compare.
 */
static int classify(struct txn *t, size_t i, struct nt_err *err)
{
	const struct nt_change *c = &t->plan->v[i];
	char live[NT_VALUE_LEN] = "";
	struct nt_err e = { 0 };
	bool absent = false;
	int ret;

	if (!nt_knob_known(c->knob))
		return nt_err_set(err, EINVAL,
				  "change %zu of %zu: unknown knob \"%s\"; make a new plan with this nettune",
				  i + 1, t->plan->n, c->knob);
	if (nt_knob_is_advice(c->knob)) {
		t->act[i] = ACT_ADVICE;
		return 0;
	}
	ret = nt_knob_read(t->root, c, live, sizeof(live), &e);
	/* a subject the plan saw with a value is gone; one it saw empty may be
	 * a queue that an earlier channel change of the plan creates */
	if (ret == -ENOENT && c->current[0])
		return stale(c, "gone", err);
	if (ret == -ENOENT)
		absent = true;
	else if (ret)
		return knob_fail(err, ret, c, &e);
	/* "" is a value too (an empty CPU mask): a mask set since is a change */
	else if (!nt_knob_equal(c->knob, live, c->current))
		return stale(c, shown(live), err);

	if (c->later)
		t->act[i] = ACT_LATER;
	else if (!strcmp(c->knob, "irq.affinity") && t->opts->irqbalance_running &&
	    t->opts->irqbalance == NT_IRQBALANCE_SKIP)
		t->act[i] = ACT_IRQBALANCE;
	else if (!absent && nt_knob_equal(c->knob, live, c->target))
		t->act[i] = ACT_EQUAL;
	else
		t->act[i] = ACT_WRITE;
	if (t->act[i] == ACT_WRITE)
		journal_add(t, i, live, absent);
	/* what the plan value leaves out (a qdisc's parameters), for rollback */
	if (t->act[i] == ACT_WRITE && !absent) {
		ret = nt_knob_read_full(t->root, c, &t->j.v[t->j.n - 1].full,
					&e);
		if (ret)
			return knob_fail(err, ret, c, &e);
	}
	return 0;
}

/* The plan first: a journal whose plan is missing would mislead verify. */
static int begin(struct txn *t, struct nt_err *err)
{
	struct timespec now;
	char path[4096];
	int ret;

	clock_gettime(CLOCK_REALTIME, &now);
	t->j.started_ns = now.tv_sec * NS_PER_SEC + now.tv_nsec;
	ret = nt_journal_new_id(t->state_dir, t->j.started_ns, t->j.id,
				sizeof(t->j.id));
	if (!ret)
		ret = nt_journal_path(t->state_dir, t->j.id, ".plan.json", path,
				      sizeof(path));
	if (ret)
		return nt_err_set(err, ret, "%s: cannot name a journal: %s",
				  t->state_dir, strerror(-ret));
	snprintf(t->result->journal_id, sizeof(t->result->journal_id), "%s",
		 t->j.id);
	snprintf(t->j.profile, sizeof(t->j.profile), "%s", t->plan->profile);
	strcpy(t->j.state, NT_JOURNAL_IN_PROGRESS);
	ret = nt_plan_save(t->plan, path, err);
	if (!ret)
		ret = nt_journal_save(t->state_dir, &t->j, err);
	return ret;
}

static double test_pause(void)
{
	const char *text = getenv("NETTUNE_TEST_PAUSE");
	double secs;
	char *end;

	if (!text || !*text)
		return 0;
	secs = strtod(text, &end);
	return *end || !(secs > 0) || secs > 86400 ? 0 : secs;
}

/*
 * Test-only breakpoints: NETTUNE_TEST_KILL_BEFORE=N / NETTUNE_TEST_KILL_AFTER=N
 * make the process SIGKILL itself right before (the journal holding write
 * N is durable, nothing of it written) or right after (written and read
 * back) the Nth write of the apply, counted from 1 over both phases.
 */
static unsigned long test_kill_at(const char *name)
{
	const char *text = getenv(name);
	unsigned long n;
	char *end;

	if (!text || !*text)
		return 0;
	n = strtoul(text, &end, 10);
	return *end ? 0 : n;
}

static void test_kill(const char *name, size_t nth)
{
	if (test_kill_at(name) == nth)
		raise(SIGKILL);
}

static void pause_for(double secs)
{
	struct timespec ts = {
		.tv_sec = (time_t)secs,
		.tv_nsec = (long)((secs - (time_t)secs) * NS_PER_SEC),
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/*
 * Restores journal entries @n_restore - 1 down to 0; the first @n_done of
 * them completed, the one after (if any) failed half-way and may have
 * changed something all the same.
 */
static int undo(struct txn *t, size_t n_restore, size_t n_done,
		struct nt_err *err)
{
	int first = 0;

	for (size_t k = n_restore; k-- > 0;) {
		const struct nt_journal_change *jc = &t->j.v[k];
		const struct nt_change *c = jc->restore_only ? &jc->c :
					    &t->plan->v[t->plan_idx[k]];
		char status[600];
		struct nt_err e = { 0 };
		bool wrote;
		int ret;

		ret = restore_one(t->root, jc, &wrote, &e);
		if (ret) {
			snprintf(status, sizeof(status), "undo failed: %s",
				 e.msg);
			if (!first)
				first = nt_err_set(err, ret, "%s", e.msg);
		}
		if (ret || (k < n_done && !jc->restore_only))
			progress(t, c, ret ? status : "undone");
	}
	return first;
}

/* After a failure: undo, mark the journal, and say what happened. */
static int fail(struct txn *t, size_t n_restore, size_t n_done, int code,
		const char *why, struct nt_err *err)
{
	struct nt_err e = { 0 };
	int ret;

	ret = undo(t, n_restore, n_done, &e);
	if (t->banned && config_restore(t->root, &t->j, &e) && !ret)
		ret = -e.code;
	strcpy(t->j.state, ret ? NT_JOURNAL_UNDO_FAILED : NT_JOURNAL_UNDONE);
	/*
	 * A journal left in-progress is harmless once the host is restored:
	 * rollback finds nothing to change.  So only the undo's own failure
	 * is worth the words.
	 */
	nt_journal_save(t->state_dir, &t->j, &e);
	if (ret)
		return nt_err_set(err, code,
				  "%s; undoing failed too: %s; fix that, then run nettune rollback %s",
				  why, e.msg, t->j.id);
	return nt_err_set(err, code, "%s", why);
}

static int apply_one(struct txn *t, size_t i, size_t k, struct nt_err *err)
{
	const struct nt_change *c = &t->plan->v[i];
	char why[1024], status[600];
	struct nt_err e = { 0 };
	int ret;

	ret = write_checked(t->root, c, c->target, &e);
	if (!ret) {
		progress(t, c, "applied");
		return 0;
	}
	snprintf(why, sizeof(why), "change %zu of %zu (%s %s -> %s): %s",
		 i + 1, t->plan->n, c->knob, c->subject, shown(c->target),
		 e.msg);
	snprintf(status, sizeof(status), "failed: %s", e.msg);
	progress(t, c, status);
	t->result->failed = i;
	return fail(t, k + 1, k, ret, why, err);
}

/* Changes @from to @to - 1; *@k counts the journal entries done. */
static int write_range(struct txn *t, size_t from, size_t to, size_t *k,
		       struct nt_err *err)
{
	double pause = test_pause();
	int ret;

	for (size_t i = from; i < to; i++) {
		if (t->act[i] == ACT_LATER)
			continue;
		if (t->act[i] != ACT_WRITE) {
			progress(t, &t->plan->v[i], skip_status[t->act[i]]);
			t->result->skipped++;
			continue;
		}
		test_kill("NETTUNE_TEST_KILL_BEFORE", t->result->applied + 1);
		ret = apply_one(t, i, *k, err);
		if (ret)
			return ret;
		(*k)++;
		t->result->applied++;
		test_kill("NETTUNE_TEST_KILL_AFTER", t->result->applied);
		if (pause > 0)
			pause_for(pause);
	}
	return 0;
}

static int collect_live(const struct nt_root *root, const char *const *ifaces,
			struct nt_host *host, void *arg, struct nt_err *err)
{
	struct nt_collect_opts o = {
		.root = root->live ? NULL : root->path, .only = ifaces,
	};

	(void)arg;
	memset(host, 0, sizeof(*host));
	return nt_collect(host, &o, err);
}

/**
 * nt_apply_resolve() - the later intents resolved on the host as it
 * is now (read again with @opts->collect, or nt_collect())
 * Return: 0 or negative errno.
 */
int nt_apply_resolve(const struct nt_root *root, const struct nt_plan *plan,
		       const struct nt_apply_opts *opts, struct nt_plan *out,
		       struct nt_err *err)
{
	const char **ifaces = nt_plan_later_ifaces(plan);
	struct nt_host host;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!ifaces)
		return nt_err_set(err, ENOMEM, "apply: out of memory");
	if (opts && opts->collect)
		ret = opts->collect(root, ifaces, &host, opts->collect_arg, err);
	else
		ret = collect_live(root, ifaces, &host, NULL, err);
	free(ifaces);
	if (ret)
		return ret;
	ret = nt_plan_resolve(plan, &host, out, err);
	nt_host_free(&host);
	return ret;
}

/*
 * The journal's plan as applied: the plan's own changes and the resolved
 * ones, without the previews they replaced, so verify checks the queues
 * the host has now.
 */
static int save_applied_plan(struct txn *t, struct nt_err *err)
{
	struct nt_plan saved = t->work;
	char path[4096];
	size_t n = 0;
	int ret;

	saved.v = calloc(t->work.n + 1, sizeof(*saved.v));
	if (!saved.v)
		return nt_err_set(err, ENOMEM, "apply: out of memory");
	for (size_t i = 0; i < t->work.n; i++)
		if (!t->work.v[i].later)
			saved.v[n++] = t->work.v[i];
	saved.n = n;
	saved.later = NULL;
	saved.n_later = 0;
	ret = nt_journal_path(t->state_dir, t->j.id, ".plan.json", path,
			      sizeof(path));
	ret = ret ? nt_err_set(err, -ret, "%s: path too long", t->state_dir) :
		    nt_plan_save(&saved, path, err);
	free(saved.v);
	return ret;
}

/*
 * Phase two: the channel and ring changes are written; the per-queue
 * intents are resolved on the queues and IRQs the kernel has now,
 * journaled (fsync'ed) like the rest, then written.
 */
static int run_later(struct txn *t, size_t *k, struct nt_err *err)
{
	struct nt_err e = { 0 };
	struct nt_plan res;
	size_t from = t->work.n;
	int ret;

	ret = nt_apply_resolve(t->root, t->plan, t->opts, &res, &e);
	if (!ret)
		ret = txn_grow(t, res.n, &e);
	if (ret) {
		nt_plan_free(&res);
		return fail(t, *k, *k, ret, e.msg, err);
	}
	memcpy(t->work.v + from, res.v, res.n * sizeof(*res.v));
	t->work.n += res.n;
	nt_plan_free(&res);
	for (size_t i = from; !ret && i < t->work.n; i++)
		ret = classify(t, i, &e);
	if (!ret)
		ret = nt_journal_save(t->state_dir, &t->j, &e);
	if (ret)
		return fail(t, *k, *k, ret, e.msg, err);
	ret = write_range(t, from, t->work.n, k, err);
	if (!ret && save_applied_plan(t, &e))
		return fail(t, *k, *k, -e.code, e.msg, err);
	return ret;
}

static int run(struct txn *t, struct nt_err *err)
{
	struct nt_err e = { 0 };
	size_t k = 0;
	int ret;

	if (t->ban_text) {
		ret = ban_apply(t, &e);
		if (ret)
			return fail(t, 0, 0, ret, e.msg, err);
	}
	k = t->n_saved;
	ret = write_range(t, 0, t->work.n, &k, err);
	if (!ret && t->plan->n_later)
		ret = run_later(t, &k, err);
	if (ret)
		return ret;
	strcpy(t->j.state, NT_JOURNAL_APPLIED);
	return nt_journal_save(t->state_dir, &t->j, err);
}

/* The count of @knob on @ifname after the plan; 0 when it has none. */
static unsigned long planned_count(const struct txn *t, const char *knob,
				   const char *ifname)
{
	struct nt_change c = { 0 };
	char live[NT_VALUE_LEN];
	struct nt_err e = { 0 };

	for (size_t i = 0; i < t->plan->n; i++)
		if (!strcmp(t->plan->v[i].knob, knob) &&
		    !strcmp(t->plan->v[i].subject, ifname))
			return strtoul(t->plan->v[i].target, NULL, 10);
	snprintf(c.knob, sizeof(c.knob), "%s", knob);
	snprintf(c.subject, sizeof(c.subject), "%s", ifname);
	if (nt_knob_read(t->root, &c, live, sizeof(live), &e))
		return 0;
	return strtoul(live, NULL, 10);
}

/* Journals @knob of queue "@ifname @dir-@q" as it is, for rollback only. */
static int save_queue_knob(struct txn *t, const char *knob,
			   const char *ifname, const char *dir,
			   unsigned long q, bool *exists, struct nt_err *err)
{
	struct nt_journal_change *jc;
	char live[NT_VALUE_LEN];
	struct nt_err e = { 0 };
	struct nt_change c = { 0 };
	int ret;

	snprintf(c.knob, sizeof(c.knob), "%s", knob);
	*exists = false;
	if (snprintf(c.subject, sizeof(c.subject), "%s %s-%lu", ifname, dir,
		     q) >= (int)sizeof(c.subject))
		return 0;
	ret = nt_knob_read(t->root, &c, live, sizeof(live), &e);
	*exists = ret != -ENOENT;
	if (ret == -ENOENT)
		return 0;
	if (ret)
		return knob_fail(err, ret, &c, &e);
	/* and room for every change of the plan after it */
	ret = txn_reserve(t, 1 + t->plan->n, err);
	if (ret)
		return ret;
	jc = &t->j.v[t->j.n];

	jc->c = c;
	snprintf(jc->c.current, sizeof(jc->c.current), "%s", live);
	snprintf(jc->c.target, sizeof(jc->c.target), "%s", live);
	snprintf(jc->c.reason, sizeof(jc->c.reason),
		 "the queue goes away with the channel change; restored when it is back");
	jc->restore_only = true;
	t->plan_idx[t->j.n++] = SIZE_MAX;
	t->n_saved++;
	return 0;
}

/*
 * The kernel frees the RPS map, flow table and XPS map of a queue that a
 * lower channel count removes, and a queue added back starts empty: the
 * masks of the queues a channel change removes go to the journal first,
 * so rollback, undoing the channel change before them, gives them back.
 */
static int save_vanishing(struct txn *t, const char *ifname,
			  struct nt_err *err)
{
	static const struct {
		const char *dir, *channels, *knobs[2];
	} dirs[] = {
		{ "rx", "channels.rx", { "rps.cpus", "rps.flow_cnt" } },
		{ "tx", "channels.tx", { "xps.cpus", NULL } },
	};
	unsigned long comb = planned_count(t, "channels.combined", ifname);
	int ret = 0;

	for (size_t d = 0; d < 2 && !ret; d++) {
		unsigned long q = comb + planned_count(t, dirs[d].channels,
						       ifname);
		bool exists = true;

		for (; exists && !ret; q++)
			for (size_t k = 0; k < 2 && dirs[d].knobs[k] && !ret;
			     k++)
				ret = save_queue_knob(t, dirs[d].knobs[k],
						      ifname, dirs[d].dir, q,
						      &exists, err);
	}
	return ret;
}

/* Each interface whose channels the plan changes, once. */
static int save_all_vanishing(struct txn *t, struct nt_err *err)
{
	int ret = 0;

	for (size_t i = 0; i < t->plan->n && !ret; i++) {
		const struct nt_change *c = &t->plan->v[i];
		bool seen = false;

		if (strncmp(c->knob, "channels.", 9))
			continue;
		for (size_t k = 0; k < i && !seen; k++)
			seen = !strncmp(t->plan->v[k].knob, "channels.", 9) &&
			       !strcmp(t->plan->v[k].subject, c->subject);
		if (!seen)
			ret = save_vanishing(t, c->subject, err);
	}
	return ret;
}

static int check_plan(struct txn *t, struct nt_err *err)
{
	int ret = save_all_vanishing(t, err);

	for (size_t i = 0; !ret && i < t->plan->n; i++)
		ret = classify(t, i, err);
	if (!ret)
		ret = ban_prepare(t, err);
	return ret;
}

/*
 * An apply that did not finish (killed) left its journal in-progress and
 * the host half-changed: a new apply would journal the half-changed
 * values as its before-values, so it is refused until rollback ran.
 */
static int refuse_unfinished(const char *state_dir, struct nt_err *err)
{
	static const char *const open_states[] = {
		NT_JOURNAL_IN_PROGRESS, NULL,
	};
	struct nt_journal j;
	int ret;

	ret = nt_journal_newest(state_dir, open_states, &j, err);
	if (ret == -ENOENT)
		return 0;
	if (ret)
		return ret;
	ret = nt_err_set(err, EBUSY,
			 "journal %s: an earlier apply did not finish (killed?) and left the host half-changed; run nettune rollback %s, then apply again",
			 j.id, j.id);
	nt_journal_free(&j);
	return ret;
}

/* Is the lock held?  Looks only: creates and writes nothing. */
static int lock_probe(const char *state_dir, struct nt_err *err)
{
	char path[4096];
	int fd;

	if (snprintf(path, sizeof(path), "%s/lock", state_dir) >=
	    (int)sizeof(path))
		return nt_err_set(err, ENAMETOOLONG, "%s: path too long",
				  state_dir);
	fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0)
		return nt_err_set(err, errno, "%s: cannot open the lock: %s",
				  path, strerror(errno));
	if (flock(fd, LOCK_SH | LOCK_NB) && errno == EWOULDBLOCK)
		return lock_busy(fd, err);
	close(fd);
	return 0;
}

int nt_apply_ready(const char *state_dir, struct nt_err *err)
{
	struct stat st;
	int ret;

	state_dir = nt_journal_state_dir(state_dir);
	/* none yet: apply makes it; nothing is created before it runs */
	if (stat(state_dir, &st))
		return errno == ENOENT ? 0 : nt_journal_mkdirs(state_dir, err);
	/* not a directory: its own message, nothing made */
	if (!S_ISDIR(st.st_mode))
		return nt_journal_mkdirs(state_dir, err);
	ret = lock_probe(state_dir, err);
	return ret ? ret : refuse_unfinished(state_dir, err);
}

int nt_apply(const struct nt_root *root, const struct nt_plan *plan,
	     const struct nt_apply_opts *opts, struct nt_apply_result *result,
	     struct nt_err *err)
{
	struct txn t = {
		.root = root, .opts = opts, .result = result,
		.state_dir = nt_journal_state_dir(opts->state_dir),
	};
	int fd, ret;

	memset(result, 0, sizeof(*result));
	result->failed = -1;
	ret = nt_journal_mkdirs(t.state_dir, err);
	if (ret)
		return ret;
	fd = lock_take(t.state_dir, err);
	if (fd < 0)
		return fd;
	ret = refuse_unfinished(t.state_dir, err);
	if (!ret)
		ret = txn_init(&t, plan, err);
	if (!ret)
		ret = check_plan(&t, err);
	if (!ret)
		ret = begin(&t, err);
	if (!ret)
		ret = run(&t, err);
	txn_free(&t);
	close(fd);
	return ret;
}

/* ---- rollback ---- */

static int no_journal(const char *id, struct nt_err *err)
{
	if (id)
		return nt_err_set(err, ENOENT,
				  "%s: no such journal ID (see nettune history)",
				  id);
	return nt_err_set(err, ENOENT, "nothing to roll back");
}

static int pick(const char *state_dir, const char *id, struct nt_journal *j,
		struct nt_err *err)
{
	static const char *const open_states[] = {
		NT_JOURNAL_APPLIED, NT_JOURNAL_IN_PROGRESS,
		NT_JOURNAL_UNDO_FAILED, NULL,
	};
	int ret;

	if (!id) {
		ret = nt_journal_newest(state_dir, open_states, j, err);
		return ret == -ENOENT ? no_journal(NULL, err) : ret;
	}
	ret = nt_journal_load(state_dir, id, j, err);
	if (ret)
		return ret == -ENOENT ? no_journal(id, err) : ret;
	for (size_t i = 0; open_states[i]; i++)
		if (!strcmp(j->state, open_states[i]))
			return 0;
	ret = nt_err_set(err, ENOENT, "%s: nothing to roll back: it is %s",
			 id, j->state);
	nt_journal_free(j);
	return ret;
}

static int restore_all(const struct nt_root *root, struct nt_journal *j,
		       struct nt_apply_result *result, struct nt_err *err)
{
	int first = 0;

	for (size_t i = j->n; i-- > 0;) {
		struct nt_err e = { 0 };
		bool wrote;
		int ret;

		ret = restore_one(root, &j->v[i], &wrote, &e);
		if (ret && !first) {
			first = nt_err_set(err, ret, "%s", e.msg);
			result->failed = i;
		}
		if (!ret && wrote)
			result->applied++;
		else if (!ret)
			result->skipped++;
	}
	if (j->irqbalance_config) {
		int ret = config_restore(root, j, err);

		first = first ? first : ret;
	}
	return first;
}

int nt_rollback(const struct nt_root *root, const char *state_dir,
		const char *id, struct nt_apply_result *result,
		struct nt_err *err)
{
	struct nt_err e = { 0 };
	struct nt_journal j;
	char dir[4096], want[64];
	int fd, ret, sret;

	if (id && !nt_journal_id_valid(id))
		return no_journal(id, err);
	/* @id may well be the journal_id of the @result we clear next. */
	if (id)
		id = strcpy(want, id);
	memset(result, 0, sizeof(*result));
	result->failed = -1;
	state_dir = nt_journal_state_dir(state_dir);
	if (nt_journal_path(state_dir, NULL, "", dir, sizeof(dir)))
		return nt_err_set(err, ENAMETOOLONG, "%s: path too long",
				  state_dir);
	/* Never applied here: say so rather than create the directory. */
	if (access(dir, F_OK) && errno == ENOENT)
		return no_journal(id, err);
	fd = lock_take(state_dir, err);
	if (fd < 0)
		return fd;
	ret = pick(state_dir, id, &j, err);
	if (ret) {
		close(fd);
		return ret;
	}
	snprintf(result->journal_id, sizeof(result->journal_id), "%s", j.id);
	ret = restore_all(root, &j, result, &e);
	strcpy(j.state, ret ? NT_JOURNAL_UNDO_FAILED : NT_JOURNAL_ROLLED_BACK);
	if (ret)
		nt_err_set(err, ret,
			   "%s; the rest is restored, journal %s stays open: fix that and run nettune rollback again",
			   e.msg, j.id);
	sret = nt_journal_save(state_dir, &j, err);
	ret = ret ? ret : sret;
	nt_journal_free(&j);
	close(fd);
	return ret;
}
