// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The apply journal: what a rollback needs to put a host back, written
 * durably before the first change so it survives a crash or kill -9.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "apply/apply.h"
#include "apply/journal.h"
#include "util/file.h"
#include "util/json.h"
#include "util/trust.h"

#define NS_PER_SEC	1000000000LL
/* A journal is a few kilobytes; anything this big is not ours. */
#define JOURNAL_MAX	(64 << 20)

const char *nt_journal_state_dir(const char *dir)
{
	if (dir && *dir)
		return dir;
	dir = getenv("NETTUNE_STATE_DIR");
	return dir && *dir ? dir : NT_JOURNAL_DEFAULT_DIR;
}

int nt_journal_path(const char *state_dir, const char *id, const char *suffix,
		    char *buf, size_t size)
{
	int len;

	if (id)
		len = snprintf(buf, size, "%s/journal/%s%s", state_dir, id,
			       suffix);
	else
		len = snprintf(buf, size, "%s/journal", state_dir);
	return len < 0 || (size_t)len >= size ? -ENAMETOOLONG : 0;
}

/* Ours alone: not a symlink, root's (or the caller's), not others'. */
static int mkdir_0700(const char *dir, struct nt_err *err)
{
	if (mkdir(dir, 0700) && errno != EEXIST)
		return nt_err_set(err, errno,
				  "%s: cannot create the state directory: %s (%schoose another with --state-dir)",
				  dir, strerror(errno),
				  errno == EACCES || errno == EPERM ?
				  "run as root or " : "");
	return nt_trust_check_private_dir(dir, getuid(), err);
}

int nt_journal_mkdirs(const char *state_dir, struct nt_err *err)
{
	char dir[4096];
	int ret;

	ret = mkdir_0700(state_dir, err);
	if (ret)
		return ret;
	if (nt_journal_path(state_dir, NULL, "", dir, sizeof(dir)))
		return nt_err_set(err, ENAMETOOLONG, "%s: path too long",
				  state_dir);
	return mkdir_0700(dir, err);
}

bool nt_journal_id_valid(const char *id)
{
	return id && *id && id[0] != '.' && !strchr(id, '/') &&
	       strlen(id) < sizeof(((struct nt_journal *)0)->id);
}

static bool journal_exists(const char *state_dir, const char *id)
{
	static const char *const suffixes[] = { ".json", ".plan.json" };
	char path[4096];

	for (size_t i = 0; i < 2; i++) {
		if (nt_journal_path(state_dir, id, suffixes[i], path,
				    sizeof(path)) || !access(path, F_OK))
			return true;
	}
	return false;
}

int nt_journal_new_id(const char *state_dir, int64_t now_ns, char *id,
		      size_t size)
{
	time_t secs = now_ns / NS_PER_SEC;
	char stamp[32];
	struct tm tm;
	int len;

	if (!gmtime_r(&secs, &tm) ||
	    !strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm))
		return -EOVERFLOW;
	len = snprintf(id, size, "%s-%ld", stamp, (long)getpid());
	/* One process may apply twice within a second (tests, scripts). */
	for (int n = 2; len > 0 && (size_t)len < size && n < 1000; n++) {
		if (!journal_exists(state_dir, id))
			return 0;
		len = snprintf(id, size, "%s-%ld-%d", stamp, (long)getpid(),
			       n);
	}
	return -ENAMETOOLONG;
}

/* ---- to JSON ---- */

/* Built with struct nt_jw (util/json.h): it collects allocation failures. */
static struct json_object *change_to_json(struct nt_jw *w,
					  const struct nt_journal_change *jc)
{
	struct json_object *obj = json_object_new_object();
	const struct nt_change *c = &jc->c;

	nt_jw_str(w, obj, "knob", c->knob);
	nt_jw_str(w, obj, "subject", c->subject);
	nt_jw_str(w, obj, "before", jc->absent ? NULL : c->current);
	nt_jw_str(w, obj, "target", c->target);
	nt_jw_str(w, obj, "reason", c->reason);
	if (jc->full)
		nt_jw_str(w, obj, "before_full", jc->full);
	if (jc->restore_only)
		nt_jw_bool(w, obj, "restore_only", true);
	return obj;
}

static struct json_object *changes_to_json(struct nt_jw *w,
					   const struct nt_journal *j)
{
	struct json_object *arr = json_object_new_array_ext(j->n);

	for (size_t i = 0; i < j->n; i++)
		nt_jw_append(w, arr, change_to_json(w, &j->v[i]));
	return arr;
}

static struct json_object *iso_time(int64_t ns)
{
	time_t secs = ns / NS_PER_SEC;
	char buf[32];
	struct tm tm;

	if (!gmtime_r(&secs, &tm) ||
	    !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		buf[0] = '\0';
	return json_object_new_string(buf);
}

static struct json_object *journal_to_json(const struct nt_journal *j)
{
	struct json_object *obj = json_object_new_object();
	struct nt_jw w = { .oom = !obj };

	nt_jw_add(&w, obj, "nettune_journal",
		  json_object_new_int(NT_JOURNAL_VERSION));
	nt_jw_str(&w, obj, "id", j->id);
	nt_jw_str(&w, obj, "profile", j->profile);
	nt_jw_add(&w, obj, "started", iso_time(j->started_ns));
	nt_jw_i64(&w, obj, "started_ns", j->started_ns);
	nt_jw_str(&w, obj, "state", j->state);
	nt_jw_add(&w, obj, "changes", changes_to_json(&w, j));
	nt_jw_str(&w, obj, "irqbalance_config", j->irqbalance_config);
	nt_jw_bool(&w, obj, "irqbalance_config_created",
		   j->irqbalance_created);
	if (w.oom) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

/* ---- durable write ---- */

/* lib/apply/apply.c writes the irqbalance config with it. */
int nt_journal_write_all(int fd, const char *buf, size_t len)
{
	return nt_file_write_all(fd, buf, len);
}

static int save_text(const char *state_dir, const char *id, const char *text,
		     struct nt_err *err)
{
	char path[4096], tmp[4096 + 8], dir[4096];
	enum nt_file_step step;
	int ret;

	if (nt_journal_path(state_dir, id, ".json", path, sizeof(path)) ||
	    nt_journal_path(state_dir, NULL, "", dir, sizeof(dir)))
		return nt_err_set(err, ENAMETOOLONG, "%s: path too long",
				  state_dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	ret = nt_file_replace(path, tmp, text, 0600, &step);
	if (!ret)
		return 0;
	/* A rollback after a crash needs the rename to have reached disk. */
	if (step == NT_FILE_SYNC_DIR)
		return nt_err_set(err, -ret, "%s: cannot sync the journal: %s",
				  dir, strerror(-ret));
	/* Our own directory: whatever stands in the way is a leftover. */
	if (step == NT_FILE_CREATE)
		unlink(tmp);
	return nt_err_set(err, -ret, "%s: cannot write the journal: %s", path,
			  strerror(-ret));
}

int nt_journal_save(const char *state_dir, const struct nt_journal *j,
		    struct nt_err *err)
{
	struct json_object *obj = journal_to_json(j);
	const char *text = NULL;
	int ret;

	if (obj)
		text = json_object_to_json_string_ext(obj, NT_JSON_FLAGS);
	if (text)
		ret = save_text(state_dir, j->id, text, err);
	else
		ret = nt_err_set(err, ENOMEM, "journal %s: out of memory",
				 j->id);
	json_object_put(obj);
	return ret;
}

/* ---- from JSON ---- */

struct loader {
	const char *path;
	struct nt_err *err;
	int ret;
};

static int bad(struct loader *l, const char *member, const char *why)
{
	if (!l->ret)
		l->ret = nt_err_set(l->err, EINVAL,
				    "%s: member \"%s\" %s; the journal is damaged",
				    l->path, member, why);
	return l->ret;
}

static struct json_object *member(struct loader *l, struct json_object *obj,
				  const char *key, enum json_type type)
{
	struct json_object *val;

	if (!json_object_object_get_ex(obj, key, &val)) {
		bad(l, key, "is missing");
		return NULL;
	}
	if (!json_object_is_type(val, type)) {
		bad(l, key, "has the wrong type");
		return NULL;
	}
	return val;
}

static void copy_string(struct loader *l, struct json_object *obj,
			const char *key, char *buf, size_t size)
{
	struct json_object *val = member(l, obj, key, json_type_string);

	if (!val)
		return;
	if ((size_t)json_object_get_string_len(val) >= size) {
		bad(l, key, "is too long");
		return;
	}
	strcpy(buf, json_object_get_string(val));
}

static void load_change(struct loader *l, struct json_object *obj,
			struct nt_journal_change *jc)
{
	struct json_object *before;

	if (!json_object_is_type(obj, json_type_object)) {
		bad(l, "changes", "holds a non-object");
		return;
	}
	copy_string(l, obj, "knob", jc->c.knob, sizeof(jc->c.knob));
	copy_string(l, obj, "subject", jc->c.subject, sizeof(jc->c.subject));
	copy_string(l, obj, "target", jc->c.target, sizeof(jc->c.target));
	copy_string(l, obj, "reason", jc->c.reason, sizeof(jc->c.reason));
	if (!json_object_object_get_ex(obj, "before", &before))
		bad(l, "before", "is missing");
	else if (!before)
		jc->absent = true;
	else
		copy_string(l, obj, "before", jc->c.current,
			    sizeof(jc->c.current));
	if (json_object_object_get_ex(obj, "restore_only", &before))
		jc->restore_only = json_object_get_boolean(before);
	/* journals written before it was recorded have the kind only */
	if (json_object_object_get_ex(obj, "before_full", &before) &&
	    !l->ret) {
		if (!json_object_is_type(before, json_type_string)) {
			bad(l, "before_full", "has the wrong type");
			return;
		}
		jc->full = strdup(json_object_get_string(before));
		if (!jc->full)
			l->ret = nt_err_set(l->err, ENOMEM, "%s: out of memory",
					    l->path);
	}
}

static void load_changes(struct loader *l, struct json_object *obj,
			 struct nt_journal *j)
{
	struct json_object *arr = member(l, obj, "changes", json_type_array);
	size_t n;

	if (!arr)
		return;
	n = json_object_array_length(arr);
	if (!n)
		return;
	j->v = calloc(n, sizeof(*j->v));
	if (!j->v) {
		l->ret = nt_err_set(l->err, ENOMEM, "%s: out of memory",
				    l->path);
		return;
	}
	j->n = n;
	for (size_t i = 0; i < n && !l->ret; i++)
		load_change(l, json_object_array_get_idx(arr, i), &j->v[i]);
}

static void load_irqbalance(struct loader *l, struct json_object *obj,
			    struct nt_journal *j)
{
	struct json_object *val;

	if (!json_object_object_get_ex(obj, "irqbalance_config", &val)) {
		bad(l, "irqbalance_config", "is missing");
		return;
	}
	if (!val)
		return;
	if (!json_object_is_type(val, json_type_string)) {
		bad(l, "irqbalance_config", "has the wrong type");
		return;
	}
	j->irqbalance_config = strdup(json_object_get_string(val));
	if (!j->irqbalance_config)
		l->ret = nt_err_set(l->err, ENOMEM, "%s: out of memory",
				    l->path);
	val = member(l, obj, "irqbalance_config_created", json_type_boolean);
	if (val)
		j->irqbalance_created = json_object_get_boolean(val);
}

static void load_journal(struct loader *l, struct json_object *obj,
			 struct nt_journal *j)
{
	struct json_object *val;

	if (!json_object_is_type(obj, json_type_object)) {
		bad(l, "(top level)", "is not an object");
		return;
	}
	val = member(l, obj, "nettune_journal", json_type_int);
	if (val && json_object_get_int(val) != NT_JOURNAL_VERSION) {
		bad(l, "nettune_journal", "is a version this nettune does not know");
		return;
	}
	copy_string(l, obj, "id", j->id, sizeof(j->id));
	copy_string(l, obj, "profile", j->profile, sizeof(j->profile));
	copy_string(l, obj, "state", j->state, sizeof(j->state));
	val = member(l, obj, "started_ns", json_type_int);
	if (val)
		j->started_ns = json_object_get_int64(val);
	load_changes(l, obj, j);
	load_irqbalance(l, obj, j);
}

int nt_journal_load(const char *state_dir, const char *id,
		    struct nt_journal *j, struct nt_err *err)
{
	char path[4096], *text = NULL;
	struct loader l = { path, err, 0 };
	struct json_object *obj;
	size_t len;
	int ret;

	memset(j, 0, sizeof(*j));
	if (!nt_journal_id_valid(id))
		return -ENOENT;
	if (nt_journal_path(state_dir, id, ".json", path, sizeof(path)))
		return nt_err_set(err, ENAMETOOLONG, "%s: path too long",
				  state_dir);
	ret = nt_file_read_private(path, JOURNAL_MAX, &text, &len, NULL);
	if (ret == -ENOENT)
		return ret;
	if (ret)
		return nt_err_set(err, -ret, "%s: cannot read: %s", path,
				  strerror(-ret));
	obj = json_tokener_parse(text);
	free(text);
	if (!obj)
		return nt_err_set(err, EINVAL,
				  "%s: not valid JSON; the journal is damaged",
				  path);
	load_journal(&l, obj, j);
	json_object_put(obj);
	if (!l.ret && strcmp(j->id, id))
		bad(&l, "id", "does not match the file name");
	if (l.ret)
		nt_journal_free(j);
	return l.ret;
}

void nt_journal_free(struct nt_journal *j)
{
	for (size_t i = 0; j->v && i < j->n; i++)
		free(j->v[i].full);
	free(j->v);
	free(j->irqbalance_config);
	j->v = NULL;
	j->n = 0;
	j->irqbalance_config = NULL;
}

/* ---- every journal ---- */

static bool is_journal_name(const char *name)
{
	size_t len = strlen(name);

	if (name[0] == '.' || len <= 5 || strcmp(name + len - 5, ".json"))
		return false;
	return len <= 10 || strcmp(name + len - 10, ".plan.json");
}

/* A journal we cannot read still sorts by the time in its name. */
static int64_t id_time_ns(const char *id)
{
	struct tm tm = { 0 };
	const char *end = strptime(id, "%Y%m%dT%H%M%SZ", &tm);

	return end ? (int64_t)timegm(&tm) * NS_PER_SEC : 0;
}

static int add_one(const char *state_dir, const char *name,
		   struct nt_journal *j, struct nt_err *err)
{
	size_t len = strlen(name) - 5;
	struct nt_err ignored = { 0 };
	char id[64];
	int ret;

	if (len >= sizeof(id))
		return 1;
	memcpy(id, name, len);
	id[len] = '\0';
	ret = nt_journal_load(state_dir, id, j, &ignored);
	if (ret == -ENOMEM)
		return nt_err_set(err, ENOMEM, "%s: out of memory", name);
	if (ret == -ENOENT)
		return 1;	/* renamed away meanwhile */
	if (ret) {
		memset(j, 0, sizeof(*j));
		strcpy(j->id, id);
		strcpy(j->state, NT_JOURNAL_UNREADABLE);
		j->started_ns = id_time_ns(id);
	}
	return 0;
}

static int by_time(const void *a, const void *b)
{
	const struct nt_journal *x = a, *y = b;

	if (x->started_ns != y->started_ns)
		return x->started_ns < y->started_ns ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int grow(struct nt_journal **v, size_t n, size_t *cap)
{
	struct nt_journal *bigger;

	if (n < *cap)
		return 0;
	*cap = *cap ? *cap * 2 : 16;
	bigger = realloc(*v, *cap * sizeof(**v));
	if (!bigger)
		return -ENOMEM;
	*v = bigger;
	return 0;
}

static int read_dir(DIR *dir, const char *state_dir, struct nt_journal **out,
		    size_t *n, struct nt_err *err)
{
	size_t cap = 0;
	struct dirent *d;
	int ret = 0;

	while (!ret && (d = readdir(dir))) {
		if (!is_journal_name(d->d_name))
			continue;
		if (grow(out, *n, &cap))
			return nt_err_set(err, ENOMEM, "journal: out of memory");
		ret = add_one(state_dir, d->d_name, &(*out)[*n], err);
		if (!ret)
			(*n)++;
		else if (ret > 0)
			ret = 0;
	}
	return ret;
}

int nt_journal_load_all(const char *state_dir, struct nt_journal **out,
			size_t *n, struct nt_err *err)
{
	char path[4096];
	DIR *dir;
	int ret;

	*out = NULL;
	*n = 0;
	if (nt_journal_path(state_dir, NULL, "", path, sizeof(path)))
		return nt_err_set(err, ENAMETOOLONG, "%s: path too long",
				  state_dir);
	dir = opendir(path);
	if (!dir && errno == ENOENT)
		return 0;
	if (!dir)
		return nt_err_set(err, errno, "%s: cannot read: %s", path,
				  strerror(errno));
	ret = read_dir(dir, state_dir, out, n, err);
	closedir(dir);
	if (ret) {
		nt_journal_free_all(*out, *n);
		*out = NULL;
		*n = 0;
		return ret;
	}
	if (*n)
		qsort(*out, *n, sizeof(**out), by_time);
	return 0;
}

void nt_journal_free_all(struct nt_journal *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		nt_journal_free(&v[i]);
	free(v);
}

static bool state_in(const char *state, const char *const *states)
{
	for (; *states; states++)
		if (!strcmp(state, *states))
			return true;
	return false;
}

int nt_journal_newest(const char *state_dir, const char *const *states,
		      struct nt_journal *j, struct nt_err *err)
{
	struct nt_journal *v;
	size_t n, i;
	int ret;

	memset(j, 0, sizeof(*j));
	ret = nt_journal_load_all(state_dir, &v, &n, err);
	if (ret)
		return ret;
	for (i = n; i > 0; i--) {
		if (state_in(v[i - 1].state, states))
			break;
	}
	if (i > 0) {
		/* Hand the entry over; free_all then frees nothing twice. */
		*j = v[i - 1];
		memset(&v[i - 1], 0, sizeof(v[i - 1]));
	}
	nt_journal_free_all(v, n);
	return i > 0 ? 0 : -ENOENT;
}

/* ---- public: history and the last plan ---- */

int nt_history(const char *state_dir, struct nt_journal_info **out,
	       size_t *n, struct nt_err *err)
{
	struct nt_journal *v;
	size_t count;
	int ret;

	*out = NULL;
	*n = 0;
	state_dir = nt_journal_state_dir(state_dir);
	ret = nt_journal_load_all(state_dir, &v, &count, err);
	if (ret || !count)
		return ret;
	*out = calloc(count, sizeof(**out));
	if (!*out) {
		nt_journal_free_all(v, count);
		return nt_err_set(err, ENOMEM, "history: out of memory");
	}
	for (size_t i = 0; i < count; i++) {
		struct nt_journal_info *info = &(*out)[i];

		strcpy(info->id, v[i].id);
		strcpy(info->profile, v[i].profile);
		strcpy(info->state, v[i].state);
		info->started_ns = v[i].started_ns;
		info->n_changes = 0;
		for (size_t k = 0; k < v[i].n; k++)
			info->n_changes += !v[i].v[k].restore_only;

	}
	*n = count;
	nt_journal_free_all(v, count);
	return 0;
}

int nt_last_plan(const char *state_dir, struct nt_plan *plan,
		 struct nt_err *err)
{
	static const char *const applied[] = { NT_JOURNAL_APPLIED, NULL };
	struct nt_journal j;
	char path[4096];
	int ret;

	state_dir = nt_journal_state_dir(state_dir);
	ret = nt_journal_newest(state_dir, applied, &j, err);
	if (ret == -ENOENT)
		return nt_err_set(err, ENOENT,
				  "%s: nothing was applied yet (see nettune history); name a profile or plan",
				  state_dir);
	if (ret)
		return ret;
	ret = nt_journal_path(state_dir, j.id, ".plan.json", path,
			      sizeof(path));
	nt_journal_free(&j);
	if (ret)
		return nt_err_set(err, ENAMETOOLONG, "%s: path too long",
				  state_dir);
	return nt_plan_load(path, plan, err);
}
