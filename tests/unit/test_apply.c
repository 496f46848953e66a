// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The apply transaction, rollback, history and verify, over a fake knob
 * layer: every knob.h function is defined here, one file per knob and
 * subject in a temporary directory, so lib/apply/knob.o is never linked in
 * and nothing touches the host.  Failures are injected per knob, subject
 * and value, as a driver refusing a write or rounding it.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "apply/apply.h"
#include "apply/journal.h"
#include "apply/knob.h"
#include "testlib.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- the fake knob layer ---- */

enum fake_effect {
	FAKE_REFUSE,		/* the write fails */
	FAKE_ROUND,		/* the knob takes @arg instead */
	FAKE_CREATES,		/* the write makes knob @arg on @arg2 */
	FAKE_REMOVES,		/* the write removes it */
};

struct fake_rule {
	char knob[NT_KNOB_LEN];
	char subject[NT_SUBJECT_LEN];
	char value[NT_VALUE_LEN];	/* "" any value */
	enum fake_effect effect;
	const char *arg, *arg2;
};

static struct {
	char dir[4096];
	struct fake_rule rules[6];
	size_t n_rules;
	int writes;
} fake;

static bool fake_matches(const struct fake_rule *r, const struct nt_change *c,
			 const char *value)
{
	return !strcmp(r->knob, c->knob) && !strcmp(r->subject, c->subject) &&
	       (!r->value[0] || !strcmp(r->value, value));
}

static void fake_path(const char *knob, const char *subject, char *buf,
		      size_t size)
{
	char *p;

	snprintf(buf, size, "%s/%s=%s", fake.dir, knob, subject);
	for (p = buf + strlen(fake.dir); *p; p++)
		if (*p == ' ')
			*p = '_';
}

bool nt_knob_is_advice(const char *knob)
{
	return !strncmp(knob, "app.", 4);
}

bool nt_knob_known(const char *knob)
{
	static const char *const known[] = {
		"sysctl", "rings.rx", "rings.tx", "channels.rx",
		"channels.tx", "channels.combined", "channels.other",
		"irq.affinity", "rps.cpus", "rps.flow_cnt", "xps.cpus",
		"txqlen", "qdisc",
	};

	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (!strcmp(knob, known[i]))
			return true;
	return nt_knob_is_advice(knob);
}

int nt_knob_read(const struct nt_root *root, const struct nt_change *c,
		 char *value, size_t size, struct nt_err *err)
{
	char path[4200];
	FILE *f;

	(void)root;
	(void)err;
	fake_path(c->knob, c->subject, path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return -errno;
	if (!fgets(value, size, f))
		value[0] = '\0';
	fclose(f);
	value[strcspn(value, "\n")] = '\0';
	return 0;
}

static void set_knob(const char *knob, const char *subject, const char *value)
{
	char path[4200];
	FILE *f;

	fake_path(knob, subject, path, sizeof(path));
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", value);
	fclose(f);
}

static void remove_knob(const char *knob, const char *subject)
{
	char path[4200];

	fake_path(knob, subject, path, sizeof(path));
	assert_int_equal(unlink(path), 0);
}

/* What the driver does besides storing the value. */
static int fake_effects(const struct nt_change *c, const char **value,
			struct nt_err *err)
{
	for (size_t i = 0; i < fake.n_rules; i++) {
		const struct fake_rule *r = &fake.rules[i];

		if (!fake_matches(r, c, *value))
			continue;
		if (r->effect == FAKE_REFUSE)
			return nt_err_set(err, EINVAL,
					  "%s: kernel: value %s out of range",
					  c->subject, *value);
		if (r->effect == FAKE_ROUND)
			*value = r->arg;
		else if (r->effect == FAKE_CREATES)
			set_knob(r->arg, r->arg2, "");
		else
			remove_knob(r->arg, r->arg2);
	}
	return 0;
}

int nt_knob_write(const struct nt_root *root, const struct nt_change *c,
		  const char *value, struct nt_err *err)
{
	char path[4200];
	FILE *f;
	int ret;

	(void)root;
	fake.writes++;
	fake_path(c->knob, c->subject, path, sizeof(path));
	if (access(path, F_OK))
		return -ENOENT;	/* sysfs files are never created */
	ret = fake_effects(c, &value, err);
	if (ret)
		return ret;
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "%s\n", value);
	fclose(f);
	return 0;
}

bool nt_knob_equal(const char *knob, const char *a, const char *b)
{
	(void)knob;
	return !strcmp(a, b);
}

/* The fake knobs are their plan value and nothing more. */
int nt_knob_read_full(const struct nt_root *root, const struct nt_change *c,
		      char **full, struct nt_err *err)
{
	(void)root;
	(void)c;
	(void)err;
	*full = NULL;
	return 0;
}

int nt_knob_restore_full(const struct nt_root *root,
			 const struct nt_change *c, const char *full,
			 bool *wrote, struct nt_err *err)
{
	(void)root;
	(void)c;
	(void)full;
	(void)err;
	*wrote = false;
	return 0;
}

static void fake_rule(enum fake_effect effect, const char *knob,
		      const char *subject, const char *value, const char *arg,
		      const char *arg2)
{
	struct fake_rule *r = &fake.rules[fake.n_rules++];

	assert_true(fake.n_rules <= ARRAY_SIZE(fake.rules));
	snprintf(r->knob, sizeof(r->knob), "%s", knob);
	snprintf(r->subject, sizeof(r->subject), "%s", subject);
	snprintf(r->value, sizeof(r->value), "%s", value ? value : "");
	r->effect = effect;
	r->arg = arg;
	r->arg2 = arg2;
}

static void fake_fail(const char *knob, const char *subject,
		      const char *value)
{
	fake_rule(FAKE_REFUSE, knob, subject, value, NULL, NULL);
}

/* The live value, or "(gone)". */
static const char *live(const char *knob, const char *subject)
{
	static char value[NT_VALUE_LEN];
	struct nt_change c = { 0 };

	snprintf(c.knob, sizeof(c.knob), "%s", knob);
	snprintf(c.subject, sizeof(c.subject), "%s", subject);
	if (nt_knob_read(NULL, &c, value, sizeof(value), NULL))
		strcpy(value, "(gone)");
	return value;
}

/* ---- a test's world: knobs, state directory, root ---- */

struct world {
	char base[64];
	char state[128];
	char rootdir[128];
	struct nt_root root;
	struct nt_plan plan;
	struct nt_apply_opts opts;
	struct nt_apply_result result;
	struct nt_err err;
	char progress[16][160];
	size_t n_progress;
};

static void record(const struct nt_change *c, const char *status, void *arg)
{
	struct world *w = arg;

	if (w->n_progress < ARRAY_SIZE(w->progress))
		snprintf(w->progress[w->n_progress++], sizeof(w->progress[0]),
			 "%s %s: %s", c->knob, c->subject, status);
}

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	char dir[256];

	assert_non_null(w);
	strcpy(w->base, "/tmp/nt-test-apply-XXXXXX");
	assert_non_null(mkdtemp(w->base));
	snprintf(fake.dir, sizeof(fake.dir), "%s/knobs", w->base);
	snprintf(w->state, sizeof(w->state), "%s/state", w->base);
	snprintf(w->rootdir, sizeof(w->rootdir), "%s/root", w->base);
	assert_int_equal(mkdir(fake.dir, 0700), 0);
	assert_int_equal(mkdir(w->rootdir, 0700), 0);
	snprintf(dir, sizeof(dir), "%s/etc", w->rootdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(dir, sizeof(dir), "%s/etc/default", w->rootdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(nt_root_open(&w->root, w->rootdir, NULL), 0);
	fake.n_rules = 0;
	fake.writes = 0;
	w->opts.state_dir = w->state;
	w->opts.progress = record;
	w->opts.arg = w;
	snprintf(w->plan.profile, sizeof(w->plan.profile), "throughput");
	unsetenv("NETTUNE_TEST_PAUSE");
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	nt_root_close(&w->root);
	nt_plan_free(&w->plan);
	tree_remove(w->base);
	free(w);
	return 0;
}

/* Adds a change to the plan and gives the host its current value. */
static void change(struct world *w, const char *knob, const char *subject,
		   const char *current, const char *target)
{
	struct nt_plan *p = &w->plan;
	struct nt_change *c;

	p->v = realloc(p->v, (p->n + 1) * sizeof(*p->v));
	assert_non_null(p->v);
	c = memset(&p->v[p->n++], 0, sizeof(*c));
	snprintf(c->knob, sizeof(c->knob), "%s", knob);
	snprintf(c->subject, sizeof(c->subject), "%s", subject);
	snprintf(c->current, sizeof(c->current), "%s", current);
	snprintf(c->target, sizeof(c->target), "%s", target);
	snprintf(c->reason, sizeof(c->reason), "test");
	if (!nt_knob_is_advice(knob) && current)
		set_knob(knob, subject, current);
}

/* Five changes; the third is the one tests make fail. */
static void five_changes(struct world *w)
{
	change(w, "sysctl", "net.core.somaxconn", "4096", "8192");
	change(w, "rings.rx", "eth0", "256", "4096");
	change(w, "channels.combined", "eth0", "8", "64");
	change(w, "rps.cpus", "eth0 rx-0", "", "0-3");
	change(w, "txqlen", "eth0", "1000", "10000");
}

static int apply(struct world *w)
{
	nt_err_clear(&w->err);
	w->n_progress = 0;
	return nt_apply(&w->root, &w->plan, &w->opts, &w->result, &w->err);
}

static int rollback(struct world *w, const char *id)
{
	nt_err_clear(&w->err);
	return nt_rollback(&w->root, w->state, id, &w->result, &w->err);
}

static struct json_object *journal_json(struct world *w, const char *id)
{
	char path[512];
	struct json_object *obj;

	snprintf(path, sizeof(path), "%s/journal/%s.json", w->state, id);
	obj = json_object_from_file(path);
	if (!obj)
		fail_msg("%s: cannot read the journal", path);
	return obj;
}

static const char *journal_state(struct world *w, const char *id)
{
	static char state[32];
	struct json_object *obj = journal_json(w, id), *val;

	assert_true(json_object_object_get_ex(obj, "state", &val));
	snprintf(state, sizeof(state), "%s", json_object_get_string(val));
	json_object_put(obj);
	return state;
}

static void assert_contains(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("\"%s\" does not contain \"%s\"", text, part);
}

static char *read_text(const char *path)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	assert_true(getdelim(&text, &size, '\0', f) >= 0);
	fclose(f);
	return text;
}

static size_t count_history(struct world *w)
{
	struct nt_journal_info *v;
	size_t n;

	assert_int_equal(nt_history(w->state, &v, &n, &w->err), 0);
	free(v);
	return n;
}

/* ---- apply ---- */

static void test_apply_all(void **state)
{
	struct world *w = *state;
	struct json_object *obj, *changes, *c, *val;
	char path[512];

	five_changes(w);
	assert_int_equal(apply(w), 0);
	assert_int_equal(w->result.applied, 5);
	assert_int_equal(w->result.skipped, 0);
	assert_int_equal(w->result.failed, -1);
	assert_string_equal(live("sysctl", "net.core.somaxconn"), "8192");
	assert_string_equal(live("channels.combined", "eth0"), "64");
	assert_string_equal(live("rps.cpus", "eth0 rx-0"), "0-3");
	assert_string_equal(live("txqlen", "eth0"), "10000");
	assert_int_equal(w->n_progress, 5);
	assert_string_equal(w->progress[2], "channels.combined eth0: applied");

	/* "YYYYmmddTHHMMSSZ-PID" */
	assert_true(strlen(w->result.journal_id) >= 18);
	assert_int_equal(w->result.journal_id[8], 'T');
	assert_int_equal(w->result.journal_id[15], 'Z');
	assert_int_equal(w->result.journal_id[16], '-');
	assert_string_equal(journal_state(w, w->result.journal_id), "applied");

	obj = journal_json(w, w->result.journal_id);
	assert_true(json_object_object_get_ex(obj, "nettune_journal", &val));
	assert_int_equal(json_object_get_int(val), 1);
	assert_true(json_object_object_get_ex(obj, "profile", &val));
	assert_string_equal(json_object_get_string(val), "throughput");
	assert_true(json_object_object_get_ex(obj, "irqbalance_config", &val));
	assert_null(val);
	assert_true(json_object_object_get_ex(obj, "changes", &changes));
	assert_int_equal(json_object_array_length(changes), 5);
	c = json_object_array_get_idx(changes, 1);
	assert_true(json_object_object_get_ex(c, "before", &val));
	assert_string_equal(json_object_get_string(val), "256");
	assert_true(json_object_object_get_ex(c, "target", &val));
	assert_string_equal(json_object_get_string(val), "4096");
	json_object_put(obj);

	snprintf(path, sizeof(path), "%s/journal/%s.plan.json", w->state,
		 w->result.journal_id);
	assert_int_equal(access(path, F_OK), 0);
}

static void test_apply_failure_undoes(void **state)
{
	struct world *w = *state;

	five_changes(w);
	fake_fail("channels.combined", "eth0", NULL);
	assert_int_equal(apply(w), -EINVAL);
	assert_string_equal(w->err.msg,
			    "change 3 of 5 (channels.combined eth0 -> 64): eth0: kernel: value 64 out of range");
	assert_int_equal(w->result.failed, 2);
	/* the first two undone, the rest never touched */
	assert_string_equal(live("sysctl", "net.core.somaxconn"), "4096");
	assert_string_equal(live("rings.rx", "eth0"), "256");
	assert_string_equal(live("channels.combined", "eth0"), "8");
	assert_string_equal(live("rps.cpus", "eth0 rx-0"), "");
	assert_string_equal(live("txqlen", "eth0"), "1000");
	assert_string_equal(journal_state(w, w->result.journal_id), "undone");

	assert_int_equal(w->n_progress, 5);
	assert_string_equal(w->progress[1], "rings.rx eth0: applied");
	assert_string_equal(w->progress[2],
			    "channels.combined eth0: failed: eth0: kernel: value 64 out of range");
	/* newest first */
	assert_string_equal(w->progress[3], "rings.rx eth0: undone");
	assert_string_equal(w->progress[4], "sysctl net.core.somaxconn: undone");
}

static void test_apply_readback_mismatch(void **state)
{
	struct world *w = *state;

	five_changes(w);
	/* the driver rounds: asked for 64 channels, it gives 32 */
	fake_rule(FAKE_ROUND, "channels.combined", "eth0", "64", "32", NULL);
	assert_int_equal(apply(w), -EIO);
	assert_string_equal(w->err.msg,
			    "change 3 of 5 (channels.combined eth0 -> 64): channels.combined eth0: wrote 64, reads back 32");
	/* the half-done change is put back too */
	assert_string_equal(live("channels.combined", "eth0"), "8");
	assert_string_equal(live("rings.rx", "eth0"), "256");
	assert_string_equal(journal_state(w, w->result.journal_id), "undone");
}

static void test_apply_undo_fails(void **state)
{
	struct world *w = *state;
	char id[64];

	five_changes(w);
	fake_fail("channels.combined", "eth0", NULL);
	fake_fail("sysctl", "net.core.somaxconn", "4096");
	assert_int_equal(apply(w), -EINVAL);
	assert_contains(w->err.msg,
			"change 3 of 5 (channels.combined eth0 -> 64): eth0: kernel: value 64 out of range; undoing failed too: net.core.somaxconn: kernel: value 4096 out of range");
	assert_contains(w->err.msg, "nettune rollback");
	/* what could be undone was */
	assert_string_equal(live("rings.rx", "eth0"), "256");
	assert_string_equal(live("sysctl", "net.core.somaxconn"), "8192");
	snprintf(id, sizeof(id), "%s", w->result.journal_id);
	assert_string_equal(journal_state(w, id), "undo-failed");

	/* once the cause is gone, rollback finishes the job */
	fake.n_rules = 0;
	assert_int_equal(rollback(w, NULL), 0);
	assert_string_equal(w->result.journal_id, id);
	assert_string_equal(live("sysctl", "net.core.somaxconn"), "4096");
	assert_string_equal(journal_state(w, id), "rolled-back");
}

static void test_apply_stale(void **state)
{
	struct world *w = *state;

	five_changes(w);
	set_knob("txqlen", "eth0", "5000");
	assert_int_equal(apply(w), -ESTALE);
	assert_string_equal(w->err.msg,
			    "the host changed since the plan was made: txqlen eth0 is 5000, the plan expected 1000; make a new plan");
	assert_int_equal(fake.writes, 0);
	assert_int_equal(w->n_progress, 0);
	assert_int_equal(count_history(w), 0);
	assert_string_equal(live("sysctl", "net.core.somaxconn"), "4096");
}

static void test_apply_stale_gone(void **state)
{
	struct world *w = *state;
	char path[4200];

	five_changes(w);
	fake_path("rings.rx", "eth0", path, sizeof(path));
	assert_int_equal(unlink(path), 0);
	assert_int_equal(apply(w), -ESTALE);
	assert_contains(w->err.msg, "rings.rx eth0 is gone, the plan expected 256");
	assert_int_equal(fake.writes, 0);
}

/*
 * A subject the plan does not know yet ("") may be missing: an earlier
 * change creates it, as a channel change makes queues.  Rollback leaves it
 * alone and undoing the channel change removes it.
 */
static void test_apply_created_subject(void **state)
{
	struct world *w = *state;
	struct nt_journal j;

	change(w, "channels.combined", "eth0", "1", "2");
	change(w, "rps.cpus", "eth0 rx-1", "", "2-3");
	remove_knob("rps.cpus", "eth0 rx-1");
	fake_rule(FAKE_CREATES, "channels.combined", "eth0", "2", "rps.cpus",
		  "eth0 rx-1");
	fake_rule(FAKE_REMOVES, "channels.combined", "eth0", "1", "rps.cpus",
		  "eth0 rx-1");
	assert_int_equal(apply(w), 0);
	assert_int_equal(w->result.applied, 2);
	assert_string_equal(live("rps.cpus", "eth0 rx-1"), "2-3");
	assert_int_equal(nt_journal_load(w->state, w->result.journal_id, &j,
					 &w->err), 0);
	assert_int_equal(j.n, 2);
	assert_false(j.v[0].absent);
	assert_true(j.v[1].absent);
	nt_journal_free(&j);

	assert_int_equal(rollback(w, NULL), 0);
	assert_string_equal(live("channels.combined", "eth0"), "1");
	assert_string_equal(live("rps.cpus", "eth0 rx-1"), "(gone)");
	/* by its ID (the very buffer the result is cleared in) */
	assert_int_equal(rollback(w, w->result.journal_id), -ENOENT);
	assert_contains(w->err.msg, ": nothing to roll back: it is rolled-back");
}

/* The host after the channel change: eth0 with @n rx queues. */
static int fake_collect(const struct nt_root *root, const char *const *ifaces,
			struct nt_host *host, void *arg, struct nt_err *err)
{
	uint32_t n = *(uint32_t *)arg;
	struct nt_iface *ifc;

	(void)root;
	(void)err;
	assert_string_equal(ifaces[0], "eth0");
	assert_null(ifaces[1]);
	memset(host, 0, sizeof(*host));
	host->ifaces = ifc = calloc(1, sizeof(*ifc));
	assert_non_null(ifc);
	host->n_ifaces = 1;
	snprintf(ifc->name, sizeof(ifc->name), "eth0");
	ifc->is_virtual = true;
	ifc->rxq = calloc(n, sizeof(*ifc->rxq));
	assert_non_null(ifc->rxq);
	ifc->n_rxq = n;
	for (uint32_t i = 0; i < n; i++) {
		ifc->rxq[i].index = i;
		ifc->rxq[i].rps_state = NT_STATE_OK;
	}
	return 0;
}

/*
 * Two phases: the preview of rx-0 is not written as such; after the
 * channel change the intent is resolved on the two queues there are now,
 * journaled with the rest, written, and the journal's plan holds them.
 */
static void test_apply_later(void **state)
{
	struct world *w = *state;
	struct nt_plan applied;
	struct nt_journal j;
	uint32_t queues = 2;

	change(w, "channels.rx", "eth0", "1", "2");
	change(w, "rps.cpus", "eth0 rx-0", "", "1");
	w->plan.v[1].later = true;
	w->plan.later = calloc(1, sizeof(*w->plan.later));
	assert_non_null(w->plan.later);
	w->plan.n_later = 1;
	snprintf(w->plan.later[0].iface, sizeof(w->plan.later[0].iface), "eth0");
	snprintf(w->plan.later[0].e.section, sizeof(w->plan.later[0].e.section), "rps");
	snprintf(w->plan.later[0].e.key, sizeof(w->plan.later[0].e.key), "cpus");
	snprintf(w->plan.later[0].e.match, sizeof(w->plan.later[0].e.match), "eth0");
	snprintf(w->plan.later[0].e.value, sizeof(w->plan.later[0].e.value), "1");
	snprintf(w->plan.later[0].e.file, sizeof(w->plan.later[0].e.file), "t.conf");
	fake_rule(FAKE_CREATES, "channels.rx", "eth0", "2", "rps.cpus",
		  "eth0 rx-1");
	fake_rule(FAKE_REMOVES, "channels.rx", "eth0", "1", "rps.cpus",
		  "eth0 rx-1");
	w->opts.collect = fake_collect;
	w->opts.collect_arg = &queues;
	assert_int_equal(apply(w), 0);
	assert_int_equal(w->result.applied, 3);
	assert_string_equal(live("rps.cpus", "eth0 rx-0"), "1");
	assert_string_equal(live("rps.cpus", "eth0 rx-1"), "1");
	assert_int_equal(nt_journal_load(w->state, w->result.journal_id, &j,
					 &w->err), 0);
	assert_int_equal(j.n, 3);
	assert_string_equal(j.v[2].c.subject, "eth0 rx-1");
	nt_journal_free(&j);
	assert_int_equal(nt_last_plan(w->state, &applied, &w->err), 0);
	assert_int_equal(applied.n, 3);
	assert_int_equal(applied.n_later, 0);
	for (size_t i = 0; i < applied.n; i++)
		assert_false(applied.v[i].later);
	nt_plan_free(&applied);

	assert_int_equal(rollback(w, NULL), 0);
	assert_string_equal(live("channels.rx", "eth0"), "1");
	assert_string_equal(live("rps.cpus", "eth0 rx-0"), "");
	assert_string_equal(live("rps.cpus", "eth0 rx-1"), "(gone)");
}

static void test_apply_busy(void **state)
{
	struct world *w = *state;
	char path[512];
	int fd;

	five_changes(w);
	assert_int_equal(mkdir(w->state, 0700), 0);
	snprintf(path, sizeof(path), "%s/lock", w->state);
	fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
	assert_int_equal(write(fd, "4242\n", 5), 5);

	assert_int_equal(apply(w), -EBUSY);
	assert_contains(w->err.msg, "another apply is running (pid 4242)");
	assert_int_equal(fake.writes, 0);
	assert_int_equal(rollback(w, NULL), -EBUSY);

	/* the lock goes with its holder */
	close(fd);
	assert_int_equal(apply(w), 0);
	assert_int_equal(w->result.applied, 5);
}

static void test_apply_advice_skipped(void **state)
{
	struct world *w = *state;
	struct nt_journal j;

	change(w, "app.listen_backlog", "tcp :8080", "128", "4096");
	change(w, "sysctl", "net.core.somaxconn", "4096", "8192");
	change(w, "rings.tx", "eth0", "512", "512");
	assert_int_equal(apply(w), 0);
	assert_int_equal(w->result.applied, 1);
	assert_int_equal(w->result.skipped, 2);
	assert_string_equal(w->progress[0],
			    "app.listen_backlog tcp :8080: skipped: advice for the application");
	assert_string_equal(w->progress[2],
			    "rings.tx eth0: skipped: already set");
	/* the journal holds what was written, nothing else */
	assert_int_equal(nt_journal_load(w->state, w->result.journal_id, &j,
					 &w->err), 0);
	assert_int_equal(j.n, 1);
	assert_string_equal(j.v[0].c.knob, "sysctl");
	assert_string_equal(j.v[0].c.current, "4096");
	nt_journal_free(&j);
}

static void test_apply_unknown_knob(void **state)
{
	struct world *w = *state;

	change(w, "sysctl", "net.core.somaxconn", "4096", "8192");
	change(w, "irqbalance", "irqbalance", "running", "stopped");
	assert_int_equal(apply(w), -EINVAL);
	assert_contains(w->err.msg, "change 2 of 2: unknown knob \"irqbalance\"");
	assert_int_equal(fake.writes, 0);
}

static void irq_changes(struct world *w)
{
	change(w, "sysctl", "net.core.somaxconn", "4096", "8192");
	change(w, "irq.affinity", "eth0 irq 38", "0-7", "0");
	change(w, "irq.affinity", "eth0 irq 39", "0-7", "1");
}

static void test_irqbalance_skip(void **state)
{
	struct world *w = *state;

	irq_changes(w);
	w->opts.irqbalance_running = true;
	w->opts.irqbalance = NT_IRQBALANCE_SKIP;
	assert_int_equal(apply(w), 0);
	assert_int_equal(w->result.applied, 1);
	assert_int_equal(w->result.skipped, 2);
	assert_string_equal(w->progress[1],
			    "irq.affinity eth0 irq 38: skipped: irqbalance runs and would overwrite it (use --irqbalance=ignore or ban)");
	assert_string_equal(live("irq.affinity", "eth0 irq 38"), "0-7");
}

static void test_irqbalance_ignore(void **state)
{
	struct world *w = *state;

	irq_changes(w);
	w->opts.irqbalance_running = true;
	w->opts.irqbalance = NT_IRQBALANCE_IGNORE;
	assert_int_equal(apply(w), 0);
	assert_int_equal(w->result.applied, 3);
	assert_string_equal(live("irq.affinity", "eth0 irq 39"), "1");
}

static const char debian_default[] =
	"# irqbalance is a daemon process that distributes interrupts\n"
	"#IRQBALANCE_ONESHOT=\n"
	"IRQBALANCE_ARGS=\"--policyscript=/x --banirq=39\"\n"
	"#IRQBALANCE_BANNED_CPULIST=\n";

static void test_irqbalance_ban(void **state)
{
	struct world *w = *state;
	struct json_object *obj, *val;
	char path[512], *text;
	FILE *f;

	snprintf(path, sizeof(path), "%s/etc/default/irqbalance", w->rootdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(debian_default, f);
	fclose(f);
	irq_changes(w);
	w->opts.irqbalance_running = true;
	w->opts.irqbalance = NT_IRQBALANCE_BAN;
	assert_int_equal(apply(w), 0);
	assert_int_equal(w->result.applied, 3);
	text = read_text(path);
	assert_non_null(text);
	assert_string_equal(text,
			    "# irqbalance is a daemon process that distributes interrupts\n"
			    "#IRQBALANCE_ONESHOT=\n"
			    "IRQBALANCE_ARGS=\"--policyscript=/x --banirq=39 --banirq=38\"\n"
			    "#IRQBALANCE_BANNED_CPULIST=\n");
	free(text);
	assert_contains(w->progress[0],
			"irqbalance irqbalance: applied: our IRQs banned in /");
	assert_contains(w->progress[0],
			"/etc/default/irqbalance; not restarted: the root is not the live host");
	obj = journal_json(w, w->result.journal_id);
	assert_true(json_object_object_get_ex(obj, "irqbalance_config", &val));
	assert_string_equal(json_object_get_string(val), debian_default);
	json_object_put(obj);

	assert_int_equal(rollback(w, NULL), 0);
	text = read_text(path);
	assert_string_equal(text, debian_default);
	free(text);
	assert_string_equal(live("irq.affinity", "eth0 irq 38"), "0-7");
}

static void test_irqbalance_ban_creates(void **state)
{
	struct world *w = *state;
	char path[512], *text;

	snprintf(path, sizeof(path), "%s/etc/default/irqbalance", w->rootdir);
	irq_changes(w);
	w->opts.irqbalance_running = true;
	w->opts.irqbalance = NT_IRQBALANCE_BAN;
	assert_int_equal(apply(w), 0);
	text = read_text(path);
	assert_non_null(text);
	assert_contains(text, "IRQBALANCE_ARGS=\"--banirq=38 --banirq=39\"\n");
	free(text);
	assert_contains(w->progress[0], "not restarted");

	assert_int_equal(rollback(w, NULL), 0);
	assert_int_equal(access(path, F_OK), -1);
}

static void test_apply_state_dir_fails(void **state)
{
	struct world *w = *state;

	five_changes(w);
	w->opts.state_dir = "/proc/nettune-cannot-be/here";
	assert_true(apply(w) < 0);
	assert_contains(w->err.msg, "/proc/nettune-cannot-be/here");
	assert_int_equal(fake.writes, 0);
}

static void test_apply_test_pause(void **state)
{
	struct world *w = *state;
	struct timespec t0, t1;
	double took;

	change(w, "sysctl", "net.core.somaxconn", "4096", "8192");
	change(w, "rings.rx", "eth0", "256", "4096");
	setenv("NETTUNE_TEST_PAUSE", "0.05", 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(apply(w), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	unsetenv("NETTUNE_TEST_PAUSE");
	took = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(took >= 0.1);
}

/* ---- rollback ---- */

static void four_changes(struct world *w)
{
	change(w, "sysctl", "net.core.somaxconn", "4096", "8192");
	change(w, "rings.rx", "eth0", "256", "4096");
	change(w, "channels.combined", "eth0", "8", "64");
	change(w, "txqlen", "eth0", "1000", "10000");
}

static void assert_four_before(void)
{
	assert_string_equal(live("sysctl", "net.core.somaxconn"), "4096");
	assert_string_equal(live("rings.rx", "eth0"), "256");
	assert_string_equal(live("channels.combined", "eth0"), "8");
	assert_string_equal(live("txqlen", "eth0"), "1000");
}

/* In the child: tell the parent about each applied change. */
static void tell(const struct nt_change *c, const char *status, void *arg)
{
	int fd = *(int *)arg;

	(void)c;
	if (!strcmp(status, "applied") && write(fd, "a", 1) != 1)
		_exit(3);
}

static void test_rollback_after_kill(void **state)
{
	struct world *w = *state;
	struct nt_journal_info *h;
	int pipefd[2], status;
	char buf[2];
	size_t n;
	pid_t pid;

	four_changes(w);
	assert_int_equal(pipe(pipefd), 0);
	setenv("NETTUNE_TEST_PAUSE", "0.5", 1);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pipefd[0]);
		w->opts.progress = tell;
		w->opts.arg = &pipefd[1];
		nt_apply(&w->root, &w->plan, &w->opts, &w->result, &w->err);
		_exit(0);
	}
	unsetenv("NETTUNE_TEST_PAUSE");
	close(pipefd[1]);
	/* the child sleeps after its second change: kill it there */
	assert_int_equal(read(pipefd[0], buf, 1), 1);
	assert_int_equal(read(pipefd[0], buf, 1), 1);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(pipefd[0]);
	assert_true(WIFSIGNALED(status));
	assert_string_equal(live("rings.rx", "eth0"), "4096");
	assert_string_equal(live("channels.combined", "eth0"), "8");

	assert_int_equal(nt_history(w->state, &h, &n, &w->err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(h[0].state, "in-progress");
	free(h);

	/* the dead child's lock went with it */
	assert_int_equal(rollback(w, NULL), 0);
	assert_int_equal(w->result.applied, 2);
	assert_int_equal(w->result.skipped, 2);
	assert_four_before();
	assert_string_equal(journal_state(w, w->result.journal_id),
			    "rolled-back");
}

/* A journal as a kill leaves it: in-progress, 2 of 4 written. */
static void write_killed_journal(struct world *w, const char *id)
{
	struct nt_journal j = { 0 };

	snprintf(j.id, sizeof(j.id), "%s", id);
	strcpy(j.profile, "throughput");
	strcpy(j.state, "in-progress");
	j.started_ns = 1700000000LL * 1000000000LL;
	j.n = w->plan.n;
	j.v = calloc(j.n, sizeof(*j.v));
	assert_non_null(j.v);
	for (size_t i = 0; i < j.n; i++)
		j.v[i].c = w->plan.v[i];
	assert_int_equal(nt_journal_mkdirs(w->state, &w->err), 0);
	assert_int_equal(nt_journal_save(w->state, &j, &w->err), 0);
	free(j.v);
}

static void test_rollback_simulated_kill(void **state)
{
	struct world *w = *state;

	four_changes(w);
	write_killed_journal(w, "20231114T221320Z-99");
	set_knob("sysctl", "net.core.somaxconn", "8192");
	set_knob("rings.rx", "eth0", "4096");
	assert_int_equal(rollback(w, NULL), 0);
	assert_string_equal(w->result.journal_id, "20231114T221320Z-99");
	assert_int_equal(w->result.applied, 2);
	assert_four_before();
	assert_string_equal(journal_state(w, "20231114T221320Z-99"),
			    "rolled-back");
}

static void test_rollback_before_any_write(void **state)
{
	struct world *w = *state;

	four_changes(w);
	write_killed_journal(w, "20231114T221320Z-99");
	assert_int_equal(rollback(w, "20231114T221320Z-99"), 0);
	assert_int_equal(fake.writes, 0);
	assert_int_equal(w->result.applied, 0);
	assert_int_equal(w->result.skipped, 4);
	assert_four_before();
}

/* A killed apply's journal blocks the next apply until rollback. */
static void test_apply_after_kill_refused(void **state)
{
	struct world *w = *state;

	four_changes(w);
	write_killed_journal(w, "20231114T221320Z-99");
	assert_int_equal(apply(w), -EBUSY);
	assert_contains(w->err.msg,
			"journal 20231114T221320Z-99: an earlier apply did not finish");
	assert_contains(w->err.msg,
			"run nettune rollback 20231114T221320Z-99");
	assert_int_equal(fake.writes, 0);
	nt_err_clear(&w->err);
	assert_int_equal(nt_apply_ready(w->state, &w->err), -EBUSY);
	nt_err_clear(&w->err);
	assert_int_equal(rollback(w, NULL), 0);
	assert_int_equal(nt_apply_ready(w->state, &w->err), 0);
	assert_int_equal(apply(w), 0);
}

static void test_rollback_twice(void **state)
{
	struct world *w = *state;
	char id[64];

	four_changes(w);
	assert_int_equal(apply(w), 0);
	snprintf(id, sizeof(id), "%s", w->result.journal_id);
	assert_int_equal(rollback(w, NULL), 0);
	assert_int_equal(w->result.applied, 4);
	assert_four_before();
	assert_int_equal(rollback(w, NULL), -ENOENT);
	assert_string_equal(w->err.msg, "nothing to roll back");
	assert_int_equal(rollback(w, id), -ENOENT);
	assert_contains(w->err.msg, "nothing to roll back");
}

static void test_rollback_no_such_id(void **state)
{
	struct world *w = *state;

	assert_int_equal(rollback(w, NULL), -ENOENT);
	assert_string_equal(w->err.msg, "nothing to roll back");
	four_changes(w);
	assert_int_equal(apply(w), 0);
	assert_int_equal(rollback(w, "20990101T000000Z-1"), -ENOENT);
	assert_string_equal(w->err.msg,
			    "20990101T000000Z-1: no such journal ID (see nettune history)");
	assert_int_equal(rollback(w, "../lock"), -ENOENT);
	assert_contains(w->err.msg, "no such journal ID");
}

/* ---- history, last plan ---- */

static void test_history_order(void **state)
{
	struct world *w = *state;
	struct nt_journal_info *h;
	size_t n;

	four_changes(w);
	assert_int_equal(apply(w), 0);
	nt_plan_free(&w->plan);
	snprintf(w->plan.profile, sizeof(w->plan.profile), "latency");
	change(w, "txqlen", "eth0", "10000", "500");
	fake_fail("txqlen", "eth0", NULL);
	assert_int_equal(apply(w), -EINVAL);
	/* older than both: listed first (an apply would refuse after it) */
	write_killed_journal(w, "20231114T221320Z-99");

	assert_int_equal(nt_history(w->state, &h, &n, &w->err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(h[0].id, "20231114T221320Z-99");
	assert_string_equal(h[0].state, "in-progress");
	assert_string_equal(h[1].state, "applied");
	assert_string_equal(h[1].profile, "throughput");
	assert_int_equal(h[1].n_changes, 4);
	assert_string_equal(h[2].state, "undone");
	assert_string_equal(h[2].profile, "latency");
	assert_int_equal(h[2].n_changes, 1);
	assert_true(h[0].started_ns < h[1].started_ns);
	assert_true(h[1].started_ns <= h[2].started_ns);
	/* two applies in one second by one process: still two journals */
	assert_string_not_equal(h[1].id, h[2].id);
	free(h);
}

static void test_history_empty(void **state)
{
	struct world *w = *state;
	struct nt_journal_info *h = (void *)1;
	size_t n = 7;

	assert_int_equal(nt_history(w->state, &h, &n, &w->err), 0);
	assert_int_equal(n, 0);
	assert_null(h);
}

static void test_last_plan(void **state)
{
	struct world *w = *state;
	struct nt_plan plan;

	assert_int_equal(nt_last_plan(w->state, &plan, &w->err), -ENOENT);
	assert_contains(w->err.msg, "nothing was applied");
	four_changes(w);
	assert_int_equal(apply(w), 0);
	/* a later apply that undid itself is not the last plan */
	nt_plan_free(&w->plan);
	snprintf(w->plan.profile, sizeof(w->plan.profile), "latency");
	change(w, "txqlen", "eth0", "10000", "500");
	fake_fail("txqlen", "eth0", NULL);
	assert_int_equal(apply(w), -EINVAL);

	nt_err_clear(&w->err);
	assert_int_equal(nt_last_plan(w->state, &plan, &w->err), 0);
	assert_string_equal(plan.profile, "throughput");
	assert_int_equal(plan.n, 4);
	assert_string_equal(plan.v[2].knob, "channels.combined");
	assert_string_equal(plan.v[2].target, "64");
	nt_plan_free(&plan);
}

/* ---- verify ---- */

static void test_verify_drift(void **state)
{
	struct world *w = *state;
	struct nt_drift *d;
	char path[4200];
	size_t n;

	change(w, "sysctl", "net.core.somaxconn", "4096", "4096");
	change(w, "rings.rx", "eth0", "256", "4096");
	change(w, "app.so_rcvbuf", "udp", "", "8388608");
	change(w, "rps.cpus", "eth0 rx-3", "0-3", "0-3");
	fake_path("rps.cpus", "eth0 rx-3", path, sizeof(path));
	assert_int_equal(unlink(path), 0);
	assert_int_equal(nt_verify(&w->root, &w->plan, &d, &n, &w->err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(d[0].change.subject, "eth0");
	assert_string_equal(d[0].change.target, "4096");
	assert_string_equal(d[0].actual, "256");
	assert_string_equal(d[1].change.subject, "eth0 rx-3");
	assert_string_equal(d[1].actual, "");
	free(d);
}

static void test_verify_clean(void **state)
{
	struct world *w = *state;
	struct nt_drift *d;
	size_t n;

	four_changes(w);
	assert_int_equal(apply(w), 0);
	assert_int_equal(nt_verify(&w->root, &w->plan, &d, &n, &w->err), 0);
	assert_int_equal(n, 0);
	assert_null(d);
}

/* ---- the journal file itself ---- */

static void test_journal_round_trip(void **state)
{
	struct world *w = *state;
	struct nt_journal j = { 0 }, back;

	strcpy(j.id, "20240101T000000Z-1");
	strcpy(j.state, "applied");
	j.started_ns = 1704067200123456789LL;
	j.n = 2;
	j.v = calloc(2, sizeof(*j.v));
	assert_non_null(j.v);
	strcpy(j.v[0].c.knob, "qdisc");
	strcpy(j.v[0].c.subject, "eth0");
	strcpy(j.v[0].c.current, "");
	strcpy(j.v[0].c.target, "fq");
	strcpy(j.v[1].c.knob, "rps.cpus");
	strcpy(j.v[1].c.subject, "eth0 rx-7");
	strcpy(j.v[1].c.target, "1");
	j.v[1].absent = true;
	j.irqbalance_config = strdup("IRQBALANCE_ARGS=\"\\\"quoted\\\"\"\n");
	assert_int_equal(nt_journal_mkdirs(w->state, &w->err), 0);
	assert_int_equal(nt_journal_save(w->state, &j, &w->err), 0);
	assert_int_equal(nt_journal_load(w->state, j.id, &back, &w->err), 0);
	assert_int_equal(back.started_ns, j.started_ns);
	assert_int_equal(back.n, 2);
	assert_false(back.v[0].absent);
	assert_string_equal(back.v[0].c.current, "");
	assert_true(back.v[1].absent);
	assert_string_equal(back.irqbalance_config, j.irqbalance_config);
	assert_false(back.irqbalance_created);
	nt_journal_free(&back);
	nt_journal_free(&j);
}

static void test_journal_damaged(void **state)
{
	struct world *w = *state;
	struct nt_journal_info *h;
	struct nt_journal j;
	char path[512];
	FILE *f;
	size_t n;

	assert_int_equal(nt_journal_mkdirs(w->state, &w->err), 0);
	snprintf(path, sizeof(path), "%s/journal/20240101T000000Z-1.json",
		 w->state);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"nettune_journal\": 1, \"id\": 5}", f);
	fclose(f);
	assert_int_equal(nt_journal_load(w->state, "20240101T000000Z-1", &j,
					 &w->err), -EINVAL);
	assert_contains(w->err.msg, "member \"id\"");
	/* history still lists it */
	nt_err_clear(&w->err);
	assert_int_equal(nt_history(w->state, &h, &n, &w->err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(h[0].state, "unreadable");
	free(h);
	assert_int_equal(rollback(w, NULL), -ENOENT);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_apply_all),
		T(test_apply_failure_undoes),
		T(test_apply_readback_mismatch),
		T(test_apply_undo_fails),
		T(test_apply_stale),
		T(test_apply_stale_gone),
		T(test_apply_created_subject),
		T(test_apply_later),

		T(test_apply_busy),
		T(test_apply_advice_skipped),
		T(test_apply_unknown_knob),
		T(test_irqbalance_skip),
		T(test_irqbalance_ignore),
		T(test_irqbalance_ban),
		T(test_irqbalance_ban_creates),
		T(test_apply_state_dir_fails),
		T(test_apply_test_pause),
		T(test_rollback_after_kill),
		T(test_rollback_simulated_kill),
		T(test_rollback_before_any_write),
		T(test_apply_after_kill_refused),
		T(test_rollback_twice),
		T(test_rollback_no_such_id),
		T(test_history_order),
		T(test_history_empty),
		T(test_last_plan),
		T(test_verify_drift),
		T(test_verify_clean),
		T(test_journal_round_trip),
		T(test_journal_damaged),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
