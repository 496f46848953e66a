// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Recordings of `nettune top` (record.h): the first look as a snapshot
 * document, then one delta-coded JSON line per sample.
 *
 * The recorder writes sample lines by hand with stdio, from the values it
 * keeps of the line before: no JSON object and no allocation per sample.
 * The replay reads them back with json-c, checks every member strictly and
 * keeps the running values itself, so the hosts it fills need not be the
 * ones the line before went to.
 *
 * Both sides start from the same values: the recorder takes its first
 * values from the snapshot document it writes (loaded back), not from the
 * host it was given, so a counter the document leaves out (the statistics
 * of a block whose state is not OK) starts where the replay starts it.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <json-c/json.h>

#include "model/snapshot.h"
#include "sample/record.h"
#include "util/json.h"

#include "util/array.h"
/* The longest line a replay reads: line 1 holds a whole snapshot. */
#define LINE_MAX_BYTES	((size_t)64 << 20)

/* The counter vector ----------------------------------------------------- */

/* A walk over the counters of a host: counts them, or also stores them. */
struct walk {
	uint64_t **cell;	/* NULL: count only */
	size_t n;
};

static void put(struct walk *w, uint64_t *p)
{
	if (w->cell)
		w->cell[w->n] = p;
	w->n++;
}

static void put_fields(struct walk *w, void *base,
		       const struct nt_u64_field *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put(w, (uint64_t *)((char *)base + f[i].off));
}

/* int64_t counters: the same bits, reached through their unsigned type. */
static void put_counters(struct walk *w, struct nt_counters *c)
{
	for (size_t i = 0; i < c->n; i++)
		put(w, (uint64_t *)&c->v[i].value);
}

static void put_cells(struct walk *w, uint64_t *counts, uint32_t ncpus)
{
	for (uint32_t i = 0; counts && i < ncpus; i++)
		put(w, &counts[i]);
}

static void walk_iface(struct walk *w, struct nt_iface *ifc)
{
	put_fields(w, &ifc->stats, nt_link_stat_fields, NT_LINK_STATS_N);
	for (size_t i = 0; i < ifc->n_qdiscs; i++)
		put_fields(w, &ifc->qdiscs[i], nt_qdisc_fields,
			   NT_QDISC_N);
	put_counters(w, &ifc->driver_stats);
}

/*
 * The one place the order of the counter vector is written down, and with
 * it the meaning of an index in a recording:
 *
 *   for each interface, in host order:
 *       the 24 fields of struct nt_link_stats, in declaration order
 *       for each qdisc: bytes, packets, drops, overlimits, requeues,
 *                       backlog, qlen
 *       the values of driver_stats (ethtool -S), in order
 *   for each softnet_stat row: processed, dropped, time_squeeze,
 *       cpu_collision, received_rps, flow_limit_count, backlog_len,
 *       input_qlen, process_qlen
 *   for each /proc/interrupts row: its count on each CPU column
 *   for each /proc/softirqs row: its count on each CPU column
 *   the values of snmp, in order
 *   the values of sockstat, in order
 *
 * Every counter is there whatever the state of its block, so the vector
 * has the same length for every host of one shape.
 */
static void walk_host(struct walk *w, struct nt_host *host)
{
	for (size_t i = 0; i < host->n_ifaces; i++)
		walk_iface(w, &host->ifaces[i]);
	for (size_t i = 0; i < host->n_softnet; i++)
		put_fields(w, &host->softnet[i], nt_softnet_fields,
			   NT_SOFTNET_N);
	for (size_t i = 0; i < host->interrupts.n; i++)
		put_cells(w, host->interrupts.v[i].counts,
			  host->interrupts.ncpus);
	for (size_t i = 0; i < host->softirqs.n; i++)
		put_cells(w, host->softirqs.v[i].counts, host->softirqs.ncpus);
	put_counters(w, &host->snmp);
	put_counters(w, &host->sockstat);
}

int nt_counter_vec_build(struct nt_counter_vec *vec, struct nt_host *host)
{
	struct walk w = { 0 };

	memset(vec, 0, sizeof(*vec));
	walk_host(&w, host);
	if (!w.n)
		return 0;
	w.cell = calloc(w.n, sizeof(*w.cell));
	if (!w.cell)
		return -ENOMEM;
	w.n = 0;
	walk_host(&w, host);
	vec->cell = w.cell;
	vec->n = w.n;
	return 0;
}

void nt_counter_vec_free(struct nt_counter_vec *vec)
{
	free(vec->cell);
	memset(vec, 0, sizeof(*vec));
}

/* Values and listeners shared by both sides ------------------------------ */

/* The values @host holds, into a new array.  Return: 0 or -ENOMEM. */
static int values_of(struct nt_host *host, uint64_t **values, size_t *n)
{
	struct nt_counter_vec vec;
	int ret = nt_counter_vec_build(&vec, host);

	*values = NULL;
	*n = 0;
	if (ret)
		return ret;
	if (vec.n) {
		*values = malloc(vec.n * sizeof(**values));
		if (!*values) {
			nt_counter_vec_free(&vec);
			return -ENOMEM;
		}
	}
	for (size_t i = 0; i < vec.n; i++)
		(*values)[i] = *vec.cell[i];
	*n = vec.n;
	nt_counter_vec_free(&vec);
	return 0;
}

/* A set of listeners with its capacity. */
struct lset {
	struct nt_listener *v;
	size_t n, cap;
};

/* Make room for @n listeners in @s; grows only past the largest yet. */
static int lset_reserve(struct lset *s, size_t n)
{
	struct nt_listener *v;

	if (n <= s->cap)
		return 0;
	v = realloc(s->v, n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->v = v;
	s->cap = n;
	return 0;
}

static int lset_assign(struct lset *s, const struct nt_listener *v, size_t n)
{
	int ret = lset_reserve(s, n);

	if (ret)
		return ret;
	if (n)
		memcpy(s->v, v, n * sizeof(*v));
	s->n = n;
	return 0;
}

static bool listener_equal(const struct nt_listener *a,
			   const struct nt_listener *b)
{
	return a->family == b->family && a->port == b->port &&
	       a->accept_queue == b->accept_queue &&
	       a->backlog == b->backlog &&
	       !strncmp(a->addr, b->addr, sizeof(a->addr));
}

static bool lset_equal(const struct lset *s, const struct nt_listener *v,
		       size_t n)
{
	if (s->n != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!listener_equal(&s->v[i], &v[i]))
			return false;
	return true;
}

/* The recorder ----------------------------------------------------------- */

struct nt_recorder {
	FILE *fp;
	char *path;
	uint64_t *last;		/* the values as the replay will have them */
	size_t n;
	struct lset listeners;	/* the set the replay will have */
	const struct nt_top_drops *drops;	/* NULL: none recorded */
	bool said_why;		/* "Ru" written */
	int failed;		/* errno of a failed write: the file is cut */
};

/* The error of a failed stdio call: errno, or EIO when it says nothing. */
static int io_error(const char *path, struct nt_err *err)
{
	int e = errno ? errno : EIO;

	return nt_err_set(err, e, "%s: %s", path, strerror(e));
}

static void recorder_free(struct nt_recorder *r)
{
	if (r->fp)
		fclose(r->fp);
	free(r->path);
	free(r->last);
	free(r->listeners.v);
	free(r);
}

static int create_file(struct nt_recorder *r, const char *path,
		       struct nt_err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return nt_err_set(err, errno, "%s: %s", path, strerror(errno));
	r->fp = fdopen(fd, "w");
	if (!r->fp) {
		int e = errno;

		close(fd);
		return nt_err_set(err, e, "%s: %s", path, strerror(e));
	}
	return 0;
}

/*
 * Where the replay starts: the values and listeners of @doc loaded back,
 * which is what the replay of this recording will load.
 */
static int recorder_start(struct nt_recorder *r, struct json_object *doc,
			  struct nt_err *err)
{
	struct nt_host base;
	struct nt_err sub = { 0 };
	int ret = nt_snapshot_from_json(doc, &base, &sub);

	if (ret)
		return nt_err_set(err, -ret,
				  "%s: the first look does not load back: %s",
				  r->path, sub.msg);
	ret = values_of(&base, &r->last, &r->n);
	if (!ret)
		ret = lset_assign(&r->listeners, base.listeners,
				  base.n_listeners);
	nt_host_free(&base);
	if (ret)
		return nt_err_set(err, ENOMEM, "%s: out of memory", r->path);
	return 0;
}

/* Line 1: {"nettune_recording":1,"host":SNAPSHOT}. */
static int write_head(struct nt_recorder *r, const struct nt_host *first,
		      struct nt_err *err)
{
	struct json_object *top = json_object_new_object();
	struct json_object *doc = nt_snapshot_to_json(first, NULL);
	struct nt_jw w = { .oom = !top };
	const char *text = NULL;
	int ret = 0;

	if (doc)
		ret = recorder_start(r, doc, err);
	nt_jw_i64(&w, top, "nettune_recording", NT_RECORDING_VERSION);
	nt_jw_add(&w, top, "host", doc);
	if (!w.oom)
		text = json_object_to_json_string_ext(top,
				JSON_C_TO_STRING_PLAIN |
				JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!ret && !text)
		ret = nt_err_set(err, ENOMEM, "%s: out of memory", r->path);
	errno = 0;
	if (!ret && (fputs(text, r->fp) == EOF || fputc('\n', r->fp) == EOF ||
		     fflush(r->fp)))
		ret = io_error(r->path, err);
	json_object_put(top);
	return ret;
}

int nt_recorder_open(struct nt_recorder **out, const char *path,
		     const struct nt_host *first, struct nt_err *err)
{
	struct nt_recorder *r = calloc(1, sizeof(*r));
	int ret;

	*out = NULL;
	if (!r || !(r->path = strdup(path))) {
		free(r);
		return nt_err_set(err, ENOMEM, "%s: out of memory", path);
	}
	ret = create_file(r, path, err);
	if (!ret)
		ret = write_head(r, first, err);
	if (ret) {
		recorder_free(r);
		return ret;
	}
	*out = r;
	return 0;
}

/* ,"L":[[FAMILY,"ADDR",PORT,ACCEPT_QUEUE,BACKLOG],...] */
static void put_listeners(FILE *fp, const struct nt_listener *v, size_t n)
{
	fputs(",\"L\":[", fp);
	for (size_t i = 0; i < n; i++) {
		fprintf(fp, "%s[%d,", i ? "," : "",
			v[i].family == AF_INET6 ? 6 : 4);
		/* one byte short of the field: the replay needs a NUL */
		nt_json_put_string(fp, v[i].addr, sizeof(v[i].addr) - 1);
		fprintf(fp, ",%u,%" PRIu32 ",%" PRIu32 "]", v[i].port,
			v[i].accept_queue, v[i].backlog);
	}
	fputc(']', fp);
}

/*
 * The two's complement of an unsigned difference: the change as a signed
 * number, which added back as unsigned gives the new value exactly, wraps
 * included.
 */
static int64_t signed_change(uint64_t from, uint64_t to)
{
	uint64_t d = to - from;
	int64_t s;

	memcpy(&s, &d, sizeof(s));
	return s;
}

/* Decimal digits of @v ending at @end.  Return: where they start. */
static char *digits(char *end, uint64_t v)
{
	do {
		*--end = '0' + v % 10;
		v /= 10;
	} while (v);
	return end;
}

/*
 * ",GAP,DELTA" (no comma first when @first): printf would cost most of a
 * busy sample, so the numbers are formatted here.
 */
static void put_pair(FILE *fp, bool first, size_t gap, int64_t delta)
{
	char buf[64], *end = buf + sizeof(buf), *p;
	uint64_t mag = delta < 0 ? -(uint64_t)delta : (uint64_t)delta;

	p = digits(end, mag);
	if (delta < 0)
		*--p = '-';
	*--p = ',';
	p = digits(p, gap);
	if (!first)
		*--p = ',';
	fwrite_unlocked(p, 1, end - p, fp);
}

/* "d":[GAP,DELTA,...]: the first gap counts from -1, so every gap >= 1. */
static void put_deltas(struct nt_recorder *r, const struct nt_counter_vec *vec)
{
	size_t next = 0;	/* index after the last one written */

	fputs(",\"d\":[", r->fp);
	for (size_t i = 0; i < r->n; i++) {
		uint64_t v = *vec->cell[i];

		if (v == r->last[i])
			continue;
		put_pair(r->fp, !next, i + 1 - next,
			 signed_change(r->last[i], v));
		r->last[i] = v;
		next = i + 1;
	}
	fputc(']', r->fp);
}

/* ,"R":[["REASON","LOCATION","DEVICE",COUNT],...],"Ro":N or ,"Ru":"WHY" */
static void put_drops(struct nt_recorder *r)
{
	const struct nt_top_drops *d = r->drops;

	if (d->state == NT_TOP_DROPS_UNAVAILABLE && !r->said_why) {
		fputs(",\"Ru\":", r->fp);
		nt_json_put_string(r->fp, d->why, sizeof(d->why) - 1);
		r->said_why = true;
	}
	if (d->state != NT_TOP_DROPS_ON)
		return;
	fputs(",\"R\":[", r->fp);
	for (size_t i = 0; i < d->n && i < NT_TOP_REASONS; i++) {
		const struct nt_top_reason *v = &d->v[i];

		fputs(i ? ",[" : "[", r->fp);
		nt_json_put_string(r->fp, v->reason, sizeof(v->reason) - 1);
		fputc(',', r->fp);
		nt_json_put_string(r->fp, v->location, sizeof(v->location) - 1);
		fputc(',', r->fp);
		nt_json_put_string(r->fp, v->device, sizeof(v->device) - 1);
		fprintf(r->fp, ",%" PRIu64 "]", v->count);
	}
	fputc(']', r->fp);
	if (d->other)
		fprintf(r->fp, ",\"Ro\":%" PRIu64, d->other);
}

void nt_recorder_drops(struct nt_recorder *r, const struct nt_top_drops *d)
{
	r->drops = d;
}

static bool listeners_changed(const struct nt_recorder *r,
			      const struct nt_host *host)
{
	return !lset_equal(&r->listeners, host->listeners, host->n_listeners);
}

int nt_recorder_write(struct nt_recorder *r, const struct nt_host *host,
		      const struct nt_counter_vec *vec, struct nt_err *err)
{
	bool new_listeners;

	errno = 0;
	if (r->failed)
		return nt_err_set(err, r->failed, "%s: %s", r->path,
				  strerror(r->failed));
	if (vec->n != r->n)
		return nt_err_set(err, EINVAL,
				  "%s: a host of %zu counters, the recording has %zu",
				  r->path, vec->n, r->n);
	new_listeners = listeners_changed(r, host);
	/* before a byte is written: a set that cannot be kept is not sent */
	if (new_listeners && lset_reserve(&r->listeners, host->n_listeners))
		return nt_err_set(err, ENOMEM, "%s: out of memory", r->path);
	fprintf(r->fp, "{\"t\":%" PRId64 ",\"w\":%" PRId64 ",\"u\":%" PRId64,
		host->mono_ns, host->taken_ns, host->uptime_ns);
	put_deltas(r, vec);
	if (new_listeners) {
		put_listeners(r->fp, host->listeners, host->n_listeners);
		lset_assign(&r->listeners, host->listeners,
			    host->n_listeners);
	}
	if (r->drops)
		put_drops(r);
	fputs("}\n", r->fp);
	/* one write per sample: a killed top loses no sample it showed */
	if (fflush(r->fp) || ferror(r->fp)) {
		r->failed = errno ? errno : EIO;
		return io_error(r->path, err);
	}
	return 0;
}

int nt_recorder_close(struct nt_recorder *r, struct nt_err *err)
{
	int ret = 0;

	if (!r)
		return 0;
	errno = 0;
	if (fclose(r->fp) && !r->failed)
		ret = io_error(r->path, err);
	r->fp = NULL;
	recorder_free(r);
	return ret;
}

/* The replay ------------------------------------------------------------- */

struct nt_replay {
	FILE *fp;
	char *path;
	unsigned long line;	/* number of the line read last */
	char *buf;		/* getline's */
	size_t bufsize;
	uint64_t *val;		/* the running values */
	size_t n;
	struct lset listeners;	/* the running set */
	struct nt_top_drops drops;	/* of the line read last */
};

/* A line's fields once checked, before anything is applied. */
struct sample {
	int64_t t, w, u;
	struct json_object *d;
	struct json_object *l;	/* NULL: the set is unchanged */
	struct json_object *r;	/* NULL: no drop reasons on this line */
	struct json_object *ru;	/* NULL: no word on why not */
	int64_t ro;
};

void nt_replay_close(struct nt_replay *p)
{
	if (!p)
		return;
	if (p->fp)
		fclose(p->fp);
	free(p->path);
	free(p->buf);
	free(p->val);
	free(p->listeners.v);
	free(p);
}

/* -EINVAL with "FILE:LINE: " in front, for the line read last. */
static int bad_line(const struct nt_replay *p, struct nt_err *err,
		    const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad_line(const struct nt_replay *p, struct nt_err *err,
		    const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return nt_err_set(err, EINVAL, "%s:%lu: %s", p->path, p->line, msg);
}

/*
 * getline() that stops at LINE_MAX_BYTES (-EFBIG) instead of taking all
 * memory for a file with no newline.  Return: the length with the
 * newline, -1 at the end of the file or on a read error (errno), -EFBIG,
 * -ENOMEM.
 */
static ssize_t bounded_getline(struct nt_replay *p)
{
	size_t len = 0;
	int c = EOF;

	while ((c = getc_unlocked(p->fp)) != EOF) {
		if (len >= LINE_MAX_BYTES)
			return -EFBIG;
		if (len + 2 > p->bufsize) {
			size_t size = p->bufsize ? p->bufsize * 2 : 4096;
			char *bigger;

			if (size > LINE_MAX_BYTES + 2)
				size = LINE_MAX_BYTES + 2;

			bigger = realloc(p->buf, size);
			if (!bigger)
				return -ENOMEM;
			p->buf = bigger;
			p->bufsize = size;
		}
		p->buf[len++] = c;
		if (c == '\n')
			break;
	}
	if (!len)
		return -1;
	p->buf[len] = '\0';
	return len;
}

/*
 * The next line, without its newline, in p->buf and its length in @len.
 * Return: 1 with a line, 0 at the end of the file, -errno.
 */
static int read_line(struct nt_replay *p, size_t *len, struct nt_err *err)
{
	ssize_t got;

	errno = 0;
	got = bounded_getline(p);
	if (got == -EFBIG)
		return nt_err_set(err, EFBIG,
				  "%s:%lu: line longer than %zu MiB: not a nettune recording",
				  p->path, p->line + 1, LINE_MAX_BYTES >> 20);
	if (got == -ENOMEM)
		return nt_err_set(err, ENOMEM, "%s: out of memory", p->path);
	if (got < 0) {
		int e = errno ? errno : EIO;

		if (ferror(p->fp))
			return nt_err_set(err, e, "%s: %s", p->path,
					  strerror(e));
		return 0;
	}
	p->line++;
	if (got && p->buf[got - 1] == '\n')
		p->buf[--got] = '\0';
	*len = got;
	return 1;
}

/* Parse p->buf as the JSON object of line p->line. */
static int parse_line(struct nt_replay *p, size_t len,
		      struct json_object **obj, struct nt_err *err)
{
	char name[4200];
	int ret;

	snprintf(name, sizeof(name), "%s:%lu", p->path, p->line);
	ret = nt_json_parse(name, p->buf, len, obj, err);
	if (ret)
		return ret;
	if (!json_object_is_type(*obj, json_type_object)) {
		json_object_put(*obj);
		*obj = NULL;
		return nt_err_set(err, EINVAL, "%s: expected an object",
				  name);
	}
	return 0;
}

/* A JSON integer that fits int64_t (json-c keeps larger ones unsigned). */
static bool get_i64(struct json_object *o, int64_t *v)
{
	if (!json_object_is_type(o, json_type_int))
		return false;
	*v = json_object_get_int64(o);
	return *v != INT64_MAX || json_object_get_uint64(o) == INT64_MAX;
}

static bool get_range(struct json_object *o, int64_t min, int64_t max,
		      int64_t *v)
{
	return get_i64(o, v) && *v >= min && *v <= max;
}

/* Line 1: {"nettune_recording":1,"host":SNAPSHOT}; @host is set. */
static int check_head(struct nt_replay *p, struct json_object *obj,
		      struct json_object **host, struct nt_err *err)
{
	struct json_object *ver = NULL;
	int64_t v;

	*host = NULL;
	json_object_object_foreach(obj, key, val) {
		if (!strcmp(key, "nettune_recording"))
			ver = val;
		else if (!strcmp(key, "host"))
			*host = val;
		else
			return bad_line(p, err, "unknown member \"%s\"", key);
	}
	if (!ver)
		return bad_line(p, err,
				"not a nettune recording (no \"nettune_recording\")");
	if (!get_i64(ver, &v))
		return bad_line(p, err,
				"\"nettune_recording\": expected an integer");
	if (v != NT_RECORDING_VERSION)
		return bad_line(p, err,
				"recording version %" PRId64 ", this nettune reads version %d",
				v, NT_RECORDING_VERSION);
	if (!*host || !json_object_is_type(*host, json_type_object))
		return bad_line(p, err,
				"\"host\": expected the snapshot object");
	return 0;
}

static int load_first(struct nt_replay *p, struct nt_host *first,
		      struct nt_err *err)
{
	struct json_object *obj, *host;
	struct nt_err sub = { 0 };
	size_t len = 0;
	int ret = read_line(p, &len, err);

	if (ret < 0)
		return ret;
	if (!ret || !len)
		return nt_err_set(err, EINVAL,
				  "%s:1: empty, expected a nettune recording",
				  p->path);
	ret = parse_line(p, len, &obj, err);
	if (ret)
		return ret;
	ret = check_head(p, obj, &host, err);
	if (!ret) {
		ret = nt_snapshot_from_json(host, first, &sub);
		if (ret)
			ret = nt_err_set(err, -ret, "%s:%lu: host: %s",
					 p->path, p->line, sub.msg);
	}
	json_object_put(obj);
	return ret;
}

int nt_replay_open(struct nt_replay **out, const char *path,
		   struct nt_host *first, struct nt_err *err)
{
	struct nt_replay *p = calloc(1, sizeof(*p));
	int ret;

	*out = NULL;
	if (!p || !(p->path = strdup(path))) {
		free(p);
		return nt_err_set(err, ENOMEM, "%s: out of memory", path);
	}
	p->fp = fopen(path, "re");
	if (!p->fp) {
		ret = nt_err_set(err, errno, "%s: %s", path, strerror(errno));
		nt_replay_close(p);
		return ret;
	}
	ret = load_first(p, first, err);
	if (!ret && (values_of(first, &p->val, &p->n) ||
		     lset_assign(&p->listeners, first->listeners,
				 first->n_listeners)))
		ret = nt_err_set(err, ENOMEM, "%s: out of memory", path);
	if (ret) {
		nt_host_free(first);
		nt_replay_close(p);
		return ret;
	}
	*out = p;
	return 0;
}

/* "d": pairs of a gap (>= 1, within the vector) and any int64 change. */
static int check_deltas(struct nt_replay *p, struct json_object *d,
			struct nt_err *err)
{
	size_t len = json_object_array_length(d), next = 0;
	int64_t gap, delta;

	if (len % 2)
		return bad_line(p, err,
				"\"d\": odd length %zu, expected gap and change pairs",
				len);
	for (size_t i = 0; i < len; i += 2) {
		if (!get_range(json_object_array_get_idx(d, i), 1, INT64_MAX,
			       &gap))
			return bad_line(p, err,
					"\"d\"[%zu]: expected a gap of at least 1",
					i);
		if ((uint64_t)gap > p->n - next)
			return bad_line(p, err,
					"\"d\"[%zu]: gap %" PRId64 " runs past the %zu counters",
					i, gap, p->n);
		if (!get_i64(json_object_array_get_idx(d, i + 1), &delta))
			return bad_line(p, err,
					"\"d\"[%zu]: expected an integer change",
					i + 1);
		next += gap;
	}
	return 0;
}

/* One element of "L": [FAMILY,"ADDR",PORT,ACCEPT_QUEUE,BACKLOG]. */
static int check_listener(struct nt_replay *p, struct json_object *o,
			  size_t i, struct nt_listener *s, struct nt_err *err)
{
	struct json_object *addr;
	int64_t family, port, queue, backlog;

	if (!json_object_is_type(o, json_type_array) ||
	    json_object_array_length(o) != 5)
		return bad_line(p, err,
				"\"L\"[%zu]: expected [family, address, port, accept queue, backlog]",
				i);
	addr = json_object_array_get_idx(o, 1);
	if (!get_i64(json_object_array_get_idx(o, 0), &family) ||
	    (family != 4 && family != 6) ||
	    !json_object_is_type(addr, json_type_string) ||
	    (size_t)json_object_get_string_len(addr) >= sizeof(s->addr) ||
	    strlen(json_object_get_string(addr)) !=
		    (size_t)json_object_get_string_len(addr) ||
	    !get_range(json_object_array_get_idx(o, 2), 0, 65535, &port) ||
	    !get_range(json_object_array_get_idx(o, 3), 0, UINT32_MAX,
		       &queue) ||
	    !get_range(json_object_array_get_idx(o, 4), 0, UINT32_MAX,
		       &backlog))
		return bad_line(p, err,
				"\"L\"[%zu]: expected family 4 or 6, an address of at most %zu bytes, a port below 65536 and two 32-bit counts",
				i, sizeof(s->addr) - 1);
	if (!s)
		return 0;
	memset(s, 0, sizeof(*s));
	s->family = family == 6 ? AF_INET6 : AF_INET;
	strcpy(s->addr, json_object_get_string(addr));
	s->port = port;
	s->accept_queue = queue;
	s->backlog = backlog;
	return 0;
}

static int check_listeners(struct nt_replay *p, struct json_object *l,
			   struct nt_err *err)
{
	if (!json_object_is_type(l, json_type_array))
		return bad_line(p, err, "\"L\": expected an array");
	for (size_t i = 0; i < json_object_array_length(l); i++) {
		int ret = check_listener(p, json_object_array_get_idx(l, i), i,
					 NULL, err);

		if (ret)
			return ret;
	}
	return 0;
}

static int check_time(struct nt_replay *p, const char *key,
		      struct json_object *val, int64_t min, int64_t *v,
		      struct nt_err *err)
{
	if (!get_range(val, min, INT64_MAX, v))
		return bad_line(p, err, "\"%s\": expected an integer%s", key,
				min ? "" : " of at least 0");
	return 0;
}

/* A JSON string shorter than @size bytes, without a NUL inside. */
static bool get_str(struct json_object *o, size_t size)
{
	return json_object_is_type(o, json_type_string) &&
	       (size_t)json_object_get_string_len(o) < size &&
	       strlen(json_object_get_string(o)) ==
		       (size_t)json_object_get_string_len(o);
}

/* One element of "R": ["REASON","LOCATION","DEVICE",COUNT]. */
static int check_reason(struct nt_replay *p, struct json_object *o, size_t i,
			struct nt_err *err)
{
	const struct nt_top_reason *r = NULL;
	int64_t count;

	if (!json_object_is_type(o, json_type_array) ||
	    json_object_array_length(o) != 4 ||
	    !get_str(json_object_array_get_idx(o, 0), sizeof(r->reason)) ||
	    !get_str(json_object_array_get_idx(o, 1), sizeof(r->location)) ||
	    !get_str(json_object_array_get_idx(o, 2), sizeof(r->device)) ||
	    !get_range(json_object_array_get_idx(o, 3), 0, INT64_MAX, &count))
		return bad_line(p, err,
				"\"R\"[%zu]: expected [reason, location, device, count] with names of at most %zu, %zu and %zu bytes",
				i, sizeof(r->reason) - 1,
				sizeof(r->location) - 1, sizeof(r->device) - 1);
	return 0;
}

static int check_reasons(struct nt_replay *p, struct json_object *r,
			 struct nt_err *err)
{
	size_t n;

	if (!json_object_is_type(r, json_type_array) ||
	    (n = json_object_array_length(r)) > NT_TOP_REASONS)
		return bad_line(p, err, "\"R\": expected an array of at most %d rows",
				NT_TOP_REASONS);
	for (size_t i = 0; i < n; i++) {
		int ret = check_reason(p, json_object_array_get_idx(r, i), i,
				       err);

		if (ret)
			return ret;
	}
	return 0;
}

/* "R", "Ro", "Ru": 1 when @key is none of them, else 0 or -EINVAL. */
static int check_drops_member(struct nt_replay *p, const char *key,
			      struct json_object *val, struct sample *s,
			      struct nt_err *err)
{
	if (!strcmp(key, "R")) {
		s->r = val;
		return check_reasons(p, val, err);
	}
	if (!strcmp(key, "Ro"))
		return check_time(p, key, val, 0, &s->ro, err);
	if (!strcmp(key, "Ru")) {
		s->ru = val;
		if (!get_str(val, NT_TOP_WHY_LEN))
			return bad_line(p, err, "\"Ru\": expected a string of at most %d bytes",
					NT_TOP_WHY_LEN - 1);
		return 0;
	}
	return 1;
}

static int check_member(struct nt_replay *p, const char *key,
			struct json_object *val, struct sample *s,
			struct nt_err *err)
{
	int ret;

	if (!strcmp(key, "t"))
		return check_time(p, key, val, INT64_MIN, &s->t, err);
	if (!strcmp(key, "w"))
		return check_time(p, key, val, INT64_MIN, &s->w, err);
	if (!strcmp(key, "u"))
		return check_time(p, key, val, 0, &s->u, err);
	if (!strcmp(key, "d")) {
		s->d = val;
		if (!json_object_is_type(val, json_type_array))
			return bad_line(p, err, "\"d\": expected an array");
		return check_deltas(p, val, err);
	}
	if (!strcmp(key, "L")) {
		s->l = val;
		return check_listeners(p, val, err);
	}
	ret = check_drops_member(p, key, val, s, err);
	if (ret <= 0)
		return ret;
	return bad_line(p, err, "unknown member \"%s\"", key);
}

/* Every member of a sample line, checked; nothing is applied yet. */
static int check_sample(struct nt_replay *p, struct json_object *obj,
			struct sample *s, struct nt_err *err)
{
	unsigned int seen = 0;
	static const char *const need[] = { "t", "w", "u", "d" };

	memset(s, 0, sizeof(*s));
	json_object_object_foreach(obj, key, val) {
		int ret = check_member(p, key, val, s, err);

		if (ret)
			return ret;
		for (size_t i = 0; i < ARRAY_SIZE(need); i++)
			if (!strcmp(key, need[i]))
				seen |= 1u << i;
	}
	for (size_t i = 0; i < ARRAY_SIZE(need); i++)
		if (!(seen & (1u << i)))
			return bad_line(p, err, "missing \"%s\"", need[i]);
	return 0;
}

static void apply_deltas(struct nt_replay *p, struct json_object *d)
{
	size_t len = json_object_array_length(d), next = 0;

	for (size_t i = 0; i < len; i += 2) {
		int64_t gap = json_object_get_int64(
				json_object_array_get_idx(d, i));
		int64_t delta = json_object_get_int64(
				json_object_array_get_idx(d, i + 1));
		size_t at = next + gap - 1;

		p->val[at] += (uint64_t)delta;
		next = at + 1;
	}
}

static int apply_listeners(struct nt_replay *p, struct json_object *l,
			   struct nt_err *err)
{
	size_t n = json_object_array_length(l);

	if (lset_reserve(&p->listeners, n))
		return nt_err_set(err, ENOMEM, "%s: out of memory", p->path);
	for (size_t i = 0; i < n; i++)
		check_listener(p, json_object_array_get_idx(l, i), i,
			       &p->listeners.v[i], err);
	p->listeners.n = n;
	return 0;
}

/* The running listeners into @host, growing its array when needed. */
static int put_host_listeners(struct nt_replay *p, struct nt_host *host,
			      struct nt_err *err)
{
	size_t cap = host->listeners_cap > host->n_listeners ?
		     host->listeners_cap : host->n_listeners;
	size_t n = p->listeners.n;

	if (n > cap) {
		struct nt_listener *v = realloc(host->listeners,
						n * sizeof(*v));

		if (!v)
			return nt_err_set(err, ENOMEM, "%s: out of memory",
					  p->path);
		host->listeners = v;
		host->listeners_cap = n;
	}
	if (n)
		memcpy(host->listeners, p->listeners.v, n * sizeof(*host->listeners));
	host->n_listeners = n;
	return 0;
}

static void copy_str(char *dst, size_t size, struct json_object *o)
{
	snprintf(dst, size, "%s", json_object_get_string(o));
}

/* The line's drop reasons; a line without them keeps "unavailable". */
static void apply_drops(struct nt_replay *p, const struct sample *s)
{
	struct nt_top_drops *d = &p->drops;

	if (s->ru) {
		memset(d, 0, sizeof(*d));
		d->state = NT_TOP_DROPS_UNAVAILABLE;
		copy_str(d->why, sizeof(d->why), s->ru);
	}
	if (!s->r) {
		if (d->state == NT_TOP_DROPS_ON)
			memset(d, 0, sizeof(*d));
		return;
	}
	memset(d, 0, sizeof(*d));
	d->state = NT_TOP_DROPS_ON;
	d->n = json_object_array_length(s->r);
	d->other = (uint64_t)s->ro;
	for (size_t i = 0; i < d->n; i++) {
		struct json_object *o = json_object_array_get_idx(s->r, i);
		struct nt_top_reason *r = &d->v[i];

		copy_str(r->reason, sizeof(r->reason),
			 json_object_array_get_idx(o, 0));
		copy_str(r->location, sizeof(r->location),
			 json_object_array_get_idx(o, 1));
		copy_str(r->device, sizeof(r->device),
			 json_object_array_get_idx(o, 2));
		r->count = (uint64_t)json_object_get_int64(
				json_object_array_get_idx(o, 3));
	}
}

const struct nt_top_drops *nt_replay_drops(const struct nt_replay *p)
{
	return &p->drops;
}

/* An empty line ends the recording when only empty lines follow it. */
static int at_end(struct nt_replay *p, struct nt_err *err)
{
	unsigned long empty = p->line;
	size_t len = 0;
	int ret;

	while ((ret = read_line(p, &len, err)) == 1 && !len)
		;
	if (ret <= 0)
		return ret;
	return nt_err_set(err, EINVAL,
			  "%s:%lu: empty line inside the recording",
			  p->path, empty);
}

int nt_replay_next(struct nt_replay *p, struct nt_host *host,
		   const struct nt_counter_vec *vec, struct nt_err *err)
{
	struct json_object *obj;
	struct sample s;
	size_t len = 0;
	int ret;

	if (vec->n != p->n)
		return nt_err_set(err, EINVAL,
				  "%s: a host of %zu counters, the recording has %zu",
				  p->path, vec->n, p->n);
	ret = read_line(p, &len, err);
	if (ret <= 0)
		return ret;
	if (!len)
		return at_end(p, err);
	ret = parse_line(p, len, &obj, err);
	if (ret)
		return ret;
	ret = check_sample(p, obj, &s, err);
	if (!ret) {
		apply_deltas(p, s.d);
		apply_drops(p, &s);
		if (s.l)
			ret = apply_listeners(p, s.l, err);
	}
	json_object_put(obj);
	if (!ret)
		ret = put_host_listeners(p, host, err);
	if (ret)
		return ret;
	for (size_t i = 0; i < p->n; i++)
		*vec->cell[i] = p->val[i];
	host->mono_ns = s.t;
	host->taken_ns = s.w;
	host->uptime_ns = s.u;
	return 1;
}
