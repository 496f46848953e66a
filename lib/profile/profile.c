// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tuning profiles: INI files read with inih.  Every value is checked as it
 * is read, so a mistake is reported with its file and line before anything
 * is planned, then includes are flattened into one list in effect order.
 *
 * Debian's inih passes no line number to the handler, so the reader below
 * feeds inih one line at a time and counts lines itself.  It also does the
 * parts of the syntax inih is loose about (section headers, indentation,
 * long lines), so that every error carries the line it is on.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/cpumask.h"
#include "profile/profile.h"
#include "sys/sysctl.h"
#include "util/str.h"
#include "util/trust.h"

#ifndef NT_DATADIR
#define NT_DATADIR	"/usr/local/share/nettune"
#endif

#define LOCAL_DIR	"/etc/nettune/profiles"
#define SHIPPED_DIR	NT_DATADIR "/profiles"
#define SUFFIX		".conf"
#define SUFFIX_LEN	(sizeof(SUFFIX) - 1)

/* Deeper than any sane hierarchy; stops a runaway chain of includes. */
#define MAX_DEPTH	16
/* Includes repeated through a diamond copy entries; this bounds it. */
#define MAX_ENTRIES	4096
/* far above any profile; a bigger file is refused unread */
#define MAX_BYTES	((off_t)1 << 20)

enum value_kind {
	V_TEXT,		/* anything */
	V_NUMBER,	/* decimal in [min, max] */
	V_RING,		/* a number or "max N" */
	V_CPULIST,	/* "0-3,8" */
	V_KIND,		/* a qdisc kind alone */
	V_NAMES,	/* "bbr, cubic" */
	V_INCLUDE,	/* "balanced, ./site.conf" */
};

struct key_rule {
	const char *key;
	enum value_kind kind;
	const char *words[3];	/* keywords accepted as well as @kind */
	unsigned long min, max;
	const char *expect;	/* completes "...: expected ..." */
};

struct section_rule {
	const char *name;
	bool per_iface;		/* may be limited: "[rings eth*]" */
	const struct key_rule *keys;	/* NULL-key ended */
};

#define COUNT(k, w1, w2)						\
	{ k, V_NUMBER, { w1, w2 }, 1, UINT32_MAX,			\
	  "a number, max or local-cores" }
#define RING(k)								\
	{ k, V_RING, { "max" }, 1, UINT32_MAX,				\
	  "a number, max or \"max N\"" }
#define CPUS(k, w1, w2)							\
	{ k, V_CPULIST, { w1, w2 }, 0, 0,				\
	  w1 ", " w2 " or a CPU list such as 0-3,8" }

static const struct key_rule main_keys[] = {
	{ .key = "summary", .kind = V_TEXT },
	{ .key = "include", .kind = V_INCLUDE,
	  .expect = "profile names separated by commas" },
	{ 0 }
};

static const struct key_rule sysctl_keys[] = {
	{ 0 }	/* any key nt_sysctl_is_known() accepts */
};

static const struct key_rule rings_keys[] = {
	RING("rx"), RING("tx"), { 0 }
};

static const struct key_rule channels_keys[] = {
	COUNT("combined", "max", "local-cores"),
	COUNT("rx", "max", "local-cores"),
	COUNT("tx", "max", "local-cores"),
	{ 0 }
};

static const struct key_rule irq_keys[] = {
	CPUS("affinity", "spread-local", "spread"), { 0 }
};

static const struct key_rule rps_keys[] = {
	CPUS("cpus", "auto", "off"),
	{ "flow_cnt", V_NUMBER, { NULL }, 0, 1048576,
	  "a number from 0 to 1048576" },
	{ 0 }
};

static const struct key_rule xps_keys[] = {
	CPUS("cpus", "match-irq", "off"), { 0 }
};

static const struct key_rule qdisc_keys[] = {
	{ .key = "root", .kind = V_KIND,
	  .expect = "a qdisc kind such as fq or fq_codel (it is set with its default parameters)" },
	{ "txqlen", V_NUMBER, { NULL }, 1, 1000000,
	  "a number from 1 to 1000000" },
	{ 0 }
};

static const struct key_rule congestion_keys[] = {
	{ .key = "algorithm", .kind = V_NAMES,
	  .expect = "algorithm names separated by commas, such as bbr, cubic" },
	{ .key = "qdisc", .kind = V_KIND, .expect = "a qdisc kind such as fq" },
	{ 0 }
};

static const struct section_rule sections[] = {
	{ "main", false, main_keys },
	{ "sysctl", false, sysctl_keys },
	{ "rings", true, rings_keys },
	{ "channels", true, channels_keys },
	{ "irq", true, irq_keys },
	{ "rps", true, rps_keys },
	{ "xps", true, xps_keys },
	{ "qdisc", true, qdisc_keys },
	{ "congestion", false, congestion_keys },
	{ 0 }
};

#define SECTION_NAMES	\
	"main, sysctl, rings, channels, irq, rps, xps, qdisc, congestion"

/* The kernel shows these; writing them fails, so a profile may not. */
static const char *const read_only_sysctls[] = {
	"net.ipv4.tcp_available_congestion_control",
	"net.netfilter.nf_conntrack_count",
	NULL
};

struct entries {
	struct nt_profile_entry *v;
	size_t n, cap;
};

/* State of one file being read; also inih's stream and user pointer. */
struct parse {
	FILE *fp;
	const char *file;
	int line;
	char *buf;
	size_t bufsize;
	int read_errno;
	const struct section_rule *sec;	/* NULL before the first header */
	char match[sizeof(((struct nt_profile_entry *)0)->match)];
	struct entries *out;
	int err_line;
	struct nt_err err;	/* first error, kept here to order it */
};

static bool copy_str(char *dst, size_t size, const char *src)
{
	size_t len = strlen(src);

	if (len >= size)
		return false;
	memcpy(dst, src, len + 1);
	return true;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t len = strlen(s), slen = strlen(suffix);

	return len >= slen && strcmp(s + len - slen, suffix) == 0;
}

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int __attribute__((format(printf, 2, 3)))
fail(struct parse *p, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!p->err.code)
		p->err_line = p->line;
	nt_err_set(&p->err, EINVAL, "%s:%d: %s", p->file, p->line, msg);
	return 0;
}

/* ---- values ---- */

static bool number_in(const char *s, unsigned long min, unsigned long max)
{
	unsigned long long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return false;
		v = v * 10 + (*s - '0');
		if (v > max)
			return false;
	}
	return v >= min;
}

static bool ring_ok(const char *v, const struct key_rule *rule)
{
	if (strncmp(v, "max", 3) == 0 && isblank((unsigned char)v[3])) {
		for (v += 3; isblank((unsigned char)*v); v++)
			;
	}
	return number_in(v, rule->min, rule->max);
}

/* Return: 1 valid, 0 not, -ENOMEM. */
static int cpulist_ok(const char *v)
{
	struct nt_cpumask mask = { 0 };
	int ret = nt_cpumask_parse_list(&mask, v);
	bool empty = nt_cpumask_empty(&mask);

	nt_cpumask_free(&mask);
	if (ret == -ENOMEM)
		return ret;
	return !ret && !empty;
}

static bool kind_char(char c)
{
	return islower((unsigned char)c) || isdigit((unsigned char)c) ||
	       c == '_';
}

static size_t span_kind(const char *v)
{
	size_t len = 0;

	while (kind_char(v[len]))
		len++;
	return len;
}

/*
 * "fq" or "fq_codel" alone: apply sets a kind with its default parameters
 * and reads back the kind, so arguments could not be honoured.
 */
static bool kind_ok(const char *s, size_t len)
{
	return len && !isdigit((unsigned char)s[0]) && span_kind(s) >= len;
}

static bool algorithm_ok(const char *s, size_t len)
{
	return len && span_kind(s) >= len;
}

/* A profile name or path: no white space inside. */
static bool include_ok(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (isspace((unsigned char)s[i]))
			return false;
	return len > 0;
}

/* Every comma-separated item, trimmed, satisfies @ok. */
static bool each_item(const char *v, bool (*ok)(const char *s, size_t len))
{
	for (;;) {
		const char *comma = strchr(v, ',');
		size_t len = comma ? (size_t)(comma - v) : strlen(v);

		while (len && isblank((unsigned char)*v)) {
			v++;
			len--;
		}
		while (len && isblank((unsigned char)v[len - 1]))
			len--;
		if (!ok(v, len))
			return false;
		if (!comma)
			return true;
		v = comma + 1;
	}
}

/* "fq, fq_codel, pfifo_fast": kinds in order of preference. */
static bool qdisc_ok(const char *v)
{
	return each_item(v, kind_ok);
}

/*
 * Sizes may say how they relate to the host's: ">= N" at least, "<= N"
 * at most, "= N" exactly (nettune-profile(5); the planner applies it).
 */
static bool bounded(const struct key_rule *rule)
{
	return rule->kind == V_RING || !strcmp(rule->key, "txqlen") ||
	       !strcmp(rule->key, "flow_cnt");
}

static const char *skip_bound(const char *v)
{
	if (!strncmp(v, ">=", 2) || !strncmp(v, "<=", 2))
		v += 2;
	else if (v[0] == '=')
		v++;
	while (isblank((unsigned char)*v))
		v++;
	return v;
}

static bool is_word(const char *v, const struct key_rule *rule)

{
	for (size_t i = 0; i < 3 && rule->words[i]; i++)
		if (strcmp(v, rule->words[i]) == 0)
			return true;
	return false;
}

/* Return: 1 valid, 0 not, -ENOMEM. */
static int value_ok(const char *v, const struct key_rule *rule)
{
	if (is_word(v, rule))
		return 1;
	switch (rule->kind) {
	case V_TEXT:
		return 1;
	case V_NUMBER:
		return number_in(v, rule->min, rule->max);
	case V_RING:
		return ring_ok(v, rule);
	case V_CPULIST:
		return cpulist_ok(v);
	case V_KIND:
		return qdisc_ok(v);
	case V_NAMES:
		return each_item(v, algorithm_ok);
	case V_INCLUDE:
		return each_item(v, include_ok);
	}
	return 0;
}

/* ---- entries ---- */

static int entries_add(struct entries *e, const struct nt_profile_entry *src)
{
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 32;
		void *v = realloc(e->v, cap * sizeof(*e->v));

		if (!v)
			return -ENOMEM;
		e->v = v;
		e->cap = cap;
	}
	e->v[e->n++] = *src;
	return 0;
}

static int add_entry(struct parse *p, const char *key, const char *value)
{
	struct nt_profile_entry e = { .line = p->line };

	/* Long keys are refused as unknown first; values fit a line. */
	if (!copy_str(e.section, sizeof(e.section), p->sec->name) ||
	    !copy_str(e.match, sizeof(e.match), p->match) ||
	    !copy_str(e.key, sizeof(e.key), key) ||
	    !copy_str(e.value, sizeof(e.value), value) ||
	    !copy_str(e.file, sizeof(e.file), p->file))
		return fail(p, "[%s] %s: too long", p->sec->name, key);
	if (entries_add(p->out, &e)) {
		nt_err_set(&p->err, ENOMEM, "%s: out of memory", p->file);
		return 0;
	}
	return 1;
}

static const struct key_rule *find_key(const struct section_rule *sec,
				       const char *key)
{
	for (const struct key_rule *k = sec->keys; k->key; k++)
		if (strcmp(k->key, key) == 0)
			return k;
	return NULL;
}

static void key_names(const struct section_rule *sec, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (const struct key_rule *k = sec->keys; k->key; k++)
		nt_str_append(buf, size, &len, "%s%s", k == sec->keys ? "" : ", ",
		       k->key);
}

static bool str_in(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

/* The sysctls nettune manages whose values are words, not numbers. */
static const char *const word_sysctls[] = {
	"net.core.default_qdisc", "net.ipv4.tcp_allowed_congestion_control",
	"net.ipv4.tcp_available_congestion_control",
	"net.ipv4.tcp_congestion_control", NULL,
};

/*
 * One to three integers, each within an int (a long for the page counts
 * of tcp_mem and udp_mem), after an optional bound (">=", "<=", "=").
 */
static bool sysctl_numbers_ok(const char *key, const char *value)
{
	bool is_long = strstr(key, "_mem") && !strstr(key, "_mem_");
	const char *s = skip_bound(value);
	int n = 0;

	while (*s) {
		char *end;
		long long v;

		errno = 0;
		v = strtoll(s, &end, 10);
		if (end == s || errno || ++n > 3 ||
		    (*end && !isspace((unsigned char)*end)) ||
		    (!is_long && (v < INT_MIN || v > INT_MAX)))
			return false;
		for (s = end; isspace((unsigned char)*s); s++)
			;
	}
	return n > 0;
}

/*
 * Values are the kernel's to judge, but a number sysctl given a word, or a
 * number no kernel int holds, is refused here; an empty one is a slip.
 */
static int on_sysctl(struct parse *p, const char *key, const char *value)
{
	if (!nt_sysctl_is_known(key))
		return fail(p, "unknown key \"%s\" in [sysctl]: not a sysctl "
			    "nettune manages", key);
	if (str_in(key, read_only_sysctls))
		return fail(p, "[sysctl] %s is read-only", key);
	if (!*value)
		return fail(p, "[sysctl] %s = \"%s\": expected a value", key,
			    value);
	if (!str_in(key, word_sysctls) && !sysctl_numbers_ok(key, value))
		return fail(p, "[sysctl] %s = \"%s\": expected one to three integers, each from %d to %d",
			    key, value, INT_MIN, INT_MAX);
	return add_entry(p, key, value);
}

/* tuned(8) profiles quote values; a quoted sysctl value must still work. */
static const char *unquote(const char *value, char *buf, size_t size)
{
	size_t len = strlen(value);

	if (len < 2 || value[0] != '"' || value[len - 1] != '"' ||
	    len - 2 >= size)
		return value;
	memcpy(buf, value + 1, len - 2);
	buf[len - 2] = '\0';
	return buf;
}

static int on_entry(void *user, const char *section, const char *key,
		    const char *value)
{
	struct parse *p = user;
	char names[128], buf[sizeof(((struct nt_profile_entry *)0)->value)];
	const struct key_rule *rule;
	int ok;

	(void)section;	/* headers never reach inih: see prepare_line() */
	if (p->err.code)
		return 0;
	value = unquote(value, buf, sizeof(buf));
	if (!p->sec)
		return fail(p, "\"%s\" is outside any section; expected a "
			    "[section] header first", key);
	if (p->sec->keys == sysctl_keys)
		return on_sysctl(p, key, value);
	rule = find_key(p->sec, key);
	if (!rule) {
		key_names(p->sec, names, sizeof(names));
		return fail(p, "unknown key \"%s\" in [%s]; expected %s", key,
			    p->sec->name, names);
	}
	ok = value_ok(bounded(rule) ? skip_bound(value) : value, rule);
	if (ok < 0) {
		nt_err_set(&p->err, ENOMEM, "%s: out of memory", p->file);
		return 0;
	}
	if (!ok)
		return fail(p, "[%s] %s = \"%s\": expected %s", p->sec->name,
			    key, value, rule->expect);
	return add_entry(p, key, value);
}

/* ---- lines and section headers ---- */

static const struct section_rule *find_section(const char *name, size_t len)
{
	for (const struct section_rule *s = sections; s->name; s++)
		if (strlen(s->name) == len && strncmp(s->name, name, len) == 0)
			return s;
	return NULL;
}

/* An interface glob ("eth*") or driver name: no space, '/' or '='. */
static bool match_word_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isgraph((unsigned char)*s) || *s == '/' || *s == '=')
			return false;
	return true;
}

static bool match_ok(const char *match)
{
	if (strncmp(match, "driver=", 7) == 0)
		return match_word_ok(match + 7);
	return match_word_ok(match);
}

/* @text is "[...]" without comments or surrounding white space. */
static bool parse_header(struct parse *p, char *text)
{
	size_t len = strlen(text), name_len;
	char *name, *match;

	if (len < 2 || text[len - 1] != ']')
		return fail(p, "malformed section header \"%s\": expected "
			    "[NAME] or [NAME MATCH]", text);
	text[len - 1] = '\0';
	for (name = text + 1; isblank((unsigned char)*name); name++)
		;
	name_len = strcspn(name, " \t");
	for (match = name + name_len; isblank((unsigned char)*match); match++)
		;
	len = strlen(match);
	while (len && isblank((unsigned char)match[len - 1]))
		match[--len] = '\0';
	p->sec = find_section(name, name_len);
	if (!p->sec)
		return fail(p, "unknown section [%.*s]; expected one of "
			    SECTION_NAMES, (int)name_len, name);
	if (*match && !p->sec->per_iface)
		return fail(p, "[%s %s]: [%s] applies to the whole host and "
			    "takes no interface match", p->sec->name, match,
			    p->sec->name);
	if ((*match && !match_ok(match)) ||
	    !copy_str(p->match, sizeof(p->match), match))
		return fail(p, "malformed section [%s %s]: expected [%s], "
			    "[%s GLOB] or [%s driver=NAME]", p->sec->name,
			    match, p->sec->name, p->sec->name, p->sec->name);
	return true;
}

/* Cut a ';' or '#' comment that starts the line or follows a blank. */
static void cut_comment(char *s)
{
	for (char *c = s; *c; c++) {
		if ((*c == ';' || *c == '#') &&
		    (c == s || isblank((unsigned char)c[-1]))) {
			*c = '\0';
			break;
		}
	}
}

static char *trim(char *s)
{
	size_t len;

	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len && isspace((unsigned char)s[len - 1]))
		s[--len] = '\0';
	return s;
}

/*
 * Hand inih a line it cannot misread: no indentation (inih would take an
 * indented key for the continuation of the previous value), no comment,
 * and nothing for headers, which are handled here with the whole line.
 */
static bool prepare_line(struct parse *p, char *out, int size, size_t len)
{
	char *s = p->buf;

	if (strlen(s) != len)
		return fail(p, "line contains a NUL byte");
	/* binary data is not echoed to the terminal */
	for (const char *c = s; *c; c++)
		if (iscntrl((unsigned char)*c) && *c != '\t' && *c != '\n' &&
		    *c != '\r')
			return fail(p, "line contains control characters: not a profile");
	if (p->line == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	cut_comment(s);
	s = trim(s);
	if (*s == '[') {
		if (!parse_header(p, s))
			return false;
		*s = '\0';
	} else if (*s && !strpbrk(s, "=:")) {
		return fail(p, "\"%s\": expected KEY = VALUE", s);
	}
	len = strlen(s);
	if (len + 2 > (size_t)size)
		return fail(p, "line is longer than %d characters", size - 2);
	memcpy(out, s, len);
	memcpy(out + len, "\n", 2);
	return true;
}

static char *read_line(char *str, int num, void *stream)
{
	struct parse *p = stream;
	ssize_t len;

	if (p->err.code || num < 2)
		return NULL;
	errno = 0;
	len = getline(&p->buf, &p->bufsize, p->fp);
	if (len < 0) {
		p->read_errno = errno;
		return NULL;
	}
	p->line++;
	return prepare_line(p, str, num, len) ? str : NULL;
}

static int parse_result(struct parse *p, int ret, struct nt_err *err)
{
	if (ret == -2 || p->err.code == ENOMEM)
		return nt_err_set(err, ENOMEM, "%s: out of memory", p->file);
	/* Checked per line in the reader; inih's own verdict is a backstop. */
	if (ret > 0 && (!p->err.code || ret < p->err_line))
		return nt_err_set(err, EINVAL, "%s:%d: expected KEY = VALUE",
				  p->file, ret);
	if (p->err.code)
		return nt_err_set(err, p->err.code, "%s", p->err.msg);
	if (p->read_errno)
		return nt_err_set(err, p->read_errno, "%s: cannot read: %s",
				  p->file, strerror(p->read_errno));
	return 0;
}

static int check_size(int fd, const char *path, struct nt_err *err)
{
	struct stat st;

	if (fstat(fd, &st))
		return nt_err_set(err, errno, "%s: cannot read: %s", path,
				  strerror(errno));
	if (S_ISREG(st.st_mode) && st.st_size > MAX_BYTES)
		return nt_err_set(err, EFBIG,
				  "%s: %lld bytes, too big for a profile (at most %lld)",
				  path, (long long)st.st_size,
				  (long long)MAX_BYTES);
	return 0;
}

/* Read one file's own entries, [main] included, without following includes. */
static int parse_file(const char *path, struct entries *out,
		      struct nt_err *err)
{
	struct parse p = { .file = path, .out = out };
	int ret;

	p.fp = fopen(path, "re");
	if (!p.fp)
		return nt_err_set(err, errno, "%s: cannot open: %s", path,
				  strerror(errno));
	/* the file that was opened, and the directories above it */
	ret = nt_trust_fd(fileno(p.fp), path, err);
	if (!ret)
		ret = check_size(fileno(p.fp), path, err);
	if (ret) {
		fclose(p.fp);
		return ret;
	}
	ret = ini_parse_stream(read_line, &p, on_entry, &p);
	ret = parse_result(&p, ret, err);
	free(p.buf);
	fclose(p.fp);
	return ret;
}

/* ---- finding files and flattening includes ---- */

static int join(char *buf, size_t size, const char *dir, size_t dir_len,
		const char *name, const char *suffix)
{
	int len = snprintf(buf, size, "%.*s%s%s%s", (int)dir_len, dir,
			   dir_len ? "/" : "", name, suffix);

	return len < 0 || (size_t)len >= size ? -ENAMETOOLONG : 0;
}

static bool is_path(const char *name)
{
	return strchr(name, '/') || has_suffix(name, SUFFIX);
}

/*
 * Return: 1 found, 0 not found, or negative errno with @err set: every
 * directory searched up to the one that has it must be trusted
 * (util/trust.h), or another could have put a file of that name there.
 */
static int search_dirs(const char *const *dirs, const char *name,
		       char *path, size_t size, struct nt_err *err)
{
	for (size_t i = 0; dirs && dirs[i]; i++) {
		int ret = is_dir(dirs[i]) ? nt_trust_dir(dirs[i], err) : 0;

		if (ret)
			return ret;
		if (!join(path, size, dirs[i], strlen(dirs[i]), name, SUFFIX) &&
		    is_file(path))
			return 1;
	}
	return 0;
}

static void format_dirs(const char *const *dirs, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; dirs && dirs[i]; i++)
		nt_str_append(buf, size, &len, "%s%s", i ? ", " : "", dirs[i]);
	if (!len)
		nt_str_append(buf, size, &len, "no directories");
}

struct frame {
	char real[PATH_MAX];	/* to recognise a file reached twice */
	const char *shown;	/* as named, for messages */
};

struct loader {
	const char *const *dirs;
	struct frame stack[MAX_DEPTH];
	int depth;
	struct entries out;
	struct nt_err *err;
};

static bool is_include(const struct nt_profile_entry *e)
{
	return strcmp(e->section, "main") == 0 &&
	       strcmp(e->key, "include") == 0;
}

static int load_file(struct loader *ld, const char *path, const char *real);

/* Relative paths are relative to the including file, as in C. */
static int resolve_include(struct loader *ld, const struct nt_profile_entry *e,
			   const char *name, char *path, size_t size)
{
	const char *slash = strrchr(e->file, '/');
	size_t dir_len = slash ? (size_t)(slash - e->file) : 0, len = 0;
	char searched[1024];

	if (!is_path(name)) {
		int found = search_dirs(ld->dirs, name, path, size, ld->err);

		if (found)
			return found < 0 ? found : 0;
		format_dirs(ld->dirs, searched, sizeof(searched));
	} else {
		if (name[0] == '/')
			dir_len = 0;
		else if (slash && !dir_len)
			dir_len = 1;	/* "/a.conf" includes "b.conf" */
		if (join(path, size, e->file, dir_len, name, "") == 0 &&
		    is_file(path))
			return 0;
		searched[0] = '\0';
		nt_str_append(searched, sizeof(searched), &len, "%s", path);
	}
	return nt_err_set(ld->err, EINVAL, "%s:%d: include \"%s\": no such "
			  "profile (searched %s)", e->file, e->line, name,
			  searched);
}

static int cycle_error(struct loader *ld, const struct nt_profile_entry *e,
		       int from, const char *path)
{
	char chain[400];
	size_t len = 0;

	chain[0] = '\0';
	for (int i = from; i < ld->depth; i++)
		nt_str_append(chain, sizeof(chain), &len, "%s -> ",
		       base_name(ld->stack[i].shown));
	nt_str_append(chain, sizeof(chain), &len, "%s", base_name(path));
	return nt_err_set(ld->err, EINVAL, "%s:%d: include cycle: %s",
			  e->file, e->line, chain);
}

static int load_include(struct loader *ld, const struct nt_profile_entry *e,
			const char *name)
{
	char path[PATH_MAX], real[PATH_MAX];
	int ret = resolve_include(ld, e, name, path, sizeof(path));

	if (ret)
		return ret;
	if (!realpath(path, real))
		return nt_err_set(ld->err, errno, "%s:%d: include \"%s\": %s",
				  e->file, e->line, name, strerror(errno));
	for (int i = 0; i < ld->depth; i++)
		if (strcmp(ld->stack[i].real, real) == 0)
			return cycle_error(ld, e, i, path);
	if (ld->depth == MAX_DEPTH)
		return nt_err_set(ld->err, EINVAL, "%s:%d: include \"%s\": "
				  "includes nested more than %d deep",
				  e->file, e->line, name, MAX_DEPTH);
	return load_file(ld, path, real);
}

static int load_includes(struct loader *ld, const struct nt_profile_entry *e)
{
	char names[sizeof(e->value)], *save, *name;
	int ret = 0;

	memcpy(names, e->value, sizeof(names));
	for (name = strtok_r(names, ",", &save); name && !ret;
	     name = strtok_r(NULL, ",", &save))
		ret = load_include(ld, e, trim(name));
	return ret;
}

static int append_own(struct loader *ld, const struct entries *own)
{
	for (size_t i = 0; i < own->n; i++) {
		if (is_include(&own->v[i]))
			continue;
		if (ld->out.n == MAX_ENTRIES)
			return nt_err_set(ld->err, EINVAL, "%s: more than %d "
					  "entries with its includes",
					  ld->stack[0].shown, MAX_ENTRIES);
		if (entries_add(&ld->out, &own->v[i]))
			return nt_err_set(ld->err, ENOMEM, "%s: out of memory",
					  own->v[i].file);
	}
	return 0;
}

/* Includes first, in order, then the file's own entries: later wins. */
static int load_file(struct loader *ld, const char *path, const char *real)
{
	struct frame *f = &ld->stack[ld->depth];
	struct entries own = { 0 };
	int ret;

	memcpy(f->real, real, strlen(real) + 1);
	f->shown = path;
	ld->depth++;
	ret = parse_file(path, &own, ld->err);
	for (size_t i = 0; !ret && i < own.n; i++)
		if (is_include(&own.v[i]))
			ret = load_includes(ld, &own.v[i]);
	if (!ret)
		ret = append_own(ld, &own);
	ld->depth--;
	free(own.v);
	return ret;
}

static int find_top(const char *name, const char *const *dirs, char *path,
		    size_t size, struct nt_err *err)
{
	char searched[1024];
	int found;

	if (is_path(name)) {
		if (copy_str(path, size, name) && is_file(path))
			return 0;
		return nt_err_set(err, ENOENT, "%s: no such profile file",
				  name);
	}
	found = search_dirs(dirs, name, path, size, err);
	if (found)
		return found < 0 ? found : 0;
	format_dirs(dirs, searched, sizeof(searched));
	return nt_err_set(err, ENOENT, "%s: no such profile (searched %s)",
			  name, searched);
}

static int profile_name(const char *path, char *name, size_t size,
			struct nt_err *err)
{
	const char *base = base_name(path);
	size_t len = strlen(base);

	if (has_suffix(base, SUFFIX))
		len -= SUFFIX_LEN;
	if (!len || len >= size)
		return nt_err_set(err, EINVAL, "%s: a profile name has 1 to "
				  "%zu characters before " SUFFIX, path,
				  size - 1);
	memcpy(name, base, len);
	name[len] = '\0';
	return 0;
}

/* Move [main] summary out of the entries; the last one set wins. */
static void take_summary(struct nt_profile *profile)
{
	size_t n = 0;

	for (size_t i = 0; i < profile->n; i++) {
		struct nt_profile_entry *e = &profile->v[i];

		if (strcmp(e->section, "main") == 0)
			copy_str(profile->summary, sizeof(profile->summary),
				 e->value);
		else if (n++ != i)
			profile->v[n - 1] = *e;
	}
	profile->n = n;
}

int nt_profile_load(const char *name, const char *const *dirs,
		    struct nt_profile *out, struct nt_err *err)
{
	struct loader *ld;
	char real[PATH_MAX];
	int ret;

	memset(out, 0, sizeof(*out));
	if (!name || !*name)
		return nt_err_set(err, EINVAL, "no profile name given");
	ret = find_top(name, dirs, out->path, sizeof(out->path), err);
	if (!ret)
		ret = profile_name(out->path, out->name, sizeof(out->name),
				   err);
	if (ret)
		return ret;
	if (!realpath(out->path, real))
		return nt_err_set(err, errno, "%s: %s", out->path,
				  strerror(errno));
	ld = calloc(1, sizeof(*ld));
	if (!ld)
		return nt_err_set(err, ENOMEM, "%s: out of memory", out->path);
	ld->dirs = dirs;
	ld->err = err;
	ret = load_file(ld, out->path, real);
	out->v = ld->out.v;
	out->n = ld->out.n;
	free(ld);
	if (ret) {
		nt_profile_free(out);
		return ret;
	}
	take_summary(out);
	return 0;
}

void nt_profile_free(struct nt_profile *profile)
{
	if (!profile)
		return;
	free(profile->v);
	profile->v = NULL;
	profile->n = 0;
}

/* ---- search path and listing ---- */

/*
 * The first directory of a colon-separated list that exists, else the
 * first named, so a message still says where nettune looked.
 */
static const char *first_dir(const char *list, char *buf, size_t size)
{
	const char *first = NULL;
	size_t first_len = 0;

	for (const char *s = list; *s; ) {
		size_t len = strcspn(s, ":");

		if (len && len < size) {
			memcpy(buf, s, len);
			buf[len] = '\0';
			if (is_dir(buf))
				return buf;
			if (!first) {
				first = s;
				first_len = len;
			}
		}
		s += len + (s[len] == ':');
	}
	if (!first)
		return NULL;
	memcpy(buf, first, first_len);
	buf[first_len] = '\0';
	return buf;
}

/* Running from the source tree: the binary is build/nettune. */
static const char *tree_dir(char *buf, size_t size)
{
	char exe[PATH_MAX], *slash;
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (len <= 0)
		return NULL;
	exe[len] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	if (join(buf, size, exe, strlen(exe), "../profiles", "") ||
	    !is_dir(buf))
		return NULL;
	/* Nicer in messages; the joined form works as well. */
	if (realpath(buf, exe))
		copy_str(buf, size, exe);
	return buf;
}

static const char *shipped_dir(void)
{
	static char buf[PATH_MAX];
	const char *env = getenv("NETTUNE_PROFILE_PATH");
	const char *dir = NULL;

	if (env)
		dir = first_dir(env, buf, sizeof(buf));
	if (!dir && is_dir(SHIPPED_DIR))
		dir = SHIPPED_DIR;
	if (!dir)
		dir = tree_dir(buf, sizeof(buf));
	return dir ? dir : SHIPPED_DIR;
}

void nt_profile_dirs(const char *extra, const char *dirs[4])
{
	int n = 0;

	if (extra && *extra)
		dirs[n++] = extra;
	dirs[n++] = LOCAL_DIR;
	dirs[n++] = shipped_dir();
	dirs[n] = NULL;
}

struct infos {
	struct nt_profile_info *v;
	size_t n, cap;
};

static bool listed(const struct infos *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return true;
	return false;
}

/* Only the file's own [main] summary: a broken include must not hide it. */
static int read_summary(const char *path, char *summary, size_t size)
{
	struct entries own = { 0 };
	struct nt_err err = { 0 };
	int ret = parse_file(path, &own, &err);

	for (size_t i = 0; i < own.n; i++)
		if (strcmp(own.v[i].section, "main") == 0 &&
		    strcmp(own.v[i].key, "summary") == 0)
			copy_str(summary, size, own.v[i].value);
	free(own.v);
	return ret == -ENOMEM ? ret : 0;
}

static struct nt_profile_info *infos_add(struct infos *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		void *v = realloc(l->v, cap * sizeof(*l->v));

		if (!v)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	return &l->v[l->n++];
}

static int list_file(const char *dir, const char *fname, struct infos *l,
		     struct nt_err *err)
{
	size_t len = strlen(fname);
	char name[NT_PROFILE_NAME_LEN], path[PATH_MAX];
	struct nt_profile_info *info;

	/* Hidden files are editors' backups and the like. */
	if (fname[0] == '.' || !has_suffix(fname, SUFFIX) ||
	    len - SUFFIX_LEN >= sizeof(name))
		return 0;
	memcpy(name, fname, len - SUFFIX_LEN);
	name[len - SUFFIX_LEN] = '\0';
	if (listed(l, name) ||
	    join(path, sizeof(path), dir, strlen(dir), fname, "") ||
	    !is_file(path))
		return 0;
	info = infos_add(l);
	if (!info)
		return nt_err_set(err, ENOMEM, "%s: out of memory", dir);
	memcpy(info->name, name, sizeof(name));
	memcpy(info->path, path, sizeof(path));
	if (read_summary(path, info->summary, sizeof(info->summary)))
		return nt_err_set(err, ENOMEM, "%s: out of memory", path);
	return 0;
}

static int list_dir(const char *dir, struct infos *l, struct nt_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int ret = 0;

	/* Neither the local nor the shipped directory has to exist. */
	if (!d)
		return errno == ENOENT || errno == ENOTDIR ? 0 :
			nt_err_set(err, errno, "%s: cannot list profiles: %s",
				   dir, strerror(errno));
	while (!ret && (de = readdir(d)))
		ret = list_file(dir, de->d_name, l, err);
	closedir(d);
	return ret;
}

static int cmp_info(const void *a, const void *b)
{
	const struct nt_profile_info *x = a, *y = b;

	return strcmp(x->name, y->name);
}

int nt_profile_list(const char *const *dirs, struct nt_profile_info **out,
		    size_t *n, struct nt_err *err)
{
	struct infos l = { 0 };
	int ret = 0;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; !ret && dirs && dirs[i]; i++)
		ret = list_dir(dirs[i], &l, err);
	if (ret) {
		free(l.v);
		return ret;
	}
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), cmp_info);
	*out = l.v;
	*n = l.n;
	return 0;
}
